// plainkey-emulator: a local PlainKey Server API for demos, development and tests.

#include "emulator/emulator.h"
#include "emulator/emulatorclock.h"
#include "emulator/emulatordatabase.h"
#include "emulator/projectdocument.h"
#include "emulator/hostpolicy.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace plainkey::emulator;

namespace {

int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(signalPipe[1], &c, 1);
}

int fail(const QString &message)
{
    std::fprintf(stderr, "plainkey-emulator: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's own Unix event dispatcher rather than GLib's: with GLib, every posted event and
    // every socket notifier toggled wrote to the context's wakeup eventfd (three extra write()
    // calls per answered request under the load benchmark). The standalone emulator needs
    // nothing from GLib. The console, which runs an Emulator in a thread of a GUI application,
    // keeps whatever dispatcher its platform gives it. A QT_NO_GLIB already set is respected.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("plainkey-emulator"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "A local server that speaks PlainKey's Server API (at / and /server) and Browser API (at /browser),\n"
            "for demos, development and tests. Point PlainKey's browser SDK at http://localhost:PORT/browser.\n"
            "Emulator-only endpoints: POST /emulator/sign-up, /emulator/sign-in, /emulator/seed, /emulator/reset,\n"
            "/emulator/revoke-access-tokens, /emulator/export; GET/PUT /emulator/faults; GET /emulator/info.\n"
            "A sample sign-in page with passkeys: http://localhost:PORT/demo/."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption host(QStringLiteral("host"), QStringLiteral("Address to listen on (default 127.0.0.1)."), QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port; 0 picks a free one (default 0)."), QStringLiteral("port"), QStringLiteral("0"));
    const QCommandLineOption projectId(QStringLiteral("project-id"), QStringLiteral("Project ID (default demo-project)."), QStringLiteral("id"));
    const QCommandLineOption secret(QStringLiteral("client-secret"),
                                    QStringLiteral("Client secret (default demo-secret; or env PLAINKEY_EMULATOR_CLIENT_SECRET)."), QStringLiteral("secret"));
    const QCommandLineOption tokenTtl(QStringLiteral("token-ttl"), QStringLiteral("Authentication-token lifetime in seconds (default 300)."), QStringLiteral("seconds"), QStringLiteral("300"));
    const QCommandLineOption accessTtl(QStringLiteral("access-token-ttl"), QStringLiteral("Access-token lifetime in seconds (default 3600)."), QStringLiteral("seconds"), QStringLiteral("3600"));
    const QCommandLineOption format(QStringLiteral("token-format"), QStringLiteral("Authentication tokens: jwt or opaque (default jwt)."), QStringLiteral("format"), QStringLiteral("jwt"));
    const QCommandLineOption expiresFormat(QStringLiteral("expires-at-format"), QStringLiteral("expiresAt in verify answers: iso, seconds or millis (default iso)."), QStringLiteral("format"), QStringLiteral("iso"));
    const QCommandLineOption singleUse(QStringLiteral("single-use-tokens"), QStringLiteral("A verified token cannot be verified again."));
    const QCommandLineOption seed(QStringLiteral("seed-demo"), QStringLiteral("Start with a few demo users and passkeys."));
    const QCommandLineOption allowRemote(QStringLiteral("allow-non-loopback"),
                                         QStringLiteral("Allow listening on an address other than loopback (needs --host-name)."));
    const QCommandLineOption hostName(QStringLiteral("host-name"),
                                      QStringLiteral("A name (or address) the emulator is reached by, besides localhost and 127.0.0.1; "
                                                     "requests whose Host header names anything else are refused (DNS rebinding). Repeatable."),
                                      QStringLiteral("name"));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"), QStringLiteral("Connections open at once; more get 503 (default 512)."),
                                            QStringLiteral("n"), QStringLiteral("512"));
    const QCommandLineOption maxUsers(QStringLiteral("max-users"), QStringLiteral("Users the store holds at most (default 100000)."),
                                      QStringLiteral("n"), QStringLiteral("100000"));
    const QCommandLineOption maxPasskeys(QStringLiteral("max-passkeys"), QStringLiteral("Passkeys the store holds at most (default 500000)."),
                                         QStringLiteral("n"), QStringLiteral("500000"));
    const QCommandLineOption data(QStringLiteral("data"),
                                  QStringLiteral("Keep the project in this SQLite file across restarts (created if missing); without it, memory only."),
                                  QStringLiteral("file"));
    const QCommandLineOption seedFile(QStringLiteral("seed"), QStringLiteral("Add the users and passkeys of this JSON project file (as --export writes it)."),
                                      QStringLiteral("file"));
    const QCommandLineOption exportFile(QStringLiteral("export"), QStringLiteral("Write the project as JSON to this file (- for stdout) and exit."),
                                        QStringLiteral("file"));
    const QCommandLineOption rpId(QStringLiteral("rp-id"), QStringLiteral("WebAuthn relying party ID of the Browser API (default localhost)."),
                                  QStringLiteral("domain"), QStringLiteral("localhost"));
    const QCommandLineOption origin(QStringLiteral("origin"),
                                    QStringLiteral("A web origin allowed to call the Browser API and run passkey ceremonies, such as\n"
                                                   "http://localhost:5173 or http://localhost:* (any port); repeatable. Default:\n"
                                                   "http://localhost:* and http://127.0.0.1:*. The emulator's own origin is always allowed."),
                                    QStringLiteral("URL"));
    const QCommandLineOption clockSkew(QStringLiteral("clock-skew"),
                                       QStringLiteral("Run the project's clock this many seconds ahead of this computer's (negative: behind): "
                                                      "the Date header, token times and expiry checks follow it (default 0)."),
                                       QStringLiteral("seconds"), QStringLiteral("0"));
    parser.addOptions({host, port, projectId, secret, tokenTtl, accessTtl, format, expiresFormat, singleUse, seed, allowRemote, hostName,
                       maxConnections, maxUsers, maxPasskeys, data, seedFile, exportFile, rpId, origin, clockSkew});
    parser.process(app);
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \u201c%1\u201d (see --help)").arg(parser.positionalArguments().first()));

    EmulatorConfig config;
    if (parser.isSet(projectId))
        config.projectId = parser.value(projectId);
    const QString envSecret = qEnvironmentVariable("PLAINKEY_EMULATOR_CLIENT_SECRET");
    if (parser.isSet(secret))
        config.clientSecret = parser.value(secret);
    else if (!envSecret.isEmpty())
        config.clientSecret = envSecret;
    if (config.projectId.isEmpty() || config.clientSecret.isEmpty())
        return fail(QStringLiteral("the project ID and client secret must not be empty"));
    bool ok = false;
    const int ttl = parser.value(tokenTtl).toInt(&ok);
    if (!ok || ttl < 1)
        return fail(QStringLiteral("--token-ttl takes a whole number of seconds above 0"));
    config.authTokenTtl = std::chrono::seconds(ttl);
    const int attl = parser.value(accessTtl).toInt(&ok);
    if (!ok || attl < 1)
        return fail(QStringLiteral("--access-token-ttl takes a whole number of seconds above 0"));
    config.accessTokenTtl = std::chrono::seconds(attl);
    const QString f = parser.value(format);
    if (f == QLatin1String("jwt"))
        config.tokenFormat = EmulatorConfig::TokenFormat::Jwt;
    else if (f == QLatin1String("opaque"))
        config.tokenFormat = EmulatorConfig::TokenFormat::Opaque;
    else
        return fail(QStringLiteral("--token-format takes jwt or opaque"));
    const QString ef = parser.value(expiresFormat);
    if (ef == QLatin1String("iso"))
        config.expiresAtFormat = EmulatorConfig::ExpiresAtFormat::Iso8601;
    else if (ef == QLatin1String("seconds"))
        config.expiresAtFormat = EmulatorConfig::ExpiresAtFormat::EpochSeconds;
    else if (ef == QLatin1String("millis"))
        config.expiresAtFormat = EmulatorConfig::ExpiresAtFormat::EpochMillis;
    else
        return fail(QStringLiteral("--expires-at-format takes iso, seconds or millis"));
    config.singleUseTokens = parser.isSet(singleUse);
    config.rpId = parser.value(rpId).trimmed().toLower();
    if (config.rpId.isEmpty() || config.rpId.contains(QLatin1Char('/')) || config.rpId.contains(QLatin1Char(':')))
        return fail(QStringLiteral("--rp-id takes a domain such as localhost or example.com (no scheme, port or path)"));
    for (QString o : parser.values(origin)) {
        o = o.trimmed();
        if (o.endsWith(QLatin1Char('/')))
            o.chop(1);
        // The port may be "*", which QUrl does not parse: check the rest with a stand-in port.
        QString checked = o;
        if (checked.endsWith(QLatin1String(":*")))
            checked = checked.chopped(2) + QLatin1String(":1");
        const QUrl url(checked, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty()
            || !url.path().isEmpty() || url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty())
            return fail(QStringLiteral("--origin takes an origin such as http://localhost:5173 or http://localhost:* (scheme, host and port, no path), not \u201c%1\u201d").arg(o));
        config.allowedOrigins.append(o);
    }
    for (const QString &name : parser.values(hostName)) {
        QString why;
        if (!HostPolicy::isValidHostName(name, &why))
            return fail(why);
        config.hostNames.append(name);
    }
    // Counts: whole numbers in a range, so that no cap is zero or absurd.
    auto count = [&](const QCommandLineOption &option, int max, int *out) {
        const int n = parser.value(option).toInt(&ok);
        if (!ok || n < 1 || n > max)
            return false;
        *out = n;
        return true;
    };
    if (!count(maxConnections, 100000, &config.maxConnections))
        return fail(QStringLiteral("--max-connections takes a whole number from 1 to 100000"));
    if (!count(maxUsers, 100000000, &config.maxUsers))
        return fail(QStringLiteral("--max-users takes a whole number from 1 to 100000000"));
    if (!count(maxPasskeys, 100000000, &config.maxPasskeys))
        return fail(QStringLiteral("--max-passkeys takes a whole number from 1 to 100000000"));

    const QString hostText = parser.value(host);
    QHostAddress address;
    if (hostText == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(hostText))
        return fail(QStringLiteral("--host takes an IP address, not \u201c%1\u201d").arg(hostText));
    if (!address.isLoopback() && !parser.isSet(allowRemote))
        return fail(QStringLiteral("refusing to listen on %1: other machines could reach the emulator. Pass --allow-non-loopback if you mean it.").arg(hostText));
    // Other machines reach it by some name or address; only the ones named are answered, so
    // that a web page cannot reach it through DNS rebinding under a name of its own.
    if (!address.isLoopback() && config.hostNames.isEmpty())
        return fail(QStringLiteral("refusing to listen on %1 without --host-name: name each host name or address other machines use to reach "
                                   "the emulator (for example --host-name 192.168.1.20 --host-name devbox.local); requests with any other Host "
                                   "header are refused.")
                            .arg(hostText));
    const int portNumber = parser.value(port).toInt(&ok);
    if (!ok || portNumber < 0 || portNumber > 65535)
        return fail(QStringLiteral("--port takes a number from 0 to 65535"));

    const qint64 skewSeconds = parser.value(clockSkew).toLongLong(&ok);
    if (!ok || skewSeconds < -EmulatorClock::kMaxSkew.count() || skewSeconds > EmulatorClock::kMaxSkew.count())
        return fail(QStringLiteral("--clock-skew takes a whole number of seconds from -%1 to %1 (ten years)").arg(EmulatorClock::kMaxSkew.count()));

    Emulator emulator(config);
    // Before the project is built: demo users' times are relative to the project's clock too.
    emulator.setClockSkew(std::chrono::seconds(skewSeconds));
    // The project comes first (--data, then --seed, then --seed-demo), before anyone can ask.
    if (parser.isSet(data)) {
        const QString path = parser.value(data);
        QString why;
        auto database = EmulatorDatabase::open(path, config.projectId, &why);
        if (!database || !emulator.store().attachDatabase(std::move(database), &why)) {
            std::fprintf(stderr, "plainkey-emulator: refusing the data file %s: %s. It was left as it is.\n", qPrintable(path), qPrintable(why));
            return 1;
        }
    }
    if (parser.isSet(seedFile)) {
        const QString path = parser.value(seedFile);
        QFile file(path);
        QString why;
        std::optional<ProjectDocument> document;
        if (!file.open(QIODevice::ReadOnly))
            why = file.errorString();
        else if (file.size() > 256 * 1024 * 1024)
            why = QStringLiteral("it is over 256 MiB");
        else
            document = ProjectDocument::fromJson(file.readAll(), &why);
        int skipped = 0;
        if (!document || !document->addTo(emulator.store(), &why, &skipped)) {
            std::fprintf(stderr, "plainkey-emulator: refusing the seed file %s: %s. Nothing of it was added.\n", qPrintable(path), qPrintable(why));
            return 1;
        }
        if (skipped > 0)
            std::fprintf(stderr, "plainkey-emulator: %d users of %s were already in the project and were left as they are\n", skipped, qPrintable(path));
    }
    if (parser.isSet(seed))
        emulator.seedDemoData();
    if (parser.isSet(exportFile)) {
        const QString path = parser.value(exportFile);
        const QByteArray json = QJsonDocument(ProjectDocument::fromStore(emulator.store(), config.projectId).toJson()).toJson(QJsonDocument::Indented);
        if (path == QLatin1String("-")) {
            std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
            return std::fflush(stdout) == 0 ? 0 : 1;
        }
        // Written whole or not at all: an interrupted export never leaves half a file.
        QSaveFile out(path);
        if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size() || !out.commit()) {
            std::fprintf(stderr, "plainkey-emulator: cannot write the export %s: %s\n", qPrintable(path), qPrintable(out.errorString()));
            return 1;
        }
        return 0;
    }

    if (!emulator.listen(address, quint16(portNumber))) {
        std::fprintf(stderr, "plainkey-emulator: %s\n", qPrintable(emulator.errorString()));
        return 1;
    }

    // Quit cleanly on SIGINT/SIGTERM through the event loop, from before the URL line: whoever
    // reads it may stop the program at once, and with --data a clean stop folds the WAL in.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    if (!parser.isSet(projectId) && !parser.isSet(secret) && envSecret.isEmpty())
        std::fprintf(stderr, "plainkey-emulator: demo credentials: project ID %s, client secret %s\n",
                     qPrintable(config.projectId), qPrintable(config.clientSecret));
    QUrl url = emulator.baseUrl();
    if (!address.isLoopback() && address != QHostAddress::Any)
        url.setHost(address.toString());
    std::printf("%s\n", qPrintable(url.toString()));
    std::fflush(stdout);

    return app.exec();
}
