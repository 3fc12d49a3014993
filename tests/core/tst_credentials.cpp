// Credentials: what is wrong before anything is sent, where each endpoint is, and which
// hosts count as this machine.

#include "core/api/credentials.h"

#include <QTest>

using namespace plainkey;

Q_DECLARE_METATYPE(plainkey::Credentials::Field)

namespace {

Credentials make(const QString &url, const QString &projectId = QStringLiteral("proj_123"),
                 const QString &secret = QStringLiteral("cs_secret_value"))
{
    Credentials c;
    c.baseUrl = QUrl(url);
    c.projectId = projectId;
    c.clientSecret = secret;
    return c;
}

QList<Credentials::Problem> problemsOf(const QList<Credentials::Problem> &all, Credentials::Field field)
{
    QList<Credentials::Problem> out;
    for (const auto &p : all)
        if (p.field == field)
            out.append(p);
    return out;
}

QString describe(const QList<Credentials::Problem> &problems)
{
    QStringList lines;
    for (const auto &p : problems)
        lines.append(QStringLiteral("[%1] %2").arg(int(p.field)).arg(p.message));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestCredentials : public QObject
{
    Q_OBJECT

private slots:
    // --- problems() ----------------------------------------------------------------------
    void validCredentialsHaveNoProblems_data();
    void validCredentialsHaveNoProblems();
    void baseUrlProblemsNameTheFault_data();
    void baseUrlProblemsNameTheFault();
    void plainHttpToRemoteHostNeedsConsent();
    void plainHttpToLoopbackNeedsNoConsent();
    void projectIdProblems_data();
    void projectIdProblems();
    void clientSecretProblems_data();
    void clientSecretProblems();
    void everyFieldReportsItsOwnProblemAtOnce();
    void defaultBaseUrlIsPlainKeyServerApi();

    // --- endpoint() and normalizedBaseUrl() ----------------------------------------------
    void normalizedBaseUrlStripsOneTrailingSlash_data();
    void normalizedBaseUrlStripsOneTrailingSlash();
    void endpointJoinsBaseAndPath_data();
    void endpointJoinsBaseAndPath();
    void endpointKeepsPercentEncodingOfThePath();

    // --- isLoopback() / isInsecureRemote() -----------------------------------------------
    void isLoopback_data();
    void isLoopback();
    void isInsecureRemoteOnlyForPlainHttpToAnotherMachine_data();
    void isInsecureRemoteOnlyForPlainHttpToAnotherMachine();
    void equalityComparesAllThreeFields();
};

void TestCredentials::validCredentialsHaveNoProblems_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("production") << "https://api.plainkey.io/server";
    QTest::newRow("production, trailing slash") << "https://api.plainkey.io/server/";
    QTest::newRow("https with port") << "https://staging.example.com:8443/server";
    QTest::newRow("http to localhost") << "http://localhost:3000/server";
    QTest::newRow("http to 127.0.0.1") << "http://127.0.0.1:8080";
    QTest::newRow("http to [::1]") << "http://[::1]:8080/server";
    QTest::newRow("uppercase scheme") << "HTTPS://API.PLAINKEY.IO/server";
}

void TestCredentials::validCredentialsHaveNoProblems()
{
    QFETCH(QString, url);
    const auto problems = make(url).problems();
    QVERIFY2(problems.isEmpty(), qPrintable(describe(problems)));
}

void TestCredentials::baseUrlProblemsNameTheFault_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expectedPart");

    QTest::newRow("empty") << "" << "Enter the Server API base URL";
    QTest::newRow("no scheme") << "api.plainkey.io/server" << "is not a URL";
    QTest::newRow("only a word") << "plainkey" << "is not a URL";
    QTest::newRow("scheme without host") << "https://" << "is not a URL";
    QTest::newRow("file URL") << "file:///etc/passwd" << "is not a URL";
    QTest::newRow("javascript") << "javascript:alert(1)" << "is not a URL";
    QTest::newRow("space in host") << "https://api plainkey.io/server" << "is not a URL";
    QTest::newRow("ftp") << "ftp://api.plainkey.io/server" << "not ftp://";
    QTest::newRow("ws") << "ws://localhost:8080/server" << "not ws://";
    QTest::newRow("user info") << "https://user:pw@api.plainkey.io/server" << "Remove the user name and password";
    QTest::newRow("query") << "https://api.plainkey.io/server?x=1" << "?query or #fragment";
    QTest::newRow("fragment") << "https://api.plainkey.io/server#top" << "?query or #fragment";
    QTest::newRow("http remote") << "http://api.plainkey.io/server" << "Plain http:// to api.plainkey.io";
}

