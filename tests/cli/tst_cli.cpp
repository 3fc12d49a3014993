// plainkey-cli as a script would use it: the built binaries, a plainkey-emulator process on a
// free loopback port, exit codes, standard output and standard error.

#include "cliharness.h"
#include "echoingserver.h"
#include "httptesthelper.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTest>

class tst_Cli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void verifyValidTokenPrintsUserAndExitsZero();
    void verifyReadsTheTokenFromStandardInput();
    void forgedTokenExitsOneWithPlainKeysError();
    void wrongSecretExitsThree();
    void deadPortExitsFourWithAClearMessage();
    void stalledServerTimesOut();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void tokenHidesTheTokenUnlessAsked();
    void secretCanComeFromStandardInput();
    void jsonOutputIsMachineReadable();
    void verboseShowsExchangesWithoutSecrets();
    void errorPageEchoingSecretsLeaksNothing_data();
    void errorPageEchoingSecretsLeaksNothing();

private:
    Run cli(const QStringList &args, const QByteArray &stdinData = {}, const QProcessEnvironment &env = {});
    QString signUp(const QString &userName, QString *userId = nullptr);

    CliHarness m_cli;
    QUrl m_base;
};

void tst_Cli::initTestCase()
{
    m_base = m_cli.start();
    QVERIFY2(m_base.isValid(), qPrintable(m_cli.failure()));
    QCOMPARE(m_base.scheme(), QStringLiteral("http"));
    QCOMPARE(m_base.host(), QStringLiteral("127.0.0.1"));
}

void tst_Cli::cleanupTestCase()
{
    m_cli.stop();
}

Run tst_Cli::cli(const QStringList &args, const QByteArray &stdinData, const QProcessEnvironment &environment)
{
    return m_cli.run(args, environment.isEmpty() ? m_cli.environment() : environment, stdinData);
}

QString tst_Cli::signUp(const QString &userName, QString *userId)
{
    const auto a = testHttp("POST", m_base.resolved(QUrl(QStringLiteral("/emulator/sign-up"))),
                            QJsonObject{{QStringLiteral("userName"), userName}});
    if (userId)
        *userId = a.json.value(QLatin1String("userId")).toString();
    return a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
}

void tst_Cli::verifyValidTokenPrintsUserAndExitsZero()
{
    QString userId;
    const QString token = signUp(QStringLiteral("cli-valid@example.com"), &userId);
    QVERIFY(!token.isEmpty());
    const Run r = cli({QStringLiteral("verify"), token});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith(QLatin1String("valid: user ") + userId), qPrintable(r.out));
    QVERIFY(!r.out.contains(token));
    QVERIFY(!r.err.contains(token));
}

void tst_Cli::verifyReadsTheTokenFromStandardInput()
{
    QString userId;
    const QString token = signUp(QStringLiteral("cli-stdin@example.com"), &userId);
    // As pasted from a header: a Bearer prefix and a trailing newline.
    const Run r = cli({QStringLiteral("verify"), QStringLiteral("-")}, "Bearer " + token.toUtf8() + "\n");
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains(userId));
    QVERIFY2(r.err.contains(QLatin1String("Bearer")), qPrintable(r.err)); // a notice says it was removed
}

void tst_Cli::forgedTokenExitsOneWithPlainKeysError()
{
    QString token = signUp(QStringLiteral("cli-forged@example.com"));
    token.replace(token.size() - 4, 3, QStringLiteral("abc"));
    const Run r = cli({QStringLiteral("verify"), token});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.startsWith(QLatin1String("not valid: ")), qPrintable(r.out));
    QVERIFY(!r.out.contains(QLatin1String("PlainKey gave no reason")));
}

void tst_Cli::wrongSecretExitsThree()
{
    QProcessEnvironment e = m_cli.environment();
    e.insert(QStringLiteral("PLAINKEY_CLIENT_SECRET"), QStringLiteral("wrong-secret-123"));
    const Run r = cli({QStringLiteral("verify"), QStringLiteral("some-token-value")}, {}, e);
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("rejected the project ID or client secret")), qPrintable(r.err));
    QCOMPARE(r.err.count(QLatin1Char('\n')), 1); // one clear line
    QVERIFY(!r.err.contains(QLatin1String("wrong-secret-123")));
}

