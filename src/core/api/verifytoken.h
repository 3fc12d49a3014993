#pragma once

#include "core/api/apirequest.h"
#include "core/api/result.h"
#include "core/time/timestamp.h"

#include <QVariantMap>

#include <optional>

namespace plainkey {

//! What PlainKey said of an authentication token.
struct VerifyResult
{
    bool valid = false;
    QString userId;
    QString projectId;
    //! When the token expires, in whichever format PlainKey wrote it.
    std::optional<Timestamp> expiresAt;
    QString expiresAtRaw;
    //! The token's payload as PlainKey returned it (claims, custom data).
    QVariantMap payload;
    //! PlainKey's reason when not valid ("Token expired", ...).
    QString error;
    int httpStatus = 0;

    //! What a not-valid reason usually means, in plain words, for support staff.
    static QString explainReason(const QString &error);
};

//! POST /authentication-token/verify
struct VerifyToken
{
    using Value = VerifyResult;
    static ApiRequest request(const QString &token);
    static Result<VerifyResult> read(const HttpAnswer &answer);
};

} // namespace plainkey
