// The emulator against the contract (shared/api/plainkey-api.md), spoken to with a plain
// QNetworkAccessManager: statuses, body shapes, store invariants, faults and bad input.

#include "httptesthelper.h"

#include "emulator/emulator.h"
#include "emulator/emulatorthread.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QTest>
#include <QUrlQuery>

using namespace plainkey::emulator;

namespace {

struct Raw
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QJsonArray array;
    QList<QNetworkReply::RawHeaderPair> headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        return {};
    }
};

Raw send(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
         const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 15000)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, [reply] { reply->abort(); });
    loop.exec();
    Raw r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen())
        r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    r.error = reply->error();
    const QJsonDocument doc = QJsonDocument::fromJson(r.body);
    r.json = doc.object();
    r.array = doc.array();
    reply->deleteLater();
    return r;
}

class Session
{
public:
    explicit Session(Emulator &emu) : m_emu(emu)
    {
        const Raw t = send("POST", url(QStringLiteral("/access-token")),
                           "client_id=" + emu.config().projectId.toUtf8() + "&client_secret=" + QUrl::toPercentEncoding(emu.config().clientSecret),
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
        m_token = t.json.value(QLatin1String("access_token")).toString().toUtf8();
    }
    QUrl url(const QString &path) const { return QUrl(m_emu.baseUrl().toString() + path); }
    Raw call(const QByteArray &method, const QString &path, const QJsonValue &body = QJsonValue(QJsonValue::Undefined))
    {
        QByteArray payload;
        if (body.isObject())
            payload = QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
        else if (body.isArray())
            payload = QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
        return send(method, url(path), payload,
                    {{"Authorization", "Bearer " + m_token}, {"x-project-id", m_emu.config().projectId.toUtf8()}, {"Content-Type", "application/json"}});
    }
    QByteArray token() const { return m_token; }

private:
    Emulator &m_emu;
    QByteArray m_token;
};

QJsonObject signUp(Emulator &emu, const QString &userName)
{
    return testHttp("POST", QUrl(emu.baseUrl().toString() + QStringLiteral("/emulator/sign-up")), QJsonObject{{QStringLiteral("userName"), userName}}).json;
}

} // namespace

class tst_Emulator : public QObject
{
    Q_OBJECT
private slots:
    void accessTokenFollowsTheContract_data();
    void accessTokenFollowsTheContract();
    void serverCallsNeedTokenAndProject_data();
    void serverCallsNeedTokenAndProject();
    void verifyAnswersValidAndInvalid();
    void singleUseTokensCannotBeVerifiedTwice();
    void usersHaveUniqueNamesAndCascadingDeletes();
    void passkeysCarryEveryContractField();
    void beginRegistrationGivesWebAuthnOptions();
    void bulkCreateIsAllOrNothing();
    void signInUpdatesThePasskey();
    void badInputGetsJsonErrors_data();
    void badInputGetsJsonErrors();
    void unknownPathsAndMethodsAnswerJson();
    void faultsSpoilAnswers_data();
    void faultsSpoilAnswers();
    void latencyDoesNotBlockOtherRequests();
    void threadRunsTheEmulatorOffTheCallersThread();
    void binaryRefusesNonLoopbackAndBadOptions_data();
    void binaryRefusesNonLoopbackAndBadOptions();
};

void tst_Emulator::accessTokenFollowsTheContract_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("right") << QByteArray("client_id=demo-project&client_secret=demo-secret") << QByteArray("application/x-www-form-urlencoded") << 200 << QString();
    QTest::newRow("wrong secret") << QByteArray("client_id=demo-project&client_secret=nope") << QByteArray("application/x-www-form-urlencoded") << 400 << "Invalid client credentials";
    QTest::newRow("wrong id") << QByteArray("client_id=other&client_secret=demo-secret") << QByteArray("application/x-www-form-urlencoded") << 400 << "Invalid client credentials";
    QTest::newRow("no secret") << QByteArray("client_id=demo-project") << QByteArray("application/x-www-form-urlencoded") << 400 << "client_secret is required";
    QTest::newRow("no id") << QByteArray("client_secret=demo-secret") << QByteArray("application/x-www-form-urlencoded") << 400 << "client_id is required";
    QTest::newRow("empty") << QByteArray() << QByteArray("application/x-www-form-urlencoded") << 400 << "client_id is required";
    QTest::newRow("json instead") << QByteArray(R"({"client_id":"demo-project"})") << QByteArray("application/json") << 400 << "form-encoded";
}

