#include "emulator/webauthn/cosekey.h"

#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

namespace plainkey::emulator {

namespace {

// COSE labels (RFC 9052/9053).
constexpr qint64 kKty = 1, kAlg = 3, kCrvOrN = -1, kXOrE = -2, kY = -3;
constexpr qint64 kKtyOkp = 1, kKtyEc2 = 2, kKtyRsa = 3;
constexpr qint64 kCrvP256 = 1, kCrvEd25519 = 6;
constexpr int kMinRsaBits = 2048, kMaxRsaBits = 8192;

struct PkeyCtxFree { void operator()(EVP_PKEY_CTX *c) const { EVP_PKEY_CTX_free(c); } };
struct MdCtxFree { void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); } };
struct BnFree { void operator()(BIGNUM *b) const { BN_free(b); } };
struct ParamBldFree { void operator()(OSSL_PARAM_BLD *b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamFree { void operator()(OSSL_PARAM *p) const { OSSL_PARAM_free(p); } };

std::shared_ptr<EVP_PKEY> adopt(EVP_PKEY *key)
{
    return key ? std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free) : nullptr;
}

const unsigned char *bytes(const QByteArray &data)
{
    return reinterpret_cast<const unsigned char *>(data.constData());
}

//! A key from OSSL_PARAMs; OpenSSL checks an EC point lies on the curve when importing it.
std::shared_ptr<EVP_PKEY> fromParams(const char *type, OSSL_PARAM_BLD *builder)
{
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder));
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 || EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        key = nullptr;
    return adopt(key);
}

WebAuthnError malformed(const QString &what)
{
    return WebAuthnError::malformed(QStringLiteral("The credential public key (COSE) %1.").arg(what));
}

std::optional<QByteArray> byteField(const QCborMap &map, qint64 label)
{
    const QCborValue v = map.value(label);
    if (!v.isByteArray())
        return std::nullopt;
    return v.toByteArray();
}

} // namespace

QString CoseKey::algorithmName(qint64 algorithm)
{
    switch (algorithm) {
    case ES256: return QStringLiteral("ES256 (-7)");
    case EdDSA: return QStringLiteral("EdDSA (-8)");
    case RS256: return QStringLiteral("RS256 (-257)");
    case -35: return QStringLiteral("ES384 (-35)");
    case -36: return QStringLiteral("ES512 (-36)");
    case -37: return QStringLiteral("PS256 (-37)");
    case -258: return QStringLiteral("RS384 (-258)");
    case -259: return QStringLiteral("RS512 (-259)");
    case -65535: return QStringLiteral("RS1 (-65535)");
    default: return QString::number(algorithm);
    }
}

