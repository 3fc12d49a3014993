// Prints what the emulator costs over loopback: bulk-creating 10,000 users, issuing access
// tokens, verifying authentication tokens (one at a time and six in parallel, as
// QNetworkAccessManager does per host), simulated sign-ins, user look-ups in a full store,
// and how latency injection overlaps instead of queueing.
// The emulator runs on its own thread (EmulatorThread), the client on the main thread.
// Every loop is bounded in count and in time; nothing here passes or fails.
//
//   bench_emulator [--requests N]     (default 3000 verify requests per run)

#include "emulator/emulatorthread.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

using namespace plainkey::emulator;
using namespace std::chrono_literals;

namespace {

constexpr qint64 kTimeLimitMs = 20000; // per run

struct Figures
{
    int done = 0;
    int failed = 0;
    qint64 wallMs = 0;
    std::vector<double> latenciesMs;

    double perSecond() const { return wallMs > 0 ? done * 1000.0 / double(wallMs) : 0; }
    double percentile(double p)
    {
        if (latenciesMs.empty())
            return 0;
        std::sort(latenciesMs.begin(), latenciesMs.end());
        return latenciesMs[std::min(latenciesMs.size() - 1, size_t(p * double(latenciesMs.size())))];
    }
};

//! Sends \a total requests made by \a make, \a concurrency at a time, and measures them.
Figures run(QNetworkAccessManager &nam, int total, int concurrency, const std::function<QNetworkReply *(QNetworkAccessManager &)> &make,
            int expectedStatus = 200)
{
    Figures f;
    QEventLoop loop;
    QElapsedTimer wall;
    wall.start();
    int started = 0;
    std::function<void()> startOne = [&] {
        if (started >= total || wall.elapsed() > kTimeLimitMs)
            return;
        ++started;
        QElapsedTimer *clock = new QElapsedTimer;
        clock->start();
        QNetworkReply *reply = make(nam);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, clock] {
            f.latenciesMs.push_back(double(clock->nsecsElapsed()) / 1e6);
            delete clock;
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == expectedStatus)
                ++f.done;
            else
                ++f.failed;
            reply->deleteLater();
            if (f.done + f.failed >= started && (started >= total || wall.elapsed() > kTimeLimitMs))
                loop.quit();
            else
                startOne();
        });
    };
    for (int i = 0; i < concurrency; ++i)
        startOne();
    QTimer::singleShot(kTimeLimitMs + 10000, &loop, &QEventLoop::quit); // a stuck run still ends
    loop.exec();
    f.wallMs = wall.elapsed();
    return f;
}

QNetworkRequest jsonRequest(const QUrl &url, const QByteArray &accessToken = {})
{
    QNetworkRequest r(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!accessToken.isEmpty()) {
        r.setRawHeader("Authorization", "Bearer " + accessToken);
        r.setRawHeader("x-project-id", "demo-project");
    }
    return r;
}

QJsonDocument once(QNetworkReply *reply)
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
    reply->deleteLater();
    return doc;
}

void print(const char *what, Figures f)
{
    std::printf("%-52s %6d ok %4d failed  %8.0f req/s   p50 %6.2f ms   p99 %6.2f ms\n", what, f.done, f.failed, f.perSecond(), f.percentile(0.5),
                f.percentile(0.99));
}

