#pragma once

#include "emulator/router.h"

namespace plainkey::emulator {

//! The sample sign-in page at /demo/: the stand-in for a customer's frontend, served from the
//! Qt resources built from resources/demo/ (no network, no CDN). It calls the Browser API beside
//! it and reads the project ID from /emulator/info.
class DemoPage
{
public:
    //! Puts GET and HEAD of /demo/ and /demo/<file> into \a group (the "/demo" group).
    static void addRoutes(Router::Group &group);

    //! The Content-Security-Policy every file of the page is served with.
    static QByteArray contentSecurityPolicy();

private:
    static EmuResponse index(const RouteCall &call);
    static EmuResponse file(const RouteCall &call);
    static EmuResponse serve(const QString &name);
};

} // namespace plainkey::emulator
