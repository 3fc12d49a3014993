#include "core/diagnose/diagnosis.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "core/log/exchangelog.h"
#include "core/log/redactor.h"
#include "core/net/transport.h"
#include "core/time/timestamp.h"
#include "core/token/jwtinspector.h"
#include "core/token/tokeninput.h"
#include "core/users/passkeyops.h"
#include "core/users/userlookup.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTimeZone>
#include <QTimer>

#include <cmath>

namespace plainkey {

namespace {

using Verdict = Finding::Verdict;

const QString kCredentials = QStringLiteral("credentials");
const QString kReachability = QStringLiteral("reachability");
const QString kClock = QStringLiteral("clock");
const QString kTokenShape = QStringLiteral("token-shape");
const QString kTokenTimes = QStringLiteral("token-times");
const QString kVerify = QStringLiteral("verify");
const QString kUser = QStringLiteral("user");
const QString kPasskeys = QStringLiteral("passkeys");
const QString kTokenPasskey = QStringLiteral("token-passkey");
const QString kSummary = QStringLiteral("summary");

//! "3 minutes", "1 hour", "45 seconds", "2 days": a duration as a person says it in a sentence.
QString spokenDuration(qint64 signedSeconds)
{
    const quint64 s = signedSeconds < 0 ? 0 - quint64(signedSeconds) : quint64(signedSeconds);
    auto unit = [](quint64 n, const char *one, const char *many) {
        return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
    };
    if (s < 90)
        return unit(s, "second", "seconds");
    if (s < 90 * 60)
        return unit((s + 30) / 60, "minute", "minutes");
    if (s < 36 * 3600)
        return unit((s + 1800) / 3600, "hour", "hours");
    return unit((s + 43200) / 86400, "day", "days");
}

QDateTime parseHttpDate(const QByteArray &value)
{
    // RFC 9110's preferred format; the obsolete ones are not sent by PlainKey or the emulator.
    QDateTime d = QLocale::c().toDateTime(QString::fromLatin1(value.trimmed()),
                                          QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (d.isValid())
        d.setTimeZone(QTimeZone::utc());
    return d;
}

//! A JSON value of the token's claims as text: strings as they are, numbers without decimals.
QString claimText(const QJsonObject &claims, const QString &name)
{
    const QJsonValue v = claims.value(name);
    if (v.isString())
        return v.toString();
    if (v.isDouble() && std::isfinite(v.toDouble()) && std::fabs(v.toDouble()) < 1e15)
        return QString::number(qint64(v.toDouble()));
    return {};
}

QString plural(qsizetype n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

//! The kinds of "valid": false reason PlainKey gives, as the summary needs them.
enum class Reason { Expired, Used, OtherProject, UserGone, NotRecognised, Other };

Reason classify(const QString &error)
{
    const QString e = error.toLower();
    if (e.contains(QLatin1String("expir")))
        return Reason::Expired;
    if (e.contains(QLatin1String("already")) || e.contains(QLatin1String(" used")) || e.contains(QLatin1String("reuse"))
        || e.contains(QLatin1String("consumed")) || e.contains(QLatin1String("replay")))
        return Reason::Used;
    if (e.contains(QLatin1String("project")) && !e.contains(QLatin1String("not issued by this project")))
        return Reason::OtherProject;
    if (e.contains(QLatin1String("user")))
        return Reason::UserGone;
    if (e.contains(QLatin1String("signature")) || e.contains(QLatin1String("invalid")) || e.contains(QLatin1String("malformed"))
        || e.contains(QLatin1String("forged")) || e.contains(QLatin1String("not issued")) || e.contains(QLatin1String("unknown"))
        || e.contains(QLatin1String("not found")))
        return Reason::NotRecognised;
    return Reason::Other;
}

//! What PlainKey did instead of answering, as the end of a sentence whose subject is PlainKey:
//! "could not be reached (the connection was refused)", "answered HTTP 503 (…)".
QString whatPlainKeyDid(const ApiError &e)
{
    const QString said = e.serverMessage().isEmpty() ? QString() : QStringLiteral(" (“%1”)").arg(e.serverMessage());
    switch (e.kind()) {
    case ApiError::Kind::Network:
        return e.detail().isEmpty() ? QStringLiteral("could not be reached") : QStringLiteral("could not be reached: %1").arg(e.detail());
    case ApiError::Kind::Timeout: return QStringLiteral("did not answer in time");
    case ApiError::Kind::Tls: return QStringLiteral("could not be reached over a secure connection (%1)").arg(e.detail());
    case ApiError::Kind::RateLimited: return QStringLiteral("is limiting the request rate (HTTP 429)");
    case ApiError::Kind::HttpStatus: return QStringLiteral("answered HTTP %1%2").arg(e.httpStatus()).arg(said);
    case ApiError::Kind::InvalidResponse: return QStringLiteral("sent an answer that is not what its API promises (%1)").arg(e.detail());
    case ApiError::Kind::TooLarge: return QStringLiteral("sent an answer over the size limit");
    case ApiError::Kind::RedirectRefused: return QStringLiteral("redirected the request to another host, which is not followed");
    case ApiError::Kind::Unauthorized: return QStringLiteral("refused the project's access token (HTTP 401)%1").arg(said);
    case ApiError::Kind::CredentialsRejected: return QStringLiteral("refused the project's client ID or secret%1").arg(said);
    case ApiError::Kind::Cancelled: return QStringLiteral("was not asked: the check was cancelled");
    case ApiError::Kind::InvalidInput:
    case ApiError::Kind::None: break;
    }
    return QStringLiteral("did not answer as expected (%1)").arg(e.summary());
}

} // namespace

struct Diagnosis::Facts
{
    // credentials and reachability
    bool connected = false;          //!< PlainKey answered the access-token request with a token
    bool credentialsRefused = false;
    QString offlineReason;           //!< why PlainKey could not be used, when it could not (ApiError::summary)
    QString offlineShort;            //!< the same as the end of a sentence about PlainKey
    QString uncheckedSubject;        //!< the first check PlainKey did not answer, after it did answer the first
    QString uncheckedReason;
    QString host;
    std::optional<qint64> skewSeconds;

    // the token
    QString token;                   //!< cleaned up; never put into a text
    QString rawToken;
    bool tokenGiven = false;
    bool tokenUsable = false;
    JwtInspection jwt;
    QJsonObject claims;

    // verification
    bool verified = false;           //!< PlainKey answered the verify request
    VerifyResult verify;
    QDateTime verifiedAt;            //!< on PlainKey's clock
    Reason reason = Reason::Other;

    // the user
    QString userId;                  //!< the user that was looked up, when found
    QString userLabel;               //!< "ada@example.com (usr_1)"
    bool userFound = false;
    bool userMissing = false;        //!< PlainKey said there is no such user
    QString userAsked;               //!< how the user was named, for sentences
    bool userFromToken = false;

    QList<Passkey> passkeys;
    bool passkeysListed = false;
    QString credentialId;
};

Diagnosis::Diagnosis(PlainKeyClient *client, QObject *parent)
    : QObject(parent), m_client(client), m_facts(std::make_unique<Facts>())
{
}

Diagnosis::~Diagnosis()
{
    ++m_generation;
    if (m_call)
        m_call->cancel();
}

Finding Diagnosis::summary() const
{
    if (!m_findings.isEmpty() && m_findings.constLast().id == kSummary)
        return m_findings.constLast();
    return {};
}

int Diagnosis::exitCode(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Healthy: return 0;
    case Outcome::SignInFails: return 1;
    case Outcome::CredentialsRefused: return 3;
    case Outcome::CouldNotCheck:
    case Outcome::Running: return 4;
    }
    return 4;
}

QString Diagnosis::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Running: return QStringLiteral("running");
    case Outcome::Healthy: return QStringLiteral("healthy");
    case Outcome::SignInFails: return QStringLiteral("sign-in-fails");
    case Outcome::CredentialsRefused: return QStringLiteral("credentials-refused");
    case Outcome::CouldNotCheck: return QStringLiteral("could-not-check");
    }
    return {};
}

