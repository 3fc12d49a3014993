#include "core/log/exchange.h"

#include <QUrl>

namespace plainkey {

QString Exchange::path() const
{
    const QUrl u(url);
    QString p = u.path();
    if (u.hasQuery())
        p += QLatin1Char('?') + u.query();
    return p.isEmpty() ? QStringLiteral("/") : p;
}

QString Exchange::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Pending: return QStringLiteral("pending");
    case Outcome::Success: return QStringLiteral("success");
    case Outcome::Redirect: return QStringLiteral("redirect");
    case Outcome::ClientError: return QStringLiteral("client error");
    case Outcome::ServerError: return QStringLiteral("server error");
    case Outcome::Failed: return QStringLiteral("failed");
    case Outcome::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}

Exchange::Outcome Exchange::outcomeForStatus(int status)
{
    if (status >= 200 && status < 300)
        return Outcome::Success;
    if (status >= 300 && status < 400)
        return Outcome::Redirect;
    if (status >= 400 && status < 500)
        return Outcome::ClientError;
    if (status >= 500)
        return Outcome::ServerError;
    return Outcome::Failed;
}

} // namespace plainkey
