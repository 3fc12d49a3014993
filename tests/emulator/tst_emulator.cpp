// The emulator against the contract (shared/api/plainkey-api.md), spoken to over loopback with
// a plain QNetworkAccessManager: statuses, body shapes, tokens, store invariants, faults and
// bad input. Raw-socket behaviour is in tst_emulatorwire, the program in tst_emulatorprocess.

#include "emulatortesthelper.h"

#include "emulator/emulator.h"
#include "emulator/httpserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace plainkey::emulator;
using namespace emutest;
using namespace std::chrono_literals;

namespace {

const QStringList kPasskeyFields = {QStringLiteral("id"),         QStringLiteral("userId"),        QStringLiteral("webAuthnId"),
                                    QStringLiteral("label"),      QStringLiteral("authenticatorType"), QStringLiteral("aaguid"),
                                    QStringLiteral("credentialDeviceType"), QStringLiteral("credentialBackedUp"), QStringLiteral("transports"),
                                    QStringLiteral("counter"),    QStringLiteral("createdAt"),     QStringLiteral("updatedAt"),
                                    QStringLiteral("lastUsedAt")};

//! An emulator with three users: ada (signed up, one passkey, a fresh token), bare (no
//! passkey) and a user with no name.
class Fixture
{
public:
    explicit Fixture(EmulatorConfig config = {}) : emu(std::move(config))
    {
        listening = emu.listen();
        if (!listening)
            return;
        session.emplace(emu);
        const Answer up = emulatorCall(emu.baseUrl(), "POST", QStringLiteral("/emulator/sign-up"),
                                       QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada@example.com")}, {QStringLiteral("label"), QStringLiteral("Ada's phone")}});
        adaId = up.json.value(QLatin1String("userId")).toString();
        adaCred = up.json.value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString();
        adaToken = up.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
        bareId = session->call("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("bare@example.com")}})
                         .json.value(QLatin1String("id")).toString();
        namelessId = session->call("POST", QStringLiteral("/user"), QJsonObject{}).json.value(QLatin1String("id")).toString();
    }
    bool ready() const { return listening && !adaId.isEmpty() && !adaCred.isEmpty() && !adaToken.isEmpty() && !bareId.isEmpty() && !namelessId.isEmpty(); }
    QString expand(QString text) const
    {
        // A forged token: ada's with its last signature character changed.
        QString forged = adaToken;
        if (!forged.isEmpty())
            forged[forged.size() - 1] = forged.endsWith(QLatin1Char('A')) ? QLatin1Char('B') : QLatin1Char('A');
        return text.replace(QLatin1String("{ada}"), adaId)
                .replace(QLatin1String("{cred}"), adaCred)
                .replace(QLatin1String("{bare}"), bareId)
                .replace(QLatin1String("{nameless}"), namelessId)
                .replace(QLatin1String("{token}"), adaToken)
                .replace(QLatin1String("{forged}"), forged);
    }

    Emulator emu;
    bool listening = false;
    std::optional<Session> session;
    QString adaId, adaCred, adaToken, bareId, namelessId;
};

QString describe(const Answer &a)
{
    return QStringLiteral("status %1, body %2").arg(a.status).arg(QString::fromUtf8(a.body.left(300)));
}

//! Empty when \a o is a user as the contract draws it: "id", and "userName" only when set.
QString userProblem(const QJsonObject &o)
{
    if (!o.value(QLatin1String("id")).isString() || o.value(QLatin1String("id")).toString().isEmpty())
        return QStringLiteral("no string id");
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.key() != QLatin1String("id") && it.key() != QLatin1String("userName"))
            return QStringLiteral("unexpected key %1").arg(it.key());
    }
    if (o.contains(QLatin1String("userName")) && !o.value(QLatin1String("userName")).isString())
        return QStringLiteral("userName present but not a string");
    return {};
}

QString passkeyProblem(const QJsonObject &p)
{
    for (const QString &key : kPasskeyFields) {
        if (!p.contains(key))
            return QStringLiteral("passkey without %1").arg(key);
    }
    if (!p.value(QLatin1String("id")).isString() || !p.value(QLatin1String("userId")).isString())
        return QStringLiteral("passkey id/userId not strings");
    if (!QDateTime::fromString(p.value(QLatin1String("createdAt")).toString(), Qt::ISODateWithMs).isValid())
        return QStringLiteral("createdAt not ISO 8601");
    for (const char *nullable : {"updatedAt", "lastUsedAt"}) {
        const QJsonValue v = p.value(QLatin1String(nullable));
        if (!v.isNull() && !QDateTime::fromString(v.toString(), Qt::ISODateWithMs).isValid())
            return QStringLiteral("%1 neither null nor ISO 8601").arg(QLatin1String(nullable));
    }
    const QJsonValue transports = p.value(QLatin1String("transports"));
    if (!transports.isNull() && !transports.isArray())
        return QStringLiteral("transports neither null nor an array");
    const QJsonValue backedUp = p.value(QLatin1String("credentialBackedUp"));
    if (!backedUp.isNull() && !backedUp.isBool())
        return QStringLiteral("credentialBackedUp neither null nor a bool");
    const QJsonValue counter = p.value(QLatin1String("counter"));
    if (!counter.isNull() && !counter.isDouble())
        return QStringLiteral("counter neither null nor a number");
    return {};
}

//! Empty when \a a has the shape named by \a shape (see endpointsAnswerAsTheContractSays_data).
QString shapeProblem(const Answer &a, const QString &shape, const Fixture &f)
{
    const QString kind = shape.section(QLatin1Char(':'), 0, 0);
    const QString arg = shape.section(QLatin1Char(':'), 1);
    if (kind == QLatin1String("error") || kind == QLatin1String("invalid")) {
        if (!a.isObject || !a.json.value(QLatin1String("error")).isString() || a.errorText().isEmpty())
            return QStringLiteral("no {\"error\": text}");
        if (!a.errorText().contains(arg, Qt::CaseInsensitive))
            return QStringLiteral("error text lacks \"%1\"").arg(arg);
        if (kind == QLatin1String("invalid") && a.json.value(QLatin1String("valid")) != QJsonValue(false))
            return QStringLiteral("no \"valid\": false");
        return {};
    }
    if (kind == QLatin1String("user") || kind == QLatin1String("nameless")) {
        if (!a.isObject)
            return QStringLiteral("not an object");
        if (const QString p = userProblem(a.json); !p.isEmpty())
            return p;
        if (kind == QLatin1String("nameless"))
            return a.json.contains(QLatin1String("userName")) ? QStringLiteral("userName present") : QString();
        if (a.json.value(QLatin1String("userName")).toString() != arg)
            return QStringLiteral("userName is not %1").arg(arg);
        return {};
    }
    if (kind == QLatin1String("users") || kind == QLatin1String("passkeys")) {
        if (!a.isArray)
            return QStringLiteral("not an array");
        if (a.array.size() != arg.toInt())
            return QStringLiteral("%1 elements, not %2").arg(a.array.size()).arg(arg);
        for (const QJsonValue &v : a.array) {
            const QString p = kind == QLatin1String("users") ? userProblem(v.toObject()) : passkeyProblem(v.toObject());
            if (!p.isEmpty())
                return p;
        }
        return {};
    }
    if (kind == QLatin1String("passkey")) {
        if (!a.isObject)
            return QStringLiteral("not an object");
        if (const QString p = passkeyProblem(a.json); !p.isEmpty())
            return p;
        if (!arg.isEmpty()) { // label=VALUE or label=null
            const QJsonValue label = a.json.value(QLatin1String("label"));
            if (arg == QLatin1String("label=null") ? !label.isNull() : label.toString() != arg.mid(6))
                return QStringLiteral("label is %1").arg(label.isNull() ? QStringLiteral("null") : label.toString());
        }
        return {};
    }
    if (kind == QLatin1String("success"))
        return a.json == QJsonObject{{QStringLiteral("success"), true}} ? QString() : QStringLiteral("not {\"success\": true}");
    if (kind == QLatin1String("valid")) {
        const QJsonObject &o = a.json;
        if (o.value(QLatin1String("valid")) != QJsonValue(true))
            return QStringLiteral("not valid: true");
        if (o.value(QLatin1String("userId")).toString() != f.adaId)
            return QStringLiteral("userId is not ada's");
        if (o.value(QLatin1String("projectId")).toString() != f.emu.config().projectId)
            return QStringLiteral("wrong projectId");
        if (!o.contains(QLatin1String("expiresAt")) || !o.value(QLatin1String("payload")).isObject())
            return QStringLiteral("no expiresAt or payload object");
        return {};
    }
    if (kind == QLatin1String("options")) {
        const QJsonObject o = a.json.value(QLatin1String("options")).toObject();
        for (const char *key : {"rp", "user", "challenge", "pubKeyCredParams", "timeout", "excludeCredentials", "authenticatorSelection", "attestation"}) {
            if (!o.contains(QLatin1String(key)))
                return QStringLiteral("options without %1").arg(QLatin1String(key));
        }
        if (!a.json.value(QLatin1String("authenticationToken")).isString())
            return QStringLiteral("no authenticationToken string");
        return {};
    }
    if (kind == QLatin1String("openapi"))
        return a.json.contains(QLatin1String("openapi")) ? QString() : QStringLiteral("no openapi key");
    return QStringLiteral("unknown shape %1 in the test table").arg(shape);
}

QByteArray base64UrlDecode(const QString &text)
{
    const auto r = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    return r ? *r : QByteArray();
}

QJsonObject obj(std::initializer_list<QPair<QString, QJsonValue>> pairs)
{
    QJsonObject o;
    for (const auto &p : pairs)
        o.insert(p.first, p.second);
    return o;
}

} // namespace

