// Every tab of the console at the two laptop sizes people have (1366x768 and 1024x640), with
// default settings, filled the way a support engineer fills it: connected to the demo, a
// token verified, ada@example.com found with seven passkeys (five added through the emulator's
// real WebAuthn registration), the log full of exchanges. Checked from the widgets' real
// geometry (layoutcheck.h): nothing cut off or sticking out of its parent, no two widgets of a
// layout on top of each other, no widget or text squeezed below what it needs; and per tab
// what the person came for: six passkey rows at 1366x768, the verify result and the JWT claims
// whole without scrolling at 1366x768, the request log dock with a usable share that does not
// starve the tabs, the connection column leaving the tabs room.
//
// A new tab is one line in kTabs (its page's object name; a check of its own is optional).
// PLAINKEY_LAYOUT_SCREENSHOTS=DIR saves each case as DIR/<tab>-<width>x<height>.png.

#include "emulatortesthelper.h"
#include "softauthenticator.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "gui/connection/connectionpanel.h"
#include "gui/demo/demosession.h"
#include "layoutcheck.h"
#include "gui/log/exchangefiltermodel.h"
#include "gui/log/exchangelogmodel.h"
#include "gui/log/historyscopebar.h"
#include "gui/log/logpanel.h"
#include "gui/users/passkeytablemodel.h"
#include "core/users/useridentifier.h"
#include "gui/users/userspanel.h"
#include "gui/verify/verifypanel.h"
#include "gui/window/mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QHeaderView>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

#include <map>
#include <memory>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

const QString kAda = QStringLiteral("ada@example.com");
//! Passkeys added to ada's two seeded ones: seven in all, more than the six rows asked for.
const QStringList kAddedLabels = {QStringLiteral("Work laptop"), QStringLiteral("Backup YubiKey"), QStringLiteral("iPad"),
                                  QStringLiteral("Android phone"), QStringLiteral("Home desktop")};

template <typename T>
T *named(QWidget *parent, const char *name)
{
    T *w = parent->findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
}

QString joined(const QStringList &problems)
{
    return QLatin1Char('\n') + problems.join(QLatin1Char('\n'));
}

//! Adds a passkey to \a userName as a backend and its frontend would: the Server API's begin
//! gives a token, the Browser API's begin the options, a software authenticator's real
//! registration completes it; then its label. True when the emulator took it.
bool addPasskey(const Credentials &c, const QString &userName, const QString &label)
{
    using namespace emutest;
    const Session server(c.baseUrl, c.projectId, c.clientSecret);
    const Answer grant = server.call("POST", QStringLiteral("/user/credential/begin"),
                                     QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), userName}}}});
    if (grant.status != 200)
        return false;
    const QJsonValue token = grant.json.value(QLatin1String("authenticationToken"));
    const Headers browser{{"Content-Type", "application/json"}, {"x-project-id", c.projectId.toUtf8()}, {"Origin", "http://localhost:5173"}};
    const Answer begin = send("POST", at(c.baseUrl, QStringLiteral("/browser/user/credential/begin")),
                              toJson(QJsonObject{{QStringLiteral("authenticationToken"), token}}), browser);
    if (begin.status != 200)
        return false;
    const QJsonObject options = begin.json.value(QLatin1String("options")).toObject();
    const QByteArray handle = QByteArray::fromBase64(options.value(QLatin1String("user")).toObject().value(QLatin1String("id")).toString().toLatin1(),
                                                     QByteArray::Base64UrlEncoding);
    webauthntest::SoftAuthenticator authenticator(webauthntest::SoftAuthenticator::ES256, handle);
    const QJsonObject credential = authenticator.registration(options.value(QLatin1String("challenge")).toString()).toJson();
    const Answer complete = send("POST", at(c.baseUrl, QStringLiteral("/browser/user/credential/complete")),
                                 toJson(QJsonObject{{QStringLiteral("authenticationToken"), token}, {QStringLiteral("credential"), credential}}), browser);
    if (complete.status != 200)
        return false;
    const QString id = complete.json.value(QLatin1String("credential")).toObject().value(QLatin1String("id")).toString();
    return server.call("PATCH", QStringLiteral("/credential/%1/label").arg(id), QJsonObject{{QStringLiteral("label"), label}}).status == 200;
}

//! One console window at one size, filled as described at the top.
struct Console
{
    std::unique_ptr<MainWindow> window;
    QString failure; // why it could not be filled; empty when it was
};

using TabCheck = void (*)(MainWindow &w, const QSize &size);

//! A tab of the console (or, without a page, the request log dock) and what it must show.
struct TabCase
{
    const char *name;
    const char *page; //!< object name of the tab page; nullptr: the request log dock
    TabCheck check; //!< checks of its own after the common ones; may be nullptr
    //! Puts the window in the state to check, before the common checks; may be nullptr.
    void (*prepare)(MainWindow &w) = nullptr;
};

