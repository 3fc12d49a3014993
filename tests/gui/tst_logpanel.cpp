// The request-log panel over real exchanges (a Transport against a loopback server): the
// filter box and combos narrow the table, the detail pane shows headers and pretty JSON,
// Copy as cURL reads secrets from environment variables, and no secret is on screen.

#include "widgettesthelper.h"
#include "rawhttpserver.h"

#include "core/log/exchangelog.h"
#include "core/net/transport.h"
#include "gui/log/exchangefiltermodel.h"
#include "gui/log/exchangelogmodel.h"
#include "gui/log/logpanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

const QByteArray kSecret = "client-secret-value-123";
const QByteArray kAccessToken = "access-token-value-456";
const QByteArray kAuthToken = "auth-token-value-789";

struct Fixture
{
    Fixture()
        : server([](const RawHttpServer::Request &r, QTcpSocket *socket) {
              if (r.path.endsWith("/access-token"))
                  socket->write(RawHttpServer::response(200, R"({"access_token":")" + kAccessToken + R"(","token_type":"Bearer","expires_in":3600})"));
              else if (r.path.endsWith("/verify"))
                  socket->write(RawHttpServer::response(401, R"({"valid":false,"error":"Token expired","userId":"usr_42"})"));
              else if (r.path.startsWith("/user/usr_missing"))
                  socket->write(RawHttpServer::response(404, R"({"error":"User not found"})"));
              else
                  socket->write(RawHttpServer::response(200, R"({"id":"usr_42","userName":"ann"})"));
          })
    {
        panel.setExchangeLog(transport.exchangeLog());
        panel.resize(900, 400);
        panel.show();
    }

    void send(const QByteArray &method, const QString &path, const QByteArray &body, QList<QPair<SecretKind, QByteArray>> secrets,
              HttpHeaders headers = {})
    {
        HttpRequest r;
        r.method = method;
        r.url = server.url().resolved(QUrl(path));
        r.body = body;
        r.headers = headers;
        r.operation = QStringLiteral("Test %1").arg(path);
        r.secrets = secrets;
        PendingHttp *p = transport.send(std::move(r));
        QSignalSpy done(p, &PendingHttp::finished);
        QVERIFY(done.wait(15000));
    }

    void sendAll()
    {
        send("POST", QStringLiteral("/access-token"), "client_id=demo&client_secret=" + kSecret,
             {{SecretKind::ClientSecret, kSecret}}, {{"Content-Type", "application/x-www-form-urlencoded"}});
        send("POST", QStringLiteral("/authentication-token/verify"), R"({"token":")" + kAuthToken + R"("})",
             {{SecretKind::AuthenticationToken, kAuthToken}, {SecretKind::AccessToken, kAccessToken}},
             {{"Authorization", "Bearer " + kAccessToken}, {"Content-Type", "application/json"}});
        send("GET", QStringLiteral("/user/usr_42"), {}, {{SecretKind::AccessToken, kAccessToken}}, {{"Authorization", "Bearer " + kAccessToken}});
        send("GET", QStringLiteral("/user/usr_missing"), {}, {{SecretKind::AccessToken, kAccessToken}}, {{"Authorization", "Bearer " + kAccessToken}});
        panel.logModel()->flush();
    }

    template <typename T>
    T *child(const char *name)
    {
        return childOf<T>(&panel, name);
    }
    QTableView *table() { return child<QTableView>("tableView"); }
    int shownRows() { return table()->model()->rowCount(); }

    //! Every piece of text the panel shows.
    QString screenText()
    {
        QString all;
        for (const QLabel *l : panel.findChildren<QLabel *>())
            all += l->text() + QLatin1Char('\n');
        for (const QPlainTextEdit *e : panel.findChildren<QPlainTextEdit *>())
            all += e->toPlainText() + QLatin1Char('\n');
        const QAbstractItemModel *m = table()->model();
        for (int r = 0; r < m->rowCount(); ++r)
            for (int c = 0; c < m->columnCount(); ++c)
                all += m->index(r, c).data().toString() + QLatin1Char(' ') + m->index(r, c).data(Qt::ToolTipRole).toString() + QLatin1Char('\n');
        return all;
    }

