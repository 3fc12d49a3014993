#include "emulator/projectdocument.h"

#include <QCborValue>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QUuid>

#include <cmath>

namespace plainkey::emulator {

namespace {

const QString kFormat = QStringLiteral("plainkey-emulator-project");

QByteArray base64Url(const QByteArray &raw)
{
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QJsonValue orNull(const QByteArray &bytes)
{
    return bytes.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(QString::fromLatin1(base64Url(bytes)));
}

QString iso(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

//! Reads one entry's fields, remembering the first problem with its path.
class Reader
{
public:
    Reader(const QJsonObject &o, QString path) : m_o(o), m_path(std::move(path)) {}

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    QString path() const { return m_path; }

    void fail(const QString &key, const QString &what)
    {
        if (m_error.isEmpty())
            m_error = (key.isEmpty() ? m_path : m_path + QLatin1Char('.') + key) + QStringLiteral(": ") + what;
    }

    //! Refuses keys not in \a known, so a misspelt one is not silently dropped.
    void onlyKeys(const QStringList &known)
    {
        for (auto it = m_o.begin(); it != m_o.end(); ++it) {
            if (!known.contains(it.key()))
                fail(QString(), QStringLiteral("unknown key \"%1\" (known: %2)").arg(it.key().left(64), known.join(QStringLiteral(", "))));
        }
    }

    bool absentOrNull(const QString &key) const
    {
        const QJsonValue v = m_o.value(key);
        return v.isUndefined() || v.isNull();
    }

    std::optional<QString> text(const QString &key, int maxLength, bool allowEmpty = false)
    {
        if (absentOrNull(key))
            return std::nullopt;
        const QJsonValue v = m_o.value(key);
        if (!v.isString()) {
            fail(key, QStringLiteral("must be a string or null"));
            return std::nullopt;
        }
        const QString s = v.toString();
        if ((!allowEmpty && s.trimmed().isEmpty()) || s.size() > maxLength) {
            fail(key, QStringLiteral("must be %1 to %2 characters").arg(allowEmpty ? 0 : 1).arg(maxLength));
            return std::nullopt;
        }
        return s;
    }

    std::optional<QDateTime> time(const QString &key)
    {
        if (absentOrNull(key))
            return std::nullopt;
        const QJsonValue v = m_o.value(key);
        // A time without a zone would be read in the local zone of whoever loads it.
        static const QRegularExpression form(QStringLiteral(
                "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$"));
        const QDateTime t = v.isString() ? QDateTime::fromString(v.toString(), Qt::ISODateWithMs) : QDateTime();
        if (!v.isString() || !form.match(v.toString()).hasMatch() || !t.isValid()) {
            fail(key, QStringLiteral("must be an ISO 8601 time with its zone, such as 2026-11-30T16:40:06.123Z (got %1)")
                              .arg(QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1).left(64)));
            return std::nullopt;
        }
        return t.toUTC();
    }

    std::optional<qint64> integer(const QString &key, qint64 max)
    {
        if (absentOrNull(key))
            return std::nullopt;
        const QJsonValue v = m_o.value(key);
        const double d = v.toDouble(-1);
        if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || d < 0 || d > double(max)) {
            fail(key, QStringLiteral("must be a whole number from 0 to %1, or null").arg(max));
            return std::nullopt;
        }
        return qint64(d);
    }

    QByteArray bytes(const QString &key, int maxBytes)
    {
        if (absentOrNull(key))
            return {};
        const QJsonValue v = m_o.value(key);
        const auto decoded = QByteArray::fromBase64Encoding(v.toString().toLatin1(),
                                                            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        if (!v.isString() || !decoded || decoded.decoded.isEmpty() || decoded.decoded.size() > maxBytes) {
            fail(key, QStringLiteral("must be base64url (RFC 4648 \u00a75) of 1 to %1 bytes, or null").arg(maxBytes));
            return {};
        }
        return decoded.decoded;
    }

    QJsonValue value(const QString &key) const { return m_o.value(key); }

private:
    QJsonObject m_o;
    QString m_path;
    QString m_error;
};

} // namespace

ProjectDocument ProjectDocument::fromStore(const EmulatorStore &store, const QString &projectId)
{
    ProjectDocument d;
    d.m_projectId = projectId;
    d.m_users = store.users();
    for (const StoredUser &u : d.m_users)
        d.m_passkeys.append(store.passkeysOf(u.id));
    return d;
}

QJsonObject ProjectDocument::toJson() const
{
    QHash<QString, QJsonArray> passkeysByUser;
    for (const StoredPasskey &p : m_passkeys) {
        QJsonObject o = EmulatorStore::toJson(p);
        o.remove(QStringLiteral("userId")); // nested under its user
        o.insert(QStringLiteral("publicKey"), orNull(p.publicKey));
        o.insert(QStringLiteral("signCount"), double(p.signCount));
        passkeysByUser[p.userId].append(o);
    }
    QJsonArray users;
    for (const StoredUser &u : m_users) {
        users.append(QJsonObject{{QStringLiteral("id"), u.id},
                                 {QStringLiteral("userName"), u.userName ? QJsonValue(*u.userName) : QJsonValue(QJsonValue::Null)},
                                 {QStringLiteral("createdAt"), iso(u.createdAt)},
                                 {QStringLiteral("webAuthnUserHandle"), orNull(u.webAuthnUserHandle)},
                                 {QStringLiteral("passkeys"), passkeysByUser.value(u.id)}});
    }
    return QJsonObject{{QStringLiteral("format"), kFormat},
                       {QStringLiteral("version"), kVersion},
                       {QStringLiteral("projectId"), m_projectId},
                       {QStringLiteral("exportedAt"), iso(QDateTime::currentDateTimeUtc())},
                       {QStringLiteral("users"), users}};
}

std::optional<ProjectDocument> ProjectDocument::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("it is not valid JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("it must be a JSON object with \"format\": \"%1\"").arg(kFormat);
        return std::nullopt;
    }
    Reader top(doc.object(), QStringLiteral("(document)"));
    if (top.value(QStringLiteral("format")).toString() != kFormat) {
        *error = QStringLiteral("\"format\" must be \"%1\"").arg(kFormat);
        return std::nullopt;
    }
    const QJsonValue version = top.value(QStringLiteral("version"));
    if (!version.isDouble() || version.toDouble() != kVersion) {
        *error = version.isDouble() && version.toDouble() > kVersion
                         ? QStringLiteral("it is version %1 of the format, written by a newer plainkey-emulator (this one reads version %2)")
                                   .arg(version.toDouble())
                                   .arg(kVersion)
                         : QStringLiteral("\"version\" must be %1").arg(kVersion);
        return std::nullopt;
    }
    top.onlyKeys({QStringLiteral("format"), QStringLiteral("version"), QStringLiteral("projectId"), QStringLiteral("exportedAt"), QStringLiteral("users")});
    const std::optional<QString> projectId = top.text(QStringLiteral("projectId"), 256);
    top.time(QStringLiteral("exportedAt"));
    const QJsonValue users = top.value(QStringLiteral("users"));
    if (!top.ok()) {
        *error = top.error();
        return std::nullopt;
    }
    if (!users.isArray()) {
        *error = QStringLiteral("\"users\" must be an array");
        return std::nullopt;
    }

