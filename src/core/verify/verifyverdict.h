#pragma once

#include "core/api/apierror.h"
#include "core/api/verifytoken.h"
#include "core/text/tone.h"

#include <QDateTime>
#include <QString>

#include <chrono>
#include <optional>

namespace plainkey {

//! What a verification means for the customer's backend, in words: the headline, why, what the
//! backend should answer its own frontend, and whether the clocks disagree. The one place that
//! decides this, for the Verify tab, the troubleshooter and plainkey-cli.
struct VerifyVerdict
{
    enum class Outcome {
        Valid,     //!< PlainKey accepted the token
        NotValid,  //!< PlainKey refused the token (expired, used, forged, ...)
        Failed,    //!< no verdict: PlainKey could not be asked or its answer was unusable
        Cancelled, //!< the person cancelled before an answer came
    };

    Outcome outcome = Outcome::Failed;
    Tone tone = Tone::Warning;
    //! One line: "✔ Valid: PlainKey signed this token for user u_1", "✘ Not valid: Token expired".
    QString headline;
    //! What it means and when it expires or expired; empty when there is nothing to add.
    QString reason;
    //! What the backend should do, as rich text ("<b>Your backend should</b> answer ... 401 ...");
    //! empty for a cancelled verification.
    QString advice;
    //! The status the backend should answer its frontend: 200, 401, 500 or 503; 0 when cancelled.
    int backendStatus = 0;
    //! One line for a status bar.
    QString statusText;
    //! A few words for the re-verify history: "it was valid", "no verdict: network".
    QString historyText;
    //! This computer's and PlainKey's clocks disagree (from the expiry or the Date header).
    bool clocksDisagree = false;

    //! The verdict on PlainKey's answer \a result. \a jwtExpiry: the token's own exp claim,
    //! decoded locally; \a clockSkew: PlainKey's clock minus this computer's, when known.
    static VerifyVerdict fromResult(const VerifyResult &result, const std::optional<QDateTime> &jwtExpiry = std::nullopt,
                                    const std::optional<std::chrono::seconds> &clockSkew = std::nullopt,
                                    const QDateTime &now = QDateTime::currentDateTimeUtc());
    //! The verdict when no answer came: a cancelled call, or a failure that says nothing about the token.
    static VerifyVerdict fromError(const ApiError &error);

    //! advice without markup, for a terminal or a plain-text report.
    QString advicePlain() const;
    //! "valid", "not-valid", "failed", "cancelled": stable names for --json and reports.
    static QString outcomeName(Outcome outcome);
};

} // namespace plainkey
