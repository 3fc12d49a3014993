#include "emulator/authtokenissuer.h"

#include "emulator/answers.h"
#include "emulator/emulatorstore.h"
#include "emulator/tokensigner.h"

#include <QUuid>

namespace plainkey::emulator {

AuthTokenIssuer::AuthTokenIssuer(const EmulatorConfig &config, EmulatorStore &store, const TokenSigner &signer)
    : m_config(config), m_store(store), m_signer(signer)
{
}

QJsonObject AuthTokenIssuer::mint(const QString &userId, const QString &credentialId, std::chrono::seconds ttl)
{
    const QDateTime now = m_store.clock().now();
    StoredAuthToken record{userId, credentialId, now, now.addSecs(ttl.count()), false};
    QByteArray token;
    if (m_config.tokenFormat == EmulatorConfig::TokenFormat::Jwt) {
        const QString jti = QUuid::createUuid().toString(QUuid::WithoutBraces);
        token = m_signer.sign(QJsonObject{{QStringLiteral("iss"), QStringLiteral("plainkey-emulator")},
                                          {QStringLiteral("sub"), userId},
                                          {QStringLiteral("projectId"), m_config.projectId},
                                          {QStringLiteral("credentialId"), credentialId},
                                          {QStringLiteral("iat"), double(now.toSecsSinceEpoch())},
                                          {QStringLiteral("exp"), double(record.expiresAt.toSecsSinceEpoch())},
                                          {QStringLiteral("jti"), jti}});
        m_store.addAuthToken(jti.toUtf8(), record);
    } else {
        token = "pk_auth_" + randomToken(32);
        m_store.addAuthToken(token, record);
    }
    // The Browser API types expiresAt as a number: epoch milliseconds.
    return QJsonObject{{QStringLiteral("token"), QString::fromLatin1(token)},
                       {QStringLiteral("expiresAt"), double(record.expiresAt.toMSecsSinceEpoch())}};
}

} // namespace plainkey::emulator