void tst_Emulator::accessTokenFollowsTheContract()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QString, error);
    Emulator emu;
    QVERIFY(emu.listen());
    const Raw r = send("POST", QUrl(emu.baseUrl().toString() + QStringLiteral("/access-token")), body, {{"Content-Type", contentType}});
    QCOMPARE(r.status, status);
    QVERIFY(r.header("content-type").startsWith("application/json"));
    QVERIFY(!r.header("date").isEmpty());
    if (status == 200) {
        QVERIFY(r.json.value(QLatin1String("access_token")).toString().size() >= 32);
        QCOMPARE(r.json.value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
        QCOMPARE(r.json.value(QLatin1String("expires_in")).toInt(), 3600);
    } else {
        QVERIFY2(r.json.value(QLatin1String("error")).toString().contains(error), r.body.constData());
    }
}

void tst_Emulator::serverCallsNeedTokenAndProject_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QByteArray>("project");
    QTest::addColumn<QString>("error");
    QTest::newRow("no token") << QByteArray() << QByteArray("demo-project") << "Missing Authorization";
    QTest::newRow("basic scheme") << QByteArray("Basic abc") << QByteArray("demo-project") << "Bearer";
    QTest::newRow("unknown token") << QByteArray("Bearer nope") << QByteArray("demo-project") << "Invalid access token";
    QTest::newRow("no project") << QByteArray("VALID") << QByteArray() << "x-project-id";
    QTest::newRow("other project") << QByteArray("VALID") << QByteArray("other") << "does not match";
}

void tst_Emulator::serverCallsNeedTokenAndProject()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QByteArray, project);
    QFETCH(QString, error);
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    if (authorization == "VALID")
        authorization = "Bearer " + s.token();
    QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
    if (!authorization.isEmpty())
        headers.append({"Authorization", authorization});
    if (!project.isEmpty())
        headers.append({"x-project-id", project});
    const Raw r = send("POST", s.url(QStringLiteral("/authentication-token/verify")), R"({"token":"x"})", headers);
    QCOMPARE(r.status, 401);
    QVERIFY2(r.json.value(QLatin1String("error")).toString().contains(error), r.body.constData());
}

void tst_Emulator::verifyAnswersValidAndInvalid()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    const QJsonObject up = signUp(emu, QStringLiteral("v@example.com"));
    const QString token = up.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QVERIFY(up.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("expiresAt")).isDouble());

    Raw r = s.call("POST", QStringLiteral("/authentication-token/verify"), QJsonObject{{QStringLiteral("token"), token}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QLatin1String("valid")).toBool(), true);
    QCOMPARE(r.json.value(QLatin1String("userId")).toString(), up.value(QLatin1String("userId")).toString());
    QCOMPARE(r.json.value(QLatin1String("projectId")).toString(), QStringLiteral("demo-project"));
    QVERIFY(QDateTime::fromString(r.json.value(QLatin1String("expiresAt")).toString(), Qt::ISODateWithMs).isValid());
    QCOMPARE(r.json.value(QLatin1String("payload")).toObject().value(QLatin1String("sub")).toString(), up.value(QLatin1String("userId")).toString());

    r = s.call("POST", QStringLiteral("/authentication-token/verify"), QJsonObject{{QStringLiteral("token"), token + QStringLiteral("x")}});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value(QLatin1String("valid")).toBool(true), false);
    QVERIFY(!r.json.value(QLatin1String("error")).toString().isEmpty());

    r = s.call("POST", QStringLiteral("/authentication-token/verify"), QJsonObject{{QStringLiteral("token"), QStringLiteral("opaque-garbage")}});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.json.value(QLatin1String("valid")).toBool(true), false);

    // Deleting the user invalidates their tokens.
    QCOMPARE(s.call("DELETE", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("v@example.com")}}}}).status, 200);
    r = s.call("POST", QStringLiteral("/authentication-token/verify"), QJsonObject{{QStringLiteral("token"), token}});
    QCOMPARE(r.status, 401);
}

