// The emulator at the byte level: what a raw TCP client sees for malformed, oversized,
// pipelined and 100-continue requests, and for the faults that break HTTP itself
// (truncated, empty, reset). The emulator runs on an EmulatorThread, so the test can use
// blocking sockets.

#include "emulatortesthelper.h"
#include "wireclient.h"

#include "emulator/emulatorthread.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace plainkey::emulator;
using emutest::isFreshHttpDate;

using emutest::Client;
using emutest::Wire;
using emutest::WireAnswer;
using emutest::request;

class tst_EmulatorWire : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void malformedRequestsNeverStopTheServer_data();
    void malformedRequestsNeverStopTheServer();
    void randomBytesNeverStopTheServer();
    void everyAnswerIsJsonWithADate();
    void keepAliveAndPipelining();
    void connectionCloseIsHonoured();
    void headAnswersHaveNoBody();
    void expectContinueGetsAnInterimAnswer();
    void oversizedRequestsAreRefusedBeforeTheBody_data();
    void oversizedRequestsAreRefusedBeforeTheBody();
    void chunkedBodiesAreLimitedAsTheyArrive();
    void truncatedFaultPromisesMoreThanItSends();
    void emptyFaultSendsNoBody();
    void htmlFaultLooksLikeAGateway();
    void resetFaultDropsTheConnection();

private:
    void setFault(const QJsonObject &fault);
    std::unique_ptr<EmulatorThread> m_emu;
    quint16 m_port = 0;
};

void tst_EmulatorWire::init()
{
    m_emu = std::make_unique<EmulatorThread>();
    QVERIFY2(m_emu->start(), qPrintable(m_emu->errorString()));
    m_port = quint16(m_emu->baseUrl().port());
    QVERIFY(m_port != 0);
}

void tst_EmulatorWire::cleanup()
{
    m_emu.reset();
}

void tst_EmulatorWire::setFault(const QJsonObject &fault)
{
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("PUT", "/emulator/faults", QJsonDocument(fault).toJson(QJsonDocument::Compact)));
    const Wire w = c.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 200);
}

void tst_EmulatorWire::malformedRequestsNeverStopTheServer_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("not HTTP") << QByteArray("HELLO WORLD\r\n\r\n");
    QTest::newRow("binary") << [] { QByteArray b; for (int i = 0; i < 256; ++i) b += char(i); return b; }();
    QTest::newRow("NULs") << QByteArray(64, '\0');
    QTest::newRow("header without colon") << QByteArray("GET /openapi HTTP/1.1\r\nnonsense\r\n\r\n");
    QTest::newRow("negative length") << QByteArray("POST /user HTTP/1.1\r\nContent-Length: -5\r\n\r\n{}");
    QTest::newRow("two lengths") << QByteArray("POST /user HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}");
    QTest::newRow("bad chunk") << QByteArray("POST /user HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
    QTest::newRow("bad version") << QByteArray("GET /openapi HTTP/7\r\n\r\n");
    QTest::newRow("bare LF") << QByteArray("GET /openapi HTTP/1.1\nHost: 127.0.0.1\n\n");
    QTest::newRow("websocket upgrade") << QByteArray("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QTest::newRow("CONNECT") << QByteArray("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    QTest::newRow("percent garbage") << QByteArray("GET /user/%ff%00%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTest::newRow("absolute URI") << QByteArray("GET http://elsewhere.example/openapi HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTest::newRow("half a head, then silence") << QByteArray("GET /openapi HTTP/1.1\r\nHo");
}

void tst_EmulatorWire::malformedRequestsNeverStopTheServer()
{
    QFETCH(QByteArray, bytes);
    {
        Client c(m_port);
        QVERIFY(c.connected());
        c.send(bytes);
        const Wire w = c.read(1, 1000);
        // Either the connection is dropped, or it gets HTTP answers that are JSON (never a
        // half-written one): whatever was parsed, it was answered in the contract's terms.
        for (const WireAnswer &a : w.answers) {
            QVERIFY2(a.status >= 200 && a.status < 600, a.head.constData());
            QVERIFY2(a.header("content-type").startsWith("application/json"), a.head.constData());
            QVERIFY(QJsonDocument::fromJson(a.body).isObject());
        }
    }
    // And the next client is served.
    Client next(m_port);
    QVERIFY(next.connected());
    next.send(request("GET", "/emulator/info"));
    const Wire w = next.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 200);
}

void tst_EmulatorWire::randomBytesNeverStopTheServer()
{
    // Reproducible noise: some pure, some behind a valid request line or head.
    QRandomGenerator random(20261128);
    const QList<QByteArray> prefixes = {QByteArray(), QByteArray("GET /"), QByteArray("POST /user HTTP/1.1\r\n"),
                                        QByteArray("POST /access-token HTTP/1.1\r\nContent-Length: 40\r\n\r\n"),
                                        QByteArray("PUT /emulator/faults HTTP/1.1\r\nContent-Length: 30\r\n\r\n{\"mode\":")};
    for (int batch = 0; batch < 15; ++batch) {
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < 20; ++i) {
            QByteArray noise(int(random.bounded(2000)), Qt::Uninitialized);
            for (char &c : noise)
                c = char(random.bounded(256));
            auto client = std::make_unique<Client>(m_port);
            QVERIFY(client->connected());
            client->send(prefixes.at(int(random.bounded(qsizetype(prefixes.size())))) + noise);
            clients.push_back(std::move(client));
        }
        for (auto &client : clients)
            client->read(1, 50);
    }
    Client next(m_port);
    next.send(request("GET", "/emulator/faults"));
    const Wire w = next.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 200);
    // Noise never managed to set a fault by accident.
    QCOMPARE(QJsonDocument::fromJson(w.answers.first().body).object().value(QLatin1String("mode")).toString(), QStringLiteral("none"));
}

