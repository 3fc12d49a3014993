// The log panel's scope switch: this session by default, the whole request history on
// demand (searched in the database by text, profile and time), and Clear history.

#include "core/history/historywriter.h"
#include "core/log/exchangelog.h"
#include "gui/log/exchangefiltermodel.h"
#include "gui/log/historyscopebar.h"
#include "gui/log/logpanel.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

const QString base = QStringLiteral("http://127.0.0.1:9/server");

void addExchange(ExchangeLog &log, const QString &path, int status, const QByteArray &body = {})
{
    Exchange e;
    e.method = "GET";
    e.url = base + path;
    e.operation = QStringLiteral("Test");
    e.startedAt = QDateTime::currentDateTimeUtc();
    const quint64 id = log.append(e);
    log.update(id, [&](Exchange &x) {
        x.status = status;
        x.outcome = Exchange::outcomeForStatus(status);
        x.responseBody = body;
    });
}

HistoryEntry older(const QString &path, const QString &profile, int daysAgo)
{
    HistoryEntry h;
    h.exchange.method = "GET";
    h.exchange.url = base + path;
    h.exchange.status = 200;
    h.exchange.outcome = Exchange::Outcome::Success;
    h.exchange.startedAt = QDateTime::currentDateTimeUtc().addDays(-daysAgo);
    h.profile = profile;
    return h;
}

} // namespace

class tst_LogHistoryScope : public QObject
{
    Q_OBJECT
private slots:
    void showsSessionByDefaultAndHistoryOnDemand();
};

void tst_LogHistoryScope::showsSessionByDefaultAndHistoryOnDemand()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    {
        // Earlier sessions, under other profiles.
        auto store = HistoryStore::open(path, nullptr, nullptr);
        QVERIFY(store);
        QVERIFY(store->append({older(QStringLiteral("/user/usr_old1"), QStringLiteral("staging"), 3),
                               older(QStringLiteral("/user/usr_old2"), QStringLiteral("production"), 1)}));
    }
    ExchangeLog session;
    HistoryWriter writer(path);
    writer.attach(&session);
    writer.setProfileName(QStringLiteral("demo"));
    LogPanel panel;
    panel.setExchangeLog(&session);
    panel.setHistoryWriter(&writer);
    panel.resize(900, 500);
    panel.show();
    addExchange(session, QStringLiteral("/access-token"), 200);
    addExchange(session, QStringLiteral("/authentication-token/verify"), 401, R"({"valid":false,"error":"Token expired"})");
    panel.logModel()->flush();

    HistoryScopeBar *bar = panel.historyScopeBar();
    // The scope sits in the log's toolbar; the row of history filters only shows with the history.
    QVERIFY(bar->scopeCombo()->isVisible());
    QCOMPARE(bar->scopeCombo()->parentWidget(), &panel);
    QVERIFY(!bar->isVisible());
    QVERIFY(!panel.showingHistory());
    QCOMPARE(panel.filterModel()->rowCount(), 2); // this session only

    QVERIFY(writer.flush());
    bar->scopeCombo()->setCurrentIndex(1); // as a person picks "All history"
    QVERIFY(panel.showingHistory());
    QVERIFY(bar->isVisible());
    QVERIFY(bar->profileEdit()->isVisible());
    QCOMPARE(panel.filterModel()->rowCount(), 4); // two earlier sessions' exchanges too

    bar->profileEdit()->setText(QStringLiteral("production"));
    QTest::keyClick(bar->profileEdit(), Qt::Key_Return);
    QCOMPARE(panel.filterModel()->rowCount(), 1);
    QVERIFY(panel.filterModel()->exchangeAt(0)->url.endsWith(QLatin1String("usr_old2")));
    bar->profileEdit()->clear();
    QTest::keyClick(bar->profileEdit(), Qt::Key_Return);

    bar->sinceCombo()->setCurrentIndex(2); // last 24 hours
    QCOMPARE(panel.filterModel()->rowCount(), 2);
    bar->sinceCombo()->setCurrentIndex(0);

    auto *filterEdit = panel.findChild<QLineEdit *>(QStringLiteral("filterEdit"));
    QVERIFY(filterEdit);
    filterEdit->setText(QStringLiteral("expired")); // full-text, in the response body
    QTest::keyClick(filterEdit, Qt::Key_Return);
    QCOMPARE(panel.filterModel()->rowCount(), 1);
    filterEdit->clear();
    QTest::keyClick(filterEdit, Qt::Key_Return);
    QCOMPARE(panel.filterModel()->rowCount(), 4);

    // Back to the session: its own exchanges, and what arrived meanwhile.
    addExchange(session, QStringLiteral("/user/usr_new"), 200);
    bar->scopeCombo()->setCurrentIndex(0);
    QVERIFY(!panel.showingHistory());
    QVERIFY(!bar->isVisible());
    panel.logModel()->flush();
    QCOMPARE(panel.filterModel()->rowCount(), 3);

    // Clear history asks first; the session's log stays.
    bar->scopeCombo()->setCurrentIndex(1);
    QTimer::singleShot(0, this, [] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (box)
            box->button(QMessageBox::Cancel)->click();
    });
    bar->clearButton()->click();
    QVERIFY(writer.flush());
    QCOMPARE(panel.filterModel()->rowCount(), 5);
    QTimer::singleShot(0, this, [] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (box)
            box->button(QMessageBox::Yes)->click();
    });
    bar->clearButton()->click();
    QCOMPARE(panel.filterModel()->rowCount(), 0);
    bar->scopeCombo()->setCurrentIndex(0);
    QCOMPARE(panel.filterModel()->rowCount(), 3);
}

QTEST_MAIN(tst_LogHistoryScope)
#include "tst_loghistoryscope.moc"