void tst_Emulator::singleUseTokensCannotBeVerifiedTwice()
{
    EmulatorConfig config;
    config.singleUseTokens = true;
    Emulator emu(config);
    QVERIFY(emu.listen());
    Session s(emu);
    const QString token = signUp(emu, QStringLiteral("once@example.com")).value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QCOMPARE(s.call("POST", QStringLiteral("/authentication-token/verify"), QJsonObject{{QStringLiteral("token"), token}}).status, 200);
    const Raw again = s.call("POST", QStringLiteral("/authentication-token/verify"), QJsonObject{{QStringLiteral("token"), token}});
    QCOMPARE(again.status, 401);
    QVERIFY(again.json.value(QLatin1String("error")).toString().contains(QLatin1String("already been used")));
}

void tst_Emulator::usersHaveUniqueNamesAndCascadingDeletes()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    Raw r = s.call("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("a@example.com")}});
    QCOMPARE(r.status, 200);
    const QString id = r.json.value(QLatin1String("id")).toString();
    QCOMPARE(s.call("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("a@example.com")}}).status, 400);
    r = s.call("POST", QStringLiteral("/user"), QJsonObject{});
    QCOMPARE(r.status, 200);
    QVERIFY(!r.json.contains(QLatin1String("userName"))); // usernameless

    QCOMPARE(s.call("GET", QStringLiteral("/user/") + id).json.value(QLatin1String("userName")).toString(), QStringLiteral("a@example.com"));
    QCOMPARE(s.call("GET", QStringLiteral("/user?userName=a%40example.com")).json.value(QLatin1String("id")).toString(), id);
    QCOMPARE(s.call("GET", QStringLiteral("/user?userName=nobody")).status, 404);
    QCOMPARE(s.call("GET", QStringLiteral("/user")).status, 400);
    QCOMPARE(s.call("GET", QStringLiteral("/user/usr_missing")).status, 404);

    r = s.call("PATCH", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userId"), id}}},
                                                             {QStringLiteral("updates"), QJsonObject{{QStringLiteral("userName"), QJsonValue(QJsonValue::Null)}}}});
    QCOMPARE(r.status, 200);
    QVERIFY(!r.json.contains(QLatin1String("userName")));

    // A user's passkeys go with them.
    const QJsonObject up = signUp(emu, QStringLiteral("b@example.com"));
    const QString passkeyId = up.value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString();
    QCOMPARE(s.call("GET", QStringLiteral("/credential/") + passkeyId).status, 200);
    QCOMPARE(s.call("DELETE", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userId"), up.value(QLatin1String("userId")).toString()}}}}).json.value(QLatin1String("success")).toBool(), true);
    QCOMPARE(s.call("GET", QStringLiteral("/credential/") + passkeyId).status, 404);
    QCOMPARE(s.call("GET", QStringLiteral("/user/%1/credentials").arg(up.value(QLatin1String("userId")).toString())).status, 404);
}

void tst_Emulator::passkeysCarryEveryContractField()
{
    Emulator emu;
    QVERIFY(emu.listen());
    emu.seedDemoData();
    Session s(emu);
    const QString ada = s.call("GET", QStringLiteral("/user?userName=ada%40example.com")).json.value(QLatin1String("id")).toString();
    const Raw list = s.call("GET", QStringLiteral("/user/%1/credentials").arg(ada));
    QCOMPARE(list.status, 200);
    QCOMPARE(list.array.size(), 2);
    for (const QJsonValue &v : list.array) {
        const QJsonObject p = v.toObject();
        for (const char *key : {"id", "userId", "webAuthnId", "label", "authenticatorType", "aaguid", "credentialDeviceType",
                                "credentialBackedUp", "transports", "counter", "createdAt", "updatedAt", "lastUsedAt"})
            QVERIFY2(p.contains(QLatin1String(key)), key);
        QCOMPARE(p.value(QLatin1String("userId")).toString(), ada);
    }
    const QString id = list.array.first().toObject().value(QLatin1String("id")).toString();
    Raw r = s.call("PATCH", QStringLiteral("/credential/%1/label").arg(id), QJsonObject{{QStringLiteral("label"), QStringLiteral("Phone")}});
    QCOMPARE(r.status, 200);
    QCOMPARE(s.call("GET", QStringLiteral("/credential/") + id).json.value(QLatin1String("label")).toString(), QStringLiteral("Phone"));
    r = s.call("PATCH", QStringLiteral("/credential/%1/label").arg(id), QJsonObject{{QStringLiteral("label"), QJsonValue(QJsonValue::Null)}});
    QCOMPARE(r.status, 200);
    QVERIFY(s.call("GET", QStringLiteral("/credential/") + id).json.value(QLatin1String("label")).isNull());
    QCOMPARE(s.call("PATCH", QStringLiteral("/credential/%1/label").arg(id), QJsonObject{{QStringLiteral("label"), 5}}).status, 400);
    QCOMPARE(s.call("DELETE", QStringLiteral("/credential/") + id).json.value(QLatin1String("success")).toBool(), true);
    QCOMPARE(s.call("GET", QStringLiteral("/user/%1/credentials").arg(ada)).array.size(), 1);
}

void tst_Emulator::beginRegistrationGivesWebAuthnOptions()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    const QJsonObject up = signUp(emu, QStringLiteral("reg@example.com"));
    const Raw r = s.call("POST", QStringLiteral("/user/credential/begin"), QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("reg@example.com")}}}});
    QCOMPARE(r.status, 200);
    const QJsonObject o = r.json.value(QLatin1String("options")).toObject();
    QVERIFY(!o.value(QLatin1String("challenge")).toString().isEmpty());
    QVERIFY(QByteArray::fromBase64Encoding(o.value(QLatin1String("challenge")).toString().toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors));
    QCOMPARE(o.value(QLatin1String("user")).toObject().value(QLatin1String("name")).toString(), QStringLiteral("reg@example.com"));
    QCOMPARE(o.value(QLatin1String("pubKeyCredParams")).toArray().size(), 2);
    QCOMPARE(o.value(QLatin1String("excludeCredentials")).toArray().size(), 1);
    QVERIFY(r.json.value(QLatin1String("authenticationToken")).isString());
    QCOMPARE(s.call("POST", QStringLiteral("/user/credential/begin"), QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userId"), QStringLiteral("usr_none")}}}}).status, 400);
}

void tst_Emulator::bulkCreateIsAllOrNothing()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    QJsonArray users;
    for (int i = 0; i < 10000; ++i)
        users.append(QJsonObject{{QStringLiteral("userName"), QStringLiteral("bulk%1@example.com").arg(i)}});
    QElapsedTimer t;
    t.start();
    Raw r = s.call("POST", QStringLiteral("/user/bulk"), QJsonObject{{QStringLiteral("users"), users}});
    qInfo("bulk-created 10,000 users in %lld ms", qint64(t.elapsed()));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.array.size(), 10000);
    QCOMPARE(emu.userCount(), 10000);
    // One duplicate refuses the whole batch and names the row.
    r = s.call("POST", QStringLiteral("/user/bulk"), QJsonObject{{QStringLiteral("users"), QJsonArray{QJsonObject{{QStringLiteral("userName"), QStringLiteral("new@example.com")}},
                                                                                                     QJsonObject{{QStringLiteral("userName"), QStringLiteral("bulk7@example.com")}}}}});
    QCOMPARE(r.status, 400);
    QVERIFY(r.json.value(QLatin1String("error")).toString().contains(QLatin1String("users[1]")));
    QCOMPARE(emu.userCount(), 10000);
}

