// plainkey-cli's user and passkey commands as a script would use them: the built binaries
// against a plainkey-emulator process on a free loopback port. What the CLI prints is checked
// against what the emulator holds, read independently over the Server API.

#include "cliharness.h"
#include "httptesthelper.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

namespace {

struct Answer
{
    int status = 0;
    QJsonDocument doc;

    QJsonObject object() const { return doc.object(); }
    QJsonArray array() const { return doc.array(); }
};

//! The lines of \a text without the empty one after the last line break.
QStringList lines(const QString &text)
{
    QStringList l = text.split(QLatin1Char('\n'));
    if (!l.isEmpty() && l.last().isEmpty())
        l.removeLast();
    return l;
}

QString sha256Prefix(const QString &value)
{
    return QString::fromLatin1(QCryptographicHash::hash(value.toUtf8(), QCryptographicHash::Sha256).toHex().left(8));
}

} // namespace

class tst_CliUsers : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void userGetPrintsWhatTheServerHolds();
    void userGetByNameAndFind();
    void unknownUserExitsFourNamingIt_data();
    void unknownUserExitsFourNamingIt();
    void userCreateWithAndWithoutName();
    void userCreateOfATakenNameExitsFour();
    void userRenameAndClear();
    void userDeleteWithYesRemovesUserAndPasskeys();
    void deleteWithoutTerminalRefusesAndKeepsEverything();
    void userDeleteAsksOnTheTerminal_data();
    void userDeleteAsksOnTheTerminal();

    void passkeysListTextAndJson();
    void passkeysListOfAUserWithoutPasskeys();
    void passkeyGetTextAndJson();
    void passkeyLabelSetsAndClears();
    void passkeyDeleteWithYesAndOnTheTerminal();
    void unknownPasskeyExitsFour_data();
    void unknownPasskeyExitsFour();
    void passkeyBeginHidesTheTokenUnlessAsked();

    void helpDocumentsTheExitCodes();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();

    void importCreatesTheRestAndReportsEachRow();
    void importJsonMatchesTheServer();
    void importReadsQuotedCsv();
    void importFromStandardInputAndDryRun();
    void importProgressGoesToStandardError();
    void importProgressOnATerminalRewritesOneLine();
    void importOfUnreadableFilesExitsTwo_data();
    void importOfUnreadableFilesExitsTwo();
    void importSurvivesAHugeLine();
    void importWaitsOutARateLimit();
    void importMarksRowsWithoutAnAnswerUncertain();
    void serverFailuresExitFour_data();
    void serverFailuresExitFour();
    void wrongSecretExitsThree_data();
    void wrongSecretExitsThree();
    void hugeArgumentsFailInOneLine();
    void controlCharactersInNamesAndLabelsStayInert();
    void hostileIdsNeverReachAnotherEndpoint_data();
    void hostileIdsNeverReachAnotherEndpoint();

private:
    QProcessEnvironment cliEnvironment() const;
    Run cli(const QStringList &args, const QByteArray &stdinData = {});
    //! Runs the CLI with a pseudo-terminal on standard input and \a typed sent to it; with
    //! \a stderrToo, standard error goes to the terminal as well and Run::err is what it showed.
    Run cliOnTerminal(const QStringList &args, const QByteArray &typed, bool stderrToo = false);
    //! Calls the Server API directly, with an access token of its own.
    Answer server(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    Answer emulator(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    Answer http(const QByteArray &method, const QUrl &url, const QByteArray &body, const QByteArray &contentType, bool auth);
    QString uniqueName(const QString &tag);
    //! A new user with one passkey; returns the user ID.
    QString signUp(const QString &userName, QString *passkeyId = nullptr, const QString &label = {});
    QString userIdByName(const QString &name);
    int userCount();
    QString writeFile(const QString &name, const QByteArray &data);
    void noteSecrets(const Run &r, const QStringList &args);

    CliHarness m_cli;
    QUrl m_base;
    QByteArray m_accessToken;
    QTemporaryDir m_dir;
    QStringList m_leaks;
    QString m_clientSecret = QStringLiteral("demo-secret");
    int m_counter = 0;
};

void tst_CliUsers::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_base = m_cli.start({QStringLiteral("--seed-demo")});
    QVERIFY2(m_base.isValid(), qPrintable(m_cli.failure()));

    const Answer token = http("POST", m_base.resolved(QUrl(QStringLiteral("/access-token"))),
                              "client_id=demo-project&client_secret=demo-secret", "application/x-www-form-urlencoded", false);
    QCOMPARE(token.status, 200);
    m_accessToken = token.object().value(QLatin1String("access_token")).toString().toUtf8();
    QVERIFY(m_accessToken.startsWith("pk_at_"));
}

void tst_CliUsers::cleanupTestCase()
{
    m_cli.stop();
}

void tst_CliUsers::cleanup()
{
    m_clientSecret = QStringLiteral("demo-secret");
    emulator("PUT", QStringLiteral("/emulator/faults"), QJsonObject{{QStringLiteral("mode"), QStringLiteral("none")},
                                                                    {QStringLiteral("latencyMs"), 0}});
    // Every run of the test function was scanned for secrets; report them here, once.
    const QStringList leaks = std::exchange(m_leaks, {});
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QLatin1Char('\n'))));
}

Answer tst_CliUsers::http(const QByteArray &method, const QUrl &url, const QByteArray &body, const QByteArray &contentType, bool auth)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (auth)
        headers = {{"Authorization", "Bearer " + m_accessToken}, {"x-project-id", "demo-project"}};
    const TestHttpAnswer t = testHttpRaw(method, url, body, contentType, headers);
    Answer a;
    a.status = t.status;
    a.doc = QJsonDocument::fromJson(t.body);
    return a;
}

Answer tst_CliUsers::server(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    QUrl url = m_base;
    url.setPath(path);
    return http(method, url, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", true);
}

Answer tst_CliUsers::emulator(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    return http(method, m_base.resolved(QUrl(path)), QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", false);
}

QString tst_CliUsers::uniqueName(const QString &tag)
{
    return QStringLiteral("%1-%2@cli.test").arg(tag).arg(++m_counter);
}

QString tst_CliUsers::signUp(const QString &userName, QString *passkeyId, const QString &label)
{
    QJsonObject body{{QStringLiteral("userName"), userName}};
    if (!label.isEmpty())
        body.insert(QStringLiteral("label"), label);
    const Answer a = emulator("POST", QStringLiteral("/emulator/sign-up"), body);
    if (passkeyId)
        *passkeyId = a.object().value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString();
    return a.object().value(QLatin1String("userId")).toString();
}

QString tst_CliUsers::userIdByName(const QString &name)
{
    QUrl url = m_base;
    url.setPath(QStringLiteral("/user"));
    url.setQuery(QStringLiteral("userName=") + QString::fromLatin1(QUrl::toPercentEncoding(name)));
    const Answer a = http("GET", url, {}, {}, true);
    return a.status == 200 ? a.object().value(QLatin1String("id")).toString() : QString();
}

int tst_CliUsers::userCount()
{
    return emulator("GET", QStringLiteral("/emulator/info")).object().value(QLatin1String("users")).toInt(-1);
}

QString tst_CliUsers::writeFile(const QString &name, const QByteArray &data)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size())
        return {};
    return path;
}

void tst_CliUsers::noteSecrets(const Run &r, const QStringList &args)
{
    const QString output = r.out + r.err;
    QStringList found;
    if (output.contains(QLatin1String("demo-secret")) || output.contains(m_clientSecret))
        found << QStringLiteral("the client secret");
    if (output.contains(QLatin1String("pk_at_")) || output.contains(QString::fromLatin1(m_accessToken)))
        found << QStringLiteral("an access token");
    // Authentication tokens are JWTs here.
    static const QRegularExpression jwt(QStringLiteral("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+\\."));
    if (!args.contains(QLatin1String("--show-secrets")) && jwt.match(output).hasMatch())
        found << QStringLiteral("an authentication token");
    if (!found.isEmpty())
        m_leaks << QStringLiteral("plainkey-cli %1 printed %2").arg(args.join(QLatin1Char(' ')).left(200), found.join(QLatin1String(" and ")));
}

QProcessEnvironment tst_CliUsers::cliEnvironment() const
{
    return m_cli.environment(m_clientSecret);
}

Run tst_CliUsers::cli(const QStringList &args, const QByteArray &stdinData)
{
    Run r = m_cli.run(args, cliEnvironment(), stdinData, 90000);
    noteSecrets(r, args);
    return r;
}

