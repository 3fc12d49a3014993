// The request log's table model and its filter: consistent with the exchange log through
// appends, updates, trims and clears (QAbstractItemModelTester), and filtering by text,
// status class and endpoint.

#include "core/log/exchangelog.h"
#include "gui/log/exchangefiltermodel.h"
#include "gui/log/exchangelogmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

quint64 addExchange(ExchangeLog &log, const QByteArray &method, const QString &url, int status,
                    const QByteArray &responseBody = {}, Exchange::Outcome outcome = Exchange::Outcome::Pending)
{
    Exchange e;
    e.method = method;
    e.url = url;
    e.operation = QStringLiteral("Testing %1").arg(url);
    e.startedAt = QDateTime::currentDateTimeUtc();
    const quint64 id = log.append(std::move(e));
    if (status >= 0) {
        log.update(id, [&](Exchange &x) {
            x.status = status;
            x.durationMs = 12;
            x.responseBody = responseBody;
            x.responseBytes = responseBody.size();
            x.outcome = outcome != Exchange::Outcome::Pending ? outcome : Exchange::outcomeForStatus(status);
            if (x.outcome == Exchange::Outcome::Failed)
                x.errorText = QStringLiteral("the connection was refused");
        });
    }
    return id;
}

const QString base = QStringLiteral("http://127.0.0.1:4000");

} // namespace

class tst_LogModel : public QObject
{
    Q_OBJECT

private slots:
    void followsAppendsUpdatesTrimsAndClears();
    void batchesAppendsAndTrims();
    void showsColumnsAndRoles();
    void classifiesEndpoints_data();
    void classifiesEndpoints();
    void filtersByTextStatusAndEndpoint();
    void sortsByColumn();
    void filterFollowsUpdates();
};

void tst_LogModel::followsAppendsUpdatesTrimsAndClears()
{
    ExchangeLog log;
    log.setCapacity(5);
    ExchangeLogModel model(&log);
    ExchangeFilterModel filter;
    filter.setSourceModel(&model);
    filter.sort(ExchangeLogModel::StatusColumn, Qt::DescendingOrder);
    filter.setStatusClass(ExchangeFilterModel::StatusClass::Success);
    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    for (int i = 0; i < 4; ++i) {
        addExchange(log, "POST", base + QStringLiteral("/authentication-token/verify"), i % 2 ? 200 : 401);
        model.flush();
    }
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(inserted.count(), 4);
    QCOMPARE(filter.rowCount(), 2);
    // Updates of rows already shown are passed on at once.
    const quint64 last = model.exchangeAt(3)->id;
    log.update(last, [](Exchange &e) { e.durationMs = 99; });
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(3, ExchangeLogModel::DurationColumn).data().toString(), QStringLiteral("99 ms"));

    // Past capacity the oldest rows leave first.
    const quint64 fifth = addExchange(log, "GET", base + QStringLiteral("/user/u1"), 200);
    addExchange(log, "GET", base + QStringLiteral("/user/u2"), 200);
    addExchange(log, "GET", base + QStringLiteral("/user/u3"), -1); // still pending
    model.flush();
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(removed.count(), 1); // the two dropped rows leave in one move
    QVERIFY(model.exchangeAt(0));
    QCOMPARE(model.exchangeAt(0)->id, fifth - 2);
    QCOMPARE(model.rowOf(fifth - 4), -1);
    QCOMPARE(model.rowOf(fifth), 2);
    QCOMPARE(model.pathAt(4), QStringLiteral("/user/u3"));

    log.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(filter.rowCount(), 0);
    QVERIFY(!model.exchangeAt(0));
    addExchange(log, "POST", base + QStringLiteral("/access-token"), 200);
    model.flush();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(filter.rowCount(), 1);

    // A log that ran far ahead (more dropped than shown) still lines up.
    for (int i = 0; i < 12; ++i)
        addExchange(log, "GET", base + QStringLiteral("/user/%1").arg(i), 200);
    model.flush();
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.pathAt(4), QStringLiteral("/user/11"));
    QCOMPARE(model.pathAt(0), QStringLiteral("/user/7"));
}

