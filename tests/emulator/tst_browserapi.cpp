// The emulator's Browser API over real loopback HTTP, as PlainKey's browser SDK calls it, with
// credentials made here by a software authenticator (softauthenticator.h, real OpenSSL keys):
// sign-up, sign-in with and without a user name, adding a passkey and relabelling it, the
// result seen through the Server API; the x-project-id check, CORS, and every forged or stale
// credential refused without leaving anything behind.

#include "emulatortesthelper.h"
#include "emulator/emulatorthread.h"
#include "softauthenticator.h"

#include <QSignalSpy>
#include <QTest>

using namespace plainkey::emulator;
using namespace emutest;
using namespace webauthntest;

namespace {

const QByteArray kPage = "http://localhost:5173";

//! What the browser SDK sends: x-project-id, a JSON body and the page's Origin.
class BrowserClient
{
public:
    BrowserClient(const QUrl &base, const QString &projectId, QByteArray origin = kPage)
        : m_base(base), m_projectId(projectId.toUtf8()), m_origin(std::move(origin))
    {
    }
    Headers headers() const
    {
        Headers h{{"Content-Type", "application/json"}, {"x-project-id", m_projectId}};
        if (!m_origin.isEmpty())
            h.append({"Origin", m_origin});
        return h;
    }
    Answer call(const QByteArray &method, const QString &path, const QJsonObject &body = {}) const
    {
        return send(method, at(m_base, QStringLiteral("/browser") + path), toJson(body), headers());
    }

private:
    QUrl m_base;
    QByteArray m_projectId;
    QByteArray m_origin;
};

QJsonObject tokenObject(const Answer &a)
{
    return a.json.value(QLatin1String("authenticationToken")).toObject();
}

QString tokenOf(const Answer &a)
{
    return tokenObject(a).value(QLatin1String("token")).toString();
}

QString challengeOf(const Answer &a)
{
    return a.json.value(QLatin1String("options")).toObject().value(QLatin1String("challenge")).toString();
}

QStringList descriptorIds(const QJsonValue &array)
{
    QStringList ids;
    for (const QJsonValue &d : array.toArray())
        ids.append(d.toObject().value(QLatin1String("id")).toString());
    return ids;
}

//! A registration response for \a challenge, with the attachment and transports a browser reports.
QJsonObject registrationJson(const SoftAuthenticator &a, const QString &challenge, quint8 flags = UP | UV | AT,
                             const QString &attachment = QStringLiteral("platform"), const QStringList &transports = {QStringLiteral("internal"), QStringLiteral("hybrid")},
                             const QString &origin = QString::fromLatin1(kPage))
{
    Registration r = a.registration(challenge, QStringLiteral("none"), flags, origin);
    r.transports = transports;
    QJsonObject json = r.toJson();
    json.insert(QStringLiteral("authenticatorAttachment"), attachment);
    return json;
}

} // namespace