void TestCredentials::baseUrlProblemsNameTheFault()
{
    QFETCH(QString, url);
    QFETCH(QString, expectedPart);
    const auto all = make(url).problems();
    const auto base = problemsOf(all, Credentials::Field::BaseUrl);
    QCOMPARE(base.size(), 1);
    QVERIFY2(base.first().message.contains(expectedPart), qPrintable(base.first().message));
    // The other fields are fine and must not be blamed.
    QCOMPARE(all.size(), 1);
}

void TestCredentials::plainHttpToRemoteHostNeedsConsent()
{
    const Credentials c = make(QStringLiteral("http://plainkey.internal.example:8080/server"));
    const auto without = c.problems(false);
    QCOMPARE(without.size(), 1);
    QCOMPARE(without.first().field, Credentials::Field::BaseUrl);
    QVERIFY(without.first().message.contains(QLatin1String("plainkey.internal.example")));
    QVERIFY(without.first().message.contains(QLatin1String("unencrypted")));
    QVERIFY2(c.problems(true).isEmpty(), qPrintable(describe(c.problems(true))));
    // Consent to http does not excuse other faults of the URL.
    QCOMPARE(make(QStringLiteral("http://u:p@plainkey.internal.example/server")).problems(true).size(), 1);
    QCOMPARE(make(QStringLiteral("ftp://plainkey.internal.example/server")).problems(true).size(), 1);
}

void TestCredentials::plainHttpToLoopbackNeedsNoConsent()
{
    for (const char *url : {"http://localhost/server", "http://127.0.0.1:1/", "http://127.1.2.3:9/server", "http://[::1]/"})
        QVERIFY2(make(QString::fromLatin1(url)).problems(false).isEmpty(), url);
    // A host that only looks like localhost is another machine.
    QCOMPARE(make(QStringLiteral("http://localhost.evil.com/server")).problems(false).size(), 1);
    QCOMPARE(make(QStringLiteral("http://127.0.0.1.evil.com/server")).problems(false).size(), 1);
}

void TestCredentials::projectIdProblems_data()
{
    QTest::addColumn<QString>("projectId");
    QTest::addColumn<QString>("expectedPart");
    QTest::newRow("empty") << "" << "Enter the project ID";
    QTest::newRow("only spaces") << "   " << "Enter the project ID";
    QTest::newRow("tab only") << "\t" << "Enter the project ID";
    QTest::newRow("leading space") << " proj_123" << "spaces at its start or end";
    QTest::newRow("trailing newline") << "proj_123\n" << "spaces at its start or end";
    QTest::newRow("inner space") << "My Project" << "no spaces or slashes";
    QTest::newRow("slash") << "proj/123" << "no spaces or slashes";
    QTest::newRow("path traversal") << "../../admin" << "no spaces or slashes";
}

void TestCredentials::projectIdProblems()
{
    QFETCH(QString, projectId);
    QFETCH(QString, expectedPart);
    const auto all = make(QStringLiteral("https://api.plainkey.io/server"), projectId).problems();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.first().field, Credentials::Field::ProjectId);
    QVERIFY2(all.first().message.contains(expectedPart), qPrintable(all.first().message));
}

void TestCredentials::clientSecretProblems_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("expectedPart");
    QTest::newRow("empty") << "" << "Enter the client secret";
    QTest::newRow("leading space") << " cs_abc" << "paste it again";
    QTest::newRow("trailing newline") << "cs_abc\n" << "paste it again";
    QTest::newRow("trailing CRLF") << "cs_abc\r\n" << "paste it again";
    QTest::newRow("only whitespace") << " \t " << "paste it again";
}

void TestCredentials::clientSecretProblems()
{
    QFETCH(QString, secret);
    QFETCH(QString, expectedPart);
    const auto all = make(QStringLiteral("https://api.plainkey.io/server"), QStringLiteral("proj_1"), secret).problems();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.first().field, Credentials::Field::ClientSecret);
    QVERIFY2(all.first().message.contains(expectedPart), qPrintable(all.first().message));
    // The secret itself never appears in a message shown beside the field.
    if (!secret.trimmed().isEmpty())
        QVERIFY(!all.first().message.contains(secret.trimmed()));
}