void tst_LogModel::batchesAppendsAndTrims()
{
    ExchangeLog log;
    log.setCapacity(100);
    ExchangeLogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    for (int i = 0; i < 150; ++i)
        addExchange(log, "GET", base + QStringLiteral("/user/%1").arg(i), 200);
    // Until the batch is due the view keeps what it had, and rows whose exchanges left read as empty.
    QCOMPARE(model.rowCount(), 0);
    QTRY_COMPARE(model.rowCount(), 100);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.pathAt(0), QStringLiteral("/user/50"));
    for (int i = 150; i < 180; ++i)
        addExchange(log, "GET", base + QStringLiteral("/user/%1").arg(i), 200);
    QVERIFY(!model.exchangeAt(0)); // gone from the log, not yet from the view
    QVERIFY(!model.index(0, ExchangeLogModel::PathColumn).data().isValid());
    QTRY_COMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.pathAt(99), QStringLiteral("/user/179"));
}

void tst_LogModel::showsColumnsAndRoles()
{
    ExchangeLog log;
    ExchangeLogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const quint64 ok = addExchange(log, "POST", base + QStringLiteral("/access-token"), 200, QByteArray(2048, 'x'));
    addExchange(log, "POST", base + QStringLiteral("/authentication-token/verify"), 401);
    addExchange(log, "GET", base + QStringLiteral("/user?userName=ann"), -1);
    addExchange(log, "GET", base + QStringLiteral("/user/x"), 0, {}, Exchange::Outcome::Failed);
    model.flush();

    auto cell = [&](int row, int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
    QCOMPARE(model.columnCount(), int(ExchangeLogModel::ColumnCount));
    QCOMPARE(cell(0, ExchangeLogModel::MethodColumn).toString(), QStringLiteral("POST"));
    QCOMPARE(cell(0, ExchangeLogModel::PathColumn).toString(), QStringLiteral("/access-token"));
    QCOMPARE(cell(0, ExchangeLogModel::StatusColumn).toString(), QStringLiteral("200"));
    QCOMPARE(cell(0, ExchangeLogModel::DurationColumn).toString(), QStringLiteral("12 ms"));
    QCOMPARE(cell(0, ExchangeLogModel::SizeColumn).toString(), QStringLiteral("2.0 KB"));
    QCOMPARE(cell(0, ExchangeLogModel::OutcomeColumn).toString(), QStringLiteral("success"));
    QCOMPARE(cell(0, ExchangeLogModel::TimeColumn).toString().size(), 8); // HH:mm:ss
    QVERIFY(cell(0, 0, Qt::ToolTipRole).toString().contains(QStringLiteral("Testing")));
    QCOMPARE(cell(0, 0, ExchangeLogModel::ExchangeIdRole).value<quint64>(), ok);
    QCOMPARE(cell(0, 0, ExchangeLogModel::EndpointRole).toInt(), int(ExchangeLogModel::Endpoint::AccessToken));
    QVERIFY(!cell(0, 0, Qt::BackgroundRole).isValid()); // success rows keep the base colour
    QVERIFY(cell(0, ExchangeLogModel::StatusColumn, Qt::ForegroundRole).value<QColor>().isValid());

    QCOMPARE(cell(1, ExchangeLogModel::OutcomeColumn).toString(), QStringLiteral("client error"));
    QVERIFY(cell(1, 0, Qt::BackgroundRole).value<QColor>().isValid()); // 4xx rows are tinted
    QCOMPARE(cell(2, ExchangeLogModel::StatusColumn).toString(), QStringLiteral("\u2026"));
    QCOMPARE(cell(2, ExchangeLogModel::PathColumn).toString(), QStringLiteral("/user?userName=ann"));
    QCOMPARE(cell(3, ExchangeLogModel::StatusColumn).toString(), QStringLiteral("\u2014"));
    QVERIFY(cell(3, 0, Qt::ToolTipRole).toString().contains(QStringLiteral("refused")));
    QCOMPARE(model.headerData(ExchangeLogModel::StatusColumn, Qt::Horizontal).toString(), QStringLiteral("Status"));
}

void tst_LogModel::classifiesEndpoints_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<ExchangeLogModel::Endpoint>("endpoint");
    using E = ExchangeLogModel::Endpoint;
    QTest::newRow("token") << "/server/access-token" << E::AccessToken;
    QTest::newRow("verify") << "/authentication-token/verify" << E::Verify;
    QTest::newRow("user") << "/user/abc" << E::Users;
    QTest::newRow("user by name") << "/user?userName=credential" << E::Users;
    QTest::newRow("bulk") << "/server/user/bulk" << E::Users;
    QTest::newRow("passkeys of a user") << "/user/abc/credentials" << E::Passkeys;
    QTest::newRow("passkey") << "/credential/xyz/label" << E::Passkeys;
    QTest::newRow("emulator") << "/emulator/sign-in" << E::Emulator;
    QTest::newRow("openapi") << "/server/openapi" << E::Other;
}