void Diagnosis::start(const DiagnosisInput &input)
{
    cancel();
    ++m_generation;
    m_input = input;
    m_input.user = input.user.trimmed();
    m_findings.clear();
    m_facts = std::make_unique<Facts>();
    m_facts->rawToken = input.token;
    m_facts->tokenGiven = !input.token.trimmed().isEmpty();
    m_facts->host = m_client->credentials().normalizedBaseUrl().authority();
    m_outcome = Outcome::Running;
    m_running = true;
    // Never from inside start(): a caller connects after starting, or shows "running" first.
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, generation] {
        if (generation == m_generation)
            runStep(Step::Credentials);
    });
}

void Diagnosis::cancel()
{
    if (!m_running)
        return;
    ++m_generation;
    m_running = false;
    m_outcome = Outcome::CouldNotCheck;
    if (m_call)
        m_call->cancel();
}

void Diagnosis::next(Step step)
{
    // Through the event loop: a chain of checks never grows the stack, and cancel() from a
    // slot connected to findingAdded stops the run before the next check starts.
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, generation, step] {
        if (generation == m_generation && m_running)
            runStep(step);
    });
}

void Diagnosis::runStep(Step step)
{
    switch (step) {
    case Step::Credentials: checkCredentials(); return;
    case Step::TokenLocal: checkTokenLocally(); return;
    case Step::Verify: verifyToken(); return;
    case Step::User: checkUser(); return;
    case Step::Passkeys: checkPasskeys(); return;
    case Step::TokenPasskey: checkTokenPasskey(); return;
    case Step::Summary: summarize(); return;
    case Step::Done: finish(); return;
    }
}

void Diagnosis::begin(const QString &id, const QString &title)
{
    emit checkStarted(id, title);
}

QString Diagnosis::redacted(const QString &text) const
{
    QList<QPair<SecretKind, QByteArray>> extra;
    if (!m_facts->token.isEmpty())
        extra.append({SecretKind::AuthenticationToken, m_facts->token.toUtf8()});
    const QString raw = m_facts->rawToken.trimmed();
    if (!raw.isEmpty() && raw != m_facts->token)
        extra.append({SecretKind::AuthenticationToken, raw.toUtf8()});
    return m_client->transport()->redactor().redactText(text, extra);
}

void Diagnosis::add(Finding finding)
{
    // The texts are built from redacted values; this is the second lock on the door.
    finding.title = redacted(finding.title);
    finding.detail = redacted(finding.detail);
    finding.action = redacted(finding.action);
    m_findings.append(finding);
    emit findingAdded(m_findings.constLast());
}

const Finding *Diagnosis::findingById(const QString &id) const
{
    for (const Finding &f : m_findings)
        if (f.id == id)
            return &f;
    return nullptr;
}

QDateTime Diagnosis::serverNow() const
{
    return QDateTime::currentDateTimeUtc().addSecs(m_facts->skewSeconds.value_or(0));
}

QString Diagnosis::tokenUserId() const
{
    if (m_facts->verified && !m_facts->verify.userId.isEmpty())
        return m_facts->verify.userId;
    const QString sub = claimText(m_facts->claims, QStringLiteral("sub"));
    return sub.isEmpty() ? claimText(m_facts->claims, QStringLiteral("userId")) : sub;
}

Finding Diagnosis::notCheckedOffline(const QString &id, const QString &what) const
{
    Finding f;
    f.id = id;
    f.verdict = Verdict::CouldNotCheck;
    f.title = QStringLiteral("Not checked: %1").arg(what);
    f.detail = m_facts->credentialsRefused
            ? QStringLiteral("PlainKey refused the project's credentials, so nothing could be asked of it.")
            : QStringLiteral("PlainKey could not be used: %1").arg(m_facts->offlineReason);
    f.action = m_facts->credentialsRefused ? QStringLiteral("Fix the connection settings, then run the checks again.")
                                           : QStringLiteral("Run the checks again once PlainKey answers.");
    return f;
}

Finding Diagnosis::callFailed(const QString &id, const QString &what, const ApiError &error, const QList<quint64> &ids)
{
    if (m_facts->uncheckedSubject.isEmpty()) {
        m_facts->uncheckedSubject = what;
        m_facts->uncheckedReason = whatPlainKeyDid(error);
    }
    Finding f;
    f.id = id;
    f.verdict = Verdict::CouldNotCheck;
    f.title = QStringLiteral("Could not check %1: PlainKey %2").arg(what, whatPlainKeyDid(error));
    f.detail = error.summary();
    f.action = error.hint();
    f.exchangeIds = ids;
    return f;
}

// --- credentials, reachability, clock -------------------------------------------------------

