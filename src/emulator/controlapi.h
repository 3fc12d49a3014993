#pragma once

#include "emulator/router.h"

namespace plainkey::emulator {

class AuthTokenIssuer;
class Emulator;

//! The emulator's own endpoints under /emulator/: simulated sign-up and sign-in, demo data,
//! reset, faults and latency, and what the emulator is configured as. Loopback callers only.
class ControlApi
{
public:
    ControlApi(Emulator &emulator, AuthTokenIssuer &tokens);

    //! Puts the control API's routes and its loopback-only screen into \a group.
    void addRoutes(Router::Group &group);

private:
    EmuResponse info(const RouteCall &call);
    EmuResponse faults(const RouteCall &call);
    EmuResponse putFaults(const RouteCall &call);
    EmuResponse signUp(const RouteCall &call);
    EmuResponse signIn(const RouteCall &call);
    EmuResponse seed(const RouteCall &call);
    EmuResponse reset(const RouteCall &call);
    EmuResponse revokeAccessTokens(const RouteCall &call);

    Emulator &m_emulator;
    AuthTokenIssuer &m_tokens;
};

} // namespace plainkey::emulator
