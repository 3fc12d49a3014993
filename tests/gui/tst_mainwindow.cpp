// The console window as a person uses it, against the embedded emulator: the banner says
// where requests go, a scripted demo session (connect, watch the countdown, simulate a
// sign-in, verify, change a character, verify again, find both in the log, copy as cURL)
// leaves no secret on screen or in the clipboard and ends in a screenshot; the main actions
// work from the keyboard; "PlainKey is slow" shows busy indicators that Esc cancels;
// layout and connection are remembered without the secret; 1024x640 and dark palettes work.
//
// The screenshot goes to $PLAINKEY_SCREENSHOT, else $PLAINKEY_BUILD_DIR/console.png.

#include "echoingserver.h"
#include "emulatortesthelper.h"
#include "softauthenticator.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "gui/connection/connectionpanel.h"
#include "gui/demo/demosession.h"
#include "emulator/emulator.h"
#include "emulator/emulatorconfig.h"
#include "gui/log/exchangefiltermodel.h"
#include "core/log/exchangelog.h"
#include "gui/log/exchangelogmodel.h"
#include "gui/log/logpanel.h"
#include "core/net/transport.h"
#include "gui/theme/theme.h"
#include "gui/token/accesstokenpanel.h"
#include "gui/users/userspanel.h"
#include "gui/verify/verifypanel.h"
#include "gui/window/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

//! Stands in for the system browser: QDesktopServices hands it the URLs to open.
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> urls;
public slots:
    void open(const QUrl &url) { urls.append(url); }
};

//! The console's own widget called \a name: the Users tab (another part) may reuse names.
template <typename T>
T *child(QWidget *parent, const char *name)
{
    const auto found = parent->findChildren<T *>(QLatin1String(name));
    for (T *w : found) {
        bool inUsers = false;
        for (QWidget *p = w->parentWidget(); p && !inUsers; p = p->parentWidget())
            inUsers = qobject_cast<UsersPanel *>(p) != nullptr;
        if (!inUsers)
            return w;
    }
    qFatal("no child %s", name);
    return nullptr;
}

//! Every piece of text the window shows: labels, unmasked fields, documents, tables, trees.
QString screenText(QMainWindow &window)
{
    QString all = window.windowTitle() + QLatin1Char('\n') + window.statusBar()->currentMessage() + QLatin1Char('\n');
    for (const QLabel *l : window.findChildren<QLabel *>())
        all += l->text() + QLatin1Char('\n') + l->toolTip() + QLatin1Char('\n');
    for (const QLineEdit *e : window.findChildren<QLineEdit *>())
        if (e->echoMode() == QLineEdit::Normal)
            all += e->text() + QLatin1Char('\n');
    for (const QPlainTextEdit *e : window.findChildren<QPlainTextEdit *>())
        all += e->toPlainText() + QLatin1Char('\n');
    for (const QAbstractItemView *v : window.findChildren<QAbstractItemView *>()) {
        const QAbstractItemModel *m = v->model();
        if (!m)
            continue;
        QList<QModelIndex> parents{QModelIndex()};
        while (!parents.isEmpty()) {
            const QModelIndex p = parents.takeFirst();
            for (int r = 0; r < m->rowCount(p); ++r) {
                for (int c = 0; c < m->columnCount(p); ++c) {
                    const QModelIndex i = m->index(r, c, p);
                    all += i.data().toString() + QLatin1Char(' ') + i.data(Qt::ToolTipRole).toString() + QLatin1Char('\n');
                }
                if (m->hasChildren(m->index(r, 0, p)))
                    parents.append(m->index(r, 0, p));
            }
        }
    }
    return all;
}

void verifyAbsent(const QString &text, const QStringList &secrets, const char *where)
{
    for (const QString &s : secrets)
        QVERIFY2(s.isEmpty() || !text.contains(s), qPrintable(QStringLiteral("a secret is in %1").arg(QLatin1String(where))));
}

ConsoleOptions demoOptions(bool useSettings = false)
{
    ConsoleOptions o;
    o.start = ConsoleOptions::Start::Demo;
    o.useSettings = useSettings;
    // The person's own keychain is no place for tests (tst_connectionkeychain has its own).
    o.keychainService.clear();
    return o;
}

bool connectAndWait(MainWindow &w)
{
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    child<QPushButton>(&w, "connectButton")->click();
    return refreshed.count() > 0 || refreshed.wait(15000);
}

