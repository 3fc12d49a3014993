#include "core/api/jsonreader.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

namespace plainkey {

namespace {

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("boolean");
    case QJsonValue::Double: return QStringLiteral("number");
    case QJsonValue::String: return QStringLiteral("string");
    case QJsonValue::Array: return QStringLiteral("array");
    case QJsonValue::Object: return QStringLiteral("object");
    case QJsonValue::Undefined: return QStringLiteral("missing");
    }
    return {};
}

} // namespace

JsonReader::JsonReader(QJsonObject object, QString what) : m_object(std::move(object)), m_what(std::move(what)) {}

QString JsonReader::describeBody(const HttpAnswer &answer)
{
    const QByteArray type = answer.header("content-type");
    const QString typeText = type.isEmpty() ? QStringLiteral("no content type") : QString::fromLatin1(type.split(';').first());
    if (answer.body.isEmpty())
        return QStringLiteral("an empty body");
    const QString text = QString::fromUtf8(answer.body.left(4096));
    static const QRegularExpression title(QStringLiteral("<title[^>]*>\\s*([^<]{1,120})"), QRegularExpression::CaseInsensitiveOption);
    const auto m = title.match(text);
    if (m.hasMatch() || type.contains("html") || text.trimmed().startsWith(QLatin1Char('<'))) {
        return m.hasMatch() ? QStringLiteral("an HTML page (%1, %2 bytes) titled \u201c%3\u201d")
                                      .arg(typeText).arg(answer.body.size()).arg(answer.redact(m.captured(1)).simplified())
                            : QStringLiteral("an HTML page (%1, %2 bytes)").arg(typeText).arg(answer.body.size());
    }
    // Redacted before it is cut: a secret cut in half would no longer be recognised.
    QString start = answer.redact(text).simplified().left(80);
    return QStringLiteral("%1 bytes of %2 starting \u201c%3\u201d").arg(answer.body.size()).arg(typeText, start);
}

namespace {

//! True when \a json ends inside a string or with brackets still open.
bool looksCutOff(const QByteArray &json)
{
    qsizetype depth = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : json) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return inString || depth > 0;
}

//! The body as a JSON document, or an InvalidResponse error that says what came instead.
Result<QJsonDocument> parseBody(const HttpAnswer &answer, char opening)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(answer.body, &err);
    if (err.error == QJsonParseError::NoError)
        return doc;
    const QByteArray trimmed = answer.body.trimmed();
    const QString wanted = opening == '[' ? QStringLiteral("a JSON array") : QStringLiteral("a JSON object");
    if (trimmed.startsWith(opening)) {
        if (err.error == QJsonParseError::DeepNesting)
            return ApiError(ApiError::Kind::InvalidResponse,
                            QStringLiteral("the JSON is nested too deeply to read (%1 at byte %2)").arg(err.errorString()).arg(err.offset));
        // Only unclosed brackets or an unclosed string point at a cut-off answer; a stray comma
        // in a complete body is a server writing broken JSON (Qt's error codes do not tell them apart).
        const bool ranOut = looksCutOff(trimmed);
        return ApiError(ApiError::Kind::InvalidResponse,
                        QStringLiteral("the JSON is broken at byte %1 (%2)%3")
                                .arg(err.offset)
                                .arg(err.errorString(), ranOut ? QStringLiteral("; the answer may have been cut off") : QString()));
    }
    // Qt reads only objects and arrays at the top; "null" or "\"ok\"" is still JSON, just not the promised shape.
    if (!trimmed.isEmpty() && !trimmed.startsWith('{') && !trimmed.startsWith('[')) {
        QJsonParseError scalarErr{};
        const QJsonDocument wrapped = QJsonDocument::fromJson('[' + trimmed + ']', &scalarErr);
        if (scalarErr.error == QJsonParseError::NoError && wrapped.array().size() == 1)
            return ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("expected %1, got a bare value").arg(wanted));
    }
    return ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("expected JSON, got %1").arg(JsonReader::describeBody(answer)));
}