WebAuthnResult<CoseKey> CoseKey::fromCbor(const QByteArray &cbor)
{
    QCborStreamReader reader(cbor);
    const QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError)
        return malformed(QStringLiteral("is not valid CBOR (%1)").arg(reader.lastError().toString()));
    if (reader.currentOffset() != cbor.size())
        return malformed(QStringLiteral("is followed by %1 unexpected bytes").arg(cbor.size() - reader.currentOffset()));
    if (!value.isMap())
        return malformed(QStringLiteral("is not a CBOR map"));
    const QCborMap map = value.toMap();

    if (!map.value(kKty).isInteger())
        return malformed(QStringLiteral("has no key type (kty, label 1)"));
    if (!map.value(kAlg).isInteger())
        return malformed(QStringLiteral("has no algorithm (alg, label 3)"));
    const qint64 kty = map.value(kKty).toInteger();
    const qint64 alg = map.value(kAlg).toInteger();
    if (alg != ES256 && alg != EdDSA && alg != RS256)
        return WebAuthnError::malformed(QStringLiteral("The credential uses an unsupported algorithm, %1: this server accepts ES256 (-7), "
                                                       "EdDSA (-8) and RS256 (-257).").arg(algorithmName(alg)));
    const qint64 expectedKty = alg == ES256 ? kKtyEc2 : alg == EdDSA ? kKtyOkp : kKtyRsa;
    if (kty != expectedKty)
        return malformed(QStringLiteral("has key type %1, which does not go with algorithm %2").arg(kty).arg(algorithmName(alg)));

    CoseKey key;
    key.m_algorithm = int(alg);
    key.m_cbor = cbor;
    if (alg == ES256) {
        if (!map.value(kCrvOrN).isInteger() || map.value(kCrvOrN).toInteger() != kCrvP256)
            return malformed(QStringLiteral("is ES256 but its curve is not P-256 (crv 1)"));
        const auto x = byteField(map, kXOrE), y = byteField(map, kY);
        if (!x || !y || x->size() != 32 || y->size() != 32)
            return malformed(QStringLiteral("is ES256 but its x and y are not 32-byte strings"));
        const QByteArray point = QByteArray(1, '\x04') + *x + *y;
        std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
        if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1
            || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.constData(), size_t(point.size())) != 1)
            return WebAuthnError{QStringLiteral("OpenSSL could not prepare an EC key."), 500};
        key.m_key = fromParams("EC", builder.get());
        if (!key.m_key) {
            ERR_clear_error();
            return malformed(QStringLiteral("is not a point on the P-256 curve"));
        }
    } else if (alg == EdDSA) {
        if (!map.value(kCrvOrN).isInteger() || map.value(kCrvOrN).toInteger() != kCrvEd25519)
            return malformed(QStringLiteral("is EdDSA but its curve is not Ed25519 (crv 6)"));
        const auto x = byteField(map, kXOrE);
        if (!x || x->size() != 32)
            return malformed(QStringLiteral("is EdDSA but its x is not a 32-byte string"));
        key.m_key = adopt(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(*x), size_t(x->size())));
        if (!key.m_key) {
            ERR_clear_error();
            return malformed(QStringLiteral("is not a valid Ed25519 public key"));
        }
    } else {
        const auto n = byteField(map, kCrvOrN), e = byteField(map, kXOrE);
        if (!n || !e || n->isEmpty() || e->isEmpty())
            return malformed(QStringLiteral("is RSA but has no modulus (n, label -1) or exponent (e, label -2) byte string"));
        if (e->size() > 8)
            return malformed(QStringLiteral("is RSA with a public exponent of %1 bytes (at most 8 accepted)").arg(e->size()));
        std::unique_ptr<BIGNUM, BnFree> bn(BN_bin2bn(bytes(*n), int(n->size()), nullptr));
        std::unique_ptr<BIGNUM, BnFree> be(BN_bin2bn(bytes(*e), int(e->size()), nullptr));
        if (!bn || !be)
            return WebAuthnError{QStringLiteral("OpenSSL could not read an RSA key."), 500};
        const int bits = BN_num_bits(bn.get());
        if (bits < kMinRsaBits || bits > kMaxRsaBits)
            return malformed(QStringLiteral("is an RSA key of %1 bits (%2 to %3 accepted)").arg(bits).arg(kMinRsaBits).arg(kMaxRsaBits));
        if (!BN_is_odd(be.get()) || BN_is_one(be.get()))
            return malformed(QStringLiteral("is RSA with an invalid public exponent"));
        std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
        if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1
            || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
            return WebAuthnError{QStringLiteral("OpenSSL could not prepare an RSA key."), 500};
        key.m_key = fromParams("RSA", builder.get());
        if (!key.m_key) {
            ERR_clear_error();
            return malformed(QStringLiteral("is not a valid RSA public key"));
        }
    }
    return key;
}

QByteArray CoseKey::subjectPublicKeyInfo() const
{
    if (!m_key)
        return {};
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(m_key.get(), &der);
    if (length <= 0) {
        ERR_clear_error();
        return {};
    }
    const QByteArray result(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return result;
}

bool CoseKey::verify(const QByteArray &data, const QByteArray &signature) const
{
    if (!m_key || signature.isEmpty())
        return false;
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    // Ed25519 is used one-shot with no digest of ours (it hashes internally with SHA-512).
    const EVP_MD *md = m_algorithm == EdDSA ? nullptr : EVP_sha256();
    bool valid = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, m_key.get()) == 1
            && EVP_DigestVerify(ctx.get(), bytes(signature), size_t(signature.size()), bytes(data), size_t(data.size())) == 1;
    // A malformed DER signature leaves errors behind; they must not leak into later calls.
    ERR_clear_error();
    return valid;
}

} // namespace plainkey::emulator
