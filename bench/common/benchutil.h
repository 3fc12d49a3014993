#pragma once

// What the benchmarks share: the mix of exchanges a busy session records, a stopwatch that
// reads wall and CPU time, a report line for it, and the heap in use. Header only; a bench
// gets it by linking plainkey_benchutil (bench/CMakeLists.txt).

#include "core/log/exchange.h"

#include <QElapsedTimer>
#include <QString>

#include <cstdio>
#include <ctime>
#include <iterator>
#include <malloc.h>

namespace benchutil {

struct Shape
{
    const char *method;
    const char *path;
    int status;
    const char *body;
};

// A mix like a busy session: tokens, verifications (valid and not), users, a few failures.
inline const Shape kShapes[] = {
        {"POST", "/server/access-token", 200, R"({"access_token":"[redacted access_token #1a2b3c4d]","token_type":"Bearer","expires_in":3600})"},
        {"POST", "/server/authentication-token/verify", 200, R"({"valid":true,"userId":"usr_%1","projectId":"demo-project","expiresAt":"2026-01-01T00:00:00Z","payload":{}})"},
        {"POST", "/server/authentication-token/verify", 401, R"({"valid":false,"error":"Token expired"})"},
        {"GET", "/server/user/usr_%1", 200, R"({"id":"usr_%1","userName":"user%1@example.com"})"},
        {"GET", "/server/user/usr_%1/credentials", 200, R"([{"id":"cred_%1","userId":"usr_%1","label":"MacBook","createdAt":"2026-01-01T00:00:00Z"}])"},
        {"GET", "/server/user/usr_%1", 404, R"({"error":"User not found"})"},
        {"POST", "/server/authentication-token/verify", 503, "<html>Service Unavailable</html>"},
        {"GET", "/server/user?userName=user%1", 200, R"({"id":"usr_%1","userName":"user%1"})"},
};

inline const Shape &shape(int i)
{
    return kShapes[size_t(i) % std::size(kShapes)];
}

//! The request half of exchange \a i of the mix, as the transport records it before the answer.
inline void fillRequest(plainkey::Exchange &e, int i)
{
    const Shape &s = shape(i);
    e.method = s.method;
    e.url = QStringLiteral("https://api.plainkey.io") + QString::fromLatin1(s.path).replace(QLatin1String("%1"), QString::number(i));
    e.operation = QStringLiteral("Benchmark request");
    e.requestHeaders = {{"Authorization", "Bearer [redacted access_token #1a2b3c4d]"}, {"x-project-id", "demo-project"}};
}

//! The answer half of exchange \a i of the mix, as the transport completes it.
inline void fillResponse(plainkey::Exchange &e, int i)
{
    const Shape &s = shape(i);
    e.status = s.status;
    e.durationMs = 5 + i % 400;
    e.responseHeaders = {{"content-type", "application/json"}};
    e.responseBody = QString::fromLatin1(s.body).replace(QLatin1String("%1"), QString::number(i)).toUtf8();
    e.responseBytes = e.responseBody.size();
    e.outcome = plainkey::Exchange::outcomeForStatus(s.status);
}

// Bytes the heap has handed out (glibc), after giving back what it can: what everything
// alive at this point keeps.
inline size_t heapInUse()
{
    malloc_trim(0);
    return mallinfo2().uordblks;
}

// Wall time, and the calling thread's own CPU time: on a machine shared with other work the
// second shows what the code costs, the first what a person would have waited.
class Stopwatch
{
public:
    void restart()
    {
        m_wall.start();
        m_cpu = threadCpuNs();
    }
    double wallMs() const { return double(m_wall.nsecsElapsed()) / 1e6; }
    double cpuMs() const { return double(threadCpuNs() - m_cpu) / 1e6; }

private:
    static qint64 threadCpuNs()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }
    QElapsedTimer m_wall;
    qint64 m_cpu = 0;
};

//! One line of figures: wall and CPU time, then per item over \a count items, or the target.
inline void report(const char *what, const Stopwatch &t, int count = 0, double targetMs = 0)
{
    const double wall = t.wallMs();
    const double cpu = t.cpuMs();
    if (count > 0)
        std::printf("%-50s %8.1f ms wall %8.1f ms cpu  (%.2f us each)\n", what, wall, cpu, cpu * 1000.0 / count);
    else if (targetMs > 0)
        std::printf("%-50s %8.1f ms wall %8.1f ms cpu  (target %.0f ms)\n", what, wall, cpu, targetMs);
    else
        std::printf("%-50s %8.1f ms wall %8.1f ms cpu\n", what, wall, cpu);
    std::fflush(stdout);
}

} // namespace benchutil