Run tst_CliUsers::cliOnTerminal(const QStringList &args, const QByteArray &typed, bool stderrToo)
{
    Run r;
    const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
        return r;
    const int slave = ::open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        ::close(master);
        return r;
    }
    QProcess p;
    p.setProcessEnvironment(cliEnvironment());
    p.setChildProcessModifier([slave, stderrToo] {
        ::dup2(slave, STDIN_FILENO);
        if (stderrToo)
            ::dup2(slave, STDERR_FILENO);
    });
    p.start(CliHarness::cliBinary(), args);
    ::close(slave);
    if (p.waitForStarted(10000)) {
        // The terminal queues what is typed until the CLI reads it; ^D alone is end of input.
        const QByteArray keys = typed.isEmpty() ? QByteArray("\x04") : typed;
        if (::write(master, keys.constData(), size_t(keys.size())) == keys.size() && p.waitForFinished(60000)) {
            r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
            r.out = QString::fromUtf8(p.readAllStandardOutput());
            r.err = QString::fromUtf8(p.readAllStandardError());
            if (stderrToo) {
                // The terminal keeps what the finished CLI wrote until it is read.
                ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
                QByteArray shown;
                char buffer[4096];
                for (ssize_t n; (n = ::read(master, buffer, sizeof buffer)) > 0;)
                    shown.append(buffer, n);
                r.err = QString::fromUtf8(shown);
            }
        } else {
            p.kill();
            p.waitForFinished();
        }
    }
    ::close(master);
    noteSecrets(r, args);
    return r;
}

// ---- users ---------------------------------------------------------------------------------

void tst_CliUsers::userGetPrintsWhatTheServerHolds()
{
    const QString name = uniqueName(QStringLiteral("get"));
    const QString id = signUp(name);
    QVERIFY(!id.isEmpty());
    const QJsonObject held = server("GET", QStringLiteral("/user/") + id).object();
    QCOMPARE(held.value(QLatin1String("userName")).toString(), name);

    const Run text = cli({QStringLiteral("user"), QStringLiteral("get"), id});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out, QStringLiteral("User ID:    %1\nUser name:  %2\n").arg(id, name));
    QCOMPARE(text.err, QString());

    const Run json = cli({QStringLiteral("--json"), QStringLiteral("user"), QStringLiteral("get"), id});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json(), held);
}

void tst_CliUsers::userGetByNameAndFind()
{
    const QString name = uniqueName(QStringLiteral("find"));
    const QString id = signUp(name);
    for (const QStringList &args : {QStringList{QStringLiteral("user"), QStringLiteral("get"), QStringLiteral("--by-name"), name},
                                    QStringList{QStringLiteral("user"), QStringLiteral("find"), name}}) {
        const Run text = cli(args);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QLatin1String("User ID:    ") + id), qPrintable(text.out));
        const Run json = cli(QStringList{QStringLiteral("--json")} + args);
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(json.json().value(QLatin1String("id")).toString(), id);
        QCOMPARE(json.json().value(QLatin1String("userName")).toString(), name);
    }
    // A user without a name says so instead of printing an empty field.
    const Run created = cli({QStringLiteral("--json"), QStringLiteral("user"), QStringLiteral("create"), QStringLiteral("--no-name")});
    const QString nameless = created.json().value(QLatin1String("id")).toString();
    QVERIFY(!nameless.isEmpty());
    const Run text = cli({QStringLiteral("user"), QStringLiteral("get"), nameless});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains(QLatin1String("User name:  (none: usernameless)")), qPrintable(text.out));
}

void tst_CliUsers::unknownUserExitsFourNamingIt_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("named");
    const QString id = QStringLiteral("usr_doesnotexist0000000");
    const QString name = QStringLiteral("nobody@cli.test");
    QTest::newRow("user get") << QStringList{"user", "get", id} << id;
    QTest::newRow("user get --by-name") << QStringList{"user", "get", "--by-name", name} << name;
    QTest::newRow("user find") << QStringList{"user", "find", name} << name;
    QTest::newRow("user rename") << QStringList{"user", "rename", id, "new-name@cli.test"} << id;
    QTest::newRow("user delete") << QStringList{"user", "delete", "--yes", id} << id;
    QTest::newRow("passkeys list") << QStringList{"passkeys", "list", id} << id;
    QTest::newRow("passkeys list --by-name") << QStringList{"passkeys", "list", "--by-name", name} << name;
    QTest::newRow("passkey begin") << QStringList{"passkey", "begin", id} << id;
    QTest::newRow("passkey begin --by-name") << QStringList{"passkey", "begin", "--by-name", name} << name;
}

void tst_CliUsers::unknownUserExitsFourNamingIt()
{
    QFETCH(QStringList, args);
    QFETCH(QString, named);
    const int before = userCount();
    const Run r = cli(args);
    QCOMPARE(r.exitCode, 4);
    QCOMPARE(r.out, QString());
    QCOMPARE(lines(r.err).size(), 1);
    QVERIFY2(r.err.startsWith(QLatin1String("plainkey-cli: ")), qPrintable(r.err));
    QVERIFY2(r.err.contains(named), qPrintable(r.err));
    QVERIFY2(r.err.contains(QLatin1String("not found"), Qt::CaseInsensitive) || r.err.contains(QLatin1String("no user"), Qt::CaseInsensitive),
             qPrintable(r.err));

    const Run json = cli(QStringList{QStringLiteral("--json")} + args);
    QCOMPARE(json.exitCode, 4);
    const QJsonObject e = json.jsonError();
    QVERIFY2(!e.value(QLatin1String("message")).toString().isEmpty(), qPrintable(json.out));
    QVERIFY(e.value(QLatin1String("status")).toInt() == 404 || e.value(QLatin1String("status")).toInt() == 400);
    QCOMPARE(userCount(), before);
}

void tst_CliUsers::userCreateWithAndWithoutName()
{
    const QString name = uniqueName(QStringLiteral("create"));
    const Run text = cli({QStringLiteral("user"), QStringLiteral("create"), name});
    QCOMPARE(text.exitCode, 0);
    const QString id = userIdByName(name);
    QVERIFY(!id.isEmpty());
    QCOMPARE(text.out, QStringLiteral("Created the user.\nUser ID:    %1\nUser name:  %2\n").arg(id, name));

    const QString name2 = uniqueName(QStringLiteral("create-json"));
    const Run json = cli({QStringLiteral("--json"), QStringLiteral("user"), QStringLiteral("create"), name2});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json(), server("GET", QStringLiteral("/user/") + userIdByName(name2)).object());

    const int before = userCount();
    const Run nameless = cli({QStringLiteral("--json"), QStringLiteral("user"), QStringLiteral("create"), QStringLiteral("--no-name")});
    QCOMPARE(nameless.exitCode, 0);
    const QString id3 = nameless.json().value(QLatin1String("id")).toString();
    QVERIFY(!nameless.json().value(QLatin1String("userName")).isString()); // null: no name
    const Answer held = server("GET", QStringLiteral("/user/") + id3);
    QCOMPARE(held.status, 200);
    QVERIFY(!held.object().contains(QLatin1String("userName")));
    QCOMPARE(userCount(), before + 1);
}

void tst_CliUsers::userCreateOfATakenNameExitsFour()
{
    const QString name = uniqueName(QStringLiteral("taken"));
    signUp(name);
    const int before = userCount();
    const Run r = cli({QStringLiteral("user"), QStringLiteral("create"), name});
    QCOMPARE(r.exitCode, 4);
    QCOMPARE(lines(r.err).size(), 1);
    QVERIFY2(r.err.contains(QLatin1String("already exists")), qPrintable(r.err)); // PlainKey's words
    QCOMPARE(userCount(), before);
}

void tst_CliUsers::userRenameAndClear()
{
    const QString name = uniqueName(QStringLiteral("rename"));
    const QString id = signUp(name);
    const QString newName = uniqueName(QStringLiteral("renamed"));
    const Run text = cli({QStringLiteral("user"), QStringLiteral("rename"), id, newName});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out, QStringLiteral("Renamed the user.\nUser ID:    %1\nUser name:  %2\n").arg(id, newName));
    QCOMPARE(server("GET", QStringLiteral("/user/") + id).object().value(QLatin1String("userName")).toString(), newName);

    // By name, with --json.
    const QString third = uniqueName(QStringLiteral("renamed-again"));
    const Run json = cli({QStringLiteral("--json"), QStringLiteral("user"), QStringLiteral("rename"), QStringLiteral("--by-name"), newName, third});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json(), server("GET", QStringLiteral("/user/") + id).object());
    QCOMPARE(json.json().value(QLatin1String("userName")).toString(), third);

    // Renaming onto another user's name is refused by PlainKey and changes nothing.
    const QString other = uniqueName(QStringLiteral("other"));
    signUp(other);
    const Run clash = cli({QStringLiteral("user"), QStringLiteral("rename"), id, other});
    QCOMPARE(clash.exitCode, 4);
    QCOMPARE(lines(clash.err).size(), 1);
    QCOMPARE(server("GET", QStringLiteral("/user/") + id).object().value(QLatin1String("userName")).toString(), third);

    const Run cleared = cli({QStringLiteral("user"), QStringLiteral("rename"), id, QStringLiteral("--clear")});
    QCOMPARE(cleared.exitCode, 0);
    QVERIFY2(cleared.out.startsWith(QLatin1String("Removed the user name.\n")), qPrintable(cleared.out));
    QVERIFY(!server("GET", QStringLiteral("/user/") + id).object().contains(QLatin1String("userName")));
}

