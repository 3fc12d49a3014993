// Presenter mode, against the embedded emulator: a session with known secrets and personal
// data (access token, authentication token, user IDs, e-mail addresses, an IP address); with
// presenter mode on, no widget shows any of them, the banner says PRESENTER, the font grew,
// Copy still copies the real value (with a notice), and turning it off restores the screen.

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/diagnose/diagnosis.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"
#include "core/users/userops.h"
#include "gui/log/logpanel.h"
#include "gui/presenter/presentermode.h"
#include "gui/token/accesstokenpanel.h"
#include "gui/troubleshoot/troubleshooterpanel.h"
#include "gui/users/userspanel.h"
#include "gui/verify/verifypanel.h"
#include "gui/window/mainwindow.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextEdit>
#include <QToolButton>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

ConsoleOptions demoOptions()
{
    ConsoleOptions o;
    o.start = ConsoleOptions::Start::Demo;
    o.useSettings = false;
    o.keychainService.clear();
    return o;
}

template<typename T>
T *named(QWidget *parent, const char *name)
{
    T *w = parent->findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
}

//! What the window shows now: the text of every visible label, button, group box, line edit
//! (as displayed), text pane and item view (as its delegate displays the model's data), the
//! status bar and the title.
QString shownText(QMainWindow &window)
{
    QString all = window.windowTitle() + QLatin1Char('\n') + window.statusBar()->currentMessage() + QLatin1Char('\n');
    const auto widgets = window.findChildren<QWidget *>();
    for (QWidget *w : widgets) {
        if (!w->isVisible())
            continue;
        // Each line names its widget, so a failure says where a value showed.
        all += w->metaObject()->className() + QLatin1Char(' ') + w->objectName() + QStringLiteral(": ");
        if (auto *l = qobject_cast<QLabel *>(w))
            all += l->text() + QLatin1Char('\n');
        else if (auto *b = qobject_cast<QAbstractButton *>(w))
            all += b->text() + QLatin1Char('\n');
        else if (auto *g = qobject_cast<QGroupBox *>(w))
            all += g->title() + QLatin1Char('\n');
        else if (auto *e = qobject_cast<QLineEdit *>(w))
            all += e->displayText() + QLatin1Char('\n');
        else if (auto *p = qobject_cast<QPlainTextEdit *>(w))
            all += p->toPlainText() + QLatin1Char('\n');
        else if (auto *t = qobject_cast<QTextEdit *>(w))
            all += t->toPlainText() + QLatin1Char('\n');
        // A header shows its model's header data, not the cells.
        if (auto *v = qobject_cast<QAbstractItemView *>(w); v && !qobject_cast<QHeaderView *>(w)) {
            const QAbstractItemModel *m = v->model();
            if (!m)
                continue;
            QList<QModelIndex> parents{QModelIndex()};
            while (!parents.isEmpty()) {
                const QModelIndex parent = parents.takeFirst();
                for (int r = 0; r < m->rowCount(parent); ++r) {
                    for (int c = 0; c < m->columnCount(parent); ++c) {
                        const QModelIndex i = m->index(r, c, parent);
                        const auto *d = qobject_cast<QStyledItemDelegate *>(v->itemDelegateForIndex(i));
                        const QVariant data = i.data(Qt::DisplayRole);
                        all += v->objectName() + (d ? QStringLiteral(": ") + d->displayText(data, v->locale())
                                                    : QStringLiteral(" (own delegate): ") + data.toString())
                                + QLatin1Char('\n');
                    }
                    if (m->hasChildren(m->index(r, 0, parent)))
                        parents.append(m->index(r, 0, parent));
                }
            }
        }
    }
    return all;
}

//! The line of \a text that shows one of \a values, or empty.
QString firstShown(const QString &text, const QStringList &values)
{
    for (const QString &v : values) {
        const qsizetype at = v.isEmpty() ? -1 : text.indexOf(v);
        if (at >= 0) {
            const qsizetype start = text.lastIndexOf(QLatin1Char('\n'), at) + 1;
            return text.mid(start, text.indexOf(QLatin1Char('\n'), at) - start).left(300);
        }
    }
    return {};
}

} // namespace

class tst_PresenterMode : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void masksEverythingAndRestores();
    void commandLineOptionStartsInPresenterMode();

private:
    bool fillSession(MainWindow &w);

    QStringList m_values;
    QString m_userId;
};

void tst_PresenterMode::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_presentermode"));
    QSettings().clear();
    QApplication::setStyle(QStringLiteral("Fusion"));
}

