#include "core/profile/changeguard.h"

#include <QCoreApplication>

namespace plainkey {

ChangeGuard::ChangeGuard(QObject *parent) : QObject(parent) {}

void ChangeGuard::setDestination(const Destination &destination)
{
    setProduction(destination.isProduction());
}

void ChangeGuard::setProduction(bool production)
{
    m_production = production;
    m_unlocked = false;
    emit changed();
}

bool ChangeGuard::unlock()
{
    if (!m_production || m_unlocked)
        return false;
    m_unlocked = true;
    emit changed();
    return true;
}

void ChangeGuard::lock()
{
    if (!m_unlocked)
        return;
    m_unlocked = false;
    emit changed();
}

QString ChangeGuard::refusal(const QString &what) const
{
    if (changesAllowed())
        return {};
    return QCoreApplication::translate("ChangeGuard", "Refused to %1: this is a production profile and changes are locked. Unlock "
                                                      "changes for this session first.")
            .arg(what);
}

QString ChangeGuard::lockedReason()
{
    return QCoreApplication::translate("ChangeGuard", "Locked: this is a production profile. Unlock changes for this session first.");
}

} // namespace plainkey
