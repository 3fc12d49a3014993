#include "core/verify/verifytiming.h"

#include "core/time/timestamp.h"

#include <QCoreApplication>

namespace plainkey {

namespace {

// Clocks this close are "the same" (network delay, the Date header's whole seconds).
constexpr qint64 kSkewToleranceSeconds = 5;

QString tr(const char *text)
{
    return QCoreApplication::translate("VerifyTiming", text);
}

QString clockTime(const QDateTime &utc)
{
    return utc.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

VerifyTiming VerifyTiming::describe(const VerifyResult &result, const std::optional<QDateTime> &jwtExpiry,
                                    const std::optional<std::chrono::seconds> &clockSkew, const QDateTime &now)
{
    VerifyTiming t;
    QStringList parts;
    const qint64 skew = clockSkew ? clockSkew->count() : 0;
    const bool skewed = clockSkew && qAbs(skew) > kSkewToleranceSeconds;

    // PlainKey's own expiry first; the token's claim when PlainKey gave none.
    std::optional<QDateTime> expiry;
    if (result.expiresAt)
        expiry = result.expiresAt->utc;
    else if (jwtExpiry)
        expiry = *jwtExpiry;

    if (expiry) {
        const bool expiredHere = *expiry <= now;
        parts << (expiredHere ? tr("It expired %1, at %2 by this computer's clock.")
                              : tr("It expires %1, at %2 by this computer's clock."))
                         .arg(describeRelative(*expiry, now), clockTime(*expiry));
        const bool plainKeySaysExpired = !result.valid && result.error.contains(QLatin1String("xpir"), Qt::CaseInsensitive);
        if (plainKeySaysExpired && !expiredHere) {
            t.clocksDisagree = true;
            parts << tr("PlainKey says it has expired, yet this computer's clock gives it %1 more: the two clocks disagree.")
                             .arg(describeDuration(now.secsTo(*expiry)));
        } else if (result.valid && expiredHere) {
            t.clocksDisagree = true;
            parts << tr("PlainKey accepted it although this computer's clock says it expired: this computer's clock is "
                        "probably ahead.");
        }
    }
    if (skewed) {
        t.clocksDisagree = true;
        parts << (skew > 0 ? tr("PlainKey's clock is %1 ahead of this computer's (from its Date header).")
                           : tr("PlainKey's clock is %1 behind this computer's (from its Date header)."))
                         .arg(describeDuration(qAbs(skew)));
    }
    if (t.clocksDisagree)
        parts << tr("Check that both this computer and the customer's servers set their time automatically (NTP).");
    t.text = parts.join(QLatin1Char(' '));
    return t;
}

} // namespace plainkey
