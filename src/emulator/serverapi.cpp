#include "emulator/serverapi.h"

#include "emulator/answers.h"
#include "emulator/authtokenissuer.h"
#include "emulator/emulatorconfig.h"
#include "emulator/emulatorstore.h"
#include "emulator/tokensigner.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdio>

namespace plainkey::emulator {

namespace {

//! \a when as Qt::ISODateWithMs writes it. A UTC time (every time the store keeps) is written
//! here directly: QDateTime::toString's general formatter cost 3.5% of the emulator's CPU
//! under the load benchmark, as every verify answer carries an expiry.
QString isoWithMs(const QDateTime &when)
{
    if (when.timeSpec() != Qt::UTC)
        return when.toString(Qt::ISODateWithMs);
    const QDate d = when.date();
    const QTime t = when.time();
    if (!d.isValid() || !t.isValid() || d.year() < 1 || d.year() > 9999)
        return when.toString(Qt::ISODateWithMs);
    char text[32];
    const int n = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year(), d.month(), d.day(), t.hour(),
                                t.minute(), t.second(), t.msec());
    return QString::fromLatin1(text, n);
}

} // namespace

ServerApi::ServerApi(const EmulatorConfig &config, EmulatorStore &store, const TokenSigner &signer, AuthTokenIssuer &tokens)
    : m_config(config), m_store(store), m_signer(signer), m_tokens(tokens)
{
}

void ServerApi::addRoutes(Router::Group &g)
{
    using B = Router::Body;
    using A = Router::Access;
    auto to = [this](EmuResponse (ServerApi::*handler)(const RouteCall &)) {
        return [this, handler](const RouteCall &call) { return (this->*handler)(call); };
    };
    // Every route but these two needs the access token; unknown paths answer 404 without it.
    g.guard = [this](const EmuRequest &r) { return checkAuthorization(r); };
    g.faultable = true;
    g.add("GET", QStringLiteral("/openapi"), to(&ServerApi::openApi), B::None, A::Open)
            .add("POST", QStringLiteral("/access-token"), to(&ServerApi::accessToken), B::None, A::Open)
            .add("POST", QStringLiteral("/authentication-token/verify"), to(&ServerApi::verify), B::Json)
            .add("GET", QStringLiteral("/user"), to(&ServerApi::userByName))
            .add("POST", QStringLiteral("/user"), to(&ServerApi::createUser), B::Json)
            .add("PATCH", QStringLiteral("/user"), to(&ServerApi::updateUser), B::Json)
            // DELETE /user carries its JSON body; DELETE /credential/{id} has none.
            .add("DELETE", QStringLiteral("/user"), to(&ServerApi::deleteUser), B::Json)
            // Before /user/{userId}: Allow for PUT /user/bulk lists "POST, GET", as it always has.
            .add("POST", QStringLiteral("/user/bulk"), to(&ServerApi::createUsers), B::Json)
            .add("POST", QStringLiteral("/user/credential/begin"), to(&ServerApi::beginRegistration), B::Json)
            .add("GET", QStringLiteral("/user/{userId}"), to(&ServerApi::user))
            .add("GET", QStringLiteral("/user/{userId}/credentials"), to(&ServerApi::passkeysOf))
            .add("GET", QStringLiteral("/credential/{credentialId}"), to(&ServerApi::passkey))
            .add("DELETE", QStringLiteral("/credential/{credentialId}"), to(&ServerApi::deletePasskey))
            .add("PATCH", QStringLiteral("/credential/{credentialId}/label"), to(&ServerApi::relabelPasskey), B::Json);
}

EmuResponse ServerApi::openApi(const RouteCall &)
{
    return json(200, QJsonObject{{QStringLiteral("openapi"), QStringLiteral("3.0.0")},
                                 {QStringLiteral("info"), QJsonObject{{QStringLiteral("title"), QStringLiteral("PlainKey Server API (emulator)")},
                                                                      {QStringLiteral("version"), QStringLiteral("0.0.1")}}}});
}

