// ExchangeLog: a bounded buffer of exchanges in order, IDs that keep naming the same
// exchange after the oldest are dropped, bodies capped and flagged, and the signals a model
// needs to stay in step.

#include "core/log/exchangelog.h"

#include <QSignalSpy>
#include <QTest>

using namespace plainkey;

namespace {

Exchange make(const QString &operation, const QByteArray &requestBody = {})
{
    Exchange e;
    e.operation = operation;
    e.method = "POST";
    e.url = QStringLiteral("https://api.plainkey.io/server/user");
    e.requestBody = requestBody;
    return e;
}

QStringList operations(const ExchangeLog &log)
{
    QStringList out;
    for (int i = 0; i < log.size(); ++i)
        out.append(log.at(i).operation);
    return out;
}

} // namespace

class TestExchangeLog : public QObject
{
    Q_OBJECT

private slots:
    void startsEmptyWithDocumentedDefaults();
    void appendKeepsOrderAndGivesRisingIds();
    void appendIgnoresTheCallersId();
    void appendSignalsAboutToBeAndAppendedWithTheIndex();
    void capacityDropsTheOldestFirst();
    void trimmingSignalsTheCountBeforeAndAfter();
    void idsStillFindTheirExchangeAfterTrimming();
    void indexOfUnknownIds_data();
    void indexOfUnknownIds();
    void loweringTheCapacityTrimsAtOnce();
    void capacityBelowOneKeepsOne_data();
    void capacityBelowOneKeepsOne();
    void updateChangesInPlaceAndSignalsTheIndex();
    void updateOfADroppedExchangeDoesNothing();
    void longResponseBodyIsCutAndFlagged();
    void responseBodyAtTheLimitIsKeptWhole();
    void longRequestBodyIsCutAndFlagged();
    void negativeBodyLimitKeepsNothingButFlagsIt();
    void clearEmptiesAndSignalsOnce();
    void clearOfAnEmptyLogSignalsNothing();
    void idsKeepRisingAfterClear();
    void snapshotIsACopyOldestFirst();
    void manyAppendsStayBounded();
};

void TestExchangeLog::startsEmptyWithDocumentedDefaults()
{
    ExchangeLog log;
    QCOMPARE(log.size(), 0);
    QCOMPARE(log.capacity(), 100000);
    QCOMPARE(log.maxBodyBytes(), qsizetype(256 * 1024));
    QVERIFY(log.snapshot().isEmpty());
    QCOMPARE(log.find(1), nullptr);
    QCOMPARE(log.indexOf(1), -1);
}

void TestExchangeLog::appendKeepsOrderAndGivesRisingIds()
{
    ExchangeLog log;
    const quint64 a = log.append(make(QStringLiteral("first")));
    const quint64 b = log.append(make(QStringLiteral("second")));
    const quint64 c = log.append(make(QStringLiteral("third")));
    QCOMPARE(a, quint64(1));
    QCOMPARE(b, quint64(2));
    QCOMPARE(c, quint64(3));
    QCOMPARE(operations(log), QStringList({"first", "second", "third"}));
    QCOMPARE(log.at(1).id, b);
    QCOMPARE(log.find(c)->operation, QStringLiteral("third"));
}

void TestExchangeLog::appendIgnoresTheCallersId()
{
    ExchangeLog log;
    Exchange e = make(QStringLiteral("forged id"));
    e.id = 999;
    const quint64 id = log.append(e);
    QCOMPARE(id, quint64(1));
    QCOMPARE(log.at(0).id, quint64(1));
    QCOMPARE(log.find(999), nullptr);
}

