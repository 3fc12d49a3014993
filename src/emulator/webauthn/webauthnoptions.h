#pragma once

#include "emulator/webauthn/challengestore.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <chrono>

namespace plainkey::emulator {

//! Builds the `options` of the Browser API's begin answers: WebAuthn JSON options as
//! `@simplewebauthn/browser`'s startRegistration / startAuthentication take them.
class WebAuthnOptions
{
public:
    //! A credential named in excludeCredentials or allowCredentials.
    struct Descriptor
    {
        QByteArray id;
        QStringList transports;
    };
    //! The user a registration is for (user.id is the handle the authenticator keeps).
    struct User
    {
        QByteArray handle;
        QString name;
        QString displayName;
    };

    //! PublicKeyCredentialCreationOptionsJSON for \a challenge: ES256, EdDSA and RS256 offered,
    //! attestation "none", resident key preferred, user verification "required" when the
    //! challenge was issued with it and "preferred" otherwise; \a exclude the user's passkeys.
    static QJsonObject creation(const IssuedChallenge &challenge, const QString &rpId, const QString &rpName, const User &user,
                                const QList<Descriptor> &exclude = {}, std::chrono::milliseconds timeout = std::chrono::minutes(5));

    //! PublicKeyCredentialRequestOptionsJSON for \a challenge; an empty \a allow lets the
    //! browser offer any discoverable passkey of \a rpId (sign-in without a user name).
    static QJsonObject request(const IssuedChallenge &challenge, const QString &rpId, const QList<Descriptor> &allow = {},
                               std::chrono::milliseconds timeout = std::chrono::minutes(5));
};

} // namespace plainkey::emulator
