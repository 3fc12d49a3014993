#include "core/users/user.h"

#include "core/api/jsonreader.h"

namespace plainkey {

QString User::displayName() const
{
    return userName && !userName->isEmpty() ? *userName : QStringLiteral("(no user name)");
}

Result<User> User::fromJson(const QJsonObject &object, const QString &what)
{
    JsonReader reader(object, what);
    User u;
    u.id = reader.requiredString(QStringLiteral("id"));
    u.userName = reader.optionalString(QStringLiteral("userName"));
    if (!reader.ok())
        return reader.error();
    if (u.id.isEmpty())
        return ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("%1 has an empty id").arg(what));
    return u;
}

QJsonObject User::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("userName"), userName ? QJsonValue(*userName) : QJsonValue(QJsonValue::Null)}};
}

} // namespace plainkey
