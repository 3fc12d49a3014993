// Named profiles in their JSON file: real files in a temporary folder, and the client secret of
// each profile in a real Secret Service (a private GNOME Keyring started by
// tests/common/with-secret-service.sh for this test alone).

#include "core/profile/profilestore.h"
#include "core/profile/secretstore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace plainkey;

namespace {

Profile make(const QString &name, const QString &url, const QString &project, Profile::Kind kind, const QString &color = {})
{
    Profile p;
    p.name = name;
    p.baseUrl = QUrl(url);
    p.projectId = project;
    p.kind = kind;
    p.color = color;
    return p;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

std::optional<QString> readSecret(SecretStore &store, const QString &key, SecretStore::Outcome *outcome = nullptr)
{
    bool done = false;
    std::optional<QString> secret;
    store.read(key, nullptr, [&](const std::optional<QString> &s, const SecretStore::Outcome &o) {
        secret = s;
        if (outcome)
            *outcome = o;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 20000))
        qWarning("the keychain did not answer in 20 s");
    return secret;
}

bool writeSecret(SecretStore &store, const QString &key, const QString &secret)
{
    bool done = false, ok = false;
    store.write(key, secret, nullptr, [&](const SecretStore::Outcome &o) {
        ok = o.ok;
        done = true;
    });
    return QTest::qWaitFor([&done] { return done; }, 20000) && ok;
}

} // namespace

class tst_ProfileStore : public QObject
{
    Q_OBJECT
private slots:
    void missingFileIsAnEmptyStore();
    void profilesSurviveASaveAndALoad();
    void invalidProfilesAreRefusedWithAReason_data();
    void invalidProfilesAreRefusedWithAReason();
    void namesAreUnique();
    void saveReplacesTheFileWholeNeverInPlace();
    void damagedFileIsRefusedAndNotOverwritten_data();
    void damagedFileIsRefusedAndNotOverwritten();
    void damagedFileCanBeMovedAside();
    void exportHasNoSecretAndImportsBack();
    void importLeavesSecretFieldsOutAndSaysSo();
    void importRefusesWhatIsNotAProfileList();
    void savedConnectionBecomesTheFirstProfileOnce();
    void environmentVariableChoosesTheFile();
    void eachProfileKeepsItsOwnSecretInTheKeychain();
};

void tst_ProfileStore::missingFileIsAnEmptyStore()
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("sub/profiles.json")));
    QVERIFY(store.load());
    QVERIFY(store.profiles().isEmpty());
    QVERIFY(!store.isDamaged());
    // Saving creates the folder too.
    QVERIFY2(store.save(), qPrintable(store.errorString()));
    QVERIFY(QFile::exists(store.path()));
}

void tst_ProfileStore::profilesSurviveASaveAndALoad()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profiles.json"));
    ProfileStore a(path);
    QVERIFY(a.load());
    const Profile staging = make(QStringLiteral("Staging EU"), QStringLiteral("https://staging.example.com/server"),
                                 QStringLiteral("proj-s"), Profile::Kind::Staging, QStringLiteral("#2a7ab0"));
    const Profile prod = make(QStringLiteral("Production \u00e9t\u00e9"), QStringLiteral("https://api.plainkey.io/server"),
                              QStringLiteral("proj-p"), Profile::Kind::Production);
    const Profile local = make(QStringLiteral("Emulator"), QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("demo-project"),
                               Profile::Kind::Local);
    QVERIFY2(a.put(staging), qPrintable(a.errorString()));
    QVERIFY2(a.put(prod), qPrintable(a.errorString()));
    QVERIFY2(a.put(local), qPrintable(a.errorString()));
    QVERIFY2(a.save(), qPrintable(a.errorString()));
    QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());

    ProfileStore b(path);
    QVERIFY2(b.load(), qPrintable(b.errorString()));
    QCOMPARE(b.profiles().size(), 3);
    QCOMPARE(*b.find(staging.name), staging);
    QCOMPARE(*b.find(prod.name), prod);
    QCOMPARE(*b.find(local.name), local);
    QCOMPARE(b.names(), (QStringList{staging.name, prod.name, local.name})); // order kept

    // Rename through put(…, replacing), then remove.
    Profile renamed = staging;
    renamed.name = QStringLiteral("Staging");
    QVERIFY(b.put(renamed, staging.name));
    QVERIFY(!b.contains(staging.name));
    QVERIFY(b.remove(local.name));
    QVERIFY(!b.remove(local.name));
    QVERIFY(b.save());
    ProfileStore c(path);
    QVERIFY(c.load());
    QCOMPARE(c.names(), (QStringList{QStringLiteral("Staging"), prod.name}));
}

