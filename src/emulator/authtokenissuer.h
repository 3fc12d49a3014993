#pragma once

#include "emulator/emulatorconfig.h"

#include <QJsonObject>

#include <chrono>

namespace plainkey::emulator {

class EmulatorStore;
class TokenSigner;

//! Mints the authentication tokens a passkey sign-in (real or simulated) gives a frontend: a JWT
//! or an opaque token per the configuration, recorded in the store so verify can find it.
class AuthTokenIssuer
{
public:
    AuthTokenIssuer(const EmulatorConfig &config, EmulatorStore &store, const TokenSigner &signer);

    //! {"token", "expiresAt" (epoch milliseconds, as the Browser API types it)}.
    QJsonObject mint(const QString &userId, const QString &credentialId, std::chrono::seconds ttl);

private:
    const EmulatorConfig &m_config;
    EmulatorStore &m_store;
    const TokenSigner &m_signer;
};

} // namespace plainkey::emulator
