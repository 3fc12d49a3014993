// The profile switcher in the console: real windows (offscreen) against an in-process emulator,
// the profiles file in a temporary folder, secrets in a real Secret Service (a private GNOME
// Keyring from tests/common/with-secret-service.sh).

#include "emulatorcredentials.h"
#include "widgettesthelper.h"
#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "gui/connection/connectionpanel.h"
#include "emulator/emulator.h"
#include "gui/profile/profilebar.h"
#include "gui/profile/profiledialog.h"
#include "core/profile/profilestore.h"
#include "core/profile/secretstore.h"
#include "gui/theme/theme.h"
#include "gui/users/userspanel.h"
#include "gui/window/mainwindow.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QTimer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

const QString kService = QStringLiteral("PlainKey Console profile tests");
const QString kSecret = QStringLiteral("profile-test-secret-8f3a");
const QString kTyped = QStringLiteral("typed-not-saved-5c1e");

emulator::EmulatorConfig config()
{
    emulator::EmulatorConfig c;
    c.clientSecret = kSecret;
    return c;
}

Profile make(const QString &name, const Credentials &c, Profile::Kind kind, const QString &color = {})
{
    Profile p;
    p.name = name;
    p.baseUrl = c.baseUrl;
    p.projectId = c.projectId;
    p.kind = kind;
    p.color = color;
    return p;
}

bool keychainWrite(const QString &key, const QString &secret)
{
    SecretStore store(kService);
    bool done = false, ok = false;
    store.write(key, secret, nullptr, [&](const SecretStore::Outcome &o) {
        ok = o.ok;
        done = true;
    });
    return QTest::qWaitFor([&done] { return done; }, 20000) && ok;
}

std::optional<QString> keychainRead(const QString &key)
{
    SecretStore store(kService);
    bool done = false;
    std::optional<QString> secret;
    store.read(key, nullptr, [&](const std::optional<QString> &s, const SecretStore::Outcome &) {
        secret = s;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 20000))
        qWarning("the keychain did not answer in 20 s");
    return secret;
}

QColor bannerColor(MainWindow &w)
{
    return childOf<QFrame>(&w, "bannerFrame")->palette().color(QPalette::Window);
}

//! Picks entry \a index of the switcher as a person would: Ctrl+P, arrow keys, Enter.
void pickWithKeyboard(MainWindow &w, int index)
{
    QComboBox *combo = w.profileBar()->combo();
    // The shortcut belongs to the window: it must be the active one. Offscreen, a closed combo
    // popup stays the active window, as no window manager hands activation back.
    QApplication::setActiveWindow(&w);
    QTRY_COMPARE(QApplication::activeWindow(), &w);
    QTest::keyClick(&w, Qt::Key_P, Qt::ControlModifier);
    QTRY_VERIFY(combo->view()->isVisible());
    QWidget *list = combo->view();
    const int from = qMax(0, combo->currentIndex());
    for (int i = from; i < index; ++i)
        QTest::keyClick(list, Qt::Key_Down);
    for (int i = from; i > index; --i)
        QTest::keyClick(list, Qt::Key_Up);
    QTest::keyClick(list, Qt::Key_Return);
    QTRY_VERIFY(!combo->view()->isVisible());
    QTRY_VERIFY(combo->hasFocus()); // Ctrl+P put the keyboard focus on the switcher
}

} // namespace

class tst_ProfileSwitcher : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void switcherAppliesCredentialsBannerAndGuard();
    void profileWithoutSecretAsksAndKeepsWhatWasTyped();
    void dialogAddsAProfileWithItsSecretInTheKeychain();
    void savedConnectionBecomesTheActiveProfile();
    void damagedFileIsMovedAsideOnlyWhenAsked();
    void noSecretIsLeftInAnyFileUnderHome();

private:
    QTemporaryDir m_dir;
    QString m_file;
};

void tst_ProfileSwitcher::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_profileswitcher"));
    QVERIFY(m_dir.isValid());
}

void tst_ProfileSwitcher::init()
{
    QSettings().clear();
    QSettings().sync();
    static int n = 0;
    m_file = m_dir.filePath(QStringLiteral("profiles-%1.json").arg(++n));
}

