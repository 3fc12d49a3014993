// The request history on real SQLite files: written, reopened, searched by every filter,
// retention, Clear, a damaged file moved aside, the writer thread, and kill -9 while writing.

#include "core/history/historystore.h"
#include "core/history/historywriter.h"
#include "core/log/exchangelog.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>

using namespace plainkey;

namespace {

const QString base = QStringLiteral("http://127.0.0.1:8080/server");

HistoryEntry entry(const QString &path, int status, const QString &profile, const QDateTime &at, const QByteArray &body = {})
{
    HistoryEntry h;
    Exchange &e = h.exchange;
    e.method = path.contains(QLatin1String("verify")) || path.endsWith(QLatin1String("access-token")) ? "POST" : "GET";
    e.url = base + path;
    e.operation = QStringLiteral("Test request");
    e.requestHeaders = {{"Authorization", "Bearer [redacted access_token #1a2b3c4d]"}, {"x-project-id", "demo"}};
    e.requestBody = "{\"token\":\"[redacted]\"}";
    e.startedAt = at;
    e.durationMs = 12;
    e.status = status;
    e.reasonPhrase = "OK";
    e.responseHeaders = {{"content-type", "application/json"}};
    e.responseBody = body;
    e.responseBytes = body.size();
    e.outcome = status > 0 ? Exchange::outcomeForStatus(status) : Exchange::Outcome::Failed;
    if (status == 0)
        e.errorText = QStringLiteral("Connection refused");
    h.profile = profile;
    return h;
}

QList<quint64> ids(const QList<HistoryEntry> &entries)
{
    QList<quint64> out;
    for (const auto &h : entries)
        out << h.exchange.id;
    return out;
}

// Child mode for the kill -9 test: records one exchange every 5 ms through the writer and
// prints each one's sequence number once it is queued; runs until killed.
int runChildWriter(const QString &path)
{
    ExchangeLog log;
    HistoryWriter writer(path);
    writer.attach(&log);
    writer.setProfileName(QStringLiteral("child"));
    for (int seq = 1;; ++seq) {
        Exchange e;
        e.method = "POST";
        e.url = base + QStringLiteral("/authentication-token/verify");
        e.operation = QStringLiteral("seq %1").arg(seq);
        e.startedAt = QDateTime::currentDateTimeUtc();
        const quint64 id = log.append(e);
        log.update(id, [](Exchange &x) {
            x.status = 200;
            x.outcome = Exchange::Outcome::Success;
        });
        std::printf("%d\n", seq);
        std::fflush(stdout);
        QThread::msleep(5);
        QCoreApplication::processEvents();
    }
}

} // namespace

