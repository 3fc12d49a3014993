#pragma once

#include "emulator/webauthn/webauthnresult.h"

#include <QByteArray>
#include <QString>

#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace plainkey::emulator {

//! A credential public key in COSE form (RFC 9053), as an authenticator hands it over in its
//! attested credential data, turned into an OpenSSL key that verifies WebAuthn signatures.
//! Supported: ES256 (kty 2 EC2, crv 1 P-256, alg -7), RS256 (kty 3 RSA, alg -257, 2048 to
//! 8192 bits) and EdDSA (kty 1 OKP, crv 6 Ed25519, alg -8). Cheap to copy (the key is shared).
class CoseKey
{
public:
    enum Algorithm : int { ES256 = -7, EdDSA = -8, RS256 = -257 };

    //! The key encoded in \a cbor, which must be exactly one CBOR map and nothing else. Errors:
    //! 400, "unsupported algorithm" for any algorithm other than the three above.
    static WebAuthnResult<CoseKey> fromCbor(const QByteArray &cbor);

    //! The COSE algorithm identifier (-7, -8 or -257).
    int algorithm() const { return m_algorithm; }
    //! The COSE key bytes as the authenticator sent them: what to store for the credential.
    QByteArray cbor() const { return m_cbor; }
    //! The key as DER SubjectPublicKeyInfo (what PublicKeyCredential.getPublicKey() gives).
    QByteArray subjectPublicKeyInfo() const;

    //! True when \a signature is this key's valid signature of \a data: ES256 a DER ECDSA
    //! signature over SHA-256, RS256 PKCS#1 v1.5 with SHA-256, EdDSA pure Ed25519.
    bool verify(const QByteArray &data, const QByteArray &signature) const;

    //! "ES256 (-7)" and the like, for messages.
    static QString algorithmName(qint64 algorithm);

private:
    CoseKey() = default;

    std::shared_ptr<EVP_PKEY> m_key;
    int m_algorithm = 0;
    QByteArray m_cbor;
};

} // namespace plainkey::emulator
