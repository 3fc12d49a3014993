#include "emulator/emulatordatabase.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace plainkey::emulator {

namespace {

QString newConnectionName()
{
    static QAtomicInteger<int> counter;
    return QStringLiteral("plainkey-emulator-data-%1").arg(counter.fetchAndAddRelaxed(1));
}

QVariant text(const std::optional<QString> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::QString));
}

QVariant millis(const std::optional<QDateTime> &v)
{
    return v && v->isValid() ? QVariant(v->toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

//! A NOT NULL text column: Qt binds a null QString as SQL NULL, and an empty ID (a token minted
//! before any passkey exists) is not "unknown".
QVariant notNull(const QString &v)
{
    return v.isNull() ? QVariant(QStringLiteral("")) : QVariant(v);
}

QVariant blob(const QByteArray &v)
{
    return v.isNull() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(v);
}

std::optional<QString> optionalText(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<QString>(v.toString());
}

// Qt::UTC, as currentDateTimeUtc() gives: a QTimeZone::utc() time would print "+00:00"
// instead of "Z", and answers would change their look after a restart.
std::optional<QDateTime> optionalTime(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<QDateTime>(QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC));
}

QDateTime time(const QVariant &v)
{
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

//! SQLite's answer to "is anyone else writing this file?".
bool isBusy(const QSqlError &e)
{
    const QString code = e.nativeErrorCode();
    return code == QLatin1String("5") || code == QLatin1String("6") || e.databaseText().contains(QLatin1String("locked"));
}

const char *const kSchema[] = {
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE users (id TEXT PRIMARY KEY, user_name TEXT UNIQUE, created_at INTEGER NOT NULL,"
        " webauthn_user_handle BLOB)",
        "CREATE TABLE passkeys (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
        " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        " webauthn_id TEXT, label TEXT, authenticator_type TEXT, aaguid TEXT, device_type TEXT, backed_up INTEGER,"
        " transports TEXT, counter INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER, last_used_at INTEGER,"
        " public_key BLOB, sign_count INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX passkeys_by_user ON passkeys(user_id)",
        // Keyed by a SHA-256 of the token's key: an opaque token is its own key, and the file
        // must not hold tokens someone could present.
        "CREATE TABLE auth_tokens (key_hash BLOB PRIMARY KEY, user_id TEXT NOT NULL, credential_id TEXT NOT NULL,"
        " issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used INTEGER NOT NULL)",
};

const QStringList kTables = {QStringLiteral("auth_tokens"), QStringLiteral("meta"), QStringLiteral("passkeys"), QStringLiteral("users")};

//! What a file holds, read without writing a byte to it.
struct Inspection
{
    qint32 applicationId = 0;
    int userVersion = 0;
    QStringList tables;
    QString projectId;
};

//! Reads \a path through a read-only connection; empty on success, else why it is refused.
QString inspect(const QString &path, Inspection *out)
{
    const QString name = newConnectionName();
    QString why;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        // Read-only: a refused file is never written, not even a journal recovery or a checkpoint.
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=0"));
        if (!db.open()) {
            why = QStringLiteral("it cannot be opened as an SQLite database: %1").arg(db.lastError().text());
        } else {
            QSqlQuery q(db);
            auto scalar = [&](const QString &sql, QVariant *value) {
                if (!q.exec(sql) || !q.next()) {
                    const QSqlError e = q.lastError();
                    why = isBusy(e) ? QStringLiteral("it is in use by another program (another plainkey-emulator?); stop it or choose another file")
                                    : QStringLiteral("it is not a readable SQLite database (%1)").arg(e.databaseText());
                    return false;
                }
                *value = q.value(0);
                return true;
            };
            QVariant v;
            if (scalar(QStringLiteral("PRAGMA quick_check"), &v) && v.toString() != QLatin1String("ok"))
                why = QStringLiteral("it is damaged (SQLite's check says: %1)").arg(v.toString().left(200));
            if (why.isEmpty() && scalar(QStringLiteral("PRAGMA application_id"), &v))
                out->applicationId = v.toInt();
            if (why.isEmpty() && scalar(QStringLiteral("PRAGMA user_version"), &v))
                out->userVersion = v.toInt();
            if (why.isEmpty()) {
                if (q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"))) {
                    while (q.next())
                        out->tables.append(q.value(0).toString());
                } else {
                    why = QStringLiteral("its tables cannot be read (%1)").arg(q.lastError().databaseText());
                }
            }
            if (why.isEmpty() && out->tables.contains(QLatin1String("meta"))
                && q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'project_id'")) && q.next())
                out->projectId = q.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return why;
}

//! Empty when the inspected file is one this build can use (or an empty database), else why not.
QString judge(const Inspection &i, const QString &projectId)
{
    if (i.applicationId == 0 && i.userVersion == 0 && i.tables.isEmpty())
        return {}; // an empty SQLite database: nothing in it to lose
    if (i.applicationId != EmulatorDatabase::kApplicationId) {
        if (i.applicationId != 0)
            return QStringLiteral("it is an SQLite database of another program (application_id 0x%1), not a plainkey-emulator data file")
                    .arg(quint32(i.applicationId), 8, 16, QLatin1Char('0'));
        return QStringLiteral("it is an SQLite database of another program (tables: %1), not a plainkey-emulator data file")
                .arg(i.tables.mid(0, 8).join(QStringLiteral(", ")));
    }
    if (i.userVersion > EmulatorDatabase::kSchemaVersion)
        return QStringLiteral("it was written by a newer plainkey-emulator (schema version %1; this one reads up to %2): "
                              "use that version, or export the project there and --seed it here")
                .arg(i.userVersion)
                .arg(EmulatorDatabase::kSchemaVersion);
    for (const QString &t : kTables) {
        if (!i.tables.contains(t))
            return QStringLiteral("it is damaged: the table \"%1\" is missing (schema version %2)").arg(t).arg(i.userVersion);
    }
    if (i.userVersion < 1)
        return QStringLiteral("it is damaged: it has the emulator's tables but no schema version");
    if (i.projectId != projectId)
        return QStringLiteral("it holds project \"%1\", not \"%2\": pass --project-id %1, or choose another file").arg(i.projectId, projectId);
    return {};
}

} // namespace

EmulatorDatabase::~EmulatorDatabase()
{
    if (m_connection.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close(); // the last connection's close folds the WAL into the file
    }
    QSqlDatabase::removeDatabase(m_connection);
}

std::unique_ptr<EmulatorDatabase> EmulatorDatabase::open(const QString &path, const QString &projectId, QString *error)
{
    const QFileInfo info(path);
    const QString folder = info.absolutePath();
    if (info.exists() && !info.isFile()) {
        *error = QStringLiteral("it is not a regular file");
        return nullptr;
    }
    if (!QFileInfo(folder).isDir()) {
        *error = QStringLiteral("its folder %1 does not exist").arg(folder);
        return nullptr;
    }
    // SQLite keeps its write-ahead log beside the file: FILE-wal and FILE-shm.
    if (!QFileInfo(folder).isWritable()) {
        *error = QStringLiteral("its folder %1 is not writable, and SQLite keeps its write-ahead log (%2-wal) there")
                         .arg(folder, info.fileName());
        return nullptr;
    }
    if (info.exists()) {
        if (!info.isReadable()) {
            *error = QStringLiteral("it is not readable (check its permissions)");
            return nullptr;
        }
        if (!info.isWritable()) {
            *error = QStringLiteral("it is not writable, and the emulator keeps every change in it (check its permissions, or work on a copy)");
            return nullptr;
        }
        if (info.size() > 0) {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly)) {
                *error = QStringLiteral("it cannot be read: %1").arg(f.errorString());
                return nullptr;
            }
            if (f.read(16) != QByteArray("SQLite format 3\0", 16)) {
                *error = QStringLiteral("it is not an SQLite database (it does not start with SQLite's header): "
                                        "not a plainkey-emulator data file, or a damaged one");
                return nullptr;
            }
        }
        Inspection inspection;
        QString why = inspect(path, &inspection);
        if (why.isEmpty())
            why = judge(inspection, projectId);
        if (!why.isEmpty()) {
            *error = why;
            return nullptr;
        }
    }

    std::unique_ptr<EmulatorDatabase> d(new EmulatorDatabase);
    d->m_path = path;
    d->m_connection = newConnectionName();
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->m_connection);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
    if (!db.open()) {
        *error = QStringLiteral("it cannot be opened: %1").arg(db.lastError().text());
        return nullptr;
    }
    QSqlQuery q(db);
    // The exclusive lock, taken by the first write below and held until the emulator stops,
    // keeps a second emulator from writing behind this one's in-memory copy.
    if (!q.exec(QStringLiteral("PRAGMA locking_mode = EXCLUSIVE")) || !q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        *error = isBusy(q.lastError()) ? QStringLiteral("it is in use by another program (another plainkey-emulator?); stop it or choose another file")
                                       : QStringLiteral("it cannot be locked: %1").arg(q.lastError().databaseText());
        return nullptr;
    }
    // Looked at again under the lock: the file may have changed since it was inspected.
    Inspection again;
    bool ok = q.exec(QStringLiteral("PRAGMA application_id")) && q.next();
    again.applicationId = ok ? q.value(0).toInt() : -1;
    ok = ok && q.exec(QStringLiteral("PRAGMA user_version")) && q.next();
    again.userVersion = ok ? q.value(0).toInt() : -1;
    if (!ok) {
        *error = QStringLiteral("it cannot be read: %1").arg(q.lastError().databaseText());
        d->exec(QStringLiteral("ROLLBACK"));
        return nullptr;
    }
    if (again.applicationId == 0 && again.userVersion == 0) {
        QStringList tables;
        if (q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")))
            while (q.next())
                tables.append(q.value(0).toString());
        if (!tables.isEmpty()) {
            *error = QStringLiteral("another program created tables in it while the emulator was opening it");
            d->exec(QStringLiteral("ROLLBACK"));
            return nullptr;
        }
        bool created = true;
        for (const char *sql : kSchema)
            created = created && d->exec(QString::fromLatin1(sql));
        created = created && d->exec(QStringLiteral("INSERT INTO meta (key, value) VALUES ('project_id', ?)"), {projectId})
                  && d->exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId))
                  && d->exec(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion));
        if (!created) {
            *error = QStringLiteral("it cannot be initialised: %1").arg(d->m_error);
            d->exec(QStringLiteral("ROLLBACK"));
            return nullptr;
        }
    } else if (again.applicationId != kApplicationId || again.userVersion != kSchemaVersion) {
        *error = QStringLiteral("it changed while the emulator was opening it");
        d->exec(QStringLiteral("ROLLBACK"));
        return nullptr;
    }
    if (!d->exec(QStringLiteral("COMMIT"))) {
        *error = QStringLiteral("it cannot be written: %1").arg(d->m_error);
        return nullptr;
    }
    // FULL: each commit's WAL frames are fsynced before commit() returns, so an acknowledged
    // change survives a power cut too, not only kill -9 (NORMAL would cover kill -9 alone).
    // A browser's authenticator keeps the passkey it made; forgetting it here would leave the
    // person with a passkey the emulator no longer knows.
    if (!q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !q.next() || q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        *error = QStringLiteral("it cannot use a write-ahead log: %1").arg(q.lastError().databaseText());
        return nullptr;
    }
    q.finish();
    if (!d->exec(QStringLiteral("PRAGMA synchronous = FULL")) || !d->exec(QStringLiteral("PRAGMA foreign_keys = ON"))) {
        *error = d->m_error;
        return nullptr;
    }
    return d;
}