void checkVerify(MainWindow &w, const QSize &size);
void checkUsers(MainWindow &w, const QSize &size);
void checkLog(MainWindow &w, const QSize &size);
void showHistory(MainWindow &w);
void checkHistory(MainWindow &w, const QSize &size);

// Add a tab here, one line: {"Name", "pageObjectName", nullptr or its own check}.
const TabCase kTabs[] = {
        {"Verify", "verifyTab", checkVerify},
        {"Users", "usersTab", checkUsers},
        {"Log", nullptr, checkLog},
        {"Troubleshooter", "troubleshootTab", nullptr},
        // Last: the log showing the whole history, with its row of history filters.
        {"History", nullptr, checkHistory, showHistory},
};

const QSize kSizes[] = {QSize(1366, 768), QSize(1024, 640)};
const QSize kLaptop(1366, 768);

void checkVerify(MainWindow &w, const QSize &size)
{
    QCOMPARE(w.verifyPanel()->outcome(), VerifyPanel::Outcome::Valid);
    if (size != kLaptop)
        return;
    // The result in words, whole, without scrolling.
    auto *scroll = named<QScrollArea>(&w, "resultScroll");
    QVERIFY2(!layoutcheck::needsScrolling(scroll), qPrintable(QStringLiteral("the verify result needs scrolling: %1 px in a %2 px viewport")
                                                                     .arg(scroll->widget()->height())
                                                                     .arg(scroll->viewport()->height())));
    for (const char *name : {"headlineLabel", "userIdEdit", "copyUserIdButton", "showUserButton", "reasonLabel", "adviceLabel", "detailsLabel", "exchangeLink"}) {
        QWidget *part = named<QWidget>(w.verifyPanel(), name);
        if (part->isVisibleTo(w.verifyPanel()))
            QVERIFY2(layoutcheck::fullyVisible(part), name);
    }
    // The decoded claims, every row and every value whole, without scrolling.
    auto *claims = named<QTreeWidget>(&w, "claimsTree");
    const QAbstractItemView *claimsView = claims; // sizeHintForColumn is public there
    QVERIFY(layoutcheck::shownRows(claims) >= 8); // header and claims sections, their entries
    QVERIFY2(layoutcheck::fullyVisible(claims), "claimsTree");
    QVERIFY2(layoutcheck::visibleRows(claims) == layoutcheck::shownRows(claims),
             qPrintable(QStringLiteral("%1 of %2 claim rows visible").arg(layoutcheck::visibleRows(claims)).arg(layoutcheck::shownRows(claims))));
    QVERIFY2(claims->verticalScrollBar()->maximum() == 0, "the claims need scrolling");
    // Claim names and values whole and in view; the meaning may be cut, its tooltip has it all.
    for (const int column : {0, 1}) {
        QVERIFY2(claims->header()->sectionViewportPosition(column) + claims->columnWidth(column) <= claims->viewport()->width(),
                 qPrintable(QStringLiteral("claims column %1 runs past the view").arg(column)));
        QVERIFY2(claims->columnWidth(column) >= claimsView->sizeHintForColumn(column),
                 qPrintable(QStringLiteral("claims column %1 is %2 px, its text needs %3 px")
                                    .arg(column)
                                    .arg(claims->columnWidth(column))
                                    .arg(claimsView->sizeHintForColumn(column))));
    }
}

void checkUsers(MainWindow &w, const QSize &size)
{
    UsersPanel *users = w.usersPanel();
    QVERIFY(users->currentUser().has_value());
    QCOMPARE(users->currentUser()->userName.value_or(QString()), kAda);
    auto *table = named<QTableView>(users, "passkeysView");
    QCOMPARE(table->model()->rowCount(), 2 + int(kAddedLabels.size()));
    QVERIFY2(layoutcheck::fullyVisible(table), "passkeysView");
    const int rows = layoutcheck::visibleRows(table);
    QVERIFY2(rows >= (size == kLaptop ? 6 : 3), qPrintable(QStringLiteral("%1 passkey rows visible").arg(rows)));
    for (const char *name : {"userNameValue", "userIdValue", "passkeyCountValue", "renameButton", "beginButton", "deleteUserButton",
                             "refreshButton", "passkeyFilterEdit", "relabelButton", "deletePasskeyButton"})
        QVERIFY2(layoutcheck::fullyVisible(named<QWidget>(users, name)), name);
}

