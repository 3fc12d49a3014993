// SlicedRelease: what a cleared log held is destroyed later, on the thread that owns it, in
// several passes of the event loop, never lost and never leaked; and ExchangeLog::clear()
// hands its exchanges to it instead of freeing them at once or on another thread.

#include "core/log/exchangelog.h"
#include "core/log/slicedrelease.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace plainkey;

namespace {

struct Destroyed
{
    std::atomic<int> count{0};
    std::atomic<int> elsewhere{0}; //!< destroyed on another thread than the test's
};

//! An element that says when and where it is destroyed, and takes a few microseconds to go,
//! so that a release of a few thousand of them cannot fit in one slice.
class Tracked
{
public:
    explicit Tracked(Destroyed *sink) : m_sink(sink) {}
    Tracked(Tracked &&other) noexcept : m_sink(std::exchange(other.m_sink, nullptr)) {}
    Tracked &operator=(Tracked &&) = delete;
    ~Tracked()
    {
        if (!m_sink)
            return;
        QElapsedTimer spin;
        spin.start();
        while (spin.nsecsElapsed() < 20000) {
        }
        if (QThread::currentThread() != qApp->thread())
            ++m_sink->elsewhere;
        ++m_sink->count;
    }

private:
    Destroyed *m_sink;
};

std::deque<Tracked> make(int n, Destroyed *sink)
{
    std::deque<Tracked> out;
    for (int i = 0; i < n; ++i)
        out.emplace_back(sink);
    return out;
}

Exchange exchange(int i)
{
    Exchange e;
    e.operation = QStringLiteral("Exchange %1").arg(i);
    e.method = "GET";
    e.url = QStringLiteral("https://api.plainkey.io/server/user/usr_%1").arg(i);
    e.responseHeaders = {{"content-type", "application/json"}};
    e.responseBody = QByteArray("{\"userId\":\"usr_") + QByteArray::number(i) + "\"}";
    return e;
}

} // namespace

class TestSlicedRelease : public QObject
{
    Q_OBJECT

private slots:
    void releaseDestroysNothingAtOnce();
    void slicesDestroyEverythingOnThisThreadOverSeveralPasses();
    void laterReleasesQueueBehindEarlierOnes();
    void destructorDestroysWhatIsStillPending();
    void releaseAllFinishesAtOnce();
    void emptyReleaseIsNoWork();
    void logClearHandsItsExchangesOver();
    void logKeepsWorkingWhileItsOldExchangesGo();
};

void TestSlicedRelease::releaseDestroysNothingAtOnce()
{
    Destroyed sink;
    SlicedRelease release;
    auto items = make(500, &sink);
    release.release(std::move(items));
    QCOMPARE(sink.count.load(), 0);
    QCOMPARE(release.pendingItems(), size_t(500));
    QVERIFY(release.isPending());
}

void TestSlicedRelease::slicesDestroyEverythingOnThisThreadOverSeveralPasses()
{
    Destroyed sink;
    SlicedRelease release;
    release.setSliceMs(1);
    QSignalSpy drained(&release, &SlicedRelease::drained);
    // 3,000 elements of 20 us each are at least 60 ms of work: at least dozens of 1 ms slices.
    release.release(make(3000, &sink));

    int passes = 0;
    size_t lastPending = release.pendingItems();
    while (release.isPending() && passes < 100000) {
        QCoreApplication::processEvents();
        ++passes;
        QVERIFY2(release.pendingItems() <= lastPending, "the pending count never grows");
        QCOMPARE(size_t(3000 - sink.count.load()), release.pendingItems());
        lastPending = release.pendingItems();
    }
    QCOMPARE(sink.count.load(), 3000);
    QCOMPARE(sink.elsewhere.load(), 0);
    QVERIFY2(passes >= 10, qPrintable(QStringLiteral("released in %1 passes").arg(passes)));
    QCOMPARE(drained.count(), 1);
    QCOMPARE(release.pendingItems(), size_t(0));
}

void TestSlicedRelease::laterReleasesQueueBehindEarlierOnes()
{
    Destroyed first;
    Destroyed second;
    SlicedRelease release;
    release.setSliceMs(1);
    QSignalSpy drained(&release, &SlicedRelease::drained);
    release.release(make(400, &first));
    release.release(make(400, &second));
    QCOMPARE(release.pendingItems(), size_t(800));
    while (release.isPending()) {
        QCoreApplication::processEvents();
        if (second.count.load() > 0)
            QCOMPARE(first.count.load(), 400);
    }
    QCOMPARE(first.count.load() + second.count.load(), 800);
    QCOMPARE(drained.count(), 1);
}

void TestSlicedRelease::destructorDestroysWhatIsStillPending()
{
    Destroyed sink;
    {
        SlicedRelease release;
        release.release(make(1000, &sink));
        QCOMPARE(sink.count.load(), 0);
    }
    QCOMPARE(sink.count.load(), 1000);
    QCOMPARE(sink.elsewhere.load(), 0);
}

void TestSlicedRelease::releaseAllFinishesAtOnce()
{
    Destroyed sink;
    SlicedRelease release;
    QSignalSpy drained(&release, &SlicedRelease::drained);
    release.release(make(800, &sink));
    release.releaseAll();
    QCOMPARE(sink.count.load(), 800);
    QVERIFY(!release.isPending());
    QCOMPARE(drained.count(), 1);
    // Nothing is left for the timer: the event loop passing by emits nothing more.
    QCoreApplication::processEvents();
    QCOMPARE(drained.count(), 1);
}

void TestSlicedRelease::emptyReleaseIsNoWork()
{
    SlicedRelease release;
    QSignalSpy drained(&release, &SlicedRelease::drained);
    release.release(std::deque<Tracked>{});
    QVERIFY(!release.isPending());
    QCoreApplication::processEvents();
    QCOMPARE(drained.count(), 0);
}

void TestSlicedRelease::logClearHandsItsExchangesOver()
{
    ExchangeLog log;
    for (int i = 0; i < 5000; ++i)
        log.append(exchange(i));
    QSignalSpy drained(log.release(), &SlicedRelease::drained);
    log.clear();
    QCOMPARE(log.size(), 0);
    QCOMPARE(log.release()->pendingItems(), size_t(5000));
    QVERIFY(drained.wait(10000));
    QVERIFY(!log.release()->isPending());
}

void TestSlicedRelease::logKeepsWorkingWhileItsOldExchangesGo()
{
    ExchangeLog log;
    for (int i = 0; i < 3000; ++i)
        log.append(exchange(i));
    log.clear();
    QVERIFY(log.release()->isPending());
    const quint64 id = log.append(exchange(9999));
    QCOMPARE(id, quint64(3001));
    QCOMPARE(log.size(), 1);
    // A second clear while the first is still being freed queues behind it.
    log.clear();
    QCOMPARE(log.release()->pendingItems(), size_t(3001));
    log.append(exchange(10000));
    QSignalSpy drained(log.release(), &SlicedRelease::drained);
    QVERIFY(drained.wait(10000));
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.at(0).operation, QStringLiteral("Exchange 10000"));
    QCOMPARE(log.at(0).id, quint64(3002));
}

QTEST_GUILESS_MAIN(TestSlicedRelease)
#include "tst_slicedrelease.moc"