class tst_Emulator : public QObject
{
    Q_OBJECT
private slots:
    void endpointsAnswerAsTheContractSays_data();
    void endpointsAnswerAsTheContractSays();
    void accessTokenReadsFormEncoding_data();
    void accessTokenReadsFormEncoding();
    void serverCallsNeedTokenAndProject_data();
    void serverCallsNeedTokenAndProject();
    void accessTokensExpire();
    void revokedAccessTokensGet401();
    void authenticationTokensExpire();
    void jwtTokensAreSignedWithTheClientSecret();
    void opaqueTokensAreRecordsOnly();
    void verifyWritesExpiresAtAsConfigured_data();
    void verifyWritesExpiresAtAsConfigured();
    void tokensOfAnotherProjectAreRefused_data();
    void tokensOfAnotherProjectAreRefused();
    void singleUseTokensCannotBeVerifiedTwice_data();
    void singleUseTokensCannotBeVerifiedTwice();
    void deletingAUserCascades();
    void beginRegistrationGivesWebAuthnOptions();
    void bulkCreatesTenThousandUsersQuickly();
    void signUpAndSignIn_data();
    void signUpAndSignIn();
    void signInUpdatesThePasskey();
    void demoSeedIsRealisticAndIdempotent();
    void emulatorEndpointsRouteAndValidate_data();
    void emulatorEndpointsRouteAndValidate();
    void infoNeverShowsTheSecret();
    void resetEmptiesEverything();
    void badInputGetsJsonErrors_data();
    void badInputGetsJsonErrors();
    void unknownPathsAndMethodsAnswerJson_data();
    void unknownPathsAndMethodsAnswerJson();
    void faultsSpoilAnswers_data();
    void faultsSpoilAnswers();
    void faultsHonourPrefixAndCount();
    void faultsNeverTouchEmulatorEndpoints();
    void latencyDoesNotBlockOtherRequests();
    void stallDoesNotBlockOtherRequests();
    void requestServedReportsEachAnswer();
    void loopbackPeersAreRecognised_data();
    void loopbackPeersAreRecognised();
};

void tst_Emulator::endpointsAnswerAsTheContractSays_data()
{
    // Placeholders: {ada} {bare} {nameless} user IDs, {cred} ada's passkey, {token} ada's
    // authentication token, {forged} the same token with a changed signature.
    // Shapes: user:NAME, nameless, users:N, passkey[:label=X|label=null], passkeys:N, success,
    // valid, invalid:TEXT, error:TEXT, options, openapi.
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("shape");

    auto row = [](const char *name, const char *method, const char *path, const char *body, int status, const char *shape) {
        QTest::newRow(name) << QByteArray(method) << QString::fromUtf8(path) << QString::fromUtf8(body) << status << QString::fromUtf8(shape);
    };
    row("get user", "GET", "/user/{ada}", "", 200, "user:ada@example.com");
    row("get nameless user", "GET", "/user/{nameless}", "", 200, "nameless");
    row("get unknown user", "GET", "/user/usr_missing", "", 404, "error:not found");
    row("find by name", "GET", "/user?userName=ada%40example.com", "", 200, "user:ada@example.com");
    row("find unknown name", "GET", "/user?userName=nobody%40example.com", "", 404, "error:not found");
    row("find without name", "GET", "/user", "", 400, "error:userName");
    row("find empty name", "GET", "/user?userName=", "", 400, "error:userName");
    row("create", "POST", "/user", R"({"userName":"new@example.com"})", 200, "user:new@example.com");
    row("create nameless", "POST", "/user", "{}", 200, "nameless");
    row("create null name", "POST", "/user", R"({"userName":null})", 200, "nameless");
    row("create taken name", "POST", "/user", R"({"userName":"ada@example.com"})", 400, "error:already exists");
    row("create number name", "POST", "/user", R"({"userName":42})", 400, "error:userName");
    row("rename by id", "PATCH", "/user", R"({"userIdentifier":{"userId":"{ada}"},"updates":{"userName":"ada2@example.com"}})", 200, "user:ada2@example.com");
    row("rename by name", "PATCH", "/user", R"({"userIdentifier":{"userName":"bare@example.com"},"updates":{"userName":"b2@example.com"}})", 200, "user:b2@example.com");
    row("clear name", "PATCH", "/user", R"({"userIdentifier":{"userId":"{ada}"},"updates":{"userName":null}})", 200, "nameless");
    row("rename to taken", "PATCH", "/user", R"({"userIdentifier":{"userId":"{ada}"},"updates":{"userName":"bare@example.com"}})", 400, "error:already exists");
    row("rename to own name", "PATCH", "/user", R"({"userIdentifier":{"userId":"{ada}"},"updates":{"userName":"ada@example.com"}})", 200, "user:ada@example.com");
    row("rename unknown", "PATCH", "/user", R"({"userIdentifier":{"userId":"usr_missing"},"updates":{"userName":"x"}})", 400, "error:not found");
    row("rename without updates", "PATCH", "/user", R"({"userIdentifier":{"userId":"{ada}"}})", 400, "error:updates");
    row("rename bad identifier", "PATCH", "/user", R"({"userIdentifier":"{ada}","updates":{"userName":"x"}})", 400, "error:userIdentifier");
    row("delete by id", "DELETE", "/user", R"({"userIdentifier":{"userId":"{ada}"}})", 200, "success");
    row("delete by name", "DELETE", "/user", R"({"userIdentifier":{"userName":"bare@example.com"}})", 200, "success");
    row("delete unknown", "DELETE", "/user", R"({"userIdentifier":{"userId":"usr_missing"}})", 400, "error:not found");
    row("delete without body", "DELETE", "/user", "", 400, "error:JSON");
    row("delete empty identifier", "DELETE", "/user", R"({"userIdentifier":{}})", 400, "error:userId or userName");
    row("bulk", "POST", "/user/bulk", R"({"users":[{"userName":"b1@example.com"},{"userName":"b2@example.com"},{}]})", 200, "users:3");
    row("bulk empty", "POST", "/user/bulk", R"({"users":[]})", 200, "users:0");
    row("bulk duplicate in batch", "POST", "/user/bulk", R"({"users":[{"userName":"d@example.com"},{"userName":"d@example.com"}]})", 400, "error:users[1]");
    row("bulk existing name", "POST", "/user/bulk", R"({"users":[{"userName":"ada@example.com"}]})", 400, "error:users[0]");
    row("bulk not an array", "POST", "/user/bulk", R"({"users":{"userName":"x"}})", 400, "error:users");
    row("bulk element not object", "POST", "/user/bulk", R"({"users":["x"]})", 400, "error:users[0]");
    row("bulk bad name type", "POST", "/user/bulk", R"({"users":[{"userName":"ok@example.com"},{"userName":true}]})", 400, "error:users[1]");
    row("list passkeys", "GET", "/user/{ada}/credentials", "", 200, "passkeys:1");
    row("list no passkeys", "GET", "/user/{bare}/credentials", "", 200, "passkeys:0");
    row("list unknown user", "GET", "/user/usr_missing/credentials", "", 404, "error:not found");
    row("get passkey", "GET", "/credential/{cred}", "", 200, "passkey:label=Ada's phone");
    row("get unknown passkey", "GET", "/credential/cred_missing", "", 404, "error:not found");
    row("delete passkey", "DELETE", "/credential/{cred}", "", 200, "success");
    row("delete unknown passkey", "DELETE", "/credential/cred_missing", "", 404, "error:not found");
    row("label", "PATCH", "/credential/{cred}/label", R"({"label":"Work phone"})", 200, "passkey:label=Work phone");
    row("clear label", "PATCH", "/credential/{cred}/label", R"({"label":null})", 200, "passkey:label=null");
    row("label missing", "PATCH", "/credential/{cred}/label", "{}", 400, "error:label");
    row("label number", "PATCH", "/credential/{cred}/label", R"({"label":7})", 400, "error:label");
    row("label unknown passkey", "PATCH", "/credential/cred_missing/label", R"({"label":"x"})", 404, "error:not found");
    row("begin", "POST", "/user/credential/begin", R"({"userIdentifier":{"userId":"{ada}"}})", 200, "options");
    row("begin by name", "POST", "/user/credential/begin", R"({"userIdentifier":{"userName":"bare@example.com"}})", 200, "options");
    row("begin unknown", "POST", "/user/credential/begin", R"({"userIdentifier":{"userId":"usr_missing"}})", 400, "error:not found");
    row("begin no identifier", "POST", "/user/credential/begin", "{}", 400, "error:userIdentifier");
    row("verify", "POST", "/authentication-token/verify", R"({"token":"{token}"})", 200, "valid");
    row("verify garbage", "POST", "/authentication-token/verify", R"({"token":"garbage"})", 401, "invalid:");
    row("verify forged", "POST", "/authentication-token/verify", R"({"token":"{forged}"})", 401, "invalid:signature");
    row("verify number", "POST", "/authentication-token/verify", R"({"token":42})", 400, "error:token");
    row("verify no token", "POST", "/authentication-token/verify", "{}", 400, "error:token");
    row("under /server", "GET", "/server/user/{ada}", "", 200, "user:ada@example.com");
    row("under /server/ verify", "POST", "/server/authentication-token/verify", R"({"token":"{token}"})", 200, "valid");
    row("trailing slash", "GET", "/user/{ada}/", "", 200, "user:ada@example.com");
    row("openapi", "GET", "/openapi", "", 200, "openapi");
}