void Diagnosis::checkCredentials()
{
    begin(kCredentials, QStringLiteral("Checking the project's credentials with PlainKey…"));
    const quint64 generation = m_generation;
    AccessTokenManager *tokens = m_client->accessToken();
    // A fresh access-token request, always: it is the evidence that the credentials work today,
    // and its answer's Date header measures the clock.
    tokens->requestToken(this, [this, generation, tokens](const QString &, const ApiError &deliveredError) {
        if (generation != m_generation || !m_running)
            return;
        // A failed fetch delivers a still-valid older token without an error: the fetch's own
        // error is what this check is about.
        const ApiError error = deliveredError ? deliveredError : tokens->lastError();
        Facts &facts = *m_facts;

        // The exchange that fetched the token: the newest access-token request (the one this
        // check started, or the one in flight it joined, which began just before it).
        ExchangeLog *log = m_client->exchangeLog();
        const Exchange *exchange = nullptr;
        for (int i = log->size() - 1; i >= 0 && !exchange; --i) {
            if (log->at(i).path().endsWith(QLatin1String("/access-token")))
                exchange = &log->at(i);
        }
        QList<quint64> ids;
        if (exchange)
            ids.append(exchange->id);

        Finding cred;
        cred.id = kCredentials;
        cred.exchangeIds = ids;
        Finding reach;
        reach.id = kReachability;
        reach.exchangeIds = ids;

        if (!error) {
            facts.connected = true;
            cred.verdict = Verdict::Pass;
            cred.title = QStringLiteral("PlainKey accepted the credentials of project %1").arg(m_client->credentials().projectId);
            cred.detail = QStringLiteral("A new access token was issued (%1, valid for %2).")
                                  .arg(tokens->fingerprint(), describeDuration(tokens->lifetime().count()));
        } else if (error.kind() == ApiError::Kind::CredentialsRejected || error.kind() == ApiError::Kind::InvalidInput) {
            facts.credentialsRefused = true;
            cred.verdict = Verdict::CouldNotCheck;
            cred.title = error.kind() == ApiError::Kind::InvalidInput
                    ? QStringLiteral("The connection settings are incomplete, so nothing could be checked")
                    : QStringLiteral("PlainKey refused the project's client ID or client secret");
            cred.detail = error.summary();
            cred.action = QStringLiteral("Check the project ID and client secret in the connection settings (the secret may have been rotated), then run the checks again.");
        } else {
            facts.offlineReason = error.summary();
            facts.offlineShort = whatPlainKeyDid(error);
            cred.verdict = Verdict::CouldNotCheck;
            cred.title = QStringLiteral("Could not check the credentials: PlainKey did not give an access token");
            cred.detail = error.summary();
            cred.action = error.hint();
        }

        // Reachability: any HTTP answer means PlainKey is there, even when it refused.
        const bool answered = exchange && exchange->status > 0;
        if (answered && (exchange->status == 404 || exchange->status == 405)) {
            // Something answers there, but not PlainKey's Server API: the base URL's path is wrong.
            reach.verdict = Verdict::Warning;
            reach.title = QStringLiteral("Something at %1 answered HTTP %2 to the access-token request: the base URL does not lead to PlainKey's Server API")
                                  .arg(facts.host).arg(exchange->status);
            reach.detail = error ? error.summary() : QString();
            reach.action = QStringLiteral("Check the base URL in the connection settings: PlainKey's Server API is https://api.plainkey.io/server.");
        } else if (answered && exchange->status < 500) {
            reach.verdict = Verdict::Pass;
            reach.title = QStringLiteral("PlainKey at %1 answered in %2 ms").arg(facts.host).arg(qMax<qint64>(0, exchange->durationMs));
            reach.detail = QStringLiteral("HTTP %1 to the access-token request.").arg(exchange->status);
        } else if (answered) {
            facts.offlineReason = error ? error.summary() : QStringLiteral("HTTP %1").arg(exchange->status);
            facts.offlineShort = error ? whatPlainKeyDid(error) : QStringLiteral("answered HTTP %1").arg(exchange->status);
            reach.verdict = Verdict::CouldNotCheck;
            reach.title = QStringLiteral("PlainKey at %1 answered with a server error (HTTP %2)").arg(facts.host).arg(exchange->status);
            reach.detail = error ? error.summary() : QString();
            reach.action = QStringLiteral("PlainKey (or a proxy before it) is failing: check PlainKey's status page and try again later.");
        } else if (!error) {
            reach.verdict = Verdict::Pass;
            reach.title = QStringLiteral("PlainKey at %1 answered").arg(facts.host);
        } else if (facts.credentialsRefused && !exchange) {
            reach.verdict = Verdict::Skipped;
            reach.title = QStringLiteral("Not checked: nothing was sent with incomplete settings");
        } else {
            if (facts.offlineReason.isEmpty())
                facts.offlineReason = error.summary();
            reach.verdict = Verdict::CouldNotCheck;
            reach.title = QStringLiteral("PlainKey at %1 could not be reached").arg(facts.host);
            reach.detail = error.summary();
            reach.action = error.hint();
        }

        // The clock: from the access-token answer's Date header (AccessTokenManager measured it
        // when it issued a token; otherwise read here from the recorded answer).
        std::optional<qint64> skew;
        if (!error && tokens->clockSkew())
            skew = tokens->clockSkew()->count();
        else if (answered) {
            const QDateTime date = parseHttpDate(headerValue(exchange->responseHeaders, "date"));
            if (date.isValid() && exchange->startedAt.isValid())
                skew = exchange->startedAt.addMSecs(qMax<qint64>(0, exchange->durationMs)).secsTo(date);
        }
        facts.skewSeconds = skew;
        Finding clock;
        clock.id = kClock;
        clock.exchangeIds = answered ? ids : QList<quint64>();
        if (skew) {
            const qint64 s = *skew;
            if (std::llabs(s) <= kClockToleranceSeconds) {
                clock.verdict = Verdict::Pass;
                clock.title = QStringLiteral("PlainKey's clock agrees with this computer's");
                clock.detail = QStringLiteral("They differ by %1 s (from PlainKey's Date header), within the %2 s a network round trip and the header's whole seconds explain.")
                                       .arg(std::llabs(s)).arg(kClockToleranceSeconds);
            } else {
                clock.verdict = Verdict::Warning;
                clock.title = QStringLiteral("PlainKey's clock is %1 %2 this computer's")
                                      .arg(spokenDuration(s), s > 0 ? QStringLiteral("ahead of") : QStringLiteral("behind"));
                clock.detail = QStringLiteral("PlainKey's Date header differs from this computer's clock by %1 s. Token times below are read on PlainKey's clock; a backend or device whose clock is off by minutes sees fresh tokens as expired or not yet valid.")
                                       .arg(s);
                clock.action = QStringLiteral("Check this computer's time synchronisation (timedatectl, NTP); if it is right, tell PlainKey's support that its clock is off.");
            }
        } else if (answered) {
            clock.verdict = Verdict::Info;
            clock.title = QStringLiteral("PlainKey's answer had no readable Date header, so its clock could not be compared");
        } else {
            clock.verdict = facts.credentialsRefused ? Verdict::Skipped : Verdict::CouldNotCheck;
            clock.title = QStringLiteral("Not checked: PlainKey's clock (no answer to read it from)");
        }

        add(cred);
        add(reach);
        add(clock);
        next(Step::TokenLocal);
    }, true);
}

