// plainkey-cli diagnose as a support engineer or a ticket script runs it: the built binary against a
// plainkey-emulator process on a free loopback port, for each scenario of issue 10 (healthy user and
// token, expired token, forged token, token of a deleted user, user with no passkey, unknown user,
// wrong client secret, a clock that is off, PlainKey down). Checks the exit codes, one line per
// finding then the summary, the --json shape, that exchange IDs name the exchanges --verbose shows,
// and that no token or secret is printed.

#include "cliharness.h"
#include "httptesthelper.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

namespace {

const QStringList kOrder = {QStringLiteral("credentials"), QStringLiteral("reachability"), QStringLiteral("clock"),
                            QStringLiteral("token-shape"), QStringLiteral("token-times"), QStringLiteral("verify"),
                            QStringLiteral("user"), QStringLiteral("passkeys"), QStringLiteral("token-passkey"),
                            QStringLiteral("summary")};

using Answer = TestHttpAnswer;

QStringList lines(const QString &text)
{
    QStringList l = text.split(QLatin1Char('\n'));
    if (!l.isEmpty() && l.last().isEmpty())
        l.removeLast();
    return l;
}

//! The findings of a --json run, by id.
QHash<QString, QJsonObject> byId(const QJsonArray &list)
{
    QHash<QString, QJsonObject> out;
    for (const QJsonValue &v : list)
        out.insert(v.toObject().value(QLatin1String("id")).toString(), v.toObject());
    return out;
}

} // namespace

class tst_CliDiagnose : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void healthyUserAndTokenExitsZero();
    void jsonIsTheListOfFindings();
    void exchangeIdsNameTheExchangesVerboseShows();
    void tokenFromStandardInput();
    void expiredTokenExitsOne();
    void forgedTokenExitsOne();
    void tokenOfADeletedUserExitsOne();
    void userWithNoPasskeyExitsOne();
    void unknownUserExitsOne_data();
    void unknownUserExitsOne();
    void wrongClientSecretExitsThree();
    void serverClockOffIsAWarningNotAFailure();
    void plainKeyDownExitsFour();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void oversizedStandardInputIsRefusedWhole();
    void helpListsDiagnose();
    void bundleHoldsFindingsWithoutSecretsOrPersonalData();
    void bundleThatCannotBeWrittenExitsFour();

private:
    Run cli(const QStringList &args, const QByteArray &stdinData = {});
    Answer http(const QByteArray &method, const QString &path, const QJsonObject &body, bool server);
    QString signUp(const QString &userName);
    QString signIn(const QString &userId);
    void setSkew(qint64 seconds);

    CliHarness m_cli;
    QUrl m_base;
    QString m_baseOverride;
    QString m_clientSecret = QStringLiteral("demo-secret");
    QByteArray m_accessToken;
    QStringList m_secrets; //!< every token this test handed out, searched for in every output
    QStringList m_leaks;
    int m_unique = 0;
};

void tst_CliDiagnose::initTestCase()
{
    m_base = m_cli.start();
    QVERIFY2(m_base.isValid(), qPrintable(m_cli.failure()));
}

void tst_CliDiagnose::cleanupTestCase()
{
    m_cli.stop();
}

void tst_CliDiagnose::init()
{
    m_clientSecret = QStringLiteral("demo-secret");
    m_baseOverride.clear();
    setSkew(0);
    // A fresh access token of the test's own, for the Server API calls that set scenes up.
    const Answer token = testHttpRaw("POST", m_base.resolved(QUrl(QStringLiteral("/access-token"))),
                                     QByteArrayLiteral("client_id=demo-project&client_secret=demo-secret"),
                                     QByteArrayLiteral("application/x-www-form-urlencoded"));
    m_accessToken = token.json.value(QLatin1String("access_token")).toString().toUtf8();
    QVERIFY(!m_accessToken.isEmpty());
}

