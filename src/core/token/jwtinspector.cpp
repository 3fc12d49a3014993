#include "core/token/jwtinspector.h"

#include "core/time/timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace plainkey {

namespace {

std::optional<QJsonObject> decodeSegment(const QString &segment, QString *why)
{
    const auto decoded = QByteArray::fromBase64Encoding(segment.toLatin1(),
                                                        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        *why = QStringLiteral("it is not base64url");
        return std::nullopt;
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(*decoded, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        *why = QStringLiteral("it does not decode to a JSON object");
        return std::nullopt;
    }
    return doc.object();
}

QList<JwtInspection::Claim> toClaims(const QJsonObject &o, const QDateTime &now, bool timeClaims)
{
    QList<JwtInspection::Claim> out;
    for (auto it = o.begin(); it != o.end(); ++it) {
        JwtInspection::Claim c;
        c.name = it.key();
        const QJsonValue v = it.value();
        if (v.isString())
            c.value = v.toString();
        else if (v.isDouble())
            c.value = QString::number(v.toDouble(), 'g', 16);
        else if (v.isBool())
            c.value = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        else if (v.isNull())
            c.value = QStringLiteral("null");
        else
            c.value = QString::fromUtf8(v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                                                    : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
        static const QStringList timeNames = {QStringLiteral("exp"), QStringLiteral("iat"), QStringLiteral("nbf"),
                                              QStringLiteral("auth_time"), QStringLiteral("expiresAt")};
        if (timeClaims && timeNames.contains(c.name)) {
            if (const auto t = Timestamp::parse(v))
                c.readable = QStringLiteral("%1 UTC (%2)").arg(t->utc.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                                               describeRelative(t->utc, now));
        }
        out.append(c);
    }
    return out;
}

} // namespace

JwtInspection JwtInspection::inspect(const QString &token, const QDateTime &now)
{
    JwtInspection r;
    const QStringList parts = token.split(QLatin1Char('.'));
    if (parts.size() != 3) {
        r.notJwtReason = parts.size() == 5
                ? QStringLiteral("it has 5 parts: an encrypted JWT (JWE), which cannot be read without the key")
                : QStringLiteral("it has %1 part%2 separated by dots; a JWT has 3. It is an opaque token: only PlainKey can read it")
                          .arg(parts.size())
                          .arg(parts.size() == 1 ? QString() : QStringLiteral("s"));
        return r;
    }
    QString why;
    const auto header = decodeSegment(parts[0], &why);
    if (!header) {
        r.notJwtReason = QStringLiteral("its first part (the header) cannot be read: %1").arg(why);
        return r;
    }
    const auto claims = decodeSegment(parts[1], &why);
    if (!claims) {
        r.notJwtReason = QStringLiteral("its second part (the claims) cannot be read: %1").arg(why);
        return r;
    }
    r.isJwt = true;
    r.algorithm = header->value(QLatin1String("alg")).toString();
    r.headerJson = QString::fromUtf8(QJsonDocument(*header).toJson(QJsonDocument::Indented)).trimmed();
    r.claimsJson = QString::fromUtf8(QJsonDocument(*claims).toJson(QJsonDocument::Indented)).trimmed();
    r.header = toClaims(*header, now, false);
    r.claims = toClaims(*claims, now, true);
    if (const auto t = Timestamp::parse(claims->value(QLatin1String("exp"))))
        r.expiresAt = t->utc;
    if (const auto t = Timestamp::parse(claims->value(QLatin1String("iat"))))
        r.issuedAt = t->utc;
    if (const auto t = Timestamp::parse(claims->value(QLatin1String("nbf"))))
        r.notBefore = t->utc;
    r.subject = claims->value(QLatin1String("sub")).toString();
    r.issuer = claims->value(QLatin1String("iss")).toString();
    const auto sig = QByteArray::fromBase64Encoding(parts[2].toLatin1(), QByteArray::Base64UrlEncoding);
    r.signatureBytes = sig ? int((*sig).size()) : 0;
    return r;
}

} // namespace plainkey
