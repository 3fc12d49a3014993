#include "core/log/endpoint.h"

#include "core/log/exchange.h"

#include <QRegularExpression>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

namespace plainkey {

namespace {

//! A route as segments; a segment in braces stands for any one segment.
struct Route
{
    QStringList segments;
};

// Literal routes before the ones with a placeholder in the same place ("/user/bulk" is no user ID).
const QList<Route> &routes()
{
    static const QList<Route> all = {
            {{QStringLiteral("access-token")}},
            {{QStringLiteral("authentication-token"), QStringLiteral("verify")}},
            {{QStringLiteral("user"), QStringLiteral("bulk")}},
            {{QStringLiteral("user"), QStringLiteral("credential"), QStringLiteral("begin")}},
            {{QStringLiteral("user"), QStringLiteral("credential"), QStringLiteral("complete")}},
            {{QStringLiteral("user"), QStringLiteral("register"), QStringLiteral("begin")}},
            {{QStringLiteral("user"), QStringLiteral("register"), QStringLiteral("complete")}},
            {{QStringLiteral("user"), QStringLiteral("{userId}"), QStringLiteral("credentials")}},
            {{QStringLiteral("user"), QStringLiteral("{userId}")}},
            {{QStringLiteral("user")}},
            {{QStringLiteral("credential"), QStringLiteral("{credentialId}"), QStringLiteral("label")}},
            {{QStringLiteral("credential"), QStringLiteral("{credentialId}")}},
            {{QStringLiteral("authenticate"), QStringLiteral("begin")}},
            {{QStringLiteral("authenticate"), QStringLiteral("complete")}},
            {{QStringLiteral("openapi")}},
    };
    return all;
}

bool matches(const Route &route, const QStringList &segments, qsizetype from)
{
    if (segments.size() - from != route.segments.size())
        return false;
    for (qsizetype i = 0; i < route.segments.size(); ++i) {
        const QString &want = route.segments.at(i);
        if (!want.startsWith(QLatin1Char('{')) && want != segments.at(from + i))
            return false;
    }
    return true;
}

QString joined(const QStringList &segments, qsizetype from, qsizetype to)
{
    QString out;
    for (qsizetype i = from; i < to; ++i)
        out += QLatin1Char('/') + segments.at(i);
    return out;
}

//! A segment that names something rather than an operation: digits with letters, or long.
bool looksLikeId(const QString &segment)
{
    static const QRegularExpression word(QStringLiteral("^[a-z]+(-[a-z]+)*$"));
    return !word.match(segment).hasMatch();
}

QString queryTemplate(const QUrl &url)
{
    if (!url.hasQuery())
        return {};
    QStringList parts;
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyEncoded);
    for (const auto &item : items)
        parts.append(QStringLiteral("%1={%1}").arg(item.first));
    return QLatin1Char('?') + parts.join(QLatin1Char('&'));
}

} // namespace

QString Endpoint::text() const
{
    return QString::fromLatin1(method) + QLatin1Char(' ') + pathTemplate;
}

Endpoint Endpoint::of(const Exchange &exchange)
{
    return of(exchange.method, exchange.url);
}

Endpoint Endpoint::of(const QByteArray &method, const QString &url)
{
    Endpoint e;
    e.method = method;
    const QUrl u(url);
    e.area = areaOf(u.path() + (u.hasQuery() ? QLatin1Char('?') + u.query() : QString()));
    const QStringList segments = u.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString query = queryTemplate(u);

    // The emulator's own endpoints carry no IDs.
    const qsizetype emulatorAt = segments.indexOf(QStringLiteral("emulator"));
    if (emulatorAt >= 0) {
        e.known = true;
        e.basePath = joined(segments, 0, emulatorAt);
        e.pathTemplate = joined(segments, emulatorAt, segments.size()) + query;
        return e;
    }
    // The route is the path's tail; whatever comes before it is the API's base path.
    for (qsizetype from = 0; from < segments.size(); ++from) {
        for (const Route &route : routes()) {
            if (!matches(route, segments, from))
                continue;
            e.known = true;
            e.basePath = joined(segments, 0, from);
            e.pathTemplate = QLatin1Char('/') + route.segments.join(QLatin1Char('/')) + query;
            return e;
        }
    }
    QStringList shown = segments;
    for (QString &s : shown) {
        if (looksLikeId(s))
            s = QStringLiteral("{id}");
    }
    e.pathTemplate = (shown.isEmpty() ? QStringLiteral("/") : joined(shown, 0, shown.size())) + query;
    return e;
}

Endpoint::Area Endpoint::areaOf(const QString &pathAndQuery)
{
    const QStringView path = QStringView(pathAndQuery).left(pathAndQuery.indexOf(QLatin1Char('?')));
    if (path.contains(QLatin1String("/emulator/")) || path.endsWith(QLatin1String("/emulator")))
        return Area::Emulator;
    if (path.endsWith(QLatin1String("/access-token")))
        return Area::AccessToken;
    if (path.contains(QLatin1String("/authentication-token/")))
        return Area::Verify;
    // /user/{id}/credentials and /user/credential/begin are passkey operations on a user.
    if (path.contains(QLatin1String("/credential")))
        return Area::Passkeys;
    if (path.contains(QLatin1String("/user")))
        return Area::Users;
    return Area::Other;
}

} // namespace plainkey
