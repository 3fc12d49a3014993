// plainkey-emulator --data, --seed and --export as a person runs them: a real process, changes
// made over HTTP, kill -9 right after their answers, a restart, and everything still there;
// files that are not the emulator's refused at start with exit status 1 and left byte for
// byte; export and seed reading each other; memory-only mode writing nothing.

#include "emulatorprocess.h"
#include "emulatortesthelper.h"
#include "sqlitefiletesthelper.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace emutest;

namespace {

QString tokenOf(const Answer &a)
{
    return a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
}

QJsonObject userIdentifier(const QString &name)
{
    return QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), name}}}};
}

//! A seed document written by hand, with what only real WebAuthn passkeys carry.
QJsonObject handWrittenSeed()
{
    return QJsonObject{
            {QStringLiteral("format"), QStringLiteral("plainkey-emulator-project")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("users"),
             QJsonArray{QJsonObject{
                                {QStringLiteral("id"), QStringLiteral("usr_browser")},
                                {QStringLiteral("userName"), QStringLiteral("browser@example.com")},
                                {QStringLiteral("createdAt"), QStringLiteral("2026-11-01T09:30:00.250+01:00")},
                                {QStringLiteral("webAuthnUserHandle"), QStringLiteral("dXNyX2Jyb3dzZXI")},
                                {QStringLiteral("passkeys"),
                                 QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("cred_browser")},
                                                        {QStringLiteral("webAuthnId"), QStringLiteral("q83vEjRWeJA")},
                                                        {QStringLiteral("label"), QStringLiteral("Chromium")},
                                                        {QStringLiteral("aaguid"), QStringLiteral("01020304-0506-0708-0102-030405060708")},
                                                        {QStringLiteral("credentialDeviceType"), QStringLiteral("singleDevice")},
                                                        {QStringLiteral("credentialBackedUp"), false},
                                                        {QStringLiteral("transports"), QJsonArray{QStringLiteral("internal")}},
                                                        {QStringLiteral("counter"), 3},
                                                        {QStringLiteral("createdAt"), QStringLiteral("2026-11-01T08:31:00Z")},
                                                        // a COSE EC2 key: {1: 2, 3: -7, -1: 1, -2: x, -3: y}
                                                        {QStringLiteral("publicKey"), QStringLiteral("pQECAyYgASFYIBERERERERERERERERERERERERERERERERERERERERERIlggIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI")},
                                                        {QStringLiteral("signCount"), 3}}}}},
                        QJsonObject{{QStringLiteral("userName"), QStringLiteral("minimal@example.com")}}}},
    };
}

} // namespace

class tst_EmulatorPersistence : public QObject
{
    Q_OBJECT
private slots:
    void acknowledgedChangesSurviveKillNine();
    void refusedFilesStayAsTheyWere_data();
    void refusedFilesStayAsTheyWere();
    void anEmptyFileIsInitialised();
    void aSecondEmulatorCannotShareTheFile();
    void exportAndSeedReadEachOther();
    void badSeedsAreRefusedByEntry_data();
    void badSeedsAreRefusedByEntry();
    void memoryOnlyModeWritesNothing();

private:
    QTemporaryDir m_dir;
};

