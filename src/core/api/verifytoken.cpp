#include "core/api/verifytoken.h"

#include "core/api/jsonreader.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace plainkey {

ApiRequest VerifyToken::request(const QString &token)
{
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/authentication-token/verify");
    r.body = QJsonObject{{QStringLiteral("token"), token}};
    r.operation = QStringLiteral("Verifying the authentication token");
    r.unauthorizedMayBeAnswer = true;
    r.secrets = {{SecretKind::AuthenticationToken, token.toUtf8()}};
    return r;
}

Result<VerifyResult> VerifyToken::read(const HttpAnswer &answer)
{
    const auto object = JsonReader::object(answer);
    if (!object)
        return object.error();
    JsonReader reader(object.value(), QStringLiteral("the verify answer"));
    VerifyResult r;
    r.httpStatus = answer.status;
    r.valid = reader.requiredBool(QStringLiteral("valid"));
    if (r.valid) {
        r.userId = reader.requiredString(QStringLiteral("userId"));
        r.projectId = reader.optionalString(QStringLiteral("projectId")).value_or(QString());
    } else {
        r.userId = reader.optionalString(QStringLiteral("userId")).value_or(QString());
        r.projectId = reader.optionalString(QStringLiteral("projectId")).value_or(QString());
        r.error = answer.redact(reader.optionalString(QStringLiteral("error")).value_or(QString()));
    }
    const QJsonValue expires = reader.value(QStringLiteral("expiresAt"));
    if (!expires.isUndefined() && !expires.isNull()) {
        r.expiresAtRaw = expires.isString() ? expires.toString() : QString::number(expires.toDouble(), 'f', 0);
        r.expiresAt = Timestamp::parse(expires);
    }
    const QJsonValue payload = reader.value(QStringLiteral("payload"));
    if (payload.isObject()) {
        // Shown and printed as it came, so redacted like the answer's other words.
        const QByteArray json = QJsonDocument(payload.toObject()).toJson(QJsonDocument::Compact);
        r.payload = QJsonDocument::fromJson(answer.redact(QString::fromUtf8(json)).toUtf8()).object().toVariantMap();
    }
    if (!reader.ok())
        return reader.error();
    if (r.valid && answer.status == 401)
        return ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("status 401 with \"valid\": true contradicts itself"));
    return r;
}

QString VerifyResult::explainReason(const QString &error)
{
    const QString e = error.toLower();
    // Whole words: "refused" and "focused" contain "used" but say nothing about a second use.
    static const QRegularExpression used(QStringLiteral("\\b(used|reused)\\b"));
    const bool aboutUser = e.contains(QLatin1String("user"));
    if (e.contains(QLatin1String("expir")))
        return QStringLiteral("The token is past its expiry. Tokens are short-lived: the frontend should send it to the backend right after sign-in. If it expired just now, also check the clocks.");
    if (e.contains(used) || e.contains(QLatin1String("consumed")) || e.contains(QLatin1String("replay")))
        return QStringLiteral("The token was verified before. Tokens may be single use: verify once and keep the backend's own session.");
    if (e.contains(QLatin1String("project")))
        return QStringLiteral("The token belongs to another PlainKey project: check the frontend's project ID against this one.");
    // Before the generic "not found"/"unknown": "User not found" is about the user, not the token.
    if (aboutUser && (e.contains(QLatin1String("not found")) || e.contains(QLatin1String("unknown"))
                      || e.contains(QLatin1String("exist")) || e.contains(QLatin1String("deleted"))))
        return QStringLiteral("The user the token was issued to no longer exists.");
    if (e.contains(QLatin1String("signature")) || e.contains(QLatin1String("malformed")) || e.contains(QLatin1String("invalid"))
        || e.contains(QLatin1String("forged")) || e.contains(QLatin1String("not found")) || e.contains(QLatin1String("unknown")))
        return QStringLiteral("PlainKey does not recognise this token: it was changed, cut off when copied, or never issued by PlainKey.");
    if (e.contains(QLatin1String("user")))
        return QStringLiteral("The user the token was issued to no longer exists.");
    return QStringLiteral("PlainKey did not accept the token.");
}

} // namespace plainkey
