#include "gui/window/mainwindow.h"

#include "core/history/historywriter.h"
#include "ui_mainwindow.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/export/harexporter.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"
#include "core/profile/profilestore.h"
#include "core/profile/secretstore.h"
#include "gui/bundle/supportbundledialog.h"
#include "gui/connection/connectionpanel.h"
#include "gui/demo/demosession.h"
#include "gui/layout/scrollwidthkeeper.h"
#include "gui/log/historysettingsdialog.h"
#include "gui/log/logpanel.h"
#include "gui/presenter/presentermode.h"
#include "gui/profile/profilebar.h"
#include "gui/theme/theme.h"
#include "gui/token/accesstokenpanel.h"
#include "gui/troubleshoot/troubleshooterpanel.h"
#include "gui/users/userspanel.h"
#include "gui/verify/verifypanel.h"

#include "gui/text/wording.h"

#include <QActionGroup>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace plainkey::gui {

namespace {
namespace keys {
const QString baseUrl = QStringLiteral("connection/baseUrl");
const QString projectId = QStringLiteral("connection/projectId");
const QString demo = QStringLiteral("connection/demo");
const QString geometry = QStringLiteral("window/geometry");
const QString mainSplitter = QStringLiteral("window/mainSplitter");
const QString windowState = QStringLiteral("window/state");
const QString tab = QStringLiteral("window/tab");
const QString logLayout = QStringLiteral("log/layout");
const QString verifyLayout = QStringLiteral("verify/layout");
const QString autoRefresh = QStringLiteral("token/autoRefresh");
const QString theme = QStringLiteral("view/theme");
const QString activeProfile = QStringLiteral("profiles/active");
} // namespace keys

//! The request log dock's default share of the height below the banner, in percent.
constexpr int kLogSharePercent = 28;
//! Version of the dock layout in QSettings (QMainWindow::saveState); a different one is ignored.
constexpr int kWindowStateVersion = 1;
} // namespace

void MainWindow::setupHistory()
{
    // Every exchange also goes to the request history, written on the writer's own thread:
    // opening the file (and moving a damaged one aside) never delays the window.
    m_history = new HistoryWriter(HistoryStore::defaultPath(), this);
    if (m_options.useSettings)
        m_historyRetention = HistoryRetention::load(QSettings());
    applyHistoryRetention();
    m_history->setProfileName(QStringLiteral("default"));
    m_history->attach(m_client->exchangeLog());
    connect(m_history, &HistoryWriter::notice, this, [this](const QString &message) { showStatus(message, 0); });
    ui->logPanel->setHistoryWriter(m_history);
    ui->actionClearHistory->setEnabled(true);
    ui->actionHistorySettings->setEnabled(true);
    connect(ui->actionHistorySettings, &QAction::triggered, this, &MainWindow::editHistorySettings);
}

void MainWindow::applyHistoryRetention()
{
    m_history->setRetention(m_historyRetention.maxAge(), m_historyRetention.maxBytes());
}