QString screenshotPath()
{
    QString path = qEnvironmentVariable("PLAINKEY_SCREENSHOT");
    if (path.isEmpty()) {
        const QString dir = qEnvironmentVariable("PLAINKEY_BUILD_DIR", QDir::currentPath());
        path = QDir(dir).filePath(QStringLiteral("console.png"));
    }
    return path;
}

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void startsInDemoAndSaysWhereRequestsGo();
    void scriptedDemoSessionEndsInAScreenshot();
    void shortLivedTokenIsRefreshedByItself();
    void keyboardDrivesTheMainActions();
    void slowPlainKeyShowsBusyAndEscCancels();
    void remembersLayoutAndConnectionButNeverTheSecret();
    void realUrlIsMarkedLive();
    void errorPageEchoingSecretsLeavesNoneOnScreen();
    void usableAt1024x640();
    void darkPaletteApplies();
    void browserSignInIsOfferedAndVerified();
    void openSignInPageOpensLocalhostDemo();

private:
    QTemporaryDir m_profilesDir;
};

void tst_MainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    // Windows with settings also keep profiles: in a folder of this run, not in the home folder.
    qputenv("PLAINKEY_PROFILES_FILE", m_profilesDir.filePath(QStringLiteral("profiles.json")).toUtf8());
    QSettings().clear();
    QApplication::setStyle(QStringLiteral("Fusion"));
}

void tst_MainWindow::startsInDemoAndSaysWhereRequestsGo()
{
    MainWindow w(demoOptions());
    w.show();
    QVERIFY(w.demo());
    QVERIFY(w.demo()->isRunning());
    QCOMPARE(w.destination(), MainWindow::Destination::Demo);
    const QString banner = child<QLabel>(&w, "bannerLabel")->text();
    QVERIFY(banner.contains(QStringLiteral("DEMO")));
    QVERIFY(banner.contains(w.demo()->baseUrl().toString()));
    QVERIFY(banner.contains(QStringLiteral("Nothing leaves this computer")));
    // Demo credentials filled in, the secret masked; nothing sent yet.
    QCOMPARE(w.connectionPanel()->enteredCredentials(), w.demo()->credentials());
    QCOMPARE(child<QLineEdit>(&w, "secretEdit")->echoMode(), QLineEdit::Password);
    QCOMPARE(w.client()->exchangeLog()->size(), 0);
    QVERIFY(!child<QCheckBox>(&w, "slowCheck")->isHidden());
    QVERIFY(w.usersPanel());
    QCOMPARE(child<QTabWidget>(&w, "tabWidget")->tabText(1), QStringLiteral("Users"));
}

