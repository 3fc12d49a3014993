// The access-token panel against a loopback server whose answers the test controls: the
// countdown moves every second and the bar empties, the token stays masked until revealed
// or copied, automatic refresh replaces a short-lived token (without refetching in a loop),
// a server clock that is off is shown, and a refused fetch shows PlainKey's reason.

#include "widgettesthelper.h"
#include "rawhttpserver.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "gui/token/accesstokenpanel.h"

#include <QApplication>
#include <QCheckBox>
#include "gui/clipboard/secretclipboard.h"

#include <QClipboard>
#include <QMimeData>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

QByteArray httpDate(const QDateTime &utc)
{
    return QLocale::c().toString(utc, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
}

//! A token endpoint: each answer mints "token-N" living \a ttl seconds, its Date header \a skewSeconds off.
RawHttpServer::Handler tokenServer(int ttl, int skewSeconds = 0, int *issued = nullptr)
{
    auto counter = std::make_shared<int>(0);
    return [=](const RawHttpServer::Request &, QTcpSocket *socket) {
        const int n = ++*counter;
        if (issued)
            *issued = n;
        const QByteArray body = R"({"access_token":"token-secret-)" + QByteArray::number(n) + R"(","token_type":"Bearer","expires_in":)"
                + QByteArray::number(ttl) + "}";
        socket->write(RawHttpServer::response(200, body, "application/json",
                                              {{"Date", httpDate(QDateTime::currentDateTimeUtc().addSecs(skewSeconds))}}));
    };
}

struct Fixture
{
    explicit Fixture(RawHttpServer::Handler handler) : server(std::move(handler))
    {
        Credentials c;
        c.baseUrl = server.url();
        c.projectId = QStringLiteral("project-1");
        c.clientSecret = QStringLiteral("secret-value-1");
        client.setCredentials(c);
        client.accessToken()->setAutoRefresh(false);
        panel.setTokenManager(client.accessToken());
        panel.resize(360, 320);
        panel.show();
    }
    AccessTokenManager *tokens() { return client.accessToken(); }
    template <typename T>
    T *child(const char *name)
    {
        return childOf<T>(&panel, name);
    }

    RawHttpServer server;
    PlainKeyClient client;
    AccessTokenPanel panel;
};

} // namespace

class tst_AccessTokenPanel : public QObject
{
    Q_OBJECT

private slots:
    void formatsCountdown_data();
    void formatsCountdown();
    void countdownMovesAndBarEmpties();
    void tokenStaysMaskedUntilRevealedOrCopied();
    void autoRefreshReplacesAShortLivedToken();
    void expiredTokenSaysSo();
    void showsServerClockSkew();
    void failedFetchShowsTheReason();
};

void tst_AccessTokenPanel::formatsCountdown_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << qint64(7) << "0:07";
    QTest::newRow("minutes") << qint64(59 * 60 + 42) << "59:42";
    QTest::newRow("hours") << qint64(3600 + 2 * 60 + 3) << "1:02:03";
    QTest::newRow("sign ignored") << qint64(-75) << "1:15";
}

void tst_AccessTokenPanel::formatsCountdown()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(AccessTokenPanel::formatCountdown(seconds), text);
}

