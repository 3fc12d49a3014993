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
#include <QThread>

#include <algorithm>
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
    void chunkedBodiesAreRefusedAtTheHead();
    void badFramingIsRefused_data();
    void badFramingIsRefused();
    void sameLengthTwiceIsOneLength();
    void headsAndBodiesArriveInPieces();
    void pipelinedRequestsWithBodies();
    void pipelinersThatDoNotReadAreSlowedNotDropped();
    void targetsAreDecoded();
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

void tst_EmulatorWire::chunkedBodiesAreRefusedAtTheHead()
{
    Client c(m_port);
    QVERIFY(c.connected());
    c.send("POST /user/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    // Chunks keep coming: the refusal does not wait for them, and they are never taken.
    const QByteArray chunk = "400\r\n" + QByteArray(1024, ' ') + "\r\n";
    for (int i = 0; i < 100 && c.socket().state() == QAbstractSocket::ConnectedState; ++i)
        c.socket().write(chunk);
    const Wire w = c.read(1, 5000);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 411);
    QCOMPARE(w.answers.first().header("connection").toLower(), QByteArray("close"));
    QVERIFY(QJsonDocument::fromJson(w.answers.first().body).object().value(QLatin1String("error")).toString().contains(QLatin1String("Content-Length")));
    QVERIFY(c.waitClosed(5000));
}

void tst_EmulatorWire::badFramingIsRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    const QByteArray post = "POST /emulator/sign-up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    const QByteArray body = R"({"userName":"frame@example.com"})";
    QTest::newRow("letters in Content-Length") << post + "Content-Length: 12abc\r\n\r\n" + body << 400;
    QTest::newRow("signed Content-Length") << post + "Content-Length: +33\r\n\r\n" + body << 400;
    QTest::newRow("negative Content-Length") << post + "Content-Length: -5\r\n\r\n" + body << 400;
    QTest::newRow("list in Content-Length") << post + "Content-Length: 33, 33\r\n\r\n" + body << 400;
    QTest::newRow("two different lengths") << post + "Content-Length: 2\r\nContent-Length: 33\r\n\r\n" + body << 400;
    QTest::newRow("empty Content-Length") << post + "Content-Length:\r\n\r\n" + body << 400;
    QTest::newRow("chunked and a length") << post + "Content-Length: 33\r\nTransfer-Encoding: chunked\r\n\r\n" + body << 411;
    QTest::newRow("gzip coding") << post + "Transfer-Encoding: gzip\r\n\r\n" + body << 501;
    QTest::newRow("folded header") << post + "X-Folded: one\r\n two\r\nContent-Length: 33\r\n\r\n" + body << 400;
    static const char nulHeader[] = "X-Nul: a\0b\r\nContent-Length: 33\r\n\r\n";
    QTest::newRow("NUL in a header") << post + QByteArray(nulHeader, sizeof nulHeader - 1) + body << 400;
    QTest::newRow("bare CR in a header") << post + "X-Cr: a\rb\r\nContent-Length: 33\r\n\r\n" + body << 400;
    QTest::newRow("space in a header name") << post + "Content Length: 33\r\n\r\n" + body << 400;
    QTest::newRow("space before the colon") << post + "Content-Length : 33\r\n\r\n" + body << 400;
    QTest::newRow("HTTP/2.0") << QByteArray("GET /emulator/info HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n") << 505;
    QTest::newRow("no version") << QByteArray("GET /emulator/info\r\nHost: 127.0.0.1\r\n\r\n") << 400;
    QTest::newRow("two spaces") << QByteArray("GET  /emulator/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 400;
    QTest::newRow("asterisk target") << QByteArray("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 400;
    QTest::newRow("authority target") << QByteArray("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n") << 400;
}

void tst_EmulatorWire::badFramingIsRefused()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    {
        Client c(m_port);
        QVERIFY(c.connected());
        c.send(bytes);
        const Wire w = c.read(1, 3000);
        QCOMPARE(w.answers.size(), 1);
        QCOMPARE(w.answers.first().status, status);
        QCOMPARE(w.answers.first().header("connection").toLower(), QByteArray("close"));
        QVERIFY(!QJsonDocument::fromJson(w.answers.first().body).object().value(QLatin1String("error")).toString().isEmpty());
        QVERIFY(c.waitClosed(5000));
    }
    // Nothing of it reached the store, and the next client is served.
    Client next(m_port);
    next.send(request("GET", "/emulator/info"));
    const Wire w = next.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 200);
    QCOMPARE(QJsonDocument::fromJson(w.answers.first().body).object().value(QLatin1String("users")).toInt(), 0);
}

void tst_EmulatorWire::sameLengthTwiceIsOneLength()
{
    const QByteArray body = R"({"userName":"twice@example.com"})";
    const QByteArray length = "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    Client c(m_port);
    QVERIFY(c.connected());
    c.send("POST /emulator/sign-up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + length + length + "\r\n" + body);
    const Wire w = c.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 200);
}