void tst_EmulatorPersistence::acknowledgedChangesSurviveKillNine()
{
    const QString path = m_dir.filePath(QStringLiteral("kill9.db"));
    const QStringList args{QStringLiteral("--data"), path, QStringLiteral("--single-use-tokens")};
    QString kimId, leeId, adaId, b1Id, b3Id, kimKey, leeKey;
    QString outstanding, verified, beginToken;
    QByteArray oldAccessToken;
    QJsonArray kimPasskeys;
    {
        EmulatorProcess p(args);
        const QUrl base = p.waitForUrl();
        QVERIFY2(base.isValid(), qPrintable(p.process.readAllStandardError()));
        Session s(base, QStringLiteral("demo-project"), QStringLiteral("demo-secret"));
        oldAccessToken = s.token();
        const Answer ada = s.call("POST", QStringLiteral("/user"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada@example.com")}});
        QCOMPARE(ada.status, 200);
        adaId = ada.json.value(QLatin1String("id")).toString();
        const Answer bulk = s.call("POST", QStringLiteral("/user/bulk"),
                                   QJsonObject{{QStringLiteral("users"), QJsonArray{QJsonObject{{QStringLiteral("userName"), QStringLiteral("b1")}},
                                                                                    QJsonObject{{QStringLiteral("userName"), QStringLiteral("b2")}},
                                                                                    QJsonObject{}}}});
        QCOMPARE(bulk.status, 200);
        b1Id = bulk.array.at(0).toObject().value(QLatin1String("id")).toString();
        b3Id = bulk.array.at(2).toObject().value(QLatin1String("id")).toString();
        QCOMPARE(s.call("PATCH", QStringLiteral("/user"),
                        QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("b1")}}},
                                    {QStringLiteral("updates"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("b1-renamed")}}}})
                         .status,
                 200);
        QCOMPARE(s.call("DELETE", QStringLiteral("/user"), userIdentifier(QStringLiteral("b2"))).status, 200);

        const Answer kim = emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("kim")}});
        QCOMPARE(kim.status, 200);
        kimId = kim.json.value(QLatin1String("userId")).toString();
        kimKey = kim.json.value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString();
        outstanding = tokenOf(kim);
        const Answer lee = emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("lee")}});
        leeId = lee.json.value(QLatin1String("userId")).toString();
        leeKey = lee.json.value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString();
        QCOMPARE(s.call("PATCH", QStringLiteral("/credential/%1/label").arg(kimKey), QJsonObject{{QStringLiteral("label"), QStringLiteral("Kim's laptop")}}).status, 200);
        const Answer signIn = emulatorCall(base, "POST", QStringLiteral("/emulator/sign-in"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("kim")}});
        QCOMPARE(signIn.status, 200);
        verified = tokenOf(signIn);
        QCOMPARE(s.verify(verified).status, 200);
        QCOMPARE(s.call("DELETE", QStringLiteral("/credential/%1").arg(leeKey)).status, 200);
        const Answer begin = s.call("POST", QStringLiteral("/user/credential/begin"), userIdentifier(QStringLiteral("ada@example.com")));
        QCOMPARE(begin.status, 200);
        beginToken = begin.json.value(QLatin1String("authenticationToken")).toString();
        const Answer listed = s.call("GET", QStringLiteral("/user/%1/credentials").arg(kimId));
        QCOMPARE(listed.status, 200);
        kimPasskeys = listed.array;
        QCOMPARE(kimPasskeys.first().toObject().value(QLatin1String("counter")).toInt(), 1);
        // Right after the last acknowledged answer: no clean stop, no checkpoint.
        p.killNine();
        QCOMPARE(p.process.exitStatus(), QProcess::CrashExit);
    }
    QVERIFY(QFile::exists(path + QStringLiteral("-wal"))); // the changes are still in the log, not folded in

    EmulatorProcess q(args);
    const QUrl base = q.waitForUrl();
    QVERIFY2(base.isValid(), qPrintable(q.process.readAllStandardError()));
    // Access tokens live in memory only: the old one is refused, and a client fetches another.
    const Answer stale = send("GET", at(base, QStringLiteral("/user/%1").arg(adaId)), {},
                              {{"Authorization", "Bearer " + oldAccessToken}, {"x-project-id", "demo-project"}});
    QCOMPARE(stale.status, 401);
    Session s(base, QStringLiteral("demo-project"), QStringLiteral("demo-secret"));
    QCOMPARE(s.call("GET", QStringLiteral("/user/%1").arg(adaId)).json.value(QLatin1String("userName")).toString(), QStringLiteral("ada@example.com"));
    QCOMPARE(s.call("GET", QStringLiteral("/user/%1").arg(b1Id)).json.value(QLatin1String("userName")).toString(), QStringLiteral("b1-renamed"));
    QCOMPARE(s.call("GET", QStringLiteral("/user?userName=b2")).status, 404);
    const Answer b3 = s.call("GET", QStringLiteral("/user/%1").arg(b3Id));
    QCOMPARE(b3.status, 200);
    QVERIFY(!b3.json.contains(QLatin1String("userName")));
    QCOMPARE(s.call("GET", QStringLiteral("/user/%1/credentials").arg(kimId)).array, kimPasskeys);
    QCOMPARE(kimPasskeys.first().toObject().value(QLatin1String("label")).toString(), QStringLiteral("Kim's laptop"));
    QCOMPARE(s.call("GET", QStringLiteral("/user/%1/credentials").arg(leeId)).array, QJsonArray());
    QCOMPARE(s.call("GET", QStringLiteral("/credential/%1").arg(leeKey)).status, 404);
    // Outstanding tokens still verify; the verified one stays used (single-use).
    QCOMPARE(s.verify(outstanding).status, 200);
    QCOMPARE(s.verify(beginToken).status, 200);
    const Answer again = s.verify(verified);
    QCOMPARE(again.status, 401);
    QVERIFY2(again.errorText().contains(QLatin1String("already been used")), qPrintable(again.errorText()));
}

