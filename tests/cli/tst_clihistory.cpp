// plainkey-cli and the request history, through the built binaries against a plainkey-emulator
// process: recording (and --no-history), history with each filter and --json, export as HAR
// 1.2, and no known secret in any file under a throwaway HOME.

#include "cliharness.h"

#include "core/history/historystore.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kSecret = QStringLiteral("Hist0ry-Canary-Secret-7f3a9c");
const QString kAuthToken = QStringLiteral("pk_auth_HistoryCanaryToken_5d21e8");
//! The test's own connection to the history, open from before the session to the end.
const QString kHolder = QStringLiteral("tst_clihistory holder");

} // namespace

class tst_CliHistory : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void recordsEveryRunUnlessNoHistory();
    void filtersBySearchProfileSinceStatusEndpoint();
    void badFiltersAreUsageErrors_data();
    void badFiltersAreUsageErrors();
    void exportsValidHar12();
    void clearAsksFirst();
    void leavesNoSecretInAnyFile();
    void keepsTheRetentionSetInTheConsole();

private:
    Run cli(const QStringList &args);
    QString historyFile() const { return m_home.filePath(QStringLiteral(".local/share/PlainKey/PlainKey Console/history.sqlite")); }
    QJsonArray historyRows(const QStringList &filters);
    CliHarness m_cli;
    QUrl m_base;
    QTemporaryDir m_home;
    QString m_accessToken;
};

void tst_CliHistory::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_base = m_cli.start({QStringLiteral("--client-secret"), kSecret});
    QVERIFY2(m_base.isValid(), qPrintable(m_cli.failure()));

    // An empty history, then held open here until the search for secrets: SQLite folds the
    // WAL into the database and deletes it when the last connection closes, so without this
    // every plainkey-cli run would take its writes out of the -wal file on exit and the search
    // would never read them there. Held as the console holds it while it runs.
    const Run created = cli({QStringLiteral("history"), QStringLiteral("--json")});
    QVERIFY2(created.exitCode == 0, qPrintable(created.all()));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), kHolder);
        db.setDatabaseName(historyFile());
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        // A read maps the WAL index: from here on no other program's close is the last one.
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM exchange")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    // The session whose traces the tests look for: a token, a verification that fails.
    const Run token = cli({QStringLiteral("token"), QStringLiteral("--show-secrets")});
    QCOMPARE(token.exitCode, 0);
    m_accessToken = token.out.trimmed();
    QVERIFY(m_accessToken.size() > 10);
    const Run verify = cli({QStringLiteral("verify"), kAuthToken});
    QVERIFY2(verify.exitCode == 1, qPrintable(verify.all()));
}

void tst_CliHistory::cleanupTestCase()
{
    QSqlDatabase::database(kHolder, false).close();
    QSqlDatabase::removeDatabase(kHolder);
    m_cli.stop();
}

Run tst_CliHistory::cli(const QStringList &args)
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("HOME"), m_home.path());
    e.remove(QStringLiteral("XDG_DATA_HOME"));
    e.remove(QStringLiteral("XDG_CONFIG_HOME"));
    e.remove(QStringLiteral("PLAINKEY_HISTORY_FILE"));
    e.insert(QStringLiteral("PLAINKEY_BASE_URL"), m_base.toString());
    e.insert(QStringLiteral("PLAINKEY_PROJECT_ID"), QStringLiteral("demo-project"));
    e.insert(QStringLiteral("PLAINKEY_CLIENT_SECRET"), kSecret);
    return m_cli.run(args, e);
}

QJsonArray tst_CliHistory::historyRows(const QStringList &filters)
{
    const Run r = cli(QStringList{QStringLiteral("history"), QStringLiteral("--json")} + filters);
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.all()));
    return r.json().value(QLatin1String("exchanges")).toArray();
}

void tst_CliHistory::recordsEveryRunUnlessNoHistory()
{
    const QJsonArray all = historyRows({});
    // token: the access token; verify: the access token and the verification.
    QCOMPARE(all.size(), 3);
    QVERIFY(QFile::exists(historyFile()));
    const QJsonObject last = all.last().toObject();
    QVERIFY2(last.value(QLatin1String("url")).toString().endsWith(QLatin1String("/authentication-token/verify")), qPrintable(last.value(QLatin1String("url")).toString()));
    QCOMPARE(last.value(QLatin1String("profile")).toString(), QStringLiteral("default"));
    QVERIFY(last.value(QLatin1String("status")).toInt() >= 400);
    QVERIFY(QDateTime::fromString(last.value(QLatin1String("startedAt")).toString(), Qt::ISODateWithMs).isValid());

    QCOMPARE(cli({QStringLiteral("--no-history"), QStringLiteral("token")}).exitCode, 0);
    QCOMPARE(historyRows({}).size(), 3);
    QCOMPARE(cli({QStringLiteral("token")}).exitCode, 0);
    QCOMPARE(historyRows({}).size(), 4);

    const Run text = cli({QStringLiteral("history")});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out.count(QLatin1Char('\n')), 4);
    QVERIFY2(text.out.contains(QLatin1String("POST ") + m_base.toString()), qPrintable(text.out));
}