void tst_Cli::deadPortExitsFourWithAClearMessage()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    const Run r = cli({QStringLiteral("--base-url"), QStringLiteral("http://127.0.0.1:%1").arg(port), QStringLiteral("verify"),
                       QStringLiteral("some-token-value")});
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.contains(QLatin1String("refused")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(r.err));
    QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
}

void tst_Cli::stalledServerTimesOut()
{
    // A server that accepts and never answers.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket *> held;
    connect(&silent, &QTcpServer::newConnection, this, [&] { held.append(silent.nextPendingConnection()); });
    QProcess p;
    p.setProcessEnvironment(m_cli.environment());
    p.start(CliHarness::cliBinary(), {QStringLiteral("--base-url"), QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort()),
                                      QStringLiteral("--timeout"), QStringLiteral("1"), QStringLiteral("token")});
    QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 20000);
    QCOMPARE(p.exitCode(), 4);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("no complete answer")) && err.contains(QLatin1String("1 s")), qPrintable(err));
}

void tst_Cli::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("unsetVariable");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("no command") << QStringList{} << QString() << "Usage:";
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << QString() << "unknown command";
    QTest::newRow("verify without token") << QStringList{"verify"} << QString() << "verify takes one token";
    QTest::newRow("empty token") << QStringList{"verify", "   "} << QString() << "Paste an authentication token";
    QTest::newRow("no project id") << QStringList{"verify", "abcdef"} << "PLAINKEY_PROJECT_ID" << "--project-id";
    QTest::newRow("no secret") << QStringList{"token"} << "PLAINKEY_CLIENT_SECRET" << "PLAINKEY_CLIENT_SECRET";
    QTest::newRow("bad timeout") << QStringList{"--timeout", "soon", "token"} << QString() << "--timeout";
    QTest::newRow("bad url") << QStringList{"--base-url", "ftp://example.com", "token"} << QString() << "https://";
    QTest::newRow("remote http") << QStringList{"--base-url", "http://example.com/server", "token"} << QString() << "--allow-insecure-http";
    QTest::newRow("unknown option") << QStringList{"--client-secret", "x", "token"} << QString() << "Unknown option";
}

void tst_Cli::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, unsetVariable);
    QFETCH(QString, messagePart);
    QProcessEnvironment e = m_cli.environment();
    if (!unsetVariable.isEmpty())
        e.remove(unsetVariable);
    const Run r = cli(args, {}, e);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2((r.err + r.out).contains(messagePart), qPrintable(r.err + r.out));
}

void tst_Cli::tokenHidesTheTokenUnlessAsked()
{
    const Run hidden = cli({QStringLiteral("token")});
    QCOMPARE(hidden.exitCode, 0);
    QVERIFY2(hidden.out.startsWith(QLatin1String("Access token: Bearer, valid for 1 h 00 min")), qPrintable(hidden.out));
    const QString fingerprint = hidden.out.section(QLatin1Char('#'), 1).trimmed();
    QCOMPARE(fingerprint.size(), 8);

    const Run shown = cli({QStringLiteral("token"), QStringLiteral("--show-secrets")});
    QCOMPARE(shown.exitCode, 0);
    const QString token = shown.out.trimmed();
    QVERIFY(!token.isEmpty());
    QVERIFY(!token.contains(QLatin1Char(' ')));
    QVERIFY(!hidden.out.contains(token));
    QVERIFY(shown.err.contains(QLatin1String("Access token: Bearer")));
}

void tst_Cli::secretCanComeFromStandardInput()
{
    QProcessEnvironment e = m_cli.environment();
    e.remove(QStringLiteral("PLAINKEY_CLIENT_SECRET"));
    const Run r = cli({QStringLiteral("--secret-stdin"), QStringLiteral("token")}, "demo-secret\n", e);
    QCOMPARE(r.exitCode, 0);
    const Run both = cli({QStringLiteral("--secret-stdin"), QStringLiteral("verify"), QStringLiteral("-")}, "demo-secret\ntoken\n", e);
    QCOMPARE(both.exitCode, 2);
    QVERIFY(both.err.contains(QLatin1String("standard input")));
}

