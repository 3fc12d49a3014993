// "Remember in the system keychain": a Connect that works saves the client secret in a real
// Secret Service (a private GNOME Keyring started by tests/common/with-secret-service.sh), the
// next start fills it in, a cleared box removes it, and failed credentials are never saved.
// Nothing is written to the settings file.

#include "emulatorcredentials.h"
#include "widgettesthelper.h"
#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "gui/connection/connectionpanel.h"
#include "emulator/emulator.h"
#include "core/profile/secretstore.h"
#include "gui/window/mainwindow.h"

#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

const QString kService = QStringLiteral("PlainKey Console tests");

template <typename T>
T *child(QWidget *parent, const char *name)
{
    return childOf<T>(parent, name);
}

//! What the keychain holds for \a c, read with a store of its own.
std::optional<QString> stored(const Credentials &c)
{
    SecretStore store(kService);
    bool done = false;
    std::optional<QString> secret;
    store.read(SecretStore::keyFor(c), nullptr, [&](const std::optional<QString> &s, const SecretStore::Outcome &) {
        secret = s;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 20000))
        qWarning("the keychain did not answer");
    return secret;
}

void forget(const Credentials &c)
{
    SecretStore(kService).remove(SecretStore::keyFor(c), nullptr, [](const SecretStore::Outcome &) {});
    QTRY_VERIFY_WITH_TIMEOUT(!stored(c), 20000);
}

//! A connection panel with a client and the tests' keychain, its form filled with \a c.
struct Panel
{
    explicit Panel(const Credentials &c, bool remember = false)
    {
        panel.setClient(&client);
        panel.setSecretStore(&store);
        panel.show();
        panel.setCredentials(c);
        rememberBox()->setChecked(remember);
    }
    QCheckBox *rememberBox() { return child<QCheckBox>(&panel, "rememberSecretCheck"); }
    QLineEdit *secretEdit() { return child<QLineEdit>(&panel, "secretEdit"); }
    //! Runs \a action and waits for the keychain to report; false when it never does.
    template <typename Action>
    bool keychainAfter(Action action, int timeoutMs = 20000)
    {
        keychain.clear();
        action();
        return keychain.wait(timeoutMs);
    }
    bool keychainOk() const { return !keychain.isEmpty() && keychain.first().at(0).toBool(); }
    QString keychainMessage() const { return keychain.isEmpty() ? QString() : keychain.first().at(1).toString(); }

    SecretStore store{kService};
    PlainKeyClient client;
    ConnectionPanel panel;
    QSignalSpy keychain{&panel, &ConnectionPanel::keychainFinished};
};

Credentials withoutSecret(Credentials c)
{
    c.clientSecret.clear();
    return c;
}

} // namespace

class tst_ConnectionKeychain : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void boxIsHiddenWithoutAKeychain();
    void workingSecretIsSavedAndFilledInNextTime();
    void rejectedSecretIsNotSaved();
    void clearedBoxRemovesTheSavedSecret();
    void typedSecretIsNotOverwrittenByALateRead();
    void nextStartFillsTheSecretInFromTheKeychain();
};

void tst_ConnectionKeychain::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_connectionkeychain"));
    QSettings().clear();
}

void tst_ConnectionKeychain::boxIsHiddenWithoutAKeychain()
{
    ConnectionPanel panel;
    panel.show();
    QVERIFY(child<QCheckBox>(&panel, "rememberSecretCheck")->isHidden());
    QVERIFY(!panel.rememberSecret());
    SecretStore store(kService);
    panel.setSecretStore(&store);
    QVERIFY(!child<QCheckBox>(&panel, "rememberSecretCheck")->isHidden());
    QVERIFY(!child<QCheckBox>(&panel, "rememberSecretCheck")->isChecked());
}

void tst_ConnectionKeychain::workingSecretIsSavedAndFilledInNextTime()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    const Credentials c = emulatorCredentials(emu);
    QVERIFY(!stored(c));
    {
        Panel first(c, true);
        QVERIFY(first.keychainAfter([&] { first.panel.connectToProject(); }));
        QVERIFY(first.keychainOk());
        QVERIFY(first.client.accessToken()->hasToken());
    }
    QCOMPARE(stored(c).value_or(QString()), c.clientSecret);

    // A new panel for the same project: the secret comes back, masked, and the box is ticked.
    Panel next(withoutSecret(c));
    QVERIFY(next.keychainAfter([&] { next.panel.loadSavedSecret(); }));
    QVERIFY(next.keychainOk());
    QCOMPARE(next.secretEdit()->text(), c.clientSecret);
    QCOMPARE(next.secretEdit()->echoMode(), QLineEdit::Password);
    QVERIFY(next.rememberBox()->isChecked());
    const QString status = child<QLabel>(&next.panel, "statusLabel")->text();
    QVERIFY(status.contains(QStringLiteral("system keychain")));
    QVERIFY(!status.contains(c.clientSecret));

    // Another project ID on the same server has nothing saved: nothing is filled in.
    Credentials other = withoutSecret(c);
    other.projectId = QStringLiteral("another-project");
    next.panel.setCredentials(other);
    QVERIFY(next.keychainAfter([&] { next.panel.loadSavedSecret(); }));
    QVERIFY(!next.keychainOk());
    QVERIFY(next.keychainMessage().isEmpty());
    QVERIFY(next.secretEdit()->text().isEmpty());
    QVERIFY(!next.rememberBox()->isChecked());
    forget(c);
}