void tst_LogModel::classifiesEndpoints()
{
    QFETCH(QString, path);
    QFETCH(ExchangeLogModel::Endpoint, endpoint);
    QCOMPARE(ExchangeLogModel::endpointOf(path), endpoint);
}

void tst_LogModel::filtersByTextStatusAndEndpoint()
{
    ExchangeLog log;
    ExchangeLogModel model(&log);
    ExchangeFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    addExchange(log, "POST", base + QStringLiteral("/access-token"), 200);
    addExchange(log, "POST", base + QStringLiteral("/authentication-token/verify"), 200, R"({"valid":true,"userId":"usr_Ann"})");
    addExchange(log, "POST", base + QStringLiteral("/authentication-token/verify"), 401, R"({"valid":false,"error":"Token expired"})");
    addExchange(log, "GET", base + QStringLiteral("/user/usr_Bob"), 404);
    addExchange(log, "GET", base + QStringLiteral("/user/usr_Bob"), 503);
    addExchange(log, "GET", base + QStringLiteral("/user/x"), 0, {}, Exchange::Outcome::Failed);
    addExchange(log, "GET", base + QStringLiteral("/user/y"), 0, {}, Exchange::Outcome::Cancelled);
    addExchange(log, "GET", base + QStringLiteral("/user/z"), -1);
    model.flush();
    QCOMPARE(filter.rowCount(), 8);
    QVERIFY(!filter.isFiltering());

    using S = ExchangeFilterModel::StatusClass;
    const std::pair<S, int> byStatus[] = {{S::Success, 2}, {S::ClientError, 2}, {S::ServerError, 1}, {S::Problems, 4},
                                          {S::Failed, 2},  {S::Pending, 1},     {S::Any, 8}};
    for (const auto &[status, expected] : byStatus) {
        filter.setStatusClass(status);
        QCOMPARE(filter.rowCount(), expected);
    }

    filter.setEndpoint(ExchangeLogModel::Endpoint::Verify);
    QCOMPARE(filter.rowCount(), 2);
    QVERIFY(filter.isFiltering());
    filter.setText(QStringLiteral("EXPIRED")); // found in the body, whatever the case
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.exchangeAt(0)->status, 401);
    filter.setEndpoint(ExchangeLogModel::Endpoint::Any);
    filter.setText(QStringLiteral("usr_bob")); // in the path
    QCOMPARE(filter.rowCount(), 2);
    filter.setText(QStringLiteral("usr_ann")); // in a response body
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(QStringLiteral("50")); // a status prefix
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(QStringLiteral("refused")); // the error text
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(QStringLiteral("  "));
    QCOMPARE(filter.rowCount(), 8);
    QCOMPARE(filter.rowOf(filter.exchangeAt(3)->id), 3);
}

void tst_LogModel::sortsByColumn()
{
    ExchangeLog log;
    ExchangeLogModel model(&log);
    ExchangeFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int status : {404, 200, 503, 200, 401})
        addExchange(log, "GET", base + QStringLiteral("/user/%1").arg(status), status);
    model.flush();
    filter.sort(ExchangeLogModel::StatusColumn, Qt::AscendingOrder);
    QList<int> statuses;
    for (int i = 0; i < filter.rowCount(); ++i)
        statuses << filter.exchangeAt(i)->status;
    QCOMPARE(statuses, (QList<int>{200, 200, 401, 404, 503}));
    // Equal statuses keep their order of arrival.
    QVERIFY(filter.exchangeAt(0)->id < filter.exchangeAt(1)->id);
    filter.sort(ExchangeLogModel::TimeColumn, Qt::DescendingOrder);
    QCOMPARE(filter.exchangeAt(0)->status, 401);
    // New rows land in their sorted place.
    addExchange(log, "GET", base + QStringLiteral("/user/new"), 204);
    model.flush();
    QCOMPARE(filter.exchangeAt(0)->status, 204);
}

void tst_LogModel::filterFollowsUpdates()
{
    ExchangeLog log;
    ExchangeLogModel model(&log);
    ExchangeFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setStatusClass(ExchangeFilterModel::StatusClass::Problems);
    const quint64 id = addExchange(log, "POST", base + QStringLiteral("/authentication-token/verify"), -1);
    model.flush();
    QCOMPARE(filter.rowCount(), 0);
    // A pending exchange that ends in 401 joins the "problems" view when it completes.
    log.update(id, [](Exchange &e) {
        e.status = 401;
        e.outcome = Exchange::Outcome::ClientError;
    });
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.rowOf(id), 0);
}

QTEST_MAIN(tst_LogModel)
#include "tst_logmodel.moc"
