#include "emulator/webauthn/authenticatordata.h"

#include <QCborStreamReader>
#include <QCborValue>
#include <QtEndian>

namespace plainkey::emulator {

namespace {

constexpr qsizetype kHeaderSize = 37;    // rpIdHash 32, flags 1, signCount 4
constexpr qsizetype kMaxCredentialIdLength = 1023; // WebAuthn §6.5.1

WebAuthnError malformed(const QString &what)
{
    return WebAuthnError::malformed(QStringLiteral("The authenticator data %1.").arg(what));
}

//! Reads one CBOR item at \a offset of \a data; sets \a consumed to its length in bytes.
std::optional<QCborValue> readItem(const QByteArray &data, qsizetype offset, qsizetype *consumed, QString *error)
{
    const QByteArray rest = data.mid(offset);
    QCborStreamReader reader(rest);
    const QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError) {
        *error = reader.lastError().toString();
        return std::nullopt;
    }
    *consumed = qsizetype(reader.currentOffset());
    return value;
}

} // namespace

WebAuthnResult<AuthenticatorData> AuthenticatorData::parse(const QByteArray &bytes)
{
    if (bytes.size() < kHeaderSize)
        return malformed(QStringLiteral("is %1 bytes long, shorter than the 37 bytes of its fixed part").arg(bytes.size()));

    const auto *raw = reinterpret_cast<const uchar *>(bytes.constData());
    AuthenticatorData data;
    data.m_rpIdHash = bytes.left(32);
    data.m_flags = raw[32];
    data.m_signCount = qFromBigEndian<quint32>(raw + 33);
    if (data.has(BackedUp) && !data.has(BackupEligible))
        return malformed(QStringLiteral("says backed up (BS) but not backup eligible (BE), which no authenticator may do"));

    qsizetype offset = kHeaderSize;
    if (data.has(AttestedCredentialData)) {
        if (bytes.size() < offset + 18)
            return malformed(QStringLiteral("has the AT flag but is cut before the AAGUID and credential ID length"));
        AttestedCredential attested;
        attested.aaguid = QUuid::fromRfc4122(QByteArrayView(bytes.constData() + offset, 16));
        const qsizetype idLength = qFromBigEndian<quint16>(raw + offset + 16);
        offset += 18;
        if (idLength == 0 || idLength > kMaxCredentialIdLength)
            return malformed(QStringLiteral("declares a credential ID of %1 bytes (1 to 1023 allowed)").arg(idLength));
        if (bytes.size() < offset + idLength)
            return malformed(QStringLiteral("declares a credential ID of %1 bytes but only %2 follow").arg(idLength).arg(bytes.size() - offset));
        attested.credentialId = bytes.mid(offset, idLength);
        offset += idLength;
        if (offset >= bytes.size())
            return malformed(QStringLiteral("has the AT flag but no credential public key"));
        qsizetype consumed = 0;
        QString error;
        const auto key = readItem(bytes, offset, &consumed, &error);
        if (!key)
            return malformed(QStringLiteral("holds a credential public key that is not valid CBOR (%1)").arg(error));
        if (!key->isMap())
            return malformed(QStringLiteral("holds a credential public key that is not a CBOR map"));
        attested.publicKey = bytes.mid(offset, consumed);
        offset += consumed;
        data.m_attested = attested;
    }

    if (data.has(ExtensionData)) {
        if (offset >= bytes.size())
            return malformed(QStringLiteral("has the ED flag but no extension data"));
        qsizetype consumed = 0;
        QString error;
        const auto extensions = readItem(bytes, offset, &consumed, &error);
        if (!extensions)
            return malformed(QStringLiteral("holds extension data that is not valid CBOR (%1)").arg(error));
        if (!extensions->isMap())
            return malformed(QStringLiteral("holds extension data that is not a CBOR map"));
        data.m_extensions = extensions->toMap();
        offset += consumed;
    }

    if (offset != bytes.size())
        return malformed(QStringLiteral("has %1 unexpected bytes after its %2")
                                 .arg(bytes.size() - offset)
                                 .arg(data.has(ExtensionData) ? QStringLiteral("extension data")
                                      : data.has(AttestedCredentialData) ? QStringLiteral("credential public key")
                                                                         : QStringLiteral("fixed part (no AT or ED flag says what they are)")));
    return data;
}

} // namespace plainkey::emulator
