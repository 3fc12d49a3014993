#pragma once

#include "core/api/apirequest.h"
#include "core/api/result.h"
#include "core/users/user.h"
#include "core/users/useridentifier.h"

#include <QList>
#include <QStringList>

#include <optional>

// The Server API's user operations, one small struct each, run with PlainKeyClient::call<Op>().

namespace plainkey {

//! GET /user/{userId}
struct GetUser
{
    using Value = User;
    static ApiRequest request(const QString &userId);
    static Result<User> read(const HttpAnswer &answer);
};

//! GET /user?userName=NAME
struct FindUserByName
{
    using Value = User;
    static ApiRequest request(const QString &userName);
    static Result<User> read(const HttpAnswer &answer);
};

//! POST /user with {"userName"?}; no name creates a usernameless user.
struct CreateUser
{
    using Value = User;
    static ApiRequest request(const std::optional<QString> &userName);
    static Result<User> read(const HttpAnswer &answer);
};

//! PATCH /user: sets the user name, or clears it when \a newName is nullopt.
struct UpdateUserName
{
    using Value = User;
    static ApiRequest request(const UserIdentifier &user, const std::optional<QString> &newName);
    static Result<User> read(const HttpAnswer &answer);
};

//! DELETE /user with a JSON body: deletes the user and all their passkeys.
struct DeleteUser
{
    using Value = Done;
    static ApiRequest request(const UserIdentifier &user);
    static Result<Done> read(const HttpAnswer &answer);
};

//! POST /user/bulk: creates one user per name, in one request.
struct CreateUsers
{
    using Value = QList<User>;
    static ApiRequest request(const QStringList &userNames);
    static Result<QList<User>> read(const HttpAnswer &answer);
};

//! Reads {"success": true} (or an empty body) as done; shared by the delete operations.
Result<Done> readSuccess(const HttpAnswer &answer, const QString &what);
//! A delete answer: done only when it says "success": true, as the contract promises. An empty
//! or other answer is reported as unconfirmed, never as done.
Result<Done> readDeleteConfirmation(const HttpAnswer &answer, const QString &what);

} // namespace plainkey
