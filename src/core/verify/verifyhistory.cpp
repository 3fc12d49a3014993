#include "core/verify/verifyhistory.h"

#include "core/log/redactor.h"

#include <QCoreApplication>

namespace plainkey {

QString VerifyHistory::fingerprintOf(const QString &token)
{
    return QString::fromLatin1(Redactor::fingerprint(token.toUtf8()));
}

void VerifyHistory::record(const QString &fingerprint, const Entry &entry)
{
    m_entries.insert(fingerprint, entry);
}

std::optional<VerifyHistory::Entry> VerifyHistory::find(const QString &fingerprint) const
{
    const auto it = m_entries.constFind(fingerprint);
    if (it == m_entries.cend())
        return std::nullopt;
    return *it;
}

std::optional<VerifyHistory::Entry> VerifyHistory::checkBeforeSending(const QString &fingerprint)
{
    const auto seen = m_entries.constFind(fingerprint);
    if (seen != m_entries.cend() && m_confirm != fingerprint) {
        m_confirm = fingerprint;
        return *seen;
    }
    m_confirm.clear();
    return std::nullopt;
}

QString VerifyHistory::reverifyWarning(const Entry &entry)
{
    return QCoreApplication::translate("VerifyHistory",
                                       "You verified this token at %1 (%2). Authentication tokens may be single use: a second "
                                       "verification can report it as used even though the first one succeeded.")
            .arg(entry.at.toLocalTime().toString(QStringLiteral("HH:mm:ss")), entry.outcome);
}

} // namespace plainkey
