// Fills a request history with a million exchanges (the log benchmark's mix of tokens,
// verifications, users and failures) through HistoryStore in the writer's batch size, and
// prints the write throughput, the file size and how long searches take. Figures, not
// pass/fail; issue 11's target for a text search is 200 ms.
//
//   bench_history [count] [file]      (default 1000000, a temporary file)

#include "core/history/historystore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>

using namespace plainkey;

namespace {

struct Shape
{
    const char *method;
    const char *path;
    int status;
    const char *body;
};

const Shape kShapes[] = {
        {"POST", "/server/access-token", 200, R"({"access_token":"[redacted access_token #1a2b3c4d]","token_type":"Bearer","expires_in":3600})"},
        {"POST", "/server/authentication-token/verify", 200, R"({"valid":true,"userId":"usr_%1","projectId":"demo-project","expiresAt":"2026-01-01T00:00:00Z","payload":{}})"},
        {"POST", "/server/authentication-token/verify", 401, R"({"valid":false,"error":"Token expired"})"},
        {"GET", "/server/user/usr_%1", 200, R"({"id":"usr_%1","userName":"user%1@example.com"})"},
        {"GET", "/server/user/usr_%1/credentials", 200, R"([{"id":"cred_%1","userId":"usr_%1","label":"MacBook","createdAt":"2026-01-01T00:00:00Z"}])"},
        {"GET", "/server/user/usr_%1", 404, R"({"error":"User not found"})"},
        {"POST", "/server/authentication-token/verify", 503, "<html>Service Unavailable</html>"},
        {"GET", "/server/user?userName=user%1", 200, R"({"id":"usr_%1","userName":"user%1"})"},
};

const char *const kProfiles[] = {"demo", "staging", "production"};

HistoryEntry make(int i, const QDateTime &start)
{
    const Shape &s = kShapes[i % std::size(kShapes)];
    const QString n = QString::number(i);
    HistoryEntry h;
    Exchange &e = h.exchange;
    e.method = s.method;
    e.url = QStringLiteral("https://api.plainkey.io") + QString::fromLatin1(s.path).replace(QLatin1String("%1"), n);
    e.operation = QStringLiteral("Benchmark request");
    e.requestHeaders = {{"Authorization", "Bearer [redacted access_token #1a2b3c4d]"}, {"x-project-id", "demo-project"}};
    e.startedAt = start.addMSecs(qint64(i) * 2000); // one exchange every 2 s: a million over 23 days
    e.status = s.status;
    e.durationMs = 5 + i % 400;
    e.responseHeaders = {{"content-type", "application/json"}};
    e.responseBody = QString::fromLatin1(s.body).replace(QLatin1String("%1"), n).toUtf8();
    e.responseBytes = e.responseBody.size();
    e.outcome = Exchange::outcomeForStatus(s.status);
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
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; i += batch) {
        QList<HistoryEntry> entries;
        for (int k = i; k < std::min(count, i + batch); ++k)
            entries.append(make(k, start));
        if (!store->append(entries)) {
            std::fprintf(stderr, "write failed: %s\n", qPrintable(store->lastError()));
            return 1;
        }
    }
    const double writeMs = double(t.nsecsElapsed()) / 1e6;
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
        const double ms = double(t.nsecsElapsed()) / 1e6;
        char label[128];
        std::snprintf(label, sizeof label, "%s -> %lld rows", c.name, static_cast<long long>(rows.size()));
        std::printf("%-52s %9.1f ms  (target 200 ms)%s\n", label, ms, ok ? "" : "  FAILED");
    }
    t.restart();
    store->applyRetention(std::chrono::hours(24 * 30), HistoryStore::kDefaultMaxBytes);
    std::printf("%-52s %9.1f ms  (%lld kept)\n", "retention (30 days, 200 MB)", double(t.nsecsElapsed()) / 1e6,
                static_cast<long long>(store->count()));
    return 0;
}