void tst_ConnectionKeychain::rejectedSecretIsNotSaved()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    Credentials c = emulatorCredentials(emu);
    c.clientSecret = QStringLiteral("wrong-secret");
    Panel p(c, true);
    QSignalSpy failed(p.client.accessToken(), &AccessTokenManager::fetchFailed);
    p.panel.connectToProject();
    QVERIFY(failed.wait(15000));
    QTest::qWait(300);
    QCOMPARE(p.keychain.count(), 0);
    QVERIFY(!stored(c));
}

void tst_ConnectionKeychain::clearedBoxRemovesTheSavedSecret()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    const Credentials c = emulatorCredentials(emu);
    Panel p(c, true);
    QVERIFY(p.keychainAfter([&] { p.panel.connectToProject(); }));
    QCOMPARE(stored(c).value_or(QString()), c.clientSecret);

    // The person changes their mind: cleared box, Connect again, the entry is gone.
    p.rememberBox()->setChecked(false);
    p.client.accessToken()->clear();
    QVERIFY(p.keychainAfter([&] { p.panel.connectToProject(); }));
    QVERIFY(p.keychainOk());
    QVERIFY(p.keychainMessage().contains(QStringLiteral("removed")));
    QVERIFY(!stored(c));
}

void tst_ConnectionKeychain::typedSecretIsNotOverwrittenByALateRead()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    const Credentials c = emulatorCredentials(emu);
    Panel p(withoutSecret(c));
    bool written = false;
    p.store.write(SecretStore::keyFor(c), QStringLiteral("saved-secret"), nullptr, [&](const SecretStore::Outcome &o) { written = o.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(written, 20000);

    // The person types before the keychain answers.
    QVERIFY(p.keychainAfter([&] {
        p.panel.loadSavedSecret();
        QTest::keyClicks(p.secretEdit(), QStringLiteral("typed"));
    }));
    QCOMPARE(p.secretEdit()->text(), QStringLiteral("typed"));
    QVERIFY(!p.keychainOk());

    // With a secret already entered, nothing is read at all.
    QVERIFY(!p.keychainAfter([&] { p.panel.loadSavedSecret(); }, 500));
    forget(c);
}

void tst_ConnectionKeychain::nextStartFillsTheSecretInFromTheKeychain()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    const Credentials c = emulatorCredentials(emu);
    ConsoleOptions options;
    options.start = ConsoleOptions::Start::Saved;
    options.useSettings = true;
    options.keychainService = kService;
    {
        MainWindow w(options);
        w.show();
        w.connectionPanel()->setCredentials(c);
        child<QCheckBox>(&w, "rememberSecretCheck")->setChecked(true);
        QSignalSpy keychain(w.connectionPanel(), &ConnectionPanel::keychainFinished);
        w.connectionPanel()->connectToProject();
        QVERIFY(keychain.wait(20000));
        QCOMPARE(keychain.first().at(0).toBool(), true);
    }
    // The settings file has where and which project, never the secret.
    QSettings settings;
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray onDisk = file.readAll();
    QVERIFY(onDisk.contains(c.projectId.toUtf8()));
    QVERIFY(!onDisk.contains(c.clientSecret.toUtf8()));

    options.start = ConsoleOptions::Start::Auto;
    MainWindow again(options);
    again.show();
    QTRY_COMPARE_WITH_TIMEOUT(again.connectionPanel()->enteredCredentials().clientSecret, c.clientSecret, 20000);
    QVERIFY(!again.demo());
    QSignalSpy refreshed(again.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    child<QPushButton>(&again, "connectButton")->click();
    QVERIFY(refreshed.wait(15000));
    QSettings().clear();
    forget(c);
}

QTEST_MAIN(tst_ConnectionKeychain)
#include "tst_connectionkeychain.moc"
