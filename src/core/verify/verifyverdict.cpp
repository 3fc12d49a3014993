#include "core/verify/verifyverdict.h"

#include "core/verify/verifytiming.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace plainkey {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("VerifyVerdict", text);
}

} // namespace

VerifyVerdict VerifyVerdict::fromResult(const VerifyResult &v, const std::optional<QDateTime> &jwtExpiry,
                                        const std::optional<std::chrono::seconds> &clockSkew, const QDateTime &now)
{
    VerifyVerdict d;
    if (v.valid) {
        d.outcome = Outcome::Valid;
        d.tone = Tone::Good;
        d.headline = tr("\u2714 Valid: PlainKey signed this token for user %1").arg(v.userId);
        d.reason = tr("The person proved they hold a passkey of this user.");
        d.advice = tr("<b>Your backend should</b> accept the sign-in: find the user with this ID in its own database "
                      "(create them on their first sign-in), start its own session and answer its frontend 200. "
                      "Keep the user ID, not the token.");
        d.backendStatus = 200;
        d.statusText = tr("Token valid for user %1.").arg(v.userId);
        d.historyText = tr("it was valid");
    } else {
        const QString reason = v.error.isEmpty() ? tr("PlainKey gave no reason") : v.error;
        d.outcome = Outcome::NotValid;
        d.tone = Tone::Bad;
        d.headline = tr("\u2718 Not valid: %1").arg(reason);
        d.reason = tr("What it usually means: %1").arg(VerifyResult::explainReason(v.error));
        d.advice = tr("<b>Your backend should</b> answer its frontend <b>401 Unauthorized</b> and have the person sign in "
                      "again. It must not look up or create a user from this token.");
        d.backendStatus = 401;
        d.statusText = tr("Token not valid: %1").arg(v.error.isEmpty() ? tr("no reason given") : v.error);
        d.historyText = tr("it was not valid: %1").arg(v.error);
    }
    // When it expires or expired, and whether this computer's and PlainKey's clocks disagree.
    const VerifyTiming timing = VerifyTiming::describe(v, jwtExpiry, clockSkew, now);
    if (!timing.text.isEmpty())
        d.reason += QLatin1Char(' ') + timing.text;
    d.clocksDisagree = timing.clocksDisagree;
    return d;
}

VerifyVerdict VerifyVerdict::fromError(const ApiError &error)
{
    VerifyVerdict d;
    if (error.kind() == ApiError::Kind::Cancelled) {
        d.outcome = Outcome::Cancelled;
        d.tone = Tone::Neutral;
        d.headline = tr("Verification cancelled: no answer was waited for.");
        d.statusText = tr("Verification cancelled.");
        d.historyText = tr("no verdict: %1").arg(ApiError::kindName(error.kind()));
        return d;
    }
    d.outcome = Outcome::Failed;
    d.tone = Tone::Warning;
    d.headline = tr("Could not verify: %1").arg(error.summary());
    d.reason = error.hint();
    // Our own setup is wrong (credentials, a request PlainKey refuses): a server error, not the person's.
    const bool ourFault = error.kind() == ApiError::Kind::CredentialsRejected || error.kind() == ApiError::Kind::Unauthorized
            || error.kind() == ApiError::Kind::InvalidInput;
    d.advice = ourFault ? tr("<b>Your backend should</b> answer its frontend 500: its own PlainKey credentials or "
                             "setup are wrong, not the person's sign-in. This says nothing about the token.")
                        : tr("<b>Your backend should</b> answer its frontend 503 (try again later), not 401: "
                             "this says nothing about the token, which may well be valid.");
    d.backendStatus = ourFault ? 500 : 503;
    d.statusText = error.summary();
    d.historyText = tr("no verdict: %1").arg(ApiError::kindName(error.kind()));
    return d;
}

QString VerifyVerdict::advicePlain() const
{
    static const QRegularExpression tag(QStringLiteral("<[^>]*>"));
    return QString(advice).remove(tag);
}

QString VerifyVerdict::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Valid: return QStringLiteral("valid");
    case Outcome::NotValid: return QStringLiteral("not-valid");
    case Outcome::Failed: return QStringLiteral("failed");
    case Outcome::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}

} // namespace plainkey
