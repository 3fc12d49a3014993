#pragma once

#include "emulator/httpserver.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>

#include <functional>
#include <list>
#include <optional>

namespace plainkey::emulator {

//! One routed request as a handler sees it: the request, its path parameters and its body.
struct RouteCall
{
    const EmuRequest &request;
    //! The pattern's {placeholders}, each one decoded path segment.
    QHash<QString, QString> params;
    //! The JSON object body for routes declared with Router::Body::Json or OptionalJson.
    QJsonObject body;

    QString param(const QString &name) const { return params.value(name); }
};

//! The emulator's one route table: groups of routes under a path prefix (the Server API at the
//! root, the control API under /emulator, ...), each route a method, a path pattern with
//! {placeholders} and a handler. Unknown paths answer 404 and wrong methods 405 with Allow,
//! the same way in every group.
class Router
{
public:
    using Handler = std::function<EmuResponse(const RouteCall &call)>;
    //! Empty to let the request through, else the answer that refuses it.
    using Check = std::function<std::optional<EmuResponse>(const EmuRequest &request)>;
    using Finish = std::function<void(const EmuRequest &request, EmuResponse &response)>;

    enum class Body {
        None,        //!< the handler reads request.body itself, if at all
        Json,        //!< a JSON object is required (400 otherwise)
        OptionalJson //!< a JSON object, or nothing at all (an empty object)
    };
    enum class Access {
        Guarded, //!< the group's guard runs before the handler
        Open     //!< the guard does not run (an access-token endpoint, a CORS preflight)
    };

    struct Route
    {
        QByteArray method;
        QStringList pattern; //!< segments; "{name}" matches any one segment
        Handler handler;
        Body body = Body::None;
        Access access = Access::Guarded;
    };

    //! Routes under one prefix and the checks they share.
    struct Group
    {
        QStringList prefix;
        //! Runs on every request under the prefix before routing, unknown paths included.
        Check screen;
        //! Runs once a route and its method matched, before the body is read, unless the route is Open.
        Check guard;
        //! Runs on every answer of the group, refusals included (to add CORS headers, say).
        Finish finish;
        //! Injected faults and latency apply to this group's answers.
        bool faultable = false;
        QList<Route> routes;

        //! Adds a route; \a pattern is a path such as "/user/{userId}/credentials" (relative to the prefix).
        Group &add(const QByteArray &method, const QString &pattern, Handler handler, Body body = Body::None,
                   Access access = Access::Guarded);
    };

    //! The group for \a prefix ("" for the root, "/emulator", "/browser"), created empty on first use.
    //! The group with the longest matching prefix takes a request.
    Group &group(const QString &prefix);
    //! The group that takes a path of \a segments; nullptr when none does.
    const Group *groupFor(const QStringList &segments) const;
    //! Answers \a request, whose decoded path segments are \a segments.
    EmuResponse route(const EmuRequest &request, const QStringList &segments) const;

    //! The decoded segments of \a encodedPath, split before decoding so that an encoded slash
    //! stays inside its segment.
    static QStringList segmentsOf(const QString &encodedPath);

private:
    EmuResponse routeIn(const Group &group, const EmuRequest &request, const QStringList &segments) const;

    std::list<Group> m_groups; // a list: references handed out by group() stay valid
};

} // namespace plainkey::emulator
