// The Troubleshooter tab against the embedded emulator, one scenario per way a sign-in goes wrong
// (and the healthy one): the verdicts and the one-sentence summary as the widgets show them, the
// pasted token nowhere on screen or in the log, Cancel, and in the console window: Ctrl+4, a
// finding's link selecting its exchange in the log, and the tab's geometry at 1366x768 and 1024x640.

#include "widgettesthelper.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "gui/connection/connectionpanel.h"
#include "gui/demo/demosession.h"
#include "core/diagnose/diagnosis.h"
#include "emulator/emulatorconfig.h"
#include "core/log/exchangelog.h"
#include "gui/log/exchangelogmodel.h"
#include "gui/log/logpanel.h"
#include "gui/troubleshoot/findingview.h"
#include "gui/troubleshoot/troubleshooterpanel.h"
#include "core/users/userops.h"
#include "gui/users/userspanel.h"
#include "gui/verify/verifypanel.h"
#include "gui/window/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

//! Every piece of text \a root shows: labels (and their tooltips), unmasked fields.
QString screenText(const QWidget *root)
{
    QString all;
    for (const QLabel *l : root->findChildren<QLabel *>())
        all += l->text() + QLatin1Char('\n') + l->toolTip() + QLatin1Char('\n');
    for (const QLineEdit *e : root->findChildren<QLineEdit *>())
        if (e->echoMode() == QLineEdit::Normal)
            all += e->text() + QLatin1Char('\n');
    return all;
}

//! True when no exchange in \a log holds \a token anywhere: URL, headers, bodies, errors.
bool logFreeOf(const ExchangeLog *log, const QString &token)
{
    const QByteArray t = token.toUtf8();
    for (int i = 0; i < log->size(); ++i) {
        const Exchange &e = log->at(i);
        QByteArray all = e.url.toUtf8() + e.requestBody + e.responseBody + e.errorText.toUtf8() + e.redirectUrl.toUtf8();
        for (const auto &h : e.requestHeaders)
            all += h.first + h.second;
        for (const auto &h : e.responseHeaders)
            all += h.first + h.second;
        if (all.contains(t))
            return false;
    }
    return true;
}

//! Changes one character in a JWT's signature, as a forged or damaged token would be.
QString forged(QString token)
{
    const qsizetype pos = token.lastIndexOf(QLatin1Char('.')) + 5;
    token[pos] = token.at(pos) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    return token;
}

//! Mints a token for \a userName on \a demo, living \a ttl seconds (the demo's default when unset).
DemoSignIn signIn(DemoSession &demo, Transport *transport, const QString &userName, std::optional<int> ttl = std::nullopt)
{
    std::optional<Result<DemoSignIn>> result;
    QObject context;
    demo.signIn(transport, userName, &context, [&](const Result<DemoSignIn> &r) { result.emplace(r); }, ttl);
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 15000) || !result->ok())
        return {};
    return result->value();
}

struct Fixture
{
    Fixture()
    {
        emulator::EmulatorConfig config;
        config.authTokenTtl = std::chrono::seconds(120);
        QVERIFY(demo.start(config));
        client.setCredentials(demo.credentials());
        panel.resize(900, 560);
        panel.show();
    }
    template <typename T>
    T *child(const char *name)
    {
        return childOf<T>(&panel, name);
    }

    //! Fills the fields and presses Run; true once the run finished with a summary.
    bool run(const QString &user, bool byName, const QString &token)
    {
        panel.setUser(user, byName);
        panel.setToken(token);
        child<QPushButton>("runButton")->click();
        if (!panel.isRunning())
            return false;
        return QTest::qWaitFor([&] { return !panel.isRunning(); }, 30000) && !panel.diagnosis()->summary().title.isEmpty();
    }
    //! The verdict a finding's card shows ("✔ Pass"), or empty when there is no such card.
    QString verdictShown(const QString &id)
    {
        for (FindingView *view : panel.findingViews())
            if (view->finding().id == id)
                return childOf<QLabel>(view, "verdictLabel")->text();
        return {};
    }
    QString summaryShown() { return child<QLabel>("summaryLabel")->text(); }
    QString outcomeShown() { return child<QLabel>("summaryVerdictLabel")->text(); }
    QString allFindingText()
    {
        QString all;
        for (FindingView *view : panel.findingViews())
            all += screenText(view);
        return all;
    }