void tst_Emulator::endpointsAnswerAsTheContractSays()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, shape);
    Fixture f;
    QVERIFY(f.ready());
    const Answer a = send(method, f.session->url(f.expand(path)), f.expand(body).toUtf8(), f.session->headers());
    QVERIFY2(a.status == status, qPrintable(describe(a)));
    const QString problem = shapeProblem(a, shape, f);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + QStringLiteral(" in ") + describe(a)));
    QVERIFY(a.header("content-type").startsWith("application/json"));
    QVERIFY2(isFreshHttpDate(a.header("date")), a.header("date").constData());
}

void tst_Emulator::accessTokenReadsFormEncoding_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    const QByteArray form = "application/x-www-form-urlencoded";
    QTest::newRow("right") << "demo-secret" << QByteArray("client_id=demo-project&client_secret=demo-secret") << form << 200 << QString();
    QTest::newRow("fields swapped") << "demo-secret" << QByteArray("client_secret=demo-secret&client_id=demo-project") << form << 200 << QString();
    QTest::newRow("percent-encoded") << "s3cr+t &=x" << QByteArray("client_id=demo-project&client_secret=s3cr%2Bt%20%26%3Dx") << form << 200 << QString();
    QTest::newRow("plus is a space") << "two words" << QByteArray("client_id=demo-project&client_secret=two+words") << form << 200 << QString();
    QTest::newRow("plus not decoded as plus") << "a+b" << QByteArray("client_id=demo-project&client_secret=a+b") << form << 400 << "Invalid client credentials";
    QTest::newRow("no content type") << "demo-secret" << QByteArray("client_id=demo-project&client_secret=demo-secret") << QByteArray() << 200 << QString();
    QTest::newRow("wrong secret") << "demo-secret" << QByteArray("client_id=demo-project&client_secret=nope") << form << 400 << "Invalid client credentials";
    QTest::newRow("wrong id") << "demo-secret" << QByteArray("client_id=other&client_secret=demo-secret") << form << 400 << "Invalid client credentials";
    QTest::newRow("no secret") << "demo-secret" << QByteArray("client_id=demo-project") << form << 400 << "client_secret is required";
    QTest::newRow("empty secret") << "demo-secret" << QByteArray("client_id=demo-project&client_secret=") << form << 400 << "client_secret is required";
    QTest::newRow("no id") << "demo-secret" << QByteArray("client_secret=demo-secret") << form << 400 << "client_id is required";
    QTest::newRow("empty body") << "demo-secret" << QByteArray() << form << 400 << "client_id is required";
    QTest::newRow("json instead") << "demo-secret" << QByteArray(R"({"client_id":"demo-project"})") << QByteArray("application/json") << 400 << "form-encoded";
    QTest::newRow("bad percent") << "demo-secret" << QByteArray("client_id=%zz&client_secret=%") << form << 400 << "Invalid client credentials";
}

void tst_Emulator::accessTokenReadsFormEncoding()
{
    QFETCH(QString, secret);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QString, error);
    EmulatorConfig config;
    config.clientSecret = secret;
    config.accessTokenTtl = 1800s;
    Emulator emu(config);
    QVERIFY(emu.listen());
    Headers headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    const Answer a = send("POST", at(emu.baseUrl(), QStringLiteral("/access-token")), body, headers);
    QVERIFY2(a.status == status, qPrintable(describe(a)));
    QVERIFY(a.header("content-type").startsWith("application/json"));
    if (status == 200) {
        QVERIFY(a.json.value(QLatin1String("access_token")).toString().size() >= 32);
        QCOMPARE(a.json.value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
        QCOMPARE(a.json.value(QLatin1String("expires_in")).toInt(), 1800);
        // The token works.
        const Answer use = send("GET", at(emu.baseUrl(), QStringLiteral("/user?userName=x")), {},
                                {{"Authorization", "Bearer " + a.json.value(QLatin1String("access_token")).toString().toUtf8()}, {"x-project-id", "demo-project"}});
        QCOMPARE(use.status, 404);
    } else {
        QVERIFY2(a.errorText().contains(error), a.body.constData());
        QVERIFY(!a.body.contains(secret.toUtf8())); // never echoes the secret
    }
}

void tst_Emulator::serverCallsNeedTokenAndProject_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QByteArray>("project");
    QTest::addColumn<QString>("error");
    QTest::newRow("no token") << QByteArray() << QByteArray("demo-project") << "Missing Authorization";
    QTest::newRow("basic scheme") << QByteArray("Basic abc") << QByteArray("demo-project") << "Bearer";
    QTest::newRow("bearer without token") << QByteArray("Bearer ") << QByteArray("demo-project") << "no access token";
    QTest::newRow("lower-case scheme") << QByteArray("bearer nope") << QByteArray("demo-project") << "Invalid access token";
    QTest::newRow("unknown token") << QByteArray("Bearer nope") << QByteArray("demo-project") << "Invalid access token";
    QTest::newRow("token with junk") << QByteArray("VALIDx") << QByteArray("demo-project") << "Invalid access token";
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
    QVERIFY(!s.token().isEmpty());
    authorization.replace("VALID", "Bearer " + s.token());
    Headers headers{{"Content-Type", "application/json"}};
    if (!authorization.isEmpty())
        headers.append({"Authorization", authorization});
    if (!project.isEmpty())
        headers.append({"x-project-id", project});
    // Every protected route refuses the same way, before looking at the body.
    for (const auto &[method, path] : QList<QPair<QByteArray, QString>>{{"POST", QStringLiteral("/authentication-token/verify")},
                                                                        {"GET", QStringLiteral("/user/usr_x")},
                                                                        {"POST", QStringLiteral("/user/bulk")},
                                                                        {"DELETE", QStringLiteral("/credential/cred_x")}}) {
        const Answer a = send(method, s.url(path), method == "POST" ? QByteArray("{}") : QByteArray(), headers);
        QVERIFY2(a.status == 401, qPrintable(path + QLatin1Char(' ') + describe(a)));
        QVERIFY2(a.errorText().contains(error), a.body.constData());
    }
    // The same call with the right headers gets through.
    QCOMPARE(s.call("GET", QStringLiteral("/user/usr_x")).status, 404);
}

void tst_Emulator::accessTokensExpire()
{
    EmulatorConfig config;
    config.accessTokenTtl = 1s;
    Emulator emu(config);
    QVERIFY(emu.listen());
    Session s(emu);
    QCOMPARE(s.call("GET", QStringLiteral("/user/usr_x")).status, 404);
    QTest::qWait(1100);
    const Answer a = s.call("GET", QStringLiteral("/user/usr_x"));
    QCOMPARE(a.status, 401);
    QVERIFY2(a.errorText().contains(QLatin1String("expired")), a.body.constData());
    QCOMPARE(Session(emu).call("GET", QStringLiteral("/user/usr_x")).status, 404); // a new token works
}

void tst_Emulator::revokedAccessTokensGet401()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    QCOMPARE(s.call("GET", QStringLiteral("/user/usr_x")).status, 404);
    const Answer revoke = emulatorCall(emu.baseUrl(), "POST", QStringLiteral("/emulator/revoke-access-tokens"));
    QCOMPARE(revoke.status, 200);
    QCOMPARE(revoke.json.value(QLatin1String("success")).toBool(), true);
    const Answer a = s.call("GET", QStringLiteral("/user/usr_x"));
    QCOMPARE(a.status, 401);
    QVERIFY(a.errorText().contains(QLatin1String("Invalid access token")));
    QCOMPARE(Session(emu).call("GET", QStringLiteral("/user/usr_x")).status, 404);
}

void tst_Emulator::authenticationTokensExpire()
{
    EmulatorConfig config;
    config.authTokenTtl = 1s;
    Fixture f(config);
    QVERIFY(f.ready());
    // A sign-in can ask for a longer life than the configured one.
    const Answer in = emulatorCall(f.emu.baseUrl(), "POST", QStringLiteral("/emulator/sign-in"),
                                   obj({{QStringLiteral("userId"), f.adaId}, {QStringLiteral("ttlSeconds"), 60}}));
    QCOMPARE(in.status, 200);
    const QString longLived = in.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QCOMPARE(f.session->verify(f.adaToken).status, 200);
    QTest::qWait(1100);
    const Answer expired = f.session->verify(f.adaToken);
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.json.value(QLatin1String("valid")), QJsonValue(false));
    QCOMPARE(expired.errorText(), QStringLiteral("Token expired"));
    QCOMPARE(f.session->verify(longLived).status, 200);
}