void tst_Emulator::signInUpdatesThePasskey()
{
    Emulator emu;
    QVERIFY(emu.listen());
    emu.seedDemoData();
    Session s(emu);
    const QUrl signIn(emu.baseUrl().toString() + QStringLiteral("/emulator/sign-in"));
    const QString linus = s.call("GET", QStringLiteral("/user?userName=linus%40example.com")).json.value(QLatin1String("id")).toString();
    const QJsonObject before = s.call("GET", QStringLiteral("/user/%1/credentials").arg(linus)).array.first().toObject();
    const auto a = testHttp("POST", signIn, QJsonObject{{QStringLiteral("userName"), QStringLiteral("linus@example.com")}});
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json.value(QLatin1String("userId")).toString(), linus);
    const QJsonObject after = s.call("GET", QStringLiteral("/user/%1/credentials").arg(linus)).array.first().toObject();
    QCOMPARE(after.value(QLatin1String("counter")).toInt(), before.value(QLatin1String("counter")).toInt() + 1);
    QVERIFY(after.value(QLatin1String("lastUsedAt")).toString() > before.value(QLatin1String("lastUsedAt")).toString());
    QCOMPARE(testHttp("POST", signIn, QJsonObject{{QStringLiteral("userName"), QStringLiteral("margaret@example.com")}}).status, 400); // no passkey
    QCOMPARE(testHttp("POST", signIn, QJsonObject{{QStringLiteral("userName"), QStringLiteral("nobody@example.com")}}).status, 404);
}

