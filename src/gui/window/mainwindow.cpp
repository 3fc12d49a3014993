#include "window/mainwindow.h"

#include "history/historywriter.h"
#include "ui_mainwindow.h"

#include "api/accesstokenmanager.h"
#include "api/plainkeyclient.h"
#include "connection/connectionpanel.h"
#include "demo/demosession.h"
#include "export/harexporter.h"
#include "log/exchangelog.h"
#include "log/logpanel.h"
#include "net/transport.h"
#include "profile/secretstore.h"
#include "theme/theme.h"
#include "token/accesstokenpanel.h"
#include "users/userspanel.h"
#include "verify/verifypanel.h"

#include "text/wording.h"

#include <QActionGroup>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QSaveFile>
#include <QScrollBar>
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
const QString workSplitter = QStringLiteral("window/workSplitter");
const QString tab = QStringLiteral("window/tab");
const QString logLayout = QStringLiteral("log/layout");
const QString verifyLayout = QStringLiteral("verify/layout");
const QString autoRefresh = QStringLiteral("token/autoRefresh");
const QString theme = QStringLiteral("view/theme");
} // namespace keys
} // namespace

void MainWindow::setupHistory()
{
    // Every exchange also goes to the request history, written on the writer's own thread:
    // opening the file (and moving a damaged one aside) never delays the window.
    const QSettings settings;
    m_history = new HistoryWriter(HistoryStore::defaultPath(), this);
    m_history->setRetention(std::chrono::hours(24) * settings.value(QStringLiteral("history/maxAgeDays"), 30).toInt(),
                            settings.value(QStringLiteral("history/maxMegabytes"), 200).toLongLong() * 1024 * 1024);
    m_history->setProfileName(QStringLiteral("default"));
    m_history->attach(m_client->exchangeLog());
    connect(m_history, &HistoryWriter::notice, this, [this](const QString &message) { showStatus(message, 0); });
    ui->logPanel->setHistoryWriter(m_history);
}