void tst_ProfileStore::invalidProfilesAreRefusedWithAReason_data()
{
    QTest::addColumn<Profile>("profile");
    QTest::addColumn<QString>("reason");
    const QString url = QStringLiteral("https://api.plainkey.io/server");
    QTest::newRow("no name") << make({}, url, QStringLiteral("p"), Profile::Kind::Staging) << QStringLiteral("needs a name");
    QTest::newRow("spaces") << make(QStringLiteral(" x"), url, QStringLiteral("p"), Profile::Kind::Staging) << QStringLiteral("spaces");
    QTest::newRow("control") << make(QStringLiteral("a\nb"), url, QStringLiteral("p"), Profile::Kind::Staging) << QStringLiteral("control");
    QTest::newRow("long") << make(QString(65, QLatin1Char('n')), url, QStringLiteral("p"), Profile::Kind::Staging) << QStringLiteral("64");
    QTest::newRow("no project") << make(QStringLiteral("x"), url, {}, Profile::Kind::Staging) << QStringLiteral("project");
    QTest::newRow("bad url") << make(QStringLiteral("x"), QStringLiteral("ftp://h"), QStringLiteral("p"), Profile::Kind::Staging)
                             << QStringLiteral("http");
    QTest::newRow("bad colour") << make(QStringLiteral("x"), url, QStringLiteral("p"), Profile::Kind::Staging, QStringLiteral("red"))
                                << QStringLiteral("#rrggbb");
}

void tst_ProfileStore::invalidProfilesAreRefusedWithAReason()
{
    QFETCH(Profile, profile);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("p.json")));
    QVERIFY(!store.put(profile));
    QVERIFY2(store.errorString().contains(reason, Qt::CaseInsensitive), qPrintable(store.errorString()));
    QVERIFY(store.profiles().isEmpty());
}

void tst_ProfileStore::namesAreUnique()
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("p.json")));
    const Profile p = make(QStringLiteral("Prod"), QStringLiteral("https://api.plainkey.io/server"), QStringLiteral("p"), Profile::Kind::Production);
    QVERIFY(store.put(p));
    QVERIFY(!store.put(p));
    QVERIFY2(store.errorString().contains(QStringLiteral("already exists")), qPrintable(store.errorString()));
    QCOMPARE(store.freeName(QStringLiteral("Prod")), QStringLiteral("Prod (2)"));
    Profile copy = p;
    copy.name = store.freeName(p.name);
    QVERIFY(store.put(copy));
    QCOMPARE(store.freeName(QStringLiteral("Prod")), QStringLiteral("Prod (3)"));
    QCOMPARE(store.freeName(QStringLiteral("Other")), QStringLiteral("Other"));
}

