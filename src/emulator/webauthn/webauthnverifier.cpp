#include "emulator/webauthn/webauthnverifier.h"

#include "emulator/webauthn/authenticatordata.h"
#include "emulator/webauthn/base64url.h"
#include "emulator/webauthn/cosekey.h"

#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

Q_LOGGING_CATEGORY(lcWebAuthn, "plainkey.emulator.webauthn", QtInfoMsg)

namespace plainkey::emulator {

namespace {

const QStringList kKnownTransports = {QStringLiteral("ble"),    QStringLiteral("cable"),      QStringLiteral("hybrid"), QStringLiteral("internal"),
                                      QStringLiteral("nfc"),    QStringLiteral("smart-card"), QStringLiteral("usb")};

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

//! The fields every PublicKeyCredential JSON shares, decoded.
struct CredentialEnvelope
{
    QByteArray rawId;
    QJsonObject response;
    QByteArray clientDataJson;
};

//! The base64url field \a name of \a object ("response." prefixes \a where in messages).
WebAuthnResult<QByteArray> binaryField(const QJsonObject &object, const QString &name, const QString &where = {})
{
    const QJsonValue value = object.value(name);
    if (!value.isString() || value.toString().isEmpty())
        return WebAuthnError::malformed(QStringLiteral("The credential has no %1%2 (a base64url string is required).").arg(where, name));
    const auto decoded = base64url::decode(value.toString());
    if (!decoded || decoded->isEmpty())
        return WebAuthnError::malformed(QStringLiteral("The credential's %1%2 is not valid base64url.").arg(where, name));
    return *decoded;
}

WebAuthnResult<CredentialEnvelope> readEnvelope(const QJsonObject &credential)
{
    if (credential.value(QLatin1String("type")).toString() != QLatin1String("public-key"))
        return WebAuthnError::malformed(QStringLiteral("The credential's type is not \"public-key\"."));
    const auto rawId = binaryField(credential, QStringLiteral("rawId"));
    if (!rawId)
        return rawId.error();
    const auto id = binaryField(credential, QStringLiteral("id"));
    if (!id)
        return id.error();
    if (id.value() != rawId.value())
        return WebAuthnError::malformed(QStringLiteral("The credential's id and rawId name different credentials."));
    if (!credential.value(QLatin1String("response")).isObject())
        return WebAuthnError::malformed(QStringLiteral("The credential has no response object."));
    CredentialEnvelope envelope;
    envelope.rawId = rawId.value();
    envelope.response = credential.value(QLatin1String("response")).toObject();
    const auto clientData = binaryField(envelope.response, QStringLiteral("clientDataJSON"), QStringLiteral("response."));
    if (!clientData)
        return clientData.error();
    envelope.clientDataJson = clientData.value();
    return envelope;
}

//! Parses clientDataJSON and checks its type, challenge (spending it) and origin.
WebAuthnResult<IssuedChallenge> checkClientData(const QByteArray &json, const QString &expectedType, Ceremony ceremony, const QString &session,
                                                ChallengeStore *challenges, const OriginPolicy &origins, QString *origin)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return WebAuthnError::malformed(QStringLiteral("The clientDataJSON is not a JSON object (%1).").arg(parseError.errorString()));
    const QJsonObject data = doc.object();
    const QString type = data.value(QLatin1String("type")).toString();
    if (type != expectedType)
        return WebAuthnError::refused(QStringLiteral("The clientDataJSON type is \"%1\"; a %2 needs \"%3\".")
                                              .arg(type, ceremony == Ceremony::Registration ? QStringLiteral("registration") : QStringLiteral("sign-in"),
                                                   expectedType));
    const QJsonValue challengeValue = data.value(QLatin1String("challenge"));
    const auto challenge = challengeValue.isString() ? base64url::decode(challengeValue.toString()) : std::nullopt;
    if (!challenge || challenge->isEmpty())
        return WebAuthnError::malformed(QStringLiteral("The clientDataJSON has no base64url challenge."));
    auto issued = challenges->consume(base64url::encode(*challenge), ceremony, session);
    if (!issued)
        return issued;
    *origin = data.value(QLatin1String("origin")).toString();
    if (!origins.allows(*origin))
        return WebAuthnError::refused(QStringLiteral("The origin \"%1\" is not allowed (allowed: %2); start the emulator with --origin %1 to allow it.")
                                              .arg(*origin, origins.patterns().join(QLatin1String(", "))));
    if (data.value(QLatin1String("crossOrigin")).toBool(false))
        return WebAuthnError::refused(QStringLiteral("The ceremony ran in a cross-origin frame, which this server does not accept."));
    return issued;
}

//! The checks on authenticator data that registration and sign-in share.
std::optional<WebAuthnError> checkAuthenticatorData(const AuthenticatorData &data, const QByteArray &rpIdHash, const QString &rpId,
                                                    bool userVerificationRequired)
{
    if (data.rpIdHash() != rpIdHash)
        return WebAuthnError::refused(QStringLiteral("The authenticator data's RP ID hash is not the SHA-256 of \"%1\": the credential is "
                                                     "for another relying party (or the emulator's --rp-id differs from the page's).")
                                              .arg(rpId));
    if (!data.has(AuthenticatorData::UserPresent))
        return WebAuthnError::refused(QStringLiteral("The authenticator did not confirm user presence (UP flag clear)."));
    if (userVerificationRequired && !data.has(AuthenticatorData::UserVerified))
        return WebAuthnError::refused(QStringLiteral("User verification was required but the authenticator did not verify the user (UV flag clear)."));
    return std::nullopt;
}

//! Decodes the attestation object: exactly one CBOR map with fmt, attStmt and authData.
WebAuthnResult<QCborMap> decodeAttestationObject(const QByteArray &bytes)
{
    QCborStreamReader reader(bytes);
    const QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError)
        return WebAuthnError::malformed(QStringLiteral("The attestationObject is not valid CBOR (%1 at byte %2).")
                                                .arg(reader.lastError().toString())
                                                .arg(reader.currentOffset()));
    if (reader.currentOffset() != bytes.size())
        return WebAuthnError::malformed(QStringLiteral("The attestationObject has %1 unexpected bytes after its CBOR map.")
                                                .arg(bytes.size() - reader.currentOffset()));
    if (!value.isMap())
        return WebAuthnError::malformed(QStringLiteral("The attestationObject is not a CBOR map."));
    const QCborMap map = value.toMap();
    if (!map.value(QLatin1String("fmt")).isString())
        return WebAuthnError::malformed(QStringLiteral("The attestationObject has no fmt text string."));
    if (!map.value(QLatin1String("authData")).isByteArray())
        return WebAuthnError::malformed(QStringLiteral("The attestationObject has no authData byte string."));
    if (!map.value(QLatin1String("attStmt")).isMap())
        return WebAuthnError::malformed(QStringLiteral("The attestationObject has no attStmt map."));
    return map;
}