void tst_MainWindow::scriptedDemoSessionEndsInAScreenshot()
{
    MainWindow w(demoOptions());
    w.resize(1366, 768); // a laptop screen: the README's screenshot size
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));

    // Connect to the demo project and watch the countdown move.
    QVERIFY(connectAndWait(w));
    QCOMPARE(w.client()->accessToken()->state(), AccessTokenManager::State::Valid);
    QVERIFY(child<QLabel>(&w, "bannerLabel")->text().contains(QStringLiteral("DEMO")));
    const QString countdown = w.tokenPanel()->countdownText();
    QTRY_VERIFY_WITH_TIMEOUT(w.tokenPanel()->countdownText() != countdown, 5000);

    // Simulate a sign-in and verify the token.
    child<QPushButton>(&w, "simulateButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!w.verifyPanel()->normalizedToken().isEmpty(), 15000);
    const QString token = w.verifyPanel()->normalizedToken();
    child<QPushButton>(&w, "verifyButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(w.verifyPanel()->outcome(), VerifyPanel::Outcome::Valid, 15000);
    LogPanel *log = w.logPanel();
    log->logModel()->flush();
    QTRY_COMPARE(log->filterModel()->rowCount(), 3); // token, sign-in, verification
    QTRY_VERIFY(log->currentExchangeId() == w.client()->exchangeLog()->at(2).id); // following the newest
    QTest::qWait(100); // let the layouts settle

    // The screenshot for the README, right after the first verification.
    const QImage shot = w.grab().toImage();
    QVERIFY(!shot.isNull());
    const QString path = screenshotPath();
    QVERIFY2(shot.save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));

    // "Show user" opens the verified user in the Users tab.
    auto *tabs = child<QTabWidget>(&w, "tabWidget");
    child<QToolButton>(&w, "showUserButton")->click();
    QCOMPARE(tabs->currentWidget(), child<QWidget>(&w, "usersTab"));
    tabs->setCurrentIndex(0);

    // Change a character: PlainKey refuses it, and says why.
    child<QPushButton>(&w, "tamperButton")->click();
    const QString changed = w.verifyPanel()->normalizedToken();
    child<QPushButton>(&w, "verifyButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(w.verifyPanel()->outcome(), VerifyPanel::Outcome::NotValid, 15000);
    QVERIFY(child<QLabel>(&w, "reasonLabel")->text().contains(QStringLiteral("What it usually means")));

    // Both verifications are in the log; filter to them and open one.
    log->logModel()->flush();
    auto *filter = child<QLineEdit>(&w, "filterEdit");
    QTest::keyClicks(filter, QStringLiteral("verify"));
    QTRY_COMPARE(log->filterModel()->rowCount(), 2);
    const Exchange *first = log->filterModel()->exchangeAt(0);
    const Exchange *second = log->filterModel()->exchangeAt(1);
    QCOMPARE(first->status, 200);
    QCOMPARE(second->status, 401);
    QTest::keyClick(filter, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(filter, Qt::Key_Delete);
    QTRY_VERIFY(log->filterModel()->rowCount() >= 4); // and what the Users tab asked

    emit child<QLabel>(&w, "exchangeLink")->linkActivated(QStringLiteral("#exchange"));
    QCOMPARE(log->currentExchangeId(), second->id);
    QVERIFY(child<QPlainTextEdit>(&w, "responseEdit")->toPlainText().contains(QStringLiteral("\"valid\": false")));
    child<QToolButton>(&w, "curlButton")->click();
    const QString curl = QGuiApplication::clipboard()->text();
    QVERIFY(curl.contains(QStringLiteral("curl")));
    QVERIFY(curl.contains(QStringLiteral("$PLAINKEY_ACCESS_TOKEN")));

    const QStringList secrets{w.demo()->credentials().clientSecret, w.client()->accessToken()->token(), token, changed};
    verifyAbsent(curl, secrets, "the cURL command");
    verifyAbsent(screenText(w), secrets, "the window");
}

void tst_MainWindow::shortLivedTokenIsRefreshedByItself()
{
    auto config = std::make_shared<emulator::EmulatorConfig>();
    config->accessTokenTtl = std::chrono::seconds(4);
    ConsoleOptions options = demoOptions();
    options.demoConfig = config;
    MainWindow w(options);
    w.show();
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    QVERIFY(connectAndWait(w));
    QVERIFY(w.client()->accessToken()->autoRefresh());
    QCOMPARE(w.client()->accessToken()->lifetime(), std::chrono::seconds(4));
    const QString countdown = w.tokenPanel()->countdownText();
    QVERIFY2(countdown.startsWith(QStringLiteral("0:0")), qPrintable(countdown));
    QTRY_VERIFY_WITH_TIMEOUT(w.tokenPanel()->countdownText() != countdown, 5000);
    const QString first = w.client()->accessToken()->fingerprint();
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 2, 15000);
    QVERIFY(w.client()->accessToken()->fingerprint() != first);
    QCOMPARE(w.client()->accessToken()->state(), AccessTokenManager::State::Valid);
    // Every refresh is in the log, and none of them went wrong.
    w.logPanel()->logModel()->flush();
    auto *status = child<QComboBox>(&w, "statusCombo");
    status->setCurrentIndex(status->findData(int(ExchangeFilterModel::StatusClass::Problems)));
    QCOMPARE(w.logPanel()->filterModel()->rowCount(), 0);
}

void tst_MainWindow::keyboardDrivesTheMainActions()
{
    MainWindow w(demoOptions());
    w.show();
    QApplication::setActiveWindow(&w);
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);

    // Enter in a connection field connects.
    child<QLineEdit>(&w, "projectIdEdit")->setFocus();
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 15000);
    // F5 refreshes.
    QTest::keyClick(&w, Qt::Key_F5);
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 2, 15000);
    // Ctrl+I signs a demo user in, Ctrl+Return verifies.
    QTest::keyClick(&w, Qt::Key_I, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(!w.verifyPanel()->normalizedToken().isEmpty(), 15000);
    QTest::keyClick(&w, Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(w.verifyPanel()->outcome(), VerifyPanel::Outcome::Valid, 15000);
    // Ctrl+F goes to the log filter, Ctrl+Shift+C copies the selected exchange as cURL.
    QTest::keyClick(&w, Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), child<QLineEdit>(&w, "filterEdit"));
    QGuiApplication::clipboard()->clear();
    w.logPanel()->logModel()->flush();
    QTRY_VERIFY(w.logPanel()->currentExchangeId() != 0);
    QTest::keyClick(&w, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(QGuiApplication::clipboard()->text().contains(QStringLiteral("curl")));
    // Ctrl+2 goes to the token field, Ctrl+1 to the connection form, Ctrl+5 to the log table
    // (Ctrl+4 is the Troubleshooter tab, tested in tst_troubleshooterpanel).
    QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), child<QLineEdit>(&w, "tokenEdit"));
    QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), child<QLineEdit>(&w, "baseUrlEdit"));
    QTest::keyClick(&w, Qt::Key_5, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), child<QTableView>(&w, "tableView"));
    // Ctrl+L clears the log.
    QTest::keyClick(&w, Qt::Key_L, Qt::ControlModifier);
    QCOMPARE(w.client()->exchangeLog()->size(), 0);

    // Every menu action with a shortcut has a distinct one.
    QSet<QString> seen;
    for (const QAction *a : w.findChildren<QAction *>()) {
        if (a->shortcut().isEmpty())
            continue;
        const QString keys = a->shortcut().toString();
        QVERIFY2(!seen.contains(keys), qPrintable(keys));
        seen.insert(keys);
    }
    QVERIFY(seen.size() >= 15);
}

