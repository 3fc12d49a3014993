#include "emulator/emulator.h"

#include "emulator/httpserver.h"
#include "emulator/projectdocument.h"
#include "emulator/tcplistener.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <cmath>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

Q_LOGGING_CATEGORY(lcEmulator, "plainkey.emulator", QtInfoMsg)

namespace plainkey::emulator {

using namespace std::chrono_literals;

namespace {

EmuResponse json(int status, const QJsonObject &object, QList<QPair<QByteArray, QByteArray>> headers = {})
{
    return {status, QJsonDocument(object).toJson(QJsonDocument::Compact), "application/json", std::move(headers)};
}

EmuResponse json(int status, const QJsonArray &array)
{
    return {status, QJsonDocument(array).toJson(QJsonDocument::Compact), "application/json", {}};
}

EmuResponse error(int status, const QString &message, QList<QPair<QByteArray, QByteArray>> headers = {})
{
    return json(status, QJsonObject{{QStringLiteral("error"), message}}, std::move(headers));
}

//! A path short enough for a message or a log line.
QString shortened(const QString &path)
{
    return path.size() <= 200 ? path : path.left(200) + QStringLiteral("\u2026");
}

QByteArray randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        raw[i] = char(QRandomGenerator::system()->bounded(256));
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray base64Url(const QByteArray &raw)
{
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

//! The JSON object body, or the 400 answer saying why there is none.
std::optional<QJsonObject> objectBody(const EmuRequest &r, EmuResponse *fail)
{
    if (r.body.trimmed().isEmpty()) {
        *fail = error(400, QStringLiteral("The request needs a JSON object body"));
        return std::nullopt;
    }
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *fail = error(400, QStringLiteral("The body is not valid JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *fail = error(400, QStringLiteral("The body must be a JSON object"));
        return std::nullopt;
    }
    return doc.object();
}

//! A user name field: absent or null gives nullopt; anything but a non-empty string is an error.
bool readUserName(const QJsonObject &o, const QString &key, std::optional<QString> *out, QString *why)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        out->reset();
        return true;
    }
    if (!v.isString()) {
        *why = QStringLiteral("%1 must be a string").arg(key);
        return false;
    }
    const QString s = v.toString().trimmed();
    if (s.isEmpty() || s.size() > 256) {
        *why = QStringLiteral("%1 must be 1 to 256 characters").arg(key);
        return false;
    }
    *out = s;
    return true;
}

} // namespace

QString Fault::modeName(Mode mode)
{
    switch (mode) {
    case Mode::None: return QStringLiteral("none");
    case Mode::Status: return QStringLiteral("status");
    case Mode::Html: return QStringLiteral("html");
    case Mode::Empty: return QStringLiteral("empty");
    case Mode::Truncated: return QStringLiteral("truncated");
    case Mode::Stall: return QStringLiteral("stall");
    case Mode::Reset: return QStringLiteral("reset");
    }
    return {};
}

bool Fault::modeFromName(const QString &name, Mode *mode)
{
    for (Mode m : {Mode::None, Mode::Status, Mode::Html, Mode::Empty, Mode::Truncated, Mode::Stall, Mode::Reset}) {
        if (name == modeName(m)) {
            *mode = m;
            return true;
        }
    }
    return false;
}

Emulator::Emulator(EmulatorConfig config, QObject *parent)
    : QObject(parent),
      m_config(std::move(config)),
      m_signer(m_config.clientSecret.toUtf8()),
      m_server(new HttpServer([this](const EmuRequest &r, QTcpSocket *s) { dispatch(r, s); }, this))
{
}

Emulator::~Emulator() = default;

bool Emulator::listen(const QHostAddress &address, quint16 port)
{
    if (m_port != 0) {
        m_error = QStringLiteral("Already listening on port %1").arg(m_port);
        return false;
    }
    auto *tcp = new TcpListener(m_config.maxBodyBytes, m_server);
    if (!tcp->listen(address, port)) {
        m_error = QStringLiteral("Cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(tcp->errorString());
        delete tcp;
        return false;
    }
    connect(tcp, &TcpListener::requestRefused, this, [this](const QByteArray &method, const QString &path, int status) {
        qCDebug(lcEmulator).noquote() << method << shortened(path) << status << "(refused before reading it)";
        emit requestServed(QString::fromLatin1(method), path, status);
    });
    m_server->bind(tcp);
    m_port = tcp->serverPort();
    m_address = address;
    return true;
}

QUrl Emulator::baseUrl() const
{
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    const bool any = m_address == QHostAddress::Any || m_address == QHostAddress::AnyIPv4 || m_address == QHostAddress::AnyIPv6;
    u.setHost(any || m_address.isNull() ? QStringLiteral("127.0.0.1") : m_address.toString());
    u.setPort(m_port);
    return u;
}

void Emulator::setLatency(std::chrono::milliseconds latency)
{
    if (latency == m_latency)
        return;
    m_latency = latency;
    emit latencyChanged();
}

void Emulator::setFault(const Fault &fault)
{
    m_fault = fault;
    emit faultChanged();
}

void Emulator::reset()
{
    m_store.clear();
    m_fault = {};
    m_latency = 0ms;
    emit faultChanged();
    emit latencyChanged();
}

QStringList Emulator::apiSegments(const EmuRequest &request)
{
    // Split before decoding, so an encoded slash stays inside its segment; /server/... is the
    // same API as the root, as in production base URLs.
    QStringList segments = request.encodedPath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (QString &s : segments)
        s = QUrl::fromPercentEncoding(s.toUtf8());
    if (!segments.isEmpty() && segments.first() == QLatin1String("server"))
        segments.removeFirst();
    return segments;
}

void Emulator::dispatch(const EmuRequest &request, QTcpSocket *socket)
{
    const QStringList segments = apiSegments(request);
    const bool emulatorPath = !segments.isEmpty() && segments.first() == QLatin1String("emulator");
    if (!emulatorPath && applyFault(request, segments, socket))
        return;
    EmuResponse response;
    const QByteArray length = request.header("content-length");
    // Every change a request makes is one transaction with --data, and the answer goes out
    // only after its commit: an acknowledged change survives kill -9.
    EmulatorStore::Change change(m_store);
    if (request.body.size() > m_config.maxBodyBytes || length.toLongLong() > m_config.maxBodyBytes)
        response = error(413, QStringLiteral("The request body is over the %1-byte limit").arg(m_config.maxBodyBytes));
    else if (emulatorPath)
        response = emulatorApi(request, segments.mid(1));
    else
        response = serverApi(request, segments);
    if (QString why; !change.commit(&why))
        response = error(500, why);
    response.closeConnection = request.wantsClose();
    response.omitBody = request.method == "HEAD";
    respond(socket, request, response, !emulatorPath);
}

void Emulator::respond(QTcpSocket *socket, const EmuRequest &request, const EmuResponse &response, bool delayed)
{
    qCDebug(lcEmulator).noquote() << request.method << shortened(request.path) << response.status;
    emit requestServed(QString::fromLatin1(request.method), request.path, response.status);
    auto send = [response](QTcpSocket *s) {
        HttpServer::write(s, response);
        if (response.closeConnection)
            s->disconnectFromHost();
    };
    if (!delayed || m_latency <= 0ms) {
        send(socket);
        return;
    }
    QPointer<QTcpSocket> guard(socket);
    QTimer::singleShot(m_latency, this, [guard, send] {
        if (guard)
            send(guard);
    });
}

bool Emulator::applyFault(const EmuRequest &request, const QStringList &segments, QTcpSocket *socket)
{
    if (m_fault.mode == Fault::Mode::None || m_fault.remaining == 0)
        return false;
    const QString path = QLatin1Char('/') + segments.join(QLatin1Char('/'));
    if (!m_fault.pathPrefix.isEmpty() && !path.startsWith(m_fault.pathPrefix))
        return false;
    if (m_fault.remaining > 0 && --m_fault.remaining == 0)
        QTimer::singleShot(0, this, &Emulator::faultChanged);

    qCDebug(lcEmulator).noquote() << request.method << shortened(request.path) << "fault" << Fault::modeName(m_fault.mode);
    emit requestServed(QString::fromLatin1(request.method), request.path, m_fault.mode == Fault::Mode::Status ? m_fault.status : 0);
    QPointer<QTcpSocket> guard(socket);
    auto later = [this, guard](std::function<void(QTcpSocket *)> act) {
        QTimer::singleShot(m_latency, this, [guard, act] {
            if (guard)
                act(guard);
        });
    };
    switch (m_fault.mode) {
    case Fault::Mode::None:
        return false;
    case Fault::Mode::Status: {
        QList<QPair<QByteArray, QByteArray>> headers;
        if (m_fault.status == 429 && m_fault.retryAfterSeconds > 0)
            headers.append({"Retry-After", QByteArray::number(m_fault.retryAfterSeconds)});
        const EmuResponse r = error(m_fault.status, QStringLiteral("Injected fault: status %1").arg(m_fault.status), headers);
        later([r](QTcpSocket *s) { HttpServer::write(s, r); });
        return true;
    }
    case Fault::Mode::Html: {
        const EmuResponse r{502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
                            "text/html", {}};
        later([r](QTcpSocket *s) { HttpServer::write(s, r); });
        return true;
    }
    case Fault::Mode::Empty:
        later([](QTcpSocket *s) { HttpServer::write(s, {200, {}, "application/json", {}}); });
        return true;
    case Fault::Mode::Truncated:
        later([](QTcpSocket *s) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\nDate: " + HttpServer::httpDate()
                     + "\r\n\r\n{\"valid\":true,\"us");
            s->flush();
            s->disconnectFromHost();
        });
        return true;
    case Fault::Mode::Stall:
        return true; // accept and never answer
    case Fault::Mode::Reset:
        later([](QTcpSocket *s) {
#ifdef Q_OS_UNIX
            // A zero linger time makes close() send RST, as a crashed proxy would, not FIN.
            const linger hard{1, 0};
            ::setsockopt(int(s->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
#endif
            s->abort();
        });
        return true;
    }
    return false;
}

EmuResponse Emulator::serverApi(const EmuRequest &r, const QStringList &seg)
{
    const QByteArray &m = r.method;
    const int n = int(seg.size());
    auto is = [&](std::initializer_list<const char *> parts) {
        if (int(parts.size()) != n)
            return false;
        int i = 0;
        for (const char *p : parts) {
            if (p[0] != '*' && seg[i] != QLatin1String(p))
                return false;
            ++i;
        }
        return true;
    };
    auto wrongMethod = [&](const QByteArray &allow) {
        return error(405, QStringLiteral("%1 is not allowed on %2; use %3").arg(QString::fromLatin1(m), shortened(r.path), QString::fromLatin1(allow)),
                     {{"Allow", allow}});
    };

    if (is({"openapi"}))
        return m == "GET" ? json(200, QJsonObject{{QStringLiteral("openapi"), QStringLiteral("3.0.0")},
                                                  {QStringLiteral("info"), QJsonObject{{QStringLiteral("title"), QStringLiteral("PlainKey Server API (emulator)")},
                                                                                       {QStringLiteral("version"), QStringLiteral("0.0.1")}}}})
                          : wrongMethod("GET");
    if (is({"access-token"}))
        return m == "POST" ? accessToken(r) : wrongMethod("POST");

    // Every other route needs the access token; unknown paths answer 404 without it.
    struct Route
    {
        std::initializer_list<const char *> parts;
        const char *methods;
    };
    static const Route routes[] = {
            {{"authentication-token", "verify"}, "POST"},
            {{"user"}, "GET, POST, PATCH, DELETE"},
            {{"user", "bulk"}, "POST"},
            {{"user", "credential", "begin"}, "POST"},
            {{"user", "*"}, "GET"},
            {{"user", "*", "credentials"}, "GET"},
            {{"credential", "*"}, "GET, DELETE"},
            {{"credential", "*", "label"}, "PATCH"},
    };
    // A path can match more than one route: GET /user/bulk is the user whose ID is "bulk" (404
    // when unknown, as PlainKey's router would say), not a wrong method on POST /user/bulk.
    QByteArrayList allow;
    bool found = false;
    bool allowed = false;
    for (const Route &route : routes) {
        if (!is(route.parts))
            continue;
        found = true;
        for (const QByteArray &method : QByteArray(route.methods).split(',')) {
            allow.append(method.trimmed());
            allowed = allowed || method.trimmed() == m;
        }
    }
    if (!found)
        return error(404, QStringLiteral("No route for %1 %2").arg(QString::fromLatin1(m), shortened(r.path)));
    if (!allowed)
        return wrongMethod(allow.join(", "));
    if (auto denied = checkAuthorization(r))
        return *denied;

    EmuResponse bad;
    // DELETE /user carries its JSON body; DELETE /credential/{id} has none.
    const bool hasBody = m == "POST" || m == "PATCH" || (m == "DELETE" && n == 1);
    std::optional<QJsonObject> body;
    if (hasBody) {
        body = objectBody(r, &bad);
        if (!body)
            return bad;
    }

    if (is({"authentication-token", "verify"}))
        return verify(*body);

    if (is({"user"}) && m == "GET") {
        const QString name = r.query.queryItemValue(QStringLiteral("userName"), QUrl::FullyDecoded);
        if (!r.query.hasQueryItem(QStringLiteral("userName")) || name.isEmpty())
            return error(400, QStringLiteral("The userName query parameter is required"));
        const StoredUser *u = m_store.userByName(name);
        return u ? json(200, EmulatorStore::toJson(*u)) : error(404, QStringLiteral("User not found"));
    }
    if (is({"user"}) && m == "POST") {
        std::optional<QString> name;
        QString why;
        if (!readUserName(*body, QStringLiteral("userName"), &name, &why))
            return error(400, why);
        const auto u = m_store.createUser(name, &why);
        return u ? json(200, EmulatorStore::toJson(*u)) : error(400, why);
    }
    if (is({"user"}) && m == "PATCH") {
        QString why;
        const StoredUser *u = findUser(body->value(QLatin1String("userIdentifier")), &why);
        if (!u)
            return error(400, why);
        const QJsonValue updates = body->value(QLatin1String("updates"));
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
    if (is({"user"}) && m == "DELETE") {
        QString why;
        const StoredUser *u = findUser(body->value(QLatin1String("userIdentifier")), &why);
        if (!u)
            return error(400, why);
        m_store.deleteUser(u->id);
        return json(200, QJsonObject{{QStringLiteral("success"), true}});
    }
    if (is({"user", "bulk"}) && m == "POST") {
        const QJsonValue users = body->value(QLatin1String("users"));
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
        QJsonArray created;
        for (const auto &name : names) {
            QString why;
            if (const auto u = m_store.createUser(name, &why))
                created.append(EmulatorStore::toJson(*u));
        }
        return json(200, created);
    }
    if (is({"user", "credential", "begin"}))
        return beginRegistration(*body);
    if (is({"user", "*"})) {
        const StoredUser *u = m_store.user(seg[1]);
        return u ? json(200, EmulatorStore::toJson(*u)) : error(404, QStringLiteral("User not found"));
    }
    if (is({"user", "*", "credentials"})) {
        if (!m_store.user(seg[1]))
            return error(404, QStringLiteral("User not found"));
        QJsonArray out;
        for (const StoredPasskey &p : m_store.passkeysOf(seg[1]))
            out.append(EmulatorStore::toJson(p));
        return json(200, out);
    }
    if (is({"credential", "*"})) {
        const StoredPasskey *p = m_store.passkey(seg[1]);
        if (!p)
            return error(404, QStringLiteral("Passkey not found"));
        if (m == "GET")
            return json(200, EmulatorStore::toJson(*p));
        m_store.deletePasskey(seg[1]);
        return json(200, QJsonObject{{QStringLiteral("success"), true}});
    }
    if (is({"credential", "*", "label"})) {
        const StoredPasskey *p = m_store.passkey(seg[1]);
        if (!p)
            return error(404, QStringLiteral("Passkey not found"));
        const QJsonValue label = body->value(QLatin1String("label"));
        if (label.isUndefined())
            return error(400, QStringLiteral("label is required (a string, or null to clear it)"));
        if (!label.isNull() && !label.isString())
            return error(400, QStringLiteral("label must be a string or null"));
        if (label.isString() && label.toString().size() > 256)
            return error(400, QStringLiteral("label must be at most 256 characters"));
        StoredPasskey relabelled = *p;
        relabelled.label = label.isNull() || label.toString().trimmed().isEmpty() ? std::nullopt : std::optional<QString>(label.toString().trimmed());
        relabelled.updatedAt = QDateTime::currentDateTimeUtc();
        m_store.updatePasskey(relabelled);
        return json(200, EmulatorStore::toJson(relabelled));
    }
    return error(404, QStringLiteral("No route for %1 %2").arg(QString::fromLatin1(m), shortened(r.path)));
}

std::optional<EmuResponse> Emulator::checkAuthorization(const EmuRequest &r)
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
    if (expiry <= QDateTime::currentDateTimeUtc())
        return error(401, QStringLiteral("Access token expired"));
    const QByteArray project = r.header("x-project-id");
    if (project.isEmpty())
        return error(401, QStringLiteral("Missing x-project-id header"));
    if (QString::fromUtf8(project) != m_config.projectId)
        return error(401, QStringLiteral("The x-project-id header does not match the access token's project"));
    return std::nullopt;
}

EmuResponse Emulator::accessToken(const EmuRequest &r)
{
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
    if (clientId != m_config.projectId || clientSecret != m_config.clientSecret)
        return error(400, QStringLiteral("Invalid client credentials"));
    const QByteArray token = "pk_at_" + randomToken(32);
    m_store.addAccessToken(token, QDateTime::currentDateTimeUtc().addSecs(m_config.accessTokenTtl.count()));
    return json(200, QJsonObject{{QStringLiteral("access_token"), QString::fromLatin1(token)},
                                 {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                 {QStringLiteral("expires_in"), qint64(m_config.accessTokenTtl.count())}});
}

QJsonValue Emulator::writeExpiry(const QDateTime &when) const
{
    switch (m_config.expiresAtFormat) {
    case EmulatorConfig::ExpiresAtFormat::Iso8601: return when.toString(Qt::ISODateWithMs);
    case EmulatorConfig::ExpiresAtFormat::EpochSeconds: return double(when.toSecsSinceEpoch());
    case EmulatorConfig::ExpiresAtFormat::EpochMillis: return double(when.toMSecsSinceEpoch());
    }
    return {};
}

EmuResponse Emulator::verify(const QJsonObject &body)
{
    const QJsonValue tokenValue = body.value(QLatin1String("token"));
    if (!tokenValue.isString() || tokenValue.toString().isEmpty())
        return error(400, QStringLiteral("token is required (a string)"));
    const QByteArray token = tokenValue.toString().toUtf8();
    auto invalid = [](const QString &why) {
        return json(401, QJsonObject{{QStringLiteral("valid"), false}, {QStringLiteral("error"), why}});
    };

    QByteArray key = token;
    QJsonObject claims;
    if (token.count('.') == 2) {
        const auto peeked = TokenSigner::peek(token);
        if (peeked && peeked->value(QLatin1String("projectId")).toString() != m_config.projectId)
            return invalid(QStringLiteral("Token was issued for another project"));
        const auto verified = m_signer.verify(token);
        if (!verified)
            return invalid(QStringLiteral("Invalid token signature"));
        claims = *verified;
        key = claims.value(QLatin1String("jti")).toString().toUtf8();
    }
    const StoredAuthToken *record = m_store.authToken(key);
    if (!record)
        return invalid(QStringLiteral("Invalid token: not issued by this project"));
    if (!m_store.user(record->userId))
        return invalid(QStringLiteral("The token's user no longer exists"));
    if (record->expiresAt <= QDateTime::currentDateTimeUtc())
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

QJsonObject Emulator::mintAuthToken(const QString &userId, const QString &credentialId, std::chrono::seconds ttl)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    StoredAuthToken record{userId, credentialId, now, now.addSecs(ttl.count()), false};
    QByteArray token;
    if (m_config.tokenFormat == EmulatorConfig::TokenFormat::Jwt) {
        const QString jti = QUuid::createUuid().toString(QUuid::WithoutBraces);
        token = m_signer.sign(QJsonObject{{QStringLiteral("iss"), QStringLiteral("plainkey-emulator")},
                                          {QStringLiteral("sub"), userId},
                                          {QStringLiteral("projectId"), m_config.projectId},
                                          {QStringLiteral("credentialId"), credentialId},
                                          {QStringLiteral("iat"), double(now.toSecsSinceEpoch())},
                                          {QStringLiteral("exp"), double(record.expiresAt.toSecsSinceEpoch())},
                                          {QStringLiteral("jti"), jti}});
        m_store.addAuthToken(jti.toUtf8(), record);
    } else {
        token = "pk_auth_" + randomToken(32);
        m_store.addAuthToken(token, record);
    }
    // The Browser API types expiresAt as a number: epoch milliseconds.
    return QJsonObject{{QStringLiteral("token"), QString::fromLatin1(token)},
                       {QStringLiteral("expiresAt"), double(record.expiresAt.toMSecsSinceEpoch())}};
}

const StoredUser *Emulator::findUser(const QJsonValue &identifier, QString *why) const
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

EmuResponse Emulator::beginRegistration(const QJsonObject &body)
{
    QString why;
    const StoredUser *u = findUser(body.value(QLatin1String("userIdentifier")), &why);
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
    const QJsonObject token = mintAuthToken(u->id, QString(), std::min(m_config.authTokenTtl, std::chrono::seconds(300)));
    return json(200, QJsonObject{{QStringLiteral("options"), options}, {QStringLiteral("authenticationToken"), token.value(QLatin1String("token"))}});
}

EmuResponse Emulator::emulatorApi(const EmuRequest &r, const QStringList &seg)
{
    // Whoever reaches these can mint tokens and break the service: local callers only, even
    // when the Server API is offered to other machines (--allow-non-loopback).
    if (!isLoopbackPeer(r.peer))
        return error(403, QStringLiteral("The /emulator/ endpoints answer loopback clients only"));
    const QString what = seg.join(QLatin1Char('/'));
    const QByteArray &m = r.method;
    static const QHash<QString, QByteArray> allowed = {
            {QStringLiteral("info"), "GET"},          {QStringLiteral("faults"), "GET, PUT"},
            {QStringLiteral("sign-up"), "POST"},      {QStringLiteral("sign-in"), "POST"},
            {QStringLiteral("seed"), "POST"},         {QStringLiteral("reset"), "POST"},
            {QStringLiteral("revoke-access-tokens"), "POST"}, {QStringLiteral("export"), "POST"},
    };
    const auto route = allowed.constFind(what);
    if (route == allowed.cend())
        return error(404, QStringLiteral("No route for %1 %2").arg(QString::fromLatin1(m), shortened(r.path)));
    const QList<QByteArray> methods = route->split(',');
    if (std::none_of(methods.cbegin(), methods.cend(), [&](const QByteArray &a) { return a.trimmed() == m; }))
        return error(405, QStringLiteral("%1 is not allowed on %2; use %3").arg(QString::fromLatin1(m), shortened(r.path), QString::fromLatin1(*route)),
                     {{"Allow", *route}});

    if (what == QLatin1String("info"))
        return info();
    if (what == QLatin1String("faults") && m == "GET")
        return faultsAnswer();
    // The bodies here are optional: no body is an empty object.
    EmuResponse bad;
    std::optional<QJsonObject> body = QJsonObject();
    if (!r.body.trimmed().isEmpty())
        body = objectBody(r, &bad);
    if (!body)
        return bad;
    if (what == QLatin1String("faults"))
        return putFaults(*body);
    if (what == QLatin1String("sign-up"))
        return signUp(*body);
    if (what == QLatin1String("sign-in"))
        return signIn(*body);
    if (what == QLatin1String("reset")) {
        reset();
        return json(200, QJsonObject{{QStringLiteral("success"), true}});
    }
    if (what == QLatin1String("export"))
        return json(200, ProjectDocument::fromStore(m_store, m_config.projectId).toJson());
    if (what == QLatin1String("seed")) {
        seedDemoData();
        return json(200, QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("users"), m_store.userCount()}});
    }
    m_store.revokeAccessTokens();
    return json(200, QJsonObject{{QStringLiteral("success"), true}});
}

EmuResponse Emulator::info() const
{
    QUrl server = baseUrl();
    server.setPath(QStringLiteral("/server"));
    const char *format = m_config.expiresAtFormat == EmulatorConfig::ExpiresAtFormat::Iso8601        ? "iso"
                         : m_config.expiresAtFormat == EmulatorConfig::ExpiresAtFormat::EpochSeconds ? "seconds"
                                                                                                   : "millis";
    return json(200, QJsonObject{{QStringLiteral("projectId"), m_config.projectId},
                                 {QStringLiteral("baseUrl"), baseUrl().toString()},
                                 {QStringLiteral("serverApiUrl"), server.toString()},
                                 {QStringLiteral("accessTokenTtlSeconds"), qint64(m_config.accessTokenTtl.count())},
                                 {QStringLiteral("authTokenTtlSeconds"), qint64(m_config.authTokenTtl.count())},
                                 {QStringLiteral("tokenFormat"), m_config.tokenFormat == EmulatorConfig::TokenFormat::Jwt ? QStringLiteral("jwt") : QStringLiteral("opaque")},
                                 {QStringLiteral("expiresAtFormat"), QLatin1String(format)},
                                 {QStringLiteral("singleUseTokens"), m_config.singleUseTokens},
                                 {QStringLiteral("maxBodyBytes"), double(m_config.maxBodyBytes)},
                                 {QStringLiteral("users"), m_store.userCount()}});
}

EmuResponse Emulator::signUp(const QJsonObject &body)
{
    std::optional<QString> name;
    QString why;
    if (!readUserName(body, QStringLiteral("userName"), &name, &why))
        return error(400, why);
    const QJsonValue label = body.value(QLatin1String("label"));
    if (!label.isUndefined() && !label.isNull() && !label.isString())
        return error(400, QStringLiteral("label must be a string"));
    const auto user = m_store.createUser(name, &why);
    if (!user)
        return error(400, why);
    StoredPasskey p;
    p.userId = user->id;
    p.webAuthnId = QString::fromLatin1(randomToken(16));
    p.label = label.isString() ? std::optional<QString>(label.toString()) : std::optional<QString>(QStringLiteral("Emulated passkey"));
    p.authenticatorType = QStringLiteral("platform");
    p.aaguid = QStringLiteral("00000000-0000-0000-0000-000000000000");
    p.deviceType = QStringLiteral("multiDevice");
    p.backedUp = true;
    p.transports = QStringList{QStringLiteral("internal"), QStringLiteral("hybrid")};
    p.counter = 0;
    p.lastUsedAt = QDateTime::currentDateTimeUtc();
    p = m_store.addPasskey(p);
    QJsonObject answer{{QStringLiteral("userId"), user->id},
                       {QStringLiteral("passkey"), EmulatorStore::toJson(p)},
                       {QStringLiteral("authenticationToken"), mintAuthToken(user->id, p.id, m_config.authTokenTtl)}};
    if (user->userName)
        answer.insert(QStringLiteral("userName"), *user->userName);
    return json(200, answer);
}

EmuResponse Emulator::signIn(const QJsonObject &body)
{
    const StoredUser *u = nullptr;
    if (body.value(QLatin1String("userId")).isString())
        u = m_store.user(body.value(QLatin1String("userId")).toString());
    else if (body.value(QLatin1String("userName")).isString())
        u = m_store.userByName(body.value(QLatin1String("userName")).toString());
    else
        return error(400, QStringLiteral("Name the user with userId or userName"));
    if (!u)
        return error(404, QStringLiteral("User not found"));
    std::chrono::seconds ttl = m_config.authTokenTtl;
    const QJsonValue ttlValue = body.value(QLatin1String("ttlSeconds"));
    if (!ttlValue.isUndefined()) {
        if (!ttlValue.isDouble() || ttlValue.toDouble() < 1 || ttlValue.toDouble() > 86400)
            return error(400, QStringLiteral("ttlSeconds must be a number from 1 to 86400"));
        ttl = std::chrono::seconds(qint64(ttlValue.toDouble()));
    }
    const QList<StoredPasskey> passkeys = m_store.passkeysOf(u->id);
    if (passkeys.isEmpty())
        return error(400, QStringLiteral("The user has no passkey to sign in with"));
    // Sign in with the passkey used most recently, as a browser offering its own first would.
    QString chosen = passkeys.first().id;
    QDateTime latest;
    for (const StoredPasskey &p : passkeys) {
        if (p.lastUsedAt && (!latest.isValid() || *p.lastUsedAt > latest)) {
            latest = *p.lastUsedAt;
            chosen = p.id;
        }
    }
    StoredPasskey used = *m_store.passkey(chosen);
    used.lastUsedAt = QDateTime::currentDateTimeUtc();
    if (used.counter)
        *used.counter += 1;
    m_store.updatePasskey(used);
    return json(200, QJsonObject{{QStringLiteral("userId"), u->id},
                                 {QStringLiteral("credentialId"), used.id},
                                 {QStringLiteral("authenticationToken"), mintAuthToken(u->id, used.id, ttl)}});
}

EmuResponse Emulator::faultsAnswer() const
{
    return json(200, QJsonObject{{QStringLiteral("mode"), Fault::modeName(m_fault.mode)},
                                 {QStringLiteral("status"), m_fault.status},
                                 {QStringLiteral("retryAfterSeconds"), m_fault.retryAfterSeconds},
                                 {QStringLiteral("remaining"), m_fault.remaining},
                                 {QStringLiteral("pathPrefix"), m_fault.pathPrefix},
                                 {QStringLiteral("latencyMs"), qint64(m_latency.count())}});
}

EmuResponse Emulator::putFaults(const QJsonObject &body)
{
    // A new mode starts from the defaults (an exhausted "remaining" must not carry over);
    // without one, the fields given change the current fault.
    Fault f = body.contains(QLatin1String("mode")) ? Fault() : m_fault;
    auto integer = [&](const char *key, int min, int max, int *out) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (v.isUndefined())
            return true;
        if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()) || v.toDouble() < min || v.toDouble() > max)
            return false;
        *out = int(v.toDouble());
        return true;
    };
    const QJsonValue mode = body.value(QLatin1String("mode"));
    if (!mode.isUndefined() && (!mode.isString() || !Fault::modeFromName(mode.toString(), &f.mode)))
        return error(400, QStringLiteral("mode must be one of none, status, html, empty, truncated, stall, reset"));
    // 1xx answers are interim in HTTP: a client would keep waiting for the real one.
    if (!integer("status", 200, 599, &f.status))
        return error(400, QStringLiteral("status must be a whole number from 200 to 599"));
    if (!integer("retryAfterSeconds", 0, 86400, &f.retryAfterSeconds))
        return error(400, QStringLiteral("retryAfterSeconds must be a whole number from 0 to 86400"));
    if (!integer("remaining", -1, 1000000, &f.remaining))
        return error(400, QStringLiteral("remaining must be a whole number from -1 (until cleared) to 1000000"));
    const QJsonValue prefix = body.value(QLatin1String("pathPrefix"));
    if (!prefix.isUndefined() && !prefix.isNull() && !prefix.isString())
        return error(400, QStringLiteral("pathPrefix must be a string such as \"/user\" (empty for every path)"));
    if (prefix.isString() || prefix.isNull())
        f.pathPrefix = prefix.toString();
    int latencyMs = int(m_latency.count());
    if (!integer("latencyMs", 0, 600000, &latencyMs))
        return error(400, QStringLiteral("latencyMs must be a whole number from 0 to 600000"));
    setLatency(std::chrono::milliseconds(latencyMs));
    setFault(f);
    return faultsAnswer();
}

