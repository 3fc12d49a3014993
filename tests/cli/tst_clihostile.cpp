// plainkey-cli against servers and input that try to mislead it: a redirect to another origin,
// absurd numbers in answers and arguments, standard input past its limits. The servers are raw
// loopback servers in this process, so the CLI runs asynchronously while they answer.

#include "cliharness.h"
#include "rawhttpserver.h"

#include <QProcess>
#include <QTest>

namespace {

const QByteArray kSecret = "s3cr3t-client-secret-value";
const QByteArray kAccessToken = "at-0123456789abcdef-hostile";

QByteArray tokenAnswer(const QByteArray &expiresIn = "3600")
{
    return RawHttpServer::response(200, "{\"access_token\":\"" + kAccessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}");
}

QByteArray validAnswer()
{
    return RawHttpServer::response(200, "{\"valid\":true,\"userId\":\"u1\",\"projectId\":\"proj\",\"expiresAt\":\"2030-01-01T00:00:00Z\",\"payload\":{}}");
}

QProcessEnvironment environment(const QUrl &base)
{
    return cliEnvironment(base.toString(), QStringLiteral("proj_test"), QString::fromUtf8(kSecret));
}

//! Runs the CLI while this process's event loop keeps serving the raw servers.
Run runAsync(const QStringList &args, const QProcessEnvironment &env, const QByteArray &stdinData = {})
{
    return runProgram(CliHarness::cliBinary(), args, env, stdinData, 60000, WhileRunning::ServeEvents);
}

} // namespace

class tst_CliHostile : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void redirectToAnotherOriginExitsFourAndSendsNothingThere_data();
    void redirectToAnotherOriginExitsFourAndSendsNothingThere();
    void absurdExpiresInIsRefused_data();
    void absurdExpiresInIsRefused();
    void absurdTimeoutIsAUsageError_data();
    void absurdTimeoutIsAUsageError();
    void standardInputPastItsLimitIsRefused_data();
    void standardInputPastItsLimitIsRefused();
};

void tst_CliHostile::initTestCase()
{
    QVERIFY2(QFile::exists(CliHarness::cliBinary()), qPrintable(CliHarness::cliBinary()));
}

void tst_CliHostile::redirectToAnotherOriginExitsFourAndSendsNothingThere_data()
{
    QTest::addColumn<QByteArray>("redirectedPath");
    QTest::newRow("token request") << QByteArray("/access-token");
    QTest::newRow("verify") << QByteArray("/authentication-token/verify");
}

void tst_CliHostile::redirectToAnotherOriginExitsFourAndSendsNothingThere()
{
    QFETCH(QByteArray, redirectedPath);
    const QByteArray authToken = "authentication-token-for-the-redirect-test";
    RawHttpServer evil([](const RawHttpServer::Request &r, QTcpSocket *s) {
        s->write(r.path == "/access-token" ? tokenAnswer() : validAnswer());
    });
    RawHttpServer plainkey([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == redirectedPath)
            s->write(RawHttpServer::response(307, "", "", {{"Location", evil.url().toEncoded() + r.path}}));
        else if (r.path == "/access-token")
            s->write(tokenAnswer());
        else
            s->write(RawHttpServer::response(404, "{\"error\":\"not found\"}"));
    });
    const Run r = runAsync({QStringLiteral("verify"), QString::fromUtf8(authToken)}, environment(plainkey.url()));
    QCOMPARE(r.exitCode, 4);
    const QString expected = QStringLiteral("PlainKey at 127.0.0.1:%1 redirected to 127.0.0.1:%2; requests with credentials are "
                                            "not followed to another host")
                                     .arg(plainkey.serverPort())
                                     .arg(evil.serverPort());
    QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    QVERIFY2(!r.out.contains(QLatin1String("valid")), qPrintable(r.out));
    QCOMPARE(evil.requestCount(), 0);
    QVERIFY(!r.all().contains(QString::fromUtf8(kSecret)));
    QVERIFY(!r.all().contains(QString::fromUtf8(authToken)));
}

