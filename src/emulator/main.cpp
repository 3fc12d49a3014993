// plainkey-emulator: a local PlainKey Server API for demos, development and tests.

#include "emulator/emulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
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
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("plainkey-emulator"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "A local server that speaks PlainKey's Server API (at / and /server) and Browser API (at /browser),\n"
            "for demos, development and tests. Point PlainKey's browser SDK at http://localhost:PORT/browser.\n"
            "Emulator-only endpoints: POST /emulator/sign-up, /emulator/sign-in, /emulator/seed, /emulator/reset,\n"
            "/emulator/revoke-access-tokens; GET/PUT /emulator/faults; GET /emulator/info.\n"
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
    const QCommandLineOption allowRemote(QStringLiteral("allow-non-loopback"), QStringLiteral("Allow listening on an address other than loopback."));
    const QCommandLineOption rpId(QStringLiteral("rp-id"), QStringLiteral("WebAuthn relying party ID of the Browser API (default localhost)."),
                                  QStringLiteral("domain"), QStringLiteral("localhost"));
    const QCommandLineOption origin(QStringLiteral("origin"),
                                    QStringLiteral("A web origin allowed to call the Browser API and run passkey ceremonies, such as\n"
                                                   "http://localhost:5173 or http://localhost:* (any port); repeatable. Default:\n"
                                                   "http://localhost:* and http://127.0.0.1:*. The emulator's own origin is always allowed."),
                                    QStringLiteral("URL"));
    parser.addOptions({host, port, projectId, secret, tokenTtl, accessTtl, format, expiresFormat, singleUse, seed, allowRemote, rpId, origin});
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

    const QString hostText = parser.value(host);
    QHostAddress address;
    if (hostText == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(hostText))
        return fail(QStringLiteral("--host takes an IP address, not \u201c%1\u201d").arg(hostText));
    if (!address.isLoopback() && !parser.isSet(allowRemote))
        return fail(QStringLiteral("refusing to listen on %1: other machines could reach the emulator. Pass --allow-non-loopback if you mean it.").arg(hostText));
    const int portNumber = parser.value(port).toInt(&ok);
    if (!ok || portNumber < 0 || portNumber > 65535)
        return fail(QStringLiteral("--port takes a number from 0 to 65535"));

    Emulator emulator(config);
    if (!emulator.listen(address, quint16(portNumber))) {
        std::fprintf(stderr, "plainkey-emulator: %s\n", qPrintable(emulator.errorString()));
        return 1;
    }
    if (parser.isSet(seed))
        emulator.seedDemoData();

    if (!parser.isSet(projectId) && !parser.isSet(secret) && envSecret.isEmpty())
        std::fprintf(stderr, "plainkey-emulator: demo credentials: project ID %s, client secret %s\n",
                     qPrintable(config.projectId), qPrintable(config.clientSecret));
    QUrl url = emulator.baseUrl();
    if (!address.isLoopback() && address != QHostAddress::Any)
        url.setHost(address.toString());
    std::printf("%s\n", qPrintable(url.toString()));
    std::fflush(stdout);

    // Quit cleanly on SIGINT/SIGTERM through the event loop.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    return app.exec();
}