    DemoSession demo;
    PlainKeyClient client;
    TroubleshooterPanel panel{&client};
};

ConsoleOptions demoOptions()
{
    ConsoleOptions o;
    o.start = ConsoleOptions::Start::Demo;
    o.useSettings = false;
    o.keychainService.clear();
    return o;
}

//! Every visible descendant of \a root lies inside its parent, except the contents of a scroll
//! area, which scroll. Returns the first offender's name, or empty.
QString childOutsideParent(const QWidget *root)
{
    for (const QWidget *w : root->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(root) || w->isWindow())
            continue;
        const QWidget *parent = w->parentWidget();
        if (qobject_cast<const QAbstractScrollArea *>(parent ? parent->parentWidget() : nullptr)
            && parent == static_cast<const QAbstractScrollArea *>(parent->parentWidget())->viewport())
            continue;
        if (!parent->rect().contains(w->geometry()))
            return QStringLiteral("%1 (%2) at %3,%4 %5x%6 outside %7 %8x%9")
                    .arg(w->objectName(), QLatin1String(w->metaObject()->className()))
                    .arg(w->x()).arg(w->y()).arg(w->width()).arg(w->height())
                    .arg(parent->objectName()).arg(parent->width()).arg(parent->height());
    }
    return {};
}

//! True when \a w shows whole inside the window: not hidden, not cut by a parent or a scroll.
bool wholeOnScreen(const QWidget *w)
{
    return w->isVisible() && w->visibleRegion().boundingRect().size() == w->size();
}

} // namespace

class tst_TroubleshooterPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void healthyUserAndToken();
    void expiredToken();
    void forgedToken();
    void tokenOfADeletedUser();
    void userWithNoPasskey();
    void unknownUser();
    void wrongClientSecret();
    void plainKeyDown();
    void nothingToCheckSendsNothing();
    void cancelStopsTheChecks();
    void ctrl4AndTheLogLinkInTheConsole();
    void troubleshootFromTheVerifyAndUsersTabs();
    void fitsLaptopScreens_data();
    void fitsLaptopScreens();
};

void tst_TroubleshooterPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_troubleshooterpanel"));
    QApplication::setStyle(QStringLiteral("Fusion"));
}

void tst_TroubleshooterPanel::healthyUserAndToken()
{
    Fixture f;
    const QString user = f.demo.userNames().first();
    const DemoSignIn s = signIn(f.demo, f.client.transport(), user);
    QVERIFY(!s.token.isEmpty());

    f.panel.setToken(s.token);
    QCOMPARE(f.child<QLineEdit>("customerTokenEdit")->echoMode(), QLineEdit::Password);
    QVERIFY(f.child<QLabel>("tokenNoticeLabel")->text().startsWith(QStringLiteral("Token #")));
    QVERIFY(f.run(user, true, s.token));

    QCOMPARE(f.panel.diagnosis()->outcome(), Diagnosis::Outcome::Healthy);
    QVERIFY2(f.outcomeShown().contains(QStringLiteral("Nothing wrong")), qPrintable(f.outcomeShown()));
    QVERIFY2(f.summaryShown().startsWith(QStringLiteral("Nothing wrong found: PlainKey accepts the token")), qPrintable(f.summaryShown()));
    QVERIFY(f.summaryShown().contains(user));
    QCOMPARE(f.verdictShown(QStringLiteral("credentials")), QStringLiteral("\u2714 Pass"));
    QCOMPARE(f.verdictShown(QStringLiteral("verify")), QStringLiteral("\u2714 Pass"));
    QCOMPARE(f.verdictShown(QStringLiteral("user")), QStringLiteral("\u2714 Pass"));
    QCOMPARE(f.verdictShown(QStringLiteral("token-passkey")), QStringLiteral("\u2714 Pass"));
    // Every check is on show, in order, with its evidence; the summary is on top, not among them.
    const QList<FindingView *> views = f.panel.findingViews();
    QCOMPARE(views.size(), f.panel.diagnosis()->findings().size() - 1);
    QCOMPARE(views.first()->finding().id, QStringLiteral("credentials"));
    for (FindingView *view : views)
        QVERIFY(view->finding().id != QLatin1String("summary"));
    QVERIFY(f.child<QPushButton>("cancelChecksButton")->isHidden());
    QCOMPARE(f.child<QPushButton>("runButton")->text(), QStringLiteral("&Run checks"));

    // The summary copies as its one sentence; all findings copy as text for a ticket.
    f.child<QPushButton>("copySummaryButton")->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), f.panel.diagnosis()->summary().title);
    f.child<QPushButton>("copyFindingsButton")->click();
    const QString copied = QGuiApplication::clipboard()->text();
    QVERIFY(copied.startsWith(QStringLiteral("Summary (healthy): Nothing wrong found")));
    QVERIFY(copied.contains(QStringLiteral("[pass] PlainKey accepted the credentials")));

    // The token is nowhere on screen, in the clipboard or in the log.
    QVERIFY2(!screenText(&f.panel).contains(s.token), "the token is on screen");
    QVERIFY(!copied.contains(s.token));
    QVERIFY2(logFreeOf(f.client.exchangeLog(), s.token), "the token is in the log");
}

