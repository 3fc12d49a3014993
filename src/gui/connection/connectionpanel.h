#pragma once

#include "core/api/credentials.h"
#include "core/api/plainkeyclient.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QLabel;

namespace Ui {
class ConnectionPanel;
}

namespace plainkey {
class SecretStore;
}

namespace plainkey::gui {

//! Base URL, project ID and client secret, checked before anything is sent; Connect applies
//! them to the client and fetches the access token. The secret stays in memory unless the
//! user ticks "Remember in the system keychain": then a Connect that succeeds saves it there,
//! and a Connect with the box cleared removes a secret saved before.
class ConnectionPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionPanel(QWidget *parent = nullptr);
    ~ConnectionPanel() override;

    void setClient(PlainKeyClient *client);
    //! Offers the "Use demo" button (the emulator can run in this process).
    void setDemoAvailable(bool available);

    //! Fills the form (does not connect). The secret may be empty: a saved connection has none.
    void setCredentials(const Credentials &credentials);
    //! What the form holds now.
    Credentials enteredCredentials() const;
    bool insecureHttpAllowed() const;
    //! Shows the problems of the form beside their fields; true when there are none.
    bool validate();
    bool isConnecting() const;

    //! Offers "Remember in the system keychain" (null: no keychain, the box is hidden).
    void setSecretStore(SecretStore *store);
    bool rememberSecret() const;
    //! Fills in the secret saved in the keychain for the form's project, if any (asynchronous;
    //! keychainFinished reports the outcome). Does nothing when a secret is already entered.
    void loadSavedSecret();
    //! The keychain entry the form's secret is read from and remembered in (a profile's);
    //! empty: the entry of the form's base URL and project ID.
    void setKeychainKey(const QString &key);
    QString keychainKey() const { return m_keychainKey; }

public slots:
    //! Checks the form, applies it to the client and fetches an access token.
    void connectToProject();
    //! Stops fetching the access token.
    void cancel();
    //! Puts the cursor in the first field that needs input.
    void focusForm();
    //! Focus for a fresh window: Connect when the form is complete, else the first field to fill.
    void focusStart();

signals:
    //! The client now uses \a credentials (the token fetch has started).
    void connectionApplied(const plainkey::Credentials &credentials);
    void demoRequested();
    void statusMessage(const QString &text, int timeoutMs);
    //! A keychain read, save or removal finished; \a message says what happened (empty when
    //! nothing was saved for the project).
    void keychainFinished(bool ok, const QString &message);
    //! The read of loadSavedSecret() finished: \a ok when the secret was filled in (then
    //! keychainFinished follows the same way; this one never reports a save or a removal).
    void savedSecretLoaded(bool ok, const QString &message);

private:
    void showProblems(bool includeEmpty);
    void setProblem(QLabel *label, const QString &text);
    void updateInsecureOption();
    void updateBusy();
    void onTokenRefreshed();
    void onFetchFailed(const plainkey::ApiError &error);
    void setStatus(const QString &text, int tone);
    void updateKeychain(const plainkey::Credentials &connected);
    QString keychainKeyFor(const plainkey::Credentials &credentials) const;

    std::unique_ptr<Ui::ConnectionPanel> ui;
    QPointer<PlainKeyClient> m_client;
    QPointer<SecretStore> m_secrets;
    //! The keychain entry this panel read or wrote, so clearing the box removes only that.
    QString m_savedKey;
    //! Set by setKeychainKey(): used instead of the per-project entry.
    QString m_keychainKey;
    bool m_attempted = false;
    bool m_awaitingFirstToken = false;
    int m_statusTone = -1;
};

} // namespace plainkey::gui
