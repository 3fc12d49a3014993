#include "emulator/emulatorstore.h"

#include <QJsonArray>
#include <QRandomGenerator>

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

std::optional<StoredUser> EmulatorStore::createUser(const std::optional<QString> &userName, QString *error)
{
    if (userName && m_userIdByName.contains(*userName)) {
        *error = QStringLiteral("A user named \"%1\" already exists").arg(*userName);
        return std::nullopt;
    }
    StoredUser u{newId("usr"), userName, QDateTime::currentDateTimeUtc(), {}};
    m_users.insert(u.id, u);
    if (userName)
        m_userIdByName.insert(*userName, u.id);
    return u;
}

bool EmulatorStore::insertUser(const StoredUser &user, QString *error)
{
    if (user.id.isEmpty() || m_users.contains(user.id)) {
        *error = QStringLiteral("A user with the ID \"%1\" already exists").arg(user.id);
        return false;
    }
    if (user.userName && m_userIdByName.contains(*user.userName)) {
        *error = QStringLiteral("A user named \"%1\" already exists").arg(*user.userName);
        return false;
    }
    m_users.insert(user.id, user);
    if (user.userName)
        m_userIdByName.insert(*user.userName, user.id);
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
    if (it->userName)
        m_userIdByName.remove(*it->userName);
    it->userName = userName;
    if (userName)
        m_userIdByName.insert(*userName, id);
    return true;
}

void EmulatorStore::deleteUser(const QString &id)
{
    const auto it = m_users.find(id);
    if (it == m_users.end())
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

StoredPasskey *EmulatorStore::passkey(const QString &id)
{
    const auto it = m_passkeys.find(id);
    return it == m_passkeys.end() ? nullptr : &*it;
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

bool EmulatorStore::updatePasskey(const StoredPasskey &passkey)
{
    const auto it = m_passkeys.find(passkey.id);
    if (it == m_passkeys.end() || it->userId != passkey.userId)
        return false;
    *it = passkey;
    return true;
}

StoredPasskey EmulatorStore::addPasskey(StoredPasskey p)
{
    if (p.id.isEmpty())
        p.id = newId("cred");
    if (!p.createdAt.isValid())
        p.createdAt = QDateTime::currentDateTimeUtc();
    m_passkeys.insert(p.id, p);
    m_passkeyIdsByUser[p.userId].append(p.id);
    return p;
}

void EmulatorStore::deletePasskey(const QString &id)
{
    const auto it = m_passkeys.find(id);
    if (it == m_passkeys.end())
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
    m_authTokens.insert(key, std::move(record));
    purgeNowAndThen();
}

void EmulatorStore::purgeNowAndThen()
{
    // Every few thousand tokens, so a long benchmark does not grow the store without bound
    // and a purge costs little per token.
    if (++m_insertsSincePurge < 4096)
        return;
    m_insertsSincePurge = 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_accessTokens.removeIf([&](const auto &it) { return it.value() <= now; });
    const QDateTime longAgo = now.addSecs(-3600);
    m_authTokens.removeIf([&](const auto &it) { return it.value().expiresAt <= longAgo; });
}

StoredAuthToken *EmulatorStore::authToken(const QByteArray &key)
{
    const auto it = m_authTokens.find(key);
    return it == m_authTokens.end() ? nullptr : &*it;
}

void EmulatorStore::clear()
{
    m_users.clear();
    m_userIdByName.clear();
    m_passkeys.clear();
    m_passkeyIdsByUser.clear();
    m_accessTokens.clear();
    m_authTokens.clear();
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
