#pragma once

#include "api/credentials.h"
#include "demo/demosession.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>
#include <optional>

class QLabel;
class QProgressBar;
class QToolButton;

namespace Ui {
class MainWindow;
}

namespace plainkey {
class PlainKeyClient;
class HistoryWriter;
namespace emulator {
struct EmulatorConfig;
}
}

namespace plainkey::gui {

class AccessTokenPanel;
class ConnectionPanel;
class LogPanel;
class UsersPanel;
class VerifyPanel;
struct DemoSignIn;

//! How the console starts.
struct ConsoleOptions
{
    enum class Start {
        Auto, //!< the saved connection if there is one, else the demo
        Demo, //!< the demo, whatever was saved
        Saved //!< the saved connection (an empty form if none), no emulator until asked for
    };
    Start start = Start::Auto;
    //! Emulator settings for the demo (tests shorten token lifetimes); empty: the emulator's defaults.
    std::shared_ptr<const emulator::EmulatorConfig> demoConfig;
    //! Read and write window layout and the connection in QSettings.
    bool useSettings = true;
    //! The keychain service that remembers client secrets when the user asks; empty: no
    //! keychain (the "Remember" box is hidden). Only used with useSettings.
    QString keychainService = QStringLiteral("PlainKey Console");
};

//! The console: where requests go (banner), connection and access token on the left,
//! Verify and Users tabs, and the request log. One PlainKey client per window.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const ConsoleOptions &options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    PlainKeyClient *client() const { return m_client; }
    DemoSession *demo() const { return m_demo; }
    ConnectionPanel *connectionPanel() const;
    AccessTokenPanel *tokenPanel() const;
    VerifyPanel *verifyPanel() const;
    LogPanel *logPanel() const;
    UsersPanel *usersPanel() const { return m_users; }

    //! Where requests go now, as the banner says it.
    enum class Destination { NotConnected, Demo, Local, Live };
    Destination destination() const;
    QString bannerText() const;

public slots:
    //! Starts the emulator if needed and fills in the demo credentials; \a connectNow also connects.
    bool useDemo(bool connectNow = true);
    void cancelAll();
    void exportHar();
    void resetLayout();

protected:
    void showEvent(QShowEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void setupHistory();
    void setupActions();
    void setupStatusBar();
    void restoreSettings();
    void saveSettings() const;
    void onConnectionApplied(const Credentials &credentials);
    void updateBanner();
    void updateBusy(int inFlight);
    void updateDemoControls();
    //! Opens the demo emulator's sample sign-in page in the system browser.
    void openSignInPage();
    //! A browser got a token from the demo emulator: offer it on the Verify tab, refresh the user.
    void onBrowserSignIn(const plainkey::gui::DemoSignIn &signIn);
    void showStatus(const QString &text, int timeoutMs);
    void showShortcuts();
    void showAbout();

    std::unique_ptr<Ui::MainWindow> ui;
    ConsoleOptions m_options;
    PlainKeyClient *m_client;
    //! The request history's writer (owned; see setupHistory).
    HistoryWriter *m_history = nullptr;
    QPointer<DemoSession> m_demo;
    UsersPanel *m_users = nullptr;
    QProgressBar *m_busyBar = nullptr;
    QLabel *m_busyLabel = nullptr;
    QToolButton *m_cancelButton = nullptr;
    bool m_layoutDone = false;
    bool m_splittersRestored = false;
};

} // namespace plainkey::gui