bool tst_PresenterMode::fillSession(MainWindow &w)
{
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    named<QPushButton>(&w, "connectButton")->click();
    if (!refreshed.wait(15000))
        return false;
    // A sign-in and its verification: the token, the user ID and the JWT's claims on screen.
    VerifyPanel *verify = w.verifyPanel();
    verify->simulateSignIn();
    if (!QTest::qWaitFor([&] { return !verify->normalizedToken().isEmpty(); }, 15000))
        return false;
    verify->verify();
    auto *userIdEdit = named<QLineEdit>(verify, "userIdEdit");
    if (!QTest::qWaitFor([&] { return !userIdEdit->text().isEmpty(); }, 15000))
        return false;
    m_userId = userIdEdit->text();
    const QString authToken = named<QLineEdit>(verify, "tokenEdit")->text();
    // The Troubleshooter's findings on the signed-in user and their token: IDs in its evidence.
    // (Before Reveal: its credentials check fetches a new access token.)
    TroubleshooterPanel *trouble = w.troubleshooterPanel();
    QSignalSpy diagnosed(trouble->diagnosis(), &Diagnosis::finished);
    trouble->setUser(m_userId, false);
    trouble->setToken(authToken);
    trouble->run();
    if (!diagnosed.wait(30000))
        return false;
    // Shown in clear, as a person would after pressing Reveal.
    named<QLineEdit>(verify, "tokenEdit")->setEchoMode(QLineEdit::Normal);
    named<QToolButton>(w.tokenPanel(), "revealButton")->click();

    // A user whose name holds an e-mail and an IP address, created through the client.
    std::optional<User> kiosk;
    w.client()->call<CreateUser>(nullptr, [&](const Result<User> &r) {
        if (r.ok())
            kiosk = r.value();
    }, std::optional<QString>(QStringLiteral("kiosk 203.0.113.77 ops@example.net")));
    if (!QTest::qWaitFor([&] { return kiosk.has_value(); }, 15000))
        return false;

    // The Users tab on the signed-in user, with their passkeys.
    QSignalSpy loaded(w.usersPanel(), &UsersPanel::passkeysLoaded);
    w.usersPanel()->showUser(m_userId);
    if (!loaded.wait(15000))
        return false;
    // The log's detail panes on the kiosk user's creation.
    w.logPanel()->showExchange(w.client()->exchangeLog()->at(w.client()->exchangeLog()->size() - 3).id);
    for (int i = 0; i < w.client()->exchangeLog()->size(); ++i) {
        if (w.client()->exchangeLog()->at(i).method == "POST" && w.client()->exchangeLog()->at(i).path().endsWith(QLatin1String("/user")))
            w.logPanel()->showExchange(w.client()->exchangeLog()->at(i).id);
    }
    m_values = {w.client()->accessToken()->token(), authToken, m_userId, kiosk->id, QStringLiteral("203.0.113.77"),
                QStringLiteral("ops@example.net"), w.usersPanel()->currentUser() ? w.usersPanel()->currentUser()->userName.value_or(QString()) : QString()};
    m_values.removeAll(QString());
    return true;
}

