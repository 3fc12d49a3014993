#include "emulator/tokensigner.h"

#include <QJsonDocument>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace plainkey::emulator {

namespace {
constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

//! The three dot-separated parts of a JWT; false unless there are exactly three.
bool splitJwt(QByteArrayView token, QByteArrayView *header, QByteArrayView *payload, QByteArrayView *signature)
{
    const qsizetype first = token.indexOf('.');
    if (first < 0)
        return false;
    const qsizetype second = token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0)
        return false;
    *header = token.first(first);
    *payload = token.sliced(first + 1, second - first - 1);
    *signature = token.sliced(second + 1);
    return true;
}
} // namespace

void TokenSigner::MacContextDeleter::operator()(EVP_MAC_CTX *ctx) const
{
    EVP_MAC_CTX_free(ctx);
}

TokenSigner::TokenSigner(QByteArray key) : m_key(std::move(key))
{
    EVP_MAC *hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!hmac)
        return;
    m_mac.reset(EVP_MAC_CTX_new(hmac));
    EVP_MAC_free(hmac); // the context keeps its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    // An empty key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
    static const unsigned char none = 0;
    const auto *keyBytes = m_key.isEmpty() ? &none : reinterpret_cast<const unsigned char *>(m_key.constData());
    if (m_mac && EVP_MAC_init(m_mac.get(), keyBytes, size_t(m_key.size()), params) != 1)
        m_mac.reset();
}

TokenSigner::~TokenSigner() = default;

QByteArray TokenSigner::mac(QByteArrayView input) const
{
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t length = 0;
    const auto *data = reinterpret_cast<const unsigned char *>(input.data());
    // A null key re-initialises the context with the key it already holds (its padded key
    // blocks precomputed), which is what makes reusing it cheap.
    const bool reused = m_mac && EVP_MAC_init(m_mac.get(), nullptr, 0, nullptr) == 1
            && EVP_MAC_update(m_mac.get(), data, size_t(input.size())) == 1
            && EVP_MAC_final(m_mac.get(), out, &length, sizeof out) == 1;
    if (!reused) {
        unsigned int n = 0;
        if (!HMAC(EVP_sha256(), m_key.constData(), int(m_key.size()), data, size_t(input.size()), out, &n))
            return {};
        length = n;
    }
    return QByteArray::fromRawData(reinterpret_cast<const char *>(out), qsizetype(length)).toBase64(kB64);
}

QByteArray TokenSigner::sign(const QJsonObject &claims) const
{
    const QByteArray header = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})").toBase64(kB64);
    const QByteArray payload = QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(kB64);
    const QByteArray input = header + '.' + payload;
    return input + '.' + mac(input);
}

std::optional<QJsonObject> TokenSigner::peek(const QByteArray &token)
{
    QByteArrayView header, payload, signature;
    if (!splitJwt(token, &header, &payload, &signature))
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(payload.toByteArray(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(*decoded);
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

bool TokenSigner::hasValidSignature(QByteArrayView token) const
{
    QByteArrayView header, payload, signature;
    if (!splitJwt(token, &header, &payload, &signature))
        return false;
    const QByteArray expected = mac(token.first(signature.data() - token.data() - 1));
    // CRYPTO_memcmp takes the same time wherever the first difference is.
    return !expected.isEmpty() && expected.size() == signature.size()
            && CRYPTO_memcmp(expected.constData(), signature.data(), size_t(expected.size())) == 0;
}

std::optional<QJsonObject> TokenSigner::verify(const QByteArray &token) const
{
    if (!hasValidSignature(token))
        return std::nullopt;
    return peek(token);
}

} // namespace plainkey::emulator
