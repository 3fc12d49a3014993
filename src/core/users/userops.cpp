#include "core/users/userops.h"

#include "core/api/jsonreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace plainkey {

namespace {

Result<User> readUser(const HttpAnswer &answer)
{
    const auto object = JsonReader::object(answer);
    if (!object)
        return object.error();
    return User::fromJson(object.value(), QStringLiteral("the user"));
}

QJsonValue nameOrNull(const std::optional<QString> &name)
{
    return name ? QJsonValue(*name) : QJsonValue(QJsonValue::Null);
}

} // namespace

ApiRequest GetUser::request(const QString &userId)
{
    ApiRequest r;
    r.path = QStringLiteral("/user/") + ApiRequest::segment(userId);
    r.operation = QStringLiteral("Fetching user ID %1").arg(userId);
    return r;
}

Result<User> GetUser::read(const HttpAnswer &answer)
{
    return readUser(answer);
}

ApiRequest FindUserByName::request(const QString &userName)
{
    ApiRequest r;
    r.path = QStringLiteral("/user");
    // QUrlQuery leaves '+' alone, which servers read as a space: encode everything but the
    // unreserved characters ourselves so "ada+test@example.com" arrives intact.
    r.query.addQueryItem(QStringLiteral("userName"), QString::fromLatin1(QUrl::toPercentEncoding(userName)));
    r.operation = QStringLiteral("Finding the user named \u201c%1\u201d").arg(userName);
    return r;
}

Result<User> FindUserByName::read(const HttpAnswer &answer)
{
    return readUser(answer);
}

ApiRequest CreateUser::request(const std::optional<QString> &userName)
{
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/user");
    QJsonObject body;
    if (userName)
        body.insert(QStringLiteral("userName"), *userName);
    r.body = body;
    r.operation = userName ? QStringLiteral("Creating the user \u201c%1\u201d").arg(*userName)
                           : QStringLiteral("Creating a user without a user name");
    return r;
}

Result<User> CreateUser::read(const HttpAnswer &answer)
{
    return readUser(answer);
}

ApiRequest UpdateUserName::request(const UserIdentifier &user, const std::optional<QString> &newName)
{
    ApiRequest r;
    r.method = "PATCH";
    r.path = QStringLiteral("/user");
    r.body = QJsonObject{{QStringLiteral("userIdentifier"), user.toJson()},
                         {QStringLiteral("updates"), QJsonObject{{QStringLiteral("userName"), nameOrNull(newName)}}}};
    r.operation = newName ? QStringLiteral("Renaming %1 to \u201c%2\u201d").arg(user.describe(), *newName)
                          : QStringLiteral("Clearing the user name of %1").arg(user.describe());
    return r;
}

Result<User> UpdateUserName::read(const HttpAnswer &answer)
{
    return readUser(answer);
}

ApiRequest DeleteUser::request(const UserIdentifier &user)
{
    ApiRequest r;
    r.method = "DELETE";
    r.path = QStringLiteral("/user");
    r.body = QJsonObject{{QStringLiteral("userIdentifier"), user.toJson()}};
    r.operation = QStringLiteral("Deleting %1 and their passkeys").arg(user.describe());
    return r;
}

Result<Done> DeleteUser::read(const HttpAnswer &answer)
{
    return readDeleteConfirmation(answer, QStringLiteral("the delete answer"));
}

ApiRequest CreateUsers::request(const QStringList &userNames)
{
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/user/bulk");
    QJsonArray users;
    for (const QString &name : userNames)
        users.append(QJsonObject{{QStringLiteral("userName"), name}});
    r.body = QJsonObject{{QStringLiteral("users"), users}};
    r.operation = userNames.size() == 1 ? QStringLiteral("Creating 1 user in bulk")
                                        : QStringLiteral("Creating %1 users in bulk").arg(userNames.size());
    return r;
}

Result<QList<User>> CreateUsers::read(const HttpAnswer &answer)
{
    const auto array = JsonReader::array(answer);
    if (!array)
        return array.error();
    QList<User> users;
    users.reserve(array.value().size());
    int index = 0;
    for (const QJsonValue &v : array.value()) {
        ++index;
        if (!v.isObject())
            return ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("user %1 of the answer is not an object").arg(index));
        auto user = User::fromJson(v.toObject(), QStringLiteral("user %1 of the answer").arg(index));
        if (!user)
            return user.error();
        users.append(user.value());
    }
    return users;
}

Result<Done> readSuccess(const HttpAnswer &answer, const QString &what)
{
    // A 200 without a body is plainly a success; a body must say so.
    if (answer.body.trimmed().isEmpty())
        return Done{};
    const auto object = JsonReader::object(answer);
    if (!object)
        return object.error();
    const QJsonValue success = object.value().value(QLatin1String("success"));
    if (success.isBool() && !success.toBool()) {
        const QString server = JsonReader::serverError(answer);
        return ApiError(ApiError::Kind::InvalidResponse,
                        QStringLiteral("%1 says \"success\": false%2; nothing may have changed")
                                .arg(what, server.isEmpty() ? QString() : QStringLiteral(" (\u201c%1\u201d)").arg(server)));
    }
    if (!success.isUndefined() && !success.isBool())
        return ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("%1 has a \"success\" that is not true or false").arg(what));
    return Done{};
}

Result<Done> readDeleteConfirmation(const HttpAnswer &answer, const QString &what)
{
    const auto done = readSuccess(answer, what);
    if (!done)
        return done;
    const auto object = JsonReader::object(answer);
    if (object && object.value().value(QLatin1String("success")).toBool())
        return Done{};
    return ApiError(ApiError::Kind::InvalidResponse,
                    QStringLiteral("%1 did not confirm the delete (PlainKey answers {\"success\": true}); look the item up again "
                                   "to see whether it is gone")
                            .arg(what));
}

} // namespace plainkey