void tst_TroubleshooterPanel::expiredToken()
{
    Fixture f;
    const DemoSignIn s = signIn(f.demo, f.client.transport(), f.demo.userNames().first(), 1);
    QVERIFY(!s.token.isEmpty());
    QVERIFY(s.expiresAt);
    const QDateTime expiry = s.expiresAt->utc;
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > expiry.addMSecs(1100), 10000);
    QVERIFY(f.run(QString(), true, s.token));

    QCOMPARE(f.panel.diagnosis()->outcome(), Diagnosis::Outcome::SignInFails);
    QCOMPARE(f.outcomeShown(), QStringLiteral("\u2718 Sign-in fails"));
    QVERIFY2(f.summaryShown().startsWith(QStringLiteral("The token expired")), qPrintable(f.summaryShown()));
    QVERIFY(f.summaryShown().contains(QStringLiteral("held it too long")));
    QCOMPARE(f.verdictShown(QStringLiteral("verify")), QStringLiteral("\u2718 Fail"));
    QVERIFY(!screenText(&f.panel).contains(s.token));
    QVERIFY(logFreeOf(f.client.exchangeLog(), s.token));
}

void tst_TroubleshooterPanel::forgedToken()
{
    Fixture f;
    const DemoSignIn s = signIn(f.demo, f.client.transport(), f.demo.userNames().first());
    QVERIFY(!s.token.isEmpty());
    const QString changed = forged(s.token);
    QVERIFY(changed != s.token);
    QVERIFY(f.run(QString(), true, changed));

    QCOMPARE(f.panel.diagnosis()->outcome(), Diagnosis::Outcome::SignInFails);
    QVERIFY2(f.summaryShown().startsWith(QStringLiteral("PlainKey does not recognise the token")), qPrintable(f.summaryShown()));
    QVERIFY(f.summaryShown().contains(QStringLiteral("signature")));
    QCOMPARE(f.verdictShown(QStringLiteral("verify")), QStringLiteral("\u2718 Fail"));
    QVERIFY(!screenText(&f.panel).contains(changed));
    QVERIFY(logFreeOf(f.client.exchangeLog(), changed));
}

void tst_TroubleshooterPanel::tokenOfADeletedUser()
{
    Fixture f;
    // A seeded user signs in with their passkey, then is deleted.
    const QString user = f.demo.userNames().last();
    const DemoSignIn s = signIn(f.demo, f.client.transport(), user);
    QVERIFY(!s.token.isEmpty());
    std::optional<Result<Done>> deleted;
    f.client.call<DeleteUser>(&f.panel, [&](const Result<Done> &r) { deleted.emplace(r); }, UserIdentifier::byId(s.userId));
    QTRY_VERIFY_WITH_TIMEOUT(deleted.has_value(), 15000);
    QVERIFY(deleted->ok());

    QVERIFY(f.run(QString(), true, s.token));
    QCOMPARE(f.panel.diagnosis()->outcome(), Diagnosis::Outcome::SignInFails);
    QVERIFY2(f.summaryShown().contains(QStringLiteral("was deleted")), qPrintable(f.summaryShown()));
    QVERIFY(f.summaryShown().contains(s.userId));
    QCOMPARE(f.verdictShown(QStringLiteral("verify")), QStringLiteral("\u2718 Fail"));
    QVERIFY(!screenText(&f.panel).contains(s.token));
}