void tst_CliDiagnose::cleanup()
{
    setSkew(0);
    const QStringList leaks = std::exchange(m_leaks, {});
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QLatin1Char('\n'))));
}

Answer tst_CliDiagnose::http(const QByteArray &method, const QString &path, const QJsonObject &body, bool server)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (server)
        headers = {{"Authorization", "Bearer " + m_accessToken}, {"x-project-id", "demo-project"}};
    return testHttpRaw(method, m_base.resolved(QUrl(path)), QJsonDocument(body).toJson(QJsonDocument::Compact),
                       QByteArrayLiteral("application/json"), headers);
}

QString tst_CliDiagnose::signUp(const QString &userName)
{
    const QString name = QStringLiteral("%1-%2@example.com").arg(userName).arg(++m_unique);
    const Answer a = http("POST", QStringLiteral("/emulator/sign-up"), {{QStringLiteral("userName"), name}}, false);
    m_secrets.append(a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString());
    return a.json.value(QLatin1String("userId")).toString();
}

QString tst_CliDiagnose::signIn(const QString &userId)
{
    const Answer a = http("POST", QStringLiteral("/emulator/sign-in"), {{QStringLiteral("userId"), userId}}, false);
    const QString token = a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    m_secrets.append(token);
    return token;
}

void tst_CliDiagnose::setSkew(qint64 seconds)
{
    QCOMPARE(http("PUT", QStringLiteral("/emulator/faults"), {{QStringLiteral("clockSkewSeconds"), double(seconds)}}, false).status, 200);
}

Run tst_CliDiagnose::cli(const QStringList &args, const QByteArray &stdinData)
{
    const QString base = m_baseOverride.isEmpty() ? m_base.toString() : m_baseOverride;
    Run r = m_cli.run(args, cliEnvironment(base, QStringLiteral("demo-project"), m_clientSecret), stdinData, 90000);
    // No token, secret or access token in anything printed, --verbose included.
    QStringList secrets = m_secrets;
    secrets << m_clientSecret << QStringLiteral("demo-secret") << QString::fromLatin1(m_accessToken);
    for (const QString &s : std::as_const(secrets)) {
        if (s.size() < 6)
            continue;
        if (r.all().contains(s))
            m_leaks.append(QStringLiteral("%1 printed a secret (…%2)").arg(args.join(QLatin1Char(' ')).left(80), s.right(4)));
        const QStringList parts = s.split(QLatin1Char('.'));
        if (parts.size() == 3 && parts[2].size() >= 8 && r.all().contains(parts[2]))
            m_leaks.append(QStringLiteral("%1 printed a token's signature").arg(args.join(QLatin1Char(' ')).left(80)));
    }
    if (r.all().contains(QLatin1String("pk_at_")))
        m_leaks.append(QStringLiteral("%1 printed an access token").arg(args.join(QLatin1Char(' ')).left(80)));
    return r;
}

void tst_CliDiagnose::healthyUserAndTokenExitsZero()
{
    const QString id = signUp(QStringLiteral("ada"));
    const QString token = signIn(id);
    const Run r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--token"), token});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    const QStringList out = lines(r.out);
    // One line per finding (verdict, id, title), a blank line, then the summary.
    QCOMPARE(out.size(), kOrder.size() - 1 + 2);
    for (int i = 0; i < kOrder.size() - 1; ++i) {
        const QRegularExpression line(QStringLiteral("^PASS +%1 +\\S.*$").arg(QRegularExpression::escape(kOrder[i])));
        QVERIFY2(line.match(out[i]).hasMatch(), qPrintable(out[i]));
    }
    QVERIFY(out[kOrder.size() - 1].isEmpty());
    QVERIFY2(out.last().startsWith(QLatin1String("Nothing wrong found")), qPrintable(out.last()));
    QVERIFY(out.last().contains(id));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
}

