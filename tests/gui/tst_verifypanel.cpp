// The verify panel against the embedded emulator: a simulated sign-in gives a token that
// verifies as valid (masked on screen), a changed one and an expired one are not valid with
// PlainKey's reason and what a backend should answer, pasted input is cleaned up, the same
// token needs a second press, a slow verification can be cancelled, and a failure to reach
// PlainKey is not presented as a verdict.

#include "widgettesthelper.h"
#include "core/api/plainkeyclient.h"
#include "gui/demo/demosession.h"
#include "emulator/emulatorconfig.h"
#include "core/log/exchangelog.h"
#include "gui/verify/verifypanel.h"

#include <QApplication>
#include <QClipboard>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

struct Fixture
{
    Fixture()
    {
        emulator::EmulatorConfig config;
        config.authTokenTtl = std::chrono::seconds(120);
        QVERIFY(demo.start(config));
        client.setCredentials(demo.credentials());
        panel.setClient(&client);
        panel.setDemoSession(&demo);
        panel.resize(800, 360);
        panel.show();
    }
    template <typename T>
    T *child(const char *name)
    {
        return childOf<T>(&panel, name);
    }
    QString text(const char *label) { return child<QLabel>(label)->text(); }

    //! Signs a demo user in through the panel's button and returns the token it put in the field.
    QString simulateSignIn()
    {
        const QString before = child<QLineEdit>("tokenEdit")->text();
        child<QPushButton>("simulateButton")->click();
        if (!QTest::qWaitFor([&] { return child<QLineEdit>("tokenEdit")->text() != before; }, 15000))
            return {};
        return child<QLineEdit>("tokenEdit")->text();
    }
    bool verify()
    {
        child<QPushButton>("verifyButton")->click();
        return QTest::qWaitFor([&] { return !panel.isBusy() && panel.outcome() != VerifyPanel::Outcome::None; }, 15000);
    }
    //! All text in labels, unmasked fields and the claims tree.
    QString screenText()
    {
        QString all;
        for (const QLabel *l : panel.findChildren<QLabel *>())
            all += l->text() + QLatin1Char('\n');
        for (const QLineEdit *e : panel.findChildren<QLineEdit *>())
            if (e->echoMode() == QLineEdit::Normal)
                all += e->text() + QLatin1Char('\n');
        QTreeWidgetItemIterator it(child<QTreeWidget>("claimsTree"));
        for (; *it; ++it)
            all += (*it)->text(0) + (*it)->text(1) + (*it)->text(2) + QLatin1Char('\n');
        return all;
    }

    DemoSession demo;
    PlainKeyClient client;
    VerifyPanel panel;
};

} // namespace

class tst_VerifyPanel : public QObject
{
    Q_OBJECT

private slots:
    void simulatedSignInVerifiesAsValid();
    void changedTokenIsNotValid();
    void expiredTokenIsNotValid();
    void sameTokenTwiceNeedsASecondPress();
    void cleansUpPastedInput();
    void cancelsASlowVerification();
    void unreachablePlainKeyIsNotAVerdict();
    void browserTokenOfferVerifiesWithOneClick();
    void dismissedOfferForgetsTheToken();
};

