// "Remember in the system keychain": a Connect that works saves the client secret in a real
// Secret Service (a private GNOME Keyring started by tests/common/with-secret-service.sh), the
// next start fills it in, a cleared box removes it, and failed credentials are never saved.
// Nothing is written to the settings file.

#include "api/accesstokenmanager.h"
#include "api/plainkeyclient.h"
#include "connection/connectionpanel.h"
#include "emulator/emulator.h"
#include "profile/secretstore.h"
#include "window/mainwindow.h"

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
    T *w = parent->findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no child %s", name);
    return w;
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

Credentials credentialsOf(const emulator::Emulator &emu)
{
    Credentials c;
    c.baseUrl = emu.baseUrl();
    c.projectId = emu.config().projectId;
    c.clientSecret = emu.config().clientSecret;
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
    const Credentials c = credentialsOf(emu);
    QVERIFY(!stored(c));

    SecretStore store(kService);
    {
        PlainKeyClient client;
        ConnectionPanel panel;
        panel.setClient(&client);
        panel.setSecretStore(&store);
        panel.show();
        panel.setCredentials(c);
        child<QCheckBox>(&panel, "rememberSecretCheck")->setChecked(true);
        QSignalSpy keychain(&panel, &ConnectionPanel::keychainFinished);
        panel.connectToProject();
        QVERIFY(keychain.wait(20000));
        QCOMPARE(keychain.first().at(0).toBool(), true);
        QVERIFY(client.accessToken()->hasToken());
    }
    QCOMPARE(stored(c).value_or(QString()), c.clientSecret);

    // A new panel for the same project: the secret comes back, masked, and the box is ticked.
    PlainKeyClient client;
    ConnectionPanel panel;
    panel.setClient(&client);
    panel.setSecretStore(&store);
    panel.show();
    Credentials withoutSecret = c;
    withoutSecret.clientSecret.clear();
    panel.setCredentials(withoutSecret);
    QSignalSpy keychain(&panel, &ConnectionPanel::keychainFinished);
    panel.loadSavedSecret();
    QVERIFY(keychain.wait(20000));
    QCOMPARE(keychain.first().at(0).toBool(), true);
    auto *secretEdit = child<QLineEdit>(&panel, "secretEdit");
    QCOMPARE(secretEdit->text(), c.clientSecret);
    QCOMPARE(secretEdit->echoMode(), QLineEdit::Password);
    QVERIFY(child<QCheckBox>(&panel, "rememberSecretCheck")->isChecked());
    QVERIFY(child<QLabel>(&panel, "statusLabel")->text().contains(QStringLiteral("system keychain")));
    QVERIFY(!child<QLabel>(&panel, "statusLabel")->text().contains(c.clientSecret));

    // Another project ID on the same server has nothing saved: nothing is filled in.
    Credentials other = withoutSecret;
    other.projectId = QStringLiteral("another-project");
    panel.setCredentials(other);
    keychain.clear();
    panel.loadSavedSecret();
    QVERIFY(keychain.wait(20000));
    QCOMPARE(keychain.first().at(0).toBool(), false);
    QVERIFY(keychain.first().at(1).toString().isEmpty());
    QVERIFY(secretEdit->text().isEmpty());
    QVERIFY(!child<QCheckBox>(&panel, "rememberSecretCheck")->isChecked());

    SecretStore(kService).remove(SecretStore::keyFor(c), nullptr, [](const SecretStore::Outcome &) {});
    QTRY_VERIFY_WITH_TIMEOUT(!stored(c), 20000);
}

void tst_ConnectionKeychain::rejectedSecretIsNotSaved()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    Credentials c = credentialsOf(emu);
    c.clientSecret = QStringLiteral("wrong-secret");
    SecretStore store(kService);
    PlainKeyClient client;
    ConnectionPanel panel;
    panel.setClient(&client);
    panel.setSecretStore(&store);
    panel.show();
    panel.setCredentials(c);
    child<QCheckBox>(&panel, "rememberSecretCheck")->setChecked(true);
    QSignalSpy failed(client.accessToken(), &AccessTokenManager::fetchFailed);
    QSignalSpy keychain(&panel, &ConnectionPanel::keychainFinished);
    panel.connectToProject();
    QVERIFY(failed.wait(15000));
    QTest::qWait(300);
    QCOMPARE(keychain.count(), 0);
    QVERIFY(!stored(c));
}

void tst_ConnectionKeychain::clearedBoxRemovesTheSavedSecret()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    const Credentials c = credentialsOf(emu);
    SecretStore store(kService);
    PlainKeyClient client;
    ConnectionPanel panel;
    panel.setClient(&client);
    panel.setSecretStore(&store);
    panel.show();
    panel.setCredentials(c);
    auto *remember = child<QCheckBox>(&panel, "rememberSecretCheck");
    remember->setChecked(true);
    QSignalSpy keychain(&panel, &ConnectionPanel::keychainFinished);
    panel.connectToProject();
    QVERIFY(keychain.wait(20000));
    QCOMPARE(stored(c).value_or(QString()), c.clientSecret);

    // The person changes their mind: cleared box, Connect again, the entry is gone.
    remember->setChecked(false);
    keychain.clear();
    client.accessToken()->clear();
    panel.connectToProject();
    QVERIFY(keychain.wait(20000));
    QCOMPARE(keychain.first().at(0).toBool(), true);
    QVERIFY(keychain.first().at(1).toString().contains(QStringLiteral("removed")));
    QVERIFY(!stored(c));
}

void tst_ConnectionKeychain::typedSecretIsNotOverwrittenByALateRead()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    const Credentials c = credentialsOf(emu);
    SecretStore store(kService);
    bool written = false;
    store.write(SecretStore::keyFor(c), QStringLiteral("saved-secret"), nullptr, [&](const SecretStore::Outcome &o) { written = o.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(written, 20000);

    ConnectionPanel panel;
    panel.setSecretStore(&store);
    panel.show();
    Credentials withoutSecret = c;
    withoutSecret.clientSecret.clear();
    panel.setCredentials(withoutSecret);
    QSignalSpy keychain(&panel, &ConnectionPanel::keychainFinished);
    panel.loadSavedSecret();
    // The person types before the keychain answers.
    QTest::keyClicks(child<QLineEdit>(&panel, "secretEdit"), QStringLiteral("typed"));
    QVERIFY(keychain.wait(20000));
    QCOMPARE(child<QLineEdit>(&panel, "secretEdit")->text(), QStringLiteral("typed"));
    QCOMPARE(keychain.first().at(0).toBool(), false);

    // With a secret already entered, nothing is read at all.
    keychain.clear();
    panel.loadSavedSecret();
    QTest::qWait(300);
    QCOMPARE(keychain.count(), 0);
    store.remove(SecretStore::keyFor(c), nullptr, [](const SecretStore::Outcome &) {});
    QTRY_VERIFY_WITH_TIMEOUT(!stored(c), 20000);
}

void tst_ConnectionKeychain::nextStartFillsTheSecretInFromTheKeychain()
{
    emulator::Emulator emu;
    QVERIFY(emu.listen());
    const Credentials c = credentialsOf(emu);
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
    SecretStore(kService).remove(SecretStore::keyFor(c), nullptr, [](const SecretStore::Outcome &) {});
    QTRY_VERIFY_WITH_TIMEOUT(!stored(c), 20000);
}

QTEST_MAIN(tst_ConnectionKeychain)
#include "tst_connectionkeychain.moc"
