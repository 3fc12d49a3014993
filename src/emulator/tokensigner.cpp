#include "emulator/tokensigner.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>

namespace plainkey::emulator {

namespace {
constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}
} // namespace

QByteArray TokenSigner::sign(const QJsonObject &claims) const
{
    const QByteArray header = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})").toBase64(kB64);
    const QByteArray payload = QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(kB64);
    const QByteArray input = header + '.' + payload;
    const QByteArray mac = QMessageAuthenticationCode::hash(input, m_key, QCryptographicHash::Sha256);
    return input + '.' + mac.toBase64(kB64);
}

std::optional<QJsonObject> TokenSigner::peek(const QByteArray &token)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(parts[1], QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(*decoded);
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

std::optional<QJsonObject> TokenSigner::verify(const QByteArray &token) const
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return std::nullopt;
    const QByteArray input = parts[0] + '.' + parts[1];
    const QByteArray expected = QMessageAuthenticationCode::hash(input, m_key, QCryptographicHash::Sha256).toBase64(kB64);
    if (!constantTimeEquals(expected, parts[2]))
        return std::nullopt;
    return peek(token);
}

} // namespace plainkey::emulator