void tst_CliDiagnose::jsonIsTheListOfFindings()
{
    const QString id = signUp(QStringLiteral("json"));
    const QString token = signIn(id);
    const Run r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--token"), token, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8());
    QVERIFY2(doc.isArray(), qPrintable(r.out));
    const QJsonArray list = doc.array();
    QCOMPARE(list.size(), kOrder.size());
    const QSet<QString> keys = {QStringLiteral("id"), QStringLiteral("verdict"), QStringLiteral("title"), QStringLiteral("detail"),
                                QStringLiteral("action"), QStringLiteral("exchangeIds")};
    const QSet<QString> verdicts = {QStringLiteral("pass"), QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("fail"),
                                    QStringLiteral("skipped"), QStringLiteral("could-not-check")};
    for (int i = 0; i < list.size(); ++i) {
        const QJsonObject f = list[i].toObject();
        const QStringList k = f.keys();
        QCOMPARE(QSet<QString>(k.begin(), k.end()), keys);
        QCOMPARE(f.value(QLatin1String("id")).toString(), kOrder[i]);
        QVERIFY(verdicts.contains(f.value(QLatin1String("verdict")).toString()));
        QVERIFY(f.value(QLatin1String("title")).isString() && !f.value(QLatin1String("title")).toString().isEmpty());
        QVERIFY(f.value(QLatin1String("detail")).isString());
        QVERIFY(f.value(QLatin1String("action")).isString());
        QVERIFY(f.value(QLatin1String("exchangeIds")).isArray());
        for (const QJsonValue &x : f.value(QLatin1String("exchangeIds")).toArray())
            QVERIFY(x.isDouble() && x.toDouble() >= 1);
    }
    QCOMPARE(list.last().toObject().value(QLatin1String("verdict")).toString(), QStringLiteral("pass"));
    QVERIFY(r.err.isEmpty());
}

void tst_CliDiagnose::exchangeIdsNameTheExchangesVerboseShows()
{
    const QString id = signUp(QStringLiteral("verbose"));
    const QString token = signIn(id);
    const Run r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--token"), token, QStringLiteral("--json"), QStringLiteral("--verbose")});
    QCOMPARE(r.exitCode, 0);
    // --verbose prints each exchange once it is complete, in the order of their IDs (1, 2, ...).
    QStringList requests;
    static const QRegularExpression requestLine(QStringLiteral("^> (GET|POST|PUT|PATCH|DELETE) (\\S+)$"));
    for (const QString &l : lines(r.err))
        if (const auto m = requestLine.match(l); m.hasMatch())
            requests.append(m.captured(1) + QLatin1Char(' ') + QUrl(m.captured(2)).path());
    QVERIFY2(requests.size() >= 5, qPrintable(r.err));
    const auto findings = byId(QJsonDocument::fromJson(r.out.toUtf8()).array());
    auto request = [&](const char *finding) {
        const QJsonArray ids = findings.value(QString::fromLatin1(finding)).value(QLatin1String("exchangeIds")).toArray();
        const int n = ids.isEmpty() ? 0 : ids.last().toInt();
        return n >= 1 && n <= requests.size() ? requests[n - 1] : QStringLiteral("(no exchange %1)").arg(n);
    };
    QCOMPARE(request("credentials"), QStringLiteral("POST /access-token"));
    QCOMPARE(request("reachability"), QStringLiteral("POST /access-token"));
    QCOMPARE(request("verify"), QStringLiteral("POST /authentication-token/verify"));
    QCOMPARE(request("user"), QStringLiteral("GET /user/") + id);
    QCOMPARE(request("passkeys"), QStringLiteral("GET /user/%1/credentials").arg(id));
    QVERIFY2(request("token-passkey").startsWith(QLatin1String("GET /credential/")), qPrintable(request("token-passkey")));
    QCOMPARE(findings.value(QStringLiteral("summary")).value(QLatin1String("verdict")).toString(), QStringLiteral("pass"));
}