void TestCredentials::everyFieldReportsItsOwnProblemAtOnce()
{
    const auto all = make(QString(), QString(), QString()).problems();
    QCOMPARE(all.size(), 3);
    QCOMPARE(problemsOf(all, Credentials::Field::BaseUrl).size(), 1);
    QCOMPARE(problemsOf(all, Credentials::Field::ProjectId).size(), 1);
    QCOMPARE(problemsOf(all, Credentials::Field::ClientSecret).size(), 1);
    for (const auto &p : all)
        QVERIFY(!p.message.trimmed().isEmpty());
}

void TestCredentials::defaultBaseUrlIsPlainKeyServerApi()
{
    QCOMPARE(Credentials::defaultBaseUrl(), QUrl(QStringLiteral("https://api.plainkey.io/server")));
    QCOMPARE(Credentials().baseUrl, Credentials::defaultBaseUrl());
    QVERIFY(!Credentials().isLoopback());
    QVERIFY(!Credentials().isInsecureRemote());
}

void TestCredentials::normalizedBaseUrlStripsOneTrailingSlash_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no slash") << "https://api.plainkey.io/server" << "https://api.plainkey.io/server";
    QTest::newRow("one slash") << "https://api.plainkey.io/server/" << "https://api.plainkey.io/server";
    QTest::newRow("two slashes: only one goes") << "https://api.plainkey.io/server//" << "https://api.plainkey.io/server/";
    QTest::newRow("root slash") << "http://127.0.0.1:8080/" << "http://127.0.0.1:8080";
    QTest::newRow("no path") << "http://127.0.0.1:8080" << "http://127.0.0.1:8080";
    QTest::newRow("encoded space") << "https://h.example/my%20server/" << "https://h.example/my%20server";
    QTest::newRow("encoded slash stays encoded") << "https://h.example/a%2Fb/" << "https://h.example/a%2Fb";
    QTest::newRow("encoded percent stays encoded") << "https://h.example/100%25/" << "https://h.example/100%25";
}

void TestCredentials::normalizedBaseUrlStripsOneTrailingSlash()
{
    QFETCH(QString, url);
    QFETCH(QString, expected);
    QCOMPARE(make(url).normalizedBaseUrl().toString(QUrl::FullyEncoded), expected);
}

void TestCredentials::endpointJoinsBaseAndPath_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no trailing slash") << "https://api.plainkey.io/server" << "/access-token"
                                       << "https://api.plainkey.io/server/access-token";
    QTest::newRow("trailing slash") << "https://api.plainkey.io/server/" << "/access-token"
                                    << "https://api.plainkey.io/server/access-token";
    QTest::newRow("host only") << "http://127.0.0.1:8080" << "/user/u1" << "http://127.0.0.1:8080/user/u1";
    QTest::newRow("host and slash") << "http://127.0.0.1:8080/" << "/user/u1" << "http://127.0.0.1:8080/user/u1";
    QTest::newRow("deeper base") << "https://gw.example.com/plainkey/v1/server/" << "/authentication-token/verify"
                                 << "https://gw.example.com/plainkey/v1/server/authentication-token/verify";
    QTest::newRow("encoded base path") << "https://h.example/my%20server/" << "/user"
                                       << "https://h.example/my%20server/user";
    QTest::newRow("encoded slash in base path") << "https://h.example/a%2Fb" << "/user"
                                                << "https://h.example/a%2Fb/user";
}

void TestCredentials::endpointJoinsBaseAndPath()
{
    QFETCH(QString, base);
    QFETCH(QString, path);
    QFETCH(QString, expected);
    const QUrl u = make(base).endpoint(path);
    QVERIFY(u.isValid());
    QCOMPARE(u.toString(QUrl::FullyEncoded), expected);
}

