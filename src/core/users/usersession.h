#pragma once

#include "core/api/apierror.h"
#include "core/users/passkey.h"
#include "core/users/passkeysummary.h"
#include "core/users/user.h"
#include "core/users/useridentifier.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <optional>

namespace plainkey {

class ApiCall;
class PlainKeyClient;

//! The user on show and their passkeys: looking a user up (by ID, name or one of their
//! passkeys), loading their passkeys, refreshing both. A newer lookup replaces an older one:
//! an answer that arrives after it was replaced, or after the user changed, is dropped, so a
//! slow answer never overwrites a newer one. The Users tab shows it; the troubleshooter and
//! others can follow the same session.
class UserSession : public QObject
{
    Q_OBJECT
public:
    explicit UserSession(PlainKeyClient *client, QObject *parent = nullptr);
    ~UserSession() override;

    //! The user on show, if any.
    const std::optional<User> &user() const { return m_user; }
    //! The shown user's passkeys, once loaded (empty before).
    const QList<Passkey> &passkeys() const { return m_passkeys; }
    bool passkeysLoaded() const { return m_passkeysLoaded; }
    PasskeySummary summary() const { return PasskeySummary::of(m_passkeys); }
    //! True while a lookup or a passkey list is in flight.
    bool isBusy() const { return m_busy > 0; }

public slots:
    //! Looks up the user \a who names, then their passkeys. An identifier with a problem fails
    //! (lookupFailed with InvalidInput) without a request.
    void find(const plainkey::UserIdentifier &who);
    //! Looks up the passkey with \a passkeyId, then its owner and their passkeys.
    void findByPasskey(const QString &passkeyId);
    //! Fetches the shown user and their passkeys again.
    void refresh();
    //! Shows \a user, whom the caller already has (just created), and loads their passkeys.
    void show(const plainkey::User &user);
    //! Shows nobody (the user was deleted); answers still in flight are dropped.
    void clear();
    //! A changed copy of the shown user (renamed): replaces it when it is the same user.
    //! False when another user (or nobody) is on show.
    bool updateUser(const plainkey::User &user);
    //! A passkey of the shown user was deleted or relabelled: keeps the list in step.
    void forgetPasskey(const QString &passkeyId);
    void relabelPasskey(const QString &passkeyId, const std::optional<QString> &label);

signals:
    //! Another user, or nobody, is on show; their passkeys are not loaded yet.
    void userChanged();
    //! A lookup found this user (now on show); their passkeys are being loaded.
    void userFound(const plainkey::User &user);
    //! A lookup failed (never for a lookup that was replaced or cancelled): nobody is on show,
    //! except for an identifier refused before sending (InvalidInput), which changes nothing.
    void lookupFailed(const plainkey::ApiError &error);
    //! A passkey lookup found \a passkey; its owner is being looked up next.
    void passkeyFound(const plainkey::Passkey &passkey);
    //! The shown user's passkeys were loaded (or reloaded).
    void passkeysListed();
    void passkeysFailed(const plainkey::ApiError &error);
    void busyChanged(bool busy);

private:
    void setUser(const std::optional<User> &user);
    void loadPasskeys();
    void beginBusy();
    void endBusy();

    PlainKeyClient *m_client;
    std::optional<User> m_user;
    QList<Passkey> m_passkeys;
    bool m_passkeysLoaded = false;
    QPointer<ApiCall> m_lookup;
    //! Bumped by every lookup and every change of the shown user: answers carry the serial they
    //! were asked under and are dropped when it is no longer current.
    quint64 m_serial = 0;
    int m_busy = 0;
};

} // namespace plainkey