void tst_ProfileSwitcher::switcherAppliesCredentialsBannerAndGuard()
{
    emulator::Emulator emu(config());
    QVERIFY(emu.listen());
    const Credentials c = emulatorCredentials(emu);
    const QColor blue(QStringLiteral("#2a7ab0"));
    {
        ProfileStore store(m_file);
        QVERIFY(store.put(make(QStringLiteral("Staging"), c, Profile::Kind::Staging, blue.name())));
        // Green chosen for production: shown red all the same.
        QVERIFY(store.put(make(QStringLiteral("Prod"), c, Profile::Kind::Production, QStringLiteral("#00c000"))));
        QVERIFY(store.save());
    }
    QVERIFY(keychainWrite(Profile::secretKey(QStringLiteral("Staging")), kSecret));
    QVERIFY(keychainWrite(Profile::secretKey(QStringLiteral("Prod")), kSecret));

    ConsoleOptions options;
    options.start = ConsoleOptions::Start::Demo;
    options.keychainService = kService;
    options.profilesFile = m_file;
    MainWindow w(options);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QComboBox *combo = w.profileBar()->combo();
    QCOMPARE(combo->count(), 3); // the demo, then the two profiles
    QCOMPARE(combo->currentIndex(), 0);
    QVERIFY(w.bannerText().contains(QStringLiteral("DEMO")));

    // Ctrl+P opens the switcher with the keyboard focus on it.
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    pickWithKeyboard(w, 1);
    QVERIFY(refreshed.wait(20000)); // the secret came from the keychain and Connect followed
    QCOMPARE(w.client()->credentials().baseUrl, c.baseUrl);
    QCOMPARE(w.client()->credentials().projectId, c.projectId);
    QCOMPARE(w.activeProfile()->name, QStringLiteral("Staging"));
    QVERIFY2(w.bannerText().contains(QStringLiteral("<b>Staging</b>")) && w.bannerText().contains(QStringLiteral("STAGING")),
             qPrintable(w.bannerText()));
    QCOMPARE(bannerColor(w), blue);
    QVERIFY(w.windowTitle().contains(QStringLiteral("Staging (staging)")));
    QVERIFY(w.usersPanel()->changesAllowed()); // a loopback staging profile: no guard

    refreshed.clear();
    pickWithKeyboard(w, 2);
    QVERIFY(refreshed.wait(20000));
    QCOMPARE(w.activeProfile()->name, QStringLiteral("Prod"));
    QVERIFY2(w.bannerText().contains(QStringLiteral("PRODUCTION")), qPrintable(w.bannerText()));
    QCOMPARE(bannerColor(w), Theme::banner(Theme::Tone::Error, QApplication::palette()));
    // Production engages the Users tab's change guard, even on this machine.
    QVERIFY(!w.usersPanel()->changesAllowed());

    // Back to the demo from the switcher.
    pickWithKeyboard(w, 0);
    QTRY_VERIFY_WITH_TIMEOUT(w.destination() == MainWindow::Destination::Demo, 20000);
    QVERIFY(!w.activeProfile());
    QVERIFY(w.bannerText().contains(QStringLiteral("DEMO")));
    QVERIFY(w.usersPanel()->changesAllowed());
    QVERIFY(bannerColor(w) != Theme::banner(Theme::Tone::Error, QApplication::palette()));
}

void tst_ProfileSwitcher::profileWithoutSecretAsksAndKeepsWhatWasTyped()
{
    emulator::Emulator emu(config());
    QVERIFY(emu.listen());
    Credentials c = emulatorCredentials(emu);
    Credentials other = c;
    other.projectId = QStringLiteral("other-project");
    {
        ProfileStore store(m_file);
        QVERIFY(store.put(make(QStringLiteral("Bare"), other, Profile::Kind::Local)));
        QVERIFY(store.put(make(QStringLiteral("Staging"), c, Profile::Kind::Staging)));
        QVERIFY(store.save());
    }
    QVERIFY(keychainWrite(Profile::secretKey(QStringLiteral("Staging")), kSecret));
    ConsoleOptions options;
    options.start = ConsoleOptions::Start::Demo;
    options.keychainService = kService;
    options.profilesFile = m_file;
    MainWindow w(options);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));

    QVERIFY(w.switchToProfile(QStringLiteral("Bare")));
    QTRY_VERIFY_WITH_TIMEOUT(w.statusBar()->currentMessage().contains(QStringLiteral("has no client secret saved")), 20000);
    QLineEdit *secret = childOf<QLineEdit>(&w, "secretEdit");
    QTRY_VERIFY(secret->hasFocus());
    QCOMPARE(w.connectionPanel()->enteredCredentials().projectId, QStringLiteral("other-project"));
    // Nothing was sent to the profile: the banner says it waits for Connect.
    QVERIFY(w.client()->credentials().projectId != QStringLiteral("other-project"));
    QVERIFY2(w.bannerText().contains(QStringLiteral("press Connect")), qPrintable(w.bannerText()));

    // A secret typed, then a trip to another profile and back: still there.
    QTest::keyClicks(secret, kTyped);
    QVERIFY(w.switchToProfile(QStringLiteral("Staging")));
    QTRY_COMPARE_WITH_TIMEOUT(w.client()->credentials().projectId, c.projectId, 20000);
    QVERIFY(w.switchToProfile(QStringLiteral("Bare"), false));
    QCOMPARE(w.connectionPanel()->enteredCredentials().clientSecret, kTyped);
    // Never written to the keychain by switching.
    QVERIFY(!keychainRead(Profile::secretKey(QStringLiteral("Bare"))));
}

