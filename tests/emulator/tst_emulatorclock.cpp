// The emulator's clock-skew fault ("PlainKey's clock is off"): set through /emulator/faults, the
// Emulator API and --clock-skew, it moves the Date header, the times written into tokens and
// answers, and the expiry checks; over loopback with plain Qt Network, as any client sees it.
// The refusals written while a request is still being framed (and the faults that break HTTP)
// are read off a raw socket (wireclient.h), against an emulator on its own thread.

#include "emulatortesthelper.h"
#include "wireclient.h"

#include "emulator/emulator.h"
#include "emulator/emulatorclock.h"
#include "emulator/emulatorthread.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace plainkey::emulator;
using namespace emutest;
using namespace std::chrono_literals;

namespace {

//! The JWT's claims, decoded without checking the signature (the test reads what was written).
QJsonObject jwtClaims(const QString &token)
{
    const QStringList parts = token.split(QLatin1Char('.'));
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(parts[1].toLatin1(), QByteArray::Base64UrlEncoding)).object();
}

qint64 nowSecs()
{
    return QDateTime::currentSecsSinceEpoch();
}

//! Seconds between the answer's Date header and this computer's clock.
qint64 dateSkew(const Answer &a)
{
    const QDateTime d = httpDate(a.header("Date"));
    return d.isValid() ? QDateTime::currentDateTimeUtc().secsTo(d) : std::numeric_limits<qint64>::min();
}

//! The same for an answer read off a raw socket.
qint64 dateSkew(const QByteArray &dateHeader)
{
    const QDateTime d = httpDate(dateHeader);
    return d.isValid() ? QDateTime::currentDateTimeUtc().secsTo(d) : std::numeric_limits<qint64>::min();
}

//! Near \a expected, allowing for the test's own run time and whole-second rounding.
bool near(qint64 actual, qint64 expected)
{
    return qAbs(actual - expected) <= 5;
}

} // namespace

class tst_EmulatorClock : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void noSkewByDefault();
    void skewSetThroughFaultsMovesTheDateHeader_data();
    void skewSetThroughFaultsMovesTheDateHeader();
    void tokensAndAnswersCarryTheSkewedTimes();
    void expiryIsJudgedOnTheSkewedClock();
    void aNewFaultModeKeepsTheSkewAndResetClearsIt();
    void faultedAnswersCarryTheSkewedDateToo();
    void faultsThatBreakHttpCarryTheSkewedDate_data();
    void faultsThatBreakHttpCarryTheSkewedDate();
    void refusalsWhileFramingCarryTheSkewedDate_data();
    void refusalsWhileFramingCarryTheSkewedDate();
    void connectionsOverTheCapGetTheSkewedDate();
    void badSkewsAreRefused_data();
    void badSkewsAreRefused();
    void apiSetterClampsAndSignals();
    void programTakesClockSkew();
    void programRefusesABadClockSkew();

private:
    std::unique_ptr<Emulator> m_emu;
    QUrl m_base;
    QString m_userId;
};

void tst_EmulatorClock::init()
{
    m_emu = std::make_unique<Emulator>();
    QVERIFY(m_emu->listen());
    m_base = m_emu->baseUrl();
    const Answer up = emulatorCall(m_base, "POST", QStringLiteral("/emulator/sign-up"), {{QStringLiteral("userName"), QStringLiteral("ada@example.com")}});
    QCOMPARE(up.status, 200);
    m_userId = up.json.value(QLatin1String("userId")).toString();
}

void tst_EmulatorClock::cleanup()
{
    m_emu.reset();
}

void tst_EmulatorClock::noSkewByDefault()
{
    const Answer faults = emulatorCall(m_base, "GET", QStringLiteral("/emulator/faults"));
    QCOMPARE(faults.json.value(QLatin1String("clockSkewSeconds")).toDouble(-1), 0.0);
    QVERIFY(near(dateSkew(faults), 0));
    QCOMPARE(m_emu->clockSkew(), 0s);
}