void tst_TroubleshooterPanel::userWithNoPasskey()
{
    Fixture f;
    std::optional<Result<User>> created;
    f.client.call<CreateUser>(&f.panel, [&](const Result<User> &r) { created.emplace(r); }, std::optional<QString>(QStringLiteral("new@example.com")));
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 15000);
    QVERIFY(created->ok());

    QVERIFY(f.run(QStringLiteral("new@example.com"), true, QString()));
    QCOMPARE(f.panel.diagnosis()->outcome(), Diagnosis::Outcome::SignInFails);
    QVERIFY2(f.summaryShown().contains(QStringLiteral("has no passkey")), qPrintable(f.summaryShown()));
    QCOMPARE(f.verdictShown(QStringLiteral("user")), QStringLiteral("\u2714 Pass"));
    QCOMPARE(f.verdictShown(QStringLiteral("passkeys")), QStringLiteral("\u2718 Fail"));
    // No token: its checks say so rather than pass.
    QCOMPARE(f.verdictShown(QStringLiteral("verify")), QStringLiteral("\u2013 Skipped"));
    QCOMPARE(f.child<QLabel>("tokenNoticeLabel")->text(), QStringLiteral("No token: only the user is checked."));
    // The same user by ID.
    QVERIFY(f.run(created->value().id, false, QString()));
    QVERIFY(f.summaryShown().contains(QStringLiteral("has no passkey")));
}

void tst_TroubleshooterPanel::unknownUser()
{
    Fixture f;
    QVERIFY(f.run(QStringLiteral("nobody@example.com"), true, QString()));
    QCOMPARE(f.panel.diagnosis()->outcome(), Diagnosis::Outcome::SignInFails);
    QVERIFY2(f.summaryShown().startsWith(QStringLiteral("There is no user")), qPrintable(f.summaryShown()));
    QVERIFY(f.summaryShown().contains(QStringLiteral("nobody@example.com")));
    QCOMPARE(f.verdictShown(QStringLiteral("user")), QStringLiteral("\u2718 Fail"));
    // The next action is on the summary and on the card.
    QVERIFY(!f.child<QLabel>("summaryActionLabel")->isHidden());
    QVERIFY(f.child<QLabel>("summaryActionLabel")->text().contains(QStringLiteral("Next:")));
}

void tst_TroubleshooterPanel::wrongClientSecret()
{
    Fixture f;
    const DemoSignIn s = signIn(f.demo, f.client.transport(), f.demo.userNames().first());
    QVERIFY(!s.token.isEmpty());
    Credentials wrong = f.demo.credentials();
    wrong.clientSecret = QStringLiteral("not-the-secret-0123456789");
    f.client.setCredentials(wrong);
    QVERIFY(f.run(f.demo.userNames().first(), true, s.token));

    QCOMPARE(f.panel.diagnosis()->outcome(), Diagnosis::Outcome::CredentialsRefused);
    QCOMPARE(f.outcomeShown(), QStringLiteral("\u2718 Credentials refused"));
    // The sentence names the refusal and where to fix it (its exact words are the engine's).
    QVERIFY2(f.summaryShown().contains(QStringLiteral("refused")), qPrintable(f.summaryShown()));
    QVERIFY(f.summaryShown().contains(QStringLiteral("connection settings")));
    QCOMPARE(f.verdictShown(QStringLiteral("credentials")), QStringLiteral("? Could not check"));
    QVERIFY(!screenText(&f.panel).contains(wrong.clientSecret));
    QVERIFY(!screenText(&f.panel).contains(s.token));
    QVERIFY(logFreeOf(f.client.exchangeLog(), wrong.clientSecret));
}

void tst_TroubleshooterPanel::plainKeyDown()
{
    Fixture f;
    Credentials nowhere = f.demo.credentials();
    nowhere.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:1"));
    f.client.setCredentials(nowhere);
    QVERIFY(f.run(QStringLiteral("ada@example.com"), true, QStringLiteral("some-opaque-token-value-0123456789")));

    QCOMPARE(f.panel.diagnosis()->outcome(), Diagnosis::Outcome::CouldNotCheck);
    QCOMPARE(f.outcomeShown(), QStringLiteral("? Could not check"));
    QVERIFY2(f.summaryShown().contains(QStringLiteral("PlainKey at 127.0.0.1:1 could not be")), qPrintable(f.summaryShown()));
    QCOMPARE(f.verdictShown(QStringLiteral("reachability")), QStringLiteral("? Could not check"));
    QCOMPARE(f.verdictShown(QStringLiteral("user")), QStringLiteral("? Could not check"));
    QVERIFY(!f.allFindingText().contains(QStringLiteral("some-opaque-token-value-0123456789")));
}