//! Checks the attestation statement: "none", or "packed" self-attestation by the new key.
std::optional<WebAuthnError> checkAttestation(const QString &fmt, const QCborMap &statement, const CoseKey &key, const QByteArray &authData,
                                              const QByteArray &clientDataHash)
{
    if (fmt == QLatin1String("none")) {
        if (!statement.isEmpty())
            return WebAuthnError::malformed(QStringLiteral("The attestation format is \"none\" but its attStmt is not empty."));
        return std::nullopt;
    }
    if (fmt != QLatin1String("packed"))
        return WebAuthnError::malformed(QStringLiteral("The attestation format \"%1\" is not supported: this server accepts \"none\" and "
                                                       "\"packed\" self-attestation (ask for attestation \"none\").")
                                                .arg(fmt));
    if (statement.contains(QLatin1String("x5c")) || statement.contains(QLatin1String("ecdaaKeyId")))
        return WebAuthnError::malformed(QStringLiteral("The \"packed\" attestation carries a certificate chain (x5c) or ECDAA key; this server "
                                                       "accepts only self-attestation (ask for attestation \"none\")."));
    const QCborValue alg = statement.value(QLatin1String("alg"));
    const QCborValue sig = statement.value(QLatin1String("sig"));
    if (!alg.isInteger() || !sig.isByteArray())
        return WebAuthnError::malformed(QStringLiteral("The \"packed\" attestation statement lacks an integer alg or a byte string sig."));
    if (alg.toInteger() != key.algorithm())
        return WebAuthnError::refused(QStringLiteral("The \"packed\" self-attestation names algorithm %1 but the credential key is %2.")
                                              .arg(CoseKey::algorithmName(alg.toInteger()), CoseKey::algorithmName(key.algorithm())));
    if (!key.verify(authData + clientDataHash, sig.toByteArray()))
        return WebAuthnError::refused(QStringLiteral("The \"packed\" self-attestation signature does not verify with the credential's own key."));
    return std::nullopt;
}

} // namespace

