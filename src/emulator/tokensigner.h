#pragma once

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace plainkey::emulator {

//! Mints and checks HS256 JWTs with the project's client secret as the key.
class TokenSigner
{
public:
    explicit TokenSigner(QByteArray key) : m_key(std::move(key)) {}

    QByteArray sign(const QJsonObject &claims) const;
    //! The claims when \a token is a JWT with a valid signature; nullopt otherwise.
    std::optional<QJsonObject> verify(const QByteArray &token) const;
    //! The claims of a JWT-shaped token without checking the signature (to explain a refusal).
    static std::optional<QJsonObject> peek(const QByteArray &token);

private:
    QByteArray m_key;
};

} // namespace plainkey::emulator