void tst_CliUsers::userDeleteWithYesRemovesUserAndPasskeys()
{
    const QString name = uniqueName(QStringLiteral("delete"));
    QString passkeyId;
    const QString id = signUp(name, &passkeyId);
    const Run text = cli({QStringLiteral("user"), QStringLiteral("delete"), QStringLiteral("--yes"), id});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out, QStringLiteral("Deleted \u201c%1\u201d (ID %2) and their 1 passkey.\n").arg(name, id));
    QCOMPARE(server("GET", QStringLiteral("/user/") + id).status, 404);
    QCOMPARE(server("GET", QStringLiteral("/credential/") + passkeyId).status, 404);

    // By name, --json, -yes after the argument.
    const QString name2 = uniqueName(QStringLiteral("delete-json"));
    const QString id2 = signUp(name2);
    const Run json = cli({QStringLiteral("--json"), QStringLiteral("user"), QStringLiteral("delete"), QStringLiteral("--by-name"), name2,
                          QStringLiteral("--yes")});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject o = json.json();
    QCOMPARE(o.value(QLatin1String("deleted")).toBool(), true);
    QCOMPARE(o.value(QLatin1String("user")).toObject().value(QLatin1String("id")).toString(), id2);
    QCOMPARE(o.value(QLatin1String("passkeysDeleted")).toInt(), 1);
    QCOMPARE(server("GET", QStringLiteral("/user/") + id2).status, 404);

    // Deleting again: the user is gone.
    const Run again = cli({QStringLiteral("user"), QStringLiteral("delete"), QStringLiteral("--yes"), id});
    QCOMPARE(again.exitCode, 4);
}

void tst_CliUsers::deleteWithoutTerminalRefusesAndKeepsEverything()
{
    QString passkeyId;
    const QString name = uniqueName(QStringLiteral("keep"));
    const QString id = signUp(name, &passkeyId);
    // "yes" piped in is not an answer: a script must say --yes.
    for (const QByteArray &in : {QByteArray(), QByteArray("yes\n"), QByteArray("y\n")}) {
        for (const QStringList &args : {QStringList{QStringLiteral("user"), QStringLiteral("delete"), id},
                                        QStringList{QStringLiteral("passkey"), QStringLiteral("delete"), passkeyId}}) {
            const Run r = cli(args, in);
            QCOMPARE(r.exitCode, 2);
            QCOMPARE(r.out, QString());
            QVERIFY2(r.err.contains(QLatin1String("--yes")), qPrintable(r.err));
            QVERIFY2(r.err.contains(QLatin1String("nothing was deleted")), qPrintable(r.err));
            QVERIFY2(r.err.contains(name), qPrintable(r.err)); // says whom it would have hit
            QCOMPARE(lines(r.err).size(), 1);

            const Run json = cli(QStringList{QStringLiteral("--json")} + args, in);
            QCOMPARE(json.exitCode, 2);
            QCOMPARE(json.jsonError().value(QLatin1String("kind")).toString(), QStringLiteral("not-confirmed"));
            QVERIFY2(json.jsonError().value(QLatin1String("message")).toString().contains(QLatin1String("--yes")), qPrintable(json.out));
        }
    }
    QCOMPARE(server("GET", QStringLiteral("/user/") + id).status, 200);
    QCOMPARE(server("GET", QStringLiteral("/credential/") + passkeyId).status, 200);
}

void tst_CliUsers::userDeleteAsksOnTheTerminal_data()
{
    QTest::addColumn<QByteArray>("typed");
    QTest::addColumn<bool>("deletes");
    QTest::newRow("empty line") << QByteArray("\n") << false;
    QTest::newRow("end of input") << QByteArray() << false;
    QTest::newRow("no") << QByteArray("no\n") << false;
    QTest::newRow("n") << QByteArray("n\n") << false;
    QTest::newRow("something else") << QByteArray("sure why not\n") << false;
    QTest::newRow("y") << QByteArray("y\n") << true;
    QTest::newRow("yes") << QByteArray("yes\n") << true;
    QTest::newRow("YES with spaces") << QByteArray("  YES \n") << true;
}

void tst_CliUsers::userDeleteAsksOnTheTerminal()
{
    QFETCH(QByteArray, typed);
    QFETCH(bool, deletes);
    const QString name = uniqueName(QStringLiteral("ask"));
    QString passkeyId;
    const QString id = signUp(name, &passkeyId);
    const Run r = cliOnTerminal({QStringLiteral("user"), QStringLiteral("delete"), id}, typed);
    // The question names the user and what goes with them.
    QVERIFY2(r.err.contains(QStringLiteral("Delete \u201c%1\u201d (ID %2) and their 1 passkey?").arg(name, id)), qPrintable(r.err));
    QVERIFY2(r.err.contains(QLatin1String("[y/N]")), qPrintable(r.err));
    if (deletes) {
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QLatin1String("Deleted ")), qPrintable(r.out));
        QCOMPARE(server("GET", QStringLiteral("/user/") + id).status, 404);
        QCOMPARE(server("GET", QStringLiteral("/credential/") + passkeyId).status, 404);
    } else {
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.out, QString());
        QVERIFY2(r.err.contains(QLatin1String("nothing was deleted")), qPrintable(r.err));
        QCOMPARE(server("GET", QStringLiteral("/user/") + id).status, 200);
        QCOMPARE(server("GET", QStringLiteral("/credential/") + passkeyId).status, 200);
    }
}

// ---- passkeys ------------------------------------------------------------------------------

void tst_CliUsers::passkeysListTextAndJson()
{
    // The seeded ada@example.com has two passkeys.
    const QString ada = userIdByName(QStringLiteral("ada@example.com"));
    QVERIFY(!ada.isEmpty());
    const QJsonArray held = server("GET", QStringLiteral("/user/%1/credentials").arg(ada)).array();
    QCOMPARE(held.size(), 2);

    const Run json = cli({QStringLiteral("--json"), QStringLiteral("passkeys"), QStringLiteral("list"), ada});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json().value(QLatin1String("userId")).toString(), ada);
    const QJsonArray listed = json.json().value(QLatin1String("passkeys")).toArray();
    QCOMPARE(listed.size(), held.size());
    for (int i = 0; i < held.size(); ++i) {
        QJsonObject p = listed.at(i).toObject();
        QVERIFY(p.contains(QLatin1String("authenticatorName"))); // the CLI's addition
        p.remove(QLatin1String("authenticatorName"));
        QCOMPARE(p, held.at(i).toObject()); // every field of PlainKey's, as held
    }

    const Run text = cli({QStringLiteral("passkeys"), QStringLiteral("list"), QStringLiteral("--by-name"), QStringLiteral("ada@example.com")});
    QCOMPARE(text.exitCode, 0);
    const QStringList l = lines(text.out);
    QCOMPARE(l.size(), 4); // heading, column heads, two rows
    QCOMPARE(l.at(0), QStringLiteral("2 passkeys of \u201cada@example.com\u201d (ID %1):").arg(ada));
    QVERIFY2(l.at(1).startsWith(QLatin1String("ID ")) && l.at(1).contains(QLatin1String("LABEL")), qPrintable(l.at(1)));
    for (const QJsonValue &p : held) {
        const QString id = p.toObject().value(QLatin1String("id")).toString();
        QVERIFY2(l.at(2).startsWith(id) || l.at(3).startsWith(id), qPrintable(text.out));
    }
    QVERIFY2(text.out.contains(QLatin1String("YubiKey")), qPrintable(text.out)); // named from the AAGUID
    // The label column starts at the same place in every row.
    const qsizetype labelAt = l.at(1).indexOf(QLatin1String("LABEL"));
    QCOMPARE(l.at(2).at(labelAt - 1), QLatin1Char(' '));
    QVERIFY(l.at(2).at(labelAt) != QLatin1Char(' '));
}