    ProjectDocument d;
    d.m_projectId = projectId.value_or(QString());
    QSet<QString> userIds;
    QSet<QString> userNames;
    QSet<QString> passkeyIds;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QJsonArray list = users.toArray();
    for (int i = 0; i < list.size(); ++i) {
        const QString at = QStringLiteral("users[%1]").arg(i);
        if (!list[i].isObject()) {
            *error = at + QStringLiteral(": must be an object");
            return std::nullopt;
        }
        Reader r(list[i].toObject(), at);
        r.onlyKeys({QStringLiteral("id"), QStringLiteral("userName"), QStringLiteral("createdAt"), QStringLiteral("webAuthnUserHandle"),
                    QStringLiteral("passkeys")});
        StoredUser u;
        u.id = r.text(QStringLiteral("id"), 128).value_or(EmulatorStore::newId("usr"));
        u.userName = r.text(QStringLiteral("userName"), 256);
        if (u.userName)
            u.userName = u.userName->trimmed(); // as POST /user keeps it
        u.createdAt = r.time(QStringLiteral("createdAt")).value_or(now);
        u.webAuthnUserHandle = r.bytes(QStringLiteral("webAuthnUserHandle"), 64); // WebAuthn: at most 64 bytes
        if (r.ok() && userIds.contains(u.id))
            r.fail(QStringLiteral("id"), QStringLiteral("\"%1\" is given to another user before").arg(u.id));
        if (r.ok() && u.userName && userNames.contains(*u.userName))
            r.fail(QStringLiteral("userName"), QStringLiteral("\"%1\" is given to another user before").arg(*u.userName));
        const QJsonValue passkeys = r.value(QStringLiteral("passkeys"));
        if (r.ok() && !passkeys.isUndefined() && !passkeys.isNull() && !passkeys.isArray())
            r.fail(QStringLiteral("passkeys"), QStringLiteral("must be an array"));
        if (!r.ok()) {
            *error = r.error();
            return std::nullopt;
        }
        userIds.insert(u.id);
        if (u.userName)
            userNames.insert(*u.userName);
        d.m_users.append(u);

        const QJsonArray keys = passkeys.toArray();
        for (int k = 0; k < keys.size(); ++k) {
            const QString pat = QStringLiteral("%1.passkeys[%2]").arg(at).arg(k);
            if (!keys[k].isObject()) {
                *error = pat + QStringLiteral(": must be an object");
                return std::nullopt;
            }
            Reader pr(keys[k].toObject(), pat);
            pr.onlyKeys({QStringLiteral("id"), QStringLiteral("webAuthnId"), QStringLiteral("label"), QStringLiteral("authenticatorType"),
                         QStringLiteral("aaguid"), QStringLiteral("credentialDeviceType"), QStringLiteral("credentialBackedUp"),
                         QStringLiteral("transports"), QStringLiteral("counter"), QStringLiteral("createdAt"), QStringLiteral("updatedAt"),
                         QStringLiteral("lastUsedAt"), QStringLiteral("publicKey"), QStringLiteral("signCount")});
            StoredPasskey p;
            p.userId = u.id;
            p.id = pr.text(QStringLiteral("id"), 128).value_or(EmulatorStore::newId("cred"));
            p.webAuthnId = pr.text(QStringLiteral("webAuthnId"), 1366); // 1023 bytes as base64url
            p.label = pr.text(QStringLiteral("label"), 256);
            if (p.label)
                p.label = p.label->trimmed();
            p.authenticatorType = pr.text(QStringLiteral("authenticatorType"), 64);
            p.aaguid = pr.text(QStringLiteral("aaguid"), 36);
            if (pr.ok() && p.aaguid && QUuid::fromString(*p.aaguid).isNull() && *p.aaguid != QLatin1String("00000000-0000-0000-0000-000000000000"))
                pr.fail(QStringLiteral("aaguid"), QStringLiteral("must be a UUID such as fbfc3007-154e-4ecc-8c0b-6e020557d7bd, or null"));
            p.deviceType = pr.text(QStringLiteral("credentialDeviceType"), 32);
            if (pr.ok() && p.deviceType && *p.deviceType != QLatin1String("singleDevice") && *p.deviceType != QLatin1String("multiDevice"))
                pr.fail(QStringLiteral("credentialDeviceType"), QStringLiteral("must be \"singleDevice\", \"multiDevice\" or null"));
            const QJsonValue backedUp = pr.value(QStringLiteral("credentialBackedUp"));
            if (backedUp.isBool())
                p.backedUp = backedUp.toBool();
            else if (!backedUp.isUndefined() && !backedUp.isNull())
                pr.fail(QStringLiteral("credentialBackedUp"), QStringLiteral("must be true, false or null"));
            const QJsonValue transports = pr.value(QStringLiteral("transports"));
            if (transports.isArray()) {
                QStringList t;
                for (const QJsonValue &v : transports.toArray()) {
                    if (!v.isString() || v.toString().isEmpty() || v.toString().size() > 32)
                        pr.fail(QStringLiteral("transports"), QStringLiteral("must be an array of names such as \"usb\" or \"internal\", or null"));
                    t.append(v.toString());
                }
                p.transports = t;
            } else if (!transports.isUndefined() && !transports.isNull()) {
                pr.fail(QStringLiteral("transports"), QStringLiteral("must be an array of names such as \"usb\" or \"internal\", or null"));
            }
            p.counter = pr.integer(QStringLiteral("counter"), qint64(1) << 53);
            p.createdAt = pr.time(QStringLiteral("createdAt")).value_or(now);
            p.updatedAt = pr.time(QStringLiteral("updatedAt"));
            p.lastUsedAt = pr.time(QStringLiteral("lastUsedAt"));
            p.publicKey = pr.bytes(QStringLiteral("publicKey"), 16384);
            // The verifier reads this as a COSE_Key: a CBOR map, nothing after it.
            if (pr.ok() && !p.publicKey.isEmpty()) {
                QCborParserError ce{};
                const QCborValue key = QCborValue::fromCbor(p.publicKey, &ce);
                if (ce.error != QCborError::NoError || !key.isMap())
                    pr.fail(QStringLiteral("publicKey"), QStringLiteral("must be a COSE_Key (a CBOR map), base64url"));
            }
            p.signCount = pr.integer(QStringLiteral("signCount"), 0xffffffffLL).value_or(0);
            if (pr.ok() && passkeyIds.contains(p.id))
                pr.fail(QStringLiteral("id"), QStringLiteral("\"%1\" is given to another passkey before").arg(p.id));
            if (!pr.ok()) {
                *error = pr.error();
                return std::nullopt;
            }
            passkeyIds.insert(p.id);
            d.m_passkeys.append(p);
        }
    }
    return d;
}