void checkLog(MainWindow &w, const QSize &size)
{
    LogPanel *log = w.logPanel();
    auto *dock = qobject_cast<QDockWidget *>(log->parentWidget());
    QVERIFY2(dock, "the request log is not in a dock");
    QVERIFY(dock->isVisible());
    QVERIFY(!dock->isFloating());
    // A usable share: a handful of rows and the exchange's detail, without starving the tabs.
    auto *table = named<QTableView>(log, "tableView");
    const int rows = layoutcheck::visibleRows(table);
    QVERIFY2(rows >= 4, qPrintable(QStringLiteral("%1 log rows visible").arg(rows)));
    auto *tabs = named<QTabWidget>(&w, "tabWidget");
    QVERIFY2(dock->height() <= tabs->height(), qPrintable(QStringLiteral("the log (%1 px) is higher than the tabs (%2 px)").arg(dock->height()).arg(tabs->height())));
    QVERIFY2(dock->height() * 100 >= size.height() * 20,
             qPrintable(QStringLiteral("the log gets %1 px of %2").arg(dock->height()).arg(size.height())));
    for (const char *name : {"filterEdit", "statusCombo", "endpointCombo", "followCheck", "curlButton", "clearButton", "requestEdit"})
        if (QWidget *part = named<QWidget>(log, name); part->isVisibleTo(log))
            QVERIFY2(layoutcheck::fullyVisible(part), name);
}

void showHistory(MainWindow &w)
{
    w.logPanel()->setHistoryScope(true);
}

void checkHistory(MainWindow &w, const QSize &size)
{
    LogPanel *log = w.logPanel();
    QVERIFY(log->showingHistory());
    HistoryScopeBar *bar = log->historyScopeBar();
    QVERIFY(bar->isVisible());
    for (QWidget *part : {static_cast<QWidget *>(bar->scopeCombo()), static_cast<QWidget *>(bar->profileEdit()),
                          static_cast<QWidget *>(bar->sinceCombo()), static_cast<QWidget *>(bar->clearButton())})
        QVERIFY2(layoutcheck::fullyVisible(part), qPrintable(part->objectName()));
    checkLog(w, size);
    log->setHistoryScope(false);
    QVERIFY(!bar->isVisible());
}

} // namespace

class tst_Layouts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void tabFits_data();
    void tabFits();
    void logDockIsRememberedAndToggled();

private:
    //! The console at \a size, made and filled on first use.
    Console &console(const QSize &size);
    std::map<std::pair<int, int>, Console> m_consoles;
};

void tst_Layouts::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_layouts"));
    QSettings().clear();
    QApplication::setStyle(QStringLiteral("Fusion"));
}

void tst_Layouts::cleanupTestCase()
{
    m_consoles.clear();
    QSettings().clear();
}

Console &tst_Layouts::console(const QSize &size)
{
    Console &c = m_consoles[{size.width(), size.height()}];
    if (c.window || !c.failure.isEmpty())
        return c;
    auto fail = [&c](const QString &why) -> Console & {
        c.failure = why;
        return c;
    };
    // Default settings: nothing remembered from an earlier window.
    QSettings().clear();
    ConsoleOptions options;
    options.start = ConsoleOptions::Start::Demo;
    options.keychainService.clear();
    c.window = std::make_unique<MainWindow>(options);
    MainWindow &w = *c.window;
    w.resize(size);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w))
        return fail(QStringLiteral("the window was not shown"));
    if (!QTest::qWaitFor([&] { return w.size() == size; }, 5000))
        return fail(QStringLiteral("the window is %1x%2, not the size asked for").arg(w.width()).arg(w.height()));

    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    w.connectionPanel()->connectToProject();
    if (!refreshed.wait(15000))
        return fail(QStringLiteral("no access token from the demo"));

    // Five more passkeys for ada, through the emulator's registration. Each hands a browser a
    // token, which the Verify tab offers: dismissed, as a person would after reading it.
    for (const QString &label : kAddedLabels)
        if (!addPasskey(w.demo()->credentials(), kAda, label))
            return fail(QStringLiteral("the emulator did not add the passkey %1").arg(label));
    QTest::qWait(100);
    w.verifyPanel()->dismissOffer();

    // A verified token: ada signs in, the token is verified and decoded.
    named<QTabWidget>(&w, "tabWidget")->setCurrentWidget(named<QWidget>(&w, "verifyTab"));
    w.verifyPanel()->simulateSignIn();
    if (!QTest::qWaitFor([&] { return !w.verifyPanel()->normalizedToken().isEmpty(); }, 15000))
        return fail(QStringLiteral("the simulated sign-in gave no token"));
    w.verifyPanel()->verify();
    if (!QTest::qWaitFor([&] { return w.verifyPanel()->outcome() == VerifyPanel::Outcome::Valid; }, 15000))
        return fail(QStringLiteral("the simulated sign-in's token was not verified"));

    // ada found on the Users tab, her passkeys listed.
    QSignalSpy loaded(w.usersPanel(), &UsersPanel::passkeysLoaded);
    w.usersPanel()->findUser(UserIdentifier::byName(kAda));
    if (!loaded.wait(15000))
        return fail(QStringLiteral("ada's passkeys were not listed"));
    w.logPanel()->logModel()->flush();
    return c;
}