bool EmulatorDatabase::exec(const QString &sql, const QVariantList &values)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.prepare(sql)) {
        m_error = q.lastError().text();
        return false;
    }
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return false;
    }
    return true;
}

bool EmulatorDatabase::load(Snapshot *out, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    auto failed = [&] {
        *error = QStringLiteral("reading %1 failed: %2").arg(m_path, q.lastError().text());
        return false;
    };
    if (!q.exec(QStringLiteral("SELECT id, user_name, created_at, webauthn_user_handle FROM users")))
        return failed();
    while (q.next()) {
        StoredUser u;
        u.id = q.value(0).toString();
        u.userName = optionalText(q.value(1));
        u.createdAt = time(q.value(2));
        u.webAuthnUserHandle = q.value(3).toByteArray();
        out->users.append(u);
    }
    if (!q.exec(QStringLiteral("SELECT id, user_id, webauthn_id, label, authenticator_type, aaguid, device_type, backed_up, transports,"
                               " counter, created_at, updated_at, last_used_at, public_key, sign_count FROM passkeys ORDER BY seq")))
        return failed();
    while (q.next()) {
        StoredPasskey p;
        p.id = q.value(0).toString();
        p.userId = q.value(1).toString();
        p.webAuthnId = optionalText(q.value(2));
        p.label = optionalText(q.value(3));
        p.authenticatorType = optionalText(q.value(4));
        p.aaguid = optionalText(q.value(5));
        p.deviceType = optionalText(q.value(6));
        if (!q.value(7).isNull())
            p.backedUp = q.value(7).toBool();
        if (!q.value(8).isNull()) {
            QStringList transports;
            for (const QJsonValue &t : QJsonDocument::fromJson(q.value(8).toByteArray()).array())
                transports.append(t.toString());
            p.transports = transports;
        }
        if (!q.value(9).isNull())
            p.counter = q.value(9).toLongLong();
        p.createdAt = time(q.value(10));
        p.updatedAt = optionalTime(q.value(11));
        p.lastUsedAt = optionalTime(q.value(12));
        p.publicKey = q.value(13).toByteArray();
        p.signCount = q.value(14).toLongLong();
        out->passkeys.append(p);
    }
    if (!q.exec(QStringLiteral("SELECT key_hash, user_id, credential_id, issued_at, expires_at, used FROM auth_tokens")))
        return failed();
    while (q.next()) {
        StoredAuthToken t{q.value(1).toString(), q.value(2).toString(), time(q.value(3)), time(q.value(4)), q.value(5).toBool()};
        out->authTokens.append({q.value(0).toByteArray(), t});
    }
    return true;
}

