// Prints the process's resident memory (VmRSS) around waves of hostile connections to the
// emulator, to see that it stays flat: every connection the emulator closes (answered,
// silent, dribbling a head, or over the connection cap) must leave nothing behind.
// The emulator runs on its own thread (EmulatorThread) with short timeouts; the client side
// uses blocking sockets on the main thread. Nothing here passes or fails.
//
//   bench_emulator_hostile [--connections N] [--rounds R]    (default 2000 per wave, 3 rounds)
//
// The first round grows the heap to its working size; later rounds should leave it flat.

#include "emulator/emulatorthread.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>
#include <QThread>

#include <cstdio>
#include <memory>
#include <vector>

using namespace plainkey::emulator;
using namespace std::chrono_literals;

namespace {

//! Resident memory in KiB, from /proc/self/status; -1 when unknown.
long rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

//! Waits until the peer closes \a s, up to \a ms; true if it did.
bool waitClosed(QTcpSocket &s, int ms)
{
    QElapsedTimer t;
    t.start();
    while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < ms) {
        if (s.waitForReadyRead(int(qMax<qint64>(1, ms - t.elapsed()))))
            s.readAll();
    }
    return s.state() != QAbstractSocket::ConnectedState;
}

struct Wave
{
    const char *name;
    int done = 0;
    int closedByServer = 0;
    qint64 ms = 0;
};

void report(const Wave &w, long before, long after)
{
    std::printf("%-34s %6d connections  %6d closed by the emulator  %6lld ms  RSS %7ld -> %7ld KiB (%+ld)\n", w.name, w.done,
                w.closedByServer, static_cast<long long>(w.ms), before, after, after - before);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption count(QStringLiteral("connections"), QStringLiteral("Connections per wave (default 2000)."), QStringLiteral("n"),
                                   QStringLiteral("2000"));
    const QCommandLineOption roundsOption(QStringLiteral("rounds"), QStringLiteral("Rounds of every wave (default 3)."), QStringLiteral("n"),
                                          QStringLiteral("3"));
    parser.addOption(count);
    parser.addOption(roundsOption);
    parser.process(app);
    const int n = qBound(1, parser.value(count).toInt(), 100000);
    const int rounds = qBound(1, parser.value(roundsOption).toInt(), 100);

    EmulatorConfig config;
    config.idleTimeout = 50ms;
    config.requestTimeout = 100ms;
    config.maxConnections = 64;
    EmulatorThread emu;
    if (!emu.start(config)) {
        std::fprintf(stderr, "bench_emulator_hostile: %s\n", qPrintable(emu.errorString()));
        return 1;
    }
    quint16 port = quint16(emu.baseUrl().port());
    std::printf("emulator on port %u; idle timeout 50 ms, request timeout 100 ms, connection cap 64; %d connections per wave\n", port, n);
    const long start = rssKiB();
    std::printf("RSS at start: %ld KiB\n", start);

    // A wave: n connections, 100 at a time; each is opened, sent \a request (possibly
    // nothing), then waited on until the emulator closes it or 5 s pass.
    auto wave = [&](const char *name, const QByteArray &request) {
        Wave w{name};
        const long before = rssKiB();
        QElapsedTimer t;
        t.start();
        for (int done = 0; done < n;) {
            std::vector<std::unique_ptr<QTcpSocket>> batch;
            for (int i = 0; i < 100 && done < n; ++i, ++done) {
                batch.push_back(std::make_unique<QTcpSocket>());
                batch.back()->connectToHost(QHostAddress::LocalHost, port);
            }
            for (auto &s : batch) {
                if (!s->waitForConnected(5000))
                    continue;
                ++w.done;
                if (!request.isEmpty()) {
                    s->write(request);
                    s->waitForBytesWritten(5000);
                }
            }
            for (auto &s : batch) {
                if (s->state() == QAbstractSocket::UnconnectedState || waitClosed(*s, 5000))
                    ++w.closedByServer;
            }
        }
        w.ms = t.elapsed();
        QThread::msleep(300); // let the emulator finish closing the last ones
        // The emulator thread's requestServed signals queue up here: deliver them, or they
        // would count as memory the emulator keeps.
        QCoreApplication::processEvents();
        report(w, before, rssKiB());
    };

    // Kept for every round, so that starting it is not counted as the waves' memory.
    EmulatorConfig capped;
    capped.maxConnections = 64;
    capped.idleTimeout = 60s;
    EmulatorThread full;
    if (!full.start(capped))
        return 1;

    for (int round = 1; round <= rounds; ++round) {
        std::printf("-- round %d\n", round);
        wave("answered, Connection: close", "GET /emulator/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        wave("answered, then left idle", "GET /openapi HTTP/1.1\r\nHost: localhost\r\n\r\n");
        wave("silent until closed", QByteArray());
        wave("half a head until closed", "POST /user HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        wave("foreign Host (421)", "GET /openapi HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
        // Over the cap: a second emulator with long timeouts holds 64 idle connections, and
        // every further one gets 503. (Its held connections close between rounds.)
        {
            std::vector<std::unique_ptr<QTcpSocket>> held;
            for (int i = 0; i < capped.maxConnections; ++i) {
                held.push_back(std::make_unique<QTcpSocket>());
                held.back()->connectToHost(QHostAddress::LocalHost, quint16(full.baseUrl().port()));
                held.back()->waitForConnected(5000);
            }
            QThread::msleep(100);
            const quint16 saved = port;
            port = quint16(full.baseUrl().port());
            wave("over the cap (503)", "GET /openapi HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            port = saved;
            held.clear();
        }
    }
    std::printf("RSS at end: %ld KiB (%+ld since start)\n", rssKiB(), rssKiB() - start);
    full.stop();
    emu.stop();
    return 0;
}