void TestExchangeLog::appendSignalsAboutToBeAndAppendedWithTheIndex()
{
    ExchangeLog log;
    log.append(make(QStringLiteral("zero")));
    QList<QString> order;
    int sizeSeenBefore = -1;
    int sizeSeenAfter = -1;
    connect(&log, &ExchangeLog::exchangeAboutToBeAppended, this, [&](int index) {
        order.append(QStringLiteral("about:%1").arg(index));
        sizeSeenBefore = log.size();
    });
    connect(&log, &ExchangeLog::exchangeAppended, this, [&](int index) {
        order.append(QStringLiteral("appended:%1").arg(index));
        sizeSeenAfter = log.size();
    });
    log.append(make(QStringLiteral("one")));
    QCOMPARE(order, QList<QString>({"about:1", "appended:1"}));
    // A model calls beginInsertRows in the first and endInsertRows in the second: the size
    // must change between them, not before.
    QCOMPARE(sizeSeenBefore, 1);
    QCOMPARE(sizeSeenAfter, 2);
}

void TestExchangeLog::capacityDropsTheOldestFirst()
{
    ExchangeLog log;
    log.setCapacity(3);
    for (int i = 1; i <= 5; ++i)
        log.append(make(QString::number(i)));
    QCOMPARE(log.size(), 3);
    QCOMPARE(operations(log), QStringList({"3", "4", "5"}));
    QCOMPARE(log.at(0).id, quint64(3));
}

void TestExchangeLog::trimmingSignalsTheCountBeforeAndAfter()
{
    ExchangeLog log;
    log.setCapacity(2);
    log.append(make(QStringLiteral("a")));
    log.append(make(QStringLiteral("b")));
    QStringList order;
    connect(&log, &ExchangeLog::exchangesAboutToBeTrimmed, this, [&](int count) {
        order.append(QStringLiteral("trim?%1 size=%2").arg(count).arg(log.size()));
    });
    connect(&log, &ExchangeLog::exchangesTrimmed, this, [&](int count) {
        order.append(QStringLiteral("trimmed%1 size=%2").arg(count).arg(log.size()));
    });
    connect(&log, &ExchangeLog::exchangeAboutToBeAppended, this, [&](int index) {
        order.append(QStringLiteral("append?%1").arg(index));
    });
    log.append(make(QStringLiteral("c")));
    // The oldest goes before the new one arrives, so the new index is within capacity.
    QCOMPARE(order, QStringList({"trim?1 size=2", "trimmed1 size=1", "append?1"}));
}

void TestExchangeLog::idsStillFindTheirExchangeAfterTrimming()
{
    ExchangeLog log;
    log.setCapacity(3);
    QList<quint64> ids;
    for (int i = 0; i < 7; ++i)
        ids.append(log.append(make(QStringLiteral("op%1").arg(i))));
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(log.indexOf(ids[i]), -1);
        QCOMPARE(log.find(ids[i]), nullptr);
    }
    for (int i = 4; i < 7; ++i) {
        QCOMPARE(log.indexOf(ids[i]), i - 4);
        QCOMPARE(log.find(ids[i])->operation, QStringLiteral("op%1").arg(i));
    }
}

void TestExchangeLog::indexOfUnknownIds_data()
{
    QTest::addColumn<quint64>("id");
    QTest::newRow("zero") << quint64(0);
    QTest::newRow("next, not yet given") << quint64(4);
    QTest::newRow("far future") << quint64(1000000);
    QTest::newRow("largest") << std::numeric_limits<quint64>::max();
}

void TestExchangeLog::indexOfUnknownIds()
{
    QFETCH(quint64, id);
    ExchangeLog log;
    for (int i = 0; i < 3; ++i)
        log.append(make(QStringLiteral("x")));
    QCOMPARE(log.indexOf(id), -1);
    QCOMPARE(log.find(id), nullptr);
}

void TestExchangeLog::loweringTheCapacityTrimsAtOnce()
{
    ExchangeLog log;
    for (int i = 1; i <= 6; ++i)
        log.append(make(QString::number(i)));
    QSignalSpy about(&log, &ExchangeLog::exchangesAboutToBeTrimmed);
    QSignalSpy trimmed(&log, &ExchangeLog::exchangesTrimmed);
    log.setCapacity(2);
    QCOMPARE(log.capacity(), 2);
    QCOMPARE(operations(log), QStringList({"5", "6"}));
    QCOMPARE(about.count(), 1);
    QCOMPARE(about.at(0).at(0).toInt(), 4);
    QCOMPARE(trimmed.count(), 1);
    QCOMPARE(trimmed.at(0).at(0).toInt(), 4);

    // Raising it again brings nothing back and signals nothing.
    log.setCapacity(10);
    QCOMPARE(log.size(), 2);
    QCOMPARE(about.count(), 1);
}