void tst_PresenterMode::masksEverythingAndRestores()
{
    MainWindow w(demoOptions());
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(fillSession(w));
    QVERIFY(m_values.size() >= 7);
    auto *tabs = named<QTabWidget>(&w, "tabWidget");

    // Without presenter mode the values are on screen: the walk can see them.
    QString before;
    for (int t = 0; t < tabs->count(); ++t) {
        tabs->setCurrentIndex(t);
        before += shownText(w);
    }
    for (const QString &v : {m_userId, QStringLiteral("203.0.113.77"), w.client()->accessToken()->token()})
        QVERIFY2(before.contains(v), qPrintable(v + QLatin1String(" should be on screen before presenter mode")));
    const qreal fontBefore = named<QLabel>(w.tokenPanel(), "stateLabel")->font().pointSizeF();
    const QString bannerBefore = named<QLabel>(&w, "bannerLabel")->text();

    auto *demoUsers = named<QComboBox>(&w, "demoUserCombo");
    const QByteArray styleDelegate = demoUsers->view()->itemDelegate()->metaObject()->className();

    auto *action = w.findChild<QAction *>(QStringLiteral("actionPresenterMode"));
    QVERIFY(action && action->isCheckable());
    QVERIFY(!action->shortcut().isEmpty());
    action->trigger();
    QVERIFY(w.presenterMode()->isOn());

    // Every tab, every visible widget: none of the values.
    for (int t = 0; t < tabs->count(); ++t) {
        tabs->setCurrentIndex(t);
        QTRY_VERIFY2(firstShown(shownText(w), m_values).isEmpty(),
                     qPrintable(QStringLiteral("tab %1 shows %2").arg(t).arg(firstShown(shownText(w), m_values))));
    }
    // The drop-down lists of combo boxes too (the Verify tab's sign-in list holds ada's e-mail).
    tabs->setCurrentIndex(0);
    int dropDowns = 0;
    const auto combos = w.findChildren<QComboBox *>();
    for (QComboBox *combo : combos) {
        if (!combo->isVisible() || combo->count() == 0)
            continue;
        combo->showPopup();
        QTRY_VERIFY(combo->view()->isVisible());
        const QString shown = firstShown(shownText(w), m_values);
        combo->hidePopup();
        QVERIFY2(shown.isEmpty(), qPrintable(combo->objectName() + QLatin1String("'s drop-down shows ") + shown));
        ++dropDowns;
    }
    QVERIFY(dropDowns >= 3);
    QVERIFY(named<QLabel>(&w, "bannerLabel")->text().startsWith(QLatin1String("<b>PRESENTER</b>")));
    QVERIFY(named<QLabel>(w.tokenPanel(), "stateLabel")->font().pointSizeF() >= fontBefore * 1.2);
    QCOMPARE(w.presenterMode()->mask(m_userId).contains(m_userId), false);

    // What the panels show after the switch is masked too: a new lookup, a new verification.
    tabs->setCurrentIndex(1);
    QSignalSpy loaded(w.usersPanel(), &UsersPanel::passkeysLoaded);
    w.usersPanel()->refresh();
    QVERIFY(loaded.wait(15000));
    tabs->setCurrentIndex(0);
    const int exchanges = w.client()->exchangeLog()->size();
    w.verifyPanel()->simulateSignIn();
    QTRY_VERIFY_WITH_TIMEOUT(w.verifyPanel()->normalizedToken() != m_values.at(1), 15000);
    w.verifyPanel()->verify();
    QTRY_VERIFY_WITH_TIMEOUT(w.client()->exchangeLog()->size() >= exchanges + 2 && w.client()->transport()->inFlight() == 0, 15000);
    // The new token is a secret the screen must not show either.
    m_values.append(w.verifyPanel()->normalizedToken());
    QTRY_VERIFY2(firstShown(shownText(w), m_values).isEmpty(), qPrintable(firstShown(shownText(w), m_values)));

    // Copy copies the real value, and says so.
    QGuiApplication::clipboard()->clear();
    named<QToolButton>(w.verifyPanel(), "copyUserIdButton")->click();
    const QString copied = QGuiApplication::clipboard()->text();
    QVERIFY(copied.startsWith(QLatin1String("usr_")));
    QTRY_VERIFY2(w.statusBar()->currentMessage().contains(QLatin1String("Copied the real value; it is not shown on screen")),
                 qPrintable(w.statusBar()->currentMessage()));
    QVERIFY(!w.statusBar()->currentMessage().contains(copied));

    // Off: the screen shows the values again, the banner and font are back.
    action->trigger();
    QVERIFY(!w.presenterMode()->isOn());
    QCOMPARE(named<QLabel>(&w, "bannerLabel")->text(), bannerBefore);
    QCOMPARE(named<QLabel>(w.tokenPanel(), "stateLabel")->font().pointSizeF(), fontBefore);
    QCOMPARE(QByteArray(demoUsers->view()->itemDelegate()->metaObject()->className()), styleDelegate);
    tabs->setCurrentIndex(0);
    QTRY_VERIFY(shownText(w).contains(named<QLineEdit>(w.verifyPanel(), "userIdEdit")->text()));
    tabs->setCurrentIndex(1);
    QTRY_VERIFY(shownText(w).contains(m_userId));
    QVERIFY(shownText(w).contains(QStringLiteral("203.0.113.77")));
}

void tst_PresenterMode::commandLineOptionStartsInPresenterMode()
{
    ConsoleOptions options = demoOptions();
    options.presenter = true;
    MainWindow w(options);
    w.show();
    QVERIFY(w.presenterMode()->isOn());
    QVERIFY(w.findChild<QAction *>(QStringLiteral("actionPresenterMode"))->isChecked());
    QVERIFY(named<QLabel>(&w, "bannerLabel")->text().contains(QLatin1String("PRESENTER")));
}

QTEST_MAIN(tst_PresenterMode)
#include "tst_presentermode.moc"
