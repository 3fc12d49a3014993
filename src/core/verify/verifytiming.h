#pragma once

#include "core/api/verifytoken.h"

#include <QDateTime>
#include <QString>

#include <chrono>
#include <optional>

namespace plainkey {

//! When a verified token expires or expired, by whose clock, and whether the clocks of this
//! computer and PlainKey disagree: what a support engineer needs to tell "it expired two
//! minutes ago" from "your server's clock is wrong".
struct VerifyTiming
{
    QString text;           //!< one or two sentences; empty when there is nothing to say
    bool clocksDisagree = false;

    //! \a result is PlainKey's answer; \a jwtExpiry the token's own exp claim, decoded locally;
    //! \a clockSkew PlainKey's clock minus this computer's (from its Date header), when known.
    static VerifyTiming describe(const VerifyResult &result, const std::optional<QDateTime> &jwtExpiry,
                                 const std::optional<std::chrono::seconds> &clockSkew, const QDateTime &now);
};

} // namespace plainkey
