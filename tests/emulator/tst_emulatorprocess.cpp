// The emulator outside the caller's event loop: the plainkey-emulator program (its URL line,
// options, refusals and signals) and EmulatorThread (the console's way to run it).

#include "emulatorprocess.h"
#include "emulatortesthelper.h"

#include "emulator/emulator.h"
#include "emulator/emulatorthread.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

using namespace plainkey::emulator;
using namespace emutest;
using namespace std::chrono_literals;

class tst_EmulatorProcess : public QObject
{
    Q_OBJECT
private slots:
    void programPrintsItsUrlAndServes();
    void programTakesItsOptions();
    void commandLineSecretWinsOverTheEnvironment();
    void programExitsCleanlyOnSignals_data();
    void programExitsCleanlyOnSignals();
    void programRefusesBadOptions_data();
    void programRefusesBadOptions();
    void programReportsABusyPort();
    void programExplainsItself();
    void threadServesWhileTheCallerIsBusy();
    void threadForwardsSettersAndSignals();
    void threadReportsFailureAndRestarts();
};

void tst_EmulatorProcess::programPrintsItsUrlAndServes()
{
    EmulatorProcess p({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--seed-demo")});
    const QUrl base = p.waitForUrl();
    QVERIFY2(QRegularExpression(QStringLiteral("^http://127\\.0\\.0\\.1:[1-9][0-9]*\\n$")).match(p.line).hasMatch(), qPrintable(p.line));
    QVERIFY(base.port() > 0);
    Session s(base, QStringLiteral("demo-project"), QStringLiteral("demo-secret"));
    QVERIFY(!s.token().isEmpty());
    const Answer ada = s.call("GET", QStringLiteral("/user?userName=ada%40example.com"));
    QCOMPARE(ada.status, 200);
    QVERIFY(ada.json.value(QLatin1String("id")).isString());
    // Exactly one line on stdout; the demo credentials went to stderr.
    QVERIFY(p.process.readAllStandardOutput().isEmpty());
    const QString err = QString::fromUtf8(p.process.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("demo-project")) && err.contains(QLatin1String("demo-secret")), qPrintable(err));
    p.process.terminate();
    QVERIFY(p.process.waitForFinished(10000));
    QCOMPARE(p.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.process.exitCode(), 0);
}

void tst_EmulatorProcess::programTakesItsOptions()
{
    EmulatorProcess p({QStringLiteral("--project-id"), QStringLiteral("proc-project"), QStringLiteral("--token-format"), QStringLiteral("opaque"),
                       QStringLiteral("--expires-at-format"), QStringLiteral("millis"), QStringLiteral("--single-use-tokens"),
                       QStringLiteral("--token-ttl"), QStringLiteral("60"), QStringLiteral("--access-token-ttl"), QStringLiteral("120"),
                       QStringLiteral("--host"), QStringLiteral("localhost")},
                      EmulatorProcess::environment(QStringLiteral("env-only-secret")));
    const QUrl base = p.waitForUrl();
    QVERIFY2(base.isValid() && base.port() > 0, qPrintable(p.line + QString::fromUtf8(p.process.readAllStandardError())));

    const Answer token = send("POST", at(base, QStringLiteral("/access-token")), "client_id=proc-project&client_secret=env-only-secret",
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(token.status, 200);
    QCOMPARE(token.json.value(QLatin1String("expires_in")).toInt(), 120);
    const Answer info = emulatorCall(base, "GET", QStringLiteral("/emulator/info"));
    QCOMPARE(info.json.value(QLatin1String("projectId")).toString(), QStringLiteral("proc-project"));
    QCOMPARE(info.json.value(QLatin1String("tokenFormat")).toString(), QStringLiteral("opaque"));
    QCOMPARE(info.json.value(QLatin1String("expiresAtFormat")).toString(), QStringLiteral("millis"));
    QCOMPARE(info.json.value(QLatin1String("singleUseTokens")).toBool(), true);
    QCOMPARE(info.json.value(QLatin1String("authTokenTtlSeconds")).toInt(), 60);

    Session s(base, QStringLiteral("proc-project"), QStringLiteral("env-only-secret"));
    const QString auth = emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up")).json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QVERIFY(!auth.isEmpty());
    QVERIFY(!auth.contains(QLatin1Char('.')));
    const Answer v = s.verify(auth);
    QCOMPARE(v.status, 200);
    QVERIFY(v.json.value(QLatin1String("expiresAt")).toDouble() > 1e12);
    QCOMPARE(s.verify(auth).status, 401); // single use

    // Credentials that were not the defaults are never printed.
    p.process.terminate();
    QVERIFY(p.process.waitForFinished(10000));
    const QByteArray err = p.process.readAllStandardError();
    QVERIFY2(!err.contains("env-only-secret"), err.constData());
    QVERIFY(!err.contains("demo credentials"));
}

void tst_EmulatorProcess::commandLineSecretWinsOverTheEnvironment()
{
    EmulatorProcess p({QStringLiteral("--client-secret"), QStringLiteral("cli-secret")},
                      EmulatorProcess::environment(QStringLiteral("env-secret")));
    const QUrl base = p.waitForUrl();
    QVERIFY(base.isValid());
    auto status = [&](const QByteArray &secret) {
        return send("POST", at(base, QStringLiteral("/access-token")), "client_id=demo-project&client_secret=" + secret,
                    {{"Content-Type", "application/x-www-form-urlencoded"}}).status;
    };
    QCOMPARE(status("cli-secret"), 200);
    QCOMPARE(status("env-secret"), 400);
}

void tst_EmulatorProcess::programExitsCleanlyOnSignals_data()
{
    QTest::addColumn<int>("sig");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void tst_EmulatorProcess::programExitsCleanlyOnSignals()
{
    QFETCH(int, sig);
    EmulatorProcess p(QStringList{});
    const QUrl base = p.waitForUrl();
    QVERIFY(base.isValid());
    // Even with a request stalled forever in flight.
    QCOMPARE(emulatorCall(base, "PUT", QStringLiteral("/emulator/faults"), QJsonObject{{QStringLiteral("mode"), QStringLiteral("stall")}}).status, 200);
    QNetworkAccessManager nam;
    QNetworkReply *stalled = nam.get(QNetworkRequest(at(base, QStringLiteral("/openapi"))));
    QTest::qWait(200);
    p.signal(sig);
    QVERIFY(p.process.waitForFinished(10000));
    QCOMPARE(p.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.process.exitCode(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(stalled->isFinished(), 5000);
    QVERIFY(stalled->error() != QNetworkReply::NoError);
    delete stalled;
}

void tst_EmulatorProcess::programRefusesBadOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("public address") << QStringList{"--host", "0.0.0.0"} << "--allow-non-loopback";
    QTest::newRow("IPv6 any") << QStringList{"--host", "::"} << "--allow-non-loopback";
    QTest::newRow("public address without host names") << QStringList{"--host", "0.0.0.0", "--allow-non-loopback"} << "--host-name";
    QTest::newRow("LAN address without host names") << QStringList{"--host", "192.168.1.20", "--allow-non-loopback"} << "--host-name";
    QTest::newRow("empty host name") << QStringList{"--host-name", ""} << "--host-name";
    QTest::newRow("host name with a port") << QStringList{"--host-name", "devbox.test:8080"} << "--host-name";
    QTest::newRow("host name") << QStringList{"--host", "example.com"} << "IP address";
    QTest::newRow("bad port") << QStringList{"--port", "70000"} << "--port";
    QTest::newRow("port text") << QStringList{"--port", "http"} << "--port";
    QTest::newRow("bad ttl") << QStringList{"--token-ttl", "0"} << "--token-ttl";
    QTest::newRow("bad access ttl") << QStringList{"--access-token-ttl", "soon"} << "--access-token-ttl";
    QTest::newRow("bad format") << QStringList{"--token-format", "xml"} << "jwt or opaque";
    QTest::newRow("bad expiry format") << QStringList{"--expires-at-format", "rfc"} << "iso, seconds or millis";
    QTest::newRow("empty project") << QStringList{"--project-id", ""} << "must not be empty";
    QTest::newRow("stray argument") << QStringList{"serve"} << "unexpected argument";
}

void tst_EmulatorProcess::programRefusesBadOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    EmulatorProcess p(args);
    QVERIFY(p.process.waitForFinished(15000));
    QCOMPARE(p.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.process.exitCode(), 2);
    QVERIFY(p.process.readAllStandardOutput().isEmpty());
    const QString err = QString::fromUtf8(p.process.readAllStandardError());
    QVERIFY2(err.contains(message), qPrintable(err));
}

void tst_EmulatorProcess::programReportsABusyPort()
{
    Emulator holder;
    QVERIFY(holder.listen());
    EmulatorProcess p({QStringLiteral("--port"), QString::number(holder.port())});
    QVERIFY(p.process.waitForFinished(15000));
    QCOMPARE(p.process.exitCode(), 1);
    QVERIFY(p.process.readAllStandardOutput().isEmpty());
    const QString err = QString::fromUtf8(p.process.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("Cannot listen")), qPrintable(err));
}

void tst_EmulatorProcess::programExplainsItself()
{
    EmulatorProcess p({QStringLiteral("--help")});
    QVERIFY(p.process.waitForFinished(15000));
    QCOMPARE(p.process.exitCode(), 0);
    const QString help = QString::fromUtf8(p.process.readAllStandardOutput());
    for (const char *word : {"--port", "--seed-demo", "PLAINKEY_EMULATOR_CLIENT_SECRET", "/emulator/faults", "--allow-non-loopback", "--host-name"})
        QVERIFY2(help.contains(QLatin1String(word)), word);
}

void tst_EmulatorProcess::threadServesWhileTheCallerIsBusy()
{
    EmulatorThread thread;
    QVERIFY2(thread.start(), qPrintable(thread.errorString()));
    QVERIFY(thread.isRunning());
    thread.seedDemoData();
    // A blocking client on this thread, with no event loop running here: only an emulator on
    // another thread can answer it.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(thread.baseUrl().port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /emulator/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray bytes;
    while (socket.waitForReadyRead(5000))
        bytes += socket.readAll();
    bytes += socket.readAll();
    QVERIFY2(bytes.startsWith("HTTP/1.1 200"), bytes.constData());
    const QJsonObject info = QJsonDocument::fromJson(bytes.mid(bytes.indexOf("\r\n\r\n") + 4)).object();
    QVERIFY(info.value(QLatin1String("users")).toInt() >= 4); // seeded before start() returned
    thread.stop();
    QVERIFY(!thread.isRunning());
    QVERIFY(thread.baseUrl().isEmpty());
    thread.stop(); // twice is harmless
}

void tst_EmulatorProcess::threadForwardsSettersAndSignals()
{
    EmulatorThread thread;
    QVERIFY(thread.start());
    QSignalSpy served(&thread, &EmulatorThread::requestServed);
    const QUrl base = thread.baseUrl();
    thread.setLatency(400ms);
    Session s(base, QStringLiteral("demo-project"), QStringLiteral("demo-secret"));
    const Answer slow = s.call("GET", QStringLiteral("/user/usr_x"));
    QCOMPARE(slow.status, 404);
    QVERIFY2(slow.elapsedMs >= 350, qPrintable(QString::number(slow.elapsedMs)));
    thread.setLatency(0ms);
    Fault fault;
    fault.mode = Fault::Mode::Status;
    fault.status = 503;
    thread.setFault(fault);
    QCOMPARE(s.call("GET", QStringLiteral("/user/usr_x")).status, 503);
    thread.setFault(Fault());
    QCOMPARE(s.call("GET", QStringLiteral("/user/usr_x")).status, 404);
    QTRY_VERIFY_WITH_TIMEOUT(served.size() >= 4, 5000); // access token, 404, 503, 404
    QCOMPARE(served.last().at(1).toString(), QStringLiteral("/user/usr_x"));
    QCOMPARE(served.last().at(2).toInt(), 404);
    thread.seedDemoData();
    thread.reset();
    QCOMPARE(emulatorCall(base, "GET", QStringLiteral("/emulator/info")).json.value(QLatin1String("users")).toInt(), 0);
}

void tst_EmulatorProcess::threadReportsFailureAndRestarts()
{
    Emulator holder;
    QVERIFY(holder.listen());
    EmulatorThread thread;
    QVERIFY(!thread.start(EmulatorConfig(), holder.port()));
    QVERIFY(!thread.isRunning());
    QVERIFY(thread.baseUrl().isEmpty());
    QVERIFY2(thread.errorString().contains(QString::number(holder.port())), qPrintable(thread.errorString()));
    EmulatorConfig config;
    config.projectId = QStringLiteral("second-try");
    QVERIFY(thread.start(config));
    QCOMPARE(thread.config().projectId, QStringLiteral("second-try"));
    QVERIFY(thread.errorString().isEmpty());
    QCOMPARE(emulatorCall(thread.baseUrl(), "GET", QStringLiteral("/emulator/info")).json.value(QLatin1String("projectId")).toString(), QStringLiteral("second-try"));
}

QTEST_GUILESS_MAIN(tst_EmulatorProcess)
#include "tst_emulatorprocess.moc"