void tst_ProfileSwitcher::dialogAddsAProfileWithItsSecretInTheKeychain()
{
    ConsoleOptions options;
    options.start = ConsoleOptions::Start::Demo;
    options.keychainService = kService;
    options.profilesFile = m_file;
    MainWindow w(options);
    w.show();
    QSignalSpy saved(w.profileBar(), &ProfileBar::secretSaved);
    // From the menu bar, as a person with the keyboard goes: Connection > Profiles > Add profile…
    // (the same menu as the switcher's button).
    auto *connectionMenu = w.findChild<QMenu *>(QStringLiteral("menuConnection"));
    QVERIFY(connectionMenu);
    QMenu *profilesMenu = nullptr;
    for (QAction *a : connectionMenu->actions())
        if (a->menu() == w.profileBar()->menu())
            profilesMenu = a->menu();
    QVERIFY2(profilesMenu, "no Profiles menu in the Connection menu");
    QAction *add = nullptr;
    for (QAction *a : profilesMenu->actions())
        if (a->text() == QStringLiteral("&Add profile\u2026"))
            add = a;
    QVERIFY(add && add->isEnabled());
    add->trigger();
    auto *dialog = w.findChild<ProfileDialog *>(QStringLiteral("profileDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    // Prefilled from the connection form (the demo).
    QCOMPARE(childOf<QLineEdit>(dialog, "projectIdEdit")->text(), w.connectionPanel()->enteredCredentials().projectId);
    QPushButton *save = childOf<QDialogButtonBox>(dialog, "buttonBox")->button(QDialogButtonBox::Save);
    QVERIFY(!save->isEnabled()); // no name yet
    QTest::keyClicks(childOf<QLineEdit>(dialog, "nameEdit"), QStringLiteral("Team staging"));
    QTest::keyClicks(childOf<QLineEdit>(dialog, "colorEdit"), QStringLiteral("blue"));
    QVERIFY(!save->isEnabled());
    QVERIFY(childOf<QLabel>(dialog, "problemLabel")->text().contains(QStringLiteral("#rrggbb")));
    childOf<QLineEdit>(dialog, "colorEdit")->setText(QStringLiteral("#8040c0"));
    QTest::keyClicks(childOf<QLineEdit>(dialog, "secretEdit"), kSecret);
    QVERIFY(save->isEnabled());
    save->click();
    QVERIFY(saved.wait(20000));
    QCOMPARE(saved.first().at(1).toBool(), true);
    QCOMPARE(keychainRead(Profile::secretKey(QStringLiteral("Team staging"))), std::optional<QString>(kSecret));
    ProfileStore reread(m_file);
    QVERIFY(reread.load());
    QCOMPARE(reread.names(), QStringList{QStringLiteral("Team staging")});
    QCOMPARE(reread.profiles().first().color, QStringLiteral("#8040c0"));
    QCOMPARE(w.profileBar()->combo()->count(), 2);

    // Duplicate copies it (secret too); the copy can be removed again.
    w.profileBar()->setCurrent(QStringLiteral("Team staging"));
    w.profileBar()->duplicateProfile();
    QVERIFY(reread.load());
    QCOMPARE(reread.names(), (QStringList{QStringLiteral("Team staging"), QStringLiteral("Team staging (2)")}));
    QTRY_COMPARE_WITH_TIMEOUT(keychainRead(Profile::secretKey(QStringLiteral("Team staging (2)"))), std::optional<QString>(kSecret), 20000);
}

void tst_ProfileSwitcher::savedConnectionBecomesTheActiveProfile()
{
    emulator::Emulator emu(config());
    QVERIFY(emu.listen());
    const Credentials c = emulatorCredentials(emu);
    // What the console saved before profiles: where, which project, the secret per project in the keychain.
    {
        QSettings s;
        s.setValue(QStringLiteral("connection/baseUrl"), c.baseUrl.toString());
        s.setValue(QStringLiteral("connection/projectId"), c.projectId);
        s.setValue(QStringLiteral("connection/demo"), false);
    }
    QVERIFY(keychainWrite(SecretStore::keyFor(c), kSecret));
    ConsoleOptions options;
    options.keychainService = kService;
    options.profilesFile = m_file;
    MainWindow w(options);
    w.show();
    QVERIFY(w.activeProfile());
    QCOMPARE(w.activeProfile()->projectId, c.projectId);
    QCOMPARE(w.activeProfile()->kind, Profile::Kind::Local);
    QCOMPARE(w.profileBar()->current(), w.activeProfile()->name);
    // The secret moved to the profile's entry and is filled in.
    QTRY_COMPARE_WITH_TIMEOUT(w.connectionPanel()->enteredCredentials().clientSecret, kSecret, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(keychainRead(w.activeProfile()->secretKey()), std::optional<QString>(kSecret), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!keychainRead(SecretStore::keyFor(c)), 20000);
    QVERIFY(!w.demo());
}

void tst_ProfileSwitcher::damagedFileIsMovedAsideOnlyWhenAsked()
{
    const QByteArray damaged = "{\"profiles\": [ {\"name\": ";
    {
        QFile f(m_file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(damaged);
    }
    ConsoleOptions options;
    options.start = ConsoleOptions::Start::Demo;
    options.keychainService = kService;
    options.profilesFile = m_file;
    MainWindow w(options);
    w.show();
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("could not be read")), qPrintable(w.statusBar()->currentMessage()));

    // Answers the message boxes as they come: Yes to moving aside when \a moveAside, else Cancel; OK to a warning.
    QStringList seen;
    bool moveAside = false;
    QTimer answerer;
    answerer.setInterval(20);
    connect(&answerer, &QTimer::timeout, this, [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        seen.append(box->windowTitle());
        QAbstractButton *button = box->button(QMessageBox::Yes) ? box->button(moveAside ? QMessageBox::Yes : QMessageBox::Cancel)
                                                                : box->button(QMessageBox::Ok);
        if (button)
            button->click();
    });
    answerer.start();
    auto addNamed = [&](const QString &name) {
        w.profileBar()->addProfile();
        auto *dialog = w.findChild<ProfileDialog *>(QStringLiteral("profileDialog"));
        QVERIFY(dialog);
        childOf<QLineEdit>(dialog, "nameEdit")->setText(name);
        const QPointer<ProfileDialog> guard(dialog);
        childOf<QDialogButtonBox>(dialog, "buttonBox")->button(QDialogButtonBox::Save)->click();
        QTRY_VERIFY(guard.isNull()); // closed and deleted: the next findChild finds the next dialog
    };

    addNamed(QStringLiteral("First"));
    QCOMPARE(seen, (QStringList{QStringLiteral("Profiles file damaged"), QStringLiteral("Profiles not saved")}));
    QFile f(m_file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), damaged); // refused: not overwritten
    f.close();

    seen.clear();
    moveAside = true;
    addNamed(QStringLiteral("Second"));
    QCOMPARE(seen, QStringList{QStringLiteral("Profiles file damaged")});
    ProfileStore reread(m_file);
    QVERIFY2(reread.load(), qPrintable(reread.errorString()));
    QCOMPARE(reread.names(), QStringList{QStringLiteral("Second")});
    const QStringList aside = QDir(QFileInfo(m_file).absolutePath()).entryList({QFileInfo(m_file).fileName() + QStringLiteral(".damaged-*")});
    QCOMPARE(aside.size(), 1);
    QFile kept(QFileInfo(m_file).absolutePath() + QLatin1Char('/') + aside.first());
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), damaged);
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("moved to")));
}

void tst_ProfileSwitcher::noSecretIsLeftInAnyFileUnderHome()
{
    // After the sessions above (windows closed, settings written), no file under HOME or beside
    // the profiles files holds a secret in clear: not the profiles files, not the settings.
    int files = 0;
    for (const QString &root : {QDir::homePath(), m_dir.path()}) {
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QByteArray content = f.readAll();
            ++files;
            QVERIFY2(!content.contains(kSecret.toUtf8()), qPrintable(f.fileName()));
            QVERIFY2(!content.contains(kTyped.toUtf8()), qPrintable(f.fileName()));
        }
    }
    QVERIFY(files >= 4);
}

QTEST_MAIN(tst_ProfileSwitcher)
#include "tst_profileswitcher.moc"
