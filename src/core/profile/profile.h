#pragma once

#include "core/api/credentials.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace plainkey {

//! A named place to send requests: where (base URL), which project, what kind of place and the
//! colour the console shows it in. Never the client secret: that lives in the system keychain
//! under secretKey().
struct Profile
{
    //! What is at stake behind the profile. Production turns on the console's change guard.
    enum class Kind { Demo, Local, Staging, Production };

    QString name;
    QUrl baseUrl = Credentials::defaultBaseUrl();
    QString projectId;
    Kind kind = Kind::Production;
    //! "#rrggbb", or empty for the kind's own colour. Production is shown red whatever this says.
    QString color;

    static QString kindName(Kind kind);
    //! "demo", "local", "staging" or "production" (case-insensitive); nullopt for anything else.
    static std::optional<Kind> kindFromName(const QString &name);
    static QStringList kindNames();
    //! The kind a place most likely is: local for this machine, production otherwise (the
    //! careful guess: it keeps the change guard on).
    static Kind guessKind(const QUrl &baseUrl);

    //! The keychain entry that holds the client secret of the profile named \a name.
    static QString secretKey(const QString &name);
    QString secretKey() const { return secretKey(name); }

    //! Base URL and project ID as credentials, with no secret.
    Credentials credentials() const;
    //! True when \a c points at this profile's server and project (the secret aside).
    bool matches(const Credentials &c) const;

    //! What is wrong with the profile, one sentence each; empty when it can be saved.
    QStringList problems() const;

    //! The profile as stored and exported: name, baseUrl, projectId, kind, color.
    QJsonObject toJson() const;
    //! Reads toJson()'s shape. Unknown fields are ignored; \a error says what is missing or wrong.
    static std::optional<Profile> fromJson(const QJsonObject &object, QString *error);

    bool operator==(const Profile &o) const
    {
        return name == o.name && baseUrl == o.baseUrl && projectId == o.projectId && kind == o.kind && color == o.color;
    }
    bool operator!=(const Profile &o) const { return !(*this == o); }
};

} // namespace plainkey
