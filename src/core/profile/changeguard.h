#pragma once

#include "core/net/destination.h"

#include <QObject>
#include <QString>

namespace plainkey {

//! The production change guard: against a live PlainKey, changes (create, rename, delete,
//! relabel, add a passkey, import) stay locked until the person unlocks them for the session;
//! a new destination starts a new session, locked again. Looking things up is never locked.
//! One guard can serve every panel and command that changes users or passkeys.
class ChangeGuard : public QObject
{
    Q_OBJECT
public:
    explicit ChangeGuard(QObject *parent = nullptr);

    bool isProduction() const { return m_production; }
    bool isUnlocked() const { return m_unlocked; }
    //! True unless this is production and changes are locked.
    bool changesAllowed() const { return !m_production || m_unlocked; }

    //! Starts a new session for \a destination: production when it is a live PlainKey; locked.
    void setDestination(const Destination &destination);
    //! Starts a new session, production or not; locked.
    void setProduction(bool production);
    //! Unlocks changes for this session; false (nothing done) when this is not production or already unlocked.
    bool unlock();
    //! Locks changes again.
    void lock();

    //! Why \a what ("delete the user") is refused now; empty when changes are allowed.
    QString refusal(const QString &what) const;
    //! A short reason for a disabled control: "Locked: this is a production profile. ..."
    static QString lockedReason();

signals:
    //! Production or the lock changed (and on every new session).
    void changed();

private:
    bool m_production = false;
    bool m_unlocked = false;
};

} // namespace plainkey
