// Endpoint: which API operation an exchange called, with IDs, names and query values replaced
// by placeholders. The URLs are the ones the client builds for every operation of the contract
// (under the emulator's /server and /browser base paths) and exchanges as the log records them.

#include "core/log/endpoint.h"

#include "core/log/exchange.h"

#include <QTest>

using namespace plainkey;

Q_DECLARE_METATYPE(plainkey::Endpoint::Area)

class tst_Endpoint : public QObject
{
    Q_OBJECT
private slots:
    void templates_data();
    void templates();
    void exchangeIsReadFromItsMethodAndUrl();
    void personalDataNeverReachesTheTemplate();
};

void tst_Endpoint::templates_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("basePath");
    QTest::addColumn<Endpoint::Area>("area");
    QTest::addColumn<bool>("known");

    using A = Endpoint::Area;
    const QString s = QStringLiteral("http://127.0.0.1:41873/server");
    const QString b = QStringLiteral("http://127.0.0.1:41873/browser");
    QTest::newRow("access token") << QByteArray("POST") << s + "/access-token" << "POST /access-token" << "/server" << A::AccessToken << true;
    QTest::newRow("verify") << QByteArray("POST") << s + "/authentication-token/verify" << "POST /authentication-token/verify" << "/server"
                            << A::Verify << true;
    QTest::newRow("get user") << QByteArray("GET") << s + "/user/usr_8f2a61c0" << "GET /user/{userId}" << "/server" << A::Users << true;
    QTest::newRow("find user by name") << QByteArray("GET") << s + "/user?userName=ada%40example.com" << "GET /user?userName={userName}"
                                       << "/server" << A::Users << true;
    QTest::newRow("create user") << QByteArray("POST") << s + "/user" << "POST /user" << "/server" << A::Users << true;
    QTest::newRow("update user") << QByteArray("PATCH") << s + "/user" << "PATCH /user" << "/server" << A::Users << true;
    QTest::newRow("delete user") << QByteArray("DELETE") << s + "/user" << "DELETE /user" << "/server" << A::Users << true;
    QTest::newRow("bulk") << QByteArray("POST") << s + "/user/bulk" << "POST /user/bulk" << "/server" << A::Users << true;
    QTest::newRow("list passkeys") << QByteArray("GET") << s + "/user/usr_8f2a61c0/credentials" << "GET /user/{userId}/credentials"
                                   << "/server" << A::Passkeys << true;
    QTest::newRow("user ID that reads like a route") << QByteArray("GET") << s + "/user/credentials/credentials"
                                                     << "GET /user/{userId}/credentials" << "/server" << A::Passkeys << true;
    QTest::newRow("get passkey") << QByteArray("GET") << s + "/credential/cred_Zm9vYmFy" << "GET /credential/{credentialId}" << "/server"
                                 << A::Passkeys << true;
    QTest::newRow("delete passkey") << QByteArray("DELETE") << s + "/credential/cred_Zm9vYmFy" << "DELETE /credential/{credentialId}"
                                    << "/server" << A::Passkeys << true;
    QTest::newRow("label") << QByteArray("PATCH") << s + "/credential/cred_Zm9vYmFy/label" << "PATCH /credential/{credentialId}/label"
                           << "/server" << A::Passkeys << true;
    QTest::newRow("begin registration") << QByteArray("POST") << s + "/user/credential/begin" << "POST /user/credential/begin" << "/server"
                                        << A::Passkeys << true;
    QTest::newRow("browser sign-in") << QByteArray("POST") << b + "/authenticate/complete" << "POST /authenticate/complete" << "/browser"
                                     << A::Other << true;
    QTest::newRow("browser sign-up") << QByteArray("POST") << b + "/user/register/begin" << "POST /user/register/begin" << "/browser"
                                     << A::Users << true;
    QTest::newRow("openapi") << QByteArray("GET") << s + "/openapi" << "GET /openapi" << "/server" << A::Other << true;
    QTest::newRow("no base path") << QByteArray("GET") << QStringLiteral("https://api.example.net/user/usr_1") << "GET /user/{userId}"
                                  << QString() << A::Users << true;
    QTest::newRow("emulator control") << QByteArray("POST") << QStringLiteral("http://127.0.0.1:41873/emulator/sign-in")
                                      << "POST /emulator/sign-in" << QString() << A::Emulator << true;
    QTest::newRow("unknown path") << QByteArray("GET") << QStringLiteral("http://127.0.0.1:41873/v2/things/8f2a61c0-77aa/parts")
                                  << "GET /{id}/things/{id}/parts" << QString() << A::Other << false;
    QTest::newRow("root") << QByteArray("GET") << QStringLiteral("http://127.0.0.1:41873") << "GET /" << QString() << A::Other << false;
}

void tst_Endpoint::templates()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, url);
    QFETCH(QString, text);
    QFETCH(QString, basePath);
    QFETCH(Endpoint::Area, area);
    QFETCH(bool, known);

    const Endpoint e = Endpoint::of(method, url);
    QCOMPARE(e.text(), text);
    QCOMPARE(e.basePath, basePath);
    QCOMPARE(e.area, area);
    QCOMPARE(e.known, known);
    QCOMPARE(e.method, method);
}

void tst_Endpoint::exchangeIsReadFromItsMethodAndUrl()
{
    Exchange x;
    x.method = "GET";
    x.url = QStringLiteral("http://127.0.0.1:41873/server/user/usr_Bob/credentials");
    x.status = 200;
    const Endpoint e = Endpoint::of(x);
    QCOMPARE(e.text(), QStringLiteral("GET /user/{userId}/credentials"));
    QCOMPARE(e.area, Endpoint::areaOf(x.path()));
}

void tst_Endpoint::personalDataNeverReachesTheTemplate()
{
    const Endpoint e = Endpoint::of("GET", QStringLiteral("http://127.0.0.1:41873/server/user?userName=grace%40example.com"));
    QVERIFY(!e.text().contains(QStringLiteral("grace")));
    const Endpoint p = Endpoint::of("GET", QStringLiteral("http://127.0.0.1:41873/server/user/usr_8f2a61c0/credentials"));
    QVERIFY(!p.text().contains(QStringLiteral("usr_8f2a61c0")));
}

QTEST_GUILESS_MAIN(tst_Endpoint)
#include "tst_endpoint.moc"