void tst_MainWindow::slowPlainKeyShowsBusyAndEscCancels()
{
    MainWindow w(demoOptions());
    w.show();
    QApplication::setActiveWindow(&w);
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QVERIFY(connectAndWait(w));
    child<QCheckBox>(&w, "slowCheck")->setChecked(true);
    QVERIFY(w.demo()->isSlow());
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("slow")));

    child<QPushButton>(&w, "simulateButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!w.verifyPanel()->normalizedToken().isEmpty(), 15000);
    child<QPushButton>(&w, "verifyButton")->click();
    auto *busyBar = w.statusBar()->findChild<QProgressBar *>();
    QVERIFY(busyBar);
    QTRY_VERIFY(!busyBar->isHidden());
    QVERIFY(!child<QPushButton>(&w, "cancelButton")->isHidden() || w.verifyPanel()->isBusy());
    QTest::qWait(200);
    QTest::keyClick(&w, Qt::Key_Escape);
    QTRY_COMPARE_WITH_TIMEOUT(w.verifyPanel()->outcome(), VerifyPanel::Outcome::Cancelled, 5000);
    QTRY_VERIFY(busyBar->isHidden());
    QCOMPARE(w.client()->transport()->inFlight(), 0);

    // The menu action and the banner's switch are the same setting.
    QAction *slow = w.findChild<QAction *>(QStringLiteral("actionSlow"));
    QVERIFY(slow->isChecked());
    slow->trigger();
    QVERIFY(!w.demo()->isSlow());
    QVERIFY(!child<QCheckBox>(&w, "slowCheck")->isChecked());
}