void tst_CliHistory::filtersBySearchProfileSinceStatusEndpoint()
{
    const int total = historyRows({}).size();
    const QJsonArray verify = historyRows({QStringLiteral("--search"), QStringLiteral("verify")});
    QCOMPARE(verify.size(), 1);
    QVERIFY(verify[0].toObject().value(QLatin1String("url")).toString().contains(QLatin1String("verify")));
    QCOMPARE(historyRows({QStringLiteral("--search"), QStringLiteral("no-such-words-here")}).size(), 0);
    QCOMPARE(historyRows({QStringLiteral("--profile"), QStringLiteral("default")}).size(), total);
    QCOMPARE(historyRows({QStringLiteral("--profile"), QStringLiteral("production")}).size(), 0);
    QCOMPARE(historyRows({QStringLiteral("--since"), QStringLiteral("2h")}).size(), total);
    QCOMPARE(historyRows({QStringLiteral("--until"), QStringLiteral("2h")}).size(), 0);
    const QString future = QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate);
    QCOMPARE(historyRows({QStringLiteral("--since"), future}).size(), 0);
    QCOMPARE(historyRows({QStringLiteral("--status"), QStringLiteral("client-error")}).size(), 1);
    QCOMPARE(historyRows({QStringLiteral("--status"), QStringLiteral("success")}).size(), total - 1);
    QCOMPARE(historyRows({QStringLiteral("--endpoint"), QStringLiteral("access-token")}).size(), total - 1);
    QCOMPARE(historyRows({QStringLiteral("--limit"), QStringLiteral("2")}).size(), 2);
}

void tst_CliHistory::badFiltersAreUsageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("since") << QStringList{QStringLiteral("--since"), QStringLiteral("yesterday-ish")};
    QTest::newRow("status") << QStringList{QStringLiteral("--status"), QStringLiteral("teapot")};
    QTest::newRow("endpoint") << QStringList{QStringLiteral("--endpoint"), QStringLiteral("nowhere")};
    QTest::newRow("limit") << QStringList{QStringLiteral("--limit"), QStringLiteral("0")};
    QTest::newRow("argument") << QStringList{QStringLiteral("extra")};
}

void tst_CliHistory::badFiltersAreUsageErrors()
{
    QFETCH(QStringList, args);
    const Run r = cli(QStringList{QStringLiteral("history")} + args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("plainkey-cli: ")), qPrintable(r.err));
}

