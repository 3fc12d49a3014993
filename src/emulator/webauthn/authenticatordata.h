#pragma once

#include "emulator/webauthn/webauthnresult.h"

#include <QByteArray>
#include <QCborMap>
#include <QUuid>

#include <optional>

namespace plainkey::emulator {

//! The authenticator data of a WebAuthn registration or assertion (WebAuthn §6.1), parsed
//! strictly: every length checked against the bytes there are, and no byte left over.
class AuthenticatorData
{
public:
    enum Flag : quint8 {
        UserPresent = 0x01,
        UserVerified = 0x04,
        BackupEligible = 0x08,
        BackedUp = 0x10,
        AttestedCredentialData = 0x40,
        ExtensionData = 0x80,
    };

    //! Present when the AT flag is set (registration).
    struct AttestedCredential
    {
        QUuid aaguid;
        QByteArray credentialId;
        QByteArray publicKey; //!< the COSE key's bytes, exactly as sent (see CoseKey::fromCbor)
    };

    //! Parses \a bytes; a 400 error naming what is short, malformed or left over otherwise.
    //! Extension outputs (ED flag) must be one CBOR map that ends the data.
    static WebAuthnResult<AuthenticatorData> parse(const QByteArray &bytes);

    QByteArray rpIdHash() const { return m_rpIdHash; }
    quint8 flags() const { return m_flags; }
    bool has(Flag flag) const { return (m_flags & flag) != 0; }
    quint32 signCount() const { return m_signCount; }
    const std::optional<AttestedCredential> &attestedCredential() const { return m_attested; }
    //! The authenticator's extension outputs (empty without the ED flag).
    QCborMap extensions() const { return m_extensions; }

private:
    QByteArray m_rpIdHash;
    quint8 m_flags = 0;
    quint32 m_signCount = 0;
    std::optional<AttestedCredential> m_attested;
    QCborMap m_extensions;
};

} // namespace plainkey::emulator