bool ProjectDocument::addTo(EmulatorStore &store, QString *error, int *skipped) const
{
    // Every conflict is found before anything is added, so a refused document changes nothing.
    QSet<QString> skip;
    for (int i = 0; i < m_users.size(); ++i) {
        const StoredUser &u = m_users.at(i);
        if (store.user(u.id)) {
            skip.insert(u.id);
            continue;
        }
        if (u.userName && store.userByName(*u.userName)) {
            *error = QStringLiteral("users[%1]: a user named \"%2\" already exists in the project (with another ID)").arg(i).arg(*u.userName);
            return false;
        }
    }
    for (const StoredPasskey &p : m_passkeys) {
        if (!skip.contains(p.userId) && store.passkey(p.id)) {
            *error = QStringLiteral("the passkey \"%1\" of user \"%2\" already exists in the project under another user").arg(p.id, p.userId);
            return false;
        }
    }
    EmulatorStore::Change change(store);
    for (const StoredUser &u : m_users) {
        if (skip.contains(u.id))
            continue;
        if (!store.insertUser(u, error))
            return false; // only a failed write gets here, and it makes the Change roll back
    }
    for (const StoredPasskey &p : m_passkeys) {
        if (!skip.contains(p.userId))
            store.addPasskey(p);
    }
    if (skipped)
        *skipped = int(skip.size());
    return change.commit(error);
}

} // namespace plainkey::emulator
