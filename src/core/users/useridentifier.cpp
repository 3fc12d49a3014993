#include "core/users/useridentifier.h"

namespace plainkey {

QJsonObject UserIdentifier::toJson() const
{
    return QJsonObject{{isId() ? QStringLiteral("userId") : QStringLiteral("userName"), value}};
}

QString UserIdentifier::describe() const
{
    return isId() ? QStringLiteral("user ID %1").arg(value) : QStringLiteral("user name \u201c%1\u201d").arg(value);
}

QString UserIdentifier::problem() const
{
    if (value.trimmed().isEmpty())
        return isId() ? QStringLiteral("the user ID is empty") : QStringLiteral("the user name is empty");
    if (isId() && value.trimmed() != value)
        return QStringLiteral("the user ID has spaces at its start or end");
    return {};
}

} // namespace plainkey
