// Fills a request history with a million exchanges (the log benchmark's mix of tokens,
// verifications, users and failures) through HistoryStore in the writer's batch size, and
// prints the write throughput, the file size and how long searches take. Figures, not
// pass/fail; issue 11's target for a text search is 200 ms.
//
//   bench_history [count] [file]      (default 1000000, a temporary file)

#include "benchutil.h"
#include "core/history/historystore.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>

using namespace plainkey;

namespace {

const char *const kProfiles[] = {"demo", "staging", "production"};

HistoryEntry make(int i, const QDateTime &start)
{
    HistoryEntry h;
    benchutil::fillRequest(h.exchange, i);
    h.exchange.startedAt = start.addMSecs(qint64(i) * 2000); // one exchange every 2 s: a million over 23 days
    benchutil::fillResponse(h.exchange, i);
    h.profile = QString::fromLatin1(kProfiles[(i / 7) % 3]);
    return h;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int count = argc > 1 ? std::max(1000, QString::fromLocal8Bit(argv[1]).toInt()) : 1000000;
    QTemporaryDir dir;
    const QString path = argc > 2 ? QString::fromLocal8Bit(argv[2]) : dir.filePath(QStringLiteral("history.sqlite"));
    QString error;
    auto store = HistoryStore::open(path, nullptr, &error);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const QDateTime start = QDateTime::currentDateTimeUtc().addMSecs(-qint64(count) * 2000);
    std::printf("History benchmark: %d exchanges into %s\n", count, qPrintable(path));

    // Batches as the writer makes them: what arrives in half a second of a busy session.
    constexpr int batch = 500;
    benchutil::Stopwatch t;
    t.restart();
    for (int i = 0; i < count; i += batch) {
        QList<HistoryEntry> entries;
        for (int k = i; k < std::min(count, i + batch); ++k)
            entries.append(make(k, start));
        if (!store->append(entries)) {
            std::fprintf(stderr, "write failed: %s\n", qPrintable(store->lastError()));
            return 1;
        }
    }
    const double writeMs = t.wallMs();
    std::printf("%-52s %9.0f ms  (%.0f exchanges/s)\n", "write (batches of 500, one transaction each)", writeMs,
                count / (writeMs / 1000.0));
    std::printf("%-52s %9.1f MB  (%.0f B per exchange)\n", "file size (database and WAL)",
                double(QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size()) / 1e6,
                double(QFileInfo(path).size()) / count);

    struct Case
    {
        const char *name;
        HistoryQuery query;
    };
    HistoryQuery rare;
    rare.text = QStringLiteral("usr_777777");
    HistoryQuery common;
    common.text = QStringLiteral("verify");
    HistoryQuery none;
    none.text = QStringLiteral("no-such-text");
    HistoryQuery expired;
    expired.text = QStringLiteral("expired");
    expired.profile = QStringLiteral("production");
    HistoryQuery yesterday;
    yesterday.from = QDateTime::currentDateTimeUtc().addDays(-2);
    yesterday.to = QDateTime::currentDateTimeUtc().addDays(-1);
    yesterday.status = HistoryQuery::Status::Problems;
    yesterday.endpoint = QStringLiteral("verify");
    HistoryQuery textAndRange = yesterday;
    textAndRange.text = QStringLiteral("expired");
    const Case cases[] = {
            {"text \"usr_777777\" (one exchange)", rare},
            {"text \"verify\" (3 in 8, newest 1000)", common},
            {"text \"no-such-text\" (none)", none},
            {"text \"expired\" + profile production", expired},
            {"yesterday's failed verifies (range, status, endpoint)", yesterday},
            {"text \"expired\" + yesterday's failed verifies", textAndRange},
    };
    for (const Case &c : cases) {
        t.restart();
        bool ok = false;
        const auto rows = store->query(c.query, &ok);
        const double ms = t.wallMs();
        char label[128];
        std::snprintf(label, sizeof label, "%s -> %lld rows", c.name, static_cast<long long>(rows.size()));
        std::printf("%-52s %9.1f ms  (target 200 ms)%s\n", label, ms, ok ? "" : "  FAILED");
    }
    t.restart();
    store->applyRetention(std::chrono::hours(24 * 30), HistoryStore::kDefaultMaxBytes);
    std::printf("%-52s %9.1f ms  (%lld kept)\n", "retention (30 days, 200 MB)", t.wallMs(),
                static_cast<long long>(store->count()));
    return 0;
}
