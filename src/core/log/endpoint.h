#pragma once

#include <QByteArray>
#include <QString>

namespace plainkey {

struct Exchange;

//! Which API operation an exchange called, with the IDs and names it carried replaced by
//! placeholders: "GET /user/{userId}/credentials", "GET /user?userName={userName}". Lets the
//! log, the troubleshooter and support bundles name and group requests without personal data.
struct Endpoint
{
    //! Which area of PlainKey's API a request belongs to (the log's endpoint filter).
    enum class Area { AccessToken, Verify, Users, Passkeys, Emulator, Other };

    QByteArray method;
    //! The path after the API's base path, IDs and query values replaced by {placeholders};
    //! for a path no route matches, the path with ID-like segments replaced by {id}.
    QString pathTemplate;
    //! What came before the route: "/server", "/browser"; empty when the base URL has no path.
    QString basePath;
    Area area = Area::Other;
    //! True when the path is one of the contract's (or the emulator's) routes.
    bool known = false;

    //! "POST /authentication-token/verify"
    QString text() const;

    static Endpoint of(const Exchange &exchange);
    //! \a url: a whole URL or a path with its query.
    static Endpoint of(const QByteArray &method, const QString &url);
    //! The area of a path (with or without its query).
    static Area areaOf(const QString &pathAndQuery);
};

} // namespace plainkey
