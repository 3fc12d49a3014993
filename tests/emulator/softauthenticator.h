#pragma once

// A software WebAuthn authenticator for tests and benchmarks: real OpenSSL keys (ES256,
// RS256, Ed25519), authenticator data, COSE keys and attestation objects built byte by byte
// as the specification lays them out, so the verifier is checked against an independent
// writer rather than against itself. Every part stays editable to forge what a test needs.

#include <QByteArray>
#include <QCborMap>
#include <QCborValue>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QStringList>
#include <QUuid>
#include <QtEndian>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace webauthntest {

inline QString b64url(const QByteArray &data)
{
    return QString::fromLatin1(data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

inline QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

enum Flags : quint8 { UP = 0x01, UV = 0x04, BE = 0x08, BS = 0x10, AT = 0x40, ED = 0x80 };

//! clientDataJSON as a browser writes it.
inline QByteArray clientData(const QString &type, const QString &challenge, const QString &origin, bool crossOrigin = false)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("type"), type},
                                     {QStringLiteral("challenge"), challenge},
                                     {QStringLiteral("origin"), origin},
                                     {QStringLiteral("crossOrigin"), crossOrigin}})
            .toJson(QJsonDocument::Compact);
}

//! The parts of a RegistrationResponseJSON, editable before toJson().
struct Registration
{
    QByteArray clientDataJson;
    QByteArray authData;
    QString fmt = QStringLiteral("none");
    QCborMap attStmt;
    QByteArray rawId;
    QStringList transports{QStringLiteral("internal"), QStringLiteral("hybrid")};

    QByteArray attestationObject() const
    {
        QCborMap map;
        map.insert(QStringLiteral("fmt"), fmt);
        map.insert(QStringLiteral("attStmt"), attStmt);
        map.insert(QStringLiteral("authData"), authData);
        return QCborValue(map).toCbor();
    }
    QJsonObject toJson(const QByteArray &attestation = {}) const
    {
        return QJsonObject{{QStringLiteral("id"), b64url(rawId)},
                           {QStringLiteral("rawId"), b64url(rawId)},
                           {QStringLiteral("type"), QStringLiteral("public-key")},
                           {QStringLiteral("authenticatorAttachment"), QStringLiteral("platform")},
                           {QStringLiteral("clientExtensionResults"), QJsonObject{}},
                           {QStringLiteral("response"), QJsonObject{{QStringLiteral("clientDataJSON"), b64url(clientDataJson)},
                                                                    {QStringLiteral("attestationObject"),
                                                                     b64url(attestation.isEmpty() ? attestationObject() : attestation)},
                                                                    {QStringLiteral("transports"), QJsonArray::fromStringList(transports)}}}};
    }
};

//! The parts of an AuthenticationResponseJSON, editable before toJson().
struct Assertion
{
    QByteArray clientDataJson;
    QByteArray authData;
    QByteArray signature;
    QByteArray rawId;
    QByteArray userHandle;

    QJsonObject toJson() const
    {
        QJsonObject response{{QStringLiteral("clientDataJSON"), b64url(clientDataJson)},
                             {QStringLiteral("authenticatorData"), b64url(authData)},
                             {QStringLiteral("signature"), b64url(signature)}};
        if (!userHandle.isEmpty())
            response.insert(QStringLiteral("userHandle"), b64url(userHandle));
        return QJsonObject{{QStringLiteral("id"), b64url(rawId)},
                           {QStringLiteral("rawId"), b64url(rawId)},
                           {QStringLiteral("type"), QStringLiteral("public-key")},
                           {QStringLiteral("clientExtensionResults"), QJsonObject{}},
                           {QStringLiteral("response"), response}};
    }
};

class SoftAuthenticator
{
public:
    enum Alg : int { ES256 = -7, EdDSA = -8, RS256 = -257 };