void tst_Emulator::jwtTokensAreSignedWithTheClientSecret()
{
    EmulatorConfig config;
    config.clientSecret = QStringLiteral("jwt-test-secret");
    config.authTokenTtl = 120s;
    Fixture f(config);
    QVERIFY(f.ready());
    const QStringList parts = f.adaToken.split(QLatin1Char('.'));
    QCOMPARE(parts.size(), 3);
    const QJsonObject header = QJsonDocument::fromJson(base64UrlDecode(parts[0])).object();
    QCOMPARE(header.value(QLatin1String("alg")).toString(), QStringLiteral("HS256"));
    const QJsonObject claims = QJsonDocument::fromJson(base64UrlDecode(parts[1])).object();
    QCOMPARE(claims.value(QLatin1String("iss")).toString(), QStringLiteral("plainkey-emulator"));
    QCOMPARE(claims.value(QLatin1String("sub")).toString(), f.adaId);
    QCOMPARE(claims.value(QLatin1String("projectId")).toString(), QStringLiteral("demo-project"));
    QCOMPARE(claims.value(QLatin1String("credentialId")).toString(), f.adaCred);
    QVERIFY(!claims.value(QLatin1String("jti")).toString().isEmpty());
    const qint64 iat = qint64(claims.value(QLatin1String("iat")).toDouble());
    QCOMPARE(qint64(claims.value(QLatin1String("exp")).toDouble()) - iat, 120);
    QVERIFY(qAbs(iat - QDateTime::currentSecsSinceEpoch()) < 5);
    // HMAC-SHA256 of "header.payload" with the client secret, computed here independently.
    const QByteArray mac = QMessageAuthenticationCode::hash((parts[0] + QLatin1Char('.') + parts[1]).toLatin1(), "jwt-test-secret", QCryptographicHash::Sha256);
    QCOMPARE(base64UrlDecode(parts[2]), mac);
    // The payload of the verify answer is the claims.
    const Answer v = f.session->verify(f.adaToken);
    QCOMPARE(v.status, 200);
    QCOMPARE(v.json.value(QLatin1String("payload")).toObject(), claims);

    // Same claims re-signed with another key: refused, though it parses.
    const QByteArray otherMac = QMessageAuthenticationCode::hash((parts[0] + QLatin1Char('.') + parts[1]).toLatin1(), "guess", QCryptographicHash::Sha256);
    const QString resigned = parts[0] + QLatin1Char('.') + parts[1] + QLatin1Char('.')
            + QString::fromLatin1(otherMac.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const Answer forged = f.session->verify(resigned);
    QCOMPARE(forged.status, 401);
    QVERIFY(forged.errorText().contains(QLatin1String("signature")));
    // A correctly signed token that the emulator never issued (unknown jti): the record decides.
    QJsonObject invented = claims;
    invented.insert(QStringLiteral("jti"), QStringLiteral("never-issued"));
    const QString p1 = QString::fromLatin1(QJsonDocument(invented).toJson(QJsonDocument::Compact).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const QByteArray mac2 = QMessageAuthenticationCode::hash((parts[0] + QLatin1Char('.') + p1).toLatin1(), "jwt-test-secret", QCryptographicHash::Sha256);
    const Answer unknown = f.session->verify(parts[0] + QLatin1Char('.') + p1 + QLatin1Char('.')
                                             + QString::fromLatin1(mac2.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
    QCOMPARE(unknown.status, 401);
    QVERIFY(unknown.errorText().contains(QLatin1String("not issued")));
}

void tst_Emulator::opaqueTokensAreRecordsOnly()
{
    EmulatorConfig config;
    config.tokenFormat = EmulatorConfig::TokenFormat::Opaque;
    Fixture f(config);
    QVERIFY(f.ready());
    QVERIFY(!f.adaToken.contains(QLatin1Char('.')));
    QVERIFY(f.adaToken.size() >= 32);
    const Answer v = f.session->verify(f.adaToken);
    QCOMPARE(v.status, 200);
    QCOMPARE(v.json.value(QLatin1String("userId")).toString(), f.adaId);
    QCOMPARE(v.json.value(QLatin1String("payload")).toObject().value(QLatin1String("credentialId")).toString(), f.adaCred);
    const Answer wrong = f.session->verify(f.adaToken + QLatin1Char('x'));
    QCOMPARE(wrong.status, 401);
    QVERIFY(wrong.errorText().contains(QLatin1String("not issued")));
}

void tst_Emulator::verifyWritesExpiresAtAsConfigured_data()
{
    QTest::addColumn<int>("format");
    QTest::newRow("iso") << int(EmulatorConfig::ExpiresAtFormat::Iso8601);
    QTest::newRow("seconds") << int(EmulatorConfig::ExpiresAtFormat::EpochSeconds);
    QTest::newRow("millis") << int(EmulatorConfig::ExpiresAtFormat::EpochMillis);
}

void tst_Emulator::verifyWritesExpiresAtAsConfigured()
{
    QFETCH(int, format);
    EmulatorConfig config;
    config.expiresAtFormat = EmulatorConfig::ExpiresAtFormat(format);
    config.authTokenTtl = 600s;
    Fixture f(config);
    QVERIFY(f.ready());
    const Answer v = f.session->verify(f.adaToken);
    QCOMPARE(v.status, 200);
    const QJsonValue e = v.json.value(QLatin1String("expiresAt"));
    QDateTime when;
    switch (config.expiresAtFormat) {
    case EmulatorConfig::ExpiresAtFormat::Iso8601:
        QVERIFY(e.isString());
        when = QDateTime::fromString(e.toString(), Qt::ISODateWithMs);
        // Exactly what QDateTime writes for a UTC time (the emulator formats it itself).
        QCOMPARE(e.toString(), when.toUTC().toString(Qt::ISODateWithMs));
        QVERIFY(e.toString().endsWith(QLatin1Char('Z')));
        break;
    case EmulatorConfig::ExpiresAtFormat::EpochSeconds:
        QVERIFY(e.isDouble());
        QVERIFY(e.toDouble() < 1e11);
        when = QDateTime::fromSecsSinceEpoch(qint64(e.toDouble()), Qt::UTC);
        break;
    case EmulatorConfig::ExpiresAtFormat::EpochMillis:
        QVERIFY(e.isDouble());
        QVERIFY(e.toDouble() > 1e12);
        when = QDateTime::fromMSecsSinceEpoch(qint64(e.toDouble()), Qt::UTC);
        break;
    }
    QVERIFY(when.isValid());
    const qint64 inSeconds = QDateTime::currentDateTimeUtc().secsTo(when);
    QVERIFY2(inSeconds > 590 && inSeconds <= 600, qPrintable(QString::number(inSeconds)));
}

void tst_Emulator::tokensOfAnotherProjectAreRefused_data()
{
    QTest::addColumn<QString>("otherProject");
    QTest::addColumn<QString>("otherSecret");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("error");
    const int jwt = int(EmulatorConfig::TokenFormat::Jwt);
    const int opaque = int(EmulatorConfig::TokenFormat::Opaque);
    QTest::newRow("jwt, other project") << "other-project" << "other-secret" << jwt << "another project";
    QTest::newRow("jwt, same project ID, other secret") << "demo-project" << "other-secret" << jwt << "signature";
    QTest::newRow("jwt, same project and secret, other store") << "demo-project" << "demo-secret" << jwt << "not issued";
    QTest::newRow("opaque, other project") << "other-project" << "other-secret" << opaque << "not issued";
}

void tst_Emulator::tokensOfAnotherProjectAreRefused()
{
    QFETCH(QString, otherProject);
    QFETCH(QString, otherSecret);
    QFETCH(int, format);
    QFETCH(QString, error);
    EmulatorConfig otherConfig;
    otherConfig.projectId = otherProject;
    otherConfig.clientSecret = otherSecret;
    otherConfig.tokenFormat = EmulatorConfig::TokenFormat(format);
    EmulatorConfig config;
    config.tokenFormat = otherConfig.tokenFormat;
    Fixture other(otherConfig);
    QVERIFY(other.ready());
    Fixture f(config);
    QVERIFY(f.ready());
    QCOMPARE(other.session->verify(other.adaToken).status, 200); // fine where it was issued
    const Answer a = f.session->verify(other.adaToken);
    QCOMPARE(a.status, 401);
    QCOMPARE(a.json.value(QLatin1String("valid")), QJsonValue(false));
    QVERIFY2(a.errorText().contains(error), a.body.constData());
}

void tst_Emulator::singleUseTokensCannotBeVerifiedTwice_data()
{
    QTest::addColumn<bool>("singleUse");
    QTest::newRow("single use") << true;
    QTest::newRow("reusable") << false;
}

void tst_Emulator::singleUseTokensCannotBeVerifiedTwice()
{
    QFETCH(bool, singleUse);
    EmulatorConfig config;
    config.singleUseTokens = singleUse;
    Fixture f(config);
    QVERIFY(f.ready());
    QCOMPARE(f.session->verify(f.adaToken).status, 200);
    const Answer again = f.session->verify(f.adaToken);
    if (singleUse) {
        QCOMPARE(again.status, 401);
        QVERIFY(again.errorText().contains(QLatin1String("already been used")));
    } else {
        QCOMPARE(again.status, 200);
    }
}

void tst_Emulator::deletingAUserCascades()
{
    Fixture f;
    QVERIFY(f.ready());
    const QString token2 = emulatorCall(f.emu.baseUrl(), "POST", QStringLiteral("/emulator/sign-in"), obj({{QStringLiteral("userId"), f.adaId}}))
                                   .json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QVERIFY(!token2.isEmpty());
    QCOMPARE(f.session->call("DELETE", QStringLiteral("/user"), obj({{QStringLiteral("userIdentifier"), obj({{QStringLiteral("userId"), f.adaId}})}})).status, 200);
    QCOMPARE(f.session->call("GET", QStringLiteral("/user/") + f.adaId).status, 404);
    QCOMPARE(f.session->call("GET", QStringLiteral("/credential/") + f.adaCred).status, 404);
    QCOMPARE(f.session->call("GET", QStringLiteral("/user/%1/credentials").arg(f.adaId)).status, 404);
    for (const QString &token : {f.adaToken, token2}) {
        const Answer v = f.session->verify(token);
        QCOMPARE(v.status, 401);
        QVERIFY2(v.errorText().contains(QLatin1String("no longer exists")), v.body.constData());
    }
    // The name is free again, and the new ada is someone else.
    const Answer again = f.session->call("POST", QStringLiteral("/user"), obj({{QStringLiteral("userName"), QStringLiteral("ada@example.com")}}));
    QCOMPARE(again.status, 200);
    QVERIFY(again.json.value(QLatin1String("id")).toString() != f.adaId);
    QCOMPARE(f.session->call("GET", QStringLiteral("/user/%1/credentials").arg(again.json.value(QLatin1String("id")).toString())).array.size(), 0);
    // Others are untouched.
    QCOMPARE(f.session->call("GET", QStringLiteral("/user/") + f.bareId).status, 200);
    // Deleting a passkey alone keeps the user and their name.
    const Answer up = emulatorCall(f.emu.baseUrl(), "POST", QStringLiteral("/emulator/sign-up"), obj({{QStringLiteral("userName"), QStringLiteral("keep@example.com")}}));
    const QString cred = up.json.value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString();
    QCOMPARE(f.session->call("DELETE", QStringLiteral("/credential/") + cred).status, 200);
    QCOMPARE(f.session->call("GET", QStringLiteral("/user/") + up.json.value(QLatin1String("userId")).toString()).status, 200);
    QCOMPARE(f.session->call("DELETE", QStringLiteral("/credential/") + cred).status, 404);
}

void tst_Emulator::beginRegistrationGivesWebAuthnOptions()
{
    Fixture f;
    QVERIFY(f.ready());
    const Answer a = f.session->call("POST", QStringLiteral("/user/credential/begin"), obj({{QStringLiteral("userIdentifier"), obj({{QStringLiteral("userName"), QStringLiteral("ada@example.com")}})}}));
    QCOMPARE(a.status, 200);
    const QJsonObject o = a.json.value(QLatin1String("options")).toObject();
    QVERIFY(!o.value(QLatin1String("rp")).toObject().value(QLatin1String("name")).toString().isEmpty());
    QVERIFY(!o.value(QLatin1String("rp")).toObject().value(QLatin1String("id")).toString().isEmpty());
    const QJsonObject user = o.value(QLatin1String("user")).toObject();
    QCOMPARE(base64UrlDecode(user.value(QLatin1String("id")).toString()), f.adaId.toUtf8());
    QCOMPARE(user.value(QLatin1String("name")).toString(), QStringLiteral("ada@example.com"));
    QCOMPARE(user.value(QLatin1String("displayName")).toString(), QStringLiteral("ada@example.com"));
    QVERIFY(base64UrlDecode(o.value(QLatin1String("challenge")).toString()).size() >= 16);
    QList<int> algs;
    for (const QJsonValue &p : o.value(QLatin1String("pubKeyCredParams")).toArray()) {
        QCOMPARE(p.toObject().value(QLatin1String("type")).toString(), QStringLiteral("public-key"));
        algs.append(p.toObject().value(QLatin1String("alg")).toInt());
    }
    QCOMPARE(algs, (QList<int>{-7, -257}));
    QVERIFY(o.value(QLatin1String("timeout")).toInt() > 0);
    QCOMPARE(o.value(QLatin1String("attestation")).toString(), QStringLiteral("none"));
    QVERIFY(o.value(QLatin1String("authenticatorSelection")).isObject());
    // Excludes the passkey ada has, by its WebAuthn ID.
    const QJsonArray exclude = o.value(QLatin1String("excludeCredentials")).toArray();
    QCOMPARE(exclude.size(), 1);
    const QJsonObject passkey = f.session->call("GET", QStringLiteral("/credential/") + f.adaCred).json;
    QCOMPARE(exclude.first().toObject().value(QLatin1String("id")).toString(), passkey.value(QLatin1String("webAuthnId")).toString());
    QCOMPARE(exclude.first().toObject().value(QLatin1String("type")).toString(), QStringLiteral("public-key"));
    // Two calls, two challenges.
    const Answer b = f.session->call("POST", QStringLiteral("/user/credential/begin"), obj({{QStringLiteral("userIdentifier"), obj({{QStringLiteral("userId"), f.adaId}})}}));
    QVERIFY(b.json.value(QLatin1String("options")).toObject().value(QLatin1String("challenge")) != o.value(QLatin1String("challenge")));
    // The token it gives is short-lived and verifies as ada's.
    const Answer v = f.session->verify(a.json.value(QLatin1String("authenticationToken")).toString());
    QCOMPARE(v.status, 200);
    QCOMPARE(v.json.value(QLatin1String("userId")).toString(), f.adaId);
    // A user with no passkey excludes none; a nameless user is named by ID.
    const Answer n = f.session->call("POST", QStringLiteral("/user/credential/begin"), obj({{QStringLiteral("userIdentifier"), obj({{QStringLiteral("userId"), f.namelessId}})}}));
    QCOMPARE(n.status, 200);
    QCOMPARE(n.json.value(QLatin1String("options")).toObject().value(QLatin1String("excludeCredentials")).toArray().size(), 0);
    QVERIFY(!n.json.value(QLatin1String("options")).toObject().value(QLatin1String("user")).toObject().value(QLatin1String("name")).toString().isEmpty());
}

void tst_Emulator::bulkCreatesTenThousandUsersQuickly()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    QJsonArray users;
    for (int i = 0; i < 10000; ++i)
        users.append(QJsonObject{{QStringLiteral("userName"), QStringLiteral("bulk%1@example.com").arg(i)}});
    QElapsedTimer t;
    t.start();
    Answer r = s.call("POST", QStringLiteral("/user/bulk"), QJsonObject{{QStringLiteral("users"), users}});
    const qint64 ms = t.elapsed();
    qInfo("bulk-created 10,000 users over HTTP in %lld ms", ms);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.array.size(), 10000);
    QCOMPARE(r.array.at(9999).toObject().value(QLatin1String("userName")).toString(), QStringLiteral("bulk9999@example.com"));
    QCOMPARE(emu.userCount(), 10000);
    // Generous for a sanitizer build on a busy machine; about 150 ms in a normal one.
    QVERIFY2(ms < 10000, qPrintable(QString::number(ms)));
    // One duplicate refuses the whole batch and names the row.
    r = s.call("POST", QStringLiteral("/user/bulk"), QJsonObject{{QStringLiteral("users"), QJsonArray{QJsonObject{{QStringLiteral("userName"), QStringLiteral("new@example.com")}},
                                                                                                     QJsonObject{{QStringLiteral("userName"), QStringLiteral("bulk7@example.com")}}}}});
    QCOMPARE(r.status, 400);
    QVERIFY(r.errorText().contains(QLatin1String("users[1]")));
    QCOMPARE(emu.userCount(), 10000);
    QCOMPARE(s.call("GET", QStringLiteral("/user?userName=new%40example.com")).status, 404);
    // More than 10,000 at once is refused.
    users.append(QJsonObject{{QStringLiteral("userName"), QStringLiteral("one-too-many@example.com")}});
    r = s.call("POST", QStringLiteral("/user/bulk"), QJsonObject{{QStringLiteral("users"), users}});
    QCOMPARE(r.status, 400);
}

void tst_Emulator::signUpAndSignIn_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("sign up") << "/emulator/sign-up" << R"({"userName":"new@example.com","label":"Laptop"})" << 200 << QString();
    QTest::newRow("sign up nameless") << "/emulator/sign-up" << "{}" << 200 << QString();
    QTest::newRow("sign up no body") << "/emulator/sign-up" << "" << 200 << QString();
    QTest::newRow("sign up taken") << "/emulator/sign-up" << R"({"userName":"ada@example.com"})" << 400 << "already exists";
    QTest::newRow("sign up bad label") << "/emulator/sign-up" << R"({"label":3})" << 400 << "label";
    QTest::newRow("sign up bad JSON") << "/emulator/sign-up" << "{" << 400 << "JSON";
    QTest::newRow("sign in by name") << "/emulator/sign-in" << R"({"userName":"ada@example.com"})" << 200 << QString();
    QTest::newRow("sign in by id") << "/emulator/sign-in" << R"({"userId":"{ada}","ttlSeconds":30})" << 200 << QString();
    QTest::newRow("sign in no passkey") << "/emulator/sign-in" << R"({"userName":"bare@example.com"})" << 400 << "no passkey";
    QTest::newRow("sign in unknown") << "/emulator/sign-in" << R"({"userId":"usr_missing"})" << 404 << "not found";
    QTest::newRow("sign in nobody named") << "/emulator/sign-in" << "{}" << 400 << "userId or userName";
    QTest::newRow("sign in bad ttl") << "/emulator/sign-in" << R"({"userName":"ada@example.com","ttlSeconds":0})" << 400 << "ttlSeconds";
    QTest::newRow("sign in ttl text") << "/emulator/sign-in" << R"({"userName":"ada@example.com","ttlSeconds":"60"})" << 400 << "ttlSeconds";
    QTest::newRow("under /server") << "/server/emulator/sign-in" << R"({"userName":"ada@example.com"})" << 200 << QString();
}

void tst_Emulator::signUpAndSignIn()
{
    QFETCH(QString, path);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    Fixture f;
    QVERIFY(f.ready());
    const Answer a = send("POST", at(f.emu.baseUrl(), path), f.expand(body).toUtf8(), {{"Content-Type", "application/json"}});
    QVERIFY2(a.status == status, qPrintable(describe(a)));
    if (status != 200) {
        QVERIFY2(a.errorText().contains(error), a.body.constData());
        return;
    }
    const QString userId = a.json.value(QLatin1String("userId")).toString();
    QVERIFY(!userId.isEmpty());
    const QJsonObject token = a.json.value(QLatin1String("authenticationToken")).toObject();
    // As the Browser API: expiresAt is epoch milliseconds, a number.
    QVERIFY(token.value(QLatin1String("expiresAt")).isDouble());
    QVERIFY(token.value(QLatin1String("expiresAt")).toDouble() > double(QDateTime::currentMSecsSinceEpoch()));
    const Answer v = f.session->verify(token.value(QLatin1String("token")).toString());
    QCOMPARE(v.status, 200);
    QCOMPARE(v.json.value(QLatin1String("userId")).toString(), userId);
    if (path.endsWith(QLatin1String("sign-up"))) {
        const QJsonObject passkey = a.json.value(QLatin1String("passkey")).toObject();
        QVERIFY(passkeyProblem(passkey).isEmpty());
        QCOMPARE(passkey.value(QLatin1String("userId")).toString(), userId);
        QCOMPARE(f.session->call("GET", QStringLiteral("/user/%1/credentials").arg(userId)).array.size(), 1);
        if (body.contains(QLatin1String("Laptop")))
            QCOMPARE(passkey.value(QLatin1String("label")).toString(), QStringLiteral("Laptop"));
    }
}

void tst_Emulator::signInUpdatesThePasskey()
{
    Emulator emu;
    QVERIFY(emu.listen());
    emu.seedDemoData();
    Session s(emu);
    const QString linus = s.call("GET", QStringLiteral("/user?userName=linus%40example.com")).json.value(QLatin1String("id")).toString();
    const QJsonObject before = s.call("GET", QStringLiteral("/user/%1/credentials").arg(linus)).array.first().toObject();
    QTest::qWait(5); // lastUsedAt has millisecond resolution
    const Answer a = emulatorCall(emu.baseUrl(), "POST", QStringLiteral("/emulator/sign-in"), obj({{QStringLiteral("userName"), QStringLiteral("linus@example.com")}}));
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json.value(QLatin1String("userId")).toString(), linus);
    const QJsonObject after = s.call("GET", QStringLiteral("/user/%1/credentials").arg(linus)).array.first().toObject();
    QCOMPARE(after.value(QLatin1String("counter")).toInt(), before.value(QLatin1String("counter")).toInt() + 1);
    QVERIFY(QDateTime::fromString(after.value(QLatin1String("lastUsedAt")).toString(), Qt::ISODateWithMs)
            > QDateTime::fromString(before.value(QLatin1String("lastUsedAt")).toString(), Qt::ISODateWithMs));
    QVERIFY(qAbs(QDateTime::fromString(after.value(QLatin1String("lastUsedAt")).toString(), Qt::ISODateWithMs).secsTo(QDateTime::currentDateTimeUtc())) < 5);
}

