#include "emulator/emulatorstore.h"

#include "emulator/emulatordatabase.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <algorithm>

Q_LOGGING_CATEGORY(lcEmulatorData, "plainkey.emulator.data", QtInfoMsg)

namespace plainkey::emulator {

namespace {

QJsonValue optionalJson(const std::optional<QString> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalJson(const std::optional<QDateTime> &v)
{
    return v ? QJsonValue(v->toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

} // namespace

QString EmulatorStore::newId(const char *prefix)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QString id = QString::fromLatin1(prefix) + QLatin1Char('_');
    for (int i = 0; i < 20; ++i)
        id += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(36)]);
    return id;
}

const StoredUser *EmulatorStore::user(const QString &id) const
{
    const auto it = m_users.constFind(id);
    return it == m_users.cend() ? nullptr : &*it;
}

const StoredUser *EmulatorStore::userByName(const QString &name) const
{
    const auto it = m_userIdByName.constFind(name);
    return it == m_userIdByName.cend() ? nullptr : user(*it);
}

EmulatorStore::EmulatorStore() = default;

EmulatorStore::~EmulatorStore() = default;

QByteArray EmulatorStore::keyHash(const QByteArray &key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

template<typename Write>
bool EmulatorStore::persist(Write &&write, QString *error)
{
    if (!m_db)
        return true;
    auto report = [&](const QString &why) {
        qCWarning(lcEmulatorData).noquote() << "Could not save a change to" << m_db->path() << ":" << why;
        if (error)
            *error = QStringLiteral("The change could not be saved to %1: %2").arg(m_db->path(), why);
        return false;
    };
    if (m_changeDepth > 0) {
        if (!m_changeError.isEmpty())
            return report(m_changeError);
        if (!m_inTransaction) {
            if (!m_db->begin()) {
                m_changeError = m_db->lastError();
                return report(m_changeError);
            }
            m_inTransaction = true;
        }
        if (!write(*m_db)) {
            m_changeError = m_db->lastError();
            return report(m_changeError);
        }
        return true;
    }
    if (!m_db->begin())
        return report(m_db->lastError());
    if (!write(*m_db) || !m_db->commit()) {
        const QString why = m_db->lastError();
        m_db->rollback();
        return report(why);
    }
    return true;
}

bool EmulatorStore::attachDatabase(std::unique_ptr<EmulatorDatabase> database, QString *error)
{
    EmulatorDatabase::Snapshot snapshot;
    if (!database->load(&snapshot, error))
        return false;
    m_db = std::move(database);
    replaceContent(snapshot.users, snapshot.passkeys, snapshot.authTokens);
    const QDateTime longAgo = m_clock.now().addSecs(-3600);
    if (persist([&](EmulatorDatabase &db) { return db.purgeAuthTokens(longAgo); }))
        m_authTokens.removeIf([&](const auto &it) { return it.value().expiresAt <= longAgo; });
    return true;
}

void EmulatorStore::replaceContent(const QList<StoredUser> &users, const QList<StoredPasskey> &passkeys,
                                   const QList<QPair<QByteArray, StoredAuthToken>> &authTokens)
{
    m_users.clear();
    m_userIdByName.clear();
    m_passkeys.clear();
    m_passkeyIdsByUser.clear();
    m_authTokens.clear();
    for (const StoredUser &u : users) {
        m_users.insert(u.id, u);
        if (u.userName)
            m_userIdByName.insert(*u.userName, u.id);
    }
    for (const StoredPasskey &p : passkeys) {
        m_passkeys.insert(p.id, p);
        m_passkeyIdsByUser[p.userId].append(p.id);
    }
    for (const auto &t : authTokens)
        m_authTokens.insert(t.first, t.second);
}

EmulatorStore::Change::Change(EmulatorStore &store) : m_store(&store)
{
    m_store->beginChange();
}

EmulatorStore::Change::~Change()
{
    if (!m_done)
        m_store->endChange(nullptr);
}

bool EmulatorStore::Change::commit(QString *error)
{
    if (m_done)
        return true;
    m_done = true;
    return m_store->endChange(error);
}

void EmulatorStore::beginChange()
{
    ++m_changeDepth;
}

bool EmulatorStore::endChange(QString *error)
{
    if (--m_changeDepth > 0 || !m_db)
        return true;
    QString why = m_changeError;
    m_changeError.clear();
    if (m_inTransaction) {
        m_inTransaction = false;
        if (why.isEmpty() && !m_db->commit())
            why = m_db->lastError();
        if (!why.isEmpty()) {
            m_db->rollback();
            // Memory ran ahead of the file; the file is the truth, so read it back.
            EmulatorDatabase::Snapshot snapshot;
            QString readError;
            if (m_db->load(&snapshot, &readError))
                replaceContent(snapshot.users, snapshot.passkeys, snapshot.authTokens);
            else
                qCCritical(lcEmulatorData).noquote() << readError;
        }
    }
    if (why.isEmpty())
        return true;
    qCWarning(lcEmulatorData).noquote() << "A change was not saved to" << m_db->path() << "and is undone:" << why;
    if (error)
        *error = QStringLiteral("The change could not be saved to %1, so it was undone: %2").arg(m_db->path(), why);
    return false;
}

QList<StoredUser> EmulatorStore::users() const
{
    QList<StoredUser> out = m_users.values();
    std::sort(out.begin(), out.end(), [](const StoredUser &a, const StoredUser &b) {
        return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
    });
    return out;
}

std::optional<StoredUser> EmulatorStore::createUser(const std::optional<QString> &userName, QString *error, const QByteArray &webAuthnUserHandle)
{
    StoredUser u{newId("usr"), userName, m_clock.now(), webAuthnUserHandle};
    if (!insertUser(u, error))
        return std::nullopt;
    return u;
}

bool EmulatorStore::insertUser(const StoredUser &u, QString *error)
{
    if (u.userName && m_userIdByName.contains(*u.userName)) {
        *error = QStringLiteral("A user named \"%1\" already exists").arg(*u.userName);
        return false;
    }
    if (u.id.isEmpty() || m_users.contains(u.id)) {
        *error = QStringLiteral("A user with ID \"%1\" already exists").arg(u.id);
        return false;
    }
    if (!persist([&](EmulatorDatabase &db) { return db.insertUser(u); }, error))
        return false;
    m_users.insert(u.id, u);
    if (u.userName)
        m_userIdByName.insert(*u.userName, u.id);
    return true;
}

bool EmulatorStore::renameUser(const QString &id, const std::optional<QString> &userName, QString *error)
{
    auto it = m_users.find(id);
    if (it == m_users.end()) {
        *error = QStringLiteral("User not found");
        return false;
    }
    if (userName && m_userIdByName.value(*userName, id) != id) {
        *error = QStringLiteral("A user named \"%1\" already exists").arg(*userName);
        return false;
    }
    StoredUser renamed = *it;
    renamed.userName = userName;
    if (!persist([&](EmulatorDatabase &db) { return db.updateUser(renamed); }, error))
        return false;
    if (it->userName)
        m_userIdByName.remove(*it->userName);
    *it = renamed;
    if (userName)
        m_userIdByName.insert(*userName, id);
    return true;
}

void EmulatorStore::deleteUser(const QString &id)
{
    const auto it = m_users.find(id);
    if (it == m_users.end())
        return;
    if (!persist([&](EmulatorDatabase &db) { return db.deleteUser(id); }))
        return;
    if (it->userName)
        m_userIdByName.remove(*it->userName);
    for (const QString &pid : m_passkeyIdsByUser.take(id))
        m_passkeys.remove(pid);
    // Their authentication tokens stay recorded, so verify can say why they fail: the user is gone.
    m_users.erase(it);
}

QList<StoredPasskey> EmulatorStore::passkeysOf(const QString &userId) const
{
    QList<StoredPasskey> out;
    for (const QString &pid : m_passkeyIdsByUser.value(userId))
        out.append(m_passkeys.value(pid));
    return out;
}

const StoredPasskey *EmulatorStore::passkey(const QString &id) const
{
    const auto it = m_passkeys.constFind(id);
    return it == m_passkeys.cend() ? nullptr : &*it;
}

const StoredPasskey *EmulatorStore::passkeyByWebAuthnId(const QString &webAuthnId) const
{
    // A scan: an emulated project holds a few thousand passkeys at most, and a sign-in or
    // registration looks one up once.
    for (const StoredPasskey &p : m_passkeys) {
        if (p.webAuthnId == webAuthnId)
            return &p;
    }
    return nullptr;
}

StoredPasskey EmulatorStore::addPasskey(StoredPasskey p)
{
    if (p.id.isEmpty())
        p.id = newId("cred");
    if (!p.createdAt.isValid())
        p.createdAt = m_clock.now();
    if (!persist([&](EmulatorDatabase &db) { return db.insertPasskey(p); }))
        return p;
    m_passkeys.insert(p.id, p);
    m_passkeyIdsByUser[p.userId].append(p.id);
    return p;
}

bool EmulatorStore::updatePasskey(const StoredPasskey &p)
{
    const auto it = m_passkeys.find(p.id);
    if (it == m_passkeys.end() || it->userId != p.userId)
        return false;
    if (!persist([&](EmulatorDatabase &db) { return db.updatePasskey(p); }))
        return false;
    *it = p;
    return true;
}

void EmulatorStore::deletePasskey(const QString &id)
{
    const auto it = m_passkeys.find(id);
    if (it == m_passkeys.end())
        return;
    if (!persist([&](EmulatorDatabase &db) { return db.deletePasskey(id); }))
        return;
    m_passkeyIdsByUser[it->userId].removeAll(id);
    m_passkeys.erase(it);
}

void EmulatorStore::addAccessToken(const QByteArray &token, const QDateTime &expiresAt)
{
    m_accessTokens.insert(token, expiresAt);
    purgeNowAndThen();
}

void EmulatorStore::addAuthToken(const QByteArray &key, StoredAuthToken record)
{
    const QByteArray hash = keyHash(key);
    if (!persist([&](EmulatorDatabase &db) { return db.insertAuthToken(hash, record); }))
        return;
    m_authTokens.insert(hash, std::move(record));
    purgeNowAndThen();
}

bool EmulatorStore::markAuthTokenUsed(const QByteArray &key)
{
    const auto it = m_authTokens.find(keyHash(key));
    if (it == m_authTokens.end())
        return false;
    if (it->used) // a token verified again writes nothing
        return true;
    if (!persist([&](EmulatorDatabase &db) { return db.markAuthTokenUsed(it.key()); }))
        return false;
    it->used = true;
    return true;
}

void EmulatorStore::purgeNowAndThen()
{
    // Every few thousand tokens, so a long benchmark does not grow the store without bound
    // and a purge costs little per token.
    if (++m_insertsSincePurge < 4096)
        return;
    m_insertsSincePurge = 0;
    const QDateTime now = m_clock.now();
    m_accessTokens.removeIf([&](const auto &it) { return it.value() <= now; });
    const QDateTime longAgo = now.addSecs(-3600);
    if (persist([&](EmulatorDatabase &db) { return db.purgeAuthTokens(longAgo); }))
        m_authTokens.removeIf([&](const auto &it) { return it.value().expiresAt <= longAgo; });
}

const StoredAuthToken *EmulatorStore::authToken(const QByteArray &key) const
{
    const auto it = m_authTokens.constFind(keyHash(key));
    return it == m_authTokens.cend() ? nullptr : &*it;
}

void EmulatorStore::clear()
{
    m_accessTokens.clear();
    if (!persist([&](EmulatorDatabase &db) { return db.clear(); }))
        return;
    m_users.clear();
    m_userIdByName.clear();
    m_passkeys.clear();
    m_passkeyIdsByUser.clear();
    m_authTokens.clear();
}

void EmulatorStore::setCaps(int maxUsers, int maxPasskeys)
{
    m_maxUsers = maxUsers;
    m_maxPasskeys = maxPasskeys;
}

QString EmulatorStore::roomFor(qsizetype users, qsizetype passkeys) const
{
    if (users > 0 && m_users.size() + users > m_maxUsers)
        return QStringLiteral("The emulator holds at most %1 users and has %2; delete some (DELETE /user) or reset it "
                              "(POST /emulator/reset), or start it with a larger --max-users")
                .arg(m_maxUsers)
                .arg(m_users.size());
    if (passkeys > 0 && m_passkeys.size() + passkeys > m_maxPasskeys)
        return QStringLiteral("The emulator holds at most %1 passkeys and has %2; delete some (DELETE /credential/{id}) or reset it "
                              "(POST /emulator/reset), or start it with a larger --max-passkeys")
                .arg(m_maxPasskeys)
                .arg(m_passkeys.size());
    return {};
}

QJsonObject EmulatorStore::toJson(const StoredUser &user)
{
    QJsonObject o{{QStringLiteral("id"), user.id}};
    if (user.userName)
        o.insert(QStringLiteral("userName"), *user.userName);
    return o;
}

QJsonObject EmulatorStore::toJson(const StoredPasskey &p)
{
    QJsonValue transports(QJsonValue::Null);
    if (p.transports)
        transports = QJsonArray::fromStringList(*p.transports);
    return QJsonObject{
            {QStringLiteral("id"), p.id},
            {QStringLiteral("userId"), p.userId},
            {QStringLiteral("webAuthnId"), optionalJson(p.webAuthnId)},
            {QStringLiteral("label"), optionalJson(p.label)},
            {QStringLiteral("authenticatorType"), optionalJson(p.authenticatorType)},
            {QStringLiteral("aaguid"), optionalJson(p.aaguid)},
            {QStringLiteral("credentialDeviceType"), optionalJson(p.deviceType)},
            {QStringLiteral("credentialBackedUp"), p.backedUp ? QJsonValue(*p.backedUp) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("transports"), transports},
            {QStringLiteral("counter"), p.counter ? QJsonValue(double(*p.counter)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("createdAt"), p.createdAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("updatedAt"), optionalJson(p.updatedAt)},
            {QStringLiteral("lastUsedAt"), optionalJson(p.lastUsedAt)},
    };
}

} // namespace plainkey::emulator
