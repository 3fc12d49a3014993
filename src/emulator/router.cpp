#include "emulator/router.h"

#include "emulator/answers.h"

namespace plainkey::emulator {

namespace {

bool isPlaceholder(const QString &part)
{
    return part.size() > 2 && part.startsWith(QLatin1Char('{')) && part.endsWith(QLatin1Char('}'));
}

bool matches(const QStringList &pattern, const QStringList &segments, QHash<QString, QString> *params)
{
    if (pattern.size() != segments.size())
        return false;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        if (isPlaceholder(pattern[i])) {
            if (params)
                params->insert(pattern[i].mid(1, pattern[i].size() - 2), segments[i]);
        } else if (pattern[i] != segments[i]) {
            return false;
        }
    }
    return true;
}

} // namespace

Router::Group &Router::Group::add(const QByteArray &method, const QString &pattern, Handler handler, Body body, Access access)
{
    routes.append(Route{method, pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts), std::move(handler), body, access});
    return *this;
}

Router::Group &Router::group(const QString &prefix)
{
    const QStringList parts = prefix.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (Group &g : m_groups) {
        if (g.prefix == parts)
            return g;
    }
    m_groups.push_back(Group{});
    m_groups.back().prefix = parts;
    return m_groups.back();
}

const Router::Group *Router::groupFor(const QStringList &segments) const
{
    const Group *best = nullptr;
    for (const Group &g : m_groups) {
        if (g.prefix.size() <= segments.size() && segments.mid(0, g.prefix.size()) == g.prefix
            && (!best || g.prefix.size() > best->prefix.size()))
            best = &g;
    }
    return best;
}

QStringList Router::segmentsOf(const QString &encodedPath)
{
    QStringList segments = encodedPath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (QString &s : segments)
        s = QUrl::fromPercentEncoding(s.toUtf8());
    return segments;
}

EmuResponse Router::route(const EmuRequest &request, const QStringList &segments) const
{
    const Group *g = groupFor(segments);
    if (!g)
        return error(404, QStringLiteral("No route for %1 %2").arg(QString::fromLatin1(request.method), shortened(request.path)));
    EmuResponse response = routeIn(*g, request, segments.mid(g->prefix.size()));
    if (g->finish)
        g->finish(request, response);
    return response;
}

EmuResponse Router::routeIn(const Group &g, const EmuRequest &request, const QStringList &segments) const
{
    if (g.screen) {
        if (auto refused = g.screen(request))
            return *refused;
    }
    // A path can match more than one route: GET /user/bulk is the user whose ID is "bulk" (404
    // when unknown, as PlainKey's router would say), not a wrong method on POST /user/bulk. The
    // first route matching path and method answers; Allow lists every matching route's method.
    QByteArrayList allow;
    const Route *chosen = nullptr;
    for (const Route &route : g.routes) {
        if (!matches(route.pattern, segments, nullptr))
            continue;
        if (!allow.contains(route.method))
            allow.append(route.method);
        if (!chosen && route.method == request.method)
            chosen = &route;
    }
    if (allow.isEmpty())
        return error(404, QStringLiteral("No route for %1 %2").arg(QString::fromLatin1(request.method), shortened(request.path)));
    if (!chosen) {
        const QByteArray methods = allow.join(", ");
        return error(405, QStringLiteral("%1 is not allowed on %2; use %3").arg(QString::fromLatin1(request.method), shortened(request.path), QString::fromLatin1(methods)),
                     {{"Allow", methods}});
    }
    if (chosen->access == Access::Guarded && g.guard) {
        if (auto denied = g.guard(request))
            return *denied;
    }
    RouteCall call{request, {}, {}};
    matches(chosen->pattern, segments, &call.params);
    if (chosen->body == Body::Json || (chosen->body == Body::OptionalJson && !request.body.trimmed().isEmpty())) {
        EmuResponse bad;
        const std::optional<QJsonObject> body = objectBody(request, &bad);
        if (!body)
            return bad;
        call.body = *body;
    }
    return chosen->handler(call);
}

} // namespace plainkey::emulator
