// plainkey-cli's profiles as a script would use them: the built binaries, a plainkey-emulator
// process on a free loopback port, a throwaway HOME for the profiles file, and a real Secret
// Service for the secrets (a private GNOME Keyring from tests/common/with-secret-service.sh).

#include "cliharness.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {

// The emulator's default project and secret.
const QString kProject = QStringLiteral("demo-project");
const QByteArray kSecret = "demo-secret";

} // namespace

class tst_CliProfiles : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void addListAndRemove();
    void addRefusesBadInput_data();
    void addRefusesBadInput();
    void profileOptionFetchesATokenWithTheKeychainSecret();
    void environmentVariablesWinOverTheProfile();
    void profileWithoutSecretSaysHowToSetOne();
    void unknownProfileIsAUsageErrorNamingTheKnownOnes();
    void setSecretNeedsStandardInput();
    void exportAndImportCarryNoSecret();
    void damagedProfilesFileIsNotOverwritten();
    void noSecretIsLeftInAnyFileUnderHome();

private:
    Run cli(const QStringList &args, const QByteArray &stdinData = {}, const QProcessEnvironment &extra = {});
    QString profilesFile() const { return m_home->filePath(QStringLiteral(".config/PlainKey/profiles.json")); }

    CliHarness m_cli;
    QUrl m_base;
    std::unique_ptr<QTemporaryDir> m_home;
    //! The throwaway HOMEs of every test, checked for secrets at the end.
    std::vector<std::unique_ptr<QTemporaryDir>> m_homes;
};

void tst_CliProfiles::initTestCase()
{
    m_base = m_cli.start();
    QVERIFY2(m_base.isValid(), qPrintable(m_cli.failure()));
}

void tst_CliProfiles::cleanupTestCase()
{
    m_cli.stop();
}

void tst_CliProfiles::init()
{
    // Each test starts with no profiles file; the HOMEs used before are kept for the last test.
    if (m_home)
        m_homes.push_back(std::move(m_home));
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

Run tst_CliProfiles::cli(const QStringList &args, const QByteArray &stdinData, const QProcessEnvironment &extra)
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"PLAINKEY_BASE_URL", "PLAINKEY_PROJECT_ID", "PLAINKEY_CLIENT_SECRET", "PLAINKEY_PROFILES_FILE",
                             "QT_LOGGING_RULES"})
        e.remove(QString::fromLatin1(name));
    // The profiles file in its default place under a throwaway HOME; the session bus (and the
    // keyring on it) is the one with-secret-service.sh started.
    e.insert(QStringLiteral("HOME"), m_home->path());
    e.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home->filePath(QStringLiteral(".config")));
    e.insert(QStringLiteral("XDG_DATA_HOME"), m_home->filePath(QStringLiteral(".local/share")));
    e.insert(QStringLiteral("PLAINKEY_KEYCHAIN_SERVICE"), QStringLiteral("PlainKey CLI tests"));
    for (const QString &key : extra.keys())
        e.insert(key, extra.value(key));
    return m_cli.run(args, e, stdinData);
}

namespace {

QProcessEnvironment vars(std::initializer_list<std::pair<const char *, QString>> list)
{
    QProcessEnvironment e;
    for (const auto &[k, v] : list)
        e.insert(QString::fromLatin1(k), v);
    return e;
}

} // namespace