void tst_Emulator::badInputGetsJsonErrors_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::newRow("not JSON") << QByteArray("POST") << "/authentication-token/verify" << QByteArray("{token:") << 400;
    QTest::newRow("array body") << QByteArray("POST") << "/user" << QByteArray("[1,2]") << 400;
    QTest::newRow("no body") << QByteArray("POST") << "/authentication-token/verify" << QByteArray() << 400;
    QTest::newRow("token not a string") << QByteArray("POST") << "/authentication-token/verify" << QByteArray(R"({"token":42})") << 400;
    QTest::newRow("userName not a string") << QByteArray("POST") << "/user" << QByteArray(R"({"userName":["x"]})") << 400;
    QTest::newRow("empty userName") << QByteArray("POST") << "/user" << QByteArray(R"({"userName":"  "})") << 400;
    QTest::newRow("patch without updates") << QByteArray("PATCH") << "/user" << QByteArray(R"({"userIdentifier":{"userName":"x"}})") << 400;
    QTest::newRow("delete without identifier") << QByteArray("DELETE") << "/user" << QByteArray(R"({})") << 400;
    QTest::newRow("bulk not an array") << QByteArray("POST") << "/user/bulk" << QByteArray(R"({"users":{}})") << 400;
    QTest::newRow("huge body") << QByteArray("POST") << "/user" << QByteArray(2 * 1024 * 1024, 'x') << 413;
    QTest::newRow("binary") << QByteArray("POST") << "/user" << QByteArray("\x00\xff\xfe{", 4) << 400;
}

void tst_Emulator::badInputGetsJsonErrors()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    const Raw r = send(method, s.url(path), body,
                       {{"Authorization", "Bearer " + s.token()}, {"x-project-id", "demo-project"}, {"Content-Type", "application/json"}});
    QCOMPARE(r.status, status);
    QVERIFY2(!r.json.value(QLatin1String("error")).toString().isEmpty(), r.body.left(200).constData());
    // Still serving afterwards.
    QCOMPARE(s.call("GET", QStringLiteral("/user?userName=x")).status, 404);
}

void tst_Emulator::unknownPathsAndMethodsAnswerJson()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    Raw r = s.call("GET", QStringLiteral("/no/such/thing"));
    QCOMPARE(r.status, 404);
    QVERIFY(r.json.value(QLatin1String("error")).toString().contains(QLatin1String("No route")));
    r = s.call("GET", QStringLiteral("/authentication-token/verify"));
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("allow"), QByteArray("POST"));
    r = send("GET", s.url(QStringLiteral("/access-token")));
    QCOMPARE(r.status, 405);
    // The same API under /server, as in production URLs.
    r = send("POST", s.url(QStringLiteral("/server/access-token")), "client_id=demo-project&client_secret=demo-secret",
             {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(send("GET", s.url(QStringLiteral("/openapi"))).status, 200);
}

void tst_Emulator::faultsSpoilAnswers_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("networkError");
    QTest::addColumn<int>("remaining");
    QTest::newRow("status 503") << "status" << 503 << int(QNetworkReply::ServiceUnavailableError) << 1;
    QTest::newRow("html") << "html" << 502 << int(QNetworkReply::UnknownServerError) << 1;
    QTest::newRow("empty") << "empty" << 200 << int(QNetworkReply::NoError) << 1;
    QTest::newRow("truncated") << "truncated" << 200 << int(QNetworkReply::RemoteHostClosedError) << 1;
    // Qt resends once on a connection closed before any answer, so a reset must happen twice.
    QTest::newRow("reset") << "reset" << 0 << int(QNetworkReply::RemoteHostClosedError) << 2;
    QTest::newRow("stall") << "stall" << 0 << int(QNetworkReply::OperationCanceledError) << 1;
}

