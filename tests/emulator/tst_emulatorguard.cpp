// The emulator against hostile web pages and clients, as it runs on a developer's laptop while
// they browse: DNS rebinding (a foreign Host), cross-site requests to /emulator/ (a foreign
// Origin, a form or text/plain POST), connections that send nothing or dribble a head, too
// many connections, and a store filled without end. Raw sockets and plain Qt Network over
// loopback; the emulator runs on an EmulatorThread so the test can block on its sockets.

#include "emulatortesthelper.h"
#include "wireclient.h"

#include "emulator/emulatorthread.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>
#include <vector>

using namespace plainkey::emulator;
using namespace std::chrono_literals;
using emutest::Client;
using emutest::Wire;
using emutest::WireAnswer;

namespace {

//! A request with exactly the head given (no Host added).
QByteArray rawRequest(const QByteArray &method, const QByteArray &path, const QByteArray &headers, const QByteArray &body = {})
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\n" + headers;
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return r + "\r\n" + body;
}

//! The one answer to \a bytes sent on a new connection.
WireAnswer answerTo(quint16 port, const QByteArray &bytes)
{
    Client c(port);
    if (!c.connected())
        return {};
    c.send(bytes);
    const Wire w = c.read(1, 5000);
    return w.answers.isEmpty() ? WireAnswer{} : w.answers.first();
}

QString errorOf(const WireAnswer &a)
{
    return QJsonDocument::fromJson(a.body).object().value(QLatin1String("error")).toString();
}

} // namespace

class tst_EmulatorGuard : public QObject
{
    Q_OBJECT
private slots:
    void cleanup();
    void foreignHostsAreRefused_data();
    void foreignHostsAreRefused();
    void loopbackHostsAreServed_data();
    void loopbackHostsAreServed();
    void configuredHostNamesAreServed();
    void controlApiRefusesCrossSiteWrites_data();
    void controlApiRefusesCrossSiteWrites();
    void controlApiServesItsOwnOriginAndPlainClients();
    void controlApiRefusesForeignOriginsOnReads();
    void silentConnectionsAreClosed();
    void idleKeepAliveConnectionsAreClosed();
    void dribbledHeadsAreClosed();
    void promptRequestsAreServedDespiteShortTimeouts();
    void connectionsOverTheCapGet503();
    void userCapIsEnforced();
    void passkeyCapIsEnforced();

private:
    bool start(const EmulatorConfig &config = {});
    //! GET /emulator/info's user count (over a plain, allowed request).
    int users();

    std::unique_ptr<EmulatorThread> m_emu;
    quint16 m_port = 0;
};

bool tst_EmulatorGuard::start(const EmulatorConfig &config)
{
    m_emu = std::make_unique<EmulatorThread>();
    if (!m_emu->start(config))
        return false;
    m_port = quint16(m_emu->baseUrl().port());
    return m_port != 0;
}

int tst_EmulatorGuard::users()
{
    const emutest::Answer a = emutest::emulatorCall(m_emu->baseUrl(), "GET", QStringLiteral("/emulator/info"));
    return a.status == 200 ? a.json.value(QLatin1String("users")).toInt(-1) : -1;
}

void tst_EmulatorGuard::cleanup()
{
    m_emu.reset();
}

void tst_EmulatorGuard::foreignHostsAreRefused_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QByteArray>("path");
    // %1 is the emulator's port: a rebinding page reaches it by its own name and that port.
    QTest::newRow("rebinding name, Server API") << QByteArray("attacker.example:%1") << QByteArray("/openapi");
    QTest::newRow("rebinding name, control API") << QByteArray("attacker.example:%1") << QByteArray("/emulator/info");
    QTest::newRow("rebinding name, unknown path") << QByteArray("attacker.example") << QByteArray("/nowhere");
    QTest::newRow("loopback-looking prefix") << QByteArray("127.0.0.1.attacker.example:%1") << QByteArray("/openapi");
    QTest::newRow("localhost as a subdomain") << QByteArray("localhost.attacker.example:%1") << QByteArray("/openapi");
    QTest::newRow("any address") << QByteArray("0.0.0.0:%1") << QByteArray("/openapi");
    QTest::newRow("LAN address") << QByteArray("192.168.1.20:%1") << QByteArray("/openapi");
    QTest::newRow("IPv6 other than ::1") << QByteArray("[fe80::1]:%1") << QByteArray("/openapi");
    QTest::newRow("userinfo trick") << QByteArray("localhost@attacker.example") << QByteArray("/openapi");
    QTest::newRow("bad port") << QByteArray("localhost:http") << QByteArray("/openapi");
}