QString describeTopLevel(const QJsonDocument &doc)
{
    return doc.isArray() ? QStringLiteral("an array") : QStringLiteral("an object");
}

//! The error with the answer's status: "not JSON" reads differently after a 200 than after a 502.
ApiError withStatus(ApiError error, const HttpAnswer &answer)
{
    error.setHttpStatus(answer.status);
    return error;
}

} // namespace

Result<QJsonObject> JsonReader::object(const HttpAnswer &answer)
{
    const auto doc = parseBody(answer, '{');
    if (!doc)
        return withStatus(doc.error(), answer);
    if (!doc->isObject())
        return withStatus(ApiError(ApiError::Kind::InvalidResponse,
                                   QStringLiteral("expected a JSON object, got %1").arg(describeTopLevel(doc.value()))),
                          answer);
    return doc->object();
}

Result<QJsonArray> JsonReader::array(const HttpAnswer &answer)
{
    const auto doc = parseBody(answer, '[');
    if (!doc)
        return withStatus(doc.error(), answer);
    if (!doc->isArray())
        return withStatus(ApiError(ApiError::Kind::InvalidResponse,
                                   QStringLiteral("expected a JSON array, got %1").arg(describeTopLevel(doc.value()))),
                          answer);
    return doc->array();
}

QString JsonReader::serverError(const HttpAnswer &answer)
{
    const QJsonDocument doc = QJsonDocument::fromJson(answer.body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue e = o.value(QLatin1String("error"));
        if (e.isString())
            return answer.redact(e.toString()).left(500);
        if (e.isObject() && e.toObject().value(QLatin1String("message")).isString())
            return answer.redact(e.toObject().value(QLatin1String("message")).toString()).left(500);
        if (o.value(QLatin1String("message")).isString())
            return answer.redact(o.value(QLatin1String("message")).toString()).left(500);
        return {};
    }
    if (answer.body.isEmpty())
        return {};
    return QStringLiteral("not JSON: %1").arg(describeBody(answer));
}

void JsonReader::wrongType(const QString &key, const char *expected)
{
    m_wrongType.append(QStringLiteral("%1 (expected %2, got %3)")
                               .arg(key, QLatin1String(expected), jsonTypeName(m_object.value(key))));
}

QString JsonReader::requiredString(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        m_missing.append(key);
    else if (!v.isString())
        wrongType(key, "string");
    return v.toString();
}

bool JsonReader::requiredBool(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        m_missing.append(key);
    else if (!v.isBool())
        wrongType(key, "boolean");
    return v.toBool();
}

std::optional<QString> JsonReader::optionalString(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isString()) {
        wrongType(key, "string or null");
        return std::nullopt;
    }
    return v.toString();
}

std::optional<bool> JsonReader::optionalBool(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isBool()) {
        wrongType(key, "boolean or null");
        return std::nullopt;
    }
    return v.toBool();
}

std::optional<double> JsonReader::optionalNumber(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isDouble()) {
        wrongType(key, "number or null");
        return std::nullopt;
    }
    return v.toDouble();
}

std::optional<QStringList> JsonReader::optionalStringList(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isArray()) {
        wrongType(key, "array of strings or null");
        return std::nullopt;
    }
    QStringList out;
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString()) {
            wrongType(key, "array of strings");
            return std::nullopt;
        }
        out.append(item.toString());
    }
    return out;
}

ApiError JsonReader::error() const
{
    QStringList parts;
    if (!m_missing.isEmpty())
        parts.append(QStringLiteral("%1 lacks %2").arg(m_what, m_missing.join(QLatin1String(", "))));
    if (!m_wrongType.isEmpty())
        parts.append(QStringLiteral("%1 has the wrong type in %2").arg(m_what, m_wrongType.join(QLatin1String(", "))));
    return ApiError(ApiError::Kind::InvalidResponse, parts.join(QLatin1String("; ")));
}

} // namespace plainkey