    explicit SoftAuthenticator(int alg, QByteArray userHandle = QByteArrayLiteral("usr_test"))
        : alg(alg), userHandle(std::move(userHandle)), aaguid(QUuid::createUuid())
    {
        EVP_PKEY *key = alg == ES256 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                : alg == RS256       ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048))
                                     : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        if (!key)
            throw std::runtime_error("key generation failed");
        m_key.reset(key, EVP_PKEY_free);
        credentialId.resize(32);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(credentialId.data()), 8);
    }

    //! The credential public key as a COSE map (what the authenticator data carries).
    QByteArray coseKey() const
    {
        QCborMap map;
        if (alg == ES256) {
            unsigned char point[65];
            size_t length = 0;
            EVP_PKEY_get_octet_string_param(m_key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &length);
            map[1] = 2;
            map[3] = -7;
            map[-1] = 1;
            map[-2] = QByteArray(reinterpret_cast<const char *>(point + 1), 32);
            map[-3] = QByteArray(reinterpret_cast<const char *>(point + 33), 32);
        } else if (alg == RS256) {
            map[1] = 3;
            map[3] = -257;
            map[-1] = bnParam(OSSL_PKEY_PARAM_RSA_N);
            map[-2] = bnParam(OSSL_PKEY_PARAM_RSA_E);
        } else {
            unsigned char raw[32];
            size_t length = sizeof raw;
            EVP_PKEY_get_raw_public_key(m_key.get(), raw, &length);
            map[1] = 1;
            map[3] = -8;
            map[-1] = 6;
            map[-2] = QByteArray(reinterpret_cast<const char *>(raw), int(length));
        }
        return QCborValue(map).toCbor();
    }

    QByteArray sign(const QByteArray &data) const
    {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        const auto *in = reinterpret_cast<const unsigned char *>(data.constData());
        size_t length = 0;
        if (EVP_DigestSignInit(ctx.get(), nullptr, alg == EdDSA ? nullptr : EVP_sha256(), nullptr, m_key.get()) != 1
            || EVP_DigestSign(ctx.get(), nullptr, &length, in, size_t(data.size())) != 1)
            throw std::runtime_error("signing failed");
        QByteArray signature(qsizetype(length), Qt::Uninitialized);
        if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, in, size_t(data.size())) != 1)
            throw std::runtime_error("signing failed");
        signature.resize(qsizetype(length));
        return signature;
    }

    //! Authenticator data; \a attestedKey (the COSE key) is included when \a flags has AT.
    QByteArray authData(const QString &rpId, quint8 flags, quint32 count, const QByteArray &attestedKey = {}, const QByteArray &extensions = {}) const
    {
        QByteArray data = sha256(rpId.toUtf8());
        data.append(char(flags));
        char counter[4];
        qToBigEndian<quint32>(count, counter);
        data.append(counter, 4);
        if (flags & AT) {
            data.append(aaguid.toRfc4122());
            char length[2];
            qToBigEndian<quint16>(quint16(credentialId.size()), length);
            data.append(length, 2);
            data.append(credentialId);
            data.append(attestedKey.isEmpty() ? coseKey() : attestedKey);
        }
        data.append(extensions);
        return data;
    }

    //! A registration answering \a challenge; "packed" is self-attested with the credential key.
    Registration registration(const QString &challenge, const QString &fmt = QStringLiteral("none"), quint8 flags = UP | UV | AT,
                              const QString &origin = QStringLiteral("http://localhost:5173"), const QString &rpId = QStringLiteral("localhost")) const
    {
        Registration r;
        r.clientDataJson = clientData(QStringLiteral("webauthn.create"), challenge, origin);
        r.authData = authData(rpId, flags, counter);
        r.rawId = credentialId;
        r.fmt = fmt;
        if (fmt == QLatin1String("packed"))
            selfAttest(r);
        return r;
    }

    //! (Re)computes a packed self-attestation over the registration's current parts.
    void selfAttest(Registration &r) const
    {
        r.attStmt = QCborMap();
        r.attStmt.insert(QStringLiteral("alg"), alg);
        r.attStmt.insert(QStringLiteral("sig"), sign(r.authData + sha256(r.clientDataJson)));
    }

    //! An assertion answering \a challenge, its counter one more than the last.
    Assertion assertion(const QString &challenge, quint8 flags = UP | UV, const QString &origin = QStringLiteral("http://localhost:5173"),
                        const QString &rpId = QStringLiteral("localhost"))
    {
        if (countsSignatures)
            ++counter;
        Assertion a;
        a.clientDataJson = clientData(QStringLiteral("webauthn.get"), challenge, origin);
        a.authData = authData(rpId, flags, counter);
        a.rawId = credentialId;
        a.userHandle = userHandle;
        resign(a);
        return a;
    }

    void resign(Assertion &a) const { a.signature = sign(a.authData + sha256(a.clientDataJson)); }

    int alg;
    QByteArray userHandle;
    QUuid aaguid;
    QByteArray credentialId;
    quint32 counter = 0;
    bool countsSignatures = true;

private:
    QByteArray bnParam(const char *name) const
    {
        BIGNUM *bn = nullptr;
        EVP_PKEY_get_bn_param(m_key.get(), name, &bn);
        QByteArray out(BN_num_bytes(bn), Qt::Uninitialized);
        BN_bn2bin(bn, reinterpret_cast<unsigned char *>(out.data()));
        BN_free(bn);
        return out;
    }

    std::shared_ptr<EVP_PKEY> m_key;
};

} // namespace webauthntest
