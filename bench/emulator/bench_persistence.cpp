// Prints what --data costs per acknowledged change: the plainkey-emulator program, memory only
// and then with a data file (WAL, synchronous=FULL: one fsync per change), answering
// create-user (POST /user), sign-up (user, passkey and token in one transaction) and a
// 1,000-user bulk create, one request at a time over a kept-alive loopback connection.
// Every loop is bounded in count; nothing here passes or fails.
//
//   bench_persistence [--requests N] [--dir FOLDER]   (default 300 requests per run; the data
//                                                      file goes in a temporary folder unless
//                                                      --dir names one, to measure another disk)

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

struct Answer
{
    int status = 0;
    QByteArray body;
};

Answer post(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(url);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply *reply = nam.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, [reply] { reply->abort(); });
    if (!reply->isFinished())
        loop.exec();
    Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    delete reply;
    return a;
}

struct Row
{
    double meanMs = 0;
    double medianMs = 0;
    double p99Ms = 0;
    int failed = 0;
};

Row measure(int count, const std::function<bool(int)> &once)
{
    std::vector<double> ms;
    Row row;
    QElapsedTimer t;
    for (int i = 0; i < count; ++i) {
        t.start();
        if (!once(i))
            ++row.failed;
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms)
        sum += v;
    row.meanMs = ms.empty() ? 0 : sum / double(ms.size());
    row.medianMs = ms.empty() ? 0 : ms[ms.size() / 2];
    row.p99Ms = ms.empty() ? 0 : ms[std::min(ms.size() - 1, size_t(0.99 * double(ms.size())))];
    return row;
}

void print(const char *what, const char *mode, const Row &r)
{
    std::printf("  %-34s %-8s mean %7.3f ms  median %7.3f ms  p99 %7.3f ms%s\n", what, mode, r.meanMs, r.medianMs, r.p99Ms,
                r.failed ? qPrintable(QStringLiteral("  (%1 failed)").arg(r.failed)) : "");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption requestsOption(QStringLiteral("requests"), QStringLiteral("Requests per run (default 300)."), QStringLiteral("n"), QStringLiteral("300"));
    const QCommandLineOption dirOption(QStringLiteral("dir"), QStringLiteral("Folder for the data file (default: a temporary one)."), QStringLiteral("folder"));
    parser.addOptions({requestsOption, dirOption});
    parser.process(app);
    const int requests = std::clamp(parser.value(requestsOption).toInt(), 1, 100000);
    QTemporaryDir temp(parser.isSet(dirOption) ? parser.value(dirOption) + QStringLiteral("/bench-persistence-XXXXXX") : QString());
    if (!temp.isValid()) {
        std::fprintf(stderr, "bench_persistence: cannot make a folder for the data file: %s\n", qPrintable(temp.errorString()));
        return 1;
    }

    std::printf("plainkey-emulator, one request at a time, %d requests per run; data file in %s\n", requests, qPrintable(temp.path()));
    for (const bool persistent : {false, true}) {
        const char *mode = persistent ? "--data" : "memory";
        QStringList args{QStringLiteral("--port"), QStringLiteral("0")};
        if (persistent)
            args << QStringLiteral("--data") << temp.filePath(QStringLiteral("bench.db"));
        QProcess program;
        program.start(QStringLiteral(PLAINKEY_EMULATOR_BINARY), args);
        if (!program.waitForReadyRead(15000)) {
            std::fprintf(stderr, "bench_persistence: the emulator did not start: %s\n", program.readAllStandardError().constData());
            return 1;
        }
        const QString base = QString::fromUtf8(program.readLine()).trimmed();
        QNetworkAccessManager nam;
        const Answer token = post(nam, QUrl(base + QStringLiteral("/access-token")), "client_id=demo-project&client_secret=demo-secret",
                                  {{"Content-Type", "application/x-www-form-urlencoded"}});
        const QByteArray access = QJsonDocument::fromJson(token.body).object().value(QLatin1String("access_token")).toString().toUtf8();
        const QList<QPair<QByteArray, QByteArray>> headers{{"Authorization", "Bearer " + access}, {"x-project-id", "demo-project"}, {"Content-Type", "application/json"}};

        const Row create = measure(requests, [&](int i) {
            const QByteArray body = "{\"userName\":\"bench-" + QByteArray::number(i) + "@example.com\"}";
            return post(nam, QUrl(base + QStringLiteral("/user")), body, headers).status == 200;
        });
        print("create a user (POST /user)", mode, create);
        const Row signUp = measure(requests, [&](int i) {
            const QByteArray body = "{\"userName\":\"signup-" + QByteArray::number(i) + "@example.com\"}";
            return post(nam, QUrl(base + QStringLiteral("/emulator/sign-up")), body, {{"Content-Type", "application/json"}}).status == 200;
        });
        print("sign-up (user+passkey+token)", mode, signUp);
        const Row bulk = measure(5, [&](int run) {
            QJsonArray users;
            for (int i = 0; i < 1000; ++i)
                users.append(QJsonObject{{QStringLiteral("userName"), QStringLiteral("bulk-%1-%2").arg(run).arg(i)}});
            const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("users"), users}}).toJson(QJsonDocument::Compact);
            return post(nam, QUrl(base + QStringLiteral("/user/bulk")), body, headers).status == 200;
        });
        print("bulk create 1,000 users (5 runs)", mode, bulk);
        program.terminate();
        program.waitForFinished(10000);
    }
    return 0;
}