void tst_TroubleshooterPanel::nothingToCheckSendsNothing()
{
    Fixture f;
    QSignalSpy status(&f.panel, &TroubleshooterPanel::statusMessage);
    f.child<QPushButton>("runButton")->click();
    QVERIFY(!f.panel.isRunning());
    QCOMPARE(f.client.exchangeLog()->size(), 0);
    QCOMPARE(status.count(), 1);
    QVERIFY(f.summaryShown().startsWith(QStringLiteral("Nothing to check yet")));
    QVERIFY(!f.child<QPushButton>("copySummaryButton")->isEnabled());
    // Enter in the user field runs.
    QTest::keyClicks(f.child<QLineEdit>("userEdit"), QStringLiteral("nobody@example.com"));
    QTest::keyClick(f.child<QLineEdit>("userEdit"), Qt::Key_Return);
    QVERIFY(f.panel.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!f.panel.isRunning(), 30000);
    QVERIFY(f.summaryShown().startsWith(QStringLiteral("There is no user")));
}

void tst_TroubleshooterPanel::cancelStopsTheChecks()
{
    Fixture f;
    f.demo.setSlow(true);
    f.panel.setUser(QStringLiteral("ada@example.com"), true);
    f.child<QPushButton>("runButton")->click();
    QVERIFY(f.panel.isRunning());
    auto *cancel = f.child<QPushButton>("cancelChecksButton");
    QVERIFY(!cancel->isHidden());
    QVERIFY(!f.child<QLabel>("progressLabel")->isHidden());
    QTRY_VERIFY(f.child<QLabel>("progressLabel")->text().contains(QStringLiteral("credentials")));
    QVERIFY(f.child<QLabel>("progressLabel")->text().endsWith(QStringLiteral("\u2026")));
    QCOMPARE(f.child<QPushButton>("runButton")->text(), QStringLiteral("Running\u2026"));
    cancel->click();
    QVERIFY(!f.panel.isRunning());
    QVERIFY(cancel->isHidden());
    QVERIFY(f.summaryShown().startsWith(QStringLiteral("Cancelled after")));
    // Nothing arrives after the cancel.
    const int shown = f.panel.findingViews().size();
    QTest::qWait(200);
    QCOMPARE(f.panel.findingViews().size(), shown);
    f.demo.setSlow(false);
}

void tst_TroubleshooterPanel::ctrl4AndTheLogLinkInTheConsole()
{
    MainWindow w(demoOptions());
    w.resize(1366, 768);
    w.show();
    QApplication::setActiveWindow(&w);
    QVERIFY(QTest::qWaitForWindowActive(&w));
    TroubleshooterPanel *panel = w.troubleshooterPanel();

    // Before Connect there is no project to check against: it says so and sends nothing.
    QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier);
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("ada@example.com"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QVERIFY(!panel->isRunning());
    QVERIFY2(panel->summaryText().startsWith(QStringLiteral("Not connected")), qPrintable(panel->summaryText()));
    QCOMPARE(w.client()->exchangeLog()->size(), 0);
    w.connectionPanel()->connectToProject();
    QTRY_VERIFY_WITH_TIMEOUT(w.client()->accessToken()->hasToken(), 15000);

    // Ctrl+4: the Troubleshooter tab, its first field.
    w.findChild<QTabWidget *>(QStringLiteral("tabWidget"))->setCurrentIndex(0);
    QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier);
    auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("tabWidget"));
    QCOMPARE(tabs->currentWidget(), w.findChild<QWidget *>(QStringLiteral("troubleshootTab")));
    QCOMPARE(tabs->tabText(tabs->currentIndex()), QStringLiteral("Troubleshooter"));
    QCOMPARE(QApplication::focusWidget(), childOf<QLineEdit>(panel, "userEdit"));
    // Tab order: user, how it is named, token, Run.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), childOf<QComboBox>(panel, "userKindCombo"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), childOf<QLineEdit>(panel, "customerTokenEdit"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), childOf<QPushButton>(panel, "runButton"));

    // Typed and run from the keyboard alone.
    const QString user = w.demo()->userNames().first();
    QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier);
    QTest::keyClicks(QApplication::focusWidget(), user);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QVERIFY(panel->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 30000);
    QCOMPARE(panel->diagnosis()->outcome(), Diagnosis::Outcome::Healthy);
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("Nothing wrong found")));

    // Tab walks from the list into the findings' links, in order.
    const QList<FindingView *> views = panel->findingViews();
    QVERIFY(views.size() >= 8);
    childOf<QScrollArea>(panel, "findingsScroll")->setFocus(Qt::TabFocusReason);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), childOf<QLabel>(views.first(), "exchangesLabel"));

    // The user finding's link selects its exchange in the request log.
    FindingView *userView = nullptr;
    for (FindingView *view : panel->findingViews())
        if (view->finding().id == QLatin1String("user"))
            userView = view;
    QVERIFY(userView);
    QVERIFY(!userView->finding().exchangeIds.isEmpty());
    const quint64 id = userView->finding().exchangeIds.first();
    auto *links = childOf<QLabel>(userView, "exchangesLabel");
    QVERIFY(links->text().contains(QStringLiteral("href=\"exchange:%1\"").arg(id)));
    QVERIFY(links->textInteractionFlags().testFlag(Qt::LinksAccessibleByKeyboard));
    w.logPanel()->logModel()->flush();
    emit links->linkActivated(QStringLiteral("exchange:%1").arg(id));
    QCOMPARE(w.logPanel()->currentExchangeId(), id);
    const Exchange *e = w.client()->exchangeLog()->find(id);
    QVERIFY(e);
    QVERIFY2(e->path().contains(QStringLiteral("/user")), qPrintable(e->path()));

    // Esc stops a run in flight, and nothing further comes of its cancelled calls.
    w.demo()->setSlow(true);
    panel->run();
    QVERIFY(panel->isRunning());
    QTest::qWait(200);
    QTest::keyClick(&w, Qt::Key_Escape);
    QTRY_VERIFY(!panel->isRunning());
    QVERIFY(panel->summaryText().startsWith(QStringLiteral("Cancelled after")));
    const int shown = panel->findingViews().size();
    QTest::qWait(300);
    QCOMPARE(panel->findingViews().size(), shown);
    w.demo()->setSlow(false);
}