    RawHttpServer server;
    Transport transport;
    LogPanel panel;
};

void verifyNoSecret(const QString &text)
{
    for (const QByteArray &secret : {kSecret, kAccessToken, kAuthToken})
        QVERIFY2(!text.contains(QString::fromLatin1(secret)), qPrintable(QStringLiteral("%1 found in:\n%2").arg(QString::fromLatin1(secret), text)));
}

} // namespace

class tst_LogPanel : public QObject
{
    Q_OBJECT

private slots:
    void followsNewestAndShowsDetails();
    void filterBoxAndCombosNarrowTheTable();
    void copyAsCurlKeepsSecretsOut();
    void showExchangeClearsFiltersThatHideIt();
    void clearEmptiesTheLog();
    void layoutRoundTrips();
};

void tst_LogPanel::followsNewestAndShowsDetails()
{
    Fixture f;
    f.sendAll();
    QTRY_COMPARE(f.shownRows(), 4);
    QVERIFY(f.panel.followNewest());
    // Following: the newest exchange is selected and its details shown.
    QTRY_COMPARE(f.panel.currentExchangeId(), f.transport.exchangeLog()->at(3).id);
    QVERIFY(f.child<QLabel>("summaryLabel")->text().contains(QStringLiteral("404")));

    // Picking an older exchange stops following.
    f.table()->setFocus();
    const QModelIndex verify = f.table()->model()->index(1, ExchangeLogModel::PathColumn);
    f.table()->selectionModel()->setCurrentIndex(verify, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QVERIFY(!f.panel.followNewest());
    QCOMPARE(f.panel.currentExchangeId(), f.transport.exchangeLog()->at(1).id);
    const QString request = f.child<QPlainTextEdit>("requestEdit")->toPlainText();
    const QString response = f.child<QPlainTextEdit>("responseEdit")->toPlainText();
    QVERIFY2(request.startsWith(QStringLiteral("POST http://127.0.0.1:")), qPrintable(request));
    QVERIFY(request.contains(QStringLiteral("Authorization: Bearer [redacted access_token #")));
    QVERIFY(request.contains(QStringLiteral("\"token\": \"[redacted auth_token #")));
    QVERIFY2(response.startsWith(QStringLiteral("HTTP 401")), qPrintable(response));
    QVERIFY(response.contains(QStringLiteral("    \"error\": \"Token expired\""))); // pretty-printed
    verifyNoSecret(f.screenText());

    // A new exchange does not move the selection away while not following.
    f.send("GET", QStringLiteral("/user/usr_42"), {}, {});
    QTRY_COMPARE(f.shownRows(), 5);
    QCOMPARE(f.panel.currentExchangeId(), f.transport.exchangeLog()->at(1).id);
    f.child<QCheckBox>("followCheck")->setChecked(true);
    QTRY_COMPARE(f.panel.currentExchangeId(), f.transport.exchangeLog()->at(4).id);
}

void tst_LogPanel::filterBoxAndCombosNarrowTheTable()
{
    Fixture f;
    f.sendAll();
    QTRY_COMPARE(f.shownRows(), 4);
    auto *filter = f.child<QLineEdit>("filterEdit");
    QTest::keyClicks(filter, QStringLiteral("usr_"));
    QTRY_COMPARE(f.shownRows(), 3); // two paths, and the verify answer's body
    QTRY_COMPARE(f.child<QLabel>("countLabel")->text(), QStringLiteral("3 of 4"));
    filter->clear();
    QTRY_COMPARE(f.shownRows(), 4);

    auto *status = f.child<QComboBox>("statusCombo");
    status->setCurrentIndex(status->findData(int(ExchangeFilterModel::StatusClass::ClientError)));
    QCOMPARE(f.shownRows(), 2);
    auto *endpoint = f.child<QComboBox>("endpointCombo");
    endpoint->setCurrentIndex(endpoint->findData(int(ExchangeLogModel::Endpoint::Users)));
    QCOMPARE(f.shownRows(), 1);
    QCOMPARE(f.table()->model()->index(0, ExchangeLogModel::StatusColumn).data().toString(), QStringLiteral("404"));
    status->setCurrentIndex(0);
    endpoint->setCurrentIndex(endpoint->findData(int(ExchangeLogModel::Endpoint::AccessToken)));
    QCOMPARE(f.shownRows(), 1);
    endpoint->setCurrentIndex(0);
    QCOMPARE(f.shownRows(), 4);
    QTRY_COMPARE(f.child<QLabel>("countLabel")->text(), QStringLiteral("4 exchanges"));
}

void tst_LogPanel::copyAsCurlKeepsSecretsOut()
{
    Fixture f;
    QSignalSpy messages(&f.panel, &LogPanel::statusMessage);
    f.panel.copyAsCurl(); // nothing selected yet
    QCOMPARE(messages.count(), 1);
    f.sendAll();
    QTRY_COMPARE(f.shownRows(), 4);
    f.panel.showExchange(f.transport.exchangeLog()->at(1).id);
    f.child<QToolButton>("curlButton")->click();
    const QString curl = QGuiApplication::clipboard()->text();
    QVERIFY2(curl.contains(QStringLiteral("curl")), qPrintable(curl));
    QVERIFY(curl.contains(QStringLiteral("/authentication-token/verify")));
    QVERIFY(curl.contains(QStringLiteral("$PLAINKEY_ACCESS_TOKEN")));
    QVERIFY(curl.contains(QStringLiteral("$PLAINKEY_AUTH_TOKEN")));
    verifyNoSecret(curl);
    QVERIFY(messages.last().first().toString().contains(QStringLiteral("PLAINKEY_ACCESS_TOKEN")));

    f.panel.showExchange(f.transport.exchangeLog()->at(0).id);
    f.panel.copyAsCurl();
    const QString tokenCurl = QGuiApplication::clipboard()->text();
    QVERIFY(tokenCurl.contains(QStringLiteral("$PLAINKEY_CLIENT_SECRET")));
    verifyNoSecret(tokenCurl);
}

void tst_LogPanel::showExchangeClearsFiltersThatHideIt()
{
    Fixture f;
    f.sendAll();
    QTRY_COMPARE(f.shownRows(), 4);
    auto *endpoint = f.child<QComboBox>("endpointCombo");
    endpoint->setCurrentIndex(endpoint->findData(int(ExchangeLogModel::Endpoint::Users)));
    QCOMPARE(f.shownRows(), 2);
    const quint64 verifyId = f.transport.exchangeLog()->at(1).id;
    f.panel.showExchange(verifyId);
    QCOMPARE(endpoint->currentIndex(), 0);
    QCOMPARE(f.shownRows(), 4);
    QCOMPARE(f.panel.currentExchangeId(), verifyId);
    QCOMPARE(f.table()->currentIndex().row(), 1);
}

void tst_LogPanel::clearEmptiesTheLog()
{
    Fixture f;
    f.sendAll();
    QTRY_COMPARE(f.shownRows(), 4);
    f.child<QToolButton>("clearButton")->click();
    QCOMPARE(f.transport.exchangeLog()->size(), 0);
    QCOMPARE(f.shownRows(), 0);
    QCOMPARE(f.panel.currentExchangeId(), quint64(0));
    QVERIFY(f.child<QPlainTextEdit>("responseEdit")->toPlainText().isEmpty());
    QTRY_COMPARE(f.child<QLabel>("countLabel")->text(), QStringLiteral("0 exchanges"));
}

void tst_LogPanel::layoutRoundTrips()
{
    Fixture f;
    f.panel.setFollowNewest(false);
    const QByteArray saved = f.panel.saveLayout();
    f.panel.setFollowNewest(true);
    f.panel.restoreLayout(saved);
    QVERIFY(!f.panel.followNewest());
    f.panel.restoreLayout("garbage");
    QVERIFY(!f.panel.followNewest());
}

QTEST_MAIN(tst_LogPanel)
#include "tst_logpanel.moc"