void tst_CliUsers::passkeysListOfAUserWithoutPasskeys()
{
    const QString margaret = userIdByName(QStringLiteral("margaret@example.com"));
    const Run text = cli({QStringLiteral("passkeys"), QStringLiteral("list"), margaret});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.startsWith(QLatin1String("No passkeys: ")), qPrintable(text.out));
    QVERIFY(text.out.contains(margaret));
    const Run json = cli({QStringLiteral("--json"), QStringLiteral("passkeys"), QStringLiteral("list"), margaret});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json().value(QLatin1String("passkeys")).toArray(), QJsonArray());
}

void tst_CliUsers::passkeyGetTextAndJson()
{
    const QString name = uniqueName(QStringLiteral("pk-get"));
    QString passkeyId;
    const QString userId = signUp(name, &passkeyId, QStringLiteral("Work laptop"));
    const QJsonObject held = server("GET", QStringLiteral("/credential/") + passkeyId).object();
    QCOMPARE(held.value(QLatin1String("userId")).toString(), userId);

    const Run json = cli({QStringLiteral("--json"), QStringLiteral("passkey"), QStringLiteral("get"), passkeyId});
    QCOMPARE(json.exitCode, 0);
    QJsonObject o = json.json();
    o.remove(QLatin1String("authenticatorName"));
    QCOMPARE(o, held);

    const Run text = cli({QStringLiteral("passkey"), QStringLiteral("get"), passkeyId});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains(QLatin1String("Passkey ID:      ") + passkeyId + QLatin1Char('\n')), qPrintable(text.out));
    QVERIFY(text.out.contains(QLatin1String("User ID:         ") + userId + QLatin1Char('\n')));
    QVERIFY(text.out.contains(QLatin1String("Label:           Work laptop\n")));
    QVERIFY(text.out.contains(QLatin1String("Transports:      ")));
    QVERIFY(text.out.contains(QLatin1String("Counter:         0\n")));
    QVERIFY(text.out.contains(QLatin1String("WebAuthn ID:     ") + held.value(QLatin1String("webAuthnId")).toString()));
}

void tst_CliUsers::passkeyLabelSetsAndClears()
{
    QString passkeyId;
    signUp(uniqueName(QStringLiteral("pk-label")), &passkeyId);
    const auto heldLabel = [&] { return server("GET", QStringLiteral("/credential/") + passkeyId).object().value(QLatin1String("label")); };

    const Run text = cli({QStringLiteral("passkey"), QStringLiteral("label"), passkeyId, QStringLiteral("  Phone \u00e9t\u00e9  ")});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out, QStringLiteral("Labelled passkey %1 \u201cPhone \u00e9t\u00e9\u201d.\n").arg(passkeyId));
    QCOMPARE(heldLabel().toString(), QStringLiteral("Phone \u00e9t\u00e9"));

    const Run json = cli({QStringLiteral("--json"), QStringLiteral("passkey"), QStringLiteral("label"), passkeyId, QStringLiteral("Key \"2\"")});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json().value(QLatin1String("label")).toString(), QStringLiteral("Key \"2\""));
    QCOMPARE(heldLabel().toString(), QStringLiteral("Key \"2\""));

    const Run cleared = cli({QStringLiteral("--json"), QStringLiteral("passkey"), QStringLiteral("label"), passkeyId, QStringLiteral("--clear")});
    QCOMPARE(cleared.exitCode, 0);
    QVERIFY(cleared.json().value(QLatin1String("label")).isNull());
    QVERIFY(heldLabel().isNull());
    const Run clearedText = cli({QStringLiteral("passkey"), QStringLiteral("label"), QStringLiteral("--clear"), passkeyId});
    QCOMPARE(clearedText.out, QStringLiteral("Removed the label of passkey %1.\n").arg(passkeyId));

    // Too long for PlainKey: its words, one line, nothing changed.
    const Run tooLong = cli({QStringLiteral("passkey"), QStringLiteral("label"), passkeyId, QString(300, QLatin1Char('x'))});
    QCOMPARE(tooLong.exitCode, 4);
    QCOMPARE(lines(tooLong.err).size(), 1);
    QVERIFY2(tooLong.err.contains(QLatin1String("256")), qPrintable(tooLong.err));
    QVERIFY(heldLabel().isNull());
}

void tst_CliUsers::passkeyDeleteWithYesAndOnTheTerminal()
{
    const QString name = uniqueName(QStringLiteral("pk-delete"));
    QString passkeyId;
    const QString userId = signUp(name, &passkeyId, QStringLiteral("Old phone"));

    const Run no = cliOnTerminal({QStringLiteral("passkey"), QStringLiteral("delete"), passkeyId}, "n\n");
    QCOMPARE(no.exitCode, 2);
    QVERIFY2(no.err.contains(QStringLiteral("Delete passkey %1 \u201cOld phone\u201d").arg(passkeyId)), qPrintable(no.err));
    QVERIFY2(no.err.contains(QStringLiteral("of \u201c%1\u201d?").arg(name)), qPrintable(no.err));
    QVERIFY(no.err.contains(QLatin1String("nothing was deleted")));
    QCOMPARE(server("GET", QStringLiteral("/credential/") + passkeyId).status, 200);

    const Run yes = cliOnTerminal({QStringLiteral("passkey"), QStringLiteral("delete"), passkeyId}, "yes\n");
    QCOMPARE(yes.exitCode, 0);
    QCOMPARE(yes.out, QStringLiteral("Deleted passkey %1 \u201cOld phone\u201d of \u201c%2\u201d.\n").arg(passkeyId, name));
    QCOMPARE(server("GET", QStringLiteral("/credential/") + passkeyId).status, 404);
    QCOMPARE(server("GET", QStringLiteral("/user/") + userId).status, 200); // the user stays

    QString second;
    signUp(uniqueName(QStringLiteral("pk-delete-json")), &second);
    const Run json = cli({QStringLiteral("--json"), QStringLiteral("--yes"), QStringLiteral("passkey"), QStringLiteral("delete"), second});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.json().value(QLatin1String("deleted")).toBool(), true);
    QCOMPARE(json.json().value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString(), second);
    QCOMPARE(server("GET", QStringLiteral("/credential/") + second).status, 404);
}

void tst_CliUsers::unknownPasskeyExitsFour_data()
{
    QTest::addColumn<QStringList>("args");
    const QString id = QStringLiteral("cred_doesnotexist000000");
    QTest::newRow("get") << QStringList{"passkey", "get", id};
    QTest::newRow("delete") << QStringList{"passkey", "delete", "--yes", id};
    QTest::newRow("label") << QStringList{"passkey", "label", id, "New label"};
    QTest::newRow("label --clear") << QStringList{"passkey", "label", id, "--clear"};
}

void tst_CliUsers::unknownPasskeyExitsFour()
{
    QFETCH(QStringList, args);
    const Run r = cli(args);
    QCOMPARE(r.exitCode, 4);
    QCOMPARE(r.out, QString());
    QCOMPARE(lines(r.err).size(), 1);
    QVERIFY2(r.err.contains(QLatin1String("cred_doesnotexist000000")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QLatin1String("not found"), Qt::CaseInsensitive), qPrintable(r.err));
    const Run json = cli(QStringList{QStringLiteral("--json")} + args);
    QCOMPARE(json.exitCode, 4);
    QCOMPARE(json.jsonError().value(QLatin1String("status")).toInt(), 404);
}

void tst_CliUsers::passkeyBeginHidesTheTokenUnlessAsked()
{
    const QString name = uniqueName(QStringLiteral("begin"));
    QString passkeyId;
    const QString userId = signUp(name, &passkeyId);

    const Run text = cli({QStringLiteral("passkey"), QStringLiteral("begin"), userId});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.startsWith(QStringLiteral("Registration begun for user ID %1.").arg(userId)), qPrintable(text.out));
    static const QRegularExpression hidden(QStringLiteral("Authentication token: hidden \\(fingerprint #([0-9a-f]{8})\\)"));
    QVERIFY2(hidden.match(text.out).hasMatch(), qPrintable(text.out));
    // The options follow as JSON, naming the user and excluding their passkey.
    const qsizetype at = text.out.indexOf(QLatin1String("Options:\n"));
    QVERIFY(at > 0);
    const QJsonObject options = QJsonDocument::fromJson(text.out.mid(at + 9).toUtf8()).object();
    QCOMPARE(options.value(QLatin1String("user")).toObject().value(QLatin1String("name")).toString(), name);
    QCOMPARE(options.value(QLatin1String("excludeCredentials")).toArray().size(), 1);

    const Run json = cli({QStringLiteral("--json"), QStringLiteral("passkey"), QStringLiteral("begin"), QStringLiteral("--by-name"), name});
    QCOMPARE(json.exitCode, 0);
    QVERIFY(!json.json().contains(QLatin1String("authenticationToken")));
    QCOMPARE(json.json().value(QLatin1String("authenticationTokenFingerprint")).toString().size(), 8);
    QVERIFY(!json.json().value(QLatin1String("options")).toObject().value(QLatin1String("challenge")).toString().isEmpty());

    const Run shown = cli({QStringLiteral("--json"), QStringLiteral("--show-secrets"), QStringLiteral("passkey"), QStringLiteral("begin"), userId});
    QCOMPARE(shown.exitCode, 0);
    const QString token = shown.json().value(QLatin1String("authenticationToken")).toString();
    QVERIFY(!token.isEmpty());
    QCOMPARE(shown.json().value(QLatin1String("authenticationTokenFingerprint")).toString(), sha256Prefix(token));
    // The printed token is the real thing: PlainKey accepts it as this user's.
    const Run verified = cli({QStringLiteral("--json"), QStringLiteral("verify"), QStringLiteral("-")}, token.toUtf8());
    QCOMPARE(verified.exitCode, 0);
    QCOMPARE(verified.json().value(QLatin1String("userId")).toString(), userId);
}

