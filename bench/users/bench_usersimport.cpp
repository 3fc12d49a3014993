// Imports N names (default 10,000) through PlainKeyClient and UserImporter into an in-process
// emulator on loopback, and prints how long it took for each chunk size asked for.
//
//   bench_usersimport [--names N] [--chunk-sizes 500,100,1000]

#include "core/api/plainkeyclient.h"
#include "emulator/emulator.h"
#include "core/users/userimporter.h"
#include "core/users/userimportlist.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstdio>

using namespace plainkey;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("plainkey.*.info=false"));
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption namesOption(QStringLiteral("names"), QStringLiteral("Names per import (default 10000)."), QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption chunksOption(QStringLiteral("chunk-sizes"), QStringLiteral("Comma-separated chunk sizes (default 500)."),
                                          QStringLiteral("list"), QStringLiteral("500"));
    parser.addOption(namesOption);
    parser.addOption(chunksOption);
    parser.process(app);
    const int count = std::max(1, parser.value(namesOption).toInt());
    QTextStream out(stdout);

    emulator::Emulator emu;
    if (!emu.listen()) {
        QTextStream(stderr) << "The emulator could not listen: " << emu.errorString() << '\n';
        return 1;
    }
    out << "bench_usersimport: " << count << " names per import, emulator at " << emu.baseUrl().toString() << '\n';

    int round = 0;
    for (const QString &chunkText : parser.value(chunksOption).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int chunk = chunkText.toInt();
        ++round;
        // Fresh names each round: the emulator keeps the users of the rounds before.
        QByteArray file = "userName\n";
        for (int i = 0; i < count; ++i)
            file += "bench" + QByteArray::number(round) + '-' + QByteArray::number(i) + "@example.com\n";
        QElapsedTimer parseClock;
        parseClock.start();
        const UserImportList list = UserImportList::parse(file, QStringLiteral("bench.csv"));
        const qint64 parseMs = parseClock.elapsed();

        PlainKeyClient client;
        Credentials c;
        c.baseUrl = emu.baseUrl();
        c.projectId = emu.config().projectId;
        c.clientSecret = emu.config().clientSecret;
        client.setCredentials(c);
        UserImporter importer(&client);
        importer.setChunkSize(chunk);
        QEventLoop loop;
        QObject::connect(&importer, &UserImporter::finished, &loop, &QEventLoop::quit);
        // The longest the event loop waits between two progress signals: what a GUI would feel.
        QElapsedTimer sinceProgress;
        qint64 longestGapMs = 0;
        QObject::connect(&importer, &UserImporter::progressChanged, &loop, [&] {
            longestGapMs = std::max(longestGapMs, sinceProgress.restart());
        });
        sinceProgress.start();
        importer.start(list.rows);
        loop.exec();
        out << QStringLiteral("chunk %1: %2 created, %3 not created, %4 requests, %5 ms (reading the file %6 ms; longest wait between progress updates %7 ms)\n")
                        .arg(chunk, 5)
                        .arg(importer.count(ImportRow::Status::Created))
                        .arg(importer.total() - importer.count(ImportRow::Status::Created))
                        .arg(importer.requestCount())
                        .arg(importer.elapsedMs())
                        .arg(parseMs)
                        .arg(longestGapMs);
        out.flush();
    }
    return 0;
}
