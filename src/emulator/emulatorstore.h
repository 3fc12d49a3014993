#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace plainkey::emulator {

struct StoredUser
{
    QString id;
    std::optional<QString> userName;
    QDateTime createdAt;
    //! The user.id bytes given to a browser in WebAuthn options; empty for seeded and API users.
    QByteArray webAuthnUserHandle;
};

struct StoredPasskey
{
    QString id;
    QString userId;
    std::optional<QString> webAuthnId;
    std::optional<QString> label;
    std::optional<QString> authenticatorType;
    std::optional<QString> aaguid;
    std::optional<QString> deviceType; //!< singleDevice or multiDevice
    std::optional<bool> backedUp;
    std::optional<QStringList> transports;
    std::optional<qint64> counter;
    QDateTime createdAt;
    std::optional<QDateTime> updatedAt;
    std::optional<QDateTime> lastUsedAt;
    //! The credential's COSE_Key as the authenticator sent it; empty for simulated passkeys.
    QByteArray publicKey;
    //! The last signature counter the authenticator reported (0 for simulated passkeys).
    qint64 signCount = 0;
};

struct StoredAuthToken
{
    QString userId;
    QString credentialId;
    QDateTime issuedAt;
    QDateTime expiresAt;
    bool used = false;
};

//! The emulator's in-memory project: users, passkeys and tokens, kept consistent
//! (unique user names; deleting a user deletes their passkeys, and verify refuses their tokens).
class EmulatorStore
{
public:
    static QString newId(const char *prefix);

    const StoredUser *user(const QString &id) const;
    const StoredUser *userByName(const QString &name) const;
    //! Creates a user; nullopt (and \a error) when the name is taken.
    std::optional<StoredUser> createUser(const std::optional<QString> &userName, QString *error);
    //! Adds \a user as it is (ID and creation time kept); false with \a error when its ID or
    //! name is taken. The Browser API creates a sign-up's user only once its passkey verified.
    bool insertUser(const StoredUser &user, QString *error);
    bool renameUser(const QString &id, const std::optional<QString> &userName, QString *error);
    void deleteUser(const QString &id);
    int userCount() const { return int(m_users.size()); }

    QList<StoredPasskey> passkeysOf(const QString &userId) const;
    StoredPasskey *passkey(const QString &id);
    //! The passkey whose WebAuthn credential ID (base64url) is \a webAuthnId; nullptr when none.
    const StoredPasskey *passkeyByWebAuthnId(const QString &webAuthnId) const;
    StoredPasskey addPasskey(StoredPasskey passkey);
    //! Replaces the stored passkey with the same ID (counter, last use...); false when there is none.
    bool updatePasskey(const StoredPasskey &passkey);
    void deletePasskey(const QString &id);

    //! Records an access token; expired ones are dropped now and then.
    void addAccessToken(const QByteArray &token, const QDateTime &expiresAt);
    //! Expiry of an access token, or an invalid date when unknown.
    QDateTime accessTokenExpiry(const QByteArray &token) const { return m_accessTokens.value(token); }
    void revokeAccessTokens() { m_accessTokens.clear(); }

    //! Records an authentication token under \a key (its jti, or the opaque token itself).
    //! Expired records stay an hour, so verify can still say "expired" rather than "unknown".
    void addAuthToken(const QByteArray &key, StoredAuthToken record);
    StoredAuthToken *authToken(const QByteArray &key);

    void clear();

    static QJsonObject toJson(const StoredUser &user);
    static QJsonObject toJson(const StoredPasskey &passkey);

private:
    void purgeNowAndThen();

    QHash<QString, StoredUser> m_users;
    QHash<QString, QString> m_userIdByName;
    QHash<QString, StoredPasskey> m_passkeys;
    QHash<QString, QStringList> m_passkeyIdsByUser;
    QHash<QByteArray, QDateTime> m_accessTokens;
    QHash<QByteArray, StoredAuthToken> m_authTokens;
    int m_insertsSincePurge = 0;
};

} // namespace plainkey::emulator