void tst_EmulatorClock::skewSetThroughFaultsMovesTheDateHeader_data()
{
    QTest::addColumn<qint64>("skew");
    QTest::newRow("ten minutes ahead") << qint64(600);
    QTest::newRow("two hours behind") << qint64(-7200);
    QTest::newRow("one day ahead") << qint64(86400);
}

void tst_EmulatorClock::skewSetThroughFaultsMovesTheDateHeader()
{
    QFETCH(qint64, skew);
    const Answer put = emulatorCall(m_base, "PUT", QStringLiteral("/emulator/faults"), {{QStringLiteral("clockSkewSeconds"), double(skew)}});
    QCOMPARE(put.status, 200);
    QCOMPARE(qint64(put.json.value(QLatin1String("clockSkewSeconds")).toDouble()), skew);
    QCOMPARE(m_emu->clockSkew(), std::chrono::seconds(skew));

    // Every answer's Date: the Server API's access-token answer and a control answer alike.
    Session session(*m_emu);
    const Answer token = send("POST", at(m_base, QStringLiteral("/access-token")),
                              "client_id=demo-project&client_secret=demo-secret", {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(token.status, 200);
    QVERIFY2(near(dateSkew(token), skew), token.header("Date").constData());
    QVERIFY(near(dateSkew(emulatorCall(m_base, "GET", QStringLiteral("/emulator/info"))), skew));
    // An access token issued on the skewed clock is still good for its hour on it.
    QCOMPARE(session.call("GET", QStringLiteral("/user/") + m_userId).status, 200);
}

void tst_EmulatorClock::tokensAndAnswersCarryTheSkewedTimes()
{
    const qint64 skew = 3600;
    m_emu->setClockSkew(std::chrono::seconds(skew));
    const Answer in = emulatorCall(m_base, "POST", QStringLiteral("/emulator/sign-in"), {{QStringLiteral("userId"), m_userId}});
    QCOMPARE(in.status, 200);
    const QJsonObject auth = in.json.value(QLatin1String("authenticationToken")).toObject();
    const QString token = auth.value(QLatin1String("token")).toString();
    const QJsonObject claims = jwtClaims(token);
    QVERIFY(!claims.isEmpty());
    QVERIFY(near(qint64(claims.value(QLatin1String("iat")).toDouble()), nowSecs() + skew));
    QVERIFY(near(qint64(claims.value(QLatin1String("exp")).toDouble()), nowSecs() + skew + 300));
    QVERIFY(near(qint64(auth.value(QLatin1String("expiresAt")).toDouble() / 1000), nowSecs() + skew + 300));

    // The sign-in's lastUsedAt, as the Server API shows it, and verify's expiresAt.
    Session session(*m_emu);
    const Answer passkey = session.call("GET", QStringLiteral("/credential/") + in.json.value(QLatin1String("credentialId")).toString());
    QCOMPARE(passkey.status, 200);
    const QDateTime lastUsed = QDateTime::fromString(passkey.json.value(QLatin1String("lastUsedAt")).toString(), Qt::ISODateWithMs);
    QVERIFY(lastUsed.isValid());
    QVERIFY(near(lastUsed.toSecsSinceEpoch(), nowSecs() + skew));
    const Answer verified = session.verify(token);
    QCOMPARE(verified.status, 200);
    QCOMPARE(verified.json.value(QLatin1String("valid")).toBool(), true);
    const QDateTime expires = QDateTime::fromString(verified.json.value(QLatin1String("expiresAt")).toString(), Qt::ISODateWithMs);
    QVERIFY(near(expires.toSecsSinceEpoch(), nowSecs() + skew + 300));
}

void tst_EmulatorClock::expiryIsJudgedOnTheSkewedClock()
{
    // Issued ten minutes in the past (a five-minute token), judged on a correct clock: expired.
    m_emu->setClockSkew(-600s);
    const Answer old = emulatorCall(m_base, "POST", QStringLiteral("/emulator/sign-in"), {{QStringLiteral("userId"), m_userId}});
    QCOMPARE(old.status, 200);
    m_emu->setClockSkew(0s);
    Session session(*m_emu);
    const Answer a = session.verify(old.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString());
    QCOMPARE(a.status, 401);
    QCOMPARE(a.json.value(QLatin1String("error")).toString(), QStringLiteral("Token expired"));

    // A fresh token, then the clock jumps an hour ahead: expired too.
    const Answer fresh = emulatorCall(m_base, "POST", QStringLiteral("/emulator/sign-in"), {{QStringLiteral("userId"), m_userId}});
    const QString token = fresh.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QCOMPARE(session.verify(token).status, 200);
    m_emu->setClockSkew(3600s);
    Session later(*m_emu);
    const Answer b = later.verify(token);
    QCOMPARE(b.status, 401);
    QCOMPARE(b.json.value(QLatin1String("error")).toString(), QStringLiteral("Token expired"));
}

void tst_EmulatorClock::aNewFaultModeKeepsTheSkewAndResetClearsIt()
{
    QCOMPARE(emulatorCall(m_base, "PUT", QStringLiteral("/emulator/faults"), {{QStringLiteral("clockSkewSeconds"), 120}}).status, 200);
    const Answer mode = emulatorCall(m_base, "PUT", QStringLiteral("/emulator/faults"), {{QStringLiteral("mode"), QStringLiteral("none")}});
    QCOMPARE(mode.json.value(QLatin1String("clockSkewSeconds")).toDouble(), 120.0);
    QCOMPARE(emulatorCall(m_base, "POST", QStringLiteral("/emulator/reset")).status, 200);
    QCOMPARE(m_emu->clockSkew(), 0s);
    QCOMPARE(emulatorCall(m_base, "GET", QStringLiteral("/emulator/faults")).json.value(QLatin1String("clockSkewSeconds")).toDouble(-1), 0.0);
}

void tst_EmulatorClock::faultedAnswersCarryTheSkewedDateToo()
{
    QCOMPARE(emulatorCall(m_base, "PUT", QStringLiteral("/emulator/faults"),
                          {{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("status"), 503}, {QStringLiteral("clockSkewSeconds"), -900}})
                     .status,
             200);
    Session session(*m_emu);
    const Answer a = session.call("GET", QStringLiteral("/user/") + m_userId);
    QCOMPARE(a.status, 503);
    QVERIFY(near(dateSkew(a), -900));
}

namespace {

//! Two hours behind: far from any rounding, so an unskewed Date cannot pass for a skewed one.
constexpr qint64 kWireSkew = -7200;

//! Sets \a fault (the clock skew included) through the control API over a raw connection,
//! which returns once the emulator on its thread has taken it.
bool putFaults(quint16 port, const QJsonObject &fault)
{
    emutest::Client c(port);
    c.send(emutest::request("PUT", "/emulator/faults", toJson(fault)));
    const emutest::Wire w = c.read(1);
    return w.answers.size() == 1 && w.answers.first().status == 200
           && qint64(QJsonDocument::fromJson(w.answers.first().body).object().value(QLatin1String("clockSkewSeconds")).toDouble()) == kWireSkew;
}

} // namespace

void tst_EmulatorClock::faultsThatBreakHttpCarryTheSkewedDate_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("empty body") << QStringLiteral("empty");
    QTest::newRow("truncated body") << QStringLiteral("truncated");
    QTest::newRow("HTML gateway page") << QStringLiteral("html");
}

void tst_EmulatorClock::faultsThatBreakHttpCarryTheSkewedDate()
{
    QFETCH(QString, mode);
    EmulatorThread emu;
    QVERIFY2(emu.start(), qPrintable(emu.errorString()));
    const quint16 port = quint16(emu.baseUrl().port());
    QVERIFY(putFaults(port, {{QStringLiteral("mode"), mode}, {QStringLiteral("clockSkewSeconds"), double(kWireSkew)}}));
    emutest::Client c(port);
    QVERIFY(c.connected());
    c.send(emutest::request("GET", "/user/u"));
    c.waitClosed(mode == QLatin1String("truncated") ? 5000 : 500);
    const emutest::Wire w = c.read(1, 100);
    // The head is whole even when the body is not: its Date is read from the bytes.
    const qsizetype end = w.bytes.indexOf("\r\n\r\n");
    QVERIFY2(end > 0, w.bytes.constData());
    emutest::WireAnswer a;
    a.head = w.bytes.left(end);
    QVERIFY2(near(dateSkew(a.header("date")), kWireSkew), a.head.constData());
}

void tst_EmulatorClock::refusalsWhileFramingCarryTheSkewedDate_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    const QByteArray host = "Host: 127.0.0.1\r\n";
    QTest::newRow("400 malformed request line") << QByteArray("GET  /emulator/info HTTP/1.1\r\n" + host + "\r\n") << 400;
    QTest::newRow("400 bad Content-Length") << QByteArray("POST /user HTTP/1.1\r\n" + host + "Content-Length: 12abc\r\n\r\n{}") << 400;
    QTest::newRow("408 head never ends") << QByteArray("GET /emulator/info HTTP/1.1\r\n" + host + "X-Slow: a") << 408;
    QTest::newRow("408 body never ends") << QByteArray("POST /user HTTP/1.1\r\n" + host + "Content-Length: 100\r\n\r\n{") << 408;
    QTest::newRow("411 chunked body") << QByteArray("POST /user HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n") << 411;
    QTest::newRow("413 body over the limit") << QByteArray("POST /user HTTP/1.1\r\n" + host + "Content-Length: 52428800\r\n\r\n") << 413;
    QTest::newRow("431 head over 64 KB") << QByteArray("GET /openapi HTTP/1.1\r\n" + host + "X-Padding: " + QByteArray(100 * 1024, 'p') + "\r\n\r\n") << 431;
    QTest::newRow("501 unknown transfer coding") << QByteArray("POST /user HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n{}") << 501;
    QTest::newRow("505 HTTP/2.0") << QByteArray("GET /emulator/info HTTP/2.0\r\n" + host + "\r\n") << 505;
    // Answered by the emulator, but before any route: a Host that is not this computer.
    QTest::newRow("421 foreign Host") << QByteArray("GET /emulator/info HTTP/1.1\r\nHost: attacker.example\r\n\r\n") << 421;
}

