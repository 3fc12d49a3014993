#pragma once

#include "core/profile/changeguard.h"
#include "core/users/user.h"
#include "core/users/useridentifier.h"

#include <QWidget>

#include <memory>
#include <optional>

class QSortFilterProxyModel;

namespace Ui {
class UsersPanel;
}

namespace plainkey {
class ApiCall;
class ApiError;
class PlainKeyClient;
struct Passkey;
class UserSession;
}

namespace plainkey::gui {

class PasskeyTableModel;

//! The Users tab: find a user, read and change their passkeys.
class UsersPanel : public QWidget
{
    Q_OBJECT
public:
    explicit UsersPanel(PlainKeyClient *client, QWidget *parent = nullptr);
    ~UsersPanel() override;

    //! The user on show, if any.
    const std::optional<User> &currentUser() const;
    PasskeyTableModel *passkeyModel() const { return m_model; }
    //! The passkey selected in the table, or nullptr.
    const Passkey *selectedPasskey() const;
    //! Selects the passkey with \a id in the table; false when it is not shown.
    bool selectPasskey(const QString &id);
    //! False against a production profile until changes are unlocked for the session.
    bool changesAllowed() const { return m_guard->changesAllowed(); }
    //! The production lock this panel obeys (core decides; the panel shows and asks).
    ChangeGuard *changeGuard() const { return m_guard; }
    //! The user on show and their passkeys (core looks up; the panel shows).
    UserSession *session() const { return m_session; }
    bool isBusy() const { return m_busy > 0; }

public slots:
    //! Looks up and shows the user with this ID (e.g. from a verified token).
    void showUser(const QString &userId);
    //! Against a production profile, destructive actions stay locked until unlocked for the session.
    //! Each call starts a new session: changes lock again.
    void setProductionProfile(bool production);

    //! Looks up and shows the user \a who names.
    void findUser(const plainkey::UserIdentifier &who);
    //! Puts the keyboard focus in the find field (Ctrl+3).
    void focusFind();
    //! Reads the find field and looks the user up (the Find button).
    void find();
    //! Fetches the shown user and their passkeys again.
    void refresh();
    //! Asks to unlock changes against production for this session (the Unlock button).
    void requestUnlock();
    //! Unlocks changes for this session without asking (after the person confirmed).
    void unlockChanges();
    void lockChanges();

    // Each opens its dialog (window-modal, not blocking) and acts when it is accepted.
    void createUser();
    void renameUser();
    void deleteUser();
    void relabelSelectedPasskey();
    void deleteSelectedPasskey();
    void beginRegistration();
    void openImport();

signals:
    //! A message for the main window's status bar.
    void statusMessage(const QString &text, int timeoutMs);
    //! A user and their passkeys are on show (empty ID: none).
    void userShown(const QString &userId);
    //! Passkeys of the shown user were loaded (or reloaded).
    void passkeysLoaded(int count);
    void busyChanged(bool busy);

private:
    void onUserChanged();
    void onPasskeysLoaded();
    void updateActions();
    void updateLock();
    void updateDetails();
    void updatePasskeySummary();
    void showStatus(const QString &text);
    void showError(const ApiError &error);
    void showRefusal(const QString &text);
    bool refuseIfLocked(const QString &what);
    void beginBusy();
    void endBusy();
    QString userText(const User &user) const;

    void findPasskey(const QString &passkeyId);
    void updateFindPlaceholder();

    std::unique_ptr<Ui::UsersPanel> m_ui;
    //! A passkey to select once its owner's passkeys are listed (find by passkey ID).
    QString m_passkeyToSelect;
    PlainKeyClient *m_client;
    PasskeyTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    int m_busy = 0;
    ChangeGuard *m_guard;
    UserSession *m_session;
};

} // namespace plainkey::gui
