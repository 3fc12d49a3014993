#include "core/api/accesstokenmanager.h"

#include "core/api/jsonreader.h"
#include "core/log/logging.h"
#include "core/log/redactor.h"
#include "core/net/transport.h"
#include "core/time/bootclock.h"

#include <QTimer>
#include <QUrl>

using namespace std::chrono;
using namespace std::chrono_literals;

namespace plainkey {

namespace {
// After a failed automatic refresh, wait this long before the next automatic try.
constexpr milliseconds kAutoRetryInterval = 30s;
// Re-check at least this often so a suspend or a late timer is noticed quickly.
constexpr milliseconds kMaxCheckInterval = 30s;
const QString kOperation = QStringLiteral("Fetching the access token");
//! The longest access-token lifetime accepted from an answer; PlainKey issues one hour.
constexpr seconds kMaxExpiresIn{365LL * 24 * 3600};
} // namespace

AccessTokenManager::AccessTokenManager(Transport *transport, QObject *parent)
    : QObject(parent), m_transport(transport), m_checkTimer(new QTimer(this))
{
    m_checkTimer->setSingleShot(true);
    connect(m_checkTimer, &QTimer::timeout, this, &AccessTokenManager::updateState);
}

AccessTokenManager::~AccessTokenManager()
{
    m_waiters.clear();
    if (m_fetch)
        m_fetch->disconnect(this);
}

QString AccessTokenManager::stateName(State state)
{
    switch (state) {
    case State::None: return QStringLiteral("none");
    case State::Fetching: return QStringLiteral("fetching");
    case State::Valid: return QStringLiteral("valid");
    case State::ExpiringSoon: return QStringLiteral("expiring soon");
    case State::Expired: return QStringLiteral("expired");
    case State::Failed: return QStringLiteral("failed");
    }
    return {};
}

QString AccessTokenManager::fingerprint() const
{
    return m_token.isEmpty() ? QString() : QString::fromLatin1(Redactor::fingerprint(m_token.toUtf8()));
}

bool AccessTokenManager::isFetching() const
{
    return !m_fetch.isNull();
}

milliseconds AccessTokenManager::remaining() const
{
    if (!hasToken())
        return 0ms;
    return m_expiresOnBootClock - bootClockNow();
}

void AccessTokenManager::setCredentials(const Credentials &credentials)
{
    if (credentials == m_credentials)
        return;
    clear();
    m_credentials = credentials;
    m_transport->addSecret(SecretKind::ClientSecret, credentials.clientSecret.toUtf8());
}

void AccessTokenManager::setGracePeriod(seconds grace)
{
    if (grace == m_gracePeriod)
        return;
    m_gracePeriod = grace;
    emit gracePeriodChanged();
    updateState();
}

milliseconds AccessTokenManager::effectiveGracePeriod() const
{
    const milliseconds grace = m_gracePeriod;
    if (m_lifetime.count() <= 0)
        return grace;
    return std::min(grace, milliseconds(m_lifetime) / 2);
}

void AccessTokenManager::setAutoRefresh(bool on)
{
    if (on == m_autoRefresh)
        return;
    m_autoRefresh = on;
    emit autoRefreshChanged(on);
    updateState();
}

void AccessTokenManager::requestToken(QObject *context, TokenCallback callback, bool forceFetch)
{
    if (!forceFetch && hasToken() && remaining() > effectiveGracePeriod()) {
        callback(m_token, {});
        return;
    }
    m_waiters.append({context, context != nullptr, std::move(callback)});
    if (!m_fetch)
        startFetch();
}

void AccessTokenManager::refresh()
{
    if (!m_fetch)
        startFetch();
}

void AccessTokenManager::invalidate(const QString &token)
{
    if (token.isEmpty() || token != m_token)
        return;
    qCInfo(lcToken) << "access token" << fingerprint() << "was refused by the server; dropping it";
    m_token.clear();
    m_expiresAt = {};
    m_issuedAt = {};
    emit expiresAtChanged();
    updateState();
}

void AccessTokenManager::cancelFetch()
{
    if (!m_fetch)
        return;
    PendingHttp *fetch = m_fetch;
    m_fetch = nullptr;
    fetch->disconnect(this);
    fetch->cancel();
    // Remembered as the last error so automatic refresh backs off instead of starting the
    // request the user just cancelled again.
    m_lastError = ApiError(ApiError::Kind::Cancelled, QStringLiteral("the request was cancelled"), kOperation);
    emit fetchFailed(m_lastError);
    updateState();
    if (usable())
        deliver(m_token, {});
    else
        deliver({}, m_lastError);
}

void AccessTokenManager::clear()
{
    if (m_fetch) {
        PendingHttp *fetch = m_fetch;
        m_fetch = nullptr;
        fetch->disconnect(this);
        fetch->cancel();
    }
    const bool hadToken = hasToken();
    m_token.clear();
    m_tokenType.clear();
    m_expiresAt = {};
    m_issuedAt = {};
    m_lastError = {};
    m_clockSkew.reset();
    if (hadToken)
        emit expiresAtChanged();
    deliver({}, ApiError(ApiError::Kind::Cancelled, QStringLiteral("the connection settings changed"), kOperation));
    updateState();
}

void AccessTokenManager::startFetch()
{
    const auto problems = m_credentials.problems(m_allowInsecureHttp);
    if (!problems.isEmpty()) {
        QStringList messages;
        for (const auto &p : problems)
            messages.append(p.message);
        m_lastError = ApiError(ApiError::Kind::InvalidInput, messages.join(QLatin1Char(' ')), kOperation)
                              .redacted(m_transport->redactor());
        emit fetchFailed(m_lastError);
        updateState();
        // Deliver after returning, as with a real fetch.
        QTimer::singleShot(0, this, [this, error = m_lastError] { deliver(usable() ? m_token : QString(), usable() ? ApiError() : error); });
        return;
    }

    HttpRequest request;
    request.method = "POST";
    request.url = m_credentials.endpoint(QStringLiteral("/access-token"));
    request.operation = kOperation;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    // Percent-encode each value ourselves: QUrlQuery would leave '+' ambiguous.
    request.body = "client_id=" + QUrl::toPercentEncoding(m_credentials.projectId)
            + "&client_secret=" + QUrl::toPercentEncoding(m_credentials.clientSecret);
    request.secrets = {{SecretKind::ClientSecret, m_credentials.clientSecret.toUtf8()}};

    m_fetch = m_transport->send(std::move(request));
    m_lastAttempt = bootClockNow();
    PendingHttp *pending = m_fetch;
    connect(pending, &PendingHttp::finished, this, [this, pending] { onFetchFinished(pending); });
    updateState();
}

void AccessTokenManager::onFetchFinished(PendingHttp *pending)
{
    if (pending != m_fetch)
        return;
    m_fetch = nullptr;

    ApiError error = pending->error();
    const HttpAnswer &answer = pending->answer();
    QString token;
    QString type;
    double expiresIn = 0;
    if (!error) {
        if (answer.isSuccess()) {
            const auto object = JsonReader::object(answer);
            if (!object) {
                error = object.error();
            } else {
                JsonReader reader(object.value(), QStringLiteral("the access-token answer"));
                token = reader.requiredString(QStringLiteral("access_token"));
                type = reader.optionalString(QStringLiteral("token_type")).value_or(QStringLiteral("Bearer"));
                const QJsonValue ttl = reader.value(QStringLiteral("expires_in"));
                bool ttlOk = ttl.isDouble();
                expiresIn = ttlOk ? ttl.toDouble() : ttl.toString().toDouble(&ttlOk);
                if (!reader.ok())
                    error = reader.error();
                else if (token.isEmpty())
                    error = ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("access_token is empty"));
                else if (!ttlOk)
                    error = ApiError(ApiError::Kind::InvalidResponse,
                                     QStringLiteral("expires_in is missing or not a positive number of seconds"));
                // Checked before any conversion to an integer: 1e300 or NaN there is undefined behaviour.
                // NaN fails both comparisons.
                else if (!(expiresIn >= 1 && expiresIn <= double(kMaxExpiresIn.count())))
                    error = ApiError(ApiError::Kind::InvalidResponse,
                                     QStringLiteral("expires_in is %1; a number of seconds from 1 to %2 (one year) is accepted")
                                             .arg(ttl.isDouble() ? QString::number(expiresIn, 'g', 15)
                                                                 : QStringLiteral("“%1”").arg(ttl.toString().left(40)))
                                             .arg(kMaxExpiresIn.count()));
            }
        } else if (answer.status == 400 || answer.status == 401 || answer.status == 403) {
            error = ApiError(ApiError::Kind::CredentialsRejected, {});
            error.setHttpStatus(answer.status);
            error.setServerMessage(JsonReader::serverError(answer));
        } else {
            error = ApiError::fromAnswer(answer);
        }
        if (error) {
            error.setOperation(kOperation);
            error.setHost(m_credentials.baseUrl.authority());
            if (!error.httpStatus())
                error.setHttpStatus(answer.status);
        }
    }