void tst_EmulatorGuard::foreignHostsAreRefused()
{
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, path);
    QVERIFY(start());
    host.replace("%1", QByteArray::number(m_port));
    const WireAnswer a = answerTo(m_port, rawRequest("GET", path, "Host: " + host + "\r\n"));
    QCOMPARE(a.status, 421);
    QCOMPARE(a.header("content-type"), QByteArray("application/json"));
    QVERIFY2(errorOf(a).contains(QLatin1String("Host")), a.body.constData());
    QVERIFY2(errorOf(a).contains(QLatin1String("--host-name")), a.body.constData());

    // Not even a fault or a state change gets through: a foreign reset leaves the store alone.
    m_emu->seedDemoData();
    const int before = users();
    QVERIFY(before > 0);
    const WireAnswer reset = answerTo(m_port, rawRequest("POST", "/emulator/reset", "Host: " + host + "\r\nContent-Type: application/json\r\n", "{}"));
    QCOMPARE(reset.status, 421);
    QCOMPARE(users(), before);
}

void tst_EmulatorGuard::loopbackHostsAreServed_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::newRow("127.0.0.1 with port") << QByteArray("127.0.0.1:%1");
    QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1");
    QTest::newRow("127.x.x.x") << QByteArray("127.8.9.10:%1");
    QTest::newRow("localhost") << QByteArray("localhost:%1");
    QTest::newRow("LOCALHOST") << QByteArray("LOCALHOST:%1");
    QTest::newRow("localhost with a trailing dot") << QByteArray("localhost.:%1");
    QTest::newRow("*.localhost") << QByteArray("app.localhost:%1");
    QTest::newRow("[::1]") << QByteArray("[::1]:%1");
    QTest::newRow("[::1] without port") << QByteArray("[::1]");
}

void tst_EmulatorGuard::loopbackHostsAreServed()
{
    QFETCH(QByteArray, host);
    QVERIFY(start());
    host.replace("%1", QByteArray::number(m_port));
    QCOMPARE(answerTo(m_port, rawRequest("GET", "/openapi", "Host: " + host + "\r\n")).status, 200);
    QCOMPARE(answerTo(m_port, rawRequest("GET", "/emulator/info", "Host: " + host + "\r\n")).status, 200);
}

void tst_EmulatorGuard::configuredHostNamesAreServed()
{
    EmulatorConfig config;
    config.hostNames = {QStringLiteral("devbox.test"), QStringLiteral("192.168.1.20")};
    QVERIFY(start(config));
    const QByteArray port = QByteArray::number(m_port);
    QCOMPARE(answerTo(m_port, rawRequest("GET", "/openapi", "Host: devbox.test:" + port + "\r\n")).status, 200);
    QCOMPARE(answerTo(m_port, rawRequest("GET", "/openapi", "Host: DEVBOX.test\r\n")).status, 200);
    QCOMPARE(answerTo(m_port, rawRequest("GET", "/openapi", "Host: 192.168.1.20:" + port + "\r\n")).status, 200);
    QCOMPARE(answerTo(m_port, rawRequest("GET", "/openapi", "Host: localhost:" + port + "\r\n")).status, 200);
    // A name is not a suffix: sub.devbox.test is another name.
    QCOMPARE(answerTo(m_port, rawRequest("GET", "/openapi", "Host: sub.devbox.test:" + port + "\r\n")).status, 421);
}

