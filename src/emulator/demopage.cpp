#include "emulator/demopage.h"

#include "emulator/answers.h"

#include <QFile>
#include <QRegularExpression>

namespace plainkey::emulator {

namespace {

// Where qt_add_resources in src/emulator/CMakeLists.txt puts resources/demo/.
const QString resourceRoot = QStringLiteral(":/plainkey/demo/");

QByteArray contentTypeOf(const QString &name)
{
    static const QList<QPair<QString, QByteArray>> types{
            {QStringLiteral(".html"), "text/html; charset=utf-8"},
            {QStringLiteral(".js"), "text/javascript; charset=utf-8"},
            {QStringLiteral(".css"), "text/css; charset=utf-8"},
            {QStringLiteral(".svg"), "image/svg+xml"},
            {QStringLiteral(".png"), "image/png"},
    };
    for (const auto &t : types) {
        if (name.endsWith(t.first))
            return t.second;
    }
    return {};
}

} // namespace

QByteArray DemoPage::contentSecurityPolicy()
{
    // Everything from the emulator itself, nothing inline: the page is also what frontend
    // developers copy, so it shows that passkeys need no third-party script.
    return "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
}

void DemoPage::addRoutes(Router::Group &g)
{
    // HEAD too: the emulator answers it without the body (Emulator::dispatch).
    for (const char *method : {"GET", "HEAD"})
        g.add(method, QString(), &DemoPage::index).add(method, QStringLiteral("/{file}"), &DemoPage::file);
}

EmuResponse DemoPage::index(const RouteCall &call)
{
    // /demo without its slash would resolve the page's relative links against the root. A fixed
    // target: echoing the path could turn "//demo" into a link to another host.
    if (!call.request.encodedPath.endsWith(QLatin1Char('/'))) {
        return error(308, QStringLiteral("The sample sign-in page is at /demo/"), {{"Location", "/demo/"}});
    }
    return serve(QStringLiteral("index.html"));
}

EmuResponse DemoPage::file(const RouteCall &call)
{
    return serve(call.param(QStringLiteral("file")));
}

EmuResponse DemoPage::serve(const QString &name)
{
    // A plain file name of a known type, so a decoded "..%2F" or a stray resource can never be
    // reached through this route.
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]*$"));
    const QByteArray type = contentTypeOf(name);
    QFile file(resourceRoot + name);
    if (!plainName.match(name).hasMatch() || type.isEmpty() || !file.open(QIODevice::ReadOnly))
        return error(404, QStringLiteral("The sample sign-in page has no file \u201c%1\u201d").arg(shortened(name)));
    EmuResponse response;
    response.body = file.readAll();
    response.contentType = type;
    // no-store: after an upgrade of the emulator, the browser never runs yesterday's script.
    response.headers = {{"Cache-Control", "no-store"},
                        {"Content-Security-Policy", contentSecurityPolicy()},
                        {"X-Content-Type-Options", "nosniff"},
                        {"Referrer-Policy", "no-referrer"}};
    return response;
}

} // namespace plainkey::emulator
