#pragma once

#include <QList>
#include <QString>

namespace plainkey {

//! One check of the sign-in troubleshooter, as the console, the CLI and the support bundle show it.
//! Every text is already redacted (no secret, no token); personal data (user IDs, e-mail
//! addresses) may appear and is masked by whoever shows it in presenter mode or a bundle.
struct Finding
{
    enum class Verdict {
        Pass,         //!< checked, nothing wrong
        Info,         //!< checked, worth knowing, not a fault (e.g. only single-device passkeys)
        Warning,      //!< checked, something odd that may matter (clock skew, counter anomaly)
        Fail,         //!< checked: this is why sign-in fails (or one reason)
        Skipped,      //!< not checked because its input is missing (no token pasted, no user given)
        CouldNotCheck //!< tried and could not tell (PlainKey down, refused credentials)
    };

    //! Stable identifier for scripts and tests: "credentials", "reachability", "clock",
    //! "token-shape", "token-times", "verify", "user", "passkeys", "token-passkey", "summary".
    QString id;
    Verdict verdict = Verdict::Skipped;
    QString title;  //!< one line: "The token expired 3 minutes before it was verified"
    QString detail; //!< the evidence, in words
    QString action; //!< what to do next; empty when nothing is to be done
    //! The exchanges (ExchangeLog IDs) this finding rests on, in order.
    QList<quint64> exchangeIds;

    //! "pass", "info", "warning", "fail", "skipped", "could-not-check": the name in --json and bundles.
    static QString verdictName(Verdict verdict)
    {
        switch (verdict) {
        case Verdict::Pass: return QStringLiteral("pass");
        case Verdict::Info: return QStringLiteral("info");
        case Verdict::Warning: return QStringLiteral("warning");
        case Verdict::Fail: return QStringLiteral("fail");
        case Verdict::Skipped: return QStringLiteral("skipped");
        case Verdict::CouldNotCheck: return QStringLiteral("could-not-check");
        }
        return {};
    }
};

using Findings = QList<Finding>;

} // namespace plainkey
