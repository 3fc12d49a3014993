#include "emulator/answers.h"

#include <QJsonDocument>
#include <QRandomGenerator>

namespace plainkey::emulator {

EmuResponse json(int status, const QJsonObject &object, QList<QPair<QByteArray, QByteArray>> headers)
{
    return {status, QJsonDocument(object).toJson(QJsonDocument::Compact), "application/json", std::move(headers)};
}

EmuResponse json(int status, const QJsonArray &array)
{
    return {status, QJsonDocument(array).toJson(QJsonDocument::Compact), "application/json", {}};
}

EmuResponse error(int status, const QString &message, QList<QPair<QByteArray, QByteArray>> headers)
{
    return json(status, QJsonObject{{QStringLiteral("error"), message}}, std::move(headers));
}

QString shortened(const QString &path)
{
    return path.size() <= 200 ? path : path.left(200) + QStringLiteral("\u2026");
}

QByteArray randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        raw[i] = char(QRandomGenerator::system()->bounded(256));
    return base64Url(raw);
}

QByteArray base64Url(const QByteArray &raw)
{
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QJsonObject> objectBody(const EmuRequest &r, EmuResponse *fail)
{
    if (r.body.trimmed().isEmpty()) {
        *fail = error(400, QStringLiteral("The request needs a JSON object body"));
        return std::nullopt;
    }
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *fail = error(400, QStringLiteral("The body is not valid JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *fail = error(400, QStringLiteral("The body must be a JSON object"));
        return std::nullopt;
    }
    return doc.object();
}

bool readUserName(const QJsonObject &o, const QString &key, std::optional<QString> *out, QString *why)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        out->reset();
        return true;
    }
    if (!v.isString()) {
        *why = QStringLiteral("%1 must be a string").arg(key);
        return false;
    }
    const QString s = v.toString().trimmed();
    if (s.isEmpty() || s.size() > 256) {
        *why = QStringLiteral("%1 must be 1 to 256 characters").arg(key);
        return false;
    }
    *out = s;
    return true;
}

bool readLabel(const QJsonObject &object, std::optional<QString> *out, QString *why)
{
    const QJsonValue label = object.value(QLatin1String("label"));
    if (label.isUndefined()) {
        *why = QStringLiteral("label is required (a string, or null to clear it)");
        return false;
    }
    if (!label.isNull() && !label.isString()) {
        *why = QStringLiteral("label must be a string or null");
        return false;
    }
    if (label.isString() && label.toString().size() > 256) {
        *why = QStringLiteral("label must be at most 256 characters");
        return false;
    }
    const QString text = label.toString().trimmed();
    *out = text.isEmpty() ? std::nullopt : std::optional<QString>(text);
    return true;
}

} // namespace plainkey::emulator
