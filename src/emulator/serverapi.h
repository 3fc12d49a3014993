#pragma once

#include "emulator/router.h"

#include <QJsonValue>

namespace plainkey::emulator {

class AuthTokenIssuer;
class EmulatorStore;
class TokenSigner;
struct EmulatorConfig;
struct StoredUser;

//! PlainKey's Server API as the contract describes it: access tokens, token verification,
//! users and passkeys.
class ServerApi
{
public:
    ServerApi(const EmulatorConfig &config, EmulatorStore &store, const TokenSigner &signer, AuthTokenIssuer &tokens);

    //! Puts the Server API's routes, and its access-token check as the guard, into \a group.
    void addRoutes(Router::Group &group);

private:
    EmuResponse openApi(const RouteCall &call);
    EmuResponse accessToken(const RouteCall &call);
    EmuResponse verify(const RouteCall &call);
    EmuResponse userByName(const RouteCall &call);
    EmuResponse createUser(const RouteCall &call);
    EmuResponse updateUser(const RouteCall &call);
    EmuResponse deleteUser(const RouteCall &call);
    EmuResponse createUsers(const RouteCall &call);
    EmuResponse beginRegistration(const RouteCall &call);
    EmuResponse user(const RouteCall &call);
    EmuResponse passkeysOf(const RouteCall &call);
    EmuResponse passkey(const RouteCall &call);
    EmuResponse deletePasskey(const RouteCall &call);
    EmuResponse relabelPasskey(const RouteCall &call);

    //! Empty when the access token and project header are right, else the 401 answer.
    std::optional<EmuResponse> checkAuthorization(const EmuRequest &request) const;
    //! A user named by {"userId"} or {"userName"}; nullptr with \a why set otherwise.
    const StoredUser *findUser(const QJsonValue &identifier, QString *why) const;
    QJsonValue writeExpiry(const QDateTime &when) const;

    const EmulatorConfig &m_config;
    EmulatorStore &m_store;
    const TokenSigner &m_signer;
    AuthTokenIssuer &m_tokens;
};

} // namespace plainkey::emulator