void tst_AccessTokenPanel::countdownMovesAndBarEmpties()
{
    Fixture f(tokenServer(30));
    auto *state = f.child<QLabel>("stateLabel");
    auto *bar = f.child<QProgressBar>("lifetimeBar");
    QVERIFY(state->text().contains(QStringLiteral("None")));
    QCOMPARE(f.panel.countdownText(), QStringLiteral("\u2014"));

    f.tokens()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(state->text().contains(QStringLiteral("Valid")), 15000);
    QCOMPARE(f.child<QLabel>("typeLabel")->text(), QStringLiteral("Bearer"));
    QVERIFY(f.child<QLabel>("expiresLabel")->text().contains(QStringLiteral("in ")));
    const QString first = f.panel.countdownText();
    QVERIFY2(first.startsWith(QStringLiteral("0:")), qPrintable(first));
    const int firstValue = bar->value();
    QVERIFY(firstValue > 800);
    // The countdown ticks every second, on the boot clock.
    QTRY_VERIFY_WITH_TIMEOUT(f.panel.countdownText() != first, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(bar->value() < firstValue, 5000);
    const QString second = f.panel.countdownText();
    QTRY_VERIFY_WITH_TIMEOUT(f.panel.countdownText() != second, 5000);
}

void tst_AccessTokenPanel::tokenStaysMaskedUntilRevealedOrCopied()
{
    Fixture f(tokenServer(600));
    f.tokens()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(f.tokens()->hasToken(), 15000);
    auto *field = f.child<QLineEdit>("tokenEdit");
    QVERIFY(!field->text().contains(QStringLiteral("token-secret")));
    QVERIFY(field->text().contains(f.tokens()->fingerprint()));
    const auto labels = f.panel.findChildren<QLabel *>();
    for (const QLabel *l : labels)
        QVERIFY2(!l->text().contains(QStringLiteral("token-secret")), qPrintable(l->objectName()));

    f.panel.setTokenRevealed(true);
    QVERIFY(f.panel.isTokenRevealed());
    QCOMPARE(field->text(), QStringLiteral("token-secret-1"));
    f.child<QToolButton>("revealButton")->click();
    QVERIFY(!f.panel.isTokenRevealed());
    QVERIFY(!field->text().contains(QStringLiteral("token-secret")));

    // A new token hides a revealed one.
    f.panel.setTokenRevealed(true);
    QSignalSpy refreshed(f.tokens(), &AccessTokenManager::tokenRefreshed);
    f.child<QPushButton>("refreshButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 15000);
    QVERIFY(!f.panel.isTokenRevealed());
    QVERIFY(!field->text().contains(QStringLiteral("token-secret")));

    f.child<QToolButton>("copyButton")->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("token-secret-2"));
    // Marked for password managers and clipboard histories, and cleared after a while.
    QCOMPARE(QGuiApplication::clipboard()->mimeData()->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArray("secret"));
    QVERIFY(SecretClipboard::instance()->isPending());
}

void tst_AccessTokenPanel::autoRefreshReplacesAShortLivedToken()
{
    int issued = 0;
    Fixture f(tokenServer(4, 0, &issued));
    QSignalSpy refreshed(f.tokens(), &AccessTokenManager::tokenRefreshed);
    f.child<QCheckBox>("autoRefreshCheck")->setChecked(true);
    QVERIFY(f.tokens()->autoRefresh());
    f.tokens()->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 15000);
    // Shorter than the default 10-minute grace period: at most half its life is grace.
    QVERIFY(f.tokens()->effectiveGracePeriod() <= f.tokens()->lifetime() / 2);
    const QString firstFingerprint = f.tokens()->fingerprint();
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 2, 15000);
    QVERIFY(f.tokens()->fingerprint() != firstFingerprint);
    QVERIFY(f.tokens()->hasToken());
    // No fetch loop: a few tokens in a few seconds, not hundreds.
    QTest::qWait(1500);
    QVERIFY2(issued <= 5, qPrintable(QString::number(issued)));
}

void tst_AccessTokenPanel::expiredTokenSaysSo()
{
    Fixture f(tokenServer(2));
    f.tokens()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(f.tokens()->hasToken(), 15000);
    auto *state = f.child<QLabel>("stateLabel");
    QTRY_VERIFY_WITH_TIMEOUT(state->text().contains(QStringLiteral("Expired")), 10000);
    QVERIFY2(f.panel.countdownText().startsWith(QStringLiteral("expired")), qPrintable(f.panel.countdownText()));
    QCOMPARE(f.child<QProgressBar>("lifetimeBar")->value(), 0);
}

void tst_AccessTokenPanel::showsServerClockSkew()
{
    Fixture f(tokenServer(600, 120));
    auto *skew = f.child<QLabel>("skewLabel");
    f.tokens()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(f.tokens()->hasToken(), 15000);
    QVERIFY(!skew->isHidden());
    QVERIFY2(skew->text().contains(QStringLiteral("ahead of")), qPrintable(skew->text()));
    // 120 s, less the part of a second the Date header leaves out.
    QVERIFY2(skew->text().contains(QRegularExpression(QStringLiteral("(2 min 00 s|1 min 5\\d s)"))), qPrintable(skew->text()));
}

void tst_AccessTokenPanel::failedFetchShowsTheReason()
{
    Fixture f([](const RawHttpServer::Request &, QTcpSocket *socket) {
        socket->write(RawHttpServer::response(400, R"({"error":"Invalid client credentials"})"));
    });
    f.tokens()->refresh();
    auto *state = f.child<QLabel>("stateLabel");
    QTRY_VERIFY_WITH_TIMEOUT(state->text().contains(QStringLiteral("Failed")), 15000);
    auto *error = f.child<QLabel>("errorLabel");
    QVERIFY(!error->isHidden());
    QVERIFY2(error->text().contains(QStringLiteral("Invalid client credentials")), qPrintable(error->text()));
    QVERIFY(!error->text().contains(QStringLiteral("secret-value-1")));
}

QTEST_MAIN(tst_AccessTokenPanel)
#include "tst_accesstokenpanel.moc"