void tst_Layouts::tabFits_data()
{
    QTest::addColumn<int>("tab");
    QTest::addColumn<QSize>("size");
    for (const QSize size : kSizes)
        for (int i = 0; i < int(std::size(kTabs)); ++i)
            QTest::addRow("%s %dx%d", kTabs[i].name, size.width(), size.height()) << i << size;
}

void tst_Layouts::tabFits()
{
    QFETCH(int, tab);
    QFETCH(QSize, size);
    const TabCase &which = kTabs[tab];
    Console &c = console(size);
    QVERIFY2(c.failure.isEmpty(), qPrintable(c.failure));
    MainWindow &w = *c.window;
    auto *tabs = named<QTabWidget>(&w, "tabWidget");
    if (which.page) {
        QWidget *page = named<QWidget>(&w, which.page);
        tabs->setCurrentWidget(page);
    }
    if (which.prepare)
        which.prepare(w);
    QTest::qWait(50); // a layout pass
    if (const QString dir = qEnvironmentVariable("PLAINKEY_LAYOUT_SCREENSHOTS"); !dir.isEmpty()) {
        const QString path = QDir(dir).filePath(QStringLiteral("%1-%2x%3.png").arg(QLatin1String(which.name)).arg(size.width()).arg(size.height()));
        QVERIFY2(w.grab().save(path), qPrintable(path));
    }

    // Nothing cut off, stacked or squeezed anywhere in the window: banner, connection column,
    // this tab, the log.
    QStringList problems = layoutcheck::allProblems(&w);
    QVERIFY2(problems.isEmpty(), qPrintable(joined(problems)));

    // The connection column leaves the tabs most of the width, and the tab page all it needs.
    QVERIFY2(tabs->width() * 100 >= size.width() * 60,
             qPrintable(QStringLiteral("the tabs get %1 px of %2").arg(tabs->width()).arg(size.width())));
    QWidget *page = tabs->currentWidget();
    const QSize need = page->minimumSizeHint();
    QVERIFY2(page->width() >= need.width() && page->height() >= need.height(),
             qPrintable(QStringLiteral("the %1 page is %2x%3 but needs %4x%5").arg(QLatin1String(which.name)).arg(page->width()).arg(page->height())
                                .arg(need.width()).arg(need.height())));

    if (which.check)
        which.check(w, size);
}

// The person's share for the log is kept: hidden and shown from the View menu, its height
// remembered across windows, and Reset layout gives the default back.
void tst_Layouts::logDockIsRememberedAndToggled()
{
    QSettings().clear();
    ConsoleOptions options;
    options.start = ConsoleOptions::Start::Demo;
    options.keychainService.clear();
    int chosenHeight = 0;
    {
        MainWindow w(options);
        w.resize(kLaptop);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *dock = qobject_cast<QDockWidget *>(w.logPanel()->parentWidget());
        QVERIFY(dock);
        QAction *toggle = w.findChild<QAction *>(QStringLiteral("actionShowLog"));
        QVERIFY(toggle);
        QVERIFY(!toggle->shortcut().isEmpty());
        QVERIFY(toggle->isChecked());
        toggle->trigger();
        QTRY_VERIFY(!dock->isVisible());
        auto *tabs = named<QTabWidget>(&w, "tabWidget");
        // Hidden, the tabs take the room.
        QTRY_VERIFY(tabs->height() > kLaptop.height() / 2 + 100);
        toggle->trigger();
        QTRY_VERIFY(dock->isVisible());
        // The person gives the log more room.
        chosenHeight = dock->height() + 120;
        w.resizeDocks({dock}, {chosenHeight}, Qt::Vertical);
        QTRY_COMPARE(dock->height(), chosenHeight);
        w.close();
    }
    {
        MainWindow w(options);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *dock = qobject_cast<QDockWidget *>(w.logPanel()->parentWidget());
        QTRY_COMPARE(w.size(), kLaptop);
        QTRY_COMPARE(dock->height(), chosenHeight);
        // Reset layout: back to the default share.
        w.resetLayout();
        QTRY_VERIFY(dock->height() < chosenHeight);
        QVERIFY(dock->isVisible());
        w.close();
    }
    QSettings().clear();
}

QTEST_MAIN(tst_Layouts)
#include "tst_layouts.moc"