void tst_EmulatorGuard::controlApiRefusesCrossSiteWrites_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");
    // What a web page can send without a CORS preflight: a form or text/plain POST.
    QTest::newRow("form POST") << QByteArray("Content-Type: application/x-www-form-urlencoded\r\nOrigin: http://attacker.example\r\n") << 403;
    QTest::newRow("form POST, no Origin") << QByteArray("Content-Type: application/x-www-form-urlencoded\r\n") << 415;
    QTest::newRow("multipart form") << QByteArray("Content-Type: multipart/form-data; boundary=x\r\n") << 415;
    QTest::newRow("text/plain") << QByteArray("Content-Type: text/plain\r\n") << 415;
    QTest::newRow("text/plain cross-origin") << QByteArray("Content-Type: text/plain;charset=UTF-8\r\nOrigin: http://attacker.example\r\n") << 403;
    QTest::newRow("no Content-Type") << QByteArray() << 415;
    QTest::newRow("JSON-looking suffix") << QByteArray("Content-Type: application/json-seq\r\n") << 415;
    QTest::newRow("JSON from another origin") << QByteArray("Content-Type: application/json\r\nOrigin: http://attacker.example\r\n") << 403;
    QTest::newRow("JSON from another local port") << QByteArray("Content-Type: application/json\r\nOrigin: http://localhost:1\r\n") << 403;
    QTest::newRow("JSON from an opaque origin") << QByteArray("Content-Type: application/json\r\nOrigin: null\r\n") << 403;
    QTest::newRow("JSON from https") << QByteArray("Content-Type: application/json\r\nOrigin: https://127.0.0.1:%1\r\n") << 403;
}

void tst_EmulatorGuard::controlApiRefusesCrossSiteWrites()
{
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    QVERIFY(start());
    headers.replace("%1", QByteArray::number(m_port));
    m_emu->seedDemoData();
    const int before = users();
    QVERIFY(before > 0);
    for (const QByteArray &path : {QByteArray("/emulator/reset"), QByteArray("/server/emulator/reset")}) {
        const WireAnswer a = answerTo(m_port, rawRequest("POST", path, "Host: 127.0.0.1:" + QByteArray::number(m_port) + "\r\n" + headers, "{}"));
        QCOMPARE(a.status, status);
        QCOMPARE(a.header("content-type"), QByteArray("application/json"));
        QVERIFY2(!errorOf(a).isEmpty(), a.body.constData());
        QCOMPARE(users(), before);
    }
    // The other writes are guarded the same way.
    const WireAnswer signUp = answerTo(m_port, rawRequest("POST", "/emulator/sign-up", "Host: localhost\r\n" + headers, "{}"));
    QCOMPARE(signUp.status, status);
    const WireAnswer faults = answerTo(m_port, rawRequest("PUT", "/emulator/faults", "Host: localhost\r\n" + headers, "{\"mode\":\"reset\"}"));
    QCOMPARE(faults.status, status);
    QCOMPARE(users(), before);
    QCOMPARE(emutest::emulatorCall(m_emu->baseUrl(), "GET", QStringLiteral("/emulator/faults")).json.value(QLatin1String("mode")).toString(),
             QStringLiteral("none"));
}

void tst_EmulatorGuard::controlApiServesItsOwnOriginAndPlainClients()
{
    QVERIFY(start());
    const QByteArray port = QByteArray::number(m_port);
    m_emu->seedDemoData();
    QVERIFY(users() > 0);
    // Its own origin (a page the emulator serves), by either loopback name.
    const WireAnswer own = answerTo(m_port, rawRequest("POST", "/emulator/seed", "Host: 127.0.0.1:" + port + "\r\nOrigin: http://127.0.0.1:" + port
                                                                                       + "\r\nContent-Type: application/json; charset=utf-8\r\n",
                                                        "{}"));
    QCOMPARE(own.status, 200);
    const WireAnswer ownName = answerTo(m_port, rawRequest("POST", "/emulator/seed", "Host: localhost:" + port + "\r\nOrigin: http://localhost:" + port
                                                                                           + "\r\nContent-Type: Application/JSON\r\n",
                                                            "{}"));
    QCOMPARE(ownName.status, 200);
    // A program (curl, the console, the tests) sends no Origin; an empty JSON body is fine.
    const WireAnswer plain = answerTo(m_port, rawRequest("POST", "/emulator/reset", "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"));
    QCOMPARE(plain.status, 200);
    QCOMPARE(users(), 0);
}