void tst_EmulatorWire::headsAndBodiesArriveInPieces()
{
    const QByteArray body = R"({"userName":"pieces@example.com"})";
    const QByteArray bytes = request("POST", "/emulator/sign-up", body);
    const qsizetype headSize = bytes.indexOf("\r\n\r\n") + 4;
    Client c(m_port);
    QVERIFY(c.connected());
    // The head a few bytes at a time, "\r\n\r\n" split across writes too.
    for (qsizetype at = 0; at < headSize; at += 7) {
        c.send(bytes.mid(at, qMin<qsizetype>(7, headSize - at)));
        QThread::msleep(2);
    }
    // Nothing is answered before the body is whole.
    c.send(bytes.mid(headSize, 10));
    QCOMPARE(c.read(1, 300).answers.size(), 0);
    c.send(bytes.mid(headSize + 10, 10));
    QThread::msleep(2);
    c.send(bytes.mid(headSize + 20));
    const Wire w = c.read(1);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 200);
    QVERIFY(w.answers.first().body.contains("pieces@example.com"));
    QVERIFY(!w.closed);
}

void tst_EmulatorWire::pipelinedRequestsWithBodies()
{
    Client c(m_port);
    QVERIFY(c.connected());
    // Three requests with bodies, a stray CRLF between two of them (ignored, RFC 9112 2.2),
    // and a GET, in one write: answered in order, each body kept to its own request.
    c.send(request("POST", "/emulator/sign-up", R"({"userName":"one@example.com"})") + "\r\n"
           + request("POST", "/emulator/sign-up", R"({"userName":"two@example.com"})")
           + request("POST", "/emulator/sign-up", R"({"userName":"three@example.com"})") + request("GET", "/emulator/info"));
    const Wire w = c.read(4);
    QCOMPARE(w.answers.size(), 4);
    QVERIFY(w.answers.at(0).body.contains("one@example.com"));
    QVERIFY(w.answers.at(1).body.contains("two@example.com"));
    QVERIFY(w.answers.at(2).body.contains("three@example.com"));
    QCOMPARE(QJsonDocument::fromJson(w.answers.at(3).body).object().value(QLatin1String("users")).toInt(), 3);
    QVERIFY(!w.closed);
}

void tst_EmulatorWire::pipelinersThatDoNotReadAreSlowedNotDropped()
{
    // About ten megabytes of answers asked for before reading any (more than the kernel's
    // buffers hold): the emulator stops taking requests while a megabyte of answers waits
    // (instead of buffering them all), and resumes as they are read. Every request is
    // answered, in order.
    const int count = 20000;
    const QByteArray padding(180, 'p');
    QByteArray bytes;
    for (int i = 0; i < count; ++i)
        bytes += request("GET", "/" + padding + QByteArray::number(i));
    Client c(m_port);
    QVERIFY(c.connected());
    c.socket().write(bytes);
    QThread::msleep(500);
    QByteArray received;
    qsizetype heads = 0;
    QElapsedTimer t;
    t.start();
    while (heads < count && t.elapsed() < 60000 && c.socket().state() == QAbstractSocket::ConnectedState) {
        c.socket().waitForReadyRead(1000);
        const qsizetype before = qMax<qsizetype>(0, received.size() - 3);
        received += c.socket().readAll();
        for (qsizetype at = received.indexOf("\r\n\r\n", before); at >= 0; at = received.indexOf("\r\n\r\n", at + 4))
            ++heads;
    }
    QList<WireAnswer> answers;
    QList<int> interim;
    QByteArray rest;
    emutest::parseAnswers(received, &answers, &interim, &rest);
    QCOMPARE(answers.size(), count);
    QVERIFY(answers.first().body.contains(padding + "0\""));
    QVERIFY(answers.last().body.contains(padding + QByteArray::number(count - 1) + "\""));
    QVERIFY(std::all_of(answers.cbegin(), answers.cend(), [](const WireAnswer &a) { return a.status == 404; }));
}

void tst_EmulatorWire::targetsAreDecoded()
{
    Client c(m_port);
    QVERIFY(c.connected());
    // An absolute URI names this server: its path is routed. A query and a fragment are not
    // part of the path; escapes in the path are decoded for messages.
    c.send("GET http://127.0.0.1:" + QByteArray::number(m_port) + "/emulator/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
           + request("GET", "/emulator/info?verbose=1#top") + request("GET", "/no%20such%2Fplace?x=%41"));
    const Wire w = c.read(3);
    QCOMPARE(w.answers.size(), 3);
    QCOMPARE(w.answers.at(0).status, 200);
    QCOMPARE(w.answers.at(1).status, 200);
    QCOMPARE(w.answers.at(2).status, 404);
    QVERIFY2(QJsonDocument::fromJson(w.answers.at(2).body).object().value(QLatin1String("error")).toString().contains(QLatin1String("/no such/place")),
             w.answers.at(2).body.constData());
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