void tst_CliHostile::absurdExpiresInIsRefused_data()
{
    QTest::addColumn<QByteArray>("expiresIn");
    QTest::addColumn<QString>("messagePart");
    const QString range = QStringLiteral("from 1 to 31536000");
    QTest::newRow("1e300") << QByteArray("1e300") << QStringLiteral("expires_in is 1e+300; a number of seconds ") + range;
    QTest::newRow("1e19") << QByteArray("1e19") << QStringLiteral("expires_in is 1e+19") ;
    QTest::newRow("-1") << QByteArray("-1") << QStringLiteral("expires_in is -1;");
    QTest::newRow("0") << QByteArray("0") << QStringLiteral("expires_in is 0;");
    QTest::newRow("half a second") << QByteArray("0.5") << QStringLiteral("expires_in is 0.5;");
    QTest::newRow("-1e300") << QByteArray("-1e300") << QStringLiteral("expires_in is -1e+300;");
    QTest::newRow("\"NaN\" string") << QByteArray("\"NaN\"") << QStringLiteral("expires_in is \u201cNaN\u201d; ") + QStringLiteral("a number of seconds ") + range;
    QTest::newRow("\"inf\" string") << QByteArray("\"inf\"") << QStringLiteral("expires_in is \u201cinf\u201d;");
    QTest::newRow("\"1e300\" string") << QByteArray("\"1e300\"") << QStringLiteral("expires_in is \u201c1e300\u201d;");
    QTest::newRow("word") << QByteArray("\"soon\"") << QStringLiteral("expires_in is missing or not a positive number");
    QTest::newRow("bare NaN (not JSON)") << QByteArray("NaN") << QStringLiteral("Fetching the access token failed");
}

void tst_CliHostile::absurdExpiresInIsRefused()
{
    QFETCH(QByteArray, expiresIn);
    QFETCH(QString, messagePart);
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        s->write(r.path == "/access-token" ? tokenAnswer(expiresIn) : validAnswer());
    });
    const Run r = runAsync({QStringLiteral("token")}, environment(server.url()));
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.contains(messagePart), qPrintable(r.err));
    QCOMPARE(server.requestCount(), 1);
}

void tst_CliHostile::absurdTimeoutIsAUsageError_data()
{
    QTest::addColumn<QString>("timeout");
    for (const char *t : {"nan", "NaN", "inf", "-inf", "1e300", "1e19", "-1", "0", "0.0001", "3601", "soon"})
        QTest::newRow(t) << QString::fromLatin1(t);
}

void tst_CliHostile::absurdTimeoutIsAUsageError()
{
    QFETCH(QString, timeout);
    RawHttpServer server([](const RawHttpServer::Request &, QTcpSocket *s) { s->write(tokenAnswer()); });
    const Run r = runAsync({QStringLiteral("--timeout"), timeout, QStringLiteral("token")}, environment(server.url()));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--timeout takes a number of seconds from 0.001 to 3600, not \u201c%1\u201d").arg(timeout)),
             qPrintable(r.err));
    QCOMPARE(server.requestCount(), 0);
}

void tst_CliHostile::standardInputPastItsLimitIsRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("messagePart");
    const QByteArray overSecret(64 * 1024 + 1, 'x');
    QTest::newRow("secret") << QStringList{"--secret-stdin", "token"} << overSecret + "\n"
                            << "longer than 64 KiB, the limit for a client secret";
    QTest::newRow("secret without newline") << QStringList{"--secret-stdin", "token"} << overSecret
                                            << "longer than 64 KiB, the limit for a client secret";
    QTest::newRow("token") << QStringList{"verify", "-"} << overSecret << "the token on standard input is larger than 64 KiB";
    QByteArray names;
    names.reserve(64 * 1024 * 1024 + 64);
    while (names.size() <= 64 * 1024 * 1024)
        names += "someone-with-a-long-enough-name-to-fill-the-list@example.com\n";
    QTest::newRow("import list") << QStringList{"users", "import", "--dry-run", "-"} << names
                                 << "the list of names on standard input is larger than 64 MiB";
}

void tst_CliHostile::standardInputPastItsLimitIsRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QString, messagePart);
    RawHttpServer server([](const RawHttpServer::Request &r, QTcpSocket *s) {
        s->write(r.path == "/access-token" ? tokenAnswer() : validAnswer());
    });
    const Run r = runAsync(args, environment(server.url()), input);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(messagePart), qPrintable(r.err));
    QCOMPARE(server.requestCount(), 0);
}

QTEST_GUILESS_MAIN(tst_CliHostile)
#include "tst_clihostile.moc"