void tst_CliProfiles::addListAndRemove()
{
    Run r = cli({QStringLiteral("profile"), QStringLiteral("list")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("No profiles")), qPrintable(r.all()));

    r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("Staging EU"), QStringLiteral("--base-url"),
             QStringLiteral("https://staging.example.com/server"), QStringLiteral("--project-id"), QStringLiteral("proj-s"),
             QStringLiteral("--kind"), QStringLiteral("staging"), QStringLiteral("--color"), QStringLiteral("#2a7ab0")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("emu"), QStringLiteral("--base-url"), m_base.toString(),
             QStringLiteral("--project-id"), kProject});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY(QFile::exists(profilesFile()));

    r = cli({QStringLiteral("profile"), QStringLiteral("list")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("Staging EU")) && r.out.contains(QStringLiteral("staging"))
                     && r.out.contains(QStringLiteral("https://staging.example.com/server")),
             qPrintable(r.out));

    r = cli({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray list = r.json().value(QLatin1String("profiles")).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(QLatin1String("name")).toString(), QStringLiteral("Staging EU"));
    QCOMPARE(list.at(0).toObject().value(QLatin1String("kind")).toString(), QStringLiteral("staging"));
    QCOMPARE(list.at(0).toObject().value(QLatin1String("color")).toString(), QStringLiteral("#2a7ab0"));
    // No --kind: a server on this machine is guessed local.
    QCOMPARE(list.at(1).toObject().value(QLatin1String("kind")).toString(), QStringLiteral("local"));
    QCOMPARE(r.json().value(QLatin1String("file")).toString(), profilesFile());

    // Same name twice: refused.
    r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("emu"), QStringLiteral("--base-url"), m_base.toString(),
             QStringLiteral("--project-id"), kProject});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("already exists")), qPrintable(r.err));

    r = cli({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Staging EU")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    r = cli({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(r.json().value(QLatin1String("profiles")).toArray().size(), 1);
    r = cli({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Staging EU")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("unknown profile \u201cStaging EU\u201d")), qPrintable(r.err));
}

void tst_CliProfiles::addRefusesBadInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString p = QStringLiteral("profile"), a = QStringLiteral("add");
    QTest::newRow("no url") << QStringList{p, a, QStringLiteral("x"), QStringLiteral("--project-id"), QStringLiteral("p")}
                            << QStringLiteral("--base-url");
    QTest::newRow("bad kind") << QStringList{p, a, QStringLiteral("x"), QStringLiteral("--base-url"), QStringLiteral("https://a.example.com"),
                                             QStringLiteral("--project-id"), QStringLiteral("p"), QStringLiteral("--kind"), QStringLiteral("prod")}
                              << QStringLiteral("--kind takes demo, local, staging, production");
    QTest::newRow("bad colour") << QStringList{p, a, QStringLiteral("x"), QStringLiteral("--base-url"), QStringLiteral("https://a.example.com"),
                                               QStringLiteral("--project-id"), QStringLiteral("p"), QStringLiteral("--color"), QStringLiteral("blue")}
                                << QStringLiteral("#rrggbb");
    QTest::newRow("no name") << QStringList{p, a} << QStringLiteral("one NAME");
}

void tst_CliProfiles::addRefusesBadInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QFile::exists(profilesFile()));
}

