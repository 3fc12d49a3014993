// The connection panel: fields are checked before anything is sent (each reason beside its
// field, plain http to another host only with consent), Connect fetches an access token
// from the emulator with good credentials and shows PlainKey's refusal with bad ones, and
// Cancel stops a slow fetch.

#include "widgettesthelper.h"
#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "gui/connection/connectionpanel.h"
#include "emulator/emulator.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace plainkey;
using namespace plainkey::gui;
using namespace std::chrono_literals;

namespace {

struct Fixture
{
    Fixture()
    {
        QVERIFY(emulator.listen());
        panel.setClient(&client);
        panel.resize(360, 320);
        panel.show();
    }
    template <typename T>
    T *child(const char *name)
    {
        return childOf<T>(&panel, name);
    }
    void fill(const QString &url, const QString &project, const QString &secret)
    {
        // Typed, as a person would, so every edit signal runs.
        for (auto [name, text] : {std::pair{"baseUrlEdit", url}, std::pair{"projectIdEdit", project}, std::pair{"secretEdit", secret}}) {
            auto *edit = child<QLineEdit>(name);
            edit->clear();
            QTest::keyClicks(edit, text);
        }
    }
    QString problem(const char *name) { return child<QLabel>(name)->isHidden() ? QString() : child<QLabel>(name)->text(); }

    emulator::Emulator emulator;
    PlainKeyClient client;
    ConnectionPanel panel;
};

} // namespace

class tst_ConnectionPanel : public QObject
{
    Q_OBJECT

private slots:
    void checksFieldsBeforeSending();
    void plainHttpToAnotherHostNeedsConsent();
    void secretIsMaskedUntilShown();
    void connectsWithGoodCredentials();
    void showsRefusalOfBadCredentials();
    void cancelStopsASlowFetch();
};

void tst_ConnectionPanel::checksFieldsBeforeSending()
{
    Fixture f;
    QSignalSpy applied(&f.panel, &ConnectionPanel::connectionApplied);
    // Nothing typed yet: no complaints until the person tries to connect.
    QVERIFY(f.problem("baseUrlProblem").isEmpty());
    QVERIFY(f.problem("projectIdProblem").isEmpty());
    f.child<QPushButton>("connectButton")->click();
    QVERIFY(f.problem("baseUrlProblem").contains(QStringLiteral("base URL")));
    QVERIFY(f.problem("projectIdProblem").contains(QStringLiteral("project ID")));
    QVERIFY(f.problem("secretProblem").contains(QStringLiteral("client secret")));
    QCOMPARE(applied.count(), 0);
    QCOMPARE(f.client.exchangeLog()->size(), 0);

    f.fill(QStringLiteral("api.plainkey.io/server"), QStringLiteral("my project"), QStringLiteral("s3cret "));
    QVERIFY2(f.problem("baseUrlProblem").contains(QStringLiteral("not a URL")) || f.problem("baseUrlProblem").contains(QStringLiteral("https")),
             qPrintable(f.problem("baseUrlProblem")));
    QVERIFY(f.problem("projectIdProblem").contains(QStringLiteral("no spaces")));
    QVERIFY(f.problem("secretProblem").contains(QStringLiteral("spaces")));
    QTest::keyClick(f.child<QLineEdit>("secretEdit"), Qt::Key_Return);
    QCOMPARE(applied.count(), 0);
    QCOMPARE(f.client.exchangeLog()->size(), 0);

    f.fill(QStringLiteral("https://api.plainkey.io/server"), QStringLiteral("proj_1"), QStringLiteral("s3cret"));
    QVERIFY(f.problem("baseUrlProblem").isEmpty());
    QVERIFY(f.problem("projectIdProblem").isEmpty());
    QVERIFY(f.problem("secretProblem").isEmpty());
    QVERIFY(f.panel.validate());
}

void tst_ConnectionPanel::plainHttpToAnotherHostNeedsConsent()
{
    Fixture f;
    auto *consent = f.child<QCheckBox>("insecureCheck");
    f.fill(QStringLiteral("http://plainkey.example.com/server"), QStringLiteral("proj_1"), QStringLiteral("s3cret"));
    QVERIFY(!consent->isHidden());
    QVERIFY(f.problem("baseUrlProblem").contains(QStringLiteral("unencrypted")));
    QVERIFY(!f.panel.validate());
    consent->setChecked(true);
    QVERIFY(f.problem("baseUrlProblem").isEmpty());
    QVERIFY(f.panel.validate());
    QVERIFY(f.panel.insecureHttpAllowed());

    // Loopback needs no consent; changing the URL withdraws it.
    f.fill(QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("proj_1"), QStringLiteral("s3cret"));
    QVERIFY(consent->isHidden());
    QVERIFY(!consent->isChecked());
    QVERIFY(f.panel.validate());
}