// --- the token, read locally --------------------------------------------------------------

void Diagnosis::checkTokenLocally()
{
    Facts &facts = *m_facts;
    Finding shape;
    shape.id = kTokenShape;
    Finding times;
    times.id = kTokenTimes;
    if (!facts.tokenGiven) {
        shape.verdict = Verdict::Skipped;
        shape.title = QStringLiteral("No token given: the token checks are skipped");
        shape.action = QStringLiteral("Ask the customer's developers for the authentication token their backend received, to check it too.");
        times.verdict = Verdict::Skipped;
        times.title = QStringLiteral("No token given: its times are not checked");
        add(shape);
        add(times);
        next(Step::Verify);
        return;
    }
    begin(kTokenShape, QStringLiteral("Reading the token…"));
    const TokenInput input = TokenInput::normalize(facts.rawToken);
    if (!input.ok()) {
        shape.verdict = Verdict::Fail;
        shape.title = QStringLiteral("What was pasted is not a token");
        shape.detail = input.problem;
        shape.action = QStringLiteral("Copy the token again, whole, as plain text.");
        times.verdict = Verdict::Skipped;
        times.title = QStringLiteral("Not checked: no token to read times from");
        add(shape);
        add(times);
        next(Step::Verify);
        return;
    }
    facts.token = input.token;
    facts.tokenUsable = true;
    facts.jwt = JwtInspection::inspect(facts.token, serverNow());
    const QString notices = input.notices.join(QLatin1Char(' '));
    if (!facts.jwt.isJwt) {
        shape.verdict = Verdict::Info;
        shape.title = QStringLiteral("The token is not a JWT, so only PlainKey can read it");
        shape.detail = QStringLiteral("%1 characters; %2. %3").arg(facts.token.size()).arg(facts.jwt.notJwtReason, notices).trimmed();
        times.verdict = Verdict::Skipped;
        times.title = QStringLiteral("Not checked locally: an opaque token carries no readable times");
        add(shape);
        add(times);
        next(Step::Verify);
        return;
    }

    facts.claims = QJsonDocument::fromJson(facts.jwt.claimsJson.toUtf8()).object();
    const QString tokenProject = claimText(facts.claims, QStringLiteral("projectId"));
    const QString ourProject = m_client->credentials().projectId;
    const QString user = tokenUserId();
    facts.credentialId = claimText(facts.claims, QStringLiteral("credentialId"));
    QStringList parts;
    parts.append(QStringLiteral("A JWT signed with %1").arg(facts.jwt.algorithm.isEmpty() ? QStringLiteral("no named algorithm") : facts.jwt.algorithm));
    if (!facts.jwt.issuer.isEmpty())
        parts.append(QStringLiteral("issued by “%1”").arg(facts.jwt.issuer));
    if (!user.isEmpty())
        parts.append(QStringLiteral("for user %1").arg(user));
    if (!facts.credentialId.isEmpty())
        parts.append(QStringLiteral("with passkey %1").arg(facts.credentialId));
    if (!tokenProject.isEmpty())
        parts.append(QStringLiteral("in project %1").arg(tokenProject));
    shape.detail = parts.join(QStringLiteral(", ")) + QStringLiteral(". Read locally: the signature is PlainKey's to check.");
    if (!notices.isEmpty())
        shape.detail += QLatin1Char(' ') + notices;
    if (!tokenProject.isEmpty() && tokenProject != ourProject) {
        shape.verdict = Verdict::Fail;
        shape.title = QStringLiteral("The token was issued for project %1, not %2").arg(tokenProject, ourProject);
        shape.action = QStringLiteral("The customer's frontend uses another project ID than their backend (or than this console): make them the same.");
    } else {
        shape.verdict = Verdict::Pass;
        shape.title = tokenProject.isEmpty() ? QStringLiteral("The token is a well-formed JWT")
                                             : QStringLiteral("The token is a well-formed JWT of project %1").arg(tokenProject);
    }
    add(shape);

    begin(kTokenTimes, QStringLiteral("Reading the token's times…"));
    const QDateTime now = serverNow();
    const QString clockNote = m_facts->skewSeconds && std::llabs(*m_facts->skewSeconds) > kClockToleranceSeconds
            ? QStringLiteral(" (on PlainKey's clock)") : QString();
    QStringList evidence;
    if (facts.jwt.issuedAt)
        evidence.append(QStringLiteral("issued %1 (%2)").arg(facts.jwt.issuedAt->toString(Qt::ISODate), describeRelative(*facts.jwt.issuedAt, now)));
    if (facts.jwt.expiresAt)
        evidence.append(QStringLiteral("expires %1 (%2)").arg(facts.jwt.expiresAt->toString(Qt::ISODate), describeRelative(*facts.jwt.expiresAt, now)));
    if (facts.jwt.issuedAt && facts.jwt.expiresAt)
        evidence.append(QStringLiteral("lifetime %1").arg(describeDuration(facts.jwt.issuedAt->secsTo(*facts.jwt.expiresAt))));
    times.detail = evidence.isEmpty() ? QString() : evidence.join(QStringLiteral("; ")) + clockNote + QLatin1Char('.');
    if (!facts.jwt.expiresAt) {
        times.verdict = Verdict::Info;
        times.title = QStringLiteral("The token carries no expiry (exp) claim");
    } else if (*facts.jwt.expiresAt <= now) {
        times.verdict = Verdict::Fail;
        times.title = QStringLiteral("The token expired %1 ago").arg(spokenDuration(facts.jwt.expiresAt->secsTo(now)));
        times.action = QStringLiteral("The frontend must send the token to its backend right after sign-in; ask the customer to sign in again.");
    } else if (facts.jwt.issuedAt && now.secsTo(*facts.jwt.issuedAt) > kClockToleranceSeconds) {
        times.verdict = Verdict::Warning;
        times.title = QStringLiteral("The token says it was issued %1 in the future").arg(spokenDuration(now.secsTo(*facts.jwt.issuedAt)));
        times.action = QStringLiteral("A clock is off: compare PlainKey's clock (see the clock check) with the customer's backend's.");
    } else {
        times.verdict = Verdict::Pass;
        times.title = QStringLiteral("The token is within its lifetime: it expires %1").arg(describeRelative(*facts.jwt.expiresAt, now));
    }
    add(times);
    next(Step::Verify);
}