void tst_CliHistory::exportsValidHar12()
{
    const QString file = m_home.filePath(QStringLiteral("history.har"));
    const Run r = cli({QStringLiteral("history"), QStringLiteral("export"), file, QStringLiteral("--since"), QStringLiteral("1h")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    // HAR 1.2's required fields (http://www.softwareishard.com/blog/har-12-spec/).
    const QJsonObject log = doc.object().value(QLatin1String("log")).toObject();
    QCOMPARE(log.value(QLatin1String("version")).toString(), QStringLiteral("1.2"));
    QVERIFY(log.value(QLatin1String("creator")).toObject().value(QLatin1String("name")).isString());
    QVERIFY(log.value(QLatin1String("creator")).toObject().value(QLatin1String("version")).isString());
    const QJsonArray entries = log.value(QLatin1String("entries")).toArray();
    QCOMPARE(entries.size(), historyRows({}).size());
    for (const QJsonValue &v : entries) {
        const QJsonObject e = v.toObject();
        QVERIFY(QDateTime::fromString(e.value(QLatin1String("startedDateTime")).toString(), Qt::ISODateWithMs).isValid());
        QVERIFY(e.value(QLatin1String("time")).isDouble());
        for (const char *key : {"request", "response", "cache", "timings"})
            QVERIFY2(e.value(QLatin1String(key)).isObject(), key);
        const QJsonObject req = e.value(QLatin1String("request")).toObject();
        for (const char *key : {"method", "url", "httpVersion"})
            QVERIFY2(req.value(QLatin1String(key)).isString(), key);
        for (const char *key : {"cookies", "headers", "queryString"})
            QVERIFY2(req.value(QLatin1String(key)).isArray(), key);
        for (const char *key : {"headersSize", "bodySize"})
            QVERIFY2(req.value(QLatin1String(key)).isDouble(), key);
        const QJsonObject resp = e.value(QLatin1String("response")).toObject();
        QVERIFY(resp.value(QLatin1String("status")).isDouble());
        for (const char *key : {"statusText", "httpVersion", "redirectURL"})
            QVERIFY2(resp.value(QLatin1String(key)).isString(), key);
        for (const char *key : {"cookies", "headers"})
            QVERIFY2(resp.value(QLatin1String(key)).isArray(), key);
        QVERIFY(resp.value(QLatin1String("content")).toObject().value(QLatin1String("size")).isDouble());
        QVERIFY(resp.value(QLatin1String("content")).toObject().value(QLatin1String("mimeType")).isString());
        const QJsonObject timings = e.value(QLatin1String("timings")).toObject();
        for (const char *key : {"send", "wait", "receive"})
            QVERIFY2(timings.value(QLatin1String(key)).isDouble(), key);
    }
}

void tst_CliHistory::clearAsksFirst()
{
    // Runs last but one: the secrets test below still finds the session's traces, if any, in
    // the freed pages and the WAL.
    const int before = historyRows({}).size();
    const Run refused = cli({QStringLiteral("history"), QStringLiteral("clear")});
    QCOMPARE(refused.exitCode, 2);
    QCOMPARE(historyRows({}).size(), before);
}

void tst_CliHistory::leavesNoSecretInAnyFile()
{
    // Every file under HOME: the database, its -wal and -shm (still there: the test holds the
    // database open), the export, settings.
    const QList<QByteArray> secrets = {kSecret.toUtf8(), m_accessToken.toUtf8(), kAuthToken.toUtf8(),
                                       QByteArray::fromStdString(m_accessToken.toStdString()).toPercentEncoding()};
    QStringList seen;
    QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray content = f.readAll();
        seen << QFileInfo(path).fileName();
        for (const QByteArray &secret : secrets)
            QVERIFY2(!content.contains(secret), qPrintable(QStringLiteral("%1 holds a secret").arg(path)));
    }
    QVERIFY2(seen.contains(QStringLiteral("history.sqlite")) && seen.contains(QStringLiteral("history.har")), qPrintable(seen.join(QLatin1Char(' '))));
    // The WAL was searched while it held the session's writes: not a file already folded in
    // and removed, which would let a secret written there pass unseen.
    const QString wal = historyFile() + QStringLiteral("-wal");
    QVERIFY2(seen.contains(QStringLiteral("history.sqlite-wal")) && seen.contains(QStringLiteral("history.sqlite-shm")), qPrintable(seen.join(QLatin1Char(' '))));
    QVERIFY2(QFileInfo(wal).size() > 0, qPrintable(wal));
    QFile walFile(wal);
    QVERIFY(walFile.open(QIODevice::ReadOnly));
    QVERIFY2(walFile.readAll().contains("/authentication-token/verify"), "the WAL does not hold the session's verification");
}

void tst_CliHistory::keepsTheRetentionSetInTheConsole()
{
    using namespace plainkey;
    // An exchange from 40 days ago, and a console told to keep a year (Log > History settings…).
    const QString probe = QStringLiteral("/user/usr_retention_probe");
    {
        auto store = HistoryStore::open(historyFile(), nullptr, nullptr);
        QVERIFY(store);
        HistoryEntry old;
        old.exchange.method = "GET";
        old.exchange.url = m_base.toString() + probe;
        old.exchange.status = 200;
        old.exchange.outcome = Exchange::Outcome::Success;
        old.exchange.startedAt = QDateTime::currentDateTimeUtc().addDays(-40);
        old.profile = QStringLiteral("default");
        QVERIFY(store->append({old}));
    }
    const QString consoleSettings = m_home.filePath(QStringLiteral(".config/PlainKey/PlainKey Console.conf"));
    auto setConsoleDays = [&](int days) {
        QSettings settings(consoleSettings, QSettings::IniFormat);
        settings.setValue(QStringLiteral("history/maxAgeDays"), days);
        settings.sync();
        return settings.status() == QSettings::NoError;
    };
    auto probeKept = [&] {
        const QJsonArray rows = historyRows({QStringLiteral("--limit"), QStringLiteral("100000")});
        for (const QJsonValue &row : rows)
            if (row.toObject().value(QLatin1String("url")).toString().endsWith(probe))
                return true;
        return false;
    };
    QVERIFY(setConsoleDays(365));
    QVERIFY(probeKept());

    // A recording run applies retention as it starts: the console's year, not the default month.
    QCOMPARE(cli({QStringLiteral("token")}).exitCode, 0);
    QVERIFY2(probeKept(), "a plainkey-cli run deleted an exchange the console's retention keeps");

    // And the console's limit is applied, not ignored: at 30 days the probe goes.
    QVERIFY(setConsoleDays(30));
    QCOMPARE(cli({QStringLiteral("token")}).exitCode, 0);
    QVERIFY(!probeKept());
}

QTEST_GUILESS_MAIN(tst_CliHistory)
#include "tst_clihistory.moc"