void tst_MainWindow::remembersLayoutAndConnectionButNeverTheSecret()
{
    QSettings().clear();
    emulator::EmulatorConfig config;
    config.projectId = QStringLiteral("local-project");
    config.clientSecret = QStringLiteral("very-secret-value-42");
    emulator::Emulator local(config);
    QVERIFY(local.listen());
    {
        MainWindow w(demoOptions(true));
        w.resize(1200, 740);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        Credentials c;
        c.baseUrl = local.baseUrl();
        c.projectId = config.projectId;
        c.clientSecret = config.clientSecret;
        w.connectionPanel()->setCredentials(c);
        QVERIFY(connectAndWait(w));
        QCOMPARE(w.destination(), MainWindow::Destination::Local);
        QVERIFY(child<QLabel>(&w, "bannerLabel")->text().contains(QStringLiteral("LOCAL")));
        // Demo controls go away away from the demo.
        QVERIFY(child<QCheckBox>(&w, "slowCheck")->isHidden());
        QVERIFY(child<QWidget>(&w, "demoControls")->isHidden());
        child<QSplitter>(&w, "mainSplitter")->setSizes({420, 768});
        QTRY_COMPARE(child<QSplitter>(&w, "mainSplitter")->sizes().value(0), 420);
        w.close();
    }
    QSettings settings;
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
    const QByteArray stored = file.readAll();
    QVERIFY(!stored.contains("very-secret-value-42"));
    QVERIFY(!stored.contains("demo-secret"));
    QVERIFY(stored.contains("local-project"));

    // Next start: the saved connection, without the secret, and no emulator.
    ConsoleOptions options;
    options.useSettings = true;
    options.keychainService.clear();
    MainWindow again(options);
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QVERIFY(!again.demo());
    const Credentials restored = again.connectionPanel()->enteredCredentials();
    QCOMPARE(restored.baseUrl, local.baseUrl());
    QCOMPARE(restored.projectId, config.projectId);
    QVERIFY(restored.clientSecret.isEmpty());
    QCOMPARE(again.destination(), MainWindow::Destination::NotConnected);
    QVERIFY(child<QLabel>(&again, "bannerLabel")->text().contains(QStringLiteral("NOT CONNECTED")));
    QTRY_COMPARE(again.size(), QSize(1200, 740));
    QTRY_COMPARE(child<QSplitter>(&again, "mainSplitter")->sizes().value(0), 420);
    QSettings().clear();
}

void tst_MainWindow::realUrlIsMarkedLive()
{
    MainWindow w(demoOptions());
    w.show();
    Credentials c;
    c.baseUrl = QUrl(QStringLiteral("https://plainkey.example.invalid/server"));
    c.projectId = QStringLiteral("prod-project");
    c.clientSecret = QStringLiteral("prod-secret-value");
    w.connectionPanel()->setCredentials(c);
    w.connectionPanel()->connectToProject();
    QCOMPARE(w.destination(), MainWindow::Destination::Live);
    const QString banner = child<QLabel>(&w, "bannerLabel")->text();
    QVERIFY(banner.contains(QStringLiteral("LIVE")));
    QVERIFY(banner.contains(QStringLiteral("https://plainkey.example.invalid/server")));
    QVERIFY(w.windowTitle().contains(QStringLiteral("prod-project")));
    QVERIFY(child<QCheckBox>(&w, "slowCheck")->isHidden());
    verifyAbsent(screenText(w), {c.clientSecret}, "the window");
    w.cancelAll();
}