// --- verification ---------------------------------------------------------------------------

void Diagnosis::verifyToken()
{
    Facts &facts = *m_facts;
    if (!facts.tokenUsable) {
        Finding f;
        f.id = kVerify;
        f.verdict = Verdict::Skipped;
        f.title = facts.tokenGiven ? QStringLiteral("Not verified: what was pasted is not a token")
                                   : QStringLiteral("No token given: nothing to verify");
        add(f);
        next(Step::User);
        return;
    }
    if (!facts.connected) {
        add(notCheckedOffline(kVerify, QStringLiteral("the token's verification")));
        next(Step::User);
        return;
    }
    begin(kVerify, QStringLiteral("Verifying the token with PlainKey…"));
    const quint64 generation = m_generation;
    auto call = std::make_shared<QPointer<ApiCall>>();
    m_call = *call = m_client->verifyToken(facts.token, this, [this, generation, call](const Result<VerifyResult> &result) {
        if (generation != m_generation || !m_running)
            return;
        Facts &facts = *m_facts;
        const QList<quint64> ids = *call ? (*call)->exchangeIds() : QList<quint64>();
        if (*call && (*call)->answer().status > 0) {
            const HttpAnswer &answer = (*call)->answer();
            facts.verifiedAt = answer.serverDate.isValid() ? answer.serverDate
                    : answer.receivedAt.addSecs(facts.skewSeconds.value_or(0));
        }
        if (!facts.verifiedAt.isValid())
            facts.verifiedAt = serverNow();
        Finding f;
        f.id = kVerify;
        f.exchangeIds = ids;
        if (!result) {
            const ApiError &e = result.error();
            // Only 400 and 422 say something about the token itself (PlainKey could not read it);
            // anything else (404, 403, 5xx, 429, no answer) is about reaching verify at all.
            const bool aboutTheToken = e.kind() == ApiError::Kind::HttpStatus && (e.httpStatus() == 400 || e.httpStatus() == 422);
            if (!aboutTheToken) {
                add(callFailed(kVerify, QStringLiteral("the token"), e, ids));
            } else {
                // A 4xx other than valid:false: PlainKey refused the request itself (400: the
                // token is not one it can read at all).
                f.verdict = Verdict::Fail;
                f.title = QStringLiteral("PlainKey refused to verify the token (HTTP %1)").arg(e.httpStatus());
                f.detail = e.serverMessage().isEmpty() ? e.summary()
                                                       : QStringLiteral("PlainKey said: “%1”.").arg(e.serverMessage());
                f.action = QStringLiteral("Check that what was pasted is the whole authentication token from the customer's session.");
                facts.reason = Reason::NotRecognised;
                add(f);
            }
            next(Step::User);
            return;
        }
        facts.verified = true;
        facts.verify = result.value();
        const VerifyResult &v = facts.verify;
        if (facts.credentialId.isEmpty())
            facts.credentialId = v.payload.value(QStringLiteral("credentialId")).toString();
        if (v.valid) {
            f.verdict = Verdict::Pass;
            f.title = QStringLiteral("PlainKey verified the token: it is valid for user %1").arg(v.userId);
            QStringList parts;
            if (v.expiresAt)
                parts.append(QStringLiteral("It expires %1 (%2).").arg(v.expiresAt->utc.toString(Qt::ISODate),
                                                                       describeRelative(v.expiresAt->utc, facts.verifiedAt)));
            if (!v.projectId.isEmpty())
                parts.append(QStringLiteral("Project %1.").arg(v.projectId));
            parts.append(QStringLiteral("If PlainKey's tokens are single use, this verification used it up: the customer's backend cannot verify it again."));
            f.detail = parts.join(QLatin1Char(' '));
        } else {
            facts.reason = classify(v.error);
            f.verdict = Verdict::Fail;
            f.title = v.error.isEmpty() ? QStringLiteral("PlainKey did not accept the token (no reason given)")
                                        : QStringLiteral("PlainKey did not accept the token: “%1”").arg(v.error);
            f.detail = VerifyResult::explainReason(v.error);
            switch (facts.reason) {
            case Reason::Expired:
                f.action = QStringLiteral("Have the frontend send the token to its backend right after sign-in, and the backend verify it at once; the customer signs in again.");
                break;
            case Reason::Used:
                f.action = QStringLiteral("The backend must verify each token once and then keep its own session; the customer signs in again.");
                break;
            case Reason::OtherProject:
                f.action = QStringLiteral("Make the frontend's project ID the backend's (and this console's).");
                break;
            case Reason::UserGone:
                f.action = QStringLiteral("The account was deleted after the sign-in: the customer signs up again.");
                break;
            case Reason::NotRecognised:
                f.action = QStringLiteral("Copy the token again, whole, from the customer's session; if it still fails, it was not issued by this project.");
                break;
            case Reason::Other:
                f.action = QStringLiteral("Ask the customer to sign in again and verify the new token.");
                break;
            }
        }
        add(f);
        next(Step::User);
    });
}

// --- the user and their passkeys ------------------------------------------------------------