// Token > Troubleshoot this token fills in the Verify tab's token (and its verified user) without
// running (a second verification may use a single-use token up); Troubleshoot the Users tab's user
// runs at once, since it only reads.
void tst_TroubleshooterPanel::troubleshootFromTheVerifyAndUsersTabs()
{
    MainWindow w(demoOptions());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.connectionPanel()->connectToProject();
    QTRY_VERIFY_WITH_TIMEOUT(w.client()->accessToken()->hasToken(), 15000);
    TroubleshooterPanel *panel = w.troubleshooterPanel();
    auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("tabWidget"));

    // Nothing on the Verify tab: a word in the status bar, no change.
    w.findChild<QAction *>(QStringLiteral("actionTroubleshootToken"))->trigger();
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("no token")));
    QCOMPARE(tabs->currentIndex(), 0);

    w.verifyPanel()->simulateSignIn();
    QTRY_VERIFY_WITH_TIMEOUT(!w.verifyPanel()->normalizedToken().isEmpty(), 15000);
    const QString token = w.verifyPanel()->normalizedToken();
    w.verifyPanel()->verify();
    QTRY_COMPARE_WITH_TIMEOUT(w.verifyPanel()->outcome(), VerifyPanel::Outcome::Valid, 15000);
    const QString userId = w.verifyPanel()->lastResult()->userId;
    const int exchanges = w.client()->exchangeLog()->size();
    w.findChild<QAction *>(QStringLiteral("actionTroubleshootToken"))->trigger();
    QCOMPARE(tabs->currentWidget(), w.findChild<QWidget *>(QStringLiteral("troubleshootTab")));
    QCOMPARE(childOf<QLineEdit>(panel, "customerTokenEdit")->text(), token);
    QCOMPARE(childOf<QLineEdit>(panel, "customerTokenEdit")->echoMode(), QLineEdit::Password);
    QCOMPARE(childOf<QLineEdit>(panel, "userEdit")->text(), userId);
    QCOMPARE(childOf<QComboBox>(panel, "userKindCombo")->currentIndex(), 1);
    QVERIFY(!panel->isRunning());
    QCOMPARE(w.client()->exchangeLog()->size(), exchanges);

    // The Users tab's user: checked straight away, by ID, without the token.
    w.usersPanel()->showUser(userId);
    QTRY_VERIFY_WITH_TIMEOUT(w.usersPanel()->currentUser() && !w.usersPanel()->isBusy(), 15000);
    tabs->setCurrentIndex(1);
    w.findChild<QAction *>(QStringLiteral("actionTroubleshootUser"))->trigger();
    QCOMPARE(tabs->currentWidget(), w.findChild<QWidget *>(QStringLiteral("troubleshootTab")));
    QVERIFY(panel->isRunning());
    QVERIFY(childOf<QLineEdit>(panel, "customerTokenEdit")->text().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 30000);
    QCOMPARE(panel->diagnosis()->outcome(), Diagnosis::Outcome::Healthy);
    QVERIFY2(panel->summaryText().contains(userId), qPrintable(panel->summaryText()));
    QVERIFY(!screenText(&w).contains(token));
}