std::optional<EmuResponse> ServerApi::checkAuthorization(const EmuRequest &r) const
{
    const QByteArray auth = r.header("authorization");
    if (auth.isEmpty())
        return error(401, QStringLiteral("Missing Authorization header: send \"Authorization: Bearer ACCESS_TOKEN\""));
    // The scheme is case-insensitive (RFC 9110); the token follows one space.
    const QByteArray trimmed = auth.trimmed();
    const qsizetype space = trimmed.indexOf(' ');
    const QByteArray scheme = space < 0 ? trimmed : trimmed.left(space);
    if (scheme.compare("Bearer", Qt::CaseInsensitive) != 0)
        return error(401, QStringLiteral("The Authorization header must use the Bearer scheme"));
    const QByteArray token = space < 0 ? QByteArray() : trimmed.mid(space + 1).trimmed();
    if (token.isEmpty())
        return error(401, QStringLiteral("The Authorization header has no access token after \"Bearer\""));
    const QDateTime expiry = m_store.accessTokenExpiry(token);
    if (!expiry.isValid())
        return error(401, QStringLiteral("Invalid access token"));
    if (expiry <= m_store.clock().now())
        return error(401, QStringLiteral("Access token expired"));
    const QByteArray project = r.header("x-project-id");
    if (project.isEmpty())
        return error(401, QStringLiteral("Missing x-project-id header"));
    if (QString::fromUtf8(project) != m_config.projectId)
        return error(401, QStringLiteral("The x-project-id header does not match the access token's project"));
    return std::nullopt;
}