// ---- usage ---------------------------------------------------------------------------------

void tst_CliUsers::helpDocumentsTheExitCodes()
{
    const Run r = cli({QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    for (const char *command : {"user get USER", "user find NAME", "user create", "user rename", "user delete USER", "users import FILE|-",
                                "passkeys list USER", "passkey get PASSKEY-ID", "passkey delete PASSKEY-ID", "passkey label PASSKEY-ID",
                                "passkey begin USER"})
        QVERIFY2(r.out.contains(QLatin1String(command)), command);
    QVERIFY(r.out.contains(QLatin1String("--by-name")));
    QVERIFY(r.out.contains(QLatin1String("A delete that is not confirmed exits 2")));
    QVERIFY(r.out.contains(QLatin1String("users import exits 4")));
    QCOMPARE(r.err, QString()); // no parser warnings about options registered twice
}

void tst_CliUsers::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("user alone") << QStringList{"user"} << "user takes one of: get, find, create, rename, delete";
    QTest::newRow("unknown user subcommand") << QStringList{"user", "frobnicate", "x"} << "unknown command \u201cuser frobnicate x\u201d; user takes one of";
    QTest::newRow("unknown passkey subcommand") << QStringList{"passkey", "rename", "x"} << "passkey takes one of: get, delete, label, begin";
    QTest::newRow("users alone") << QStringList{"users"} << "users takes one of: import";
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command \u201cfrobnicate\u201d";
    QTest::newRow("user get without USER") << QStringList{"user", "get"} << "user get takes one USER";
    QTest::newRow("user get with two") << QStringList{"user", "get", "a", "b"} << "user get takes one USER";
    QTest::newRow("user get empty USER") << QStringList{"user", "get", "  "} << "empty";
    QTest::newRow("user find without name") << QStringList{"user", "find"} << "user find takes one user name";
    QTest::newRow("user find empty name") << QStringList{"user", "find", ""} << "user find takes one user name";
    QTest::newRow("user create without name") << QStringList{"user", "create"} << "--no-name";
    QTest::newRow("user create name and --no-name") << QStringList{"user", "create", "a", "--no-name"} << "--no-name";
    QTest::newRow("user create blank name") << QStringList{"user", "create", " \t "} << "empty";
    QTest::newRow("user rename without new name") << QStringList{"user", "rename", "usr_1"} << "NEW-NAME";
    QTest::newRow("user rename blank new name") << QStringList{"user", "rename", "usr_1", "  "} << "--clear";
    QTest::newRow("user rename name and --clear") << QStringList{"user", "rename", "usr_1", "a", "--clear"} << "--clear";
    QTest::newRow("user delete without USER") << QStringList{"user", "delete"} << "user delete takes one USER";
    QTest::newRow("passkeys list without USER") << QStringList{"passkeys", "list"} << "passkeys list takes one USER";
    QTest::newRow("passkey get without ID") << QStringList{"passkey", "get"} << "passkey get takes one passkey ID";
    QTest::newRow("passkey delete without ID") << QStringList{"passkey", "delete", "--yes"} << "passkey delete takes one passkey ID";
    QTest::newRow("passkey label without label") << QStringList{"passkey", "label", "cred_1"} << "--clear";
    QTest::newRow("passkey label blank label") << QStringList{"passkey", "label", "cred_1", "   "} << "--clear";
    QTest::newRow("passkey label label and --clear") << QStringList{"passkey", "label", "cred_1", "x", "--clear"} << "--clear";
    QTest::newRow("passkey begin without USER") << QStringList{"passkey", "begin"} << "passkey begin takes one USER";
    QTest::newRow("users import without FILE") << QStringList{"users", "import"} << "users import takes one FILE";
    QTest::newRow("users import two files") << QStringList{"users", "import", "a", "b"} << "users import takes one FILE";
    QTest::newRow("users import missing file") << QStringList{"users", "import", "/nonexistent/names.txt"} << "cannot open";
    QTest::newRow("users import a folder") << QStringList{"users", "import", "/"} << "folder";
    QTest::newRow("users import bad chunk size") << QStringList{"users", "import", "--chunk-size", "0", "x"} << "--chunk-size";
    QTest::newRow("option value missing") << QStringList{"users", "import", "x", "--chunk-size"} << "Missing value";
}

void tst_CliUsers::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, messagePart);
    const int before = userCount();
    const Run r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.out, QString());
    QCOMPARE(lines(r.err).size(), 1);
    QVERIFY2(r.err.startsWith(QLatin1String("plainkey-cli: ")), qPrintable(r.err));
    QVERIFY2(r.err.contains(messagePart), qPrintable(r.err));

    const Run json = cli(QStringList{QStringLiteral("--json")} + args);
    QCOMPARE(json.exitCode, 2);
    QCOMPARE(json.jsonError().value(QLatin1String("kind")).toString(), QStringLiteral("usage"));
    QVERIFY2(json.jsonError().value(QLatin1String("message")).toString().contains(messagePart), qPrintable(json.out));
    QCOMPARE(userCount(), before);
}

// ---- users import --------------------------------------------------------------------------

void tst_CliUsers::importCreatesTheRestAndReportsEachRow()
{
    const QString a = uniqueName(QStringLiteral("imp-a"));
    const QString b = uniqueName(QStringLiteral("imp-b"));
    const QString c = uniqueName(QStringLiteral("imp-c"));
    const QString taken = uniqueName(QStringLiteral("imp-taken"));
    const QString takenId = signUp(taken);
    const QString tooLong = QString(300, QLatin1Char('L'));
    const QByteArray file = a.toUtf8() + "\n" + b.toUtf8() + "\n\n" + a.toUtf8() + "\n" + taken.toUtf8() + "\n" + tooLong.toUtf8()
            + "\nbad\x01name\n" + c.toUtf8() + "\n";
    const QString path = writeFile(QStringLiteral("mixed.txt"), file);
    const QString report = m_dir.filePath(QStringLiteral("mixed-report.csv"));
    const int before = userCount();

    const Run r = cli({QStringLiteral("users"), QStringLiteral("import"), path, QStringLiteral("--report"), report});
    QCOMPARE(r.exitCode, 4); // not everything was created
    QCOMPARE(userCount(), before + 3);
    for (const QString &n : {a, b, c})
        QVERIFY2(!userIdByName(n).isEmpty(), qPrintable(n));
    QCOMPARE(userIdByName(taken), takenId);
    QVERIFY(userIdByName(tooLong).isEmpty());

    // One row a line: status, line, name, user ID, message.
    const QStringList rows = lines(r.out);
    QCOMPARE(rows.size(), 7);
    QList<QStringList> cells;
    for (const QString &row : rows) {
        cells.append(row.split(QLatin1Char('\t')));
        QCOMPARE(cells.last().size(), 5);
    }
    QCOMPARE(cells[0].mid(0, 3), (QStringList{"created", "1", a}));
    QCOMPARE(cells[0][3], userIdByName(a));
    QCOMPARE(cells[1].mid(0, 3), (QStringList{"created", "2", b}));
    QCOMPARE(cells[2].mid(0, 3), (QStringList{"invalid", "4", a}));
    QVERIFY2(cells[2][4].contains(QLatin1String("line 1")), qPrintable(rows[2]));
    QCOMPARE(cells[3].mid(0, 3), (QStringList{"failed", "5", taken}));
    QVERIFY2(cells[3][4].contains(QLatin1String("already exists")), qPrintable(rows[3]));
    QCOMPARE(cells[4].mid(0, 3), (QStringList{"failed", "6", tooLong}));
    QVERIFY2(cells[4][4].contains(QLatin1String("256")), qPrintable(rows[4]));
    QCOMPARE(cells[5][0], QStringLiteral("invalid"));
    QCOMPARE(cells[5][1], QStringLiteral("7"));
    QVERIFY2(cells[5][4].contains(QLatin1String("control characters")), qPrintable(rows[5]));
    QCOMPARE(cells[6].mid(0, 3), (QStringList{"created", "8", c}));

    QVERIFY2(r.err.contains(QLatin1String("Read 7 names (one name per line); 2 cannot be sent")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QLatin1String("Created 3 of 7 users")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QLatin1String("2 failed, 2 not sent (invalid), 0 uncertain")), qPrintable(r.err));

    QFile csv(report);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList reportLines = lines(QString::fromUtf8(csv.readAll()));
    QCOMPARE(reportLines.size(), 8);
    QCOMPARE(reportLines.first(), QStringLiteral("line,userName,status,userId,message"));
    QVERIFY(reportLines.at(1).startsWith(QStringLiteral("1,%1,created,usr_").arg(a)));
}

