#include "core/users/passkey.h"

#include "core/api/jsonreader.h"
#include "core/users/aaguidcatalog.h"

#include <QJsonArray>

#include <cmath>

namespace plainkey {

namespace {

QJsonValue orNull(const std::optional<QString> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

//! Reads a time that PlainKey may write as ISO text or an epoch number; a value that cannot be
//! read as a time is kept as text rather than failing the whole answer.
void readTime(JsonReader &reader, const QString &key, bool required, PasskeyTime &out, QStringList &wrong)
{
    const QJsonValue v = reader.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            reader.requiredString(key); // records the missing key
        return;
    }
    if (v.isString()) {
        out.raw = v.toString();
    } else if (v.isDouble()) {
        out.raw = QString::number(v.toDouble(), 'f', 0);
    } else {
        wrong.append(key);
        return;
    }
    out.when = Timestamp::parse(v);
}

} // namespace

QString PasskeyTime::isoText() const
{
    if (when && when->utc.isValid())
        return when->utc.toString(Qt::ISODateWithMs);
    return raw;
}

QString PasskeyTime::relativeText(const QDateTime &now) const
{
    if (!isSet())
        return QStringLiteral("never");
    if (!when || !when->utc.isValid())
        return {};
    const qint64 seconds = when->utc.secsTo(now);
    if (seconds < 86400)
        return describeRelative(when->utc, now);
    const qint64 days = seconds / 86400;
    if (days < 60)
        return days == 1 ? QStringLiteral("yesterday") : QStringLiteral("%1 days ago").arg(days);
    if (days < 730)
        return QStringLiteral("%1 months ago").arg(days / 30);
    return QStringLiteral("%1 years ago").arg(days / 365);
}

QString PasskeyTime::absoluteText() const
{
    if (!isSet())
        return QStringLiteral("never");
    if (when && when->utc.isValid())
        return when->utc.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    return raw;
}

QString Passkey::backedUpText() const
{
    if (!credentialBackedUp)
        return QStringLiteral("unknown");
    return *credentialBackedUp ? QStringLiteral("yes") : QStringLiteral("no");
}

QString Passkey::transportsText() const
{
    if (!transports)
        return QStringLiteral("unknown");
    if (transports->isEmpty())
        return QStringLiteral("none");
    return transports->join(QLatin1String(", "));
}

QString Passkey::labelText() const
{
    return label && !label->isEmpty() ? *label : QStringLiteral("(no label)");
}

QString Passkey::displayName() const
{
    if (label && !label->isEmpty())
        return *label;
    if (const auto name = authenticatorName())
        return *name;
    return id;
}

std::optional<QString> Passkey::authenticatorName() const
{
    if (!aaguid)
        return std::nullopt;
    return AaguidCatalog::instance().name(*aaguid);
}

QString Passkey::deviceTypeText() const
{
    if (!credentialDeviceType)
        return {};
    if (*credentialDeviceType == QLatin1String("multiDevice"))
        return QStringLiteral("synced (multi-device)");
    if (*credentialDeviceType == QLatin1String("singleDevice"))
        return QStringLiteral("one device (single-device)");
    return *credentialDeviceType;
}

Result<Passkey> Passkey::fromJson(const QJsonObject &object, const QString &what)
{
    JsonReader reader(object, what);
    Passkey p;
    p.id = reader.requiredString(QStringLiteral("id"));
    p.userId = reader.requiredString(QStringLiteral("userId"));
    p.webAuthnId = reader.optionalString(QStringLiteral("webAuthnId"));
    p.label = reader.optionalString(QStringLiteral("label"));
    p.authenticatorType = reader.optionalString(QStringLiteral("authenticatorType"));
    p.aaguid = reader.optionalString(QStringLiteral("aaguid"));
    p.credentialDeviceType = reader.optionalString(QStringLiteral("credentialDeviceType"));
    p.credentialBackedUp = reader.optionalBool(QStringLiteral("credentialBackedUp"));
    p.transports = reader.optionalStringList(QStringLiteral("transports"));
    if (const auto counter = reader.optionalNumber(QStringLiteral("counter"))) {
        if (std::isfinite(*counter) && std::abs(*counter) < 9.0e15)
            p.counter = qint64(std::llround(*counter));
    }
    QStringList wrongTimes;
    readTime(reader, QStringLiteral("createdAt"), true, p.createdAt, wrongTimes);
    readTime(reader, QStringLiteral("updatedAt"), false, p.updatedAt, wrongTimes);
    readTime(reader, QStringLiteral("lastUsedAt"), false, p.lastUsedAt, wrongTimes);
    if (!reader.ok())
        return reader.error();
    if (!wrongTimes.isEmpty())
        return ApiError(ApiError::Kind::InvalidResponse,
                        QStringLiteral("%1 has the wrong type in %2 (expected a date string)").arg(what, wrongTimes.join(QLatin1String(", "))));
    if (p.id.isEmpty())
        return ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("%1 has an empty id").arg(what));
    return p;
}

QJsonObject Passkey::toJson() const
{
    QJsonObject o{
            {QStringLiteral("id"), id},
            {QStringLiteral("userId"), userId},
            {QStringLiteral("webAuthnId"), orNull(webAuthnId)},
            {QStringLiteral("label"), orNull(label)},
            {QStringLiteral("authenticatorType"), orNull(authenticatorType)},
            {QStringLiteral("aaguid"), orNull(aaguid)},
            {QStringLiteral("credentialDeviceType"), orNull(credentialDeviceType)},
            {QStringLiteral("credentialBackedUp"), credentialBackedUp ? QJsonValue(*credentialBackedUp) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("transports"), transports ? QJsonValue(QJsonArray::fromStringList(*transports)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("counter"), counter ? QJsonValue(*counter) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("createdAt"), createdAt.isSet() ? QJsonValue(createdAt.isoText()) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("updatedAt"), updatedAt.isSet() ? QJsonValue(updatedAt.isoText()) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("lastUsedAt"), lastUsedAt.isSet() ? QJsonValue(lastUsedAt.isoText()) : QJsonValue(QJsonValue::Null)},
    };
    return o;
}

} // namespace plainkey