void MainWindow::editHistorySettings()
{
    if (!m_history)
        return;
    HistorySettingsDialog dialog(m_history->path(), m_historyRetention, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_historyRetention = dialog.retention();
    if (m_options.useSettings) {
        QSettings settings;
        m_historyRetention.save(settings);
    }
    applyHistoryRetention();
    showStatus(tr("The request history keeps %1, at most %2. What is past that is being deleted.")
                       .arg(m_historyRetention.maxAgeDays > 0 ? tr("%n day(s)", nullptr, m_historyRetention.maxAgeDays) : tr("exchanges of any age"),
                            m_historyRetention.maxMegabytes > 0 ? tr("%1 MB").arg(m_historyRetention.maxMegabytes) : tr("any size")),
               6000);
}

MainWindow::MainWindow(const ConsoleOptions &options, QWidget *parent)
    : QMainWindow(parent), ui(std::make_unique<Ui::MainWindow>()), m_options(options), m_client(new PlainKeyClient(this))
{
    ui->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/plainkey/console/icons/plainkey.png")));

    ui->connectionPanel->setClient(m_client);
    if (m_options.useSettings && !m_options.keychainService.isEmpty()) {
        m_secrets = new SecretStore(m_options.keychainService, this);
        ui->connectionPanel->setSecretStore(m_secrets);
    }
    ui->tokenPanel->setTokenManager(m_client->accessToken());
    ui->verifyPanel->setClient(m_client);
    ui->logPanel->setExchangeLog(m_client->exchangeLog());
    setupHistory();
    m_users = new UsersPanel(m_client, ui->usersTab);
    ui->usersTabLayout->addWidget(m_users);
    m_troubleshooter = new TroubleshooterPanel(m_client, ui->troubleshootTab);
    ui->troubleshootTabLayout->addWidget(m_troubleshooter);
    // A support bundle carries the troubleshooter's last run (a run still going: what it found so far).
    setFindingsProvider([this] { return m_troubleshooter->diagnosis()->findings(); });
    m_client->accessToken()->setAutoRefresh(true);

    connect(ui->connectionPanel, &ConnectionPanel::connectionApplied, this, &MainWindow::onConnectionApplied);
    connect(ui->connectionPanel, &ConnectionPanel::demoRequested, this, [this] { useDemo(true); });
    connect(ui->connectionPanel, &ConnectionPanel::statusMessage, this, &MainWindow::showStatus);
    connect(ui->tokenPanel, &AccessTokenPanel::statusMessage, this, &MainWindow::showStatus);
    connect(ui->verifyPanel, &VerifyPanel::statusMessage, this, &MainWindow::showStatus);
    connect(ui->logPanel, &LogPanel::statusMessage, this, &MainWindow::showStatus);
    connect(m_users, &UsersPanel::statusMessage, this, &MainWindow::showStatus);
    connect(ui->verifyPanel, &VerifyPanel::showUserRequested, this, [this](const QString &userId) {
        ui->tabWidget->setCurrentWidget(ui->usersTab);
        m_users->showUser(userId);
    });
    const auto showExchange = [this](quint64 id) {
        ui->logDock->show();
        ui->logPanel->showExchange(id);
        ui->logPanel->focusTable();
    };
    connect(ui->verifyPanel, &VerifyPanel::showExchangeRequested, this, showExchange);
    connect(m_troubleshooter, &TroubleshooterPanel::showExchangeRequested, this, showExchange);
    connect(m_troubleshooter, &TroubleshooterPanel::statusMessage, this, &MainWindow::showStatus);
    connect(m_client->transport(), &Transport::inFlightChanged, this, &MainWindow::updateBusy);
    connect(m_client, &PlainKeyClient::activeCallsChanged, this, [this] { updateBusy(m_client->transport()->inFlight()); });

    ui->mainSplitter->setStretchFactor(0, 0);
    ui->mainSplitter->setStretchFactor(1, 1);
    // The request log's own toolbar names it: no title bar over it (room for rows at 640 px).
    ui->logDock->setTitleBarWidget(new QWidget(ui->logDock));
    setupActions();
    setupSupportActions();
    setupStatusBar();
    setupProfiles();
    // The left column scrolls vertically only: never narrower than its panels need.
    ScrollWidthKeeper::keep(ui->leftScroll);

    if (m_options.useSettings)
        restoreSettings();

    const QSettings settings;
    const bool haveSaved = m_options.useSettings && !settings.value(keys::demo, true).toBool()
            && !settings.value(keys::baseUrl).toString().isEmpty();
    const QString lastProfile = m_profileStore && m_options.useSettings ? settings.value(keys::activeProfile).toString() : QString();
    const bool haveProfile = !lastProfile.isEmpty() && m_profileStore->contains(lastProfile);
    const bool demo = m_options.start == ConsoleOptions::Start::Demo
            || (m_options.start == ConsoleOptions::Start::Auto && !haveSaved && !haveProfile);
    ui->connectionPanel->setDemoAvailable(true);
    if (demo) {
        if (useDemo(false))
            showStatus(tr("Demo project ready on the built-in emulator: press Connect (Enter) to fetch an access token."), 0);
    } else if (haveProfile) {
        switchToProfile(lastProfile, false);
    } else {
        Credentials saved;
        if (m_options.useSettings) {
            saved.baseUrl = QUrl(settings.value(keys::baseUrl).toString());
            saved.projectId = settings.value(keys::projectId).toString();
        }
        ui->connectionPanel->setCredentials(saved);
        if (haveSaved)
            ui->connectionPanel->loadSavedSecret();
        showStatus(haveSaved ? tr("Enter the client secret of project %1 and press Connect.").arg(saved.projectId)
                             : tr("Enter your project's credentials, or use the demo (Ctrl+Shift+D)."),
                   0);
    }
    if (m_profileStore && !m_profileStore->errorString().isEmpty())
        showStatus(m_profileStore->errorString(), 0); // more important than how the window starts
    updateBanner();
    updateDemoControls();
    updateBusy(0);
    if (m_options.presenter)
        m_presenter->setOn(true);
    ui->connectionPanel->focusStart();
}

MainWindow::~MainWindow()
{
    // Calls in flight must not call back into panels being destroyed.
    m_troubleshooter->cancel();
    m_client->cancelAll();
}

ConnectionPanel *MainWindow::connectionPanel() const
{
    return ui->connectionPanel;
}

AccessTokenPanel *MainWindow::tokenPanel() const
{
    return ui->tokenPanel;
}

VerifyPanel *MainWindow::verifyPanel() const
{
    return ui->verifyPanel;
}

LogPanel *MainWindow::logPanel() const
{
    return ui->logPanel;
}

void MainWindow::setupActions()
{
    connect(ui->actionExportHar, &QAction::triggered, this, &MainWindow::exportHar);
    connect(ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(ui->actionConnect, &QAction::triggered, ui->connectionPanel, &ConnectionPanel::connectToProject);
    connect(ui->actionRefreshToken, &QAction::triggered, ui->tokenPanel, &AccessTokenPanel::refreshNow);
    connect(ui->actionCancel, &QAction::triggered, this, &MainWindow::cancelAll);
    connect(ui->actionUseDemo, &QAction::triggered, this, [this] { useDemo(true); });
    connect(ui->actionSlow, &QAction::toggled, ui->slowCheck, &QCheckBox::setChecked);
    connect(ui->slowCheck, &QCheckBox::toggled, this, [this](bool slow) {
        ui->actionSlow->setChecked(slow);
        if (m_demo && m_demo->isSlow() != slow) {
            m_demo->setSlow(slow);
            showStatus(slow ? tr("PlainKey is slow: the demo emulator now answers every request %1 s late. Esc cancels what is in flight.")
                                      .arg(DemoSession::slowLatencyMs / 1000)
                            : tr("PlainKey answers at full speed again."),
                       6000);
        }
    });
    connect(ui->actionVerify, &QAction::triggered, this, [this] {
        ui->tabWidget->setCurrentWidget(ui->verifyTab);
        ui->verifyPanel->verify();
    });
    connect(ui->actionSimulateSignIn, &QAction::triggered, this, [this] {
        ui->tabWidget->setCurrentWidget(ui->verifyTab);
        ui->verifyPanel->simulateSignIn();
    });
    connect(ui->actionOpenSignInPage, &QAction::triggered, this, &MainWindow::openSignInPage);
    connect(ui->verifyPanel, &VerifyPanel::signInPageRequested, this, &MainWindow::openSignInPage);
    connect(ui->actionChangeCharacter, &QAction::triggered, this, [this] {
        ui->tabWidget->setCurrentWidget(ui->verifyTab);
        ui->verifyPanel->changeOneCharacter();
    });
    connect(ui->actionFilterLog, &QAction::triggered, ui->logPanel, &LogPanel::focusFilter);
    connect(ui->actionCopyCurl, &QAction::triggered, ui->logPanel, &LogPanel::copyAsCurl);
    connect(ui->actionFollowNewest, &QAction::toggled, ui->logPanel, &LogPanel::setFollowNewest);
    connect(ui->logPanel, &LogPanel::followNewestChanged, ui->actionFollowNewest, &QAction::setChecked);
    connect(ui->actionClearLog, &QAction::triggered, ui->logPanel, &LogPanel::clear);
    connect(ui->actionClearHistory, &QAction::triggered, ui->logPanel, &LogPanel::clearHistory);
    connect(ui->actionFocusConnection, &QAction::triggered, ui->connectionPanel, &ConnectionPanel::focusForm);
    connect(ui->actionFocusVerify, &QAction::triggered, this, [this] {
        ui->tabWidget->setCurrentWidget(ui->verifyTab);
        ui->verifyPanel->focusToken();
    });
    connect(ui->actionFocusUsers, &QAction::triggered, this, [this] {
        ui->tabWidget->setCurrentWidget(ui->usersTab);
        m_users->focusFind();
    });
    connect(ui->actionFocusLog, &QAction::triggered, this, [this] {
        ui->logDock->show(); // a hidden log comes back where it was
        ui->logPanel->focusTable();
    });
    connect(ui->actionFocusTroubleshooter, &QAction::triggered, this, [this] {
        ui->tabWidget->setCurrentWidget(ui->troubleshootTab);
        m_troubleshooter->focusStart();
    });
    connect(ui->actionTroubleshootToken, &QAction::triggered, this, [this] {
        const QString token = ui->verifyPanel->normalizedToken();
        if (token.isEmpty()) {
            showStatus(tr("The Verify tab holds no token to troubleshoot: paste one there or in the Troubleshooter."), 6000);
            return;
        }
        const auto &verified = ui->verifyPanel->lastResult();
        m_troubleshooter->setUser(verified && verified->valid ? verified->userId : QString(), false);
        m_troubleshooter->setToken(token);
        ui->tabWidget->setCurrentWidget(ui->troubleshootTab);
        // Not run by itself: the checks verify the token again, and it may be single use.
        m_troubleshooter->focusRun();
    });
    connect(ui->actionTroubleshootUser, &QAction::triggered, this, [this] {
        const auto &user = m_users->currentUser();
        if (!user) {
            showStatus(tr("The Users tab shows no user to troubleshoot: find one there, or name them in the Troubleshooter."), 6000);
            return;
        }
        m_troubleshooter->setUser(user->id, false);
        m_troubleshooter->setToken({});
        ui->tabWidget->setCurrentWidget(ui->troubleshootTab);
        m_troubleshooter->focusRun();
        m_troubleshooter->run(); // only reads
    });

    auto *themes = new QActionGroup(this);
    themes->setExclusive(true);
    const std::pair<QAction *, Theme::Mode> themeActions[] = {
            {ui->actionThemeSystem, Theme::Mode::System}, {ui->actionThemeLight, Theme::Mode::Light}, {ui->actionThemeDark, Theme::Mode::Dark}};
    for (const auto &[action, mode] : themeActions) {
        themes->addAction(action);
        action->setChecked(Theme::current() == mode);
        connect(action, &QAction::triggered, this, [this, mode = mode] {
            Theme::apply(mode);
            updateBanner();
            if (m_options.useSettings)
                QSettings().setValue(keys::theme, Theme::modeName(mode));
        });
    }
    connect(ui->actionResetLayout, &QAction::triggered, this, &MainWindow::resetLayout);
    // Show or hide the request log; the dock keeps the share the person gave it.
    QAction *showLog = ui->logDock->toggleViewAction();
    showLog->setObjectName(QStringLiteral("actionShowLog"));
    showLog->setText(tr("Show the request lo&g"));
    showLog->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    ui->menuView->insertAction(ui->actionResetLayout, showLog);
    connect(ui->actionShortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    connect(ui->actionAbout, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::setupSupportActions()
{
    auto *bundle = new QAction(tr("Save &support bundle…"), this);
    bundle->setObjectName(QStringLiteral("actionSaveSupportBundle"));
    bundle->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+S")));
    bundle->setToolTip(tr("Save this session as one HTML file for a support ticket: findings, versions, destination, clock "
                          "skew and every request; secrets redacted, personal data masked"));
    ui->menuFile->insertAction(ui->actionExportHar, bundle);
    connect(bundle, &QAction::triggered, this, &MainWindow::saveSupportBundle);

    m_presenter = new PresenterMode(this, this);
    m_presenter->setSession(&m_client->transport()->redactor(), m_client->exchangeLog());
    auto *presenter = new QAction(tr("&Presenter mode"), this);
    presenter->setObjectName(QStringLiteral("actionPresenterMode"));
    presenter->setCheckable(true);
    presenter->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+P")));
    presenter->setToolTip(tr("For demos and screen sharing: secrets, tokens, user IDs, e-mail and IP addresses masked "
                             "everywhere, a larger font"));
    ui->menuView->addSeparator();
    ui->menuView->addAction(presenter);
    connect(presenter, &QAction::toggled, m_presenter, &PresenterMode::setOn);
    connect(m_presenter, &PresenterMode::toggled, presenter, &QAction::setChecked);
    connect(m_presenter, &PresenterMode::toggled, this, [this](bool on) {
        updateBanner();
        showStatus(on ? tr("Presenter mode: secrets, user IDs, e-mail and IP addresses are masked on screen; Copy still copies "
                           "the real value. Ctrl+Shift+P turns it off.")
                      : tr("Presenter mode is off: values are shown as they are."),
                   6000);
    });
    connect(m_presenter, &PresenterMode::notice, this, [this](const QString &text) {
        const QString current = statusBar()->currentMessage();
        showStatus(current.isEmpty() ? text : text + QLatin1Char(' ') + current, 8000);
    });
}

void MainWindow::setupStatusBar()
{
    m_busyLabel = new QLabel(this);
    m_busyBar = new QProgressBar(this);
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setFixedSize(80, 10);
    m_busyBar->setAccessibleName(tr("Requests in flight"));
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setDefaultAction(ui->actionCancel);
    m_cancelButton->setText(tr("Cancel (Esc)"));
    m_cancelButton->setAutoRaise(true);
    statusBar()->addPermanentWidget(m_busyLabel);
    statusBar()->addPermanentWidget(m_busyBar);
    statusBar()->addPermanentWidget(m_cancelButton);
}

void MainWindow::updateBusy(int inFlight)
{
    const bool busy = inFlight > 0;
    m_busyLabel->setVisible(busy);
    m_busyBar->setVisible(busy);
    m_cancelButton->setVisible(busy);
    ui->actionCancel->setEnabled(busy || m_client->activeCalls() > 0);
    m_busyLabel->setText(tr("%1 in flight").arg(countOf(inFlight, tr("request"), tr("requests"))));
}

void MainWindow::cancelAll()
{
    const int count = m_client->transport()->inFlight();
    // First, or the troubleshooter would take its cancelled call as a finding and go on.
    m_troubleshooter->cancel();
    m_client->cancelAll();
    m_client->transport()->cancelAll();
    if (count > 0)
        showStatus(tr("Cancelled %1.").arg(countOf(count, tr("request"), tr("requests"))), 4000);
}

bool MainWindow::useDemo(bool connectNow)
{
    if (!m_demo) {
        auto *demo = new DemoSession(this);
        const bool started = m_options.demoConfig ? demo->start(*m_options.demoConfig) : demo->start();
        if (!started) {
            showStatus(tr("The demo could not start: %1").arg(demo->errorString()), 0);
            delete demo;
            return false;
        }
        m_demo = demo;
        connect(m_demo, &DemoSession::slowChanged, ui->slowCheck, &QCheckBox::setChecked);
        connect(m_demo, &DemoSession::browserSignedIn, this, &MainWindow::onBrowserSignIn);
    }
    clearActiveProfile();
    if (m_profileBar)
        m_profileBar->setDemoCurrent();
    ui->connectionPanel->setCredentials(m_demo->credentials());
    updateBanner();
    updateDemoControls();
    if (connectNow)
        ui->connectionPanel->connectToProject();
    return true;
}

void MainWindow::openSignInPage()
{
    if (!m_demo || destination() != Destination::Demo) {
        showStatus(tr("The sample sign-in page belongs to the demo: use the demo first (Ctrl+Shift+D)."), 6000);
        return;
    }
    const QUrl url = m_demo->signInPageUrl();
    if (QDesktopServices::openUrl(url))
        showStatus(tr("Opened %1 in your browser. Sign up or sign in there with a passkey; the token will be offered on the Verify tab.")
                           .arg(url.toDisplayString()),
                   10000);
    else
        showStatus(tr("No browser could be started for %1: open that address in a browser on this computer yourself.")
                           .arg(url.toDisplayString()),
                   0);
}

void MainWindow::onBrowserSignIn(const DemoSignIn &signIn)
{
    // The token is a secret from the moment it exists: redacted wherever the log shows it.
    m_client->transport()->addSecret(SecretKind::AuthenticationToken, signIn.token.toUtf8());
    if (destination() != Destination::Demo)
        return;
    ui->verifyPanel->offerBrowserToken(signIn);
    // The Users tab follows: the user on show gets their new passkey or last use; an empty tab
    // shows the person who just signed in.
    const auto &shown = m_users->currentUser();
    if (shown && shown->id == signIn.userId)
        m_users->refresh();
    else if (!shown && !m_users->isBusy())
        m_users->showUser(signIn.userId);
}

void MainWindow::onConnectionApplied(const Credentials &credentials)
{
    // Edited by hand to another server or project: no longer the profile.
    const auto profile = activeProfile();
    if (profile && !profile->matches(credentials))
        clearActiveProfile();
    const bool demo = m_demo && m_demo->owns(credentials);
    if (m_profileBar && demo)
        m_profileBar->setDemoCurrent();
    // A profile's kind is what the user said it is; without one, anything but the demo or a
    // server on this computer is production: changes lock.
    const auto chosen = activeProfile();
    // The history files each exchange under the profile it was made with.
    if (m_history)
        m_history->setProfileName(chosen ? chosen->name : demo ? QStringLiteral("demo") : QStringLiteral("default"));
    if (chosen)
        m_users->changeGuard()->setProduction(chosen->kind == Profile::Kind::Production);
    else
        m_users->changeGuard()->setDestination(plainkey::Destination::classify(
                credentials, m_demo && m_demo->isRunning() ? std::optional<QUrl>(m_demo->credentials().baseUrl) : std::nullopt));
    updateBanner();
    updateDemoControls();
    if (!m_options.useSettings)
        return;
    QSettings settings;
    settings.setValue(keys::demo, demo);
    if (!demo) {
        // Where and which project, never the secret.
        settings.setValue(keys::baseUrl, credentials.baseUrl.toString());
        settings.setValue(keys::projectId, credentials.projectId);
    }
}

plainkey::Destination MainWindow::destinationDetails() const
{
    const std::optional<QUrl> demoUrl = m_demo && m_demo->isRunning() ? std::optional<QUrl>(m_demo->credentials().baseUrl) : std::nullopt;
    return plainkey::Destination::classify(m_client->credentials(), demoUrl, ui->connectionPanel->enteredCredentials());
}

MainWindow::Destination MainWindow::destination() const
{
    return destinationDetails().kind;
}

QString MainWindow::bannerText() const
{
    const Credentials &c = m_client->credentials();
    const plainkey::Destination where = destinationDetails();
    const QString url = where.baseUrl.toString();
    if (const auto p = connectedProfile()) {
        QString text = tr("<b>%1</b> \u00b7 %2 \u00b7 Requests go to %3 (project %4).")
                               .arg(p->name.toHtmlEscaped(), Profile::kindName(p->kind).toUpper(), url.toHtmlEscaped(),
                                    c.projectId.toHtmlEscaped());
        if (p->kind == Profile::Kind::Production)
            text += QLatin1Char(' ') + tr("Changes affect this project's real users.");
        if (c.isInsecureRemote())
            text += QLatin1Char(' ') + tr("<b>Unencrypted http://</b>: secrets cross the network in clear.");
        return text;
    }
    if (const auto p = activeProfile()) {
        // Chosen but not connected yet: say where requests still go, and what is waiting.
        const QString chosen = tr("Profile <b>%1</b> (%2) is chosen: press Connect to use it.")
                                       .arg(p->name.toHtmlEscaped(), Profile::kindName(p->kind));
        if (c.projectId.isEmpty())
            return tr("<b>NOT CONNECTED</b> \u00b7 %1 Nothing is sent until then.").arg(chosen);
        return chosen + QLatin1Char(' ')
                + tr("Until then requests go to %1 (project %2).").arg(url.toHtmlEscaped(), c.projectId.toHtmlEscaped());
    }
    switch (where.kind) {
    case Destination::Demo: {
        QString text = tr("<b>DEMO</b> \u00b7 Requests go to the PlainKey emulator inside this program at %1. Nothing leaves "
                          "this computer; the users and passkeys are made up.")
                               .arg(m_demo->baseUrl().toString());
        if (c.projectId.isEmpty())
            text += QLatin1Char(' ') + tr("Press Connect to start.");
        return text;
    }
    case Destination::Local:
        return tr("<b>LOCAL</b> \u00b7 Requests go to a server on this computer at %1 (project %2), not to PlainKey.")
                .arg(url.toHtmlEscaped(), c.projectId.toHtmlEscaped());
    case Destination::Live: {
        QString text = tr("<b>LIVE</b> \u00b7 Requests go to PlainKey at %1 (project %2). Changes affect this project's real users.")
                               .arg(url.toHtmlEscaped(), c.projectId.toHtmlEscaped());
        if (where.insecure)
            text += QLatin1Char(' ') + tr("<b>Unencrypted http://</b>: secrets cross the network in clear.");
        return text;
    }
    case Destination::NotConnected:
        break;
    }
    return tr("<b>NOT CONNECTED</b> \u00b7 Nothing is sent until you connect. Enter your project's credentials, or use the demo.");
}

void MainWindow::updateBanner()
{
    const plainkey::Destination where = destinationDetails();
    const Destination d = where.kind;
    Theme::Tone tone = Theme::Tone::Muted;
    QString title = tr("PlainKey Console");
    const Credentials &c = m_client->credentials();
    switch (d) {
    case Destination::Demo:
        tone = Theme::Tone::Demo;
        title += tr(" \u2014 demo");
        break;
    case Destination::Local:
        tone = Theme::Tone::Info;
        title += tr(" \u2014 %1 on %2 (local)").arg(c.projectId, c.baseUrl.authority());
        break;
    case Destination::Live:
        tone = where.insecure ? Theme::Tone::Error : Theme::Tone::Live;
        title += tr(" \u2014 %1 on %2").arg(c.projectId, c.baseUrl.authority());
        break;
    case Destination::NotConnected: break;
    }
    QColor background = Theme::banner(tone, QApplication::palette());
    if (const auto profile = connectedProfile()) {
        title = tr("PlainKey Console \u2014 %1 (%2)").arg(profile->name, Profile::kindName(profile->kind));
        background = ProfileBar::bannerColor(*profile, QApplication::palette());
        if (c.isInsecureRemote())
            background = Theme::banner(Theme::Tone::Error, QApplication::palette());
    }
    // A colour the user chose may be light: keep the text readable on it.
    const QColor text = background.lightnessF() > 0.62 ? QColor(Qt::black) : QColor(Qt::white);
    setWindowTitle(title);
    ui->bannerLabel->setText(m_presenter && m_presenter->isOn() ? tr("<b>PRESENTER</b> \u00b7 ") + bannerText() : bannerText());
    QPalette p = ui->bannerFrame->palette();
    p.setColor(QPalette::Window, background);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Text, text);
    ui->bannerFrame->setPalette(p);
    ui->bannerLabel->setPalette(p);
    ui->slowCheck->setPalette(p);
}

void MainWindow::updateDemoControls()
{
    const bool demo = m_demo && destination() == Destination::Demo;
    ui->slowCheck->setVisible(demo);
    ui->actionSlow->setEnabled(demo);
    ui->actionSimulateSignIn->setEnabled(demo);
    ui->actionOpenSignInPage->setEnabled(demo);
    ui->verifyPanel->setDemoSession(demo ? m_demo.data() : nullptr);
}

void MainWindow::showStatus(const QString &text, int timeoutMs)
{
    statusBar()->showMessage(text, timeoutMs);
}

void MainWindow::exportHar()
{
    ExchangeLog *log = m_client->exchangeLog();
    if (log->size() == 0) {
        showStatus(tr("The request log is empty: nothing to export."), 4000);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the request log"), QStringLiteral("plainkey-requests.har"),
                                                      tr("HTTP Archive (*.har)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    const QByteArray har = HarExporter::toHar(log->snapshot(), QCoreApplication::applicationVersion());
    if (!file.open(QIODevice::WriteOnly) || file.write(har) != har.size() || !file.commit()) {
        showStatus(tr("Could not write %1: %2").arg(path, file.errorString()), 0);
        return;
    }
    showStatus(tr("Exported %1 to %2 (secrets redacted).").arg(countOf(log->size(), tr("exchange"), tr("exchanges")), path), 6000);
}

void MainWindow::saveSupportBundle()
{
    auto *dialog = findChild<SupportBundleDialog *>(QStringLiteral("supportBundleDialog"));
    if (dialog && dialog->isWriting()) {
        dialog->raise();
        return;
    }
    delete dialog;
    dialog = new SupportBundleDialog(this);
    dialog->setObjectName(QStringLiteral("supportBundleDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    SupportBundleContent content;
    content.programVersion = QCoreApplication::applicationVersion();
    const Credentials &c = m_client->credentials();
    content.baseUrl = c.normalizedBaseUrl();
    content.projectId = c.projectId;
    switch (destination()) {
    case Destination::Demo: content.destinationKind = tr("demo (the emulator inside the console)"); break;
    case Destination::Local: content.destinationKind = tr("local (a server on this computer)"); break;
    case Destination::Live: content.destinationKind = tr("live (PlainKey)"); break;
    case Destination::NotConnected: content.destinationKind = tr("not connected"); break;
    }
    if (const auto skew = m_client->accessToken()->clockSkew())
        content.clockSkewMs = std::chrono::duration_cast<std::chrono::milliseconds>(*skew).count();
    content.exchanges = m_client->exchangeLog()->snapshot();
    if (m_findingsProvider)
        content.findings = m_findingsProvider();
    // A copy: the bundle is written on a worker thread while the transport may learn new secrets.
    dialog->setContent(content, std::make_shared<const Redactor>(m_client->transport()->redactor()));
    connect(dialog, &SupportBundleDialog::saved, this, [this](const QString &path, int count, bool masked) {
        showStatus(tr("Saved the support bundle to %1: %2, secrets redacted%3.")
                           .arg(path, countOf(count, tr("exchange"), tr("exchanges")),
                                masked ? tr(", user names, e-mail addresses and IDs masked") : tr("; personal data NOT masked")),
                   8000);
    });
    dialog->open();
}

void MainWindow::resetLayout()
{
    // The connection column takes what its panels need, up to a quarter of the window: the
    // tabs keep the rest (at 1024 px they would otherwise lose a third).
    const int width = ui->mainSplitter->width();
    const int left = qMax(ui->leftScroll->minimumWidth(), qMin(330, width / 4));
    ui->mainSplitter->setSizes({left, qMax(1, width - left)});
    // The request log docked below, a quarter of the height: a handful of rows and the
    // selected exchange, while the tabs keep what they need to show without scrolling.
    if (ui->logDock->isFloating())
        ui->logDock->setFloating(false);
    if (dockWidgetArea(ui->logDock) != Qt::BottomDockWidgetArea)
        addDockWidget(Qt::BottomDockWidgetArea, ui->logDock);
    ui->logDock->show();
    const int height = centralWidget()->height() + ui->logDock->height();
    // Never below what the log needs, with two lines more for its exchange summary, which
    // wraps (the dock's minimum counts it as one line).
    const int log = qMax(height * kLogSharePercent / 100, ui->logDock->minimumSizeHint().height() + 3 * fontMetrics().lineSpacing());
    resizeDocks({ui->logDock}, {log}, Qt::Vertical);
}

void MainWindow::restoreSettings()
{
    const QSettings s;
    Theme::apply(Theme::modeFromName(s.value(keys::theme).toString()));
    for (QAction *a : {ui->actionThemeSystem, ui->actionThemeLight, ui->actionThemeDark})
        a->setChecked(false);
    switch (Theme::current()) {
    case Theme::Mode::System: ui->actionThemeSystem->setChecked(true); break;
    case Theme::Mode::Light: ui->actionThemeLight->setChecked(true); break;
    case Theme::Mode::Dark: ui->actionThemeDark->setChecked(true); break;
    }
    const QByteArray geometry = s.value(keys::geometry).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    if (s.contains(keys::mainSplitter) && s.contains(keys::windowState)) {
        m_splittersRestored = ui->mainSplitter->restoreState(s.value(keys::mainSplitter).toByteArray())
                && restoreState(s.value(keys::windowState).toByteArray(), kWindowStateVersion);
    }
    ui->tabWidget->setCurrentIndex(qBound(0, s.value(keys::tab, 0).toInt(), ui->tabWidget->count() - 1));
    ui->logPanel->restoreLayout(s.value(keys::logLayout).toByteArray());
    ui->verifyPanel->restoreLayout(s.value(keys::verifyLayout).toByteArray());
    m_client->accessToken()->setAutoRefresh(s.value(keys::autoRefresh, true).toBool());
}

void MainWindow::saveSettings() const
{
    if (!m_options.useSettings)
        return;
    QSettings s;
    s.setValue(keys::geometry, saveGeometry());
    s.setValue(keys::mainSplitter, ui->mainSplitter->saveState());
    s.setValue(keys::windowState, saveState(kWindowStateVersion));
    s.setValue(keys::tab, ui->tabWidget->currentIndex());
    s.setValue(keys::logLayout, ui->logPanel->saveLayout());
    s.setValue(keys::verifyLayout, ui->verifyPanel->saveLayout());
    s.setValue(keys::autoRefresh, m_client->accessToken()->autoRefresh());
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    // Splitter sizes only mean something once the window has its real size.
    if (!m_layoutDone) {
        m_layoutDone = true;
        if (!m_splittersRestored)
            resetLayout();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    cancelAll();
    QMainWindow::closeEvent(event);
}

void MainWindow::showShortcuts()
{
    auto *dialog = findChild<QDialog *>(QStringLiteral("shortcutsDialog"));
    if (!dialog) {
        dialog = new QDialog(this);
        dialog->setObjectName(QStringLiteral("shortcutsDialog"));
        dialog->setWindowTitle(tr("Keyboard shortcuts"));
        auto *layout = new QVBoxLayout(dialog);
        auto *table = new QTableWidget(dialog);
        table->setColumnCount(2);
        table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
        table->verticalHeader()->setVisible(false);
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        table->horizontalHeader()->setStretchLastSection(true);
        QList<QPair<QString, QString>> rows;
        const auto actions = findChildren<QAction *>();
        for (const QAction *a : actions) {
            if (!a->shortcut().isEmpty())
                rows.append({a->shortcut().toString(QKeySequence::NativeText), a->text().remove(QLatin1Char('&'))});
        }
        rows.append({tr("Enter (in a connection field)"), tr("Connect")});
        rows.append({tr("Enter (in the token field)"), tr("Verify the token")});
        rows.append({tr("Enter (in a Troubleshooter field)"), tr("Run the checks")});
        rows.append({tr("Alt + underlined letter"), tr("The button or field with that letter")});
        table->setRowCount(int(rows.size()));
        for (int i = 0; i < rows.size(); ++i) {
            table->setItem(i, 0, new QTableWidgetItem(rows[i].first));
            table->setItem(i, 1, new QTableWidgetItem(rows[i].second));
        }
        table->resizeColumnToContents(0);
        layout->addWidget(table);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::hide);
        layout->addWidget(buttons);
        dialog->resize(480, 520);
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About PlainKey Console"),
                       tr("<h3>PlainKey Console %1</h3><p>Connect to a PlainKey project, watch its access token, verify "
                          "authentication tokens and read every request and answer, with secrets redacted.</p>"
                          "<p>The demo runs a PlainKey emulator inside this program; nothing leaves this computer.</p>")
                               .arg(QCoreApplication::applicationVersion()));
}

// ---- profiles ----------------------------------------------------------------------------

void MainWindow::setupProfiles()
{
    const QString path = !m_options.profilesFile.isEmpty() ? m_options.profilesFile
            : m_options.useSettings                        ? ProfileStore::defaultPath()
                                                           : QString();
    auto *switchAction = new QAction(tr("Switch &profile\u2026"), this);
    switchAction->setObjectName(QStringLiteral("actionSwitchProfile"));
    switchAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    switchAction->setShortcutContext(Qt::WindowShortcut);
    addAction(switchAction);
    ui->menuConnection->addAction(switchAction);
    if (path.isEmpty()) {
        switchAction->setEnabled(false);
        return;
    }
    m_profileStore = std::make_unique<ProfileStore>(path);
    m_profileStore->load(); // a damaged file is reported once the window has said how it starts
    if (m_options.useSettings) {
        QSettings settings;
        if (const auto migrated = m_profileStore->migrateSavedConnection(settings)) {
            // The saved connection goes on as this profile; its secret moves to the profile's entry.
            settings.setValue(keys::activeProfile, migrated->name);
            if (m_secrets) {
                const QString legacy = SecretStore::keyFor(migrated->credentials());
                const QString name = migrated->name;
                m_secrets->read(legacy, this, [this, legacy, name](const std::optional<QString> &secret, const SecretStore::Outcome &) {
                    if (!secret)
                        return;
                    m_secrets->write(Profile::secretKey(name), *secret, this, [this, legacy, name](const SecretStore::Outcome &o) {
                        if (!o.ok)
                            return;
                        m_secrets->remove(legacy, this, [](const SecretStore::Outcome &) {});
                        if (m_activeProfile == name && ui->connectionPanel->enteredCredentials().clientSecret.isEmpty())
                            ui->connectionPanel->loadSavedSecret();
                    });
                });
            }
        }
    }
    m_profileBar = new ProfileBar(ui->leftWidget);
    m_profileBar->setStores(m_profileStore.get(), m_secrets);
    m_profileBar->setTemplateSource([this] { return ui->connectionPanel->enteredCredentials(); });
    ui->leftLayout->insertWidget(0, m_profileBar);
    ui->menuConnection->addMenu(m_profileBar->menu());
    connect(switchAction, &QAction::triggered, m_profileBar, &ProfileBar::popup);
    connect(m_profileBar, &ProfileBar::profileChosen, this, [this](const QString &name) { switchToProfile(name, true); });
    connect(m_profileBar, &ProfileBar::demoChosen, this, [this] { useDemo(true); });
    connect(m_profileBar, &ProfileBar::profileEdited, this, &MainWindow::onProfileEdited);
    connect(m_profileBar, &ProfileBar::profileRemoved, this, [this](const QString &name) {
        m_typedSecrets.remove(name);
        if (name == m_activeProfile)
            clearActiveProfile();
        updateBanner();
    });
    connect(m_profileBar, &ProfileBar::statusMessage, this, &MainWindow::showStatus);
    connect(ui->connectionPanel, &ConnectionPanel::savedSecretLoaded, this, &MainWindow::onProfileKeychainRead);
}

std::optional<Profile> MainWindow::activeProfile() const
{
    if (m_activeProfile.isEmpty() || !m_profileStore)
        return std::nullopt;
    return m_profileStore->find(m_activeProfile);
}

std::optional<Profile> MainWindow::connectedProfile() const
{
    auto p = activeProfile();
    if (p && !p->matches(m_client->credentials()))
        return std::nullopt;
    return p;
}

void MainWindow::clearActiveProfile()
{
    if (m_activeProfile.isEmpty())
        return;
    m_activeProfile.clear();
    m_pendingKeychainProfile.clear();
    ui->connectionPanel->setKeychainKey({});
    if (m_profileBar)
        m_profileBar->setCurrent({});
    if (m_options.useSettings)
        QSettings().remove(keys::activeProfile);
}

bool MainWindow::switchToProfile(const QString &name, bool connectNow)
{
    const auto profile = m_profileStore ? m_profileStore->find(name) : std::nullopt;
    if (!profile)
        return false;
    // What was typed for the profile being left stays for this session (in memory only).
    if (const auto leaving = activeProfile()) {
        const Credentials typed = ui->connectionPanel->enteredCredentials();
        if (leaving->matches(typed) && !typed.clientSecret.isEmpty())
            m_typedSecrets.insert(leaving->name, typed.clientSecret);
    }
    m_activeProfile = profile->name;
    m_pendingKeychainProfile.clear();
    m_profileBar->setCurrent(profile->name);
    Credentials c = profile->credentials();
    c.clientSecret = m_typedSecrets.value(profile->name);
    ui->connectionPanel->setCredentials(c);
    ui->connectionPanel->setKeychainKey(profile->secretKey());
    m_users->setProductionProfile(profile->kind == Profile::Kind::Production);
    if (m_options.useSettings)
        QSettings().setValue(keys::activeProfile, profile->name);
    updateBanner();
    updateDemoControls();
    if (!c.clientSecret.isEmpty()) {
        if (connectNow)
            ui->connectionPanel->connectToProject();
        return true;
    }
    if (m_secrets) {
        m_pendingKeychainProfile = profile->name;
        m_connectAfterKeychain = connectNow;
        ui->connectionPanel->loadSavedSecret();
    } else {
        onProfileKeychainRead(false, {});
    }
    return true;
}

void MainWindow::onProfileKeychainRead(bool ok, const QString &message)
{
    const auto profile = activeProfile();
    if (!profile || (m_secrets && m_pendingKeychainProfile != profile->name))
        return; // a read for a profile left since
    m_pendingKeychainProfile.clear();
    const bool connectNow = std::exchange(m_connectAfterKeychain, false);
    if (ok) {
        if (connectNow)
            ui->connectionPanel->connectToProject();
        else
            showStatus(tr("Profile \u201c%1\u201d: the client secret is filled in from the system keychain. Press Connect.").arg(profile->name), 0);
        return;
    }
    QString text = tr("Profile \u201c%1\u201d has no client secret saved: enter it and press Connect (tick \u201cRemember\u201d "
                      "to keep it in the system keychain).")
                           .arg(profile->name);
    if (!message.isEmpty())
        text += QLatin1Char(' ') + message;
    showStatus(text, 0);
    ui->connectionPanel->focusStart();
}

void MainWindow::onProfileEdited(const QString &oldName, const Profile &profile)
{
    if (m_typedSecrets.contains(oldName))
        m_typedSecrets.insert(profile.name, m_typedSecrets.take(oldName));
    if (oldName != m_activeProfile) {
        m_profileBar->setCurrent(m_activeProfile);
        return;
    }
    if (!profile.matches(ui->connectionPanel->enteredCredentials())) {
        switchToProfile(profile.name, false);
        return;
    }
    m_activeProfile = profile.name;
    m_profileBar->setCurrent(profile.name);
    ui->connectionPanel->setKeychainKey(profile.secretKey());
    if (m_options.useSettings)
        QSettings().setValue(keys::activeProfile, profile.name);
    if ((profile.kind == Profile::Kind::Production) != !m_users->changesAllowed())
        m_users->setProductionProfile(profile.kind == Profile::Kind::Production);
    updateBanner();
}

} // namespace plainkey::gui