void tst_EmulatorPersistence::refusedFilesStayAsTheyWere_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("reason");
    QTest::newRow("random bytes") << "random" << "not an SQLite database";
    QTest::newRow("foreign SQLite") << "foreign" << "another program (tables: invoices)";
    QTest::newRow("newer schema") << "newer" << "newer plainkey-emulator (schema version 7";
    QTest::newRow("not writable") << "readonly" << "not writable";
    QTest::newRow("a folder") << "folder" << "not a regular file";
}

void tst_EmulatorPersistence::refusedFilesStayAsTheyWere()
{
    QFETCH(QString, kind);
    QFETCH(QString, reason);
    const QString path = m_dir.filePath(QStringLiteral("refused-%1.db").arg(kind));
    bool immutable = false;
    if (kind == QLatin1String("random")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 4096; ++i)
            f.putChar(char((i * 131 + 7) % 256));
    } else if (kind == QLatin1String("foreign")) {
        execSql(path, {QStringLiteral("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"), QStringLiteral("INSERT INTO invoices VALUES (42)")});
    } else if (kind == QLatin1String("newer")) {
        {
            EmulatorProcess p({QStringLiteral("--data"), path});
            QVERIFY(p.waitForUrl().isValid());
            p.process.terminate();
            QVERIFY(p.process.waitForFinished(10000));
            QCOMPARE(p.process.exitCode(), 0);
        }
        execSql(path, {QStringLiteral("PRAGMA user_version = 7")});
    } else if (kind == QLatin1String("readonly")) {
        execSql(path, {QStringLiteral("CREATE TABLE t (x)")});
        if (::geteuid() == 0) {
            // Permissions do not stop root; the immutable attribute does (ext4 and others).
            immutable = QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("+i"), path}) == 0;
            if (!immutable)
                QSKIP("running as root on a file system without chattr +i: cannot make a file unwritable");
        } else {
            QVERIFY(QFile::setPermissions(path, QFile::ReadOwner));
        }
    } else if (kind == QLatin1String("folder")) {
        QVERIFY(QDir().mkpath(path));
    }
    const QByteArray before = QFileInfo(path).isFile() ? fileHash(path) : QByteArray("folder");
    EmulatorProcess p({QStringLiteral("--data"), path});
    QString err;
    const int code = p.finish(&err);
    if (immutable)
        QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("-i"), path});
    QCOMPARE(code, 1);
    QVERIFY(p.process.readAllStandardOutput().isEmpty()); // no URL: it never served
    QVERIFY2(err.contains(path) && err.contains(reason), qPrintable(err));
    QCOMPARE(QFileInfo(path).isFile() ? fileHash(path) : QByteArray("folder"), before);
}