void tst_Emulator::faultsSpoilAnswers()
{
    QFETCH(QString, mode);
    QFETCH(int, status);
    QFETCH(int, networkError);
    QFETCH(int, remaining);
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    const auto put = testHttp("PUT", QUrl(emu.baseUrl().toString() + QStringLiteral("/emulator/faults")),
                              QJsonObject{{QStringLiteral("mode"), mode}, {QStringLiteral("status"), status ? status : 503}, {QStringLiteral("remaining"), remaining}});
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json.value(QLatin1String("mode")).toString(), mode);
    const Raw r = send("POST", s.url(QStringLiteral("/user")), "{}",
                       {{"Authorization", "Bearer " + s.token()}, {"x-project-id", "demo-project"}, {"Content-Type", "application/json"}}, 1500);
    QCOMPARE(r.status, status);
    QCOMPARE(int(r.error), networkError);
    // Only "remaining" answers were spoiled.
    QCOMPARE(s.call("POST", QStringLiteral("/user"), QJsonObject{}).status, 200);
}

void tst_Emulator::latencyDoesNotBlockOtherRequests()
{
    Emulator emu;
    QVERIFY(emu.listen());
    emu.setLatency(std::chrono::milliseconds(1500));
    QNetworkAccessManager nam;
    QElapsedTimer t;
    t.start();
    QNetworkRequest slow(QUrl(emu.baseUrl().toString() + QStringLiteral("/openapi")));
    QNetworkReply *slowReply = nam.get(slow);
    // The /emulator/ endpoints are never delayed: they answer while the other waits.
    const auto info = testHttp("GET", QUrl(emu.baseUrl().toString() + QStringLiteral("/emulator/info")));
    QCOMPARE(info.status, 200);
    QVERIFY(!slowReply->isFinished());
    QTRY_VERIFY_WITH_TIMEOUT(slowReply->isFinished(), 10000);
    QVERIFY(t.elapsed() >= 1400);
    QCOMPARE(slowReply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete slowReply;
}

void tst_Emulator::threadRunsTheEmulatorOffTheCallersThread()
{
    EmulatorThread thread;
    QVERIFY2(thread.start(), qPrintable(thread.errorString()));
    thread.seedDemoData();
    const auto r = testHttp("POST", QUrl(thread.baseUrl().toString() + QStringLiteral("/emulator/sign-in")),
                            QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada@example.com")}});
    QCOMPARE(r.status, 200);
    thread.stop();
    QVERIFY(!thread.isRunning());
}

void tst_Emulator::binaryRefusesNonLoopbackAndBadOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("public address") << QStringList{"--host", "0.0.0.0"} << "--allow-non-loopback";
    QTest::newRow("bad port") << QStringList{"--port", "70000"} << "--port";
    QTest::newRow("bad ttl") << QStringList{"--token-ttl", "0"} << "--token-ttl";
    QTest::newRow("bad format") << QStringList{"--token-format", "xml"} << "jwt or opaque";
}

void tst_Emulator::binaryRefusesNonLoopbackAndBadOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QProcess p;
    p.start(QStringLiteral(PLAINKEY_EMULATOR_BINARY), args);
    QVERIFY(p.waitForFinished(15000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardOutput().isEmpty());
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(message));
}

QTEST_GUILESS_MAIN(tst_Emulator)
#include "tst_emulator.moc"
