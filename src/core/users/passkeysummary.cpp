#include "core/users/passkeysummary.h"

#include <QCoreApplication>

namespace plainkey {

namespace {

// WebAuthn's signature counter is an unsigned 32-bit number in the authenticator data.
constexpr qint64 kMaxSignCount = 0xFFFFFFFFLL;

QString tr(const char *text)
{
    return QCoreApplication::translate("PasskeySummary", text);
}

QString countOf(qint64 n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace

PasskeySummary PasskeySummary::of(const QList<Passkey> &passkeys)
{
    PasskeySummary s;
    s.total = int(passkeys.size());
    for (const Passkey &p : passkeys) {
        if (p.credentialDeviceType == QLatin1String("multiDevice"))
            ++s.synced;
        else if (p.credentialDeviceType == QLatin1String("singleDevice"))
            ++s.singleDevice;
        else
            ++s.unknownType;
        if (!p.lastUsedAt.isSet())
            ++s.neverUsed;
        // Unreadable times cannot be compared: the latest readable one wins.
        if (p.lastUsedAt.when && p.lastUsedAt.when->utc.isValid() && (!s.lastUsed || s.lastUsed->when->utc < p.lastUsedAt.when->utc)) {
            s.lastUsed = p.lastUsedAt;
            s.lastUsedPasskeyId = p.id;
        }
        if (p.counter && *p.counter < 0)
            s.counterAnomalies.append({p.id, *p.counter,
                                       tr("Passkey %1 has a negative signature counter (%2): no authenticator counts below zero, "
                                          "so PlainKey's record of it is damaged.")
                                               .arg(p.id)
                                               .arg(*p.counter)});
        else if (p.counter && *p.counter > kMaxSignCount)
            s.counterAnomalies.append({p.id, *p.counter,
                                       tr("Passkey %1 has a signature counter of %2, beyond the 32-bit range an authenticator "
                                          "can send: PlainKey's record of it is damaged.")
                                               .arg(p.id)
                                               .arg(*p.counter)});
    }
    if (s.total == 0)
        s.coverage = Coverage::None;
    else if (s.synced > 0)
        s.coverage = Coverage::Synced;
    else if (s.unknownType == 0)
        s.coverage = Coverage::SingleDeviceOnly;
    else
        s.coverage = Coverage::Unknown;
    return s;
}

Tone PasskeySummary::tone() const
{
    if (coverage == Coverage::None)
        return Tone::Bad;
    if (!counterAnomalies.isEmpty())
        return Tone::Warning;
    return coverage == Coverage::Synced ? Tone::Good : Tone::Neutral;
}

QString PasskeySummary::text(const QDateTime &now) const
{
    if (total == 0)
        return tr("none: this user cannot sign in with a passkey until one is added.");
    QString text = countOf(total, tr("passkey"), tr("passkeys"));
    QStringList parts;
    if (synced)
        parts.append(tr("%1 synced").arg(synced));
    if (singleDevice)
        parts.append(tr("%1 on a single device").arg(singleDevice));
    parts.append(lastUsed ? tr("last sign-in %1").arg(lastUsed->relativeText(now)) : tr("never used to sign in"));
    text += QStringLiteral(" (%1)").arg(parts.join(QLatin1String(", ")));
    return text;
}

QString PasskeySummary::coverageName(Coverage coverage)
{
    switch (coverage) {
    case Coverage::None: return QStringLiteral("none");
    case Coverage::SingleDeviceOnly: return QStringLiteral("single-device-only");
    case Coverage::Synced: return QStringLiteral("synced");
    case Coverage::Unknown: return QStringLiteral("unknown");
    }
    return {};
}

} // namespace plainkey