void tst_VerifyPanel::simulatedSignInVerifiesAsValid()
{
    Fixture f;
    QVERIFY(!f.child<QWidget>("demoControls")->isHidden());
    const QString token = f.simulateSignIn();
    QVERIFY(!token.isEmpty());
    QCOMPARE(f.child<QLineEdit>("tokenEdit")->echoMode(), QLineEdit::Password);
    QVERIFY(f.text("noticeLabel").contains(QStringLiteral("Token #")));
    // The emulator mints JWTs: decoded beside, with the reminder that a decode is not a verification.
    QTRY_VERIFY(f.child<QTreeWidget>("claimsTree")->topLevelItemCount() == 2);
    QVERIFY(f.text("jwtStatusLabel").contains(QStringLiteral("not checked")));

    QSignalSpy showUser(&f.panel, &VerifyPanel::showUserRequested);
    QSignalSpy showExchange(&f.panel, &VerifyPanel::showExchangeRequested);
    QVERIFY(f.verify());
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::Valid);
    const QString userId = f.panel.lastResult()->userId;
    QVERIFY(!userId.isEmpty());
    QVERIFY(f.text("headlineLabel").contains(QStringLiteral("Valid")));
    QVERIFY(f.text("headlineLabel").contains(userId));
    QVERIFY(f.text("adviceLabel").contains(QStringLiteral("find the user")));
    QCOMPARE(f.child<QLineEdit>("userIdEdit")->text(), userId);
    f.child<QToolButton>("copyUserIdButton")->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), userId);
    f.child<QToolButton>("showUserButton")->click();
    QCOMPARE(showUser.count(), 1);
    QCOMPARE(showUser.first().first().toString(), userId);
    emit f.child<QLabel>("exchangeLink")->linkActivated(QStringLiteral("#exchange"));
    QCOMPARE(showExchange.count(), 1);
    const quint64 id = showExchange.first().first().value<quint64>();
    const Exchange *e = f.client.exchangeLog()->find(id);
    QVERIFY(e);
    QVERIFY(e->url.endsWith(QStringLiteral("/authentication-token/verify")));

    QVERIFY2(!f.screenText().contains(token), "the authentication token is on screen");
}

void tst_VerifyPanel::changedTokenIsNotValid()
{
    Fixture f;
    const QString token = f.simulateSignIn();
    QVERIFY(!token.isEmpty());
    f.child<QPushButton>("tamperButton")->click();
    const QString changed = f.panel.normalizedToken();
    QCOMPARE(changed.size(), token.size());
    QVERIFY(changed != token);
    QVERIFY(f.verify());
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::NotValid);
    QVERIFY(f.text("headlineLabel").contains(QStringLiteral("Not valid")));
    QVERIFY2(f.text("reasonLabel").contains(QStringLiteral("What it usually means")), qPrintable(f.text("reasonLabel")));
    QVERIFY(f.text("adviceLabel").contains(QStringLiteral("401")));
    QVERIFY(f.child<QLineEdit>("userIdEdit")->isHidden());
    // The claims still decode: only PlainKey can tell the signature is wrong.
    QCOMPARE(f.child<QTreeWidget>("claimsTree")->topLevelItemCount(), 2);
    QVERIFY(!f.screenText().contains(changed));
}

void tst_VerifyPanel::expiredTokenIsNotValid()
{
    Fixture f;
    std::optional<Result<DemoSignIn>> signedIn;
    f.demo.signIn(f.client.transport(), f.demo.userNames().first(), &f.panel,
                  [&](const Result<DemoSignIn> &r) { signedIn.emplace(r); }, 1);
    QTRY_VERIFY_WITH_TIMEOUT(signedIn.has_value(), 15000);
    QVERIFY2(signedIn->ok(), qPrintable(signedIn->error().message()));
    QVERIFY(signedIn->value().expiresAt);
    const QDateTime expiry = signedIn->value().expiresAt->utc;
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() > expiry.addMSecs(1100), 10000);
    f.panel.setToken(signedIn->value().token);
    QVERIFY2(f.text("jwtStatusLabel").contains(QStringLiteral("expired")), qPrintable(f.text("jwtStatusLabel")));
    QVERIFY(f.verify());
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::NotValid);
    QVERIFY2(f.panel.lastResult()->error.contains(QStringLiteral("xpired")), qPrintable(f.panel.lastResult()->error));
    QVERIFY(f.text("reasonLabel").contains(QStringLiteral("past its expiry")));
    // When, by this computer's clock; the demo's clocks agree, so no alarm about them.
    QVERIFY2(f.text("reasonLabel").contains(QStringLiteral("It expired ")), qPrintable(f.text("reasonLabel")));
    QVERIFY(f.text("reasonLabel").contains(QStringLiteral(" ago, at ")));
    QVERIFY(!f.text("reasonLabel").contains(QStringLiteral("disagree")));
}