WebAuthnVerifier::WebAuthnVerifier(ChallengeStore *challenges, QString rpId, OriginPolicy origins)
    : m_challenges(challenges), m_rpId(std::move(rpId)), m_rpIdHash(sha256(m_rpId.toUtf8())), m_origins(std::move(origins))
{
}

WebAuthnResult<VerifiedRegistration> WebAuthnVerifier::verifyRegistration(const QJsonObject &credential, const QString &session)
{
    const auto envelope = readEnvelope(credential);
    if (!envelope)
        return envelope.error();
    const auto attestationBytes = binaryField(envelope->response, QStringLiteral("attestationObject"), QStringLiteral("response."));
    if (!attestationBytes)
        return attestationBytes.error();

    QString origin;
    const auto issued = checkClientData(envelope->clientDataJson, QStringLiteral("webauthn.create"), Ceremony::Registration, session, m_challenges,
                                        m_origins, &origin);
    if (!issued)
        return issued.error();

    const auto attestation = decodeAttestationObject(attestationBytes.value());
    if (!attestation)
        return attestation.error();
    const QString fmt = attestation->value(QLatin1String("fmt")).toString();
    const QByteArray authDataBytes = attestation->value(QLatin1String("authData")).toByteArray();
    const auto authData = AuthenticatorData::parse(authDataBytes);
    if (!authData)
        return authData.error();
    if (const auto failed = checkAuthenticatorData(authData.value(), m_rpIdHash, m_rpId, issued->userVerificationRequired))
        return *failed;
    const auto &attested = authData->attestedCredential();
    if (!attested)
        return WebAuthnError::malformed(QStringLiteral("The authenticator data of a registration has no attested credential data (AT flag clear)."));
    if (attested->credentialId != envelope->rawId)
        return WebAuthnError::refused(QStringLiteral("The credential ID in the authenticator data is not the credential's rawId."));

    const auto key = CoseKey::fromCbor(attested->publicKey);
    if (!key)
        return key.error();
    if (const auto failed = checkAttestation(fmt, attestation->value(QLatin1String("attStmt")).toMap(), key.value(), authDataBytes,
                                             sha256(envelope->clientDataJson)))
        return *failed;

    VerifiedRegistration result;
    result.credentialId = envelope->rawId;
    result.credentialIdBase64Url = base64url::encode(envelope->rawId);
    result.publicKey = key->cbor();
    result.subjectPublicKeyInfo = key->subjectPublicKeyInfo();
    result.algorithm = key->algorithm();
    result.aaguid = attested->aaguid.toString(QUuid::WithoutBraces);
    result.counter = authData->signCount();
    result.credentialDeviceType = authData->has(AuthenticatorData::BackupEligible) ? QStringLiteral("multiDevice") : QStringLiteral("singleDevice");
    result.credentialBackedUp = authData->has(AuthenticatorData::BackedUp);
    result.userVerified = authData->has(AuthenticatorData::UserVerified);
    const QJsonArray transports = envelope->response.value(QLatin1String("transports")).toArray();
    for (const QJsonValue &t : transports) {
        const QString transport = t.toString();
        if (kKnownTransports.contains(transport) && !result.transports.contains(transport))
            result.transports.append(transport);
    }
    result.attestationFormat = fmt;
    const QString attachment = credential.value(QLatin1String("authenticatorAttachment")).toString();
    if (attachment == QLatin1String("platform") || attachment == QLatin1String("cross-platform"))
        result.authenticatorAttachment = attachment;
    result.origin = origin;
    return result;
}