void tst_MainWindow::errorPageEchoingSecretsLeavesNoneOnScreen()
{
    MainWindow w(demoOptions());
    w.show();
    const auto check = [&w](const char *where) {
        const QString status = w.statusBar()->currentMessage();
        QVERIFY2(!status.isEmpty(), where);
        const QByteArray leaked = leakedForm((status + screenText(w)).toUtf8());
        QVERIFY2(leaked.isEmpty(), qPrintable(QStringLiteral("%1 shows %2 (status: %3)")
                                                      .arg(QLatin1String(where), QString::fromUtf8(leaked), status)));
        QVERIFY2(status.contains(QLatin1String("[redacted ")), qPrintable(status));
    };
    Credentials c;
    c.projectId = QStringLiteral("echo-project");
    c.clientSecret = EchoingServer::clientSecret();

    // Connect: the access-token request is refused with a page quoting the secret.
    for (const auto page : {EchoingServer::Page::Html, EchoingServer::Page::Json}) {
        EchoingServer server(page, EchoingServer::Failing::AccessToken);
        c.baseUrl = server.url();
        w.connectionPanel()->setCredentials(c);
        QSignalSpy failed(w.client()->accessToken(), &AccessTokenManager::fetchFailed);
        w.connectionPanel()->connectToProject();
        QVERIFY(failed.wait(15000));
        QTRY_VERIFY(w.statusBar()->currentMessage().contains(QLatin1String("rejected")));
        check(page == EchoingServer::Page::Html ? "connect, HTML page" : "connect, JSON page");
    }

    w.cancelAll();

    // Verify: the token comes, the verify request fails with a page quoting both tokens. A
    // window each: the console asks before verifying one token twice.
    for (const auto page : {EchoingServer::Page::Html, EchoingServer::Page::Json}) {
        MainWindow v(demoOptions());
        v.show();
        EchoingServer server(page, EchoingServer::Failing::Verify);
        c.baseUrl = server.url();
        v.connectionPanel()->setCredentials(c);
        QVERIFY(connectAndWait(v));
        v.verifyPanel()->setToken(EchoingServer::authToken());
        child<QPushButton>(&v, "verifyButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(v.verifyPanel()->outcome(), VerifyPanel::Outcome::Failed, 15000);
        QTRY_VERIFY2(v.statusBar()->currentMessage().contains(QLatin1String("500")), qPrintable(v.statusBar()->currentMessage()));
        const QByteArray leaked = leakedForm((v.statusBar()->currentMessage() + screenText(v)).toUtf8());
        QVERIFY2(leaked.isEmpty(), leaked.constData());
        QVERIFY2(v.statusBar()->currentMessage().contains(QLatin1String("[redacted ")), qPrintable(v.statusBar()->currentMessage()));
        v.cancelAll();
    }
}

void tst_MainWindow::usableAt1024x640()
{
    MainWindow w(demoOptions());
    w.resize(1024, 640);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_COMPARE(w.size(), QSize(1024, 640));
    QVERIFY(connectAndWait(w));
    QTest::qWait(100); // let the layouts settle after the status texts changed
    w.grab().save(QFileInfo(screenshotPath()).dir().filePath(QStringLiteral("console-1024x640.png")));
    // The main controls are fully on screen, not cut off by their panels.
    for (const char *name : {"connectButton", "demoButton", "revealButton", "copyButton", "refreshButton", "verifyButton",
                             "simulateButton", "tamperButton", "filterEdit", "curlButton", "clearButton", "followCheck",
                             "tokenEdit", "countdownLabel", "lifetimeBar"}) {
        QWidget *widget = child<QWidget>(&w, name);
        const QRegion visible = widget->visibleRegion();
        QVERIFY2(!visible.isEmpty(), name);
        QVERIFY2(visible.boundingRect().size() == widget->size(),
                 qPrintable(QStringLiteral("%1 is clipped: %2x%3 of %4x%5").arg(QLatin1String(name)).arg(visible.boundingRect().width())
                                    .arg(visible.boundingRect().height()).arg(widget->width()).arg(widget->height())));
    }
    QVERIFY(child<QTableView>(&w, "tableView")->viewport()->height() >= 60);
}

void tst_MainWindow::darkPaletteApplies()
{
    MainWindow w(demoOptions());
    w.show();
    const QColor lightBanner = child<QFrame>(&w, "bannerFrame")->palette().color(QPalette::Window);
    w.findChild<QAction *>(QStringLiteral("actionThemeDark"))->trigger();
    QVERIFY(Theme::isDark(QApplication::palette()));
    QCOMPARE(Theme::current(), Theme::Mode::Dark);
    QVERIFY(child<QFrame>(&w, "bannerFrame")->palette().color(QPalette::Window) != lightBanner);
    w.findChild<QAction *>(QStringLiteral("actionThemeLight"))->trigger();
    QVERIFY(!Theme::isDark(QApplication::palette()));
    w.findChild<QAction *>(QStringLiteral("actionThemeSystem"))->trigger();
    QCOMPARE(Theme::current(), Theme::Mode::System);
}

// A passkey sign-up on the embedded emulator's Browser API, as the sample page does it (here by
// a software authenticator with a real key): the console offers that token on the Verify tab,
// one click verifies it for the new user, and the empty Users tab shows them.
void tst_MainWindow::browserSignInIsOfferedAndVerified()
{
    MainWindow w(demoOptions());
    w.resize(1366, 768);
    w.show();
    QVERIFY(w.demo());
    w.connectionPanel()->connectToProject();
    QTRY_VERIFY_WITH_TIMEOUT(w.client()->accessToken()->hasToken(), 15000);

    using namespace emutest;
    const QUrl base = w.demo()->baseUrl();
    const Headers headers{{"Content-Type", "application/json"}, {"x-project-id", w.demo()->credentials().projectId.toUtf8()},
                          {"Origin", "http://localhost:5173"}};
    const Answer begin = send("POST", at(base, QStringLiteral("/browser/user/register/begin")),
                              toJson(QJsonObject{{QStringLiteral("userName"), QStringLiteral("presenter@example.com")}}), headers);
    QCOMPARE(begin.status, 200);
    const QJsonObject options = begin.json.value(QLatin1String("options")).toObject();
    webauthntest::SoftAuthenticator authenticator(-7, QByteArray::fromBase64(options.value(QLatin1String("user")).toObject().value(QLatin1String("id")).toString().toLatin1(),
                                                                             QByteArray::Base64UrlEncoding));
    const QJsonObject credential = authenticator.registration(options.value(QLatin1String("challenge")).toString()).toJson();
    const QString userId = begin.json.value(QLatin1String("userId")).toString();
    const Answer complete = send("POST", at(base, QStringLiteral("/browser/user/register/complete")),
                                 toJson(QJsonObject{{QStringLiteral("userId"), userId}, {QStringLiteral("credential"), credential}}), headers);
    QCOMPARE(complete.status, 200);
    const QString token = complete.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QVERIFY(!token.isEmpty());

    VerifyPanel *verify = w.verifyPanel();
    QTRY_VERIFY_WITH_TIMEOUT(verify->offer().has_value(), 10000);
    QCOMPARE(verify->offer()->userId, userId);
    QCOMPARE(verify->offer()->ceremony, QStringLiteral("sign-up"));
    auto *offerFrame = child<QFrame>(&w, "offerFrame");
    QVERIFY(offerFrame->isVisibleTo(&w));
    QVERIFY(child<QLabel>(&w, "offerLabel")->text().contains(QStringLiteral("presenter@example.com just signed up")));
    // The Users tab, empty until now, shows who signed up.
    QTRY_VERIFY_WITH_TIMEOUT(w.usersPanel()->currentUser() && w.usersPanel()->currentUser()->id == userId, 10000);

    // The offer fits at both laptop sizes: its text whole on its lines, its buttons unsqueezed,
    // every part inside the frame.
    for (const QSize size : {QSize(1366, 768), QSize(1024, 640)}) {
        w.resize(size);
        QTest::qWait(50); // a layout pass
        auto *label = child<QLabel>(&w, "offerLabel");
        for (const char *name : {"offerVerifyButton", "offerDismissButton"}) {
            auto *button = child<QWidget>(&w, name);
            QVERIFY2(button->width() >= button->minimumSizeHint().width() && button->height() >= button->minimumSizeHint().height(), name);
            QVERIFY2(offerFrame->rect().contains(button->geometry()), name);
        }
        QVERIFY(offerFrame->rect().contains(label->geometry()));
        QVERIFY(label->height() >= label->heightForWidth(label->width()));
        w.grab().save(QFileInfo(screenshotPath()).dir().filePath(QStringLiteral("console-offer-%1x%2.png").arg(size.width()).arg(size.height())));
    }
    w.resize(1366, 768);

    child<QTabWidget>(&w, "tabWidget")->setCurrentIndex(0);
    child<QPushButton>(&w, "offerVerifyButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!verify->isBusy() && verify->outcome() != VerifyPanel::Outcome::None, 15000);
    QCOMPARE(verify->outcome(), VerifyPanel::Outcome::Valid);
    QCOMPARE(verify->lastResult()->userId, userId);
    // The token never reaches the log in clear, nor the screen.
    for (int i = 0; i < w.client()->exchangeLog()->size(); ++i) {
        const Exchange &e = w.client()->exchangeLog()->at(i);
        QVERIFY(!e.requestBody.contains(token.toUtf8()));
        QVERIFY(!e.responseBody.contains(token.toUtf8()));
    }
    for (const QLabel *l : w.findChildren<QLabel *>())
        QVERIFY2(!l->text().contains(token), qPrintable(l->objectName()));
}

// Open the sign-in page hands the system browser the page at localhost (the RP ID), and says so.
void tst_MainWindow::openSignInPageOpensLocalhostDemo()
{
    MainWindow w(demoOptions());
    w.show();
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(QStringLiteral("http"), &catcher, "open");
    child<QPushButton>(&w, "openPageButton")->click();
    QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
    QCOMPARE(catcher.urls.size(), 1);
    const QUrl url = catcher.urls.first();
    QCOMPARE(url.host(), QStringLiteral("localhost"));
    QCOMPARE(url.port(), w.demo()->baseUrl().port());
    QCOMPARE(url.path(), QStringLiteral("/demo/"));
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("Opened")));
    // The page is really there.
    const emutest::Answer page = emutest::send("GET", url);
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("<html"));
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