void tst_EmulatorClock::refusalsWhileFramingCarryTheSkewedDate()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    EmulatorConfig config;
    config.requestTimeout = 300ms; // the 408 rows: a request not whole by then is refused
    EmulatorThread emu;
    QVERIFY2(emu.start(config), qPrintable(emu.errorString()));
    const quint16 port = quint16(emu.baseUrl().port());
    QVERIFY(putFaults(port, {{QStringLiteral("clockSkewSeconds"), double(kWireSkew)}}));
    emutest::Client c(port);
    QVERIFY(c.connected());
    c.send(bytes);
    const emutest::Wire w = c.read(1, 5000);
    QCOMPARE(w.answers.size(), 1);
    const emutest::WireAnswer &a = w.answers.first();
    QCOMPARE(a.status, status);
    QVERIFY2(near(dateSkew(a.header("date")), kWireSkew), a.head.constData());
}

void tst_EmulatorClock::connectionsOverTheCapGetTheSkewedDate()
{
    EmulatorConfig config;
    config.maxConnections = 2;
    EmulatorThread emu;
    QVERIFY2(emu.start(config), qPrintable(emu.errorString()));
    const quint16 port = quint16(emu.baseUrl().port());
    // Both connections the cap allows, each answered (so counted) and kept alive; the first
    // sets the skew.
    emutest::Client first(port);
    first.send(emutest::request("PUT", "/emulator/faults", toJson({{QStringLiteral("clockSkewSeconds"), double(kWireSkew)}})));
    QCOMPARE(first.read(1).answers.value(0).status, 200);
    emutest::Client second(port);
    second.send(emutest::request("GET", "/emulator/info"));
    const emutest::Wire info = second.read(1);
    QCOMPARE(info.answers.value(0).status, 200);
    QVERIFY(near(dateSkew(info.answers.first().header("date")), kWireSkew));

    emutest::Client over(port);
    QVERIFY(over.connected());
    over.send(emutest::request("GET", "/emulator/info"));
    const emutest::Wire w = over.read(1, 5000);
    QCOMPARE(w.answers.size(), 1);
    QCOMPARE(w.answers.first().status, 503);
    QVERIFY2(near(dateSkew(w.answers.first().header("date")), kWireSkew), w.answers.first().head.constData());
}