MainWindow::MainWindow(const ConsoleOptions &options, QWidget *parent)
    : QMainWindow(parent), ui(std::make_unique<Ui::MainWindow>()), m_options(options), m_client(new PlainKeyClient(this))
{
    ui->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/plainkey/console/icons/plainkey.png")));

    ui->connectionPanel->setClient(m_client);
    if (m_options.useSettings && !m_options.keychainService.isEmpty())
        ui->connectionPanel->setSecretStore(new SecretStore(m_options.keychainService, this));
    ui->tokenPanel->setTokenManager(m_client->accessToken());
    ui->verifyPanel->setClient(m_client);
    ui->logPanel->setExchangeLog(m_client->exchangeLog());
    setupHistory();
    m_users = new UsersPanel(m_client, ui->usersTab);
    ui->usersTabLayout->addWidget(m_users);
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
    connect(ui->verifyPanel, &VerifyPanel::showExchangeRequested, this, [this](quint64 id) {
        ui->logPanel->showExchange(id);
        ui->logPanel->focusTable();
    });
    connect(m_client->transport(), &Transport::inFlightChanged, this, &MainWindow::updateBusy);
    connect(m_client, &PlainKeyClient::activeCallsChanged, this, [this] { updateBusy(m_client->transport()->inFlight()); });

    ui->mainSplitter->setStretchFactor(0, 0);
    ui->mainSplitter->setStretchFactor(1, 1);
    ui->workSplitter->setStretchFactor(0, 1);
    ui->workSplitter->setStretchFactor(1, 1);
    setupActions();
    setupStatusBar();
    // The left column scrolls vertically only: never narrower than its panels need.
    ui->leftScroll->setMinimumWidth(ui->leftWidget->minimumSizeHint().width() + ui->leftScroll->verticalScrollBar()->sizeHint().width());

    if (m_options.useSettings)
        restoreSettings();

    const QSettings settings;
    const bool haveSaved = m_options.useSettings && !settings.value(keys::demo, true).toBool()
            && !settings.value(keys::baseUrl).toString().isEmpty();
    const bool demo = m_options.start == ConsoleOptions::Start::Demo
            || (m_options.start == ConsoleOptions::Start::Auto && !haveSaved);
    ui->connectionPanel->setDemoAvailable(true);
    if (demo) {
        if (useDemo(false))
            showStatus(tr("Demo project ready on the built-in emulator: press Connect (Enter) to fetch an access token."), 0);
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
    updateBanner();
    updateDemoControls();
    updateBusy(0);
    ui->connectionPanel->focusStart();
}

MainWindow::~MainWindow()
{
    // Calls in flight must not call back into panels being destroyed.
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
    connect(ui->actionFocusConnection, &QAction::triggered, ui->connectionPanel, &ConnectionPanel::focusForm);
    connect(ui->actionFocusVerify, &QAction::triggered, this, [this] {
        ui->tabWidget->setCurrentWidget(ui->verifyTab);
        ui->verifyPanel->focusToken();
    });
    connect(ui->actionFocusUsers, &QAction::triggered, this, [this] {
        ui->tabWidget->setCurrentWidget(ui->usersTab);
        m_users->focusFind();
    });
    connect(ui->actionFocusLog, &QAction::triggered, ui->logPanel, &LogPanel::focusTable);

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
    connect(ui->actionShortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    connect(ui->actionAbout, &QAction::triggered, this, &MainWindow::showAbout);
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
    m_users->setProductionProfile(!credentials.isLoopback());
    updateBanner();
    updateDemoControls();
    if (!m_options.useSettings)
        return;
    QSettings settings;
    const bool demo = m_demo && m_demo->owns(credentials);
    settings.setValue(keys::demo, demo);
    if (!demo) {
        // Where and which project, never the secret.
        settings.setValue(keys::baseUrl, credentials.baseUrl.toString());
        settings.setValue(keys::projectId, credentials.projectId);
    }
}

MainWindow::Destination MainWindow::destination() const
{
    const Credentials &c = m_client->credentials();
    if (c.projectId.isEmpty())
        return m_demo && m_demo->owns(ui->connectionPanel->enteredCredentials()) ? Destination::Demo : Destination::NotConnected;
    if (m_demo && m_demo->owns(c))
        return Destination::Demo;
    return c.isLoopback() ? Destination::Local : Destination::Live;
}

QString MainWindow::bannerText() const
{
    const Credentials &c = m_client->credentials();
    const QString url = c.normalizedBaseUrl().toString();
    switch (destination()) {
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
        if (c.isInsecureRemote())
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
    const Destination d = destination();
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
        tone = c.isInsecureRemote() ? Theme::Tone::Error : Theme::Tone::Live;
        title += tr(" \u2014 %1 on %2").arg(c.projectId, c.baseUrl.authority());
        break;
    case Destination::NotConnected: break;
    }
    setWindowTitle(title);
    ui->bannerLabel->setText(bannerText());
    QPalette p = ui->bannerFrame->palette();
    p.setColor(QPalette::Window, Theme::banner(tone, QApplication::palette()));
    p.setColor(QPalette::WindowText, Qt::white);
    p.setColor(QPalette::Text, Qt::white);
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

void MainWindow::resetLayout()
{
    const int width = ui->mainSplitter->width();
    const int left = qMax(ui->leftScroll->minimumWidth(), 330);
    ui->mainSplitter->setSizes({left, qMax(1, width - left)});
    const int height = ui->workSplitter->height();
    ui->workSplitter->setSizes({height * 47 / 100, height - height * 47 / 100});
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
    if (s.contains(keys::mainSplitter) && s.contains(keys::workSplitter)) {
        m_splittersRestored = ui->mainSplitter->restoreState(s.value(keys::mainSplitter).toByteArray())
                && ui->workSplitter->restoreState(s.value(keys::workSplitter).toByteArray());
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
    s.setValue(keys::workSplitter, ui->workSplitter->saveState());
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

} // namespace plainkey::gui