void tst_ProfileStore::saveReplacesTheFileWholeNeverInPlace()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profiles.json"));
    ProfileStore store(path);
    QVERIFY(store.put(make(QStringLiteral("One"), QStringLiteral("https://a.example.com"), QStringLiteral("p1"), Profile::Kind::Staging)));
    QVERIFY(store.save());
    const QByteArray before = readAll(path);

    // A reader that opened the file before the save (another console, the CLI) still reads the
    // old file whole: the new one replaces it by rename, never by rewriting it in place.
    QFile reader(path);
    QVERIFY(reader.open(QIODevice::ReadOnly));
    for (int i = 0; i < 50; ++i)
        QVERIFY(store.put(make(QStringLiteral("Profile %1").arg(i), QStringLiteral("https://b.example.com"), QStringLiteral("p%1").arg(i),
                               Profile::Kind::Local)));
    QVERIFY(store.save());
    QCOMPARE(reader.readAll(), before);
    const QByteArray after = readAll(path);
    QVERIFY(after.size() > before.size());
    QCOMPARE(QJsonDocument::fromJson(after).object().value(QLatin1String("profiles")).toArray().size(), 51);
    // No temporary file is left beside it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("profiles.json")});
}

void tst_ProfileStore::damagedFileIsRefusedAndNotOverwritten_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("reason");
    QTest::newRow("cut short") << QByteArray("{\"version\":1,\"profiles\":[{\"name\":\"A\",\"baseUrl\":\"https://a.example.com\",\"proj")
                               << QStringLiteral("not valid JSON");
    QTest::newRow("no list") << QByteArray("{\"version\":1}") << QStringLiteral("no \u201cprofiles\u201d list");
    QTest::newRow("newer") << QByteArray("{\"version\":7,\"profiles\":[]}") << QStringLiteral("newer");
    QTest::newRow("bad kind") << QByteArray("{\"profiles\":[{\"name\":\"A\",\"baseUrl\":\"https://a.example.com\",\"projectId\":\"p\",\"kind\":\"prod\"}]}")
                              << QStringLiteral("kinds are");
    QTest::newRow("twice") << QByteArray("{\"profiles\":[{\"name\":\"A\",\"baseUrl\":\"https://a.example.com\",\"projectId\":\"p\"},"
                                         "{\"name\":\"A\",\"baseUrl\":\"https://b.example.com\",\"projectId\":\"q\"}]}")
                           << QStringLiteral("two profiles");
}

void tst_ProfileStore::damagedFileIsRefusedAndNotOverwritten()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profiles.json"));
    QVERIFY(writeAll(path, content));
    ProfileStore store(path);
    QVERIFY(!store.load());
    QVERIFY(store.isDamaged());
    QVERIFY2(store.errorString().contains(reason), qPrintable(store.errorString()));
    QVERIFY2(store.errorString().contains(path), qPrintable(store.errorString()));
    QVERIFY(store.profiles().isEmpty());
    // Adding a profile and saving must not silently replace what the user had.
    QVERIFY(store.put(make(QStringLiteral("New"), QStringLiteral("https://n.example.com"), QStringLiteral("n"), Profile::Kind::Staging)));
    QVERIFY(!store.save());
    QVERIFY2(store.errorString().contains(QStringLiteral("Move it aside")), qPrintable(store.errorString()));
    QCOMPARE(readAll(path), content);
}

void tst_ProfileStore::damagedFileCanBeMovedAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profiles.json"));
    QVERIFY(writeAll(path, "{not json"));
    ProfileStore store(path);
    QVERIFY(!store.load());
    const QString aside = store.moveDamagedAside();
    QVERIFY2(!aside.isEmpty(), qPrintable(store.errorString()));
    QCOMPARE(readAll(aside), QByteArray("{not json"));
    QVERIFY(!store.isDamaged());
    QVERIFY(store.put(make(QStringLiteral("New"), QStringLiteral("https://n.example.com"), QStringLiteral("n"), Profile::Kind::Staging)));
    QVERIFY2(store.save(), qPrintable(store.errorString()));
    ProfileStore again(path);
    QVERIFY(again.load());
    QCOMPARE(again.names(), QStringList{QStringLiteral("New")});
}