EmuResponse ServerApi::accessToken(const RouteCall &call)
{
    const EmuRequest &r = call.request;
    if (r.header("content-type").startsWith("application/json"))
        return error(400, QStringLiteral("Send client_id and client_secret form-encoded (application/x-www-form-urlencoded)"));
    QByteArray body = r.body;
    body.replace('+', ' ');
    QString clientId;
    QString clientSecret;
    bool hasId = false;
    bool hasSecret = false;
    for (const QByteArray &pair : body.split('&')) {
        const int eq = pair.indexOf('=');
        const QString key = QUrl::fromPercentEncoding(eq < 0 ? pair : pair.left(eq));
        const QString value = eq < 0 ? QString() : QUrl::fromPercentEncoding(pair.mid(eq + 1));
        if (key == QLatin1String("client_id")) {
            clientId = value;
            hasId = true;
        } else if (key == QLatin1String("client_secret")) {
            clientSecret = value;
            hasSecret = true;
        }
    }
    if (!hasId || clientId.isEmpty())
        return error(400, QStringLiteral("client_id is required"));
    if (!hasSecret || clientSecret.isEmpty())
        return error(400, QStringLiteral("client_secret is required"));
    // The secret is compared in constant time, over digests so that the lengths are equal and
    // the comparison says nothing about the secret's length either.
    const QByteArray given = QCryptographicHash::hash(clientSecret.toUtf8(), QCryptographicHash::Sha256);
    const QByteArray expected = QCryptographicHash::hash(m_config.clientSecret.toUtf8(), QCryptographicHash::Sha256);
    const bool secretMatches = CRYPTO_memcmp(given.constData(), expected.constData(), size_t(expected.size())) == 0;
    if (clientId != m_config.projectId || !secretMatches)
        return error(400, QStringLiteral("Invalid client credentials"));
    const QByteArray token = "pk_at_" + randomToken(32);
    m_store.addAccessToken(token, m_store.clock().now().addSecs(m_config.accessTokenTtl.count()));
    return json(200, QJsonObject{{QStringLiteral("access_token"), QString::fromLatin1(token)},
                                 {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                 {QStringLiteral("expires_in"), qint64(m_config.accessTokenTtl.count())}});
}

QJsonValue ServerApi::writeExpiry(const QDateTime &when) const
{
    switch (m_config.expiresAtFormat) {
    case EmulatorConfig::ExpiresAtFormat::Iso8601: return isoWithMs(when);
    case EmulatorConfig::ExpiresAtFormat::EpochSeconds: return double(when.toSecsSinceEpoch());
    case EmulatorConfig::ExpiresAtFormat::EpochMillis: return double(when.toMSecsSinceEpoch());
    }
    return {};
}

EmuResponse ServerApi::verify(const RouteCall &call)
{
    const QJsonValue tokenValue = call.body.value(QLatin1String("token"));
    if (!tokenValue.isString() || tokenValue.toString().isEmpty())
        return error(400, QStringLiteral("token is required (a string)"));
    const QByteArray token = tokenValue.toString().toUtf8();
    auto invalid = [](const QString &why) {
        return json(401, QJsonObject{{QStringLiteral("valid"), false}, {QStringLiteral("error"), why}});
    };

    QByteArray key = token;
    QJsonObject claims;
    if (token.count('.') == 2) {
        // The claims are read once: to name another project's token before the signature
        // check (another secret signed it), and as the verified claims once it passes.
        const auto peeked = TokenSigner::peek(token);
        if (peeked && peeked->value(QLatin1String("projectId")).toString() != m_config.projectId)
            return invalid(QStringLiteral("Token was issued for another project"));
        if (!peeked || !m_signer.hasValidSignature(token))
            return invalid(QStringLiteral("Invalid token signature"));
        claims = *peeked;
        key = claims.value(QLatin1String("jti")).toString().toUtf8();
    }
    const StoredAuthToken *record = m_store.authToken(key);
    if (!record)
        return invalid(QStringLiteral("Invalid token: not issued by this project"));
    if (!m_store.user(record->userId))
        return invalid(QStringLiteral("The token's user no longer exists"));
    if (record->expiresAt <= m_store.clock().now())
        return invalid(QStringLiteral("Token expired"));
    if (record->used && m_config.singleUseTokens)
        return invalid(QStringLiteral("Token has already been used"));
    m_store.markAuthTokenUsed(key);
    QJsonObject payload = claims;
    if (payload.isEmpty()) // an opaque token: the record says what a JWT's claims would
        payload = QJsonObject{{QStringLiteral("sub"), record->userId},
                              {QStringLiteral("credentialId"), record->credentialId},
                              {QStringLiteral("iat"), double(record->issuedAt.toSecsSinceEpoch())},
                              {QStringLiteral("exp"), double(record->expiresAt.toSecsSinceEpoch())}};
    return json(200, QJsonObject{{QStringLiteral("valid"), true},
                                 {QStringLiteral("userId"), record->userId},
                                 {QStringLiteral("projectId"), m_config.projectId},
                                 {QStringLiteral("expiresAt"), writeExpiry(record->expiresAt)},
                                 {QStringLiteral("payload"), payload}});
}

EmuResponse ServerApi::userByName(const RouteCall &call)
{
    const EmuRequest &r = call.request;
    const QString name = r.query.queryItemValue(QStringLiteral("userName"), QUrl::FullyDecoded);
    if (!r.query.hasQueryItem(QStringLiteral("userName")) || name.isEmpty())
        return error(400, QStringLiteral("The userName query parameter is required"));
    const StoredUser *u = m_store.userByName(name);
    return u ? json(200, EmulatorStore::toJson(*u)) : error(404, QStringLiteral("User not found"));
}

EmuResponse ServerApi::createUser(const RouteCall &call)
{
    std::optional<QString> name;
    QString why;
    if (!readUserName(call.body, QStringLiteral("userName"), &name, &why))
        return error(400, why);
    if (const QString full = m_store.roomFor(1, 0); !full.isEmpty())
        return error(507, full);
    const auto u = m_store.createUser(name, &why);
    return u ? json(200, EmulatorStore::toJson(*u)) : error(400, why);
}

EmuResponse ServerApi::updateUser(const RouteCall &call)
{
    QString why;
    const StoredUser *u = findUser(call.body.value(QLatin1String("userIdentifier")), &why);
    if (!u)
        return error(400, why);
    const QJsonValue updates = call.body.value(QLatin1String("updates"));
    if (!updates.isObject() || !updates.toObject().contains(QLatin1String("userName")))
        return error(400, QStringLiteral("updates must be an object with userName (a string, or null to clear it)"));
    std::optional<QString> name;
    if (!readUserName(updates.toObject(), QStringLiteral("userName"), &name, &why))
        return error(400, QStringLiteral("updates.") + why);
    const QString id = u->id;
    if (!m_store.renameUser(id, name, &why))
        return error(400, why);
    return json(200, EmulatorStore::toJson(*m_store.user(id)));
}

EmuResponse ServerApi::deleteUser(const RouteCall &call)
{
    QString why;
    const StoredUser *u = findUser(call.body.value(QLatin1String("userIdentifier")), &why);
    if (!u)
        return error(400, why);
    m_store.deleteUser(u->id);
    return json(200, QJsonObject{{QStringLiteral("success"), true}});
}

EmuResponse ServerApi::createUsers(const RouteCall &call)
{
    const QJsonValue users = call.body.value(QLatin1String("users"));
    if (!users.isArray())
        return error(400, QStringLiteral("users must be an array of {\"userName\"} objects"));
    const QJsonArray list = users.toArray();
    if (list.size() > 10000)
        return error(400, QStringLiteral("At most 10000 users per request"));
    QSet<QString> seen;
    QList<std::optional<QString>> names;
    for (int i = 0; i < list.size(); ++i) {
        if (!list[i].isObject())
            return error(400, QStringLiteral("users[%1] must be an object").arg(i));
        std::optional<QString> name;
        QString why;
        if (!readUserName(list[i].toObject(), QStringLiteral("userName"), &name, &why))
            return error(400, QStringLiteral("users[%1].%2").arg(i).arg(why));
        if (name && (m_store.userByName(*name) || seen.contains(*name)))
            return error(400, QStringLiteral("users[%1]: a user named \"%2\" already exists").arg(i).arg(*name));
        if (name)
            seen.insert(*name);
        names.append(name);
    }
    if (const QString full = m_store.roomFor(names.size(), 0); !full.isEmpty())
        return error(507, full);
    QJsonArray created;
    for (const auto &name : names) {
        QString why;
        if (const auto u = m_store.createUser(name, &why))
            created.append(EmulatorStore::toJson(*u));
    }
    return json(200, created);
}

EmuResponse ServerApi::user(const RouteCall &call)
{
    const StoredUser *u = m_store.user(call.param(QStringLiteral("userId")));
    return u ? json(200, EmulatorStore::toJson(*u)) : error(404, QStringLiteral("User not found"));
}

EmuResponse ServerApi::passkeysOf(const RouteCall &call)
{
    const QString id = call.param(QStringLiteral("userId"));
    if (!m_store.user(id))
        return error(404, QStringLiteral("User not found"));
    QJsonArray out;
    for (const StoredPasskey &p : m_store.passkeysOf(id))
        out.append(EmulatorStore::toJson(p));
    return json(200, out);
}

EmuResponse ServerApi::passkey(const RouteCall &call)
{
    const StoredPasskey *p = m_store.passkey(call.param(QStringLiteral("credentialId")));
    return p ? json(200, EmulatorStore::toJson(*p)) : error(404, QStringLiteral("Passkey not found"));
}

EmuResponse ServerApi::deletePasskey(const RouteCall &call)
{
    const QString id = call.param(QStringLiteral("credentialId"));
    if (!m_store.passkey(id))
        return error(404, QStringLiteral("Passkey not found"));
    m_store.deletePasskey(id);
    return json(200, QJsonObject{{QStringLiteral("success"), true}});
}

EmuResponse ServerApi::relabelPasskey(const RouteCall &call)
{
    const StoredPasskey *p = m_store.passkey(call.param(QStringLiteral("credentialId")));
    if (!p)
        return error(404, QStringLiteral("Passkey not found"));
    std::optional<QString> label;
    if (QString why; !readLabel(call.body, &label, &why))
        return error(400, why);
    StoredPasskey relabelled = *p;
    relabelled.label = label;
    relabelled.updatedAt = m_store.clock().now();
    m_store.updatePasskey(relabelled);
    return json(200, EmulatorStore::toJson(relabelled));
}

const StoredUser *ServerApi::findUser(const QJsonValue &identifier, QString *why) const
{
    if (!identifier.isObject()) {
        *why = QStringLiteral("userIdentifier must be an object with userId or userName");
        return nullptr;
    }
    const QJsonObject o = identifier.toObject();
    const QJsonValue id = o.value(QLatin1String("userId"));
    const QJsonValue name = o.value(QLatin1String("userName"));
    if (id.isString() && !id.toString().isEmpty()) {
        if (const StoredUser *u = m_store.user(id.toString()))
            return u;
        *why = QStringLiteral("User not found: no user with ID \"%1\"").arg(id.toString());
        return nullptr;
    }
    if (name.isString() && !name.toString().isEmpty()) {
        if (const StoredUser *u = m_store.userByName(name.toString()))
            return u;
        *why = QStringLiteral("User not found: no user named \"%1\"").arg(name.toString());
        return nullptr;
    }
    *why = QStringLiteral("userIdentifier needs userId or userName (a non-empty string)");
    return nullptr;
}

EmuResponse ServerApi::beginRegistration(const RouteCall &call)
{
    QString why;
    const StoredUser *u = findUser(call.body.value(QLatin1String("userIdentifier")), &why);
    if (!u)
        return error(400, why);
    QJsonArray exclude;
    for (const StoredPasskey &p : m_store.passkeysOf(u->id)) {
        QJsonObject d{{QStringLiteral("type"), QStringLiteral("public-key")}, {QStringLiteral("id"), p.webAuthnId.value_or(p.id)}};
        if (p.transports)
            d.insert(QStringLiteral("transports"), QJsonArray::fromStringList(*p.transports));
        exclude.append(d);
    }
    const QString name = u->userName.value_or(u->id);
    QByteArray challenge(32, Qt::Uninitialized);
    for (auto &c : challenge)
        c = char(QRandomGenerator::system()->bounded(256));
    const QJsonObject options{
            {QStringLiteral("rp"), QJsonObject{{QStringLiteral("id"), QStringLiteral("localhost")}, {QStringLiteral("name"), QStringLiteral("PlainKey emulator (%1)").arg(m_config.projectId)}}},
            {QStringLiteral("user"), QJsonObject{{QStringLiteral("id"), QString::fromLatin1(base64Url(u->id.toUtf8()))},
                                                 {QStringLiteral("name"), name},
                                                 {QStringLiteral("displayName"), name}}},
            {QStringLiteral("challenge"), QString::fromLatin1(base64Url(challenge))},
            {QStringLiteral("pubKeyCredParams"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("public-key")}, {QStringLiteral("alg"), -7}},
                                                            QJsonObject{{QStringLiteral("type"), QStringLiteral("public-key")}, {QStringLiteral("alg"), -257}}}},
            {QStringLiteral("timeout"), 300000},
            {QStringLiteral("excludeCredentials"), exclude},
            {QStringLiteral("authenticatorSelection"), QJsonObject{{QStringLiteral("residentKey"), QStringLiteral("required")},
                                                                   {QStringLiteral("requireResidentKey"), true},
                                                                   {QStringLiteral("userVerification"), QStringLiteral("preferred")}}},
            {QStringLiteral("attestation"), QStringLiteral("none")},
    };
    const QJsonObject token = m_tokens.mint(u->id, QString(), std::min(m_config.authTokenTtl, std::chrono::seconds(300)));
    return json(200, QJsonObject{{QStringLiteral("options"), options}, {QStringLiteral("authenticationToken"), token.value(QLatin1String("token"))}});
}

} // namespace plainkey::emulator