void tst_EmulatorPersistence::anEmptyFileIsInitialised()
{
    // An empty file holds nothing to lose (touch, mktemp): it becomes the project's file.
    const QString path = m_dir.filePath(QStringLiteral("empty.db"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    EmulatorProcess p({QStringLiteral("--data"), path});
    const QUrl base = p.waitForUrl();
    QVERIFY2(base.isValid(), qPrintable(p.process.readAllStandardError()));
    QCOMPARE(emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("e")}}).status, 200);
    p.process.terminate();
    QVERIFY(p.process.waitForFinished(10000));
    QCOMPARE(p.process.exitCode(), 0);
    QVERIFY(QFileInfo(path).size() > 0);
    QVERIFY(!QFile::exists(path + QStringLiteral("-wal"))); // a clean stop folds the log in
}

void tst_EmulatorPersistence::aSecondEmulatorCannotShareTheFile()
{
    const QString path = m_dir.filePath(QStringLiteral("shared.db"));
    EmulatorProcess first({QStringLiteral("--data"), path});
    QVERIFY(first.waitForUrl().isValid());
    EmulatorProcess second({QStringLiteral("--data"), path});
    QString err;
    QCOMPARE(second.finish(&err), 1);
    QVERIFY2(err.contains(path) && err.contains(QLatin1String("in use by another program")), qPrintable(err));
}

void tst_EmulatorPersistence::exportAndSeedReadEachOther()
{
    const QString seedPath = m_dir.filePath(QStringLiteral("hand.json"));
    {
        QFile f(seedPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(handWrittenSeed()).toJson());
    }
    const QString dataPath = m_dir.filePath(QStringLiteral("exported.db"));
    QJsonObject fromA;
    QString signUpToken;
    {
        EmulatorProcess a({QStringLiteral("--data"), dataPath, QStringLiteral("--seed"), seedPath, QStringLiteral("--seed-demo")});
        const QUrl base = a.waitForUrl();
        QVERIFY2(base.isValid(), qPrintable(a.process.readAllStandardError()));
        const Answer up = emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("new")}});
        signUpToken = tokenOf(up);
        QCOMPARE(emulatorCall(base, "GET", QStringLiteral("/emulator/export")).status, 405);
        const Answer exported = emulatorCall(base, "POST", QStringLiteral("/emulator/export"));
        QCOMPARE(exported.status, 200);
        fromA = exported.json;
        QVERIFY(!exported.body.contains(signUpToken.toUtf8().split('.').last())); // no token in an export
        a.killNine();
    }
    const QJsonArray users = fromA.value(QLatin1String("users")).toArray();
    QCOMPARE(users.size(), 2 + 5 + 1);
    const QJsonObject browser = users.first().toObject(); // oldest first
    QCOMPARE(browser.value(QLatin1String("id")).toString(), QStringLiteral("usr_browser"));
    QCOMPARE(browser.value(QLatin1String("createdAt")).toString(), QStringLiteral("2026-11-01T08:30:00.250Z")); // in UTC
    QCOMPARE(browser.value(QLatin1String("webAuthnUserHandle")).toString(), QStringLiteral("dXNyX2Jyb3dzZXI"));
    const QJsonObject key = browser.value(QLatin1String("passkeys")).toArray().first().toObject();
    QCOMPARE(key.value(QLatin1String("publicKey")), handWrittenSeed()["users"].toArray().first().toObject()["passkeys"].toArray().first().toObject()["publicKey"]);
    QCOMPARE(key.value(QLatin1String("signCount")).toInt(), 3);

    // The file after kill -9, exported offline, says the same.
    const QString outPath = m_dir.filePath(QStringLiteral("out.json"));
    EmulatorProcess offline({QStringLiteral("--data"), dataPath, QStringLiteral("--export"), outPath});
    QString err;
    QCOMPARE(offline.finish(&err), 0);
    QFile out(outPath);
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QJsonObject fromFile = QJsonDocument::fromJson(out.readAll()).object();
    QCOMPARE(fromFile.value(QLatin1String("users")), fromA.value(QLatin1String("users")));

    // Seeded into a memory-only emulator, it exports equal again.
    EmulatorProcess b({QStringLiteral("--seed"), outPath});
    const QUrl base = b.waitForUrl();
    QVERIFY2(base.isValid(), qPrintable(b.process.readAllStandardError()));
    const Answer fromB = emulatorCall(base, "POST", QStringLiteral("/emulator/export"));
    QCOMPARE(fromB.json.value(QLatin1String("users")), fromA.value(QLatin1String("users")));
    QCOMPARE(fromB.json.value(QLatin1String("format")).toString(), QStringLiteral("plainkey-emulator-project"));
    QCOMPARE(fromB.json.value(QLatin1String("version")).toInt(), 1);
}

