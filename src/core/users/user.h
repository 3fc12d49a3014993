#pragma once

#include "core/api/result.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include <optional>

namespace plainkey {

//! A PlainKey user: an ID and, unless the user signs in usernameless, a user name.
struct User
{
    QString id;
    std::optional<QString> userName;

    //! The user name, or "(no user name)" for people.
    QString displayName() const;
    //! Reads {"id", "userName"?}; \a what names the object in errors ("the user", "user 3 of the answer").
    static Result<User> fromJson(const QJsonObject &object, const QString &what = QStringLiteral("the user"));
    //! {"id", "userName"} with null for no name.
    QJsonObject toJson() const;

    bool operator==(const User &other) const { return id == other.id && userName == other.userName; }
    bool operator!=(const User &other) const { return !(*this == other); }
};

} // namespace plainkey

Q_DECLARE_METATYPE(plainkey::User)