void tst_VerifyPanel::sameTokenTwiceNeedsASecondPress()
{
    Fixture f;
    QVERIFY(!f.simulateSignIn().isEmpty());
    QVERIFY(f.verify());
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::Valid);
    const int exchanges = f.client.exchangeLog()->size();
    f.child<QPushButton>("verifyButton")->click();
    QVERIFY(f.panel.isAwaitingReverifyConfirmation());
    QVERIFY(!f.child<QLabel>("reverifyLabel")->isHidden());
    QVERIFY(f.text("reverifyLabel").contains(QStringLiteral("single use")));
    QVERIFY(f.child<QPushButton>("verifyButton")->text().contains(QStringLiteral("again")));
    QVERIFY(!f.panel.isBusy());
    QCOMPARE(f.client.exchangeLog()->size(), exchanges); // nothing sent

    f.child<QPushButton>("verifyButton")->click();
    QVERIFY(f.panel.isBusy() || f.client.exchangeLog()->size() > exchanges);
    QTRY_VERIFY_WITH_TIMEOUT(!f.panel.isBusy(), 15000);
    QVERIFY(f.client.exchangeLog()->size() > exchanges);
    QVERIFY(!f.panel.isAwaitingReverifyConfirmation());
    QVERIFY(f.child<QLabel>("reverifyLabel")->isHidden());

    // Editing the token withdraws a pending confirmation.
    f.child<QPushButton>("verifyButton")->click();
    QVERIFY(f.panel.isAwaitingReverifyConfirmation());
    f.panel.changeOneCharacter();
    QVERIFY(!f.panel.isAwaitingReverifyConfirmation());
}

void tst_VerifyPanel::cleansUpPastedInput()
{
    Fixture f;
    f.panel.setToken(QStringLiteral("  Bearer \"abc.def-ghi\"\n"));
    QCOMPARE(f.panel.normalizedToken(), QStringLiteral("abc.def-ghi"));
    QVERIFY2(f.text("noticeLabel").contains(QStringLiteral("Bearer")), qPrintable(f.text("noticeLabel")));
    QVERIFY(f.text("jwtStatusLabel").contains(QStringLiteral("Not a JWT")));

    f.panel.setToken(QString());
    const int exchanges = f.client.exchangeLog()->size();
    QSignalSpy messages(&f.panel, &VerifyPanel::statusMessage);
    f.panel.verify();
    QCOMPARE(f.client.exchangeLog()->size(), exchanges);
    QCOMPARE(messages.count(), 1);
    QVERIFY(messages.first().first().toString().contains(QStringLiteral("Paste")));

    f.panel.setToken(QStringLiteral("t\u00f6ken"));
    QVERIFY(f.panel.normalizedToken().isEmpty());
    QVERIFY(f.text("noticeLabel").contains(QStringLiteral("U+00f6")));
}

void tst_VerifyPanel::cancelsASlowVerification()
{
    Fixture f;
    QVERIFY(!f.simulateSignIn().isEmpty());
    f.demo.setSlow(true);
    f.child<QPushButton>("verifyButton")->click();
    QVERIFY(f.panel.isBusy());
    auto *cancel = f.child<QPushButton>("cancelButton");
    QVERIFY(!cancel->isHidden());
    QVERIFY(f.child<QPushButton>("verifyButton")->text().startsWith(QStringLiteral("Verifying")));
    QTest::qWait(300); // let the request leave
    cancel->click();
    QTRY_VERIFY_WITH_TIMEOUT(!f.panel.isBusy(), 5000);
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::Cancelled);
    QVERIFY(f.text("headlineLabel").contains(QStringLiteral("cancelled")));
    QVERIFY(cancel->isHidden());
    QCOMPARE(f.child<QPushButton>("verifyButton")->text(), QStringLiteral("&Verify"));
    f.demo.setSlow(false);
}