void tst_CliUsers::importJsonMatchesTheServer()
{
    const QString a = uniqueName(QStringLiteral("impj-a"));
    const QString b = uniqueName(QStringLiteral("impj-b"));
    const QString path = writeFile(QStringLiteral("json.txt"), "userName\n" + a.toUtf8() + "\n" + b.toUtf8() + "\n" + a.toUtf8() + "\n");
    const Run r = cli({QStringLiteral("--json"), QStringLiteral("users"), QStringLiteral("import"), path});
    QCOMPARE(r.exitCode, 4);
    const QJsonObject summary = r.json().value(QLatin1String("summary")).toObject();
    QCOMPARE(summary.value(QLatin1String("total")).toInt(), 3);
    QCOMPARE(summary.value(QLatin1String("created")).toInt(), 2);
    QCOMPARE(summary.value(QLatin1String("invalid")).toInt(), 1);
    QCOMPARE(summary.value(QLatin1String("failed")).toInt(), 0);
    const QJsonArray rows = r.json().value(QLatin1String("rows")).toArray();
    QCOMPARE(rows.size(), 3);
    for (int i = 0; i < 2; ++i) {
        const QJsonObject row = rows.at(i).toObject();
        QCOMPARE(row.value(QLatin1String("status")).toString(), QStringLiteral("created"));
        QCOMPARE(row.value(QLatin1String("line")).toInt(), i + 2); // the header line is skipped
        QCOMPARE(row.value(QLatin1String("userId")).toString(), userIdByName(row.value(QLatin1String("userName")).toString()));
    }
    QCOMPARE(rows.at(2).toObject().value(QLatin1String("status")).toString(), QStringLiteral("invalid"));
    QVERIFY(!rows.at(2).toObject().contains(QLatin1String("userId")));
    QVERIFY2(r.err.contains(QLatin1String("header")), qPrintable(r.err));
}

void tst_CliUsers::importReadsQuotedCsv()
{
    const QString quoted = QStringLiteral("quote \"q\" %1").arg(uniqueName(QStringLiteral("csv")));
    const QString comma = QStringLiteral("comma, %1").arg(uniqueName(QStringLiteral("csv")));
    const QString plain = uniqueName(QStringLiteral("csv-plain"));
    const QString accented = QStringLiteral("J\u00fcrgen \u5f20 %1").arg(uniqueName(QStringLiteral("csv")));
    auto q = [](QString s) { return QLatin1Char('"') + s.replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"'); };
    const QString text = QStringLiteral("\ufeffid,\"Email Address\",note\r\n"
                                        "1,%1,\"has, comma\"\r\n"
                                        "2,%2,x\r\n"
                                        "3,  %3  ,y\r\n"
                                        "4,\"two\nlines\",z\r\n"
                                        "5,,empty\r\n"
                                        "6,%4,\"\"\"=cmd\"\"\"\r\n")
                                 .arg(q(quoted), q(comma), plain, q(accented));
    const QString path = writeFile(QStringLiteral("people.csv"), text.toUtf8());
    const Run r = cli({QStringLiteral("--json"), QStringLiteral("users"), QStringLiteral("import"), path});
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.contains(QStringLiteral("column \u201cEmail Address\u201d")), qPrintable(r.err));
    const QJsonArray rows = r.json().value(QLatin1String("rows")).toArray();
    QCOMPARE(rows.size(), 6);
    const QStringList expected{quoted, comma, plain, QStringLiteral("two\nlines"), QString(), accented};
    const QList<int> lineNumbers{2, 3, 4, 5, 7, 8};
    const QStringList statuses{"created", "created", "created", "invalid", "invalid", "created"};
    for (int i = 0; i < rows.size(); ++i) {
        const QJsonObject row = rows.at(i).toObject();
        QCOMPARE(row.value(QLatin1String("userName")).toString(), expected.at(i));
        QCOMPARE(row.value(QLatin1String("line")).toInt(), lineNumbers.at(i));
        QCOMPARE(row.value(QLatin1String("status")).toString(), statuses.at(i));
        if (statuses.at(i) == QLatin1String("created"))
            QCOMPARE(userIdByName(expected.at(i)), row.value(QLatin1String("userId")).toString());
    }

    // In text, a name with a line break still takes one line of the report.
    const QString path2 = writeFile(QStringLiteral("breaks.csv"), "name\n\"a\nb\"\n\"c\td\"\n");
    const Run t = cli({QStringLiteral("users"), QStringLiteral("import"), QStringLiteral("--dry-run"), path2});
    const QStringList l = lines(t.out);
    QCOMPARE(l.size(), 2);
    for (const QString &row : l)
        QCOMPARE(row.split(QLatin1Char('\t')).size(), 5);
}

void tst_CliUsers::importFromStandardInputAndDryRun()
{
    const QString a = uniqueName(QStringLiteral("stdin-a"));
    const QString b = uniqueName(QStringLiteral("stdin-b"));
    const QByteArray names = "# new people\n" + a.toUtf8() + "\r\n" + b.toUtf8() + "\r\n";

    const int before = userCount();
    const Run dry = cli({QStringLiteral("--json"), QStringLiteral("users"), QStringLiteral("import"), QStringLiteral("--dry-run"), QStringLiteral("-")},
                        names);
    QCOMPARE(dry.exitCode, 0);
    QCOMPARE(dry.json().value(QLatin1String("dryRun")).toBool(), true);
    QCOMPARE(dry.json().value(QLatin1String("toSend")).toInt(), 2);
    QCOMPARE(userCount(), before); // nothing sent
    QVERIFY2(dry.err.contains(QLatin1String("comments")), qPrintable(dry.err));

    const Run r = cli({QStringLiteral("users"), QStringLiteral("import"), QStringLiteral("-")}, names);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(userCount(), before + 2);
    QVERIFY(!userIdByName(a).isEmpty());
    QVERIFY(!userIdByName(b).isEmpty());
    QVERIFY2(r.err.contains(QLatin1String("Created 2 of 2 users")), qPrintable(r.err));

    // Standard input cannot hold both the secret and the names.
    const Run both = cli({QStringLiteral("--secret-stdin"), QStringLiteral("users"), QStringLiteral("import"), QStringLiteral("-")},
                         "demo-secret\n" + names);
    QCOMPARE(both.exitCode, 2);
    QCOMPARE(userCount(), before + 2);
}

void tst_CliUsers::importProgressGoesToStandardError()
{
    QByteArray names;
    QStringList created;
    for (int i = 0; i < 7; ++i) {
        created << uniqueName(QStringLiteral("progress"));
        names += created.last().toUtf8() + '\n';
    }
    const QString path = writeFile(QStringLiteral("progress.txt"), names);
    const Run r = cli({QStringLiteral("users"), QStringLiteral("import"), QStringLiteral("--chunk-size"), QStringLiteral("2"), path});
    QCOMPARE(r.exitCode, 0);
    QStringList progress;
    for (const QString &l : lines(r.err)) {
        if (l.startsWith(QLatin1String("Importing: ")))
            progress << l;
    }
    QVERIFY2(progress.size() >= 4, qPrintable(r.err)); // each chunk of 2, then the end
    QCOMPARE(progress.last(), QStringLiteral("Importing: 7 of 7 names done (100%), 7 created"));
    QVERIFY2(r.err.contains(QLatin1String("(4 requests)")), qPrintable(r.err));
    // Standard output holds the rows only.
    QCOMPARE(lines(r.out).size(), 7);
    QVERIFY(!r.out.contains(QLatin1String("Importing")));
    for (const QString &n : std::as_const(created))
        QVERIFY(!userIdByName(n).isEmpty());
}