WebAuthnResult<VerifiedAssertion> WebAuthnVerifier::verifyAuthentication(const QJsonObject &response, const QString &loginSessionId,
                                                                         const CredentialLookup &lookup)
{
    const auto envelope = readEnvelope(response);
    if (!envelope)
        return envelope.error();
    const auto authDataBytes = binaryField(envelope->response, QStringLiteral("authenticatorData"), QStringLiteral("response."));
    if (!authDataBytes)
        return authDataBytes.error();
    const auto signature = binaryField(envelope->response, QStringLiteral("signature"), QStringLiteral("response."));
    if (!signature)
        return signature.error();
    std::optional<QByteArray> userHandle;
    const QJsonValue userHandleValue = envelope->response.value(QLatin1String("userHandle"));
    if (userHandleValue.isString() && !userHandleValue.toString().isEmpty()) {
        const auto decoded = binaryField(envelope->response, QStringLiteral("userHandle"), QStringLiteral("response."));
        if (!decoded)
            return decoded.error();
        userHandle = decoded.value();
    } else if (!userHandleValue.isUndefined() && !userHandleValue.isNull() && !userHandleValue.isString()) {
        return WebAuthnError::malformed(QStringLiteral("The credential's response.userHandle is not a base64url string."));
    }

    QString origin;
    const auto issued = checkClientData(envelope->clientDataJson, QStringLiteral("webauthn.get"), Ceremony::Authentication, loginSessionId,
                                        m_challenges, m_origins, &origin);
    if (!issued)
        return issued.error();

    const std::optional<CredentialRecord> stored = lookup ? lookup(envelope->rawId) : std::nullopt;
    if (!stored)
        return WebAuthnError::refused(QStringLiteral("No passkey with ID %1 is registered here.").arg(base64url::encode(envelope->rawId)));
    if (issued->userId && *issued->userId != stored->userId)
        return WebAuthnError::refused(QStringLiteral("The passkey belongs to another user than the one this sign-in was begun for."));
    if (userHandle && !stored->userHandle.isEmpty() && *userHandle != stored->userHandle)
        return WebAuthnError::refused(QStringLiteral("The user handle in the response is not the one of the passkey's user."));

    const auto authData = AuthenticatorData::parse(authDataBytes.value());
    if (!authData)
        return authData.error();
    if (const auto failed = checkAuthenticatorData(authData.value(), m_rpIdHash, m_rpId, issued->userVerificationRequired))
        return *failed;

    const auto key = CoseKey::fromCbor(stored->publicKey);
    if (!key)
        return WebAuthnError{QStringLiteral("The stored public key of passkey %1 cannot be read: %2")
                                     .arg(base64url::encode(stored->credentialId), key.error().message),
                             500};
    if (!key->verify(authDataBytes.value() + sha256(envelope->clientDataJson), signature.value()))
        return WebAuthnError::refused(QStringLiteral("The assertion signature does not verify with the passkey's public key."));

    // WebAuthn §7.2 step 22: once either counter is non-zero, a counter that does not grow
    // means two copies of the key are in use.
    const quint32 counter = authData->signCount();
    if ((counter != 0 || stored->counter != 0) && counter <= stored->counter) {
        qCWarning(lcWebAuthn).noquote() << "possible cloned authenticator: passkey" << base64url::encode(stored->credentialId) << "of user"
                                        << stored->userId << "signed with counter" << counter << "after" << stored->counter;
        return WebAuthnError::refused(QStringLiteral("The signature counter went from %1 to %2 instead of growing: the passkey may have been "
                                                     "cloned, so this sign-in is refused.")
                                              .arg(stored->counter)
                                              .arg(counter));
    }

    VerifiedAssertion result;
    result.credentialId = stored->credentialId;
    result.userId = stored->userId;
    result.newCounter = counter;
    result.userVerified = authData->has(AuthenticatorData::UserVerified);
    result.credentialBackedUp = authData->has(AuthenticatorData::BackedUp);
    result.origin = origin;
    return result;
}

} // namespace plainkey::emulator
