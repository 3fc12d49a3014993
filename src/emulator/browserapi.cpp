#include "emulator/browserapi.h"

#include "emulator/answers.h"
#include "emulator/authtokenissuer.h"
#include "emulator/emulatorconfig.h"
#include "emulator/emulatorstore.h"
#include "emulator/tokensigner.h"
#include "emulator/webauthn/base64url.h"
#include "emulator/webauthn/webauthnoptions.h"

#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcBrowserApi, "plainkey.emulator.browser", QtInfoMsg)

namespace plainkey::emulator {

namespace {

// Sign-ups begun and not completed are kept at most this many; beyond it begin answers 503
// instead of letting unauthenticated calls grow memory without bound.
constexpr int kMaxPendingSignUps = 10000;

const QByteArray kAllowedMethods = "GET, POST, PATCH, OPTIONS";
const QByteArray kAllowedHeaders = "Content-Type, x-project-id";

EmuResponse refusal(const WebAuthnError &e)
{
    return error(e.httpStatus, e.message);
}

QString ceremonyName(const QString &ceremony, const std::optional<QString> &userName)
{
    return userName ? QStringLiteral("%1 of %2").arg(ceremony, *userName) : ceremony;
}

//! The user.id bytes \a user's passkeys carry: the UTF-8 user ID, which a sign-up stores; a user
//! made through the Server API has none stored and gets the same rule, so nothing is written.
QByteArray userHandleOf(const StoredUser &user)
{
    return user.webAuthnUserHandle.isEmpty() ? user.id.toUtf8() : user.webAuthnUserHandle;
}

} // namespace

BrowserApi::BrowserApi(const EmulatorConfig &config, EmulatorStore &store, const TokenSigner &signer, AuthTokenIssuer &tokens)
    : m_config(config), m_store(store), m_signer(signer), m_tokens(tokens), m_challenges(config.ceremonyTtl)
{
    rebuildVerifier();
}

BrowserApi::~BrowserApi() = default;

void BrowserApi::addRoutes(Router::Group &g)
{
    using B = Router::Body;
    using A = Router::Access;
    auto to = [this](EmuResponse (BrowserApi::*handler)(const RouteCall &)) {
        return [this, handler](const RouteCall &call) { return (this->*handler)(call); };
    };
    g.screen = [this](const EmuRequest &r) { return screen(r); };
    g.guard = [this](const EmuRequest &r) { return checkProject(r); };
    g.finish = [this](const EmuRequest &r, EmuResponse &response) { finish(r, response); };
    g.add("GET", QStringLiteral("/openapi"), to(&BrowserApi::openApi), B::None, A::Open)
            .add("POST", QStringLiteral("/user/register/begin"), to(&BrowserApi::registerBegin), B::OptionalJson)
            .add("POST", QStringLiteral("/user/register/complete"), to(&BrowserApi::registerComplete), B::Json)
            .add("POST", QStringLiteral("/authenticate/begin"), to(&BrowserApi::authenticateBegin), B::OptionalJson)
            .add("POST", QStringLiteral("/authenticate/complete"), to(&BrowserApi::authenticateComplete), B::Json)
            .add("POST", QStringLiteral("/user/credential/begin"), to(&BrowserApi::addPasskeyBegin), B::Json)
            .add("POST", QStringLiteral("/user/credential/complete"), to(&BrowserApi::addPasskeyComplete), B::Json)
            .add("PATCH", QStringLiteral("/credential/{credentialId}/label"), to(&BrowserApi::relabel), B::Json);
}

void BrowserApi::setOwnOrigins(const QStringList &origins)
{
    m_ownOrigins = origins;
    rebuildVerifier();
}

void BrowserApi::rebuildVerifier()
{
    // The emulator's own origins always: it serves the sample page at /demo/ itself.
    QStringList patterns = m_config.allowedOrigins;
    if (patterns.isEmpty())
        patterns = OriginPolicy::localDefault().patterns();
    patterns += m_ownOrigins;
    m_origins = OriginPolicy(patterns);
    m_verifier = std::make_unique<WebAuthnVerifier>(&m_challenges, m_config.rpId, m_origins);
}

void BrowserApi::clear()
{
    m_pendingSignUps.clear();
    m_challenges = ChallengeStore(m_config.ceremonyTtl);
}

// --- CORS and the project header ---------------------------------------------------------

std::optional<EmuResponse> BrowserApi::screen(const EmuRequest &r) const
{
    const QString origin = QString::fromUtf8(r.header("origin"));
    // A request without Origin comes from no web page (curl, a test, a backend): nothing for
    // CORS to protect. "null" (a sandboxed frame, a file:// page) is an origin like any other.
    if (!origin.isEmpty() && !m_origins.allows(origin)) {
        qCInfo(lcBrowserApi).noquote() << "refused" << r.method << shortened(r.path) << "from origin" << origin;
        return error(403, QStringLiteral("The origin %1 may not call this Browser API (allowed: %2). Start the emulator with --origin %1 to allow it.")
                                  .arg(origin, m_origins.patterns().join(QLatin1String(", "))));
    }
    if (r.method != "OPTIONS")
        return std::nullopt;
    // A preflight carries neither x-project-id nor a body; it only asks what the real request may send.
    EmuResponse preflight;
    preflight.status = 204;
    preflight.contentType.clear();
    preflight.headers = {{"Access-Control-Allow-Methods", kAllowedMethods},
                         {"Access-Control-Allow-Headers", kAllowedHeaders},
                         {"Access-Control-Max-Age", "600"}};
    // Chrome's Private Network Access asks before a public page may call a loopback server.
    if (r.header("access-control-request-private-network") == "true")
        preflight.headers.append(qMakePair(QByteArray("Access-Control-Allow-Private-Network"), QByteArray("true")));
    return preflight;
}

void BrowserApi::finish(const EmuRequest &r, EmuResponse &response) const
{
    // Vary on every answer: a cache must not hand one origin's answer to another.
    response.headers.append(qMakePair(QByteArray("Vary"), QByteArray("Origin")));
    const QByteArray origin = r.header("origin");
    if (!origin.isEmpty() && m_origins.allows(QString::fromUtf8(origin)))
        response.headers.append(qMakePair(QByteArray("Access-Control-Allow-Origin"), origin));
}

std::optional<EmuResponse> BrowserApi::checkProject(const EmuRequest &r) const
{
    const QByteArray project = r.header("x-project-id");
    if (project.isEmpty())
        return error(400, QStringLiteral("Missing x-project-id header: the Browser API needs the project ID (%1 here) in it.").arg(m_config.projectId));
    if (QString::fromUtf8(project) != m_config.projectId)
        return error(401, QStringLiteral("Unknown project \"%1\" in x-project-id: this emulator serves project %2.")
                                  .arg(shortened(QString::fromUtf8(project)), m_config.projectId));
    return std::nullopt;
}

EmuResponse BrowserApi::openApi(const RouteCall &)
{
    return json(200, QJsonObject{{QStringLiteral("openapi"), QStringLiteral("3.0.0")},
                                 {QStringLiteral("info"), QJsonObject{{QStringLiteral("title"), QStringLiteral("PlainKey Browser API (emulator)")},
                                                                      {QStringLiteral("version"), QStringLiteral("0.0.1")}}}});
}

// --- shared pieces -------------------------------------------------------------------------

void BrowserApi::purgeExpired()
{
    const QDateTime now = m_store.clock().now();
    m_pendingSignUps.removeIf([&](const auto &it) { return it.value().expiresAt <= now; });
}

QJsonObject BrowserApi::creationOptions(const QString &userId, const QByteArray &userHandle, const QString &name, bool discoverable)
{
    const IssuedChallenge challenge = m_challenges.issue(Ceremony::Registration, userId);
    QList<WebAuthnOptions::Descriptor> exclude;
    for (const StoredPasskey &p : m_store.passkeysOf(userId)) {
        const auto raw = p.webAuthnId ? base64url::decode(*p.webAuthnId) : std::nullopt;
        if (raw && !raw->isEmpty())
            exclude.append({*raw, p.transports.value_or(QStringList())});
    }
    QJsonObject options = WebAuthnOptions::creation(challenge, m_config.rpId, QStringLiteral("PlainKey emulator (%1)").arg(m_config.projectId),
                                                    {userHandle, name, name}, exclude,
                                                    std::chrono::duration_cast<std::chrono::milliseconds>(m_config.ceremonyTtl));
    if (discoverable) {
        // A user without a name can only ever sign in with a discoverable passkey.
        QJsonObject selection = options.value(QLatin1String("authenticatorSelection")).toObject();
        selection.insert(QStringLiteral("residentKey"), QStringLiteral("required"));
        selection.insert(QStringLiteral("requireResidentKey"), true);
        options.insert(QStringLiteral("authenticatorSelection"), selection);
    }
    return options;
}

std::optional<EmuResponse> BrowserApi::refuseKnownCredential(const QJsonObject &credential) const
{
    const auto raw = base64url::decode(credential.value(QLatin1String("rawId")).toString());
    if (raw && !raw->isEmpty() && m_store.passkeyByWebAuthnId(base64url::encode(*raw)))
        return error(400, QStringLiteral("This credential is already registered as a passkey here; sign in with it instead."));
    return std::nullopt;
}

QString BrowserApi::storePasskey(const QString &userId, const VerifiedRegistration &v)
{
    StoredPasskey p;
    p.userId = userId;
    p.webAuthnId = v.credentialIdBase64Url;
    // The console names the model from resources/aaguids.json; the all-zero AAGUID of an
    // authenticator that hides its model says nothing, so it is kept as null.
    if (!v.aaguid.isEmpty() && v.aaguid != QLatin1String("00000000-0000-0000-0000-000000000000"))
        p.aaguid = v.aaguid;
    if (!v.authenticatorAttachment.isEmpty())
        p.authenticatorType = v.authenticatorAttachment;
    p.deviceType = v.credentialDeviceType;
    p.backedUp = v.credentialBackedUp;
    p.transports = v.transports;
    p.counter = v.counter;
    p.signCount = v.counter;
    p.publicKey = v.publicKey;
    return m_store.addPasskey(p).id;
}

QJsonObject BrowserApi::credentialJson(const QString &passkeyId)
{
    const QJsonObject full = EmulatorStore::toJson(*m_store.passkey(passkeyId));
    QJsonObject out;
    for (const char *key : {"id", "userId", "label", "authenticatorType"})
        out.insert(QLatin1String(key), full.value(QLatin1String(key)));
    return out;
}

QJsonObject BrowserApi::issueToken(const StoredUser &user, const QString &passkeyId, const QString &ceremony)
{
    const QJsonObject token = m_tokens.mint(user.id, passkeyId, m_config.authTokenTtl);
    qCInfo(lcBrowserApi).noquote() << ceremonyName(ceremony, user.userName) << "succeeded for user" << user.id << "with passkey" << passkeyId;
    if (m_tokenIssued)
        m_tokenIssued(user.id, user.userName.value_or(QString()), token.value(QLatin1String("token")).toString(),
                      QDateTime::fromMSecsSinceEpoch(qint64(token.value(QLatin1String("expiresAt")).toDouble()), Qt::UTC), ceremony);
    return token;
}

const StoredUser *BrowserApi::tokenUser(const QJsonObject &body, QString *credentialId, EmuResponse *fail)
{
    const QJsonValue value = body.value(QLatin1String("authenticationToken"));
    if (!value.isString() || value.toString().isEmpty()) {
        *fail = error(400, QStringLiteral("authenticationToken is required (the token a sign-up or sign-in gave)"));
        return nullptr;
    }
    QByteArray key = value.toString().toUtf8();
    if (key.count('.') == 2) {
        const auto claims = m_signer.verify(key);
        if (!claims || claims->value(QLatin1String("projectId")).toString() != m_config.projectId) {
            *fail = error(401, QStringLiteral("The authentication token is not one this project issued (bad signature or another project); sign in again."));
            return nullptr;
        }
        key = claims->value(QLatin1String("jti")).toString().toUtf8();
    }
    const StoredAuthToken *record = m_store.authToken(key);
    if (!record) {
        *fail = error(401, QStringLiteral("The authentication token is not one this project issued; sign in again."));
        return nullptr;
    }
    if (record->expiresAt <= m_store.clock().now()) {
        *fail = error(401, QStringLiteral("The authentication token has expired; sign in again."));
        return nullptr;
    }
    const StoredUser *user = m_store.user(record->userId);
    if (!user) {
        *fail = error(401, QStringLiteral("The authentication token's user no longer exists."));
        return nullptr;
    }
    if (credentialId)
        *credentialId = record->credentialId;
    return user;
}

// --- sign-up -------------------------------------------------------------------------------

EmuResponse BrowserApi::registerBegin(const RouteCall &call)
{
    std::optional<QString> userName;
    QString why;
    if (!readUserName(call.body, QStringLiteral("userName"), &userName, &why))
        return error(400, why);
    if (userName && m_store.userByName(*userName))
        return error(400, QStringLiteral("A user named \"%1\" already exists; sign in instead, or pick another name.").arg(*userName));
    purgeExpired();
    if (m_pendingSignUps.size() >= kMaxPendingSignUps)
        return error(503, QStringLiteral("Too many sign-ups in progress; try again in a few minutes."));
    // The user is created only when complete verifies the passkey: a sign-up that fails or
    // is abandoned leaves nothing behind, and its name stays free. Begin only reserves the ID.
    const QString userId = EmulatorStore::newId("usr");
    m_pendingSignUps.insert(userId, PendingSignUp{userName, m_store.clock().now().addSecs(m_config.ceremonyTtl.count())});
    const QJsonObject options = creationOptions(userId, userId.toUtf8(), userName.value_or(userId), !userName.has_value());
    return json(200, QJsonObject{{QStringLiteral("userId"), userId}, {QStringLiteral("options"), options}});
}

EmuResponse BrowserApi::registerComplete(const RouteCall &call)
{
    const QString userId = call.body.value(QLatin1String("userId")).toString();
    if (userId.isEmpty())
        return error(400, QStringLiteral("userId is required (the one register/begin answered)"));
    const QJsonValue credential = call.body.value(QLatin1String("credential"));
    if (!credential.isObject())
        return error(400, QStringLiteral("credential is required (a RegistrationResponseJSON object)"));
    purgeExpired();
    // One attempt per begin, as the challenge is single use: a failed complete starts over.
    const auto pending = m_pendingSignUps.take(userId);
    if (!pending.expiresAt.isValid())
        return error(401, QStringLiteral("No sign-up for user %1 is in progress (it expired, was already completed or failed, or was never begun); "
                                         "begin again.").arg(shortened(userId)));
    if (auto known = refuseKnownCredential(credential.toObject()))
        return *known;
    if (const QString full = m_store.roomFor(1, 1); !full.isEmpty())
        return error(507, full);
    const auto verified = m_verifier->verifyRegistration(credential.toObject(), userId);
    if (!verified) {
        qCInfo(lcBrowserApi).noquote() << "sign-up refused:" << verified.error().message;
        return refusal(verified.error());
    }
    StoredUser user{userId, pending.userName, m_store.clock().now(), userId.toUtf8()};
    QString why;
    if (!m_store.insertUser(user, &why)) // someone else took the name since begin
        return error(400, why + QStringLiteral("; pick another name."));
    const QString passkeyId = storePasskey(userId, verified.value());
    return json(200, QJsonObject{{QStringLiteral("success"), true},
                                 {QStringLiteral("userId"), userId},
                                 {QStringLiteral("credential"), credentialJson(passkeyId)},
                                 {QStringLiteral("authenticationToken"), issueToken(user, passkeyId, QStringLiteral("sign-up"))}});
}

// --- sign-in -------------------------------------------------------------------------------

EmuResponse BrowserApi::authenticateBegin(const RouteCall &call)
{
    const QJsonValue identifier = call.body.value(QLatin1String("userIdentifier"));
    std::optional<QString> userId;
    QList<WebAuthnOptions::Descriptor> allow;
    if (!identifier.isUndefined() && !identifier.isNull()) {
        if (!identifier.isObject())
            return error(400, QStringLiteral("userIdentifier must be an object with userId or userName"));
        const QString id = identifier.toObject().value(QLatin1String("userId")).toString();
        const QString name = identifier.toObject().value(QLatin1String("userName")).toString();
        const StoredUser *user = !id.isEmpty() ? m_store.user(id) : !name.isEmpty() ? m_store.userByName(name) : nullptr;
        if (id.isEmpty() && name.isEmpty())
            return error(400, QStringLiteral("userIdentifier needs userId or userName (a non-empty string)"));
        if (!user)
            return error(400, !id.isEmpty() ? QStringLiteral("No user with ID \"%1\"; sign up first.").arg(shortened(id))
                                            : QStringLiteral("No user named \"%1\"; sign up first.").arg(shortened(name)));
        for (const StoredPasskey &p : m_store.passkeysOf(user->id)) {
            const auto raw = p.webAuthnId ? base64url::decode(*p.webAuthnId) : std::nullopt;
            if (raw && !raw->isEmpty() && !p.publicKey.isEmpty())
                allow.append({*raw, p.transports.value_or(QStringList())});
        }
        if (allow.isEmpty())
            return error(400, QStringLiteral("The user has no passkey that can sign in here (only simulated ones); add one first."));
        userId = user->id;
    }
    // Without a user, an empty allowCredentials lets the browser offer any discoverable passkey.
    const QString sessionId = EmulatorStore::newId("ls");
    const IssuedChallenge challenge = m_challenges.issue(Ceremony::Authentication, sessionId, false, userId);
    const QJsonObject options = WebAuthnOptions::request(challenge, m_config.rpId, allow,
                                                         std::chrono::duration_cast<std::chrono::milliseconds>(m_config.ceremonyTtl));
    return json(200, QJsonObject{{QStringLiteral("loginSession"), QJsonObject{{QStringLiteral("id"), sessionId},
                                                                              {QStringLiteral("expiresAt"), challenge.expiresAt.toString(Qt::ISODateWithMs)}}},
                                 {QStringLiteral("options"), options},
                                 {QStringLiteral("projectId"), m_config.projectId}});
}

EmuResponse BrowserApi::authenticateComplete(const RouteCall &call)
{
    const QString sessionId = call.body.value(QLatin1String("loginSessionId")).toString();
    if (sessionId.isEmpty())
        return error(400, QStringLiteral("loginSessionId is required (the loginSession.id authenticate/begin answered)"));
    const QJsonValue response = call.body.value(QLatin1String("authenticationResponse"));
    if (!response.isObject())
        return error(400, QStringLiteral("authenticationResponse is required (an AuthenticationResponseJSON object)"));
    const auto lookup = [this](const QByteArray &rawId) -> std::optional<CredentialRecord> {
        const StoredPasskey *p = m_store.passkeyByWebAuthnId(base64url::encode(rawId));
        if (!p || p->publicKey.isEmpty())
            return std::nullopt;
        const StoredUser *u = m_store.user(p->userId);
        return CredentialRecord{rawId, p->publicKey, p->userId, u ? userHandleOf(*u) : QByteArray(), quint32(p->signCount)};
    };
    const auto verified = m_verifier->verifyAuthentication(response.toObject(), sessionId, lookup);
    if (!verified) {
        qCInfo(lcBrowserApi).noquote() << "sign-in refused:" << verified.error().message;
        return refusal(verified.error());
    }
    const StoredPasskey *found = m_store.passkeyByWebAuthnId(base64url::encode(verified->credentialId));
    const StoredUser *user = found ? m_store.user(found->userId) : nullptr;
    if (!user)
        return error(401, QStringLiteral("The passkey's user no longer exists."));
    StoredPasskey p = *found;
    p.signCount = verified->newCounter;
    p.counter = verified->newCounter;
    p.backedUp = verified->credentialBackedUp;
    p.lastUsedAt = m_store.clock().now();
    m_store.updatePasskey(p);
    return json(200, QJsonObject{{QStringLiteral("authenticationToken"), issueToken(*user, p.id, QStringLiteral("sign-in"))}});
}

// --- add a passkey and relabel ---------------------------------------------------------------

EmuResponse BrowserApi::addPasskeyBegin(const RouteCall &call)
{
    EmuResponse fail;
    const StoredUser *user = tokenUser(call.body, nullptr, &fail);
    if (!user)
        return fail;
    std::optional<QString> displayName;
    QString why;
    if (!readUserName(call.body, QStringLiteral("userName"), &displayName, &why))
        return error(400, why);
    const QByteArray handle = userHandleOf(*user);
    const QString name = user->userName.value_or(displayName.value_or(user->id));
    return json(200, QJsonObject{{QStringLiteral("options"), creationOptions(user->id, handle, name, !user->userName.has_value())}});
}

EmuResponse BrowserApi::addPasskeyComplete(const RouteCall &call)
{
    EmuResponse fail;
    const StoredUser *user = tokenUser(call.body, nullptr, &fail);
    if (!user)
        return fail;
    const QJsonValue credential = call.body.value(QLatin1String("credential"));
    if (!credential.isObject())
        return error(400, QStringLiteral("credential is required (a RegistrationResponseJSON object)"));
    if (auto known = refuseKnownCredential(credential.toObject()))
        return *known;
    if (const QString full = m_store.roomFor(0, 1); !full.isEmpty())
        return error(507, full);
    // The challenge was issued for the token's user: another user's options cannot complete here.
    const auto verified = m_verifier->verifyRegistration(credential.toObject(), user->id);
    if (!verified) {
        qCInfo(lcBrowserApi).noquote() << "adding a passkey refused:" << verified.error().message;
        return refusal(verified.error());
    }
    const QString passkeyId = storePasskey(user->id, verified.value());
    return json(200, QJsonObject{{QStringLiteral("success"), true},
                                 {QStringLiteral("credential"), credentialJson(passkeyId)},
                                 {QStringLiteral("authenticationToken"), issueToken(*user, passkeyId, QStringLiteral("add-passkey"))}});
}

EmuResponse BrowserApi::relabel(const RouteCall &call)
{
    EmuResponse fail;
    const StoredUser *user = tokenUser(call.body, nullptr, &fail);
    if (!user)
        return fail;
    const StoredPasskey *p = m_store.passkey(call.param(QStringLiteral("credentialId")));
    if (!p)
        return error(404, QStringLiteral("Passkey not found"));
    if (p->userId != user->id)
        return error(401, QStringLiteral("The passkey belongs to another user than the authentication token's."));
    std::optional<QString> label;
    if (QString why; !readLabel(call.body, &label, &why))
        return error(400, why);
    StoredPasskey changed = *p;
    changed.label = label;
    changed.updatedAt = m_store.clock().now();
    m_store.updatePasskey(changed);
    return json(200, QJsonObject{{QStringLiteral("success"), true}});
}

} // namespace plainkey::emulator
