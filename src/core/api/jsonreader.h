#pragma once

#include "core/api/result.h"
#include "core/net/httpmessage.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace plainkey {

//! Reads one JSON object of an answer and remembers every required key that is missing or of
//! the wrong type, so the error names them all at once.
class JsonReader
{
public:
    explicit JsonReader(QJsonObject object, QString what = QStringLiteral("the answer"));

    //! The body as a JSON object, or an InvalidResponse error that says what came instead.
    static Result<QJsonObject> object(const HttpAnswer &answer);
    static Result<QJsonArray> array(const HttpAnswer &answer);
    //! PlainKey's "error" text from a failed answer, or a short description of a non-JSON body.
    static QString serverError(const HttpAnswer &answer);
    //! "an HTML page (text/html, 512 bytes) titled 'Bad Gateway'": what a non-JSON body is.
    static QString describeBody(const HttpAnswer &answer);

    QString requiredString(const QString &key);
    bool requiredBool(const QString &key);
    std::optional<QString> optionalString(const QString &key);
    std::optional<bool> optionalBool(const QString &key);
    std::optional<double> optionalNumber(const QString &key);
    std::optional<QStringList> optionalStringList(const QString &key);
    QJsonValue value(const QString &key) const { return m_object.value(key); }
    const QJsonObject &object() const { return m_object; }

    bool ok() const { return m_missing.isEmpty() && m_wrongType.isEmpty(); }
    //! An InvalidResponse error naming the missing and mistyped keys.
    ApiError error() const;

private:
    void wrongType(const QString &key, const char *expected);

    QJsonObject m_object;
    QString m_what;
    QStringList m_missing;
    QStringList m_wrongType;
};

} // namespace plainkey