    if (error) {
        error = error.redacted(m_transport->redactor());
        m_lastError = error;
        qCInfo(lcToken) << "access-token fetch failed:" << ApiError::kindName(error.kind()) << error.httpStatus();
        emit fetchFailed(error);
        updateState();
        // A failed refresh keeps a still-valid token.
        if (usable())
            deliver(m_token, {});
        else
            deliver({}, error);
        return;
    }

    m_lastError = {};
    m_token = token;
    m_tokenType = type;
    m_lifetime = seconds(qint64(expiresIn));
    const auto lifetime = milliseconds(qint64(expiresIn * 1000.0));
    m_issuedAt = answer.receivedAt.isValid() ? answer.receivedAt : QDateTime::currentDateTimeUtc();
    m_expiresAt = m_issuedAt.addMSecs(lifetime.count());
    m_expiresOnBootClock = bootClockNow() + lifetime;
    m_transport->addSecret(SecretKind::AccessToken, token.toUtf8());

    std::optional<seconds> skew;
    if (answer.serverDate.isValid())
        skew = seconds(answer.receivedAt.secsTo(answer.serverDate));
    if (skew != m_clockSkew) {
        m_clockSkew = skew;
        emit clockSkewChanged();
    }
    qCInfo(lcToken) << "access token" << fingerprint() << "valid for" << m_lifetime.count() << "s";
    emit expiresAtChanged();
    emit tokenRefreshed();
    updateState();
    deliver(m_token, {});
}