void tst_Emulator::demoSeedIsRealisticAndIdempotent()
{
    Emulator emu;
    QVERIFY(emu.listen());
    emu.seedDemoData();
    const int users = emu.userCount();
    QVERIFY(users >= 4);
    Session s(emu);
    auto passkeysOf = [&](const char *name) {
        const QString id = s.call("GET", QStringLiteral("/user?userName=%1").arg(QString::fromLatin1(QUrl::toPercentEncoding(QLatin1String(name))))).json.value(QLatin1String("id")).toString();
        return s.call("GET", QStringLiteral("/user/%1/credentials").arg(id));
    };
    const Answer ada = passkeysOf("ada@example.com");
    QCOMPARE(ada.status, 200);
    QCOMPARE(ada.array.size(), 2);
    QHash<QString, QJsonObject> byAaguid;
    for (const QJsonValue &v : ada.array) {
        QVERIFY(passkeyProblem(v.toObject()).isEmpty());
        byAaguid.insert(v.toObject().value(QLatin1String("aaguid")).toString(), v.toObject());
    }
    const QJsonObject icloud = byAaguid.value(QStringLiteral("fbfc3007-154e-4ecc-8c0b-6e020557d7bd"));
    QCOMPARE(icloud.value(QLatin1String("credentialDeviceType")).toString(), QStringLiteral("multiDevice"));
    QCOMPARE(icloud.value(QLatin1String("credentialBackedUp")).toBool(), true);
    QCOMPARE(icloud.value(QLatin1String("transports")).toArray(), (QJsonArray{QStringLiteral("internal"), QStringLiteral("hybrid")}));
    const QJsonObject yubikey = byAaguid.value(QStringLiteral("cb69481e-8ff7-4039-93ec-0a2729a154a8"));
    QCOMPARE(yubikey.value(QLatin1String("credentialDeviceType")).toString(), QStringLiteral("singleDevice"));
    QCOMPARE(yubikey.value(QLatin1String("credentialBackedUp")).toBool(true), false);
    QCOMPARE(yubikey.value(QLatin1String("transports")).toArray(), (QJsonArray{QStringLiteral("usb"), QStringLiteral("nfc")}));
    // Someone whose Google Password Manager passkey was last used months ago.
    bool googleMonthsAgo = false;
    bool windowsHello = false;
    for (const char *name : {"grace@example.com", "linus@example.com"}) {
        for (const QJsonValue &v : passkeysOf(name).array) {
            const QJsonObject p = v.toObject();
            const QDateTime last = QDateTime::fromString(p.value(QLatin1String("lastUsedAt")).toString(), Qt::ISODateWithMs);
            if (p.value(QLatin1String("aaguid")).toString() == QLatin1String("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4") && last.isValid()
                && last.daysTo(QDateTime::currentDateTimeUtc()) > 60)
                googleMonthsAgo = true;
            if (p.value(QLatin1String("aaguid")).toString() == QLatin1String("08987058-cadc-4b81-b6e1-30de50dcbe96"))
                windowsHello = true;
        }
    }
    QVERIFY(googleMonthsAgo);
    QVERIFY(windowsHello);
    // Someone with no passkey at all.
    const Answer margaret = passkeysOf("margaret@example.com");
    QCOMPARE(margaret.status, 200);
    QCOMPARE(margaret.array.size(), 0);
    // Seeding again adds nobody.
    QCOMPARE(emulatorCall(emu.baseUrl(), "POST", QStringLiteral("/emulator/seed")).status, 200);
    QCOMPARE(emu.userCount(), users);
}