void tst_EmulatorGuard::controlApiRefusesForeignOriginsOnReads()
{
    QVERIFY(start());
    const WireAnswer a = answerTo(m_port, rawRequest("GET", "/emulator/info", "Host: localhost\r\nOrigin: http://attacker.example\r\n"));
    QCOMPARE(a.status, 403);
    QVERIFY2(errorOf(a).contains(QLatin1String("Origin")), a.body.constData());
    // The Server API is not the control API: its guard is the access token.
    QCOMPARE(answerTo(m_port, rawRequest("GET", "/openapi", "Host: localhost\r\nOrigin: http://attacker.example\r\n")).status, 200);
}

void tst_EmulatorGuard::silentConnectionsAreClosed()
{
    EmulatorConfig config;
    config.idleTimeout = 200ms;
    config.requestTimeout = 200ms;
    QVERIFY(start(config));
    Client c(m_port);
    QVERIFY(c.connected());
    // Sends nothing at all: closed without an answer.
    QVERIFY(c.waitClosed(10000));
    QVERIFY(c.read(1, 100).answers.isEmpty());
}

void tst_EmulatorGuard::idleKeepAliveConnectionsAreClosed()
{
    EmulatorConfig config;
    config.idleTimeout = 300ms;
    QVERIFY(start(config));
    Client c(m_port);
    QVERIFY(c.connected());
    c.send(emutest::request("GET", "/emulator/info"));
    const Wire first = c.read(1);
    QCOMPARE(first.answers.size(), 1);
    QCOMPARE(first.answers.first().status, 200);
    // Then says nothing more: the kept-alive connection is closed.
    QVERIFY(c.waitClosed(10000));
}

void tst_EmulatorGuard::dribbledHeadsAreClosed()
{
    EmulatorConfig config;
    config.idleTimeout = 5000ms;
    config.requestTimeout = 300ms;
    QVERIFY(start(config));
    Client c(m_port);
    QVERIFY(c.connected());
    // A head that never ends, one byte every 50 ms, each byte well within the idle timeout.
    c.send("GET /openapi HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    bool closed = false;
    for (int i = 0; i < 400 && !closed; ++i) {
        c.send("a");
        closed = c.waitClosed(50);
    }
    QVERIFY2(closed, "a head dribbled for 20 s is still being read");
    const Wire w = c.read(1, 100);
    // It was told why before the connection closed.
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 408);
    QVERIFY(QJsonDocument::fromJson(w.answers.first().body).isObject());

    // And a dribbled body with a Content-Length is cut off the same way.
    Client body(m_port);
    QVERIFY(body.connected());
    body.send("PUT /emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
    closed = false;
    for (int i = 0; i < 400 && !closed; ++i) {
        body.send(" ");
        closed = body.waitClosed(50);
    }
    QVERIFY2(closed, "a body dribbled for 20 s is still being read");
}

void tst_EmulatorGuard::promptRequestsAreServedDespiteShortTimeouts()
{
    EmulatorConfig config;
    config.idleTimeout = 2000ms;
    config.requestTimeout = 2000ms;
    QVERIFY(start(config));
    // Latency is not the client's slowness: a delayed answer still arrives.
    m_emu->setLatency(2500ms);
    const emutest::Answer a = emutest::send("GET", emutest::at(m_emu->baseUrl(), QStringLiteral("/openapi")));
    QCOMPARE(a.status, 200);
}

void tst_EmulatorGuard::connectionsOverTheCapGet503()
{
    EmulatorConfig config;
    config.maxConnections = 4;
    QVERIFY(start(config));
    std::vector<std::unique_ptr<Client>> held;
    for (int i = 0; i < config.maxConnections; ++i) {
        held.push_back(std::make_unique<Client>(m_port));
        QVERIFY(held.back()->connected());
        // Answered, so the emulator has surely accepted and counted it; kept alive.
        held.back()->send(emutest::request("GET", "/emulator/info"));
        QCOMPARE(held.back()->read(1).answers.size(), 1);
    }
    Client over(m_port);
    QVERIFY(over.connected());
    over.send(emutest::request("GET", "/emulator/info"));
    const Wire w = over.read(1, 5000);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 503);
    QCOMPARE(w.answers.first().header("connection").toLower(), QByteArray("close"));
    QVERIFY(QJsonDocument::fromJson(w.answers.first().body).object().value(QLatin1String("error")).toString().contains(QLatin1String("connections")));
    QVERIFY(over.waitClosed(10000));

    // The held ones still work; once one goes, a new connection is served again.
    held.front()->send(emutest::request("GET", "/emulator/info"));
    QCOMPARE(held.front()->read(1).answers.value(0).status, 200);
    held.pop_back();
    int status = 0;
    for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
        Client again(m_port);
        again.send(emutest::request("GET", "/emulator/info"));
        status = again.read(1, 5000).answers.value(0).status;
        if (status != 200)
            QTest::qWait(50);
    }
    QCOMPARE(status, 200);
}