void Diagnosis::checkUser()
{
    Facts &facts = *m_facts;
    UserIdentifier who;
    if (!m_input.user.isEmpty()) {
        who = m_input.byName ? UserIdentifier::byName(m_input.user) : UserIdentifier::byId(m_input.user);
    } else if (const QString id = tokenUserId(); !id.isEmpty()) {
        who = UserIdentifier::byId(id);
        facts.userFromToken = true;
    } else {
        Finding f;
        f.id = kUser;
        f.verdict = Verdict::Skipped;
        f.title = QStringLiteral("No user given, and the token names none");
        f.action = QStringLiteral("Give the user's name or ID to check their account and passkeys.");
        add(f);
        next(Step::Passkeys);
        return;
    }
    facts.userAsked = who.isName() ? QStringLiteral("“%1”").arg(who.value) : who.value;
    if (!facts.connected) {
        add(notCheckedOffline(kUser, QStringLiteral("whether user %1 exists").arg(facts.userAsked)));
        next(Step::Passkeys);
        return;
    }
    begin(kUser, QStringLiteral("Looking up user %1…").arg(facts.userAsked));
    const quint64 generation = m_generation;
    auto call = std::make_shared<QPointer<ApiCall>>();
    m_call = *call = lookUpUser(*m_client, who, this, [this, generation, call, who](const Result<User> &result) {
        if (generation != m_generation || !m_running)
            return;
        Facts &facts = *m_facts;
        const QList<quint64> ids = *call ? (*call)->exchangeIds() : QList<quint64>();
        Finding f;
        f.id = kUser;
        f.exchangeIds = ids;
        const QString source = facts.userFromToken ? QStringLiteral(" (the user the token names)") : QString();
        if (!result) {
            const ApiError &e = result.error();
            const bool absent = e.httpStatus() == 404 || (who.isName() && e.httpStatus() == 400)
                    || e.kind() == ApiError::Kind::InvalidInput;
            if (!absent) {
                add(callFailed(kUser, QStringLiteral("user %1").arg(facts.userAsked), e, ids));
                next(Step::Passkeys);
                return;
            }
            facts.userMissing = true;
            f.verdict = Verdict::Fail;
            if (facts.userFromToken) {
                f.title = QStringLiteral("The token's user %1 no longer exists").arg(who.value);
                f.action = QStringLiteral("The account was deleted after the sign-in: the customer signs up again.");
            } else {
                f.title = QStringLiteral("There is no user %1 in project %2").arg(facts.userAsked, m_client->credentials().projectId);
                f.action = who.isName() ? QStringLiteral("Check the spelling (user names are exact), or look the user up by ID.")
                                        : QStringLiteral("Check the ID, or look the user up by name (--by-name).");
            }
            f.detail = e.serverMessage().isEmpty() ? e.summary() : QStringLiteral("PlainKey said: “%1”.").arg(e.serverMessage());
            add(f);
            next(Step::Passkeys);
            return;
        }
        const User &u = result.value();
        facts.userFound = true;
        facts.userId = u.id;
        facts.userLabel = u.userName ? QStringLiteral("%1 (%2)").arg(*u.userName, u.id) : u.id;
        const QString tokenUser = tokenUserId();
        if (!facts.userFromToken && !tokenUser.isEmpty() && tokenUser != u.id) {
            f.verdict = Verdict::Warning;
            f.title = QStringLiteral("User %1 exists, but the token belongs to another user (%2)").arg(facts.userLabel, tokenUser);
            f.detail = QStringLiteral("The token was issued to %1; the checks below are about %2.").arg(tokenUser, facts.userLabel);
            f.action = QStringLiteral("Make sure the token comes from this customer's session: they may be signed in to another account.");
        } else {
            f.verdict = Verdict::Pass;
            f.title = QStringLiteral("User %1 exists%2").arg(facts.userLabel, source);
            f.detail = u.userName ? QStringLiteral("User name “%1”, ID %2.").arg(*u.userName, u.id)
                                  : QStringLiteral("ID %1, no user name (usernameless sign-in).").arg(u.id);
        }
        add(f);
        next(Step::Passkeys);
    });
}

void Diagnosis::checkPasskeys()
{
    Facts &facts = *m_facts;
    if (!facts.userFound) {
        if (!facts.connected && !facts.userAsked.isEmpty()) {
            add(notCheckedOffline(kPasskeys, QStringLiteral("the user's passkeys")));
        } else {
            Finding f;
            f.id = kPasskeys;
            f.verdict = Verdict::Skipped;
            f.title = facts.userMissing ? QStringLiteral("Not checked: there is no such user to have passkeys")
                                        : QStringLiteral("Not checked: no user to list passkeys of");
            add(f);
        }
        next(Step::TokenPasskey);
        return;
    }
    begin(kPasskeys, QStringLiteral("Listing the passkeys of %1…").arg(facts.userLabel));
    const quint64 generation = m_generation;
    auto call = std::make_shared<QPointer<ApiCall>>();
    m_call = *call = m_client->call<ListPasskeys>(this, [this, generation, call](const Result<QList<Passkey>> &result) {
        if (generation != m_generation || !m_running)
            return;
        Facts &facts = *m_facts;
        const QList<quint64> ids = *call ? (*call)->exchangeIds() : QList<quint64>();
        if (!result) {
            add(callFailed(kPasskeys, QStringLiteral("the passkeys of %1").arg(facts.userLabel), result.error(), ids));
            next(Step::TokenPasskey);
            return;
        }
        facts.passkeys = result.value();
        facts.passkeysListed = true;
        const QList<Passkey> &keys = facts.passkeys;
        Finding f;
        f.id = kPasskeys;
        f.exchangeIds = ids;
        if (keys.isEmpty()) {
            f.verdict = Verdict::Fail;
            f.title = QStringLiteral("%1 has no passkey, so they cannot sign in").arg(facts.userLabel);
            f.detail = QStringLiteral("PlainKey lists no passkey for this user: a sign-in has nothing to authenticate with.");
            f.action = QStringLiteral("The customer adds a passkey (signs up again, or adds one from a device where they are still signed in).");
            add(f);
            next(Step::TokenPasskey);
            return;
        }
        const QDateTime now = serverNow();
        int synced = 0;
        const Passkey *lastUsed = nullptr;
        QStringList lines;
        QStringList anomalies;
        for (const Passkey &p : keys) {
            const bool isSynced = p.credentialDeviceType == QLatin1String("multiDevice") || p.credentialBackedUp.value_or(false);
            if (isSynced)
                ++synced;
            if (p.lastUsedAt.when && (!lastUsed || !lastUsed->lastUsedAt.when || lastUsed->lastUsedAt.when->utc < p.lastUsedAt.when->utc))
                lastUsed = &p;
            QString used = p.lastUsedAt.isSet() ? QStringLiteral("last used %1").arg(p.lastUsedAt.relativeText(now))
                                                : QStringLiteral("never used");
            lines.append(QStringLiteral("%1 (%2): %3, %4, counter %5").arg(p.displayName(), p.id, p.deviceTypeText(), used,
                                                                        p.counter ? QString::number(*p.counter) : QStringLiteral("unknown")));
            if (p.counter && (*p.counter < 0 || *p.counter > 0xFFFFFFFFLL))
                anomalies.append(QStringLiteral("%1's signature counter %2 is outside what an authenticator can send (0 to 2^32-1)").arg(p.displayName()).arg(*p.counter));
            if (p.lastUsedAt.when && p.createdAt.when && p.lastUsedAt.when->utc < p.createdAt.when->utc.addSecs(-kClockToleranceSeconds))
                anomalies.append(QStringLiteral("%1 was last used before it was created").arg(p.displayName()));
            if (p.lastUsedAt.when && now.secsTo(p.lastUsedAt.when->utc) > kClockToleranceSeconds)
                anomalies.append(QStringLiteral("%1 was last used %2 in the future").arg(p.displayName(), spokenDuration(now.secsTo(p.lastUsedAt.when->utc))));
            if (!isSynced && p.counter && *p.counter == 0 && p.lastUsedAt.isSet())
                anomalies.append(QStringLiteral("%1 is a single-device passkey that has been used but whose counter is still 0: its authenticator does not count signatures, so a cloned copy could not be detected").arg(p.displayName()));
        }
        const QString lastUse = lastUsed ? QStringLiteral("last used %1 with %2").arg(lastUsed->lastUsedAt.relativeText(now), lastUsed->displayName())
                                         : QStringLiteral("none ever used");
        f.detail = lines.join(QStringLiteral("; ")) + QLatin1Char('.');
        if (!anomalies.isEmpty()) {
            f.verdict = Verdict::Warning;
            f.title = QStringLiteral("%1 has %2, %3, and one shows a counter or time anomaly").arg(facts.userLabel, plural(keys.size(), "passkey", "passkeys"), lastUse);
            f.detail += QLatin1Char(' ') + anomalies.join(QStringLiteral("; ")) + QLatin1Char('.');
            f.action = QStringLiteral("A counter that goes backwards or times that disagree can mean a cloned authenticator: ask the customer which devices they use, and remove passkeys they do not recognise.");
        } else if (synced == 0) {
            f.verdict = Verdict::Info;
            f.title = QStringLiteral("%1 has only single-device passkeys (%2), %3").arg(facts.userLabel).arg(keys.size()).arg(lastUse);
            f.detail += QStringLiteral(" A single-device passkey stays on one authenticator: on another device the customer must use that one (by QR code or USB), or add a passkey there.");
            f.action = QStringLiteral("If the customer signs in from a new device, they need that authenticator with them, or a synced passkey.");
        } else {
            f.verdict = Verdict::Pass;
            f.title = QStringLiteral("%1 has %2, %3 synced, %4").arg(facts.userLabel, plural(keys.size(), "passkey", "passkeys")).arg(synced).arg(lastUse);
        }
        add(f);
        next(Step::TokenPasskey);
    }, facts.userId);
}