void tst_CliUsers::importProgressOnATerminalRewritesOneLine()
{
    QByteArray names;
    for (int i = 0; i < 5; ++i)
        names += uniqueName(QStringLiteral("tty-progress")).toUtf8() + '\n';
    const QString path = writeFile(QStringLiteral("tty-progress.txt"), names);
    const Run r = cliOnTerminal({QStringLiteral("users"), QStringLiteral("import"), QStringLiteral("--chunk-size"), QStringLiteral("1"), path},
                                {}, true);
    QCOMPARE(r.exitCode, 0);
    // The progress line is rewritten in place (\r) and ended once; the terminal shows \n as \r\n.
    const QString shown = QString(r.err).replace(QLatin1String("\r\n"), QLatin1String("\n"));
    QVERIFY2(shown.contains(QLatin1String("\rImporting: 5 of 5 names done (100%), 5 created\n")), qPrintable(shown));
    QCOMPARE(shown.count(QLatin1String("Importing: ")), shown.count(QLatin1String("\rImporting: ")));
    QVERIFY2(shown.contains(QLatin1String("Created 5 of 5 users")), qPrintable(shown));
    QCOMPARE(lines(r.out).size(), 5); // the rows stay on standard output
}

void tst_CliUsers::importOfUnreadableFilesExitsTwo_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("empty file") << QByteArray() << "empty.txt" << "no user names";
    QTest::newRow("blank lines") << QByteArray("\n \r\n\t\n") << "blank.txt" << "no user names";
    QTest::newRow("only comments") << QByteArray("# nobody\n") << "comments.txt" << "no user names";
    QTest::newRow("header only") << QByteArray("email,name\n") << "header.csv" << "no user names";
    QTest::newRow("binary") << QByteArray("\x7f" "ELF\x02\x01\x01\0\0\0\0", 11) << "a.out" << "binary";
    QTest::newRow("not UTF-8") << QByteArray("J\xfcrgen\nM\xfcller\n") << "latin1.txt" << "UTF-8";
}

void tst_CliUsers::importOfUnreadableFilesExitsTwo()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, fileName);
    QFETCH(QString, messagePart);
    const QString path = writeFile(fileName, data);
    QVERIFY(!path.isEmpty());
    const int before = userCount();
    const Run r = cli({QStringLiteral("users"), QStringLiteral("import"), path});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(lines(r.err).size(), 1);
    QVERIFY2(r.err.contains(messagePart), qPrintable(r.err));
    QVERIFY2(r.err.contains(path), qPrintable(r.err));
    // The same from standard input.
    const Run piped = cli({QStringLiteral("--json"), QStringLiteral("users"), QStringLiteral("import"), QStringLiteral("-")}, data);
    QCOMPARE(piped.exitCode, 2);
    QVERIFY2(piped.jsonError().value(QLatin1String("message")).toString().contains(messagePart), qPrintable(piped.out));
    QCOMPARE(userCount(), before);
}

void tst_CliUsers::importSurvivesAHugeLine()
{
    // A 2 MiB "name" makes a bulk request larger than PlainKey takes: the names around it
    // must still be created, and the huge one reported as failed.
    const QString a = uniqueName(QStringLiteral("huge-a"));
    const QString b = uniqueName(QStringLiteral("huge-b"));
    const QByteArray data = a.toUtf8() + "\n" + QByteArray(2 * 1024 * 1024, 'h') + "\n" + b.toUtf8() + "\n";
    const QString path = writeFile(QStringLiteral("huge.txt"), data);
    const Run r = cli({QStringLiteral("--json"), QStringLiteral("users"), QStringLiteral("import"), path});
    QCOMPARE(r.exitCode, 4);
    QVERIFY(!userIdByName(a).isEmpty());
    QVERIFY(!userIdByName(b).isEmpty());
    const QJsonArray rows = r.json().value(QLatin1String("rows")).toArray();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows.at(1).toObject().value(QLatin1String("status")).toString(), QStringLiteral("failed"));
    QVERIFY(!rows.at(1).toObject().value(QLatin1String("message")).toString().isEmpty());
    QCOMPARE(r.json().value(QLatin1String("summary")).toObject().value(QLatin1String("created")).toInt(), 2);
}

void tst_CliUsers::hugeArgumentsFailInOneLine()
{
    // 100 KB of user name on the command line: the request head is too large for PlainKey.
    const QString huge(100 * 1024, QLatin1Char('n'));
    const Run r = cli({QStringLiteral("user"), QStringLiteral("find"), huge});
    QCOMPARE(r.exitCode, 4);
    QCOMPARE(lines(r.err).size(), 1);
    QVERIFY2(r.err.size() < 2000, qPrintable(r.err.left(300))); // names it, does not echo it all
    QVERIFY2(r.err.contains(QLatin1String("characters left out")), qPrintable(r.err.left(300)));
    QVERIFY2(r.err.contains(QLatin1String("431")), qPrintable(r.err)); // the end, with the reason, stays

    // A line break in an argument does not break the error line.
    const Run broken = cli({QStringLiteral("user"), QStringLiteral("find"), QStringLiteral("two\nlines")});
    QCOMPARE(broken.exitCode, 4);
    QCOMPARE(lines(broken.err).size(), 1);
    QVERIFY2(broken.err.contains(QLatin1String("two\\nlines")), qPrintable(broken.err));
}

void tst_CliUsers::controlCharactersInNamesAndLabelsStayInert()
{
    // PlainKey may hold a name or label with a line break or a terminal escape (ESC [2K erases
    // the line): in text output it must show as an escape, never act or break a line.
    const QString evil = QStringLiteral("evil\x1b[2K\rfake\n%1").arg(uniqueName(QStringLiteral("esc")));
    const Answer created = server("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), evil}});
    QCOMPARE(created.status, 200);
    const QString id = created.object().value(QLatin1String("id")).toString();
    QString passkeyId;
    signUp(uniqueName(QStringLiteral("esc-label")), &passkeyId);
    QCOMPARE(cli({QStringLiteral("passkey"), QStringLiteral("label"), passkeyId, QStringLiteral("a\x1b]0;title\x07" "b")}).exitCode, 0);

    const QList<QStringList> commands{{"user", "get", id},
                                      {"user", "delete", id}, // refused without a terminal: one line naming the user
                                      {"passkeys", "list", id},
                                      {"passkey", "get", passkeyId},
                                      {"passkeys", "list", server("GET", QStringLiteral("/credential/") + passkeyId).object().value(QLatin1String("userId")).toString()}};
    for (const QStringList &args : commands) {
        const Run r = cli(args);
        QVERIFY2(!r.out.contains(QChar(0x1b)) && !r.err.contains(QChar(0x1b)), qPrintable(args.join(QLatin1Char(' '))));
        QVERIFY2(!r.out.contains(QLatin1Char('\r')) && !r.out.contains(QChar(0x07)), qPrintable(args.join(QLatin1Char(' '))));
        QVERIFY2(r.out.contains(QLatin1String("\\u001b")) || r.err.contains(QLatin1String("\\u001b")) || args.first() == QLatin1String("passkeys"),
                 qPrintable(r.out + r.err));
    }
    const Run get = cli({QStringLiteral("user"), QStringLiteral("get"), id});
    QCOMPARE(lines(get.out).size(), 2);
    QVERIFY2(get.out.contains(QLatin1String("evil\\u001b[2K\\rfake\\n")), qPrintable(get.out));
    const Run refused = cli({QStringLiteral("user"), QStringLiteral("delete"), id});
    QCOMPARE(lines(refused.err).size(), 1);
    const Run passkey = cli({QStringLiteral("passkey"), QStringLiteral("get"), passkeyId});
    QVERIFY2(passkey.out.contains(QLatin1String("Label:           a\\u001b]0;title\\u0007b\n")), qPrintable(passkey.out));
    // --json keeps the exact value.
    const Run json = cli({QStringLiteral("--json"), QStringLiteral("user"), QStringLiteral("get"), id});
    QCOMPARE(json.json().value(QLatin1String("userName")).toString(), evil);
}

void tst_CliUsers::hostileIdsNeverReachAnotherEndpoint_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("dot dot") << ".." << 2; // refused before sending
    QTest::newRow("dot") << "." << 2;
    QTest::newRow("traversal") << "../user" << 4; // sent percent-encoded: just an unknown ID
    QTest::newRow("query") << "x?userName=ada@example.com" << 4;
    QTest::newRow("fragment") << "x#y" << 4;
    QTest::newRow("encoded slash") << "x%2F..%2Fuser" << 4;
    QTest::newRow("unicode") << "usr_\u00e9\u4e2d\U0001F600" << 4;
}