void tst_EmulatorWire::everyAnswerIsJsonWithADate()
{
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("GET", "/nowhere") + request("POST", "/access-token", "client_id=x") + request("GET", "/user/u")
           + request("POST", "/emulator/sign-in", "{}") + request("GET", "/emulator/info"));
    const Wire w = c.read(5);
    QCOMPARE(w.answers.size(), 5);
    const QList<int> statuses = {404, 400, 401, 400, 200};
    for (int i = 0; i < 5; ++i) {
        const WireAnswer &a = w.answers.at(i);
        QCOMPARE(a.status, statuses.at(i));
        QCOMPARE(a.header("content-type"), QByteArray("application/json"));
        QVERIFY2(isFreshHttpDate(a.header("date")), a.head.constData());
        QVERIFY(QJsonDocument::fromJson(a.body).isObject());
    }
}

void tst_EmulatorWire::keepAliveAndPipelining()
{
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("GET", "/emulator/info"));
    QCOMPARE(c.read(1).answers.size(), 1);
    c.send(request("GET", "/openapi"));
    const Wire second = c.read(2);
    QCOMPARE(second.answers.size(), 2);
    QVERIFY(!second.closed);
    // Two at once: answered in order.
    c.send(request("GET", "/nope-1") + request("GET", "/nope-2"));
    const Wire w = c.read(4);
    QCOMPARE(w.answers.size(), 4);
    QVERIFY(w.answers.at(2).body.contains("/nope-1"));
    QVERIFY(w.answers.at(3).body.contains("/nope-2"));
}

void tst_EmulatorWire::connectionCloseIsHonoured()
{
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("GET", "/emulator/info", {}, "Connection: close\r\n"));
    const Wire w = c.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().header("connection").toLower(), QByteArray("close"));
    QVERIFY(c.waitClosed(2000));
}

void tst_EmulatorWire::headAnswersHaveNoBody()
{
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("HEAD", "/openapi"));
    const Wire head = c.read(1, 3000, 0, true);
    QCOMPARE(head.answers.size(), 1);
    QCOMPARE(head.answers.first().status, 405);
    QVERIFY(head.answers.first().header("content-length").toInt() > 0);
    QVERIFY(head.answers.first().body.isEmpty());
    // The connection stays usable: the next answer starts right where the head ended.
    c.send(request("GET", "/openapi"));
    const Wire next = c.read(2, 3000, 0, true);
    QVERIFY(next.bytes.indexOf("HTTP/1.1 200") > 0);
    QVERIFY(next.bytes.contains("\r\n\r\nHTTP/1.1 200 OK"));
}

void tst_EmulatorWire::expectContinueGetsAnInterimAnswer()
{
    const QByteArray body = R"({"userName":"expect@example.com"})";
    Client c(m_port);
    QVERIFY(c.connected());
    c.send("POST /emulator/sign-up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n\r\n");
    const Wire interim = c.read(0, 2000, 1);
    QCOMPARE(interim.interim, QList<int>{100});
    QVERIFY2(interim.ms < 1000, qPrintable(QString::number(interim.ms)));
    c.send(body);
    const Wire w = c.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 200);
    QVERIFY(w.answers.first().body.contains("expect@example.com"));
}

