// File > Save support bundle… in the console, against the embedded emulator: the dialog offers
// the masking box ticked, a write that fails says why and keeps every choice, and the saved file
// holds the session without secrets (and without personal data unless the box was unticked).

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/export/supportbundle.h"
#include "core/log/exchangelog.h"
#include "gui/bundle/supportbundledialog.h"
#include "gui/verify/verifypanel.h"
#include "gui/window/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
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

QList<QByteArray> forms(const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    return {utf8, QUrl::toPercentEncoding(value), utf8.toBase64(), utf8.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)};
}

QString leaked(const QByteArray &file, const QStringList &values)
{
    for (const QString &v : values) {
        for (const QByteArray &f : forms(v)) {
            if (f.size() >= 4 && file.contains(f))
                return v;
        }
    }
    return {};
}

} // namespace

class tst_SupportBundleDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void savesFromTheFileMenu();
};

void tst_SupportBundleDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_supportbundledialog"));
    QCoreApplication::setApplicationVersion(QStringLiteral("1.2.3-test"));
    QSettings().clear();
}

void tst_SupportBundleDialog::savesFromTheFileMenu()
{
    MainWindow w(demoOptions());
    w.show();
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    named<QPushButton>(&w, "connectButton")->click();
    QVERIFY(refreshed.wait(15000));
    w.verifyPanel()->simulateSignIn();
    QTRY_VERIFY_WITH_TIMEOUT(!w.verifyPanel()->normalizedToken().isEmpty(), 15000);
    w.verifyPanel()->verify();
    auto *userIdEdit = named<QLineEdit>(w.verifyPanel(), "userIdEdit");
    QTRY_VERIFY_WITH_TIMEOUT(!userIdEdit->text().isEmpty(), 15000);
    const QString userId = userIdEdit->text();
    const QStringList secrets{w.client()->credentials().clientSecret, w.client()->accessToken()->token(),
                              named<QLineEdit>(w.verifyPanel(), "tokenEdit")->text()};
    for (const QString &s : secrets)
        QVERIFY(s.size() >= 6);
    const QString email = QStringLiteral("ada@example.com");
    Finding finding;
    finding.id = QStringLiteral("summary");
    finding.verdict = Finding::Verdict::Pass;
    finding.title = QStringLiteral("%1 (%2) signed in and the token is valid").arg(email, userId);
    w.setFindingsProvider([finding] { return Findings{finding}; });

    auto *action = w.findChild<QAction *>(QStringLiteral("actionSaveSupportBundle"));
    QVERIFY(action);
    QVERIFY(!action->shortcut().isEmpty());
    action->trigger();
    auto *dialog = w.findChild<SupportBundleDialog *>(QStringLiteral("supportBundleDialog"));
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    auto *mask = named<QCheckBox>(dialog, "maskCheck");
    QVERIFY(mask->isChecked());
    QCOMPARE(mask->text().remove(QLatin1Char('&')), QStringLiteral("Mask user names, e-mail addresses and user IDs"));
    QVERIFY(dialog->path().endsWith(QLatin1String(".html")));

    // A folder that does not exist: the reason, the dialog stays, nothing chosen is lost.
    const QString bad = QStringLiteral("/nonexistent-plainkey-folder/bundle.html");
    dialog->setPath(bad);
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isWriting() && !dialog->errorText().isEmpty(), 15000);
    QVERIFY2(dialog->errorText().contains(QLatin1String("does not exist")), qPrintable(dialog->errorText()));
    QVERIFY(dialog->errorText().contains(QLatin1String("Choose another place")));
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->path(), bad);
    QVERIFY(mask->isChecked());
    QVERIFY(!QFile::exists(bad));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bundle.html"));
    dialog->setPath(path);
    QPointer<SupportBundleDialog> guard(dialog);
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!guard || !guard->isVisible(), 15000);
    QTRY_VERIFY(w.statusBar()->currentMessage().contains(QLatin1String("Saved the support bundle")));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray masked = file.readAll();
    QVERIFY(masked.contains("PlainKey Console 1.2.3-test"));
    QVERIFY(masked.contains("signed in and the token is valid"));
    QVERIFY2(leaked(masked, secrets).isEmpty(), "a secret is in the bundle");
    QVERIFY2(leaked(masked, {userId, email}).isEmpty(), qPrintable(leaked(masked, {userId, email})));
    const QJsonArray entries = QJsonDocument::fromJson(SupportBundle::extractHar(masked))
                                       .object().value(QLatin1String("log")).toObject().value(QLatin1String("entries")).toArray();
    QCOMPARE(entries.size(), w.client()->exchangeLog()->size());

    // Unticked: personal data in, secrets still out.
    action->trigger();
    dialog = w.findChild<SupportBundleDialog *>(QStringLiteral("supportBundleDialog"));
    QVERIFY(dialog);
    const QString plainPath = dir.filePath(QStringLiteral("unmasked.html"));
    dialog->setPath(plainPath);
    dialog->setMaskPersonalData(false);
    guard = dialog;
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!guard || !guard->isVisible(), 15000);
    QFile plainFile(plainPath);
    QVERIFY(plainFile.open(QIODevice::ReadOnly));
    const QByteArray unmasked = plainFile.readAll();
    QVERIFY2(leaked(unmasked, secrets).isEmpty(), "a secret is in the unmasked bundle");
    QVERIFY(unmasked.contains(userId.toUtf8()));
    QVERIFY(unmasked.contains(email.toUtf8()));
}

QTEST_MAIN(tst_SupportBundleDialog)
#include "tst_supportbundledialog.moc"