void tst_EmulatorClock::badSkewsAreRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("text") << QByteArray(R"({"clockSkewSeconds":"600"})");
    QTest::newRow("fraction") << QByteArray(R"({"clockSkewSeconds":1.5})");
    QTest::newRow("beyond ten years") << QByteArray(R"({"clockSkewSeconds":400000000})");
    QTest::newRow("far beyond") << QByteArray(R"({"clockSkewSeconds":1e300})");
    QTest::newRow("null") << QByteArray(R"({"clockSkewSeconds":null})");
}

void tst_EmulatorClock::badSkewsAreRefused()
{
    QFETCH(QByteArray, body);
    m_emu->setClockSkew(42s);
    const Answer a = send("PUT", at(m_base, QStringLiteral("/emulator/faults")), body, {{"Content-Type", "application/json"}});
    QCOMPARE(a.status, 400);
    QVERIFY2(a.errorText().contains(QLatin1String("clockSkewSeconds")), a.body.constData());
    QCOMPARE(m_emu->clockSkew(), 42s); // unchanged
}

void tst_EmulatorClock::apiSetterClampsAndSignals()
{
    QSignalSpy changed(m_emu.get(), &Emulator::clockSkewChanged);
    m_emu->setClockSkew(std::chrono::seconds(std::numeric_limits<qint64>::max() / 2));
    QCOMPARE(m_emu->clockSkew(), EmulatorClock::kMaxSkew);
    QCOMPARE(changed.count(), 1);
    m_emu->setClockSkew(EmulatorClock::kMaxSkew); // no change, no signal
    QCOMPARE(changed.count(), 1);
    m_emu->setClockSkew(-EmulatorClock::kMaxSkew * 3);
    QCOMPARE(m_emu->clockSkew(), -EmulatorClock::kMaxSkew);
    // Even at the extreme, answers stay well formed.
    const Answer a = emulatorCall(m_base, "GET", QStringLiteral("/emulator/info"));
    QCOMPARE(a.status, 200);
    QVERIFY(httpDate(a.header("Date")).isValid());
}