void tst_Emulator::emulatorEndpointsRouteAndValidate_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << QByteArray("POST") << "/emulator/nope" << "{}" << 404 << "No route for POST /emulator/nope";
    QTest::newRow("bare /emulator") << QByteArray("GET") << "/emulator" << "" << 404 << "No route";
    QTest::newRow("unknown GET") << QByteArray("GET") << "/emulator/nope" << "" << 404 << "No route";
    QTest::newRow("sign-up by GET") << QByteArray("GET") << "/emulator/sign-up" << "" << 405 << "POST";
    QTest::newRow("info by POST") << QByteArray("POST") << "/emulator/info" << "{}" << 405 << "GET";
    QTest::newRow("faults by DELETE") << QByteArray("DELETE") << "/emulator/faults" << "" << 405 << "GET, PUT";
    QTest::newRow("faults bad mode") << QByteArray("PUT") << "/emulator/faults" << R"({"mode":"explode"})" << 400 << "mode";
    QTest::newRow("faults mode not text") << QByteArray("PUT") << "/emulator/faults" << R"({"mode":1})" << 400 << "mode";
    QTest::newRow("faults status 1xx") << QByteArray("PUT") << "/emulator/faults" << R"({"mode":"status","status":100})" << 400 << "status";
    QTest::newRow("faults status text") << QByteArray("PUT") << "/emulator/faults" << R"({"mode":"status","status":"503"})" << 400 << "status";
    QTest::newRow("faults remaining text") << QByteArray("PUT") << "/emulator/faults" << R"({"mode":"empty","remaining":"2"})" << 400 << "remaining";
    QTest::newRow("faults remaining fraction") << QByteArray("PUT") << "/emulator/faults" << R"({"mode":"empty","remaining":1.5})" << 400 << "remaining";
    QTest::newRow("faults retry negative") << QByteArray("PUT") << "/emulator/faults" << R"({"mode":"status","retryAfterSeconds":-1})" << 400 << "retryAfterSeconds";
    QTest::newRow("faults prefix number") << QByteArray("PUT") << "/emulator/faults" << R"({"pathPrefix":5})" << 400 << "pathPrefix";
    QTest::newRow("faults latency negative") << QByteArray("PUT") << "/emulator/faults" << R"({"latencyMs":-5})" << 400 << "latencyMs";
    QTest::newRow("faults not an object") << QByteArray("PUT") << "/emulator/faults" << "[]" << 400 << "object";
    QTest::newRow("faults fine") << QByteArray("PUT") << "/emulator/faults" << R"({"mode":"status","status":429,"retryAfterSeconds":7,"remaining":3,"pathPrefix":"/user","latencyMs":20,"clockSkewSeconds":-30})" << 200 << QString();
}

