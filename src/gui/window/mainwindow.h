#pragma once

#include "core/api/credentials.h"
#include "core/diagnose/finding.h"
#include "core/history/historyretention.h"
#include "core/net/destination.h"
#include "core/profile/profile.h"
#include "gui/demo/demosession.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>

#include <functional>

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
class ProfileStore;
class SecretStore;
class HistoryWriter;
namespace emulator {
struct EmulatorConfig;
}
}

namespace plainkey::gui {

class AccessTokenPanel;
class ConnectionPanel;
class LogPanel;
class TroubleshooterPanel;
class PresenterMode;
class ProfileBar;
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
    //! Start in presenter mode (--presenter).
    bool presenter = false;
    //! The named profiles' file; empty: ProfileStore::defaultPath() with useSettings, no
    //! profiles (the switcher hidden) without.
    QString profilesFile;
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
    TroubleshooterPanel *troubleshooterPanel() const { return m_troubleshooter; }

    //! Where requests go now, as the banner says it (core decides: plainkey::Destination).
    using Destination = plainkey::Destination::Kind;
    Destination destination() const;
    //! Where requests go now, with the base URL, project and whether it is plain http.
    plainkey::Destination destinationDetails() const;
    QString bannerText() const;

    //! Presenter mode (View > Presenter mode): ask it whether it is on and to mask text.
    PresenterMode *presenterMode() const { return m_presenter; }
    //! Where File > Save support bundle… gets the troubleshooter's findings from (its last run).
    void setFindingsProvider(std::function<Findings()> provider) { m_findingsProvider = std::move(provider); }
    ProfileBar *profileBar() const { return m_profileBar; }
    //! The profile chosen in the switcher, if any (the banner names it once connected to it).
    std::optional<Profile> activeProfile() const;
    //! Applies profile \a name: its base URL and project ID, the secret from the keychain (or
    //! typed earlier in this session), the Users tab's change guard for production. Connects
    //! when \a connectNow and a secret is at hand; otherwise asks for the secret.
    bool switchToProfile(const QString &name, bool connectNow = true);

public slots:
    //! Starts the emulator if needed and fills in the demo credentials; \a connectNow also connects.
    bool useDemo(bool connectNow = true);
    void cancelAll();
    void exportHar();
    //! File > Save support bundle…: opens the dialog (non-modal, object name "supportBundleDialog").
    void saveSupportBundle();
    void resetLayout();

protected:
    void showEvent(QShowEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void setupHistory();
    //! Hands the retention in the settings (or the defaults) to the history writer.
    void applyHistoryRetention();
    //! Log > History settings…: asks for the retention, saves it and applies it at once.
    void editHistorySettings();
    void setupActions();
    //! Save support bundle… and Presenter mode, added to the menus from code.
    void setupSupportActions();
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
    void setupProfiles();
    void clearActiveProfile();
    //! The profile shown by the banner: the active one, when the client is connected to it.
    std::optional<Profile> connectedProfile() const;
    void onProfileEdited(const QString &oldName, const plainkey::Profile &profile);
    void onProfileKeychainRead(bool ok, const QString &message);
    void showAbout();

    std::unique_ptr<Ui::MainWindow> ui;
    ConsoleOptions m_options;
    PlainKeyClient *m_client;
    //! The request history's writer (owned; see setupHistory).
    HistoryWriter *m_history = nullptr;
    //! The history's retention (Log > History settings…); zero turns a limit off.
    HistoryRetention m_historyRetention;
    QPointer<DemoSession> m_demo;
    UsersPanel *m_users = nullptr;
    TroubleshooterPanel *m_troubleshooter = nullptr;
    QProgressBar *m_busyBar = nullptr;
    QLabel *m_busyLabel = nullptr;
    QToolButton *m_cancelButton = nullptr;
    PresenterMode *m_presenter = nullptr;
    std::function<Findings()> m_findingsProvider;
    bool m_layoutDone = false;
    bool m_splittersRestored = false;
    SecretStore *m_secrets = nullptr;
    std::unique_ptr<ProfileStore> m_profileStore;
    ProfileBar *m_profileBar = nullptr;
    QString m_activeProfile;
    //! Secrets typed for a profile in this session, so switching away and back keeps them (memory only).
    QHash<QString, QString> m_typedSecrets;
    //! The profile whose keychain read is in flight after a switch, and whether to connect then.
    QString m_pendingKeychainProfile;
    bool m_connectAfterKeychain = false;
};

} // namespace plainkey::gui