class tst_HistoryStore : public QObject
{
    Q_OBJECT
private slots:
    void init() { QVERIFY(m_dir.isValid()); }
    void writesReopensAndReadsBack();
    void searchesByEachFilter();
    void fullTextSearchIsFts5();
    void retentionByAgeAndSize();
    void clearHistoryEmptiesTheFile();
    void damagedFileIsMovedAside_data();
    void damagedFileIsMovedAside();
    void writerRecordsCompletedExchangesWithProfile();
    void killNineLosesAtMostTheLastSecond();

private:
    QString file(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    QTemporaryDir m_dir;
};

void tst_HistoryStore::writesReopensAndReadsBack()
{
    const QString path = file("reopen.sqlite");
    const QDateTime at = QDateTime::fromString(QStringLiteral("2026-11-30T10:00:00.123Z"), Qt::ISODateWithMs);
    {
        QString notice, error;
        auto store = HistoryStore::open(path, &notice, &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY(notice.isEmpty());
        HistoryEntry h = entry(QStringLiteral("/user/usr_1?x=1"), 404, QStringLiteral("staging"), at, R"({"error":"User not found"})");
        h.exchange.responseBodyTruncated = true;
        h.exchange.redirectUrl = QStringLiteral("http://127.0.0.1/else");
        QVERIFY2(store->append({h}), qPrintable(store->lastError()));
    }
    QString notice, error;
    auto store = HistoryStore::open(path, &notice, &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(notice.isEmpty());
    QCOMPARE(store->count(), 1);
    bool ok = false;
    const auto all = store->query({}, &ok);
    QVERIFY(ok);
    QCOMPARE(all.size(), 1);
    const Exchange &e = all[0].exchange;
    QCOMPARE(all[0].profile, QStringLiteral("staging"));
    QCOMPARE(e.url, base + QStringLiteral("/user/usr_1?x=1"));
    QCOMPARE(e.method, QByteArray("GET"));
    QCOMPARE(e.startedAt, at);
    QCOMPARE(e.status, 404);
    QCOMPARE(e.outcome, Exchange::Outcome::ClientError);
    QCOMPARE(e.responseBody, QByteArray(R"({"error":"User not found"})"));
    QVERIFY(e.responseBodyTruncated);
    QVERIFY(!e.requestBodyTruncated);
    QCOMPARE(e.requestHeaders.size(), 2);
    QCOMPARE(e.requestHeaders[0].first, QByteArray("Authorization"));
    QCOMPARE(e.responseHeaders, (HttpHeaders{{"content-type", "application/json"}}));
    QCOMPARE(e.redirectUrl, QStringLiteral("http://127.0.0.1/else"));
    QCOMPARE(e.durationMs, 12);
    QCOMPARE(e.operation, QStringLiteral("Test request"));
}

void tst_HistoryStore::searchesByEachFilter()
{
    QString error;
    auto store = HistoryStore::open(file("search.sqlite"), nullptr, &error);
    QVERIFY2(store, qPrintable(error));
    const QDateTime t0 = QDateTime::currentDateTimeUtc().addDays(-2);
    QList<HistoryEntry> entries = {
            entry(QStringLiteral("/access-token"), 200, QStringLiteral("demo"), t0),
            entry(QStringLiteral("/authentication-token/verify"), 200, QStringLiteral("demo"), t0.addSecs(60), R"({"valid":true,"userId":"usr_Ann"})"),
            entry(QStringLiteral("/authentication-token/verify"), 401, QStringLiteral("production"), t0.addDays(1), R"({"valid":false,"error":"Token expired"})"),
            entry(QStringLiteral("/user/usr_Bob"), 503, QStringLiteral("production"), t0.addDays(1).addSecs(60)),
            entry(QStringLiteral("/user/usr_Bob/credentials"), 200, QStringLiteral("staging"), t0.addDays(2)),
            entry(QStringLiteral("/user/x"), 0, QStringLiteral("staging"), t0.addDays(2).addSecs(1)),
    };
    QVERIFY(store->append(entries));
    auto find = [&](HistoryQuery q) { return ids(store->query(q)); };

    QCOMPARE(find({}), (QList<quint64>{6, 5, 4, 3, 2, 1})); // newest first
    HistoryQuery q;
    q.text = QStringLiteral("EXPIRED");
    QCOMPARE(find(q), QList<quint64>{3}); // a body, whatever the case
    q.text = QStringLiteral("usr_ann");
    QCOMPARE(find(q), QList<quint64>{2});
    q.text = QStringLiteral("verif*");
    QCOMPARE(find(q), (QList<quint64>{3, 2})); // a prefix of a path word, asked for
    q.text = QStringLiteral("verif");
    QCOMPARE(find(q), QList<quint64>{}); // whole words otherwise
    q.text = QStringLiteral("refused");
    QCOMPARE(find(q), QList<quint64>{6}); // the error text
    q.text = QStringLiteral("\"; DROP TABLE exchange; --");
    QCOMPARE(find(q), QList<quint64>{}); // FTS5 syntax typed by a person is only words
    QCOMPARE(store->count(), 6);

    HistoryQuery p;
    p.profile = QStringLiteral("production");
    QCOMPARE(find(p), (QList<quint64>{4, 3}));
    HistoryQuery r;
    r.from = t0.addSecs(30);
    r.to = t0.addDays(1).addSecs(30);
    QCOMPARE(find(r), (QList<quint64>{3, 2}));
    HistoryQuery s;
    s.status = HistoryQuery::Status::Problems;
    QCOMPARE(find(s), (QList<quint64>{6, 4, 3}));
    s.status = HistoryQuery::Status::Success;
    QCOMPARE(find(s), (QList<quint64>{5, 2, 1}));
    s.status = HistoryQuery::Status::ServerError;
    QCOMPARE(find(s), QList<quint64>{4});
    s.status = HistoryQuery::Status::Failed;
    QCOMPARE(find(s), QList<quint64>{6});
    HistoryQuery ep;
    ep.endpoint = QStringLiteral("passkeys");
    QCOMPARE(find(ep), QList<quint64>{5});
    ep.endpoint = QStringLiteral("verify");
    QCOMPARE(find(ep), (QList<quint64>{3, 2}));
    HistoryQuery combined;
    combined.text = QStringLiteral("usr_bob");
    combined.profile = QStringLiteral("production");
    QCOMPARE(find(combined), QList<quint64>{4});
    HistoryQuery limited;
    limited.limit = 2;
    QCOMPARE(find(limited), (QList<quint64>{6, 5}));
}

void tst_HistoryStore::fullTextSearchIsFts5()
{
    // Debian's Qt SQLite driver uses the system libsqlite3, built with FTS5.
    const QString path = file("fts.sqlite");
    QString error;
    QVERIFY2(HistoryStore::open(path, nullptr, &error), qPrintable(error));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fts-check"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'exchange_fts'")) && q.next());
        QVERIFY2(q.value(0).toString().contains(QLatin1String("fts5"), Qt::CaseInsensitive), qPrintable(q.value(0).toString()));
        QVERIFY(q.exec(QStringLiteral("SELECT sqlite_compileoption_used('ENABLE_FTS5')")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("fts-check"));
    QCOMPARE(HistoryStore::ftsQuery(QStringLiteral("usr_77 verif* \"; -")), QStringLiteral("\"usr 77\" \"verif\"*"));
}

void tst_HistoryStore::retentionByAgeAndSize()
{
    QString error;
    auto store = HistoryStore::open(file("retention.sqlite"), nullptr, &error);
    QVERIFY2(store, qPrintable(error));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<HistoryEntry> entries;
    for (int day = 40; day >= 0; --day)
        entries << entry(QStringLiteral("/user/u%1").arg(day), 200, QStringLiteral("demo"), now.addDays(-day));
    QVERIFY(store->append(entries));
    QCOMPARE(store->applyRetention(std::chrono::hours(24 * 30), 0, now), 10); // days 40..31
    QCOMPARE(store->count(), 31);

    // Size: a megabyte of bodies, kept to 256 KiB; the newest stay.
    QList<HistoryEntry> big;
    for (int i = 0; i < 64; ++i) {
        QByteArray body = "[";
        for (int k = 0; body.size() < 16 * 1024; ++k)
            body += QStringLiteral("{\"id\":\"cred_%1_%2\",\"label\":\"Key %2\"},").arg(i).arg(k).toUtf8();
        body += "{}]";
        big << entry(QStringLiteral("/user/big%1").arg(i), 200, QStringLiteral("demo"), now.addSecs(i), body);
    }
    QVERIFY(store->append(big));
    QVERIFY(store->usedBytes() > 1024 * 1024);
    QVERIFY(store->applyRetention(std::chrono::seconds(0), 256 * 1024, now) > 0);
    QVERIFY2(store->usedBytes() <= 256 * 1024, qPrintable(QStringLiteral("%1 bytes, %2 rows").arg(store->usedBytes()).arg(store->count())));
    HistoryQuery newest;
    newest.limit = 1;
    const auto kept = store->query(newest);
    QCOMPARE(kept.size(), 1);
    QCOMPARE(kept[0].exchange.url, base + QStringLiteral("/user/big63"));
}

void tst_HistoryStore::clearHistoryEmptiesTheFile()
{
    QString error;
    auto store = HistoryStore::open(file("clear.sqlite"), nullptr, &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(store->append({entry(QStringLiteral("/user/u1"), 200, QStringLiteral("demo"), QDateTime::currentDateTimeUtc(), "findme")}));
    QVERIFY(store->clear());
    QCOMPARE(store->count(), 0);
    HistoryQuery q;
    q.text = QStringLiteral("findme");
    QVERIFY(store->query(q).isEmpty());
}

void tst_HistoryStore::damagedFileIsMovedAside_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("not sqlite") << QStringLiteral("garbage");
    QTest::newRow("pages overwritten") << QStringLiteral("pages");
    QTest::newRow("another program's database") << QStringLiteral("foreign");
}

void tst_HistoryStore::damagedFileIsMovedAside()
{
    QFETCH(QString, how);
    const QString path = m_dir.filePath(QStringLiteral("damaged-%1.sqlite").arg(how));
    if (how == QLatin1String("garbage")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, '\x5a'));
    } else if (how == QLatin1String("pages")) {
        {
            auto store = HistoryStore::open(path, nullptr, nullptr);
            QVERIFY(store);
            QList<HistoryEntry> many;
            for (int i = 0; i < 500; ++i)
                many << entry(QStringLiteral("/user/u%1").arg(i), 200, QStringLiteral("demo"), QDateTime::currentDateTimeUtc(), QByteArray(300, 'b'));
            QVERIFY(store->append(many));
        }
        // Fold the WAL into the file, then overwrite pages in its middle.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("checkpoint"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("checkpoint"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.size() > 64 * 1024);
        f.seek(8192);
        f.write(QByteArray(32 * 1024, '\xff'));
    } else {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE notes (text TEXT)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
    }
    const QByteArray before = [&] {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();

    QString notice, error;
    auto store = HistoryStore::open(path, &notice, &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY2(notice.contains(QLatin1String("moved to")), qPrintable(notice));
    QVERIFY2(notice.contains(QLatin1String("new, empty history")), qPrintable(notice));
    const QStringList aside = QDir(m_dir.path()).entryList({QStringLiteral("damaged-%1.sqlite.damaged-*").arg(how)}, QDir::Files);
    QVERIFY2(!aside.isEmpty(), qPrintable(QDir(m_dir.path()).entryList().join(QLatin1Char(' '))));
    QFile moved(m_dir.filePath(aside.first()));
    QVERIFY(moved.open(QIODevice::ReadOnly));
    QCOMPARE(moved.readAll(), before); // kept byte for byte for whoever wants to look
    QCOMPARE(store->count(), 0);
    QVERIFY(store->append({entry(QStringLiteral("/user/new"), 200, QStringLiteral("demo"), QDateTime::currentDateTimeUtc())}));
    QCOMPARE(store->count(), 1);
}

void tst_HistoryStore::writerRecordsCompletedExchangesWithProfile()
{
    const QString path = file("writer.sqlite");
    ExchangeLog log;
    HistoryWriter writer(path);
    writer.attach(&log);
    writer.setProfileName(QStringLiteral("staging"));
    Exchange pending;
    pending.method = "POST";
    pending.url = base + QStringLiteral("/authentication-token/verify");
    pending.startedAt = QDateTime::currentDateTimeUtc();
    const quint64 id = log.append(pending);
    QVERIFY(writer.flush());
    QCOMPARE(writer.query({}).size(), 0); // in flight: not yet history
    log.update(id, [](Exchange &e) {
        e.status = 401;
        e.outcome = Exchange::Outcome::ClientError;
        e.responseBody = R"({"valid":false,"error":"Token expired"})";
    });
    log.update(id, [](Exchange &e) { e.durationMs = 5; }); // later updates do not add a second row
    writer.setProfileName(QStringLiteral("production"));
    QVERIFY(writer.flush());
    const auto rows = writer.query({});
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].profile, QStringLiteral("staging"));
    QCOMPARE(rows[0].exchange.status, 401);
    QVERIFY(writer.clearHistory());
    QCOMPARE(writer.query({}).size(), 0);
}