void tst_EmulatorClock::programTakesClockSkew()
{
    QProcess program;
    program.start(QStringLiteral(PLAINKEY_EMULATOR_BINARY), {QStringLiteral("--clock-skew"), QStringLiteral("-3600")});
    QVERIFY(program.waitForStarted());
    QElapsedTimer t;
    t.start();
    while (!program.canReadLine() && t.elapsed() < 15000 && program.state() == QProcess::Running)
        program.waitForReadyRead(200);
    const QUrl url(QString::fromUtf8(program.readLine()).trimmed());
    QVERIFY2(url.isValid() && url.port() > 0, qPrintable(url.toString()));
    const Answer faults = emulatorCall(url, "GET", QStringLiteral("/emulator/faults"));
    QCOMPARE(faults.json.value(QLatin1String("clockSkewSeconds")).toDouble(), -3600.0);
    QVERIFY(near(dateSkew(faults), -3600));
    program.terminate();
    QVERIFY(program.waitForFinished(10000));
}

void tst_EmulatorClock::programRefusesABadClockSkew()
{
    for (const QString &bad : {QStringLiteral("ten"), QStringLiteral("1.5"), QStringLiteral("99999999999")}) {
        QProcess program;
        program.start(QStringLiteral(PLAINKEY_EMULATOR_BINARY), {QStringLiteral("--clock-skew"), bad});
        QVERIFY(program.waitForFinished(10000));
        QVERIFY2(program.exitCode() != 0, qPrintable(bad));
        QVERIFY2(program.readAllStandardError().contains("--clock-skew"), qPrintable(bad));
    }
}

QTEST_GUILESS_MAIN(tst_EmulatorClock)
#include "tst_emulatorclock.moc"