void tst_CliDiagnose::tokenFromStandardInput()
{
    const QString id = signUp(QStringLiteral("stdin"));
    const QString token = signIn(id);
    // As pasted: a Bearer prefix and a line break, cleaned up as the console does.
    const Run r = cli({QStringLiteral("diagnose"), QStringLiteral("--token"), QStringLiteral("-")}, "Bearer " + token.toUtf8() + "\n");
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.out.contains(QStringLiteral("(the user the token names)")), qPrintable(r.out));
}

void tst_CliDiagnose::expiredTokenExitsOne()
{
    setSkew(-600); // signed in ten minutes ago: a five-minute token expired five minutes ago
    const QString id = signUp(QStringLiteral("expired"));
    const QString token = signIn(id);
    setSkew(0);
    const Run r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--token"), token});
    QVERIFY2(r.exitCode == 1, qPrintable(r.all()));
    QVERIFY2(QRegularExpression(QStringLiteral("^FAIL +verify +PlainKey did not accept the token: “Token expired”$"),
                                QRegularExpression::MultilineOption).match(r.out).hasMatch(), qPrintable(r.out));
    QVERIFY2(QRegularExpression(QStringLiteral("^The token expired [4-6] minutes before it was verified: the customer's frontend held it too long\\.$"),
                                QRegularExpression::MultilineOption).match(r.out).hasMatch(), qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("\nNext: ")));
}