void tst_ProfileStore::exportHasNoSecretAndImportsBack()
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("p.json")));
    QVERIFY(store.put(make(QStringLiteral("A"), QStringLiteral("https://a.example.com/server"), QStringLiteral("pa"), Profile::Kind::Staging,
                           QStringLiteral("#112233"))));
    QVERIFY(store.put(make(QStringLiteral("B"), QStringLiteral("http://localhost:9000"), QStringLiteral("pb"), Profile::Kind::Demo)));
    const QByteArray all = store.exportJson();
    for (const char *word : {"secret", "token", "password"})
        QVERIFY2(!all.toLower().contains(word), all.constData());
    QStringList notes;
    QString error;
    const auto back = ProfileStore::parseImport(all, &notes, &error);
    QVERIFY2(back, qPrintable(error));
    QVERIFY(notes.isEmpty());
    QCOMPARE(*back, store.profiles());

    const auto onlyB = ProfileStore::parseImport(store.exportJson({QStringLiteral("B")}), &notes, &error);
    QVERIFY(onlyB);
    QCOMPARE(onlyB->size(), 1);
    QCOMPARE(onlyB->first().name, QStringLiteral("B"));
}

void tst_ProfileStore::importLeavesSecretFieldsOutAndSaysSo()
{
    const QByteArray file = "[{\"name\":\"Shared\",\"baseUrl\":\"https://s.example.com\",\"projectId\":\"ps\",\"kind\":\"staging\", \"clientSecret\":\"do-not-keep-me-123\",\"access_token\":\"tok-456\"}]";
    QStringList notes;
    QString error;
    const auto profiles = ProfileStore::parseImport(file, &notes, &error);
    QVERIFY2(profiles, qPrintable(error));
    QCOMPARE(profiles->size(), 1);
    QCOMPARE(notes.size(), 2);
    QVERIFY2(notes.join(QLatin1Char(' ')).contains(QStringLiteral("clientSecret")), qPrintable(notes.join(QLatin1Char(' '))));
    QVERIFY(notes.join(QLatin1Char(' ')).contains(QStringLiteral("access_token")));
    QVERIFY(!notes.join(QLatin1Char(' ')).contains(QStringLiteral("do-not-keep-me-123")));

    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("p.json")));
    QVERIFY(store.put(profiles->first()));
    QVERIFY(store.save());
    QVERIFY(!readAll(store.path()).contains("do-not-keep-me-123"));
    QVERIFY(!readAll(store.path()).contains("tok-456"));
}

void tst_ProfileStore::importRefusesWhatIsNotAProfileList()
{
    QStringList notes;
    QString error;
    QVERIFY(!ProfileStore::parseImport("[1,2]", &notes, &error));
    QVERIFY2(error.contains(QStringLiteral("not an object")), qPrintable(error));
    QVERIFY(!ProfileStore::parseImport("{\"x\":1}", &notes, &error));
    QVERIFY2(error.contains(QStringLiteral("neither")), qPrintable(error));
    QVERIFY(!ProfileStore::parseImport("{", &notes, &error));
    QVERIFY2(error.contains(QStringLiteral("not valid JSON")), qPrintable(error));
    QVERIFY(!ProfileStore::parseImport("[{\"name\":\"A\",\"baseUrl\":\"https://a\"}]", &notes, &error));
    QVERIFY2(error.contains(QStringLiteral("projectId")), qPrintable(error));
}

