#pragma once

#include "api/plainkeyclient.h"
#include "api/credentials.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QLabel;

namespace Ui {
class ConnectionPanel;
}

namespace plainkey::gui {

//! Base URL, project ID and client secret, checked before anything is sent; Connect applies
//! them to the client and fetches the access token. The secret stays in memory.
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

private:
    void showProblems(bool includeEmpty);
    void setProblem(QLabel *label, const QString &text);
    void updateInsecureOption();
    void updateBusy();
    void onTokenRefreshed();
    void onFetchFailed(const plainkey::ApiError &error);
    void setStatus(const QString &text, int tone);

    std::unique_ptr<Ui::ConnectionPanel> ui;
    QPointer<PlainKeyClient> m_client;
    bool m_attempted = false;
    bool m_awaitingFirstToken = false;
    int m_statusTone = -1;
};

} // namespace plainkey::gui