class TestBrowserApi : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Emulator> m_emu;
    std::unique_ptr<BrowserClient> m_browser;
    std::unique_ptr<Session> m_server;

    void start(EmulatorConfig config = {})
    {
        m_emu = std::make_unique<Emulator>(config);
        QVERIFY2(m_emu->listen(), qPrintable(m_emu->errorString()));
        m_browser = std::make_unique<BrowserClient>(m_emu->baseUrl(), config.projectId);
        m_server = std::make_unique<Session>(*m_emu);
        QVERIFY(!m_server->token().isEmpty());
    }

    //! Signs \a userName up with \a authenticator; the complete answer.
    Answer signUp(SoftAuthenticator &authenticator, const std::optional<QString> &userName, quint8 flags = UP | UV | AT)
    {
        QJsonObject body;
        if (userName)
            body.insert(QStringLiteral("userName"), *userName);
        const Answer begin = m_browser->call("POST", QStringLiteral("/user/register/begin"), body);
        if (begin.status != 200)
            return begin;
        const QString userId = begin.json.value(QLatin1String("userId")).toString();
        authenticator.userHandle = QByteArray::fromBase64(
                begin.json.value(QLatin1String("options")).toObject().value(QLatin1String("user")).toObject().value(QLatin1String("id")).toString().toLatin1(),
                QByteArray::Base64UrlEncoding);
        return m_browser->call("POST", QStringLiteral("/user/register/complete"),
                               QJsonObject{{QStringLiteral("userId"), userId}, {QStringLiteral("credential"), registrationJson(authenticator, challengeOf(begin), flags)}});
    }

    //! Begins a sign-in, for \a userName or (empty) any discoverable passkey.
    Answer beginSignIn(const QString &userName = {})
    {
        QJsonObject body;
        if (!userName.isEmpty())
            body.insert(QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), userName}});
        return m_browser->call("POST", QStringLiteral("/authenticate/begin"), body);
    }

    Answer completeSignIn(const Answer &begin, const QJsonObject &assertion)
    {
        return m_browser->call("POST", QStringLiteral("/authenticate/complete"),
                               QJsonObject{{QStringLiteral("loginSessionId"), begin.json.value(QLatin1String("loginSession")).toObject().value(QLatin1String("id"))},
                                           {QStringLiteral("authenticationResponse"), assertion}});
    }

    Answer signIn(SoftAuthenticator &authenticator, const QString &userName = {})
    {
        const Answer begin = beginSignIn(userName);
        if (begin.status != 200)
            return begin;
        return completeSignIn(begin, authenticator.assertion(challengeOf(begin)).toJson());
    }

    //! The user's passkeys as the Server API lists them, by webAuthnId.
    QHash<QString, QJsonObject> passkeysOf(const QString &userId)
    {
        QHash<QString, QJsonObject> out;
        const Answer a = m_server->call("GET", QStringLiteral("/user/%1/credentials").arg(userId));
        for (const QJsonValue &v : a.array)
            out.insert(v.toObject().value(QLatin1String("webAuthnId")).toString(), v.toObject());
        return out;
    }

    //! The verify answer for \a token through the Server API.
    Answer verify(const QString &token) { return m_server->verify(token); }