void TestExchangeLog::capacityBelowOneKeepsOne_data()
{
    QTest::addColumn<int>("capacity");
    QTest::newRow("zero") << 0;
    QTest::newRow("negative") << -5;
    QTest::newRow("most negative") << std::numeric_limits<int>::min();
}

void TestExchangeLog::capacityBelowOneKeepsOne()
{
    QFETCH(int, capacity);
    ExchangeLog log;
    log.append(make(QStringLiteral("old")));
    log.setCapacity(capacity);
    QCOMPARE(log.capacity(), 1);
    const quint64 id = log.append(make(QStringLiteral("new")));
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.at(0).id, id);
    QCOMPARE(log.at(0).operation, QStringLiteral("new"));
}

void TestExchangeLog::updateChangesInPlaceAndSignalsTheIndex()
{
    ExchangeLog log;
    log.append(make(QStringLiteral("a")));
    const quint64 id = log.append(make(QStringLiteral("b")));
    QSignalSpy changed(&log, &ExchangeLog::exchangeChanged);
    log.update(id, [](Exchange &e) {
        e.status = 404;
        e.outcome = Exchange::Outcome::ClientError;
        e.responseBody = R"({"error":"User not found"})";
    });
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toInt(), 1);
    QCOMPARE(log.at(1).status, 404);
    QCOMPARE(log.at(1).outcome, Exchange::Outcome::ClientError);
    QCOMPARE(log.at(1).responseBody, QByteArray(R"({"error":"User not found"})"));
    QVERIFY(!log.at(1).responseBodyTruncated);
    QCOMPARE(log.at(0).status, 0);
}

void TestExchangeLog::updateOfADroppedExchangeDoesNothing()
{
    ExchangeLog log;
    log.setCapacity(1);
    const quint64 old = log.append(make(QStringLiteral("old")));
    log.append(make(QStringLiteral("new")));
    QSignalSpy changed(&log, &ExchangeLog::exchangeChanged);
    bool called = false;
    log.update(old, [&](Exchange &e) {
        called = true;
        e.status = 500;
    });
    QVERIFY(!called);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(log.at(0).status, 0);
    log.update(12345, [&](Exchange &) { called = true; });
    QVERIFY(!called);
}

void TestExchangeLog::longResponseBodyIsCutAndFlagged()
{
    ExchangeLog log;
    log.setMaxBodyBytes(10);
    const quint64 id = log.append(make(QStringLiteral("big answer")));
    log.update(id, [](Exchange &e) {
        e.responseBody = "0123456789ABCDEF";
        e.responseBytes = 16;
    });
    QCOMPARE(log.at(0).responseBody, QByteArray("0123456789"));
    QVERIFY(log.at(0).responseBodyTruncated);
    QCOMPARE(log.at(0).responseBytes, qint64(16));
}

void TestExchangeLog::responseBodyAtTheLimitIsKeptWhole()
{
    ExchangeLog log;
    log.setMaxBodyBytes(10);
    const quint64 id = log.append(make(QStringLiteral("exact")));
    log.update(id, [](Exchange &e) { e.responseBody = "0123456789"; });
    QCOMPARE(log.at(0).responseBody, QByteArray("0123456789"));
    QVERIFY(!log.at(0).responseBodyTruncated);
}