void TestCredentials::endpointKeepsPercentEncodingOfThePath()
{
    const Credentials c = make(QStringLiteral("https://api.plainkey.io/server/"));
    // An ID with a slash, a space, a percent and a question mark stays one path segment.
    QCOMPARE(c.endpoint(QStringLiteral("/user/a%2Fb")).toString(QUrl::FullyEncoded),
             QStringLiteral("https://api.plainkey.io/server/user/a%2Fb"));
    QCOMPARE(c.endpoint(QStringLiteral("/user/a%20b")).toString(QUrl::FullyEncoded),
             QStringLiteral("https://api.plainkey.io/server/user/a%20b"));
    QCOMPARE(c.endpoint(QStringLiteral("/credential/100%25")).toString(QUrl::FullyEncoded),
             QStringLiteral("https://api.plainkey.io/server/credential/100%25"));
    const QUrl q = c.endpoint(QStringLiteral("/user/what%3Fx=1"));
    QVERIFY(!q.hasQuery());
    QCOMPARE(q.toString(QUrl::FullyEncoded), QStringLiteral("https://api.plainkey.io/server/user/what%3Fx=1"));
    // "../" in an encoded ID must not climb out of /server.
    const QUrl dots = c.endpoint(QStringLiteral("/user/..%2F..%2Fadmin"));
    QCOMPARE(dots.toString(QUrl::FullyEncoded), QStringLiteral("https://api.plainkey.io/server/user/..%2F..%2Fadmin"));
    QCOMPARE(dots.host(), QStringLiteral("api.plainkey.io"));
}

void TestCredentials::isLoopback_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("localhost") << "http://localhost:3000" << true;
    QTest::newRow("LOCALHOST") << "http://LOCALHOST:3000" << true;
    QTest::newRow("127.0.0.1") << "http://127.0.0.1" << true;
    QTest::newRow("127.1.2.3") << "http://127.1.2.3:81/server" << true;
    QTest::newRow("127.255.255.254") << "http://127.255.255.254" << true;
    QTest::newRow("::1") << "http://[::1]:8080" << true;
    QTest::newRow("https localhost") << "https://localhost" << true;
    QTest::newRow("localhost.evil.com") << "http://localhost.evil.com" << false;
    QTest::newRow("evil-localhost") << "http://evillocalhost" << false;
    QTest::newRow("localhost as subdomain") << "http://localhost.plainkey.io" << false;
    QTest::newRow("127.0.0.1.evil.com") << "http://127.0.0.1.evil.com" << false;
    QTest::newRow("127.0.0.1.nip.io") << "http://127.0.0.1.nip.io" << false;
    QTest::newRow("128.0.0.1") << "http://128.0.0.1" << false;
    QTest::newRow("10.0.0.1") << "http://10.0.0.1" << false;
    QTest::newRow("0.0.0.0") << "http://0.0.0.0" << false;
    QTest::newRow("::2") << "http://[::2]" << false;
    QTest::newRow("localhost in user info") << "http://localhost@evil.com" << false;
    QTest::newRow("localhost in path") << "http://evil.com/localhost" << false;
    QTest::newRow("production") << "https://api.plainkey.io/server" << false;
    QTest::newRow("empty") << "" << false;
}

void TestCredentials::isLoopback()
{
    QFETCH(QString, url);
    QFETCH(bool, loopback);
    QCOMPARE(make(url).isLoopback(), loopback);
}

void TestCredentials::isInsecureRemoteOnlyForPlainHttpToAnotherMachine_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("insecure");
    QTest::newRow("https remote") << "https://api.plainkey.io/server" << false;
    QTest::newRow("http remote") << "http://api.plainkey.io/server" << true;
    QTest::newRow("HTTP remote") << "HTTP://api.plainkey.io/server" << true;
    QTest::newRow("http lookalike") << "http://localhost.evil.com" << true;
    QTest::newRow("http localhost") << "http://localhost:1" << false;
    QTest::newRow("http ::1") << "http://[::1]:1" << false;
    QTest::newRow("http 127.9.9.9") << "http://127.9.9.9" << false;
}

void TestCredentials::isInsecureRemoteOnlyForPlainHttpToAnotherMachine()
{
    QFETCH(QString, url);
    QFETCH(bool, insecure);
    QCOMPARE(make(url).isInsecureRemote(), insecure);
}

void TestCredentials::equalityComparesAllThreeFields()
{
    const Credentials a = make(QStringLiteral("https://a.example"), QStringLiteral("p"), QStringLiteral("s"));
    QVERIFY(a == make(QStringLiteral("https://a.example"), QStringLiteral("p"), QStringLiteral("s")));
    QVERIFY(a != make(QStringLiteral("https://b.example"), QStringLiteral("p"), QStringLiteral("s")));
    QVERIFY(a != make(QStringLiteral("https://a.example"), QStringLiteral("q"), QStringLiteral("s")));
    QVERIFY(a != make(QStringLiteral("https://a.example"), QStringLiteral("p"), QStringLiteral("t")));
}

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
