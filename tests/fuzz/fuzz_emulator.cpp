// The emulator's request handling: the Server API and the control API behind their one route
// table (Router), on requests made of a fuzzed head and body. Qt HttpServer parses real heads
// and is not instrumented; this feeds the emulator's own code what such a head can contain:
// any method, encoded path, query, header list (Host and Origin checked as the emulator
// does) and body.
//
// Input: one or more requests separated by a line "----". Each request: a line
// "METHOD /encoded/path?query", "Name: value" header lines, an empty line, the body.
// The store has the demo users and the access token "fuzz-access-token" (project
// "demo-project"), so guarded routes are reachable; state carries from one request to the
// next within an input (create, then read, then delete), never across inputs. "$TOKEN" and
// "$ID" in a request stand for the last "token" and "id" an earlier answer of the input gave,
// so a sign-up can be followed by a verify of its token, a create by a read of the user.

#include "fuzzcommon.h"

#include "emulator/answers.h"
#include "emulator/authtokenissuer.h"
#include "emulator/controlapi.h"
#include "emulator/emulator.h"
#include "emulator/hostpolicy.h"
#include "emulator/router.h"
#include "emulator/serverapi.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <cstdio>

using namespace plainkey::emulator;

namespace {

EmuRequest parseRequest(const QByteArray &text)
{
    EmuRequest r;
    const qsizetype headEnd = text.indexOf("\n\n");
    const QByteArray head = headEnd < 0 ? text : text.left(headEnd);
    r.body = headEnd < 0 ? QByteArray() : text.mid(headEnd + 2);
    const QList<QByteArray> lines = head.split('\n');
    const QByteArray requestLine = lines.value(0);
    const qsizetype space = requestLine.indexOf(' ');
    r.method = space < 0 ? requestLine : requestLine.left(space);
    const QByteArray target = space < 0 ? QByteArray("/") : requestLine.mid(space + 1);
    // As HttpServer makes it from Qt's parsed URL.
    const QUrl url = QUrl::fromEncoded(target);
    r.encodedPath = url.path(QUrl::FullyEncoded);
    r.path = url.path();
    r.query = QUrlQuery(url);
    r.peer = QHostAddress::LocalHost;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            r.headers.append({lines[i].left(colon), lines[i].mid(colon + 1).trimmed()});
    }
    return r;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    plainkey::fuzz::quietQt();
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const bool trace = qEnvironmentVariableIsSet("PLAINKEY_FUZZ_TRACE");
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));

    // The same wiring as Emulator's constructor, with a route table this target can call.
    Emulator emulator;
    emulator.seedDemoData();
    emulator.store().addAccessToken("fuzz-access-token", QDateTime::currentDateTimeUtc().addDays(1));
    const TokenSigner signer(emulator.config().clientSecret.toUtf8()); // as Emulator signs
    AuthTokenIssuer tokens(emulator.config(), emulator.store(), signer);
    ServerApi serverApi(emulator.config(), emulator.store(), signer, tokens);
    // Besides the loopback names, one configured name (as --host-name gives).
    const HostPolicy hosts(QStringList{QStringLiteral("emulator.test")});
    ControlApi controlApi(emulator, tokens, hosts);
    Router router;
    serverApi.addRoutes(router.group(QString()));
    controlApi.addRoutes(router.group(QStringLiteral("/emulator")));

    QByteArray lastToken;
    QByteArray lastId;
    qsizetype from = 0;
    for (int count = 0; from <= input.size() && count < 8; ++count) {
        qsizetype end = input.indexOf("\n----\n", from);
        if (end < 0)
            end = input.size();
        QByteArray text = input.mid(from, end - from);
        text.replace("$TOKEN", lastToken).replace("$ID", lastId);
        from = end + 6;
        const EmuRequest request = parseRequest(text);
        QStringList segments = Router::segmentsOf(request.encodedPath);
        if (!segments.isEmpty() && segments.first() == QLatin1String("server"))
            segments.removeFirst();
        (void)router.groupFor(segments);
        (void)hosts.checkSameOrigin(request, 8080);
        // As Emulator::dispatch: the Host check comes before anything else.
        const auto refused = hosts.checkHost(request);
        const EmuResponse response = refused ? *refused : router.route(request, segments);
        (void)request.wantsClose();
        static const QRegularExpression tokenField(QStringLiteral(R"re("token":"([^"]*)")re"));
        static const QRegularExpression idField(QStringLiteral(R"re("id":"([^"]*)")re"));
        const QString body = QString::fromUtf8(response.body);
        if (const auto m = tokenField.match(body); m.hasMatch())
            lastToken = m.captured(1).toUtf8();
        if (const auto m = idField.match(body); m.hasMatch())
            lastId = m.captured(1).toUtf8();
        if (trace) // PLAINKEY_FUZZ_TRACE=1 shows what each request of a replayed input got
            std::fprintf(stderr, "%s %s -> %d %s\n", request.method.constData(), qPrintable(request.path),
                         response.status, response.body.left(160).constData());
        if (response.status < 100 || response.status > 599)
            __builtin_trap(); // every answer has a real status
    }
    return 0;
}