void tst_CliProfiles::profileOptionFetchesATokenWithTheKeychainSecret()
{
    Run r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("emu"), QStringLiteral("--base-url"), m_base.toString(),
                 QStringLiteral("--project-id"), kProject});
    QCOMPARE(r.exitCode, 0);
    r = cli({QStringLiteral("profile"), QStringLiteral("set-secret"), QStringLiteral("emu"), QStringLiteral("--secret-stdin")}, kSecret + "\n");
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY(!r.all().contains(QString::fromLatin1(kSecret)));

    r = cli({QStringLiteral("--profile"), QStringLiteral("emu"), QStringLiteral("token"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QCOMPARE(r.json().value(QLatin1String("tokenType")).toString(), QStringLiteral("Bearer"));
    QVERIFY(r.json().value(QLatin1String("expiresIn")).toInt() > 0);

    // The option after the command works too, and a wrong secret in the keychain is PlainKey's refusal (3).
    r = cli({QStringLiteral("profile"), QStringLiteral("set-secret"), QStringLiteral("emu"), QStringLiteral("--secret-stdin")},
            "not-the-secret-789\n");
    QCOMPARE(r.exitCode, 0);
    r = cli({QStringLiteral("token"), QStringLiteral("--profile"), QStringLiteral("emu")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY(!r.all().contains(QStringLiteral("not-the-secret-789")));
}

void tst_CliProfiles::environmentVariablesWinOverTheProfile()
{
    // The profile points at a port where nothing listens; the variables point at the emulator.
    Run r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("elsewhere"), QStringLiteral("--base-url"),
                 QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--project-id"), QStringLiteral("other-project")});
    QCOMPARE(r.exitCode, 0);
    r = cli({QStringLiteral("profile"), QStringLiteral("set-secret"), QStringLiteral("elsewhere"), QStringLiteral("--secret-stdin")},
            "wrong-secret-456\n");
    QCOMPARE(r.exitCode, 0);

    r = cli({QStringLiteral("--profile"), QStringLiteral("elsewhere"), QStringLiteral("token")}, {},
            vars({{"PLAINKEY_BASE_URL", m_base.toString()}, {"PLAINKEY_PROJECT_ID", kProject}, {"PLAINKEY_CLIENT_SECRET", QString::fromLatin1(kSecret)}}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));

    // Only the secret from the environment: the profile's own server is used (and is not there).
    r = cli({QStringLiteral("--profile"), QStringLiteral("elsewhere"), QStringLiteral("token"), QStringLiteral("--timeout"), QStringLiteral("5")},
            {}, vars({{"PLAINKEY_CLIENT_SECRET", QString::fromLatin1(kSecret)}}));
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.contains(QStringLiteral("127.0.0.1:9")), qPrintable(r.err));

    // The profile's project with the emulator's address from the environment: the keychain's wrong secret is refused.
    r = cli({QStringLiteral("--profile"), QStringLiteral("elsewhere"), QStringLiteral("token")}, {},
            vars({{"PLAINKEY_BASE_URL", m_base.toString()}}));
    QCOMPARE(r.exitCode, 3);
}

void tst_CliProfiles::profileWithoutSecretSaysHowToSetOne()
{
    Run r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("bare"), QStringLiteral("--base-url"), m_base.toString(),
                 QStringLiteral("--project-id"), kProject});
    QCOMPARE(r.exitCode, 0);
    r = cli({QStringLiteral("--profile"), QStringLiteral("bare"), QStringLiteral("token")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("No client secret for profile \u201cbare\u201d")), qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("profile set-secret")));
    // --secret-stdin still works with a profile.
    r = cli({QStringLiteral("--profile"), QStringLiteral("bare"), QStringLiteral("--secret-stdin"), QStringLiteral("token")}, kSecret + "\n");
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
}

void tst_CliProfiles::unknownProfileIsAUsageErrorNamingTheKnownOnes()
{
    Run r = cli({QStringLiteral("--profile"), QStringLiteral("nope"), QStringLiteral("token")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("unknown profile \u201cnope\u201d")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("no profiles yet")), qPrintable(r.err));

    for (const QString &name : {QStringLiteral("alpha"), QStringLiteral("beta")}) {
        QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), name, QStringLiteral("--base-url"), m_base.toString(),
                      QStringLiteral("--project-id"), kProject})
                         .exitCode,
                 0);
    }
    r = cli({QStringLiteral("--profile"), QStringLiteral("nope"), QStringLiteral("token"), QStringLiteral("--json")},
            {}, vars({{"PLAINKEY_CLIENT_SECRET", QString::fromLatin1(kSecret)}}));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("unknown profile \u201cnope\u201d; the profiles are: alpha, beta")), qPrintable(r.err));
    QCOMPARE(r.jsonError().value(QLatin1String("kind")).toString(), QStringLiteral("usage"));
    QVERIFY(!r.all().contains(QString::fromLatin1(kSecret)));
}

void tst_CliProfiles::setSecretNeedsStandardInput()
{
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("emu"), QStringLiteral("--base-url"), m_base.toString(),
                  QStringLiteral("--project-id"), kProject})
                     .exitCode,
             0);
    Run r = cli({QStringLiteral("profile"), QStringLiteral("set-secret"), QStringLiteral("emu")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--secret-stdin")), qPrintable(r.err));
    r = cli({QStringLiteral("profile"), QStringLiteral("set-secret"), QStringLiteral("emu"), QStringLiteral("--secret-stdin")}, "\n");
    QCOMPARE(r.exitCode, 2);
    r = cli({QStringLiteral("profile"), QStringLiteral("set-secret"), QStringLiteral("ghost"), QStringLiteral("--secret-stdin")}, "x\n");
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("\u201cghost\u201d")), qPrintable(r.err));
}