void tst_ProfileStore::savedConnectionBecomesTheFirstProfileOnce()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("connection/baseUrl"), QStringLiteral("https://api.plainkey.io/server"));
    settings.setValue(QStringLiteral("connection/projectId"), QStringLiteral("proj-live"));
    settings.setValue(QStringLiteral("connection/demo"), false);

    const QString path = dir.filePath(QStringLiteral("profiles.json"));
    ProfileStore store(path);
    QVERIFY(store.load());
    const auto migrated = store.migrateSavedConnection(settings);
    QVERIFY2(migrated, qPrintable(store.errorString()));
    QCOMPARE(migrated->projectId, QStringLiteral("proj-live"));
    QCOMPARE(migrated->baseUrl, QUrl(QStringLiteral("https://api.plainkey.io/server")));
    QCOMPARE(migrated->kind, Profile::Kind::Production); // a remote server: the careful guess
    QCOMPARE(migrated->name, QStringLiteral("proj-live on api.plainkey.io"));

    ProfileStore reread(path);
    QVERIFY(reread.load());
    QCOMPARE(reread.profiles(), QList<Profile>{*migrated});

    // Once: removing the migrated profile does not bring it back at the next start.
    QVERIFY(reread.remove(migrated->name));
    QVERIFY(reread.save());
    QVERIFY(!reread.migrateSavedConnection(settings));
    QVERIFY(reread.profiles().isEmpty());

    // A local connection becomes a local profile.
    QSettings local(dir.filePath(QStringLiteral("local.ini")), QSettings::IniFormat);
    local.setValue(QStringLiteral("connection/baseUrl"), QStringLiteral("http://127.0.0.1:8080"));
    local.setValue(QStringLiteral("connection/projectId"), QStringLiteral("demo-project"));
    ProfileStore other(dir.filePath(QStringLiteral("other.json")));
    const auto l = other.migrateSavedConnection(local);
    QVERIFY(l);
    QCOMPARE(l->kind, Profile::Kind::Local);

    // Nothing saved: nothing to migrate.
    QSettings empty(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
    ProfileStore none(dir.filePath(QStringLiteral("none.json")));
    QVERIFY(!none.migrateSavedConnection(empty));
    QVERIFY(!QFile::exists(none.path()));
}

void tst_ProfileStore::environmentVariableChoosesTheFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("from-env.json"));
    qputenv("PLAINKEY_PROFILES_FILE", path.toUtf8());
    QCOMPARE(ProfileStore::defaultPath(), path);
    QCOMPARE(ProfileStore().path(), path);
    qunsetenv("PLAINKEY_PROFILES_FILE");
    QVERIFY(ProfileStore::defaultPath().endsWith(QStringLiteral("/PlainKey/profiles.json")));
}

void tst_ProfileStore::eachProfileKeepsItsOwnSecretInTheKeychain()
{
    SecretStore keychain(QStringLiteral("PlainKey Console tests"));
    const Profile staging = make(QStringLiteral("Staging"), QStringLiteral("https://api.plainkey.io/server"), QStringLiteral("same"),
                                 Profile::Kind::Staging);
    const Profile prod = make(QStringLiteral("Production"), QStringLiteral("https://api.plainkey.io/server"), QStringLiteral("same"),
                              Profile::Kind::Production);
    // Same server and project, two profiles: two entries, neither the per-project one.
    QVERIFY(staging.secretKey() != prod.secretKey());
    QVERIFY(staging.secretKey() != SecretStore::keyFor(staging.credentials()));
    QVERIFY(writeSecret(keychain, staging.secretKey(), QStringLiteral("staging-secret-1")));
    QVERIFY(writeSecret(keychain, prod.secretKey(), QStringLiteral("prod-secret-2")));
    QCOMPARE(readSecret(keychain, staging.secretKey()), std::optional<QString>(QStringLiteral("staging-secret-1")));
    QCOMPARE(readSecret(keychain, prod.secretKey()), std::optional<QString>(QStringLiteral("prod-secret-2")));

    // The profiles file never holds either.
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("p.json")));
    QVERIFY(store.put(staging));
    QVERIFY(store.put(prod));
    QVERIFY(store.save());
    const QByteArray file = readAll(store.path());
    QVERIFY(!file.contains("staging-secret-1"));
    QVERIFY(!file.contains("prod-secret-2"));

    bool removed = false;
    keychain.remove(prod.secretKey(), nullptr, [&](const SecretStore::Outcome &o) { removed = o.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(removed, 20000);
    SecretStore::Outcome outcome;
    QVERIFY(!readSecret(keychain, prod.secretKey(), &outcome));
    QVERIFY(outcome.notFound);
    QCOMPARE(readSecret(keychain, staging.secretKey()), std::optional<QString>(QStringLiteral("staging-secret-1")));
}

QTEST_GUILESS_MAIN(tst_ProfileStore)
#include "tst_profilestore.moc"