void TestExchangeLog::longRequestBodyIsCutAndFlagged()
{
    // A cut request body that is not flagged would be exported (cURL, HAR) as if it were
    // the whole request: the copy would send something else than the original did.
    ExchangeLog log;
    log.setMaxBodyBytes(8);
    log.append(make(QStringLiteral("bulk create"), R"({"users":[{"userName":"a"}]})"));
    QCOMPARE(log.at(0).requestBody, QByteArray(R"({"users")"));
    QVERIFY(log.at(0).requestBodyTruncated);
    QVERIFY(!log.at(0).responseBodyTruncated);

    log.append(make(QStringLiteral("small"), "12345678"));
    QCOMPARE(log.at(1).requestBody, QByteArray("12345678"));
    QVERIFY(!log.at(1).requestBodyTruncated);
}

void TestExchangeLog::negativeBodyLimitKeepsNothingButFlagsIt()
{
    ExchangeLog log;
    log.setMaxBodyBytes(-1);
    QCOMPARE(log.maxBodyBytes(), qsizetype(0));
    log.append(make(QStringLiteral("x"), "body"));
    QCOMPARE(log.at(0).requestBody, QByteArray());
    QVERIFY(log.at(0).requestBodyTruncated);
}

void TestExchangeLog::clearEmptiesAndSignalsOnce()
{
    ExchangeLog log;
    log.append(make(QStringLiteral("a")));
    log.append(make(QStringLiteral("b")));
    QStringList order;
    connect(&log, &ExchangeLog::aboutToBeCleared, this, [&] { order.append(QStringLiteral("about size=%1").arg(log.size())); });
    connect(&log, &ExchangeLog::cleared, this, [&] { order.append(QStringLiteral("cleared size=%1").arg(log.size())); });
    log.clear();
    QCOMPARE(order, QStringList({"about size=2", "cleared size=0"}));
    QCOMPARE(log.size(), 0);
    QCOMPARE(log.find(1), nullptr);
}

void TestExchangeLog::clearOfAnEmptyLogSignalsNothing()
{
    ExchangeLog log;
    QSignalSpy about(&log, &ExchangeLog::aboutToBeCleared);
    QSignalSpy cleared(&log, &ExchangeLog::cleared);
    log.clear();
    QCOMPARE(about.count(), 0);
    QCOMPARE(cleared.count(), 0);
}

void TestExchangeLog::idsKeepRisingAfterClear()
{
    // An ID held by a view from before the clear must not name a new exchange.
    ExchangeLog log;
    const quint64 before = log.append(make(QStringLiteral("before")));
    log.clear();
    const quint64 after = log.append(make(QStringLiteral("after")));
    QVERIFY(after > before);
    QCOMPARE(log.find(before), nullptr);
    QCOMPARE(log.indexOf(after), 0);
}

void TestExchangeLog::snapshotIsACopyOldestFirst()
{
    ExchangeLog log;
    log.setCapacity(2);
    log.append(make(QStringLiteral("1")));
    const quint64 two = log.append(make(QStringLiteral("2")));
    log.append(make(QStringLiteral("3")));
    const QList<Exchange> snap = log.snapshot();
    QCOMPARE(snap.size(), 2);
    QCOMPARE(snap.at(0).operation, QStringLiteral("2"));
    QCOMPARE(snap.at(1).operation, QStringLiteral("3"));
    log.update(two, [](Exchange &e) { e.operation = QStringLiteral("changed"); });
    log.clear();
    QCOMPARE(snap.at(0).operation, QStringLiteral("2"));
}

void TestExchangeLog::manyAppendsStayBounded()
{
    ExchangeLog log;
    log.setCapacity(100);
    QSignalSpy trimmed(&log, &ExchangeLog::exchangesTrimmed);
    for (int i = 0; i < 10000; ++i)
        log.append(make(QString::number(i)));
    QCOMPARE(log.size(), 100);
    QCOMPARE(log.at(0).operation, QStringLiteral("9900"));
    QCOMPARE(log.at(99).operation, QStringLiteral("9999"));
    QCOMPARE(log.at(99).id, quint64(10000));
    QCOMPARE(trimmed.count(), 9900);
}

QTEST_GUILESS_MAIN(TestExchangeLog)
#include "tst_exchangelog.moc"