void tst_ConnectionPanel::secretIsMaskedUntilShown()
{
    Fixture f;
    auto *secret = f.child<QLineEdit>("secretEdit");
    QCOMPARE(secret->echoMode(), QLineEdit::Password);
    f.child<QToolButton>("revealSecretButton")->click();
    QCOMPARE(secret->echoMode(), QLineEdit::Normal);
    f.child<QToolButton>("revealSecretButton")->click();
    QCOMPARE(secret->echoMode(), QLineEdit::Password);
    // Filling in (e.g. the demo's credentials) masks it again.
    f.child<QToolButton>("revealSecretButton")->click();
    Credentials c;
    c.baseUrl = f.emulator.baseUrl();
    c.projectId = QStringLiteral("demo-project");
    c.clientSecret = QStringLiteral("demo-secret");
    f.panel.setCredentials(c);
    QCOMPARE(secret->echoMode(), QLineEdit::Password);
}

void tst_ConnectionPanel::connectsWithGoodCredentials()
{
    Fixture f;
    QSignalSpy applied(&f.panel, &ConnectionPanel::connectionApplied);
    QSignalSpy refreshed(f.client.accessToken(), &AccessTokenManager::tokenRefreshed);
    f.fill(f.emulator.baseUrl().toString(), f.emulator.config().projectId, f.emulator.config().clientSecret);
    QTest::keyClick(f.child<QLineEdit>("projectIdEdit"), Qt::Key_Return);
    QCOMPARE(applied.count(), 1);
    QCOMPARE(f.client.credentials().projectId, f.emulator.config().projectId);
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 15000);
    QCOMPARE(f.client.accessToken()->state(), AccessTokenManager::State::Valid);
    auto *status = f.child<QLabel>("statusLabel");
    QTRY_VERIFY(status->text().startsWith(QStringLiteral("Connected")));
    QVERIFY(!status->text().contains(f.emulator.config().clientSecret));
    QTRY_VERIFY(f.child<QPushButton>("cancelButton")->isHidden());
    QCOMPARE(f.child<QPushButton>("connectButton")->text(), QStringLiteral("Co&nnect"));
}

void tst_ConnectionPanel::showsRefusalOfBadCredentials()
{
    Fixture f;
    QSignalSpy failed(f.client.accessToken(), &AccessTokenManager::fetchFailed);
    f.fill(f.emulator.baseUrl().toString(), f.emulator.config().projectId, QStringLiteral("wrong-secret"));
    f.panel.connectToProject();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
    QCOMPARE(f.client.accessToken()->state(), AccessTokenManager::State::Failed);
    const QString status = f.child<QLabel>("statusLabel")->text();
    QVERIFY2(status.contains(QStringLiteral("refused"), Qt::CaseInsensitive) || status.contains(QStringLiteral("rejected"), Qt::CaseInsensitive),
             qPrintable(status));
    QVERIFY(!status.contains(QStringLiteral("wrong-secret")));

    // Nothing listening there: a network error, said as such.
    f.fill(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("p"), QStringLiteral("secret"));
    f.panel.connectToProject();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 15000);
    QVERIFY(f.child<QLabel>("statusLabel")->text().contains(QStringLiteral("refused")));
}

void tst_ConnectionPanel::cancelStopsASlowFetch()
{
    Fixture f;
    f.emulator.setLatency(10s);
    QSignalSpy failed(f.client.accessToken(), &AccessTokenManager::fetchFailed);
    f.fill(f.emulator.baseUrl().toString(), f.emulator.config().projectId, f.emulator.config().clientSecret);
    f.panel.connectToProject();
    auto *cancel = f.child<QPushButton>("cancelButton");
    QTRY_VERIFY(!cancel->isHidden());
    QVERIFY(f.panel.isConnecting());
    QVERIFY(f.child<QPushButton>("connectButton")->text().startsWith(QStringLiteral("Connecting")));
    QSignalSpy applied(&f.panel, &ConnectionPanel::connectionApplied);
    f.child<QPushButton>("connectButton")->click(); // ignored while one fetch is under way
    QCOMPARE(applied.count(), 0);
    cancel->click();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    QCOMPARE(failed.first().first().value<ApiError>().kind(), ApiError::Kind::Cancelled);
    QTRY_VERIFY(cancel->isHidden());
    QVERIFY(f.child<QLabel>("statusLabel")->text().contains(QStringLiteral("Cancelled")));
    QVERIFY(!f.panel.isConnecting());
}

QTEST_MAIN(tst_ConnectionPanel)
#include "tst_connectionpanel.moc"