void tst_Emulator::emulatorEndpointsRouteAndValidate()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, text);
    Emulator emu;
    QVERIFY(emu.listen());
    QSignalSpy faultChanges(&emu, &Emulator::faultChanged);
    const Answer a = send(method, at(emu.baseUrl(), path), body.toUtf8(), {{"Content-Type", "application/json"}});
    QVERIFY2(a.status == status, qPrintable(describe(a)));
    QVERIFY(a.header("content-type").startsWith("application/json"));
    if (status == 405)
        QCOMPARE(QString::fromLatin1(a.header("allow")), text);
    else if (status != 200)
        QVERIFY2(a.errorText().contains(text), a.body.constData());
    if (status == 200) {
        // Read back as sent, and applied.
        const QJsonObject sent = QJsonDocument::fromJson(body.toUtf8()).object();
        const Answer back = emulatorCall(emu.baseUrl(), "GET", QStringLiteral("/emulator/faults"));
        QCOMPARE(back.json, sent);
        QCOMPARE(emu.fault().mode, Fault::Mode::Status);
        QCOMPARE(emu.fault().status, 429);
        QCOMPARE(emu.latency(), 20ms);
        QCOMPARE(faultChanges.size(), 1);
    } else {
        QCOMPARE(emu.fault().mode, Fault::Mode::None); // a refused change changes nothing
        QCOMPARE(faultChanges.size(), 0);
    }
}

void tst_Emulator::infoNeverShowsTheSecret()
{
    EmulatorConfig config;
    config.projectId = QStringLiteral("info-project");
    config.clientSecret = QStringLiteral("very-secret-value");
    config.authTokenTtl = 42s;
    config.accessTokenTtl = 4242s;
    Emulator emu(config);
    QVERIFY(emu.listen());
    const Answer a = emulatorCall(emu.baseUrl(), "GET", QStringLiteral("/emulator/info"));
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json.value(QLatin1String("projectId")).toString(), QStringLiteral("info-project"));
    QCOMPARE(a.json.value(QLatin1String("baseUrl")).toString(), emu.baseUrl().toString());
    QCOMPARE(a.json.value(QLatin1String("authTokenTtlSeconds")).toInt(), 42);
    QCOMPARE(a.json.value(QLatin1String("accessTokenTtlSeconds")).toInt(), 4242);
    QVERIFY(!a.body.contains("very-secret-value"));
    QVERIFY(!a.body.contains("secret"));
}

void tst_Emulator::resetEmptiesEverything()
{
    Fixture f;
    QVERIFY(f.ready());
    f.emu.setLatency(5ms);
    QCOMPARE(emulatorCall(f.emu.baseUrl(), "PUT", QStringLiteral("/emulator/faults"), obj({{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("pathPrefix"), QStringLiteral("/nothing")}})).status, 200);
    const Answer r = emulatorCall(f.emu.baseUrl(), "POST", QStringLiteral("/emulator/reset"));
    QCOMPARE(r.status, 200);
    QCOMPARE(f.emu.userCount(), 0);
    QCOMPARE(f.emu.fault().mode, Fault::Mode::None);
    QCOMPARE(f.emu.latency(), 0ms);
    QCOMPARE(f.session->call("GET", QStringLiteral("/user/") + f.adaId).status, 401); // access token revoked
    Session fresh(f.emu);
    QCOMPARE(fresh.call("GET", QStringLiteral("/user/") + f.adaId).status, 404);
    const Answer v = fresh.verify(f.adaToken);
    QCOMPARE(v.status, 401); // authentication tokens revoked
}

void tst_Emulator::badInputGetsJsonErrors_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("text");
    QTest::newRow("not JSON") << QByteArray("POST") << "/authentication-token/verify" << QByteArray("{token:") << 400 << "not valid JSON";
    QTest::newRow("array body") << QByteArray("POST") << "/user" << QByteArray("[1,2]") << 400 << "JSON object";
    QTest::newRow("string body") << QByteArray("POST") << "/user" << QByteArray("\"x\"") << 400 << "";
    QTest::newRow("no body") << QByteArray("POST") << "/authentication-token/verify" << QByteArray() << 400 << "JSON object body";
    QTest::newRow("whitespace body") << QByteArray("POST") << "/user/bulk" << QByteArray(" \n ") << 400 << "JSON object body";
    QTest::newRow("token not a string") << QByteArray("POST") << "/authentication-token/verify" << QByteArray(R"({"token":42})") << 400 << "token";
    QTest::newRow("token null") << QByteArray("POST") << "/authentication-token/verify" << QByteArray(R"({"token":null})") << 400 << "token";
    QTest::newRow("userName not a string") << QByteArray("POST") << "/user" << QByteArray(R"({"userName":["x"]})") << 400 << "userName";
    QTest::newRow("blank userName") << QByteArray("POST") << "/user" << QByteArray(R"({"userName":"  "})") << 400 << "userName";
    QTest::newRow("overlong userName") << QByteArray("POST") << "/user" << QByteArray(R"({"userName":")" + QByteArray(300, 'a') + "\"}") << 400 << "userName";
    QTest::newRow("patch without updates") << QByteArray("PATCH") << "/user" << QByteArray(R"({"userIdentifier":{"userName":"x"}})") << 400 << "";
    QTest::newRow("patch updates not object") << QByteArray("PATCH") << "/user" << QByteArray(R"({"userIdentifier":{"userName":"x"},"updates":[]})") << 400 << "";
    QTest::newRow("delete without identifier") << QByteArray("DELETE") << "/user" << QByteArray(R"({})") << 400 << "userIdentifier";
    QTest::newRow("identifier id number") << QByteArray("DELETE") << "/user" << QByteArray(R"({"userIdentifier":{"userId":5}})") << 400 << "userIdentifier";
    QTest::newRow("bulk not an array") << QByteArray("POST") << "/user/bulk" << QByteArray(R"({"users":{}})") << 400 << "users";
    QTest::newRow("bulk missing") << QByteArray("POST") << "/user/bulk" << QByteArray(R"({})") << 400 << "users";
    QTest::newRow("huge body") << QByteArray("POST") << "/user" << QByteArray(2 * 1024 * 1024, 'x') << 413 << "limit";
    QTest::newRow("just over the limit") << QByteArray("POST") << "/user/bulk" << QByteArray(1024 * 1024 + 1, ' ') << 413 << "limit";
    QTest::newRow("binary") << QByteArray("POST") << "/user" << QByteArray("\x00\xff\xfe{", 4) << 400 << "";
    QTest::newRow("deep nesting") << QByteArray("POST") << "/user" << QByteArray(5000, '[') << 400 << "";
    QTest::newRow("invalid UTF-8 name") << QByteArray("POST") << "/user" << QByteArray("{\"userName\":\"\xc3\x28\"}") << 400 << "";
    QTest::newRow("NUL in name") << QByteArray("POST") << "/user" << QByteArray(R"({"userName":"a\u0000b"})") << 200 << "";
}

void tst_Emulator::badInputGetsJsonErrors()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, text);
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    const Answer a = send(method, s.url(path), body, s.headers());
    QVERIFY2(a.status == status, qPrintable(describe(a)));
    QVERIFY(a.header("content-type").startsWith("application/json"));
    if (status != 200) {
        QVERIFY2(!a.errorText().isEmpty(), a.body.left(200).constData());
        QVERIFY2(a.errorText().contains(text), a.body.left(200).constData());
    }
    // Still serving afterwards.
    QCOMPARE(s.call("GET", QStringLiteral("/user?userName=x")).status, 404);
}

void tst_Emulator::unknownPathsAndMethodsAnswerJson_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allow");
    QTest::newRow("unknown path") << QByteArray("GET") << "/no/such/thing" << 404 << QByteArray();
    QTest::newRow("root") << QByteArray("GET") << "/" << 404 << QByteArray();
    QTest::newRow("unknown under /server") << QByteArray("GET") << "/server/nope" << 404 << QByteArray();
    QTest::newRow("too deep") << QByteArray("GET") << "/user/a/credentials/b" << 404 << QByteArray();
    QTest::newRow("verify by GET") << QByteArray("GET") << "/authentication-token/verify" << 405 << QByteArray("POST");
    QTest::newRow("access token by GET") << QByteArray("GET") << "/access-token" << 405 << QByteArray("POST");
    QTest::newRow("user by PUT") << QByteArray("PUT") << "/user" << 405 << QByteArray("GET, POST, PATCH, DELETE");
    QTest::newRow("user id by DELETE") << QByteArray("DELETE") << "/user/usr_x" << 405 << QByteArray("GET");
    QTest::newRow("credential by POST") << QByteArray("POST") << "/credential/c" << 405 << QByteArray("GET, DELETE");
    QTest::newRow("label by PUT") << QByteArray("PUT") << "/credential/c/label" << 405 << QByteArray("PATCH");
    // GET /user/bulk is GET /user/{userId} for the ID "bulk"; no route takes DELETE there.
    QTest::newRow("bulk by DELETE") << QByteArray("DELETE") << "/user/bulk" << 405 << QByteArray("POST, GET");
    QTest::newRow("openapi by POST") << QByteArray("POST") << "/openapi" << 405 << QByteArray("GET");
    QTest::newRow("HEAD") << QByteArray("HEAD") << "/user/usr_x" << 405 << QByteArray("GET");
}

void tst_Emulator::unknownPathsAndMethodsAnswerJson()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QByteArray, allow);
    Emulator emu;
    QVERIFY(emu.listen());
    // Without any token: routing answers before authorization.
    const Answer a = send(method, at(emu.baseUrl(), path), method == "POST" || method == "PUT" ? QByteArray("{}") : QByteArray());
    QVERIFY2(a.status == status, qPrintable(describe(a)));
    QVERIFY(a.header("content-type").startsWith("application/json"));
    QCOMPARE(a.header("allow"), allow);
    if (method != "HEAD") {
        if (status == 404)
            QCOMPARE(a.errorText(), QStringLiteral("No route for %1 %2").arg(QString::fromLatin1(method), path));
        else
            QVERIFY(a.errorText().contains(QString::fromLatin1(allow)));
    }
}