bool EmulatorDatabase::begin()
{
    return exec(QStringLiteral("BEGIN IMMEDIATE"));
}

bool EmulatorDatabase::commit()
{
    return exec(QStringLiteral("COMMIT"));
}

void EmulatorDatabase::rollback()
{
    const QString kept = m_error; // say why the transaction failed, not that ROLLBACK had nothing to undo
    exec(QStringLiteral("ROLLBACK"));
    m_error = kept;
}

bool EmulatorDatabase::insertUser(const StoredUser &u)
{
    return exec(QStringLiteral("INSERT INTO users (id, user_name, created_at, webauthn_user_handle) VALUES (?, ?, ?, ?)"),
                {u.id, text(u.userName), u.createdAt.toMSecsSinceEpoch(), blob(u.webAuthnUserHandle)});
}

bool EmulatorDatabase::updateUser(const StoredUser &u)
{
    return exec(QStringLiteral("UPDATE users SET user_name = ?, created_at = ?, webauthn_user_handle = ? WHERE id = ?"),
                {text(u.userName), u.createdAt.toMSecsSinceEpoch(), blob(u.webAuthnUserHandle), u.id});
}

bool EmulatorDatabase::deleteUser(const QString &id)
{
    // Passkeys go by the foreign key's cascade, in the same statement.
    return exec(QStringLiteral("DELETE FROM users WHERE id = ?"), {id});
}