void tst_Cli::jsonOutputIsMachineReadable()
{
    QString userId;
    const QString token = signUp(QStringLiteral("cli-json@example.com"), &userId);
    const Run r = cli({QStringLiteral("--json"), QStringLiteral("verify"), token});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(QLatin1String("valid")).toBool(), true);
    QCOMPARE(o.value(QLatin1String("userId")).toString(), userId);
    QVERIFY(QDateTime::fromString(o.value(QLatin1String("expiresAt")).toString(), Qt::ISODateWithMs).isValid());

    QProcessEnvironment e = m_cli.environment();
    e.insert(QStringLiteral("PLAINKEY_CLIENT_SECRET"), QStringLiteral("wrong-secret-123"));
    const Run bad = cli({QStringLiteral("--json"), QStringLiteral("token")}, {}, e);
    QCOMPARE(bad.exitCode, 3);
    const QJsonObject err = QJsonDocument::fromJson(bad.out.toUtf8()).object().value(QLatin1String("error")).toObject();
    QCOMPARE(err.value(QLatin1String("kind")).toString(), QStringLiteral("credentials-rejected"));
    QCOMPARE(err.value(QLatin1String("status")).toInt(), 400);
}

void tst_Cli::verboseShowsExchangesWithoutSecrets()
{
    const QString token = signUp(QStringLiteral("cli-verbose@example.com"));
    const Run shown = cli({QStringLiteral("token"), QStringLiteral("--show-secrets")});
    const QString accessToken = shown.out.trimmed();
    const Run r = cli({QStringLiteral("--verbose"), QStringLiteral("verify"), token});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.err.contains(QLatin1String("> POST ")));
    QVERIFY(r.err.contains(QLatin1String("/authentication-token/verify")));
    QVERIFY(r.err.contains(QLatin1String("< 200")));
    QVERIFY(r.err.contains(QLatin1String("[redacted client_secret #")));
    QVERIFY(r.err.contains(QLatin1String("Bearer [redacted access_token #")));
    QVERIFY(!r.err.contains(QLatin1String("demo-secret")));
    QVERIFY(!r.err.contains(token));
    QVERIFY(!accessToken.isEmpty());
}


void tst_Cli::errorPageEchoingSecretsLeaksNothing_data()
{
    QTest::addColumn<EchoingServer::Page>("page");
    QTest::addColumn<EchoingServer::Failing>("failing");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<int>("exitCode");
    using P = EchoingServer::Page;
    using F = EchoingServer::Failing;
    for (const auto &[page, pageName] : {std::pair{P::Html, "HTML"}, std::pair{P::Json, "JSON"}}) {
        for (const auto &[options, optionsName] : {std::pair{QStringList{}, "text"}, std::pair{QStringList{QStringLiteral("--json")}, "--json"},
                                                    std::pair{QStringList{QStringLiteral("--verbose")}, "--verbose"}}) {
            QTest::addRow("%s page, 400 on /access-token, %s", pageName, optionsName) << page << F::AccessToken << options << 3;
            QTest::addRow("%s page, 500 on verify, %s", pageName, optionsName) << page << F::Verify << options << 4;
        }
    }
}

void tst_Cli::errorPageEchoingSecretsLeaksNothing()
{
    QFETCH(EchoingServer::Page, page);
    QFETCH(EchoingServer::Failing, failing);
    QFETCH(QStringList, options);
    QFETCH(int, exitCode);
    EchoingServer server(page, failing);
    QProcessEnvironment e = m_cli.environment();
    e.insert(QStringLiteral("PLAINKEY_BASE_URL"), server.url().toString());
    e.insert(QStringLiteral("PLAINKEY_CLIENT_SECRET"), EchoingServer::clientSecret());
    // The server runs in this process: wait with the event loop running, not in waitForFinished.
    QProcess p;
    p.setProcessEnvironment(e);
    p.start(CliHarness::cliBinary(), options + QStringList{QStringLiteral("verify"), EchoingServer::authToken()});
    QVERIFY(p.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
    const QByteArray out = p.readAllStandardOutput();
    const QByteArray err = p.readAllStandardError();
    QCOMPARE(p.exitCode(), exitCode);
    QCOMPARE(server.requestCount(), failing == EchoingServer::Failing::AccessToken ? 1 : 2);
    QVERIFY2(leakedForm(out).isEmpty(), (QByteArray("stdout shows ") + leakedForm(out) + ":\n" + out).constData());
    QVERIFY2(leakedForm(err).isEmpty(), (QByteArray("stderr shows ") + leakedForm(err) + ":\n" + err).constData());
    // The message still says what happened, with the secret's place marked.
    QVERIFY2(err.contains(failing == EchoingServer::Failing::AccessToken ? "rejected the project ID" : "500"), err.constData());
    QVERIFY2(err.contains("[redacted ") || out.contains("[redacted "), err.constData());
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
