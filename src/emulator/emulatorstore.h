#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QStringList>

#include "emulator/emulatorclock.h"

#include <memory>
#include <optional>

namespace plainkey::emulator {

class EmulatorDatabase;

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

//! The emulator's project: users, passkeys and tokens, kept consistent (unique user names;
//! deleting a user deletes their passkeys, and verify refuses their tokens).
//!
//! Reads come from memory. With a database attached (`--data`), every change is written to it
//! first and applied in memory only once written; changes made inside a Change are one
//! transaction, committed when the outermost Change ends. Access tokens stay in memory only.
class EmulatorStore
{
public:
    EmulatorStore();
    ~EmulatorStore();
    EmulatorStore(const EmulatorStore &) = delete;
    EmulatorStore &operator=(const EmulatorStore &) = delete;

    static QString newId(const char *prefix);

    //! Keeps the project in \a database from now on: its content replaces the store's (access
    //! tokens stay). False with \a error when it cannot be read.
    bool attachDatabase(std::unique_ptr<EmulatorDatabase> database, QString *error);
    EmulatorDatabase *database() const { return m_db.get(); }

    //! Groups the changes made while it lives into one transaction (nested ones join the
    //! outermost). Answer the request only after commit() returned true.
    class Change
    {
    public:
        explicit Change(EmulatorStore &store);
        ~Change();
        Change(const Change &) = delete;
        Change &operator=(const Change &) = delete;
        //! Ends the change; false with \a error when it could not be saved, and then every
        //! change made in it is undone in memory too (the store is read back from the file).
        bool commit(QString *error);

    private:
        EmulatorStore *m_store;
        bool m_done = false;
    };

    const StoredUser *user(const QString &id) const;
    const StoredUser *userByName(const QString &name) const;
    //! Every user, oldest first.
    QList<StoredUser> users() const;
    //! Creates a user; nullopt (and \a error) when the name is taken or it cannot be saved.
    std::optional<StoredUser> createUser(const std::optional<QString> &userName, QString *error,
                                         const QByteArray &webAuthnUserHandle = {});
    //! Adds \a user as it is (ID and creation time kept), as a seed does; false with \a error
    //! when its ID or name is taken or it cannot be saved.
    bool insertUser(const StoredUser &user, QString *error);
    bool renameUser(const QString &id, const std::optional<QString> &userName, QString *error);
    void deleteUser(const QString &id);
    int userCount() const { return int(m_users.size()); }

    QList<StoredPasskey> passkeysOf(const QString &userId) const;
    //! A passkey to read; change it with updatePasskey().
    const StoredPasskey *passkey(const QString &id) const;
    //! The passkey whose WebAuthn credential ID (base64url) is \a webAuthnId; nullptr when none.
    const StoredPasskey *passkeyByWebAuthnId(const QString &webAuthnId) const;
    //! Adds a passkey (a new ID and creation time when it has none). Check
    //! Change::commit() before telling anyone it exists.
    StoredPasskey addPasskey(StoredPasskey passkey);
    //! Replaces the stored passkey with the same ID (label, counter, last use...); false when
    //! there is none or it cannot be saved.
    bool updatePasskey(const StoredPasskey &passkey);
    void deletePasskey(const QString &id);

    //! Records an access token; expired ones are dropped now and then. Memory only: after a
    //! restart clients get 401 and fetch a new one.
    void addAccessToken(const QByteArray &token, const QDateTime &expiresAt);
    //! Expiry of an access token, or an invalid date when unknown.
    QDateTime accessTokenExpiry(const QByteArray &token) const { return m_accessTokens.value(token); }
    void revokeAccessTokens() { m_accessTokens.clear(); }

    //! Records an authentication token under \a key (its jti, or the opaque token itself).
    //! Expired records stay an hour, so verify can still say "expired" rather than "unknown".
    void addAuthToken(const QByteArray &key, StoredAuthToken record);
    const StoredAuthToken *authToken(const QByteArray &key) const;
    //! Marks a token verified; false when unknown or it cannot be saved.
    bool markAuthTokenUsed(const QByteArray &key);

    void clear();

    //! Caps on the number of users and passkeys, so that a runaway script cannot fill memory.
    void setCaps(int maxUsers, int maxPasskeys);
    //! Empty when \a users more users and \a passkeys more passkeys fit under the caps, else
    //! the message saying which cap they would pass. Check it before createUser() and
    //! addPasskey(), which do not.
    QString roomFor(qsizetype users, qsizetype passkeys) const;
    int passkeyCount() const { return int(m_passkeys.size()); }

    //! The project's clock, skewed by FaultInjector's clock-skew fault: every time the emulator
    //! writes or checks is read from it (it lives here because every part reaches the store).
    EmulatorClock &clock() { return m_clock; }
    const EmulatorClock &clock() const { return m_clock; }

    static QJsonObject toJson(const StoredUser &user);
    static QJsonObject toJson(const StoredPasskey &passkey);

private:
    //! Runs \a write on the database (in the open Change, or as its own transaction); true
    //! without a database. The caller changes memory only when it returns true.
    template<typename Write>
    bool persist(Write &&write, QString *error = nullptr);
    void beginChange();
    bool endChange(QString *error);
    void replaceContent(const QList<StoredUser> &users, const QList<StoredPasskey> &passkeys,
                        const QList<QPair<QByteArray, StoredAuthToken>> &authTokens);
    void purgeNowAndThen();
    static QByteArray keyHash(const QByteArray &key);

    QHash<QString, StoredUser> m_users;
    QHash<QString, QString> m_userIdByName;
    QHash<QString, StoredPasskey> m_passkeys;
    QHash<QString, QStringList> m_passkeyIdsByUser;
    QHash<QByteArray, QDateTime> m_accessTokens;
    //! Keyed by SHA-256 of the key, as the database keeps them.
    QHash<QByteArray, StoredAuthToken> m_authTokens;
    int m_insertsSincePurge = 0;
    EmulatorClock m_clock;

    std::unique_ptr<EmulatorDatabase> m_db;
    int m_changeDepth = 0;
    bool m_inTransaction = false;
    QString m_changeError; //!< set once a write in the open Change failed
    int m_maxUsers = 100000;
    int m_maxPasskeys = 500000;
};

} // namespace plainkey::emulator