void tst_EmulatorWire::oversizedRequestsAreRefusedBeforeTheBody_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status");
    QTest::newRow("50 MB announced") << QByteArray("POST /user/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 52428800\r\n\r\n") << 413;
    QTest::newRow("length beyond 64 bits") << QByteArray("POST /user HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") << 413;
    QTest::newRow("with Expect") << QByteArray("POST /user HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n") << 413;
    QTest::newRow("emulator path too") << QByteArray("POST /emulator/sign-up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1048577\r\n\r\n") << 413;
    QTest::newRow("100 KB head") << QByteArray("GET /openapi HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + QByteArray(100 * 1024, 'p') + "\r\n\r\n") << 431;
    QTest::newRow("100 KB path") << QByteArray("GET /" + QByteArray(100 * 1024, 'p') + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 431;
}

void tst_EmulatorWire::oversizedRequestsAreRefusedBeforeTheBody()
{
    QFETCH(QByteArray, head);
    QFETCH(int, status);
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(head);
    const Wire w = c.read(1, 3000);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, status);
    QVERIFY2(w.ms < 1500, qPrintable(QString::number(w.ms)));
    QVERIFY(w.interim.isEmpty()); // no 100 Continue for a body it will not take
    QCOMPARE(w.answers.first().header("connection").toLower(), QByteArray("close"));
    QVERIFY(QJsonDocument::fromJson(w.answers.first().body).object().value(QLatin1String("error")).toString().contains(QLatin1String("limit")));
    QVERIFY(c.waitClosed(5000));
}

void tst_EmulatorWire::chunkedBodiesAreLimitedAsTheyArrive()
{
    Client c(m_port);
    QVERIFY(c.connected());
    c.send("POST /user/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    const QByteArray chunk = "400\r\n" + QByteArray(1024, ' ') + "\r\n";
    for (int i = 0; i < 1300 && c.socket().state() == QAbstractSocket::ConnectedState; ++i)
        c.socket().write(chunk);
    c.socket().waitForBytesWritten(5000);
    const Wire w = c.read(1, 5000);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 413);
}

void tst_EmulatorWire::truncatedFaultPromisesMoreThanItSends()
{
    setFault(QJsonObject{{QStringLiteral("mode"), QStringLiteral("truncated")}, {QStringLiteral("remaining"), 1}});
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("GET", "/user/u"));
    QVERIFY(c.waitClosed(3000));
    const Wire w = c.read(1, 10);
    QVERIFY(w.answers.isEmpty()); // never complete
    const qsizetype end = w.bytes.indexOf("\r\n\r\n");
    QVERIFY(end > 0);
    QVERIFY(w.bytes.startsWith("HTTP/1.1 200"));
    WireAnswer a;
    a.head = w.bytes.left(end);
    QVERIFY(a.header("content-length").toInt() > w.bytes.size() - (end + 4));
    QVERIFY(w.bytes.size() - (end + 4) > 0);
}

void tst_EmulatorWire::emptyFaultSendsNoBody()
{
    setFault(QJsonObject{{QStringLiteral("mode"), QStringLiteral("empty")}, {QStringLiteral("remaining"), 1}});
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("POST", "/authentication-token/verify", R"({"token":"x"})"));
    const Wire w = c.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 200);
    QCOMPARE(w.answers.first().header("content-length"), QByteArray("0"));
    QVERIFY(w.answers.first().body.isEmpty());
}

void tst_EmulatorWire::htmlFaultLooksLikeAGateway()
{
    setFault(QJsonObject{{QStringLiteral("mode"), QStringLiteral("html")}, {QStringLiteral("remaining"), 1}});
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("GET", "/user/u"));
    const Wire w = c.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 502);
    QVERIFY(w.answers.first().header("content-type").startsWith("text/html"));
    QVERIFY(w.answers.first().body.startsWith("<html>"));
    QVERIFY(!w.answers.first().header("date").isEmpty());
}

void tst_EmulatorWire::resetFaultDropsTheConnection()
{
    setFault(QJsonObject{{QStringLiteral("mode"), QStringLiteral("reset")}, {QStringLiteral("remaining"), 1}});
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(request("GET", "/user/u"));
    QVERIFY(c.waitClosed(3000));
    const Wire w = c.read(1, 10);
    QVERIFY(w.bytes.isEmpty());
    // Qt reports a reset (RST) and an orderly close alike.
    QCOMPARE(c.socket().error(), QAbstractSocket::RemoteHostClosedError);
}

QTEST_GUILESS_MAIN(tst_EmulatorWire)
#include "tst_emulatorwire.moc"
