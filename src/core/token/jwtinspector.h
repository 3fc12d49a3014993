#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace plainkey {

//! A token decoded locally when it parses as a JWT. Decoding is not verification: the
//! signature is not checked and only PlainKey can say whether the token is valid.
struct JwtInspection
{
    struct Claim
    {
        QString name;
        QString value;    //!< compact JSON of the value
        QString readable; //!< for time claims: the date and "in 4 min"/"2 min ago"
    };

    bool isJwt = false;
    //! Why it is not a JWT ("it has 1 part, a JWT has 3"), when isJwt is false.
    QString notJwtReason;
    QString algorithm;
    QString headerJson; //!< pretty-printed
    QString claimsJson; //!< pretty-printed
    QList<Claim> header;
    QList<Claim> claims;
    std::optional<QDateTime> expiresAt;
    std::optional<QDateTime> issuedAt;
    std::optional<QDateTime> notBefore;
    QString subject;
    QString issuer;
    int signatureBytes = 0;

    bool isExpired(const QDateTime &now = QDateTime::currentDateTimeUtc()) const
    {
        return expiresAt && *expiresAt <= now;
    }

    static JwtInspection inspect(const QString &token, const QDateTime &now = QDateTime::currentDateTimeUtc());
};

} // namespace plainkey