void tst_CliProfiles::exportAndImportCarryNoSecret()
{
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("emu"), QStringLiteral("--base-url"), m_base.toString(),
                  QStringLiteral("--project-id"), kProject, QStringLiteral("--kind"), QStringLiteral("demo")})
                     .exitCode,
             0);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("set-secret"), QStringLiteral("emu"), QStringLiteral("--secret-stdin")}, kSecret + "\n")
                     .exitCode,
             0);
    QTemporaryDir out;
    const QString file = out.filePath(QStringLiteral("shared.json"));
    Run r = cli({QStringLiteral("profile"), QStringLiteral("export"), file});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray exported = f.readAll();
    QVERIFY(exported.contains("\"emu\""));
    QVERIFY(!exported.contains(kSecret));
    QVERIFY(!exported.toLower().contains("secret"));

    // Into a fresh HOME, with a secret someone added by hand: imported without it, and told so.
    QJsonObject doc = QJsonDocument::fromJson(exported).object();
    QJsonArray list = doc.value(QLatin1String("profiles")).toArray();
    QJsonObject first = list.at(0).toObject();
    first.insert(QStringLiteral("clientSecret"), QStringLiteral("hand-added-secret-321"));
    list[0] = first;
    doc.insert(QStringLiteral("profiles"), list);
    QFile g(out.filePath(QStringLiteral("with-secret.json")));
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(QJsonDocument(doc).toJson());
    g.close();
    m_homes.push_back(std::move(m_home));
    m_home = std::make_unique<QTemporaryDir>();
    r = cli({QStringLiteral("profile"), QStringLiteral("import"), g.fileName()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.err.contains(QStringLiteral("clientSecret")) && r.err.contains(QStringLiteral("left out")), qPrintable(r.err));
    QVERIFY(!r.all().contains(QStringLiteral("hand-added-secret-321")));
    r = cli({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
    const QJsonObject imported = r.json().value(QLatin1String("profiles")).toArray().at(0).toObject();
    QCOMPARE(imported.value(QLatin1String("name")).toString(), QStringLiteral("emu"));
    QCOMPARE(imported.value(QLatin1String("kind")).toString(), QStringLiteral("demo"));
    QFile saved(profilesFile());
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(!saved.readAll().contains("hand-added-secret-321"));
    // Importing the same names again is refused whole.
    r = cli({QStringLiteral("profile"), QStringLiteral("import"), file});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("exist already: emu")), qPrintable(r.err));
}

void tst_CliProfiles::damagedProfilesFileIsNotOverwritten()
{
    QVERIFY(QDir().mkpath(QFileInfo(profilesFile()).absolutePath()));
    QFile f(profilesFile());
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"profiles\": [ {\"name\": ");
    f.close();
    Run r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("x"), QStringLiteral("--base-url"), m_base.toString(),
                 QStringLiteral("--project-id"), kProject});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("not valid JSON")) && r.err.contains(profilesFile()), qPrintable(r.err));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("{\"profiles\": [ {\"name\": "));
}

void tst_CliProfiles::noSecretIsLeftInAnyFileUnderHome()
{
    m_homes.push_back(std::move(m_home));
    m_home = std::make_unique<QTemporaryDir>();
    // A whole session in one HOME: add, secret, token, export, remove.
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("emu"), QStringLiteral("--base-url"), m_base.toString(),
                  QStringLiteral("--project-id"), kProject})
                     .exitCode,
             0);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("set-secret"), QStringLiteral("emu"), QStringLiteral("--secret-stdin")}, kSecret + "\n")
                     .exitCode,
             0);
    QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("emu"), QStringLiteral("--verbose"), QStringLiteral("token")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("export"), m_home->filePath(QStringLiteral("export.json"))}).exitCode, 0);
    m_homes.push_back(std::move(m_home));
    m_home = std::make_unique<QTemporaryDir>();

    int files = 0;
    for (const auto &home : m_homes) {
        if (!home)
            continue;
        QDirIterator it(home->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray content = f.readAll();
            ++files;
            for (const QByteArray &secret : {kSecret, QByteArray("not-the-secret-789"), QByteArray("wrong-secret-456"),
                                             QByteArray("hand-added-secret-321")})
                QVERIFY2(!content.contains(secret), qPrintable(f.fileName()));
        }
    }
    QVERIFY(files >= 3); // the profiles files were there to look at
}

QTEST_GUILESS_MAIN(tst_CliProfiles)
#include "tst_cliprofiles.moc"