void Diagnosis::checkTokenPasskey()
{
    Facts &facts = *m_facts;
    Finding f;
    f.id = kTokenPasskey;
    if (facts.credentialId.isEmpty()) {
        f.verdict = Verdict::Skipped;
        f.title = !facts.tokenUsable ? QStringLiteral("No token: the passkey it was signed with is not checked")
                                     : QStringLiteral("The token names no passkey (no credentialId), so it is not checked");
        add(f);
        next(Step::Summary);
        return;
    }
    if (!facts.connected) {
        add(notCheckedOffline(kTokenPasskey, QStringLiteral("the token's passkey %1").arg(facts.credentialId)));
        next(Step::Summary);
        return;
    }
    begin(kTokenPasskey, QStringLiteral("Looking up the token's passkey %1…").arg(facts.credentialId));
    const quint64 generation = m_generation;
    auto call = std::make_shared<QPointer<ApiCall>>();
    m_call = *call = m_client->call<GetPasskey>(this, [this, generation, call](const Result<Passkey> &result) {
        if (generation != m_generation || !m_running)
            return;
        Facts &facts = *m_facts;
        const QList<quint64> ids = *call ? (*call)->exchangeIds() : QList<quint64>();
        Finding f;
        f.id = kTokenPasskey;
        f.exchangeIds = ids;
        if (!result) {
            const ApiError &e = result.error();
            if (e.httpStatus() != 404) {
                add(callFailed(kTokenPasskey, QStringLiteral("the token's passkey %1").arg(facts.credentialId), e, ids));
                next(Step::Summary);
                return;
            }
            f.verdict = Verdict::Fail;
            f.title = QStringLiteral("The passkey the token was signed with (%1) no longer exists").arg(facts.credentialId);
            f.detail = facts.userMissing ? QStringLiteral("It was deleted with its user.")
                                         : QStringLiteral("It was removed after the sign-in that issued the token.");
            f.action = QStringLiteral("The customer signs in with another passkey, or adds a new one.");
            add(f);
            next(Step::Summary);
            return;
        }
        const Passkey &p = result.value();
        const QString tokenUser = tokenUserId();
        const QString owner = facts.userFound ? facts.userId : tokenUser;
        if (!owner.isEmpty() && p.userId != owner) {
            f.verdict = Verdict::Fail;
            f.title = QStringLiteral("The token's passkey %1 belongs to another user (%2), not %3").arg(p.displayName(), p.userId, owner);
            f.detail = QStringLiteral("Passkey %1 is registered to %2.").arg(p.id, p.userId);
            f.action = QStringLiteral("The token does not match this user: check which account the customer signed in to.");
        } else {
            f.verdict = Verdict::Pass;
            f.title = QStringLiteral("The token's passkey %1 still exists and belongs to %2")
                              .arg(p.displayName(), facts.userFound ? facts.userLabel : p.userId);
            f.detail = QStringLiteral("Passkey %1: %2, last used %3.").arg(p.id, p.deviceTypeText(), p.lastUsedAt.relativeText(serverNow()));
        }
        add(f);
        next(Step::Summary);
    }, facts.credentialId);
}

// --- the answer -----------------------------------------------------------------------------

