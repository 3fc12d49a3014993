#pragma once

#include <QList>
#include <QString>
#include <QUrl>

namespace plainkey {

//! Where a project's Server API is and how to sign in to it.
struct Credentials
{
    //! The field a problem belongs to, so a form can show it beside that field.
    enum class Field { BaseUrl, ProjectId, ClientSecret };
    struct Problem
    {
        Field field;
        QString message;
    };

    QUrl baseUrl = defaultBaseUrl();
    QString projectId;
    QString clientSecret;

    static QUrl defaultBaseUrl();

    //! The base URL with one trailing slash removed, as PlainKey's SDK does.
    QUrl normalizedBaseUrl() const;
    //! \a path (starting with '/', dynamic segments percent-encoded) under the base URL.
    QUrl endpoint(const QString &path) const;
    //! True when the base URL names this machine (localhost, 127.0.0.0/8, ::1).
    bool isLoopback() const;
    //! True for plain http to another machine: secrets would cross the network in clear.
    bool isInsecureRemote() const;

    //! What is wrong before anything is sent. Plain http to a remote host is a problem unless \a allowInsecureHttp.
    QList<Problem> problems(bool allowInsecureHttp = false) const;

    bool operator==(const Credentials &other) const
    {
        return baseUrl == other.baseUrl && projectId == other.projectId && clientSecret == other.clientSecret;
    }
    bool operator!=(const Credentials &other) const { return !(*this == other); }
};

} // namespace plainkey
