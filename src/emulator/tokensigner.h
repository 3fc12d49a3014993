#pragma once

#include <QByteArray>
#include <QJsonObject>

#include <memory>
#include <optional>

typedef struct evp_mac_ctx_st EVP_MAC_CTX;

namespace plainkey::emulator {

//! Mints and checks HS256 JWTs with the project's client secret as the key.
//!
//! The HMAC is OpenSSL's, keyed once: each signature reuses the keyed context instead of
//! hashing the key again (verify runs on every request of the load benchmark). So one
//! TokenSigner must not be used from two threads at once; each Emulator has its own, used
//! on its own thread.
class TokenSigner
{
public:
    explicit TokenSigner(QByteArray key);
    ~TokenSigner();
    TokenSigner(const TokenSigner &) = delete;
    TokenSigner &operator=(const TokenSigner &) = delete;

    QByteArray sign(const QJsonObject &claims) const;
    //! The claims when \a token is a JWT with a valid signature; nullopt otherwise.
    std::optional<QJsonObject> verify(const QByteArray &token) const;
    //! True when \a token is header.payload.signature and the signature is valid; the claims
    //! are not read (a caller that has peek()ed them already need not parse them twice).
    bool hasValidSignature(QByteArrayView token) const;
    //! The claims of a JWT-shaped token without checking the signature (to explain a refusal).
    static std::optional<QJsonObject> peek(const QByteArray &token);

private:
    //! HMAC-SHA256 of \a input, base64url without padding.
    QByteArray mac(QByteArrayView input) const;

    struct MacContextDeleter
    {
        void operator()(EVP_MAC_CTX *ctx) const;
    };
    QByteArray m_key;
    //! Keyed at construction; null when OpenSSL could not make one (then mac() keys each time).
    std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> m_mac;
};

} // namespace plainkey::emulator