void tst_VerifyPanel::unreachablePlainKeyIsNotAVerdict()
{
    Fixture f;
    Credentials nowhere = f.demo.credentials();
    nowhere.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:1"));
    f.client.setCredentials(nowhere);
    f.panel.setToken(QStringLiteral("some-token-value"));
    QVERIFY(f.verify());
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::Failed);
    QVERIFY(f.text("headlineLabel").startsWith(QStringLiteral("Could not verify")));
    QVERIFY2(f.text("adviceLabel").contains(QStringLiteral("503")), qPrintable(f.text("adviceLabel")));
    QVERIFY(f.text("adviceLabel").contains(QStringLiteral("not 401")));
}

// A token the emulator issued to a browser is offered, not verified behind the person's back:
// the offer names the user and the ceremony, never shows the token, and one click verifies it.
void tst_VerifyPanel::browserTokenOfferVerifiesWithOneClick()
{
    Fixture f;
    QVERIFY(f.child<QFrame>("offerFrame")->isHidden());
    // A real token from the emulator, as its Browser API would hand one to a page.
    std::optional<DemoSignIn> minted;
    f.demo.signIn(f.client.transport(), QStringLiteral("grace@example.com"), &f.panel,
                  [&](const Result<DemoSignIn> &r) { QVERIFY(r); minted = r.value(); });
    QTRY_VERIFY_WITH_TIMEOUT(minted.has_value(), 15000);
    DemoSignIn offer = *minted;
    offer.ceremony = QStringLiteral("sign-in");

    QSignalSpy status(&f.panel, &VerifyPanel::statusMessage);
    f.panel.offerBrowserToken(offer);
    QVERIFY(!f.child<QFrame>("offerFrame")->isHidden());
    QVERIFY(f.text("offerLabel").contains(QStringLiteral("grace@example.com just signed in")));
    QVERIFY(f.text("offerLabel").contains(QStringLiteral("in the browser")));
    QCOMPARE(status.count(), 1);
    // Offered, not verified: the field is untouched and nothing was sent.
    QVERIFY(f.child<QLineEdit>("tokenEdit")->text().isEmpty());
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::None);
    QVERIFY2(!f.screenText().contains(offer.token), "the offered token is on screen");

    f.child<QPushButton>("offerVerifyButton")->click();
    QVERIFY(f.child<QFrame>("offerFrame")->isHidden());
    QTRY_VERIFY_WITH_TIMEOUT(!f.panel.isBusy() && f.panel.outcome() != VerifyPanel::Outcome::None, 15000);
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::Valid);
    QCOMPARE(f.panel.lastResult()->userId, offer.userId);
    QCOMPARE(f.panel.normalizedToken(), offer.token);
    QVERIFY(!f.panel.offer().has_value());
    QVERIFY2(!f.screenText().contains(offer.token), "the verified token is on screen");
}

void tst_VerifyPanel::dismissedOfferForgetsTheToken()
{
    Fixture f;
    DemoSignIn offer;
    offer.userId = QStringLiteral("user_1");
    offer.token = QStringLiteral("opaque-token-from-a-browser-0123456789");
    offer.ceremony = QStringLiteral("sign-up");
    f.panel.offerBrowserToken(offer);
    QVERIFY(f.text("offerLabel").contains(QStringLiteral("User user_1 just signed up with a new passkey")));
    f.child<QToolButton>("offerDismissButton")->click();
    QVERIFY(f.child<QFrame>("offerFrame")->isHidden());
    QVERIFY(!f.panel.offer().has_value());
    QVERIFY(f.text("offerLabel").isEmpty());
    // Accepting after a dismissal does nothing.
    f.panel.acceptOffer();
    QVERIFY(f.child<QLineEdit>("tokenEdit")->text().isEmpty());
    QCOMPARE(f.panel.outcome(), VerifyPanel::Outcome::None);
    // An empty token is never offered.
    f.panel.offerBrowserToken(DemoSignIn{});
    QVERIFY(f.child<QFrame>("offerFrame")->isHidden());
}

QTEST_MAIN(tst_VerifyPanel)
#include "tst_verifypanel.moc"