void tst_CliDiagnose::forgedTokenExitsOne()
{
    const QString id = signUp(QStringLiteral("forged"));
    QStringList parts = signIn(id).split(QLatin1Char('.'));
    QCOMPARE(parts.size(), 3);
    QString sig = parts[2];
    sig[4] = sig[4] == QLatin1Char('x') ? QLatin1Char('y') : QLatin1Char('x');
    parts[2] = sig;
    const QString forged = parts.join(QLatin1Char('.'));
    m_secrets.append(forged);
    const Run r = cli({QStringLiteral("diagnose"), QStringLiteral("--token"), forged, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 1);
    const auto f = byId(QJsonDocument::fromJson(r.out.toUtf8()).array());
    QCOMPARE(f.value(QStringLiteral("verify")).value(QLatin1String("verdict")).toString(), QStringLiteral("fail"));
    QVERIFY(f.value(QStringLiteral("summary")).value(QLatin1String("title")).toString().startsWith(QLatin1String("PlainKey does not recognise the token")));
}

void tst_CliDiagnose::tokenOfADeletedUserExitsOne()
{
    const QString id = signUp(QStringLiteral("deleted"));
    const QString token = signIn(id);
    QCOMPARE(http("DELETE", QStringLiteral("/user"), {{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userId"), id}}}}, true).status, 200);
    const Run r = cli({QStringLiteral("diagnose"), QStringLiteral("--token"), token, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 1);
    const auto f = byId(QJsonDocument::fromJson(r.out.toUtf8()).array());
    for (const char *failed : {"verify", "user", "token-passkey"})
        QCOMPARE(f.value(QString::fromLatin1(failed)).value(QLatin1String("verdict")).toString(), QStringLiteral("fail"));
    const QString summary = f.value(QStringLiteral("summary")).value(QLatin1String("title")).toString();
    QVERIFY2(summary.contains(id) && summary.contains(QLatin1String("deleted")), qPrintable(summary));
}

void tst_CliDiagnose::userWithNoPasskeyExitsOne()
{
    const QString name = QStringLiteral("nopasskey-%1@example.com").arg(++m_unique);
    QCOMPARE(http("POST", QStringLiteral("/user"), {{QStringLiteral("userName"), name}}, true).status, 200);
    const Run r = cli({QStringLiteral("diagnose"), name, QStringLiteral("--by-name")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(QRegularExpression(QStringLiteral("^FAIL +passkeys +.*has no passkey"), QRegularExpression::MultilineOption).match(r.out).hasMatch(),
             qPrintable(r.out));
    QVERIFY2(lines(r.out).at(lines(r.out).size() - 2).contains(QLatin1String("has no passkey")), qPrintable(r.out));
}

void tst_CliDiagnose::unknownUserExitsOne_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("by name") << QStringList{QStringLiteral("nobody@example.com"), QStringLiteral("--by-name")};
    QTest::newRow("by ID") << QStringList{QStringLiteral("usr_nobody")};
}

void tst_CliDiagnose::unknownUserExitsOne()
{
    QFETCH(QStringList, args);
    const Run r = cli(QStringList{QStringLiteral("diagnose")} + args);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(QRegularExpression(QStringLiteral("^FAIL +user +There is no user"), QRegularExpression::MultilineOption).match(r.out).hasMatch(),
             qPrintable(r.out));
    QVERIFY2(QRegularExpression(QStringLiteral("^SKIPPED +passkeys "), QRegularExpression::MultilineOption).match(r.out).hasMatch(), qPrintable(r.out));
}

void tst_CliDiagnose::wrongClientSecretExitsThree()
{
    const QString id = signUp(QStringLiteral("secret"));
    m_clientSecret = QStringLiteral("wrong-secret-1234");
    const Run r = cli({QStringLiteral("diagnose"), id});
    QVERIFY2(r.exitCode == 3, qPrintable(r.all()));
    QVERIFY2(QRegularExpression(QStringLiteral("^COULD NOT CHECK +credentials +PlainKey refused"), QRegularExpression::MultilineOption)
                     .match(r.out).hasMatch(),
             qPrintable(r.out));
    QVERIFY(lines(r.out).at(lines(r.out).size() - 2).startsWith(QLatin1String("Nothing could be checked because PlainKey refused")));
    const Run json = cli({QStringLiteral("diagnose"), id, QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 3);
    QCOMPARE(byId(QJsonDocument::fromJson(json.out.toUtf8()).array()).value(QStringLiteral("summary")).value(QLatin1String("verdict")).toString(),
             QStringLiteral("could-not-check"));
}

void tst_CliDiagnose::serverClockOffIsAWarningNotAFailure()
{
    const QString id = signUp(QStringLiteral("clock"));
    setSkew(1200);
    const QString token = signIn(id);
    const Run r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--token"), token});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(QRegularExpression(QStringLiteral("^WARNING +clock +PlainKey's clock is 20 minutes ahead of this computer's$"),
                                QRegularExpression::MultilineOption).match(r.out).hasMatch(),
             qPrintable(r.out));
    QVERIFY2(QRegularExpression(QStringLiteral("^PASS +token-times "), QRegularExpression::MultilineOption).match(r.out).hasMatch(), qPrintable(r.out));
    QVERIFY2(lines(r.out).at(lines(r.out).size() - 2).contains(QLatin1String("but PlainKey's clock is 20 minutes ahead")), qPrintable(r.out));
}

void tst_CliDiagnose::plainKeyDownExitsFour()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    m_baseOverride = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
    probe.close();
    const QString id = signUp(QStringLiteral("down"));
    const QString token = signIn(id);
    const Run r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--token"), token});
    QVERIFY2(r.exitCode == 4, qPrintable(r.all()));
    QVERIFY2(QRegularExpression(QStringLiteral("^COULD NOT CHECK +reachability +PlainKey at 127\\.0\\.0\\.1:\\d+ could not be reached$"),
                                QRegularExpression::MultilineOption).match(r.out).hasMatch(),
             qPrintable(r.out));
    // What needs no network is still read.
    QVERIFY2(QRegularExpression(QStringLiteral("^PASS +token-shape "), QRegularExpression::MultilineOption).match(r.out).hasMatch(), qPrintable(r.out));
    QVERIFY(lines(r.out).last().startsWith(QLatin1String("Next: ")) || lines(r.out).last().startsWith(QLatin1String("Nothing could be checked")));
    QVERIFY2(r.out.contains(QLatin1String("Nothing could be checked because PlainKey at 127.0.0.1:")), qPrintable(r.out));
}

void tst_CliDiagnose::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("nothing to check") << QStringList{QStringLiteral("diagnose")} << "needs a USER, a --token, or both";
    QTest::newRow("two users") << QStringList{QStringLiteral("diagnose"), QStringLiteral("a"), QStringLiteral("b")} << "at most one USER";
    QTest::newRow("by-name alone") << QStringList{QStringLiteral("diagnose"), QStringLiteral("--by-name"), QStringLiteral("--token"), QStringLiteral("x.y.z")}
                                   << "--by-name needs a USER";
    QTest::newRow("empty token") << QStringList{QStringLiteral("diagnose"), QStringLiteral("--token"), QStringLiteral(" ")} << "without a token";
    QTest::newRow("blank user") << QStringList{QStringLiteral("diagnose"), QStringLiteral("  ")} << "";
}

void tst_CliDiagnose::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void tst_CliDiagnose::oversizedStandardInputIsRefusedWhole()
{
    const Run r = cli({QStringLiteral("diagnose"), QStringLiteral("--token"), QStringLiteral("-")}, QByteArray(64 * 1024 + 1, 'a'));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("64 KiB")), qPrintable(r.err));
}

void tst_CliDiagnose::helpListsDiagnose()
{
    const Run r = cli({QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains(QLatin1String("diagnose [USER] [--token TOKEN|-]")));
    QVERIFY(r.out.contains(QLatin1String("--token")));
}


namespace {
QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

void tst_CliDiagnose::bundleHoldsFindingsWithoutSecretsOrPersonalData()
{
    const QString id = signUp(QStringLiteral("grace"));
    const QString token = signIn(id);
    const QString name = QStringLiteral("grace-%1@example.com").arg(m_unique);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    const QString masked = dir.filePath(QStringLiteral("masked.html"));
    Run r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--token"), token, QStringLiteral("--bundle"), masked});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.err.contains(QLatin1String("Saved the support bundle to")), qPrintable(r.err));
    QByteArray html = readAll(masked);
    QVERIFY(html.startsWith("<!DOCTYPE html>") || html.contains("<html"));
    QVERIFY(html.contains("id=\"har\""));
    QVERIFY(html.contains("token-passkey")); // the findings are in it
    const QList<QByteArray> secrets = {token.toUtf8(), token.split(QLatin1Char('.')).last().toUtf8(), m_clientSecret.toUtf8(),
                                       m_accessToken};
    for (const QByteArray &s : secrets)
        QVERIFY2(!html.contains(s), "a secret is in the bundle");
    QVERIFY2(!html.contains("pk_at_"), "an access token is in the bundle");
    QVERIFY2(!html.contains(id.toUtf8()), "the user ID is in a masked bundle");
    QVERIFY2(!html.contains(name.toUtf8()), "the user name is in a masked bundle");

    // Unmasked on request: personal data is there, secrets still are not.
    const QString open = dir.filePath(QStringLiteral("open.html"));
    r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--bundle"), open, QStringLiteral("--no-mask")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.err.contains(QLatin1String("NOT masked")), qPrintable(r.err));
    html = readAll(open);
    QVERIFY(html.contains(id.toUtf8()));
    for (const QByteArray &s : secrets)
        QVERIFY2(!html.contains(s), "a secret is in the unmasked bundle");
}

void tst_CliDiagnose::bundleThatCannotBeWrittenExitsFour()
{
    const QString id = signUp(QStringLiteral("linus"));
    const Run r = cli({QStringLiteral("diagnose"), id, QStringLiteral("--bundle"), QStringLiteral("/nonexistent-folder/bundle.html")});
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.contains(QLatin1String("could not write the support bundle to /nonexistent-folder/bundle.html")), qPrintable(r.err));
    QVERIFY(!QFile::exists(QStringLiteral("/nonexistent-folder/bundle.html")));
}

QTEST_GUILESS_MAIN(tst_CliDiagnose)
#include "tst_clidiagnose.moc"