private slots:
    void init() { start(); }

    void signUpSignInAddPasskeyAndRelabel()
    {
        QSignalSpy issued(m_emu.get(), &Emulator::browserTokenIssued);
        SoftAuthenticator phone(SoftAuthenticator::ES256);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();

        // Sign-up: the contract's answer, and the user and passkey through the Server API.
        const Answer up = signUp(phone, QStringLiteral("ada@example.com"), UP | UV | AT | BE | BS);
        QCOMPARE(up.status, 200);
        QCOMPARE(up.json.value(QLatin1String("success")), QJsonValue(true));
        const QString userId = up.json.value(QLatin1String("userId")).toString();
        QVERIFY(!userId.isEmpty());
        const QJsonObject credential = up.json.value(QLatin1String("credential")).toObject();
        QCOMPARE(credential.keys(), (QStringList{"authenticatorType", "id", "label", "userId"}));
        QCOMPARE(credential.value(QLatin1String("userId")).toString(), userId);
        QVERIFY(credential.value(QLatin1String("label")).isNull());
        QCOMPARE(credential.value(QLatin1String("authenticatorType")).toString(), QStringLiteral("platform"));
        const QJsonValue expiresAt = tokenObject(up).value(QLatin1String("expiresAt"));
        QVERIFY2(expiresAt.isDouble(), "authenticationToken.expiresAt is a number");
        QVERIFY(expiresAt.toDouble() >= double(before + 299000) && expiresAt.toDouble() <= double(QDateTime::currentMSecsSinceEpoch() + 301000));
        Answer v = verify(tokenOf(up));
        QCOMPARE(v.status, 200);
        QCOMPARE(v.json.value(QLatin1String("userId")).toString(), userId);
        QCOMPARE(v.json.value(QLatin1String("payload")).toObject().value(QLatin1String("credentialId")).toString(), credential.value(QLatin1String("id")).toString());
        Answer user = m_server->call("GET", QStringLiteral("/user/%1").arg(userId));
        QCOMPARE(user.status, 200);
        QCOMPARE(user.json.value(QLatin1String("userName")).toString(), QStringLiteral("ada@example.com"));
        const QString phoneId = b64url(phone.credentialId);
        QJsonObject stored = passkeysOf(userId).value(phoneId);
        QCOMPARE(stored.value(QLatin1String("id")).toString(), credential.value(QLatin1String("id")).toString());
        QCOMPARE(stored.value(QLatin1String("aaguid")).toString(), phone.aaguid.toString(QUuid::WithoutBraces));
        QCOMPARE(stored.value(QLatin1String("transports")).toArray(), (QJsonArray{"internal", "hybrid"}));
        QCOMPARE(stored.value(QLatin1String("credentialDeviceType")).toString(), QStringLiteral("multiDevice"));
        QCOMPARE(stored.value(QLatin1String("credentialBackedUp")), QJsonValue(true));
        QCOMPARE(stored.value(QLatin1String("counter")).toDouble(), 0.0);
        QVERIFY(stored.value(QLatin1String("lastUsedAt")).isNull());

        // Sign-in with a user name: their passkeys are allowed, counter and last use move.
        Answer begin = beginSignIn(QStringLiteral("ada@example.com"));
        QCOMPARE(begin.status, 200);
        QCOMPARE(begin.json.value(QLatin1String("projectId")).toString(), m_emu->config().projectId);
        const QJsonObject session = begin.json.value(QLatin1String("loginSession")).toObject();
        QVERIFY(session.value(QLatin1String("expiresAt")).isString());
        QVERIFY(QDateTime::fromString(session.value(QLatin1String("expiresAt")).toString(), Qt::ISODateWithMs).isValid());
        QCOMPARE(descriptorIds(begin.json.value(QLatin1String("options")).toObject().value(QLatin1String("allowCredentials"))), QStringList{phoneId});
        Answer in = completeSignIn(begin, phone.assertion(challengeOf(begin)).toJson());
        QCOMPARE(in.status, 200);
        QVERIFY(tokenObject(in).value(QLatin1String("expiresAt")).isDouble());
        v = verify(tokenOf(in));
        QCOMPARE(v.status, 200);
        QCOMPARE(v.json.value(QLatin1String("userId")).toString(), userId);
        stored = passkeysOf(userId).value(phoneId);
        QCOMPARE(stored.value(QLatin1String("counter")).toDouble(), 1.0);
        QVERIFY(QDateTime::fromString(stored.value(QLatin1String("lastUsedAt")).toString(), Qt::ISODateWithMs).isValid());

        // Sign-in without a user name: no allowCredentials, the passkey names its user.
        begin = beginSignIn();
        QCOMPARE(begin.status, 200);
        QCOMPARE(begin.json.value(QLatin1String("options")).toObject().value(QLatin1String("allowCredentials")).toArray(), QJsonArray());
        in = completeSignIn(begin, phone.assertion(challengeOf(begin)).toJson());
        QCOMPARE(in.status, 200);
        v = verify(tokenOf(in));
        QCOMPARE(v.status, 200);
        QCOMPARE(v.json.value(QLatin1String("userId")).toString(), userId);
        QCOMPARE(passkeysOf(userId).value(phoneId).value(QLatin1String("counter")).toDouble(), 2.0);

        // Add a security key (RS256, cross-platform, USB) with the sign-in's token.
        SoftAuthenticator key(SoftAuthenticator::RS256, phone.userHandle);
        const Answer addBegin = m_browser->call("POST", QStringLiteral("/user/credential/begin"),
                                                QJsonObject{{QStringLiteral("authenticationToken"), tokenOf(in)}});
        QCOMPARE(addBegin.status, 200);
        const QJsonObject options = addBegin.json.value(QLatin1String("options")).toObject();
        QCOMPARE(descriptorIds(options.value(QLatin1String("excludeCredentials"))), QStringList{phoneId});
        QCOMPARE(options.value(QLatin1String("user")).toObject().value(QLatin1String("id")).toString(), b64url(phone.userHandle));
        QCOMPARE(options.value(QLatin1String("user")).toObject().value(QLatin1String("name")).toString(), QStringLiteral("ada@example.com"));
        const Answer added = m_browser->call(
                "POST", QStringLiteral("/user/credential/complete"),
                QJsonObject{{QStringLiteral("authenticationToken"), tokenOf(in)},
                            {QStringLiteral("credential"), registrationJson(key, challengeOf(addBegin), UP | UV | AT, QStringLiteral("cross-platform"), {QStringLiteral("usb")})}});
        QCOMPARE(added.status, 200);
        QVERIFY(!added.json.contains(QLatin1String("userId")));
        const QJsonObject keyCredential = added.json.value(QLatin1String("credential")).toObject();
        QCOMPARE(keyCredential.value(QLatin1String("authenticatorType")).toString(), QStringLiteral("cross-platform"));
        QCOMPARE(keyCredential.value(QLatin1String("userId")).toString(), userId);
        v = verify(tokenOf(added));
        QCOMPARE(v.status, 200);
        QCOMPARE(v.json.value(QLatin1String("userId")).toString(), userId);

        // Relabel it with the token, then sign in with it.
        Answer relabel = m_browser->call("PATCH", QStringLiteral("/credential/%1/label").arg(keyCredential.value(QLatin1String("id")).toString()),
                                         QJsonObject{{QStringLiteral("authenticationToken"), tokenOf(added)}, {QStringLiteral("label"), QStringLiteral("YubiKey")}});
        QCOMPARE(relabel.status, 200);
        in = signIn(key, QStringLiteral("ada@example.com"));
        QCOMPARE(in.status, 200);

        // Both passkeys, as the console and the CLI get them.
        const QHash<QString, QJsonObject> both = passkeysOf(userId);
        QCOMPARE(both.size(), 2);
        const QJsonObject keyStored = both.value(b64url(key.credentialId));
        QCOMPARE(keyStored.value(QLatin1String("label")).toString(), QStringLiteral("YubiKey"));
        QCOMPARE(keyStored.value(QLatin1String("aaguid")).toString(), key.aaguid.toString(QUuid::WithoutBraces));
        QCOMPARE(keyStored.value(QLatin1String("transports")).toArray(), QJsonArray{"usb"});
        QCOMPARE(keyStored.value(QLatin1String("credentialDeviceType")).toString(), QStringLiteral("singleDevice"));
        QCOMPARE(keyStored.value(QLatin1String("credentialBackedUp")), QJsonValue(false));
        QCOMPARE(keyStored.value(QLatin1String("authenticatorType")).toString(), QStringLiteral("cross-platform"));
        QCOMPARE(keyStored.value(QLatin1String("counter")).toDouble(), 1.0);
        QCOMPARE(both.value(phoneId).value(QLatin1String("counter")).toDouble(), 2.0);

        // A null label clears it.
        relabel = m_browser->call("PATCH", QStringLiteral("/credential/%1/label").arg(keyCredential.value(QLatin1String("id")).toString()),
                                  QJsonObject{{QStringLiteral("authenticationToken"), tokenOf(in)}, {QStringLiteral("label"), QJsonValue::Null}});
        QCOMPARE(relabel.status, 200);
        QVERIFY(passkeysOf(userId).value(b64url(key.credentialId)).value(QLatin1String("label")).isNull());

        // Every token handed to the browser was signalled, for the console's Verify panel.
        QCOMPARE(issued.size(), 5);
        const QStringList ceremonies{"sign-up", "sign-in", "sign-in", "add-passkey", "sign-in"};
        for (int i = 0; i < issued.size(); ++i) {
            QCOMPARE(issued.at(i).at(0).toString(), userId);
            QCOMPARE(issued.at(i).at(1).toString(), QStringLiteral("ada@example.com"));
            QCOMPARE(issued.at(i).at(4).toString(), ceremonies.at(i));
        }
        QCOMPARE(issued.at(0).at(2).toString(), tokenOf(up));
        QCOMPARE(issued.at(0).at(3).toDateTime().toMSecsSinceEpoch(), qint64(expiresAt.toDouble()));
    }

    void emulatorThreadRelaysIssuedTokens()
    {
        // The console runs the emulator on its own thread and hears of tokens through it.
        EmulatorThread thread;
        QVERIFY(thread.start());
        QSignalSpy issued(&thread, &EmulatorThread::browserTokenIssued);
        m_browser = std::make_unique<BrowserClient>(thread.baseUrl(), thread.config().projectId);
        SoftAuthenticator a(SoftAuthenticator::ES256);
        const Answer up = signUp(a, QStringLiteral("ada@example.com"));
        QCOMPARE(up.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(issued.size(), 1, 5000);
        QCOMPARE(issued.at(0).at(0).toString(), up.json.value(QLatin1String("userId")).toString());
        QCOMPARE(issued.at(0).at(2).toString(), tokenOf(up));
        QCOMPARE(issued.at(0).at(4).toString(), QStringLiteral("sign-up"));
    }

    void usernamelessSignUpAsksForADiscoverablePasskey()
    {
        const Answer begin = m_browser->call("POST", QStringLiteral("/user/register/begin"));
        QCOMPARE(begin.status, 200);
        const QJsonObject options = begin.json.value(QLatin1String("options")).toObject();
        QCOMPARE(options.value(QLatin1String("authenticatorSelection")).toObject().value(QLatin1String("residentKey")).toString(), QStringLiteral("required"));
        QCOMPARE(options.value(QLatin1String("rp")).toObject().value(QLatin1String("id")).toString(), QStringLiteral("localhost"));
        QList<int> algs;
        for (const QJsonValue &p : options.value(QLatin1String("pubKeyCredParams")).toArray())
            algs.append(p.toObject().value(QLatin1String("alg")).toInt());
        std::sort(algs.begin(), algs.end());
        QCOMPARE(algs, (QList<int>{-257, -8, -7}));
        QCOMPARE(options.value(QLatin1String("attestation")).toString(), QStringLiteral("none"));

        SoftAuthenticator a(SoftAuthenticator::EdDSA);
        const Answer up = signUp(a, std::nullopt);
        QCOMPARE(up.status, 200);
        const Answer user = m_server->call("GET", QStringLiteral("/user/%1").arg(up.json.value(QLatin1String("userId")).toString()));
        QCOMPARE(user.status, 200);
        QVERIFY(!user.json.contains(QLatin1String("userName")));
        const Answer in = signIn(a);
        QCOMPARE(in.status, 200);
        QCOMPARE(verify(tokenOf(in)).json.value(QLatin1String("userId")).toString(), up.json.value(QLatin1String("userId")).toString());
    }

    void projectHeaderIsRequiredAndChecked()
    {
        const QUrl url = at(m_emu->baseUrl(), QStringLiteral("/browser/authenticate/begin"));
        Answer a = send("POST", url, "{}", {{"Content-Type", "application/json"}});
        QCOMPARE(a.status, 400);
        QVERIFY2(a.errorText().contains(QLatin1String("x-project-id")), qPrintable(a.errorText()));
        a = send("POST", url, "{}", {{"Content-Type", "application/json"}, {"x-project-id", "someone-else"}});
        QCOMPARE(a.status, 401);
        QVERIFY2(a.errorText().contains(QLatin1String("someone-else")), qPrintable(a.errorText()));
        a = send("POST", at(m_emu->baseUrl(), QStringLiteral("/browser/user/register/begin")), "{\"userName\":\"eve\"}",
                 {{"Content-Type", "application/json"}, {"x-project-id", "someone-else"}});
        QCOMPARE(a.status, 401);
        QCOMPARE(m_emu->userCount(), 0);
    }

    void corsPreflightAnswersAllowedOriginsOnly()
    {
        const QUrl url = at(m_emu->baseUrl(), QStringLiteral("/browser/user/register/begin"));
        const Headers ask{{"Access-Control-Request-Method", "POST"}, {"Access-Control-Request-Headers", "content-type,x-project-id"}};
        for (const QByteArray &origin : {kPage, QByteArray("http://127.0.0.1:8080"), m_emu->baseUrl().toString().toUtf8()}) {
            const Answer a = send("OPTIONS", url, {}, Headers{{"Origin", origin}} + ask);
            QVERIFY2(a.status == 204, origin.constData());
            QCOMPARE(a.header("Access-Control-Allow-Origin"), origin);
            QVERIFY(a.header("Access-Control-Allow-Methods").contains("POST"));
            QVERIFY(a.header("Access-Control-Allow-Methods").contains("PATCH"));
            const QByteArray allowed = a.header("Access-Control-Allow-Headers").toLower();
            QVERIFY(allowed.contains("content-type"));
            QVERIFY(allowed.contains("x-project-id"));
            QVERIFY(a.header("Access-Control-Max-Age").toInt() > 0);
            QVERIFY(a.header("Vary").contains("Origin"));
        }
        // An allowed origin's answers, errors included, are readable by its page.
        const Answer error = m_browser->call("POST", QStringLiteral("/authenticate/begin"),
                                             QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("nobody")}}}});
        QCOMPARE(error.status, 400);
        QCOMPARE(error.header("Access-Control-Allow-Origin"), kPage);

        for (const QByteArray &origin : {QByteArray("https://evil.example"), QByteArray("http://localhost.evil.example:5173"), QByteArray("null")}) {
            Answer a = send("OPTIONS", url, {}, Headers{{"Origin", origin}} + ask);
            QCOMPARE(a.status, 403);
            QVERIFY(a.header("Access-Control-Allow-Origin").isEmpty());
            QVERIFY2(a.errorText().contains(QString::fromUtf8(origin)), qPrintable(a.errorText()));
            // The real request is refused too, and creates nobody.
            a = BrowserClient(m_emu->baseUrl(), m_emu->config().projectId, origin)
                        .call("POST", QStringLiteral("/user/register/begin"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("eve")}});
            QCOMPARE(a.status, 403);
            QVERIFY(a.isObject);
            QVERIFY(a.header("Access-Control-Allow-Origin").isEmpty());
        }
        QCOMPARE(m_emu->userCount(), 0);
    }

    void configuredOriginsReplaceTheLocalDefault()
    {
        EmulatorConfig config;
        config.allowedOrigins = {QStringLiteral("https://app.example.com")};
        start(config);
        const QUrl url = at(m_emu->baseUrl(), QStringLiteral("/browser/authenticate/begin"));
        QCOMPARE(send("OPTIONS", url, {}, {{"Origin", "https://app.example.com"}}).status, 204);
        QCOMPARE(send("OPTIONS", url, {}, {{"Origin", m_emu->baseUrl().toString().toUtf8()}}).status, 204);
        QCOMPARE(send("OPTIONS", url, {}, {{"Origin", kPage}}).status, 403);

        // The same set is what clientDataJSON may name: a page elsewhere cannot register.
        const Answer begin = BrowserClient(m_emu->baseUrl(), config.projectId, {}).call("POST", QStringLiteral("/user/register/begin"),
                                                                                      QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada")}});
        QCOMPARE(begin.status, 200);
        SoftAuthenticator a(SoftAuthenticator::ES256);
        const Answer complete = BrowserClient(m_emu->baseUrl(), config.projectId, {}).call(
                "POST", QStringLiteral("/user/register/complete"),
                QJsonObject{{QStringLiteral("userId"), begin.json.value(QLatin1String("userId"))},
                            {QStringLiteral("credential"), registrationJson(a, challengeOf(begin))}});
        QCOMPARE(complete.status, 401);
        QVERIFY2(complete.errorText().contains(QLatin1String("origin")), qPrintable(complete.errorText()));
        QCOMPARE(m_emu->userCount(), 0);
    }

    void replayedCompletesAreRefused()
    {
        SoftAuthenticator a(SoftAuthenticator::ES256);
        const Answer begin = m_browser->call("POST", QStringLiteral("/user/register/begin"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada")}});
        a.userHandle = begin.json.value(QLatin1String("userId")).toString().toUtf8();
        const QJsonObject body{{QStringLiteral("userId"), begin.json.value(QLatin1String("userId"))},
                               {QStringLiteral("credential"), registrationJson(a, challengeOf(begin))}};
        QCOMPARE(m_browser->call("POST", QStringLiteral("/user/register/complete"), body).status, 200);
        Answer replay = m_browser->call("POST", QStringLiteral("/user/register/complete"), body);
        QCOMPARE(replay.status, 401);
        QVERIFY(!replay.errorText().isEmpty());
        QCOMPARE(m_emu->userCount(), 1);

        const Answer signInBegin = beginSignIn(QStringLiteral("ada"));
        const QJsonObject assertion = a.assertion(challengeOf(signInBegin)).toJson();
        QCOMPARE(completeSignIn(signInBegin, assertion).status, 200);
        replay = completeSignIn(signInBegin, assertion);
        QCOMPARE(replay.status, 401);
        QVERIFY2(replay.errorText().contains(QLatin1String("challenge")), qPrintable(replay.errorText()));
    }

    void expiredCeremoniesAreRefusedAndLeaveNothing()
    {
        EmulatorConfig config;
        config.ceremonyTtl = std::chrono::seconds(2);
        start(config);
        SoftAuthenticator a(SoftAuthenticator::ES256);
        QCOMPARE(signUp(a, QStringLiteral("ada")).status, 200);
        const Answer signInBegin = beginSignIn(QStringLiteral("ada"));
        QCOMPARE(signInBegin.status, 200);
        SoftAuthenticator late(SoftAuthenticator::ES256);
        const Answer signUpBegin = m_browser->call("POST", QStringLiteral("/user/register/begin"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("bob")}});
        QCOMPARE(signUpBegin.status, 200);

        QTest::qWait(2500);
        const Answer in = completeSignIn(signInBegin, a.assertion(challengeOf(signInBegin)).toJson());
        QCOMPARE(in.status, 401);
        QVERIFY2(in.errorText().contains(QLatin1String("expired")), qPrintable(in.errorText()));
        const Answer up = m_browser->call("POST", QStringLiteral("/user/register/complete"),
                                          QJsonObject{{QStringLiteral("userId"), signUpBegin.json.value(QLatin1String("userId"))},
                                                      {QStringLiteral("credential"), registrationJson(late, challengeOf(signUpBegin))}});
        QCOMPARE(up.status, 401);
        QVERIFY2(up.errorText().contains(QLatin1String("expired")), qPrintable(up.errorText()));
        QCOMPARE(m_emu->userCount(), 1);
        QCOMPARE(m_server->call("GET", QStringLiteral("/user?userName=bob")).status, 404);
    }

    void forgedOrMalformedCredentialsAreRefusedWithoutAHalfUser()
    {
        SoftAuthenticator a(SoftAuthenticator::ES256);
        // A registration whose attestation object is cut short.
        Answer begin = m_browser->call("POST", QStringLiteral("/user/register/begin"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada")}});
        QJsonObject credential = registrationJson(a, challengeOf(begin));
        QJsonObject response = credential.value(QLatin1String("response")).toObject();
        const QByteArray attestation = a.registration(challengeOf(begin)).attestationObject();
        response.insert(QStringLiteral("attestationObject"), b64url(attestation.left(attestation.size() / 2)));
        credential.insert(QStringLiteral("response"), response);
        Answer complete = m_browser->call("POST", QStringLiteral("/user/register/complete"),
                                          QJsonObject{{QStringLiteral("userId"), begin.json.value(QLatin1String("userId"))}, {QStringLiteral("credential"), credential}});
        QCOMPARE(complete.status, 400);
        QVERIFY(!complete.errorText().isEmpty());
        QCOMPARE(m_emu->userCount(), 0);
        QCOMPARE(m_server->call("GET", QStringLiteral("/user?userName=ada")).status, 404);
        // Garbage where a credential belongs.
        for (const QJsonValue &garbage : {QJsonValue(QStringLiteral("x")), QJsonValue(QJsonObject{{QStringLiteral("type"), QStringLiteral("public-key")}})}) {
            begin = m_browser->call("POST", QStringLiteral("/user/register/begin"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada")}});
            complete = m_browser->call("POST", QStringLiteral("/user/register/complete"),
                                       QJsonObject{{QStringLiteral("userId"), begin.json.value(QLatin1String("userId"))}, {QStringLiteral("credential"), garbage}});
            QCOMPARE(complete.status, 400);
            QVERIFY(!complete.errorText().isEmpty());
        }
        QCOMPARE(m_emu->userCount(), 0);

        // The name is still free; a forged sign-in signature is refused and changes nothing.
        const Answer up = signUp(a, QStringLiteral("ada"));
        QCOMPARE(up.status, 200);
        const QString userId = up.json.value(QLatin1String("userId")).toString();
        begin = beginSignIn(QStringLiteral("ada"));
        Assertion forged = a.assertion(challengeOf(begin));
        forged.signature[forged.signature.size() - 5] = char(forged.signature.at(forged.signature.size() - 5) ^ 0x01);
        const Answer in = completeSignIn(begin, forged.toJson());
        QCOMPARE(in.status, 401);
        QVERIFY2(in.errorText().contains(QLatin1String("signature")), qPrintable(in.errorText()));
        const QJsonObject stored = passkeysOf(userId).value(b64url(a.credentialId));
        QCOMPARE(stored.value(QLatin1String("counter")).toDouble(), 0.0);
        QVERIFY(stored.value(QLatin1String("lastUsedAt")).isNull());
        // A registration of the same credential again is refused.
        begin = m_browser->call("POST", QStringLiteral("/user/register/begin"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada2")}});
        complete = m_browser->call("POST", QStringLiteral("/user/register/complete"),
                                   QJsonObject{{QStringLiteral("userId"), begin.json.value(QLatin1String("userId"))},
                                               {QStringLiteral("credential"), registrationJson(a, challengeOf(begin))}});
        QCOMPARE(complete.status, 400);
        QVERIFY2(complete.errorText().contains(QLatin1String("already registered")), qPrintable(complete.errorText()));
        QCOMPARE(m_emu->userCount(), 1);
    }

    void counterRegressionIsRefused()
    {
        SoftAuthenticator a(SoftAuthenticator::ES256);
        const Answer up = signUp(a, QStringLiteral("ada"));
        QCOMPARE(up.status, 200);
        QCOMPARE(signIn(a, QStringLiteral("ada")).status, 200);
        QCOMPARE(signIn(a).status, 200);
        a.counter = 0; // a clone that has signed less than the original
        const Answer in = signIn(a, QStringLiteral("ada"));
        QCOMPARE(in.status, 401);
        QVERIFY2(in.errorText().contains(QLatin1String("counter")), qPrintable(in.errorText()));
        QCOMPARE(passkeysOf(up.json.value(QLatin1String("userId")).toString()).value(b64url(a.credentialId)).value(QLatin1String("counter")).toDouble(), 2.0);
    }

    void anotherUsersCredentialOrTokenIsRefused()
    {
        SoftAuthenticator adas(SoftAuthenticator::ES256);
        SoftAuthenticator bobs(SoftAuthenticator::EdDSA);
        const Answer ada = signUp(adas, QStringLiteral("ada"));
        const Answer bob = signUp(bobs, QStringLiteral("bob"));
        QCOMPARE(ada.status, 200);
        QCOMPARE(bob.status, 200);

        // A sign-in begun for ada, answered by bob's passkey.
        const Answer begin = beginSignIn(QStringLiteral("ada"));
        Answer in = completeSignIn(begin, bobs.assertion(challengeOf(begin)).toJson());
        QCOMPARE(in.status, 401);
        QVERIFY2(in.errorText().contains(QLatin1String("another user")), qPrintable(in.errorText()));

        // Options to add a passkey to ada, completed with bob's token.
        SoftAuthenticator extra(SoftAuthenticator::ES256, adas.userHandle);
        const Answer addBegin = m_browser->call("POST", QStringLiteral("/user/credential/begin"), QJsonObject{{QStringLiteral("authenticationToken"), tokenOf(ada)}});
        QCOMPARE(addBegin.status, 200);
        Answer added = m_browser->call("POST", QStringLiteral("/user/credential/complete"),
                                       QJsonObject{{QStringLiteral("authenticationToken"), tokenOf(bob)},
                                                   {QStringLiteral("credential"), registrationJson(extra, challengeOf(addBegin))}});
        QCOMPARE(added.status, 401);
        QVERIFY2(added.errorText().contains(QLatin1String("challenge")), qPrintable(added.errorText()));
        QCOMPARE(passkeysOf(bob.json.value(QLatin1String("userId")).toString()).size(), 1);
        QCOMPARE(passkeysOf(ada.json.value(QLatin1String("userId")).toString()).size(), 1);

        // Relabelling ada's passkey with bob's token, and with no or a made-up token.
        const QString adasPasskey = ada.json.value(QLatin1String("credential")).toObject().value(QLatin1String("id")).toString();
        const QString path = QStringLiteral("/credential/%1/label").arg(adasPasskey);
        QCOMPARE(m_browser->call("PATCH", path, QJsonObject{{QStringLiteral("authenticationToken"), tokenOf(bob)}, {QStringLiteral("label"), QStringLiteral("mine")}}).status, 401);
        QCOMPARE(m_browser->call("PATCH", path, QJsonObject{{QStringLiteral("label"), QStringLiteral("mine")}}).status, 400);
        QCOMPARE(m_browser->call("PATCH", path, QJsonObject{{QStringLiteral("authenticationToken"), QStringLiteral("a.b.c")}, {QStringLiteral("label"), QStringLiteral("mine")}}).status, 401);
        added = m_browser->call("POST", QStringLiteral("/user/credential/begin"), QJsonObject{{QStringLiteral("authenticationToken"), QStringLiteral("pk_auth_made_up")}});
        QCOMPARE(added.status, 401);
        QVERIFY(passkeysOf(ada.json.value(QLatin1String("userId")).toString()).value(b64url(adas.credentialId)).value(QLatin1String("label")).isNull());
    }
};

QTEST_GUILESS_MAIN(TestBrowserApi)
#include "tst_browserapi.moc"