void tst_EmulatorPersistence::badSeedsAreRefusedByEntry_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("message");
    auto row = [](const char *name, const char *path, const QJsonValue &value, const char *message) {
        QTest::newRow(name) << QString::fromLatin1(path) << value << QString::fromUtf8(message);
    };
    row("time without zone", "users/0/createdAt", QStringLiteral("2026-11-01T09:30:00"), "users[0].createdAt: must be an ISO 8601 time with its zone");
    row("not base64url", "users/0/passkeys/0/publicKey", QStringLiteral("a+b/c=="), "users[0].passkeys[0].publicKey: must be base64url");
    row("key not CBOR map", "users/0/passkeys/0/publicKey", QStringLiteral("AQID"), "users[0].passkeys[0].publicKey: must be a COSE_Key");
    row("negative counter", "users/0/passkeys/0/counter", -1, "users[0].passkeys[0].counter: must be a whole number");
    row("device type", "users/0/passkeys/0/credentialDeviceType", QStringLiteral("phone"), "users[0].passkeys[0].credentialDeviceType");
    row("duplicate name", "users/1/userName", QStringLiteral("browser@example.com"), "users[1].userName: \"browser@example.com\" is given to another user before");
    row("misspelt key", "users/0/passkeys/0/lable", QStringLiteral("x"), "users[0].passkeys[0]: unknown key \"lable\"");
    row("newer format", "version", 2, "version 2 of the format");
    row("user not object", "users/1", 5, "users[1]: must be an object");
}

void tst_EmulatorPersistence::badSeedsAreRefusedByEntry()
{
    QFETCH(QString, path);
    QFETCH(QJsonValue, value);
    QFETCH(QString, message);
    // Sets value at path (object keys and array indexes) in the hand-written seed.
    std::function<QJsonValue(QJsonValue, QStringList)> put = [&](QJsonValue at, QStringList parts) -> QJsonValue {
        if (parts.isEmpty())
            return value;
        const QString head = parts.takeFirst();
        if (at.isArray()) {
            QJsonArray a = at.toArray();
            a[head.toInt()] = put(a.at(head.toInt()), parts);
            return a;
        }
        QJsonObject o = at.toObject();
        o[head] = put(o.value(head), parts);
        return o;
    };
    const QJsonObject doc = put(handWrittenSeed(), path.split(QLatin1Char('/'))).toObject();
    const QString seedPath = m_dir.filePath(QStringLiteral("bad-seed.json"));
    QFile f(seedPath);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(doc).toJson());
    f.close();
    EmulatorProcess p({QStringLiteral("--seed"), seedPath});
    QString err;
    QCOMPARE(p.finish(&err), 1);
    QVERIFY2(err.contains(seedPath) && err.contains(message), qPrintable(err));
}

void tst_EmulatorPersistence::memoryOnlyModeWritesNothing()
{
    QTemporaryDir cwd;
    {
        EmulatorProcess p({}, EmulatorProcess::environment(), cwd.path());
        const QUrl base = p.waitForUrl();
        QVERIFY(base.isValid());
        QCOMPARE(emulatorCall(base, "POST", QStringLiteral("/emulator/sign-up"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("m")}}).status, 200);
        p.killNine();
    }
    QCOMPARE(QDir(cwd.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
    EmulatorProcess p({}, EmulatorProcess::environment(), cwd.path());
    const QUrl base = p.waitForUrl();
    QCOMPARE(emulatorCall(base, "GET", QStringLiteral("/emulator/info")).json.value(QLatin1String("users")).toInt(), 0);
}

QTEST_GUILESS_MAIN(tst_EmulatorPersistence)
#include "tst_emulatorpersistence.moc"