void tst_Emulator::faultsSpoilAnswers_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("networkError");
    QTest::addColumn<int>("remaining");
    QTest::addColumn<QByteArray>("contentType");
    QTest::newRow("status 503") << "status" << 503 << int(QNetworkReply::ServiceUnavailableError) << 1 << QByteArray("application/json");
    QTest::newRow("status 500") << "status" << 500 << int(QNetworkReply::InternalServerError) << 1 << QByteArray("application/json");
    QTest::newRow("html") << "html" << 502 << int(QNetworkReply::UnknownServerError) << 1 << QByteArray("text/html");
    QTest::newRow("empty") << "empty" << 200 << int(QNetworkReply::NoError) << 1 << QByteArray("application/json");
    QTest::newRow("truncated") << "truncated" << 200 << int(QNetworkReply::RemoteHostClosedError) << 1 << QByteArray("application/json");
    // Qt resends once on a connection closed before any answer, so a reset must happen twice.
    QTest::newRow("reset") << "reset" << 0 << int(QNetworkReply::RemoteHostClosedError) << 2 << QByteArray();
    QTest::newRow("stall") << "stall" << 0 << int(QNetworkReply::OperationCanceledError) << 1 << QByteArray();
}

void tst_Emulator::faultsSpoilAnswers()
{
    QFETCH(QString, mode);
    QFETCH(int, status);
    QFETCH(int, networkError);
    QFETCH(int, remaining);
    QFETCH(QByteArray, contentType);
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    const Answer put = emulatorCall(emu.baseUrl(), "PUT", QStringLiteral("/emulator/faults"),
                                    obj({{QStringLiteral("mode"), mode}, {QStringLiteral("status"), status ? status : 503}, {QStringLiteral("remaining"), remaining}}));
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json.value(QLatin1String("mode")).toString(), mode);
    const Answer a = send("POST", s.url(QStringLiteral("/user")), "{}", s.headers(), 1500);
    QCOMPARE(a.status, status);
    QCOMPARE(int(a.error), networkError);
    QCOMPARE(a.header("content-type"), contentType);
    if (mode == QLatin1String("status"))
        QVERIFY(a.errorText().contains(QLatin1String("Injected")));
    if (mode == QLatin1String("empty"))
        QVERIFY(a.body.isEmpty());
    if (status != 0)
        QVERIFY(!a.header("date").isEmpty());
    // Only "remaining" answers were spoiled: the next one is real, and nobody was created.
    QCOMPARE(emu.userCount(), 0);
    QCOMPARE(emu.fault().remaining, 0);
    QCOMPARE(s.call("POST", QStringLiteral("/user"), QJsonObject{}).status, 200);
}

void tst_Emulator::faultsHonourPrefixAndCount()
{
    Fixture f;
    QVERIFY(f.ready());
    // 429 with Retry-After, twice, only on /user paths (at the root or under /server).
    QCOMPARE(emulatorCall(f.emu.baseUrl(), "PUT", QStringLiteral("/emulator/faults"),
                          obj({{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("status"), 429}, {QStringLiteral("retryAfterSeconds"), 7},
                               {QStringLiteral("remaining"), 2}, {QStringLiteral("pathPrefix"), QStringLiteral("/user")}})).status, 200);
    QCOMPARE(f.session->verify(f.adaToken).status, 200); // not under /user
    const Answer first = f.session->call("GET", QStringLiteral("/user/") + f.adaId);
    QCOMPARE(first.status, 429);
    QCOMPARE(first.header("retry-after"), QByteArray("7"));
    QCOMPARE(emulatorCall(f.emu.baseUrl(), "GET", QStringLiteral("/emulator/faults")).json.value(QLatin1String("remaining")).toInt(), 1);
    QCOMPARE(f.session->call("GET", QStringLiteral("/server/user/") + f.adaId).status, 429);
    QCOMPARE(f.session->call("GET", QStringLiteral("/user/") + f.adaId).status, 200);
    // Until cleared: -1.
    QCOMPARE(emulatorCall(f.emu.baseUrl(), "PUT", QStringLiteral("/emulator/faults"), obj({{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("status"), 503}})).json.value(QLatin1String("remaining")).toInt(), -1);
    for (int i = 0; i < 3; ++i) {
        const Answer a = f.session->call("GET", QStringLiteral("/user/") + f.adaId);
        QCOMPARE(a.status, 503);
        QVERIFY(a.header("retry-after").isEmpty());
    }
    QCOMPARE(emulatorCall(f.emu.baseUrl(), "PUT", QStringLiteral("/emulator/faults"), obj({{QStringLiteral("mode"), QStringLiteral("none")}})).status, 200);
    QCOMPARE(f.session->call("GET", QStringLiteral("/user/") + f.adaId).status, 200);
}

void tst_Emulator::faultsNeverTouchEmulatorEndpoints()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Fault stall;
    stall.mode = Fault::Mode::Stall;
    emu.setFault(stall);
    emu.setLatency(3s);
    const Answer a = emulatorCall(emu.baseUrl(), "POST", QStringLiteral("/emulator/sign-up"));
    QCOMPARE(a.status, 200);
    QVERIFY2(a.elapsedMs < 2000, qPrintable(QString::number(a.elapsedMs)));
    QCOMPARE(emulatorCall(emu.baseUrl(), "GET", QStringLiteral("/server/emulator/info")).status, 200);
}

void tst_Emulator::latencyDoesNotBlockOtherRequests()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    emu.setLatency(1500ms);
    QNetworkAccessManager nam;
    QElapsedTimer t;
    t.start();
    QNetworkRequest slowRequest(s.url(QStringLiteral("/user/usr_slow")));
    for (const auto &h : s.headers())
        slowRequest.setRawHeader(h.first, h.second);
    QSignalSpy served(&emu, &Emulator::requestServed);
    QNetworkReply *slow = nam.get(slowRequest);
    // Once the slow request is waiting, the latency goes back to 0: another Server API call is
    // answered at once, while the first still waits its turn.
    QTRY_COMPARE_WITH_TIMEOUT(served.size(), 1, 5000);
    emu.setLatency(0ms);
    const Answer quick = s.call("GET", QStringLiteral("/user/usr_quick"));
    QCOMPARE(quick.status, 404);
    QVERIFY2(quick.elapsedMs < 1000, qPrintable(QString::number(quick.elapsedMs)));
    QVERIFY(!slow->isFinished());
    QTRY_VERIFY_WITH_TIMEOUT(slow->isFinished(), 10000);
    QVERIFY2(t.elapsed() >= 1400, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(slow->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
    delete slow;
}

void tst_Emulator::stallDoesNotBlockOtherRequests()
{
    Emulator emu;
    QVERIFY(emu.listen());
    Session s(emu);
    Fault stall;
    stall.mode = Fault::Mode::Stall;
    stall.remaining = 1;
    emu.setFault(stall);
    QNetworkAccessManager nam;
    QNetworkRequest stalledRequest(s.url(QStringLiteral("/user/usr_a")));
    for (const auto &h : s.headers())
        stalledRequest.setRawHeader(h.first, h.second);
    QNetworkReply *stalled = nam.get(stalledRequest);
    QTRY_COMPARE_WITH_TIMEOUT(emu.fault().remaining, 0, 5000);
    const Answer other = s.call("GET", QStringLiteral("/user/usr_b"));
    QCOMPARE(other.status, 404);
    QTest::qWait(300);
    QVERIFY(!stalled->isFinished()); // still waiting: it will never be answered
    stalled->abort();
    delete stalled;
}

void tst_Emulator::requestServedReportsEachAnswer()
{
    Emulator emu;
    QVERIFY(emu.listen());
    QSignalSpy served(&emu, &Emulator::requestServed);
    QCOMPARE(send("GET", at(emu.baseUrl(), QStringLiteral("/user/usr_x"))).status, 401);
    QCOMPARE(send("POST", at(emu.baseUrl(), QStringLiteral("/user")), QByteArray(2 * 1024 * 1024, ' '), {{"Content-Type", "application/json"}}).status, 413);
    QCOMPARE(served.size(), 2);
    QCOMPARE(served.at(0).at(0).toString(), QStringLiteral("GET"));
    QCOMPARE(served.at(0).at(1).toString(), QStringLiteral("/user/usr_x"));
    QCOMPARE(served.at(0).at(2).toInt(), 401);
    QCOMPARE(served.at(1).at(0).toString(), QStringLiteral("POST"));
    QCOMPARE(served.at(1).at(2).toInt(), 413);
}

void tst_Emulator::loopbackPeersAreRecognised_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("127.0.0.1") << "127.0.0.1" << true;
    QTest::newRow("127.5.6.7") << "127.5.6.7" << true;
    QTest::newRow("::1") << "::1" << true;
    QTest::newRow("mapped 127.0.0.1") << "::ffff:127.0.0.1" << true;
    QTest::newRow("10.0.0.1") << "10.0.0.1" << false;
    QTest::newRow("192.168.1.2") << "192.168.1.2" << false;
    QTest::newRow("mapped 192.168.1.2") << "::ffff:192.168.1.2" << false;
    QTest::newRow("fe80::1") << "fe80::1" << false;
    QTest::newRow("null") << "" << false;
}

void tst_Emulator::loopbackPeersAreRecognised()
{
    QFETCH(QString, address);
    QFETCH(bool, loopback);
    QCOMPARE(isLoopbackPeer(QHostAddress(address)), loopback);
}

QTEST_GUILESS_MAIN(tst_Emulator)
#include "tst_emulator.moc"