void Diagnosis::summarize()
{
    Facts &facts = *m_facts;
    Finding s;
    s.id = kSummary;
    const Finding *decisive = nullptr;
    auto use = [&](const QString &id) { decisive = findingById(id); };
    const QString project = m_client->credentials().projectId;

    if (facts.credentialsRefused) {
        m_outcome = Outcome::CredentialsRefused;
        use(kCredentials);
        s.verdict = Verdict::CouldNotCheck;
        s.title = QStringLiteral("Nothing could be checked because PlainKey refused this console's client ID or secret for project %1: fix the connection settings and run the checks again.").arg(project);
    } else if (!facts.connected) {
        m_outcome = Outcome::CouldNotCheck;
        use(kReachability);
        s.verdict = Verdict::CouldNotCheck;
        s.title = QStringLiteral("Nothing could be checked because PlainKey at %1 %2.").arg(facts.host, facts.offlineShort);
        if (const Finding *t = findingById(kTokenTimes); t && t->verdict == Verdict::Fail)
            s.detail = QStringLiteral("Read locally, without PlainKey: %1.").arg(t->title);
    } else {
        // The first fault in the order a senior engineer would name it.
        const Finding *shape = findingById(kTokenShape);
        const Finding *verify = findingById(kVerify);
        const Finding *user = findingById(kUser);
        const Finding *passkeys = findingById(kPasskeys);
        const Finding *tokenPasskey = findingById(kTokenPasskey);
        const Finding *times = findingById(kTokenTimes);
        auto failed = [](const Finding *f) { return f && f->verdict == Verdict::Fail; };
        const QString tokenUser = tokenUserId();

        if (failed(shape) && !facts.tokenUsable) {
            decisive = shape;
            s.title = QStringLiteral("What was pasted is not an authentication token: ask for the token itself, copied whole as plain text.");
        } else if (failed(verify) && facts.verified) {
            decisive = verify;
            switch (facts.reason) {
            case Reason::Expired: {
                const std::optional<QDateTime> exp = facts.jwt.expiresAt ? facts.jwt.expiresAt
                        : (facts.verify.expiresAt ? std::optional<QDateTime>(facts.verify.expiresAt->utc) : std::nullopt);
                if (exp && facts.verifiedAt.isValid() && *exp <= facts.verifiedAt)
                    s.title = QStringLiteral("The token expired %1 before it was verified: the customer's frontend held it too long.")
                                      .arg(spokenDuration(exp->secsTo(facts.verifiedAt)));
                else
                    s.title = QStringLiteral("The token had expired when it was verified: the customer's frontend held it too long.");
                break;
            }
            case Reason::Used:
                s.title = QStringLiteral("The token was already verified once: the customer's backend verifies it twice (or replays it) instead of keeping its own session.");
                break;
            case Reason::OtherProject:
                s.title = QStringLiteral("The token was issued for another PlainKey project than %1: the customer's frontend uses a different project ID.").arg(project);
                break;
            case Reason::UserGone:
                s.title = tokenUser.isEmpty()
                        ? QStringLiteral("The token's user was deleted after signing in: the customer must sign up again.")
                        : QStringLiteral("The token's user %1 was deleted after signing in: the customer must sign up again.").arg(tokenUser);
                break;
            case Reason::NotRecognised:
                s.title = QStringLiteral("PlainKey does not recognise the token (%1): it was altered, cut off when copied, or not issued by project %2.")
                                  .arg(facts.verify.error.isEmpty() ? QStringLiteral("HTTP %1").arg(facts.verify.httpStatus) : QStringLiteral("“%1”").arg(facts.verify.error), project);
                break;
            case Reason::Other:
                s.title = QStringLiteral("PlainKey did not accept the token (“%1”): the customer should sign in again.").arg(facts.verify.error);
                break;
            }
        } else if (failed(verify)) {
            decisive = verify;
            s.title = QStringLiteral("PlainKey refused to verify the token: %1").arg(verify->detail);
        } else if (failed(shape)) {
            decisive = shape;
            s.title = QStringLiteral("%1: the customer's frontend uses another project ID.").arg(shape->title);
        } else if (failed(user)) {
            decisive = user;
            s.title = facts.userFromToken
                    ? QStringLiteral("The token's user %1 no longer exists: the account was deleted after signing in.").arg(facts.userAsked)
                    : QStringLiteral("There is no user %1 in project %2: check the spelling or the ID the customer gave.").arg(facts.userAsked, project);
        } else if (failed(passkeys)) {
            decisive = passkeys;
            s.title = QStringLiteral("%1 has no passkey, so there is nothing to sign in with: they must add one.").arg(facts.userLabel);
        } else if (failed(tokenPasskey)) {
            decisive = tokenPasskey;
            s.title = QStringLiteral("%1.").arg(tokenPasskey->title);
        } else if (failed(times)) {
            decisive = times;
            s.title = QStringLiteral("%1: the customer's frontend held it too long.").arg(times->title);
        } else {
            for (const Finding &f : std::as_const(m_findings))
                if (f.verdict == Verdict::Fail && !decisive)
                    decisive = &f;
            if (decisive)
                s.title = QStringLiteral("%1.").arg(decisive->title);
        }

        if (decisive) {
            m_outcome = Outcome::SignInFails;
            s.verdict = Verdict::Fail;
        } else {
            const Finding *unchecked = nullptr;
            for (const Finding &f : std::as_const(m_findings))
                if (f.verdict == Verdict::CouldNotCheck && !unchecked)
                    unchecked = &f;
            if (unchecked) {
                m_outcome = Outcome::CouldNotCheck;
                decisive = unchecked;
                s.verdict = Verdict::CouldNotCheck;
                s.title = facts.uncheckedSubject.isEmpty()
                        ? QStringLiteral("Could not finish the checks: %1.").arg(unchecked->title)
                        : QStringLiteral("Nothing wrong found so far, but %1 could not be checked: PlainKey %2.")
                                  .arg(facts.uncheckedSubject, facts.uncheckedReason);
            } else {
                m_outcome = Outcome::Healthy;
                QStringList good;
                if (facts.verified && facts.verify.valid)
                    good.append(QStringLiteral("PlainKey accepts the token"));
                if (facts.userFound)
                    good.append(QStringLiteral("%1 exists with %2").arg(facts.userLabel, plural(facts.passkeys.size(), "passkey", "passkeys")));
                QString sentence = good.isEmpty() ? QStringLiteral("Nothing wrong found: PlainKey accepts the project's credentials")
                                                  : QStringLiteral("Nothing wrong found: %1").arg(good.join(QStringLiteral(" and ")));
                const Finding *warning = nullptr;
                for (const Finding &f : std::as_const(m_findings))
                    if (f.verdict == Verdict::Warning && !warning)
                        warning = &f;
                if (warning) {
                    decisive = warning;
                    s.verdict = Verdict::Warning;
                    QString w = warning->title;
                    if (!w.isEmpty())
                        w[0] = w[0].toLower();
                    // "PlainKey's" and user IDs stay as they are; only a plain first word is lowered.
                    if (warning->title.startsWith(QLatin1String("PlainKey")) || warning->title.startsWith(QLatin1String("User ")))
                        w = warning->title;
                    sentence += QStringLiteral(", but %1.").arg(w);
                } else {
                    s.verdict = Verdict::Pass;
                    sentence += QLatin1Char('.');
                    if (facts.userFound && !facts.tokenGiven)
                        s.action = QStringLiteral("To go further, ask for the authentication token the customer's backend received.");
                }
                s.title = sentence;
            }
        }
    }
    if (decisive) {
        s.exchangeIds = decisive->exchangeIds;
        if (s.action.isEmpty())
            s.action = decisive->action;
        if (s.detail.isEmpty())
            s.detail = decisive->detail;
    }
    add(s);
    next(Step::Done);
}

void Diagnosis::finish()
{
    m_running = false;
    emit finished();
}

} // namespace plainkey