void tst_EmulatorGuard::userCapIsEnforced()
{
    EmulatorConfig config;
    config.maxUsers = 3;
    QVERIFY(start(config));
    const emutest::Session s(m_emu->baseUrl(), config.projectId, config.clientSecret);
    QVERIFY(!s.token().isEmpty());
    QCOMPARE(s.call("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("a")}}).status, 200);
    // A batch that would pass the cap is refused whole.
    const emutest::Answer bulk = s.call("POST", QStringLiteral("/user/bulk"),
                                        QJsonObject{{QStringLiteral("users"), QJsonArray{QJsonObject{{QStringLiteral("userName"), QStringLiteral("b")}},
                                                                                         QJsonObject{{QStringLiteral("userName"), QStringLiteral("c")}},
                                                                                         QJsonObject{{QStringLiteral("userName"), QStringLiteral("d")}}}}});
    QCOMPARE(bulk.status, 507);
    QVERIFY2(bulk.errorText().contains(QLatin1String("3 users")), qPrintable(bulk.errorText()));
    QCOMPARE(users(), 1);
    QCOMPARE(s.call("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("b")}}).status, 200);
    QCOMPARE(emutest::emulatorCall(m_emu->baseUrl(), "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{}).status, 200);
    const emutest::Answer full = s.call("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("e")}});
    QCOMPARE(full.status, 507);
    QVERIFY2(full.errorText().contains(QLatin1String("3 users")), qPrintable(full.errorText()));
    QCOMPARE(emutest::emulatorCall(m_emu->baseUrl(), "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{}).status, 507);
    QCOMPARE(users(), 3);
    // Deleting one makes room again.
    QCOMPARE(s.call("DELETE", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("a")}}}}).status, 200);
    QCOMPARE(s.call("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("e")}}).status, 200);
}

void tst_EmulatorGuard::passkeyCapIsEnforced()
{
    EmulatorConfig config;
    config.maxPasskeys = 2;
    QVERIFY(start(config));
    const QUrl base = m_emu->baseUrl();
    QCOMPARE(emutest::emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("a")}}).status, 200);
    QCOMPARE(emutest::emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("b")}}).status, 200);
    const emutest::Answer full = emutest::emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("c")}});
    QCOMPARE(full.status, 507);
    QVERIFY2(full.errorText().contains(QLatin1String("2 passkeys")), qPrintable(full.errorText()));
    // No half a user left behind: the refused sign-up created nobody.
    QCOMPARE(users(), 2);
    // Seeding the demo users stops at the cap too, without failing the call.
    QCOMPARE(emutest::emulatorCall(base, "POST", QStringLiteral("/emulator/seed")).status, 200);
    const emutest::Session s(base, config.projectId, config.clientSecret);
    int passkeys = 0;
    const emutest::Answer a = s.call("GET", QStringLiteral("/user?userName=a"));
    QCOMPARE(a.status, 200);
    for (const QString &name : {QStringLiteral("a"), QStringLiteral("b")}) {
        const QString id = s.call("GET", QStringLiteral("/user?userName=") + name).json.value(QLatin1String("id")).toString();
        passkeys += int(s.call("GET", QStringLiteral("/user/%1/credentials").arg(id)).array.size());
    }
    QCOMPARE(passkeys, 2);
}

QTEST_GUILESS_MAIN(tst_EmulatorGuard)
#include "tst_emulatorguard.moc"