void tst_HistoryStore::killNineLosesAtMostTheLastSecond()
{
    const QString path = file("kill9.sqlite");
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--child-writer"), path});
    QVERIFY(child.waitForStarted(10000));
    // Every sequence number with the time this process read it.
    QList<QPair<int, qint64>> seen;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 3000 && child.state() == QProcess::Running) {
        child.waitForReadyRead(100);
        while (child.canReadLine())
            seen.append({child.readLine().trimmed().toInt(), clock.elapsed()});
    }
    const qint64 killedAt = clock.elapsed();
    child.kill();
    QVERIFY(child.waitForFinished(5000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    QVERIFY2(seen.size() > 50, qPrintable(QString::number(seen.size())));

    QString notice, error;
    auto store = HistoryStore::open(path, &notice, &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY2(notice.isEmpty(), qPrintable(notice));
    HistoryQuery all;
    all.limit = 1000000;
    QSet<QString> stored;
    for (const auto &h : store->query(all))
        stored.insert(h.exchange.operation);
    int mustHave = 0;
    for (const auto &[seq, at] : seen) {
        if (at > killedAt - 1000)
            break;
        ++mustHave;
        QVERIFY2(stored.contains(QStringLiteral("seq %1").arg(seq)),
                 qPrintable(QStringLiteral("seq %1, queued %2 ms before the kill, is missing (%3 stored)")
                                    .arg(seq)
                                    .arg(killedAt - at)
                                    .arg(stored.size())));
    }
    QVERIFY(mustHave > 0);
}

int main(int argc, char *argv[])
{
    if (argc == 3 && qstrcmp(argv[1], "--child-writer") == 0) {
        QCoreApplication app(argc, argv);
        return runChildWriter(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    tst_HistoryStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_historystore.moc"
