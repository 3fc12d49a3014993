#pragma once

#include <QJsonObject>
#include <QString>

namespace plainkey {

//! Names a user by PlainKey's user ID or by user name, as the Server API's "userIdentifier" does.
struct UserIdentifier
{
    enum class Kind { Id, Name };

    Kind kind = Kind::Id;
    QString value;

    static UserIdentifier byId(const QString &id) { return {Kind::Id, id}; }
    static UserIdentifier byName(const QString &name) { return {Kind::Name, name}; }

    bool isId() const { return kind == Kind::Id; }
    bool isName() const { return kind == Kind::Name; }
    //! {"userId": ...} or {"userName": ...}, the body's "userIdentifier" object.
    QJsonObject toJson() const;
    //! "user ID usr_123" or "user name “ada@example.com”", for messages.
    QString describe() const;
    //! Why the identifier cannot be sent (empty, only spaces), or an empty string when it can.
    QString problem() const;

    bool operator==(const UserIdentifier &other) const { return kind == other.kind && value == other.value; }
    bool operator!=(const UserIdentifier &other) const { return !(*this == other); }
};

} // namespace plainkey