void AccessTokenManager::deliver(const QString &token, const ApiError &error)
{
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &w : waiters) {
        if (w.hasContext && !w.context)
            continue;
        w.callback(token, error);
    }
}

void AccessTokenManager::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void AccessTokenManager::updateState()
{
    State next;
    if (!hasToken()) {
        next = m_fetch ? State::Fetching : (m_lastError ? State::Failed : State::None);
    } else {
        const milliseconds left = remaining();
        if (left.count() <= 0)
            next = State::Expired;
        else if (left <= effectiveGracePeriod())
            next = State::ExpiringSoon;
        else
            next = State::Valid;
        const bool due = next != State::Valid;
        const bool backedOff = m_lastError && bootClockNow() - m_lastAttempt < kAutoRetryInterval;
        if (m_autoRefresh && due && !m_fetch && !backedOff) {
            setState(next);
            startFetch();
            return;
        }
    }
    setState(next);
    scheduleCheck();
}

void AccessTokenManager::scheduleCheck()
{
    if (!hasToken()) {
        m_checkTimer->stop();
        return;
    }
    milliseconds next = kMaxCheckInterval;
    if (hasToken()) {
        const milliseconds left = remaining();
        const milliseconds toGrace = left - effectiveGracePeriod();
        if (toGrace.count() > 0)
            next = std::min(next, toGrace);
        else if (left.count() > 0)
            next = std::min(next, left);
    }
    m_checkTimer->start(std::max(next, milliseconds(50)));
}

} // namespace plainkey
