#pragma once

#include "core/text/tone.h"
#include "core/users/passkey.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace plainkey {

//! What a user's passkeys add up to for signing in: how many, synced or tied to one device,
//! when one was last used, and signature counters that cannot be right. The Users tab, the
//! troubleshooter and plainkey-cli read a user's passkeys through this one summary.
struct PasskeySummary
{
    //! What kind of sign-in the passkeys allow.
    enum class Coverage {
        None,             //!< no passkey: the user cannot sign in with one
        SingleDeviceOnly, //!< only single-device passkeys: losing that device locks them out
        Synced,           //!< at least one synced (multi-device) passkey
        Unknown,          //!< passkeys, none synced, and PlainKey did not say the type of some
    };

    //! A signature counter that no authenticator produces.
    struct CounterAnomaly
    {
        QString passkeyId;
        qint64 counter = 0;
        QString text; //!< one sentence naming the passkey, the value and why it is wrong
    };

    int total = 0;
    int synced = 0;       //!< credentialDeviceType "multiDevice"
    int singleDevice = 0; //!< credentialDeviceType "singleDevice"
    int unknownType = 0;  //!< no device type, or one PlainKey's contract does not name
    int neverUsed = 0;    //!< no lastUsedAt
    Coverage coverage = Coverage::None;
    //! The most recent readable lastUsedAt of any passkey, and whose it is.
    std::optional<PasskeyTime> lastUsed;
    QString lastUsedPasskeyId;
    QList<CounterAnomaly> counterAnomalies;

    static PasskeySummary of(const QList<Passkey> &passkeys);

    //! The tone of the summary: Bad for none, Warning for counter anomalies, Good when synced.
    Tone tone() const;
    //! "2 passkeys (1 synced, 1 on a single device, last sign-in 3 days ago)"; "none" with a
    //! reason for no passkey. \a now for the relative time.
    QString text(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    //! "none", "single-device-only", "synced", "unknown": stable names for --json and reports.
    static QString coverageName(Coverage coverage);
};

} // namespace plainkey