namespace {

QVariantList passkeyValues(const StoredPasskey &p)
{
    QVariant transports{QMetaType(QMetaType::QString)}; // a null string: SQL NULL
    if (p.transports)
        transports = QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(*p.transports)).toJson(QJsonDocument::Compact));
    return {notNull(p.userId),
            text(p.webAuthnId),
            text(p.label),
            text(p.authenticatorType),
            text(p.aaguid),
            text(p.deviceType),
            p.backedUp ? QVariant(int(*p.backedUp)) : QVariant(QMetaType(QMetaType::Int)),
            transports,
            p.counter ? QVariant(*p.counter) : QVariant(QMetaType(QMetaType::LongLong)),
            p.createdAt.toMSecsSinceEpoch(),
            millis(p.updatedAt),
            millis(p.lastUsedAt),
            blob(p.publicKey),
            p.signCount,
            p.id};
}

} // namespace

bool EmulatorDatabase::insertPasskey(const StoredPasskey &p)
{
    return exec(QStringLiteral("INSERT INTO passkeys (user_id, webauthn_id, label, authenticator_type, aaguid, device_type, backed_up,"
                               " transports, counter, created_at, updated_at, last_used_at, public_key, sign_count, id)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                passkeyValues(p));
}

bool EmulatorDatabase::updatePasskey(const StoredPasskey &p)
{
    return exec(QStringLiteral("UPDATE passkeys SET user_id = ?, webauthn_id = ?, label = ?, authenticator_type = ?, aaguid = ?,"
                               " device_type = ?, backed_up = ?, transports = ?, counter = ?, created_at = ?, updated_at = ?,"
                               " last_used_at = ?, public_key = ?, sign_count = ? WHERE id = ?"),
                passkeyValues(p));
}

bool EmulatorDatabase::deletePasskey(const QString &id)
{
    return exec(QStringLiteral("DELETE FROM passkeys WHERE id = ?"), {id});
}

bool EmulatorDatabase::insertAuthToken(const QByteArray &keyHash, const StoredAuthToken &t)
{
    return exec(QStringLiteral("INSERT OR REPLACE INTO auth_tokens (key_hash, user_id, credential_id, issued_at, expires_at, used)"
                               " VALUES (?, ?, ?, ?, ?, ?)"),
                {keyHash, notNull(t.userId), notNull(t.credentialId), t.issuedAt.toMSecsSinceEpoch(), t.expiresAt.toMSecsSinceEpoch(), int(t.used)});
}

bool EmulatorDatabase::markAuthTokenUsed(const QByteArray &keyHash)
{
    return exec(QStringLiteral("UPDATE auth_tokens SET used = 1 WHERE key_hash = ?"), {keyHash});
}

bool EmulatorDatabase::purgeAuthTokens(const QDateTime &before)
{
    return exec(QStringLiteral("DELETE FROM auth_tokens WHERE expires_at <= ?"), {before.toMSecsSinceEpoch()});
}

bool EmulatorDatabase::clear()
{
    return exec(QStringLiteral("DELETE FROM auth_tokens")) && exec(QStringLiteral("DELETE FROM passkeys")) && exec(QStringLiteral("DELETE FROM users"));
}

} // namespace plainkey::emulator
