#include "emulator/webauthn/webauthnoptions.h"

#include "emulator/webauthn/base64url.h"
#include "emulator/webauthn/cosekey.h"

#include <QJsonArray>

namespace plainkey::emulator {

namespace {

QJsonArray descriptors(const QList<WebAuthnOptions::Descriptor> &list)
{
    QJsonArray array;
    for (const WebAuthnOptions::Descriptor &d : list) {
        QJsonObject entry{{QStringLiteral("id"), base64url::encode(d.id)}, {QStringLiteral("type"), QStringLiteral("public-key")}};
        if (!d.transports.isEmpty())
            entry.insert(QStringLiteral("transports"), QJsonArray::fromStringList(d.transports));
        array.append(entry);
    }
    return array;
}

QString userVerification(const IssuedChallenge &challenge)
{
    return challenge.userVerificationRequired ? QStringLiteral("required") : QStringLiteral("preferred");
}

} // namespace

QJsonObject WebAuthnOptions::creation(const IssuedChallenge &challenge, const QString &rpId, const QString &rpName, const User &user,
                                      const QList<Descriptor> &exclude, std::chrono::milliseconds timeout)
{
    QJsonArray params;
    for (const int alg : {int(CoseKey::ES256), int(CoseKey::EdDSA), int(CoseKey::RS256)})
        params.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("public-key")}, {QStringLiteral("alg"), alg}});
    return QJsonObject{
            {QStringLiteral("challenge"), challenge.challenge},
            {QStringLiteral("rp"), QJsonObject{{QStringLiteral("id"), rpId}, {QStringLiteral("name"), rpName}}},
            {QStringLiteral("user"), QJsonObject{{QStringLiteral("id"), base64url::encode(user.handle)},
                                                 {QStringLiteral("name"), user.name},
                                                 {QStringLiteral("displayName"), user.displayName.isEmpty() ? user.name : user.displayName}}},
            {QStringLiteral("pubKeyCredParams"), params},
            {QStringLiteral("timeout"), qint64(timeout.count())},
            {QStringLiteral("attestation"), QStringLiteral("none")},
            {QStringLiteral("excludeCredentials"), descriptors(exclude)},
            {QStringLiteral("authenticatorSelection"), QJsonObject{{QStringLiteral("residentKey"), QStringLiteral("preferred")},
                                                                   {QStringLiteral("requireResidentKey"), false},
                                                                   {QStringLiteral("userVerification"), userVerification(challenge)}}},
    };
}

QJsonObject WebAuthnOptions::request(const IssuedChallenge &challenge, const QString &rpId, const QList<Descriptor> &allow,
                                     std::chrono::milliseconds timeout)
{
    return QJsonObject{
            {QStringLiteral("challenge"), challenge.challenge},
            {QStringLiteral("rpId"), rpId},
            {QStringLiteral("timeout"), qint64(timeout.count())},
            {QStringLiteral("allowCredentials"), descriptors(allow)},
            {QStringLiteral("userVerification"), userVerification(challenge)},
    };
}

} // namespace plainkey::emulator