QUrl at(const QUrl &base, const char *path)
{
    return QUrl(base.toString() + QLatin1String(path));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Prints the emulator's throughput over loopback."));
    parser.addHelpOption();
    const QCommandLineOption requestsOption(QStringLiteral("requests"), QStringLiteral("Verify requests per run (default 3000, at most 100000)."),
                                            QStringLiteral("n"), QStringLiteral("3000"));
    parser.addOption(requestsOption);
    parser.process(app);
    const int requests = std::clamp(parser.value(requestsOption).toInt(), 10, 100000);

    EmulatorThread emulator;
    if (!emulator.start()) {
        std::fprintf(stderr, "bench_emulator: the emulator could not start: %s\n", qPrintable(emulator.errorString()));
        return 1;
    }
    const QUrl base = emulator.baseUrl();
    QNetworkAccessManager nam;
    std::printf("bench_emulator: emulator on its own thread at %s; client: one QNetworkAccessManager\n", qPrintable(base.toString()));

    // Access token for the rest.
    QNetworkRequest tokenRequest(at(base, "/access-token"));
    tokenRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    const QByteArray form = "client_id=demo-project&client_secret=demo-secret";
    const QByteArray accessToken = once(nam.post(tokenRequest, form)).object().value(QLatin1String("access_token")).toString().toUtf8();
    if (accessToken.isEmpty()) {
        std::fprintf(stderr, "bench_emulator: no access token\n");
        return 1;
    }

    // 1. Bulk-create 10,000 users, three rounds.
    for (int round = 0; round < 3; ++round) {
        QJsonArray users;
        for (int i = 0; i < 10000; ++i)
            users.append(QJsonObject{{QStringLiteral("userName"), QStringLiteral("r%1-user%2@example.com").arg(round).arg(i)}});
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("users"), users}}).toJson(QJsonDocument::Compact);
        QElapsedTimer t;
        t.start();
        QNetworkReply *reply = nam.post(jsonRequest(at(base, "/user/bulk"), accessToken), body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->readAll();
        reply->deleteLater();
        std::printf("bulk-create 10,000 users (round %d, %d in store after): %lld ms, status %d, %lld-byte request, %lld-byte answer\n", round + 1,
                    (round + 1) * 10000, qint64(t.elapsed()), status, qint64(body.size()), qint64(answer.size()));
    }

    // 2. Access tokens.
    print("access tokens, sequential", run(nam, 500, 1, [&](QNetworkAccessManager &n) { return n.post(tokenRequest, form); }));

    // 3. Verify: one reusable token.
    QNetworkRequest signIn = jsonRequest(at(base, "/emulator/sign-up"));
    const QString authToken = once(nam.post(signIn, QByteArrayLiteral("{\"userName\":\"bench@example.com\"}")))
                                      .object().value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    const QByteArray verifyBody = QJsonDocument(QJsonObject{{QStringLiteral("token"), authToken}}).toJson(QJsonDocument::Compact);
    const QNetworkRequest verify = jsonRequest(at(base, "/authentication-token/verify"), accessToken);
    auto verifyOne = [&](QNetworkAccessManager &n) { return n.post(verify, verifyBody); };
    print("verify, sequential", run(nam, requests, 1, verifyOne));
    print("verify, 6 in parallel", run(nam, requests, 6, verifyOne));
    print("verify of a forged token (401), 6 in parallel", run(nam, requests, 6, [&](QNetworkAccessManager &n) {
              return n.post(verify, QByteArrayLiteral("{\"token\":\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA\"}"));
          }, 401));

    // 4. Simulated sign-ins (each mints a token and updates the passkey).
    const QNetworkRequest signInRequest = jsonRequest(at(base, "/emulator/sign-in"));
    print("emulator sign-in, 6 in parallel", run(nam, std::min(requests, 2000), 6, [&](QNetworkAccessManager &n) {
              return n.post(signInRequest, QByteArrayLiteral("{\"userName\":\"bench@example.com\"}"));
          }));

    // 5. Look-ups in a store of 30,000 users.
    int i = 0;
    print("find user by name (30,000 in store), 6 in parallel", run(nam, std::min(requests, 3000), 6, [&](QNetworkAccessManager &n) {
              const QString name = QStringLiteral("r1-user%1%40example.com").arg((i++ * 7919) % 10000);
              return n.get(jsonRequest(QUrl(base.toString() + QStringLiteral("/user?userName=") + name), accessToken));
          }));

    // 6. Latency overlaps: 60 requests on 60 connections (ten clients, six connections each),
    //    each delayed 200 ms, take about 200 ms in all, not 60 x 200 ms: the emulator defers
    //    answers on timers and never sleeps.
    emulator.setLatency(200ms);
    std::vector<std::unique_ptr<QNetworkAccessManager>> clients;
    for (int c = 0; c < 10; ++c)
        clients.push_back(std::make_unique<QNetworkAccessManager>());
    int next = 0;
    const Figures slow = run(nam, 60, 60, [&](QNetworkAccessManager &) { return clients[size_t(next++ % 10)]->post(verify, verifyBody); });
    std::printf("%-52s %6d ok, wall %lld ms for 60 requests each delayed 200 ms (%lld ms if they queued one by one)\n",
                "latency 200 ms, 60 requests at once", slow.done, slow.wallMs, 60LL * 200);
    emulator.setLatency(0ms);

    emulator.stop();
    return 0;
}