void tst_TroubleshooterPanel::fitsLaptopScreens_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("1024x640") << QSize(1024, 640);
}

void tst_TroubleshooterPanel::fitsLaptopScreens()
{
    QFETCH(QSize, size);
    MainWindow w(demoOptions());
    w.resize(size);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_COMPARE(w.size(), size);
    w.connectionPanel()->connectToProject();
    QTRY_VERIFY_WITH_TIMEOUT(w.client()->accessToken()->hasToken(), 15000);
    // An expired token: failing cards, and a summary with its next action and log links.
    const QString user = w.demo()->userNames().first();
    const DemoSignIn s = signIn(*w.demo(), w.client()->transport(), user, 1);
    QVERIFY(!s.token.isEmpty());
    QVERIFY(s.expiresAt);
    const QDateTime expiry = s.expiresAt->utc;
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > expiry.addMSecs(1100), 10000);

    w.findChild<QAction *>(QStringLiteral("actionFocusTroubleshooter"))->trigger();
    TroubleshooterPanel *panel = w.troubleshooterPanel();
    panel->setUser(user, true);
    panel->setToken(s.token);
    panel->run();
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 30000);
    QCOMPARE(panel->diagnosis()->outcome(), Diagnosis::Outcome::SignInFails);
    QTest::qWait(100); // a layout pass

    // The summary and the first findings are on screen, whole.
    auto *summary = childOf<QLabel>(panel, "summaryLabel");
    QVERIFY2(wholeOnScreen(summary), "the summary is cut off");
    QVERIFY(summary->height() >= summary->heightForWidth(summary->width()));
    QVERIFY(wholeOnScreen(childOf<QLabel>(panel, "summaryVerdictLabel")));
    auto *action = childOf<QLabel>(panel, "summaryActionLabel");
    QVERIFY2(wholeOnScreen(action), "the summary's next action is cut off");
    QVERIFY(action->text().contains(QStringLiteral("exchange:")));
    const QList<FindingView *> views = panel->findingViews();
    QVERIFY(views.size() >= 8);
    auto *viewport = childOf<QScrollArea>(panel, "findingsScroll")->viewport();
    const QRect first = QRect(views.first()->mapTo(viewport, QPoint(0, 0)), views.first()->size());
    QVERIFY2(viewport->rect().contains(first), "the first finding is not whole in view");
    QVERIFY2(viewport->rect().intersects(QRect(views.at(1)->mapTo(viewport, QPoint(0, 0)), views.at(1)->size())),
             "the second finding is out of view");
    for (const char *name : {"userEdit", "userKindCombo", "customerTokenEdit", "runButton", "copySummaryButton", "copyFindingsButton"}) {
        auto *widget = childOf<QWidget>(panel, name);
        QVERIFY2(wholeOnScreen(widget), name);
        QVERIFY2(widget->width() >= widget->minimumSizeHint().width(), name);
    }
    // Long evidence wraps inside its card rather than running off to the right.
    for (FindingView *view : views)
        QVERIFY2(view->width() <= viewport->width(), qPrintable(view->finding().id));
    const QString outside = childOutsideParent(panel);
    QVERIFY2(outside.isEmpty(), qPrintable(outside));
    QVERIFY(!screenText(&w).contains(s.token));

    // For the README: $PLAINKEY_BUILD_DIR/console-troubleshooter-WxH.png.
    w.grab().save(QDir(qEnvironmentVariable("PLAINKEY_BUILD_DIR", QDir::currentPath()))
                          .filePath(QStringLiteral("console-troubleshooter-%1x%2.png").arg(size.width()).arg(size.height())));
}

QTEST_MAIN(tst_TroubleshooterPanel)
#include "tst_troubleshooterpanel.moc"