void tst_CliUsers::hostileIdsNeverReachAnotherEndpoint()
{
    QFETCH(QString, id);
    QFETCH(int, exitCode);
    const QString ada = userIdByName(QStringLiteral("ada@example.com"));
    const int before = userCount();
    const QList<QStringList> commands{{"user", "get", id},          {"user", "rename", id, "x"},        {"user", "delete", "--yes", id},
                                      {"passkeys", "list", id},     {"passkey", "get", id},             {"passkey", "delete", "--yes", id},
                                      {"passkey", "label", id, "x"}, {"passkey", "label", id, "--clear"}, {"passkey", "begin", id}};
    for (const QStringList &args : commands) {
        const Run r = cli(args);
        // rename and begin carry the ID in a JSON body, where any text is safe: PlainKey just knows no such user.
        const bool inBody = args.at(1) == QLatin1String("rename") || args.at(1) == QLatin1String("begin");
        const int expected = inBody ? 4 : exitCode;
        QVERIFY2(r.exitCode == expected, qPrintable(args.join(QLatin1Char(' ')) + QLatin1String(": ") + r.err));
        QCOMPARE(r.out, QString());
        QCOMPARE(lines(r.err).size(), 1);
    }
    QCOMPARE(userCount(), before);
    QCOMPARE(server("GET", QStringLiteral("/user/%1/credentials").arg(ada)).array().size(), 2);
    QCOMPARE(server("GET", QStringLiteral("/user/") + ada).object().value(QLatin1String("userName")).toString(), QStringLiteral("ada@example.com"));
}

void tst_CliUsers::importWaitsOutARateLimit()
{
    // The first bulk request is answered 429 with Retry-After: 1; the import waits and goes on.
    const Answer fault = emulator("PUT", QStringLiteral("/emulator/faults"),
                                  QJsonObject{{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("status"), 429},
                                              {QStringLiteral("retryAfterSeconds"), 1}, {QStringLiteral("remaining"), 1},
                                              {QStringLiteral("pathPrefix"), QStringLiteral("/user/bulk")}});
    QCOMPARE(fault.status, 200);
    const QString a = uniqueName(QStringLiteral("rate-a"));
    const QString b = uniqueName(QStringLiteral("rate-b"));
    const QString path = writeFile(QStringLiteral("rate.txt"), a.toUtf8() + "\n" + b.toUtf8() + "\n");
    const Run r = cli({QStringLiteral("--json"), QStringLiteral("users"), QStringLiteral("import"), path});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json().value(QLatin1String("summary")).toObject().value(QLatin1String("created")).toInt(), 2);
    QCOMPARE(r.json().value(QLatin1String("summary")).toObject().value(QLatin1String("requests")).toInt(), 2);
    QVERIFY(!userIdByName(a).isEmpty());
    QVERIFY(!userIdByName(b).isEmpty());
}

void tst_CliUsers::importMarksRowsWithoutAnAnswerUncertain()
{
    // Every bulk request's connection is dropped: nobody can tell whether the users exist.
    emulator("PUT", QStringLiteral("/emulator/faults"),
             QJsonObject{{QStringLiteral("mode"), QStringLiteral("reset")}, {QStringLiteral("pathPrefix"), QStringLiteral("/user/bulk")}});
    const QString a = uniqueName(QStringLiteral("reset-a"));
    const QString b = uniqueName(QStringLiteral("reset-b"));
    const QString c = uniqueName(QStringLiteral("reset-c"));
    const QString path = writeFile(QStringLiteral("reset.txt"), a.toUtf8() + "\n" + b.toUtf8() + "\n" + c.toUtf8() + "\n");
    const Run r = cli({QStringLiteral("users"), QStringLiteral("import"), QStringLiteral("--chunk-size"), QStringLiteral("2"), path});
    QCOMPARE(r.exitCode, 4);
    const QStringList rows = lines(r.out);
    QCOMPARE(rows.size(), 3); // every row reported: the second chunk was still tried
    for (const QString &row : rows)
        QVERIFY2(row.startsWith(QLatin1String("uncertain\t")), qPrintable(row));
    QVERIFY2(r.err.contains(QLatin1String("0 failed, 0 not sent (invalid), 3 uncertain")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QLatin1String("user find")), qPrintable(r.err)); // what to do about them
}

void tst_CliUsers::serverFailuresExitFour_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("500") << "status" << 500 << "500";
    QTest::newRow("503") << "status" << 503 << "503";
    QTest::newRow("gateway HTML") << "html" << 0 << "502";
    QTest::newRow("empty body") << "empty" << 0 << "";
    QTest::newRow("cut off") << "truncated" << 0 << "";
    QTest::newRow("connection reset") << "reset" << 0 << "";
}

void tst_CliUsers::serverFailuresExitFour()
{
    QFETCH(QString, mode);
    QFETCH(int, status);
    QFETCH(QString, messagePart);
    QString passkeyId;
    const QString userId = signUp(uniqueName(QStringLiteral("fault")), &passkeyId);
    QJsonObject fault{{QStringLiteral("mode"), mode}};
    if (status)
        fault.insert(QStringLiteral("status"), status);
    QCOMPARE(emulator("PUT", QStringLiteral("/emulator/faults"), fault).status, 200);
    const QList<QStringList> commands{{"user", "get", userId},
                                      {"user", "find", "ada@example.com"},
                                      {"user", "create", uniqueName(QStringLiteral("fault-new"))},
                                      {"user", "rename", userId, uniqueName(QStringLiteral("fault-renamed"))},
                                      {"user", "delete", "--yes", userId},
                                      {"passkeys", "list", userId},
                                      {"passkey", "get", passkeyId},
                                      {"passkey", "delete", "--yes", passkeyId},
                                      {"passkey", "label", passkeyId, "x"},
                                      {"passkey", "begin", userId}};
    for (const QStringList &args : commands) {
        const Run r = cli(QStringList{QStringLiteral("--timeout"), QStringLiteral("5")} + args);
        QVERIFY2(r.exitCode == 4, qPrintable(args.join(QLatin1Char(' ')) + QLatin1String(": ") + r.err));
        QCOMPARE(r.out, QString());
        QVERIFY2(lines(r.err).size() == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(messagePart), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("<html"), Qt::CaseInsensitive), qPrintable(r.err));
    }
    emulator("PUT", QStringLiteral("/emulator/faults"), QJsonObject{{QStringLiteral("mode"), QStringLiteral("none")}});
    QCOMPARE(server("GET", QStringLiteral("/user/") + userId).status, 200); // nothing was deleted
    QCOMPARE(server("GET", QStringLiteral("/credential/") + passkeyId).status, 200);
}

void tst_CliUsers::wrongSecretExitsThree_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("user get") << QStringList{"user", "get", "usr_1"};
    QTest::newRow("user find") << QStringList{"user", "find", "ada@example.com"};
    QTest::newRow("user create") << QStringList{"user", "create", "wrong-secret@cli.test"};
    QTest::newRow("user rename") << QStringList{"user", "rename", "usr_1", "x"};
    QTest::newRow("user delete") << QStringList{"user", "delete", "--yes", "--by-name", "ada@example.com"};
    QTest::newRow("users import") << QStringList{"users", "import", "-"};
    QTest::newRow("passkeys list") << QStringList{"passkeys", "list", "usr_1"};
    QTest::newRow("passkey get") << QStringList{"passkey", "get", "cred_1"};
    QTest::newRow("passkey delete") << QStringList{"passkey", "delete", "--yes", "cred_1"};
    QTest::newRow("passkey label") << QStringList{"passkey", "label", "cred_1", "x"};
    QTest::newRow("passkey begin") << QStringList{"passkey", "begin", "--by-name", "ada@example.com"};
}

void tst_CliUsers::wrongSecretExitsThree()
{
    QFETCH(QStringList, args);
    m_clientSecret = QStringLiteral("wrong-secret-5f3a9");
    const int before = userCount();
    const Run r = cli(args, "wrong-secret-a@cli.test\nwrong-secret-b@cli.test\n");
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.out.contains(QLatin1String("created")), false);
    QVERIFY2(r.err.contains(QLatin1String("rejected the project ID or client secret")), qPrintable(r.err));
    if (args.first() != QLatin1String("users"))
        QCOMPARE(lines(r.err).size(), 1);
    const Run json = cli(QStringList{QStringLiteral("--json")} + args, "wrong-secret-c@cli.test\n");
    QCOMPARE(json.exitCode, 3);
    // users import also says why it stopped, beside its rows.
    QCOMPARE(json.jsonError().value(QLatin1String("kind")).toString(), QStringLiteral("credentials-rejected"));
    QCOMPARE(userCount(), before);
}

QTEST_GUILESS_MAIN(tst_CliUsers)
#include "tst_cliusers.moc"
