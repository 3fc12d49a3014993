#pragma once

#include "emulator/emulatorstore.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <memory>

namespace plainkey::emulator {

//! The emulator's project in an SQLite file (`--data FILE`): users, passkeys with their public
//! keys, labels and outstanding authentication tokens. Access tokens are not kept.
//!
//! The file is checked before anything is written to it: a file that is not SQLite, an SQLite
//! file of another program, a newer schema, a damaged or unwritable file, or one in use by
//! another emulator is refused with the reason, and left byte for byte as it was.
//! WAL journal with synchronous=FULL: a commit is on disk when commit() returns, so an answer
//! written after it survives kill -9 and power loss alike. The connection holds an exclusive
//! lock, so a second emulator cannot write the same file. Use it on one thread.
class EmulatorDatabase
{
public:
    //! Everything the file holds, as the store keeps it in memory.
    struct Snapshot
    {
        QList<StoredUser> users;
        QList<StoredPasskey> passkeys; //!< in the order they were added
        QList<QPair<QByteArray, StoredAuthToken>> authTokens; //!< keyed by SHA-256 of the token's key
    };

    //! PRAGMA application_id of a data file: "PKEm".
    static constexpr qint32 kApplicationId = 0x504b456d;
    //! PRAGMA user_version this build writes; newer files are refused, older ones upgraded.
    static constexpr int kSchemaVersion = 1;

    ~EmulatorDatabase();
    EmulatorDatabase(const EmulatorDatabase &) = delete;
    EmulatorDatabase &operator=(const EmulatorDatabase &) = delete;

    //! Opens \a path (created when missing; an empty file is initialised) for project
    //! \a projectId. nullptr with \a error ("why", without the path) when the file is refused.
    static std::unique_ptr<EmulatorDatabase> open(const QString &path, const QString &projectId, QString *error);

    QString path() const { return m_path; }
    //! Reads the whole project; false with \a error if the file cannot be read.
    bool load(Snapshot *out, QString *error);

    //! One transaction: begin(), any writes, commit() (or rollback()). Writes outside one fail.
    bool begin();
    bool commit();
    void rollback();
    //! Why the last call failed.
    QString lastError() const { return m_error; }

    bool insertUser(const StoredUser &user);
    bool updateUser(const StoredUser &user);
    //! Deletes the user and their passkeys (not their authentication tokens).
    bool deleteUser(const QString &id);
    bool insertPasskey(const StoredPasskey &passkey);
    bool updatePasskey(const StoredPasskey &passkey);
    bool deletePasskey(const QString &id);
    bool insertAuthToken(const QByteArray &keyHash, const StoredAuthToken &record);
    bool markAuthTokenUsed(const QByteArray &keyHash);
    //! Forgets authentication tokens that expired before \a before.
    bool purgeAuthTokens(const QDateTime &before);
    //! Deletes every user, passkey and token.
    bool clear();

private:
    EmulatorDatabase() = default;
    bool exec(const QString &sql, const QVariantList &values = {});

    QString m_path;
    QString m_connection;
    QString m_error;
};

} // namespace plainkey::emulator