void Emulator::seedDemoData()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    struct Seed
    {
        const char *userName;
        struct Key
        {
            const char *label;
            const char *aaguid;
            const char *type;
            const char *deviceType;
            bool backedUp;
            QStringList transports;
            qint64 counter;
            qint64 createdDaysAgo;
            qint64 lastUsedMinutesAgo; // -1: never
        };
        QList<Key> keys;
    };
    const QList<Seed> seeds = {
            {"ada@example.com",
             {{"iPhone", "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "platform", "multiDevice", true, {QStringLiteral("internal"), QStringLiteral("hybrid")}, 0, 120, 12},
              {"YubiKey 5 NFC", "cb69481e-8ff7-4039-93ec-0a2729a154a8", "cross-platform", "singleDevice", false, {QStringLiteral("usb"), QStringLiteral("nfc")}, 57, 300, 60 * 24 * 9}}},
            {"grace@example.com",
             {{"Pixel", "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", "platform", "multiDevice", true, {QStringLiteral("internal"), QStringLiteral("hybrid")}, 0, 400, 60 * 24 * 140}}},
            {"linus@example.com",
             {{"Work laptop", "08987058-cadc-4b81-b6e1-30de50dcbe96", "platform", "singleDevice", false, {QStringLiteral("internal")}, 213, 60, 60 * 3}}},
            {"margaret@example.com", {}},
            {nullptr,
             {{"Usernameless", "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "platform", "multiDevice", true, {QStringLiteral("internal")}, 0, 10, -1}}},
    };
    // Seeding twice adds nobody twice: named users are found by name, the nameless one by the
    // first seed's presence. One transaction with --data.
    EmulatorStore::Change change(m_store);
    const bool seededBefore = m_store.userByName(QString::fromLatin1(seeds.first().userName)) != nullptr;
    for (const Seed &s : seeds) {
        QString why;
        const std::optional<QString> name = s.userName ? std::optional<QString>(QString::fromLatin1(s.userName)) : std::nullopt;
        if (name ? m_store.userByName(*name) != nullptr : seededBefore)
            continue;
        const auto user = m_store.createUser(name, &why);
        if (!user)
            continue;
        for (const auto &k : s.keys) {
            StoredPasskey p;
            p.userId = user->id;
            p.webAuthnId = QString::fromLatin1(randomToken(16));
            p.label = QString::fromLatin1(k.label);
            p.aaguid = QString::fromLatin1(k.aaguid);
            p.authenticatorType = QString::fromLatin1(k.type);
            p.deviceType = QString::fromLatin1(k.deviceType);
            p.backedUp = k.backedUp;
            p.transports = k.transports;
            p.counter = k.counter;
            p.createdAt = now.addDays(-k.createdDaysAgo);
            if (k.lastUsedMinutesAgo >= 0)
                p.lastUsedAt = now.addSecs(-60 * k.lastUsedMinutesAgo);
            m_store.addPasskey(p);
        }
    }
}

} // namespace plainkey::emulator
