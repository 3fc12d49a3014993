// EmulatorDatabase and the store's hooks on a real SQLite file: what is written comes back
// field for field, a user's deletion takes their passkeys, a change that cannot be saved is
// undone in memory too, and files that are not the emulator's are refused untouched.

#include "emulator/emulatordatabase.h"
#include "emulator/emulatorstore.h"
#include "emulator/projectdocument.h"
#include "sqlitefiletesthelper.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace plainkey::emulator;

namespace {

const QString kProject = QStringLiteral("db-project");

//! Runs \a sql on \a path through a connection of its own (not the emulator's code).
QVariant sqlValue(const QString &path, const QString &sql)
{
    QVariant out;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tst-peek"));
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0")); // a locked file answers at once
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                out = q.value(0);
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tst-peek"));
    return out;
}

StoredPasskey fullPasskey(const QString &userId)
{
    StoredPasskey p;
    p.userId = userId;
    p.webAuthnId = QStringLiteral("AbC-_123");
    p.label = QStringLiteral("Laptop \u00e9\u00e8 \U0001F511");
    p.authenticatorType = QStringLiteral("cross-platform");
    p.aaguid = QStringLiteral("cb69481e-8ff7-4039-93ec-0a2729a154a8");
    p.deviceType = QStringLiteral("singleDevice");
    p.backedUp = false;
    p.transports = QStringList{QStringLiteral("usb"), QStringLiteral("nfc")};
    p.counter = 41;
    p.createdAt = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    p.updatedAt = QDateTime::fromMSecsSinceEpoch(1700000100456, Qt::UTC);
    p.lastUsedAt = QDateTime::fromMSecsSinceEpoch(1700000200789, Qt::UTC);
    p.publicKey = QByteArray::fromHex("a5010203262001215820") + QByteArray(32, '\x11') + QByteArray::fromHex("225820") + QByteArray(32, '\x22');
    p.signCount = 4294967295LL;
    return p;
}

void comparePasskeys(const StoredPasskey &a, const StoredPasskey &b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(a.userId, b.userId);
    QCOMPARE(a.webAuthnId, b.webAuthnId);
    QCOMPARE(a.label, b.label);
    QCOMPARE(a.authenticatorType, b.authenticatorType);
    QCOMPARE(a.aaguid, b.aaguid);
    QCOMPARE(a.deviceType, b.deviceType);
    QCOMPARE(a.backedUp, b.backedUp);
    QCOMPARE(a.transports, b.transports);
    QCOMPARE(a.counter, b.counter);
    QCOMPARE(a.createdAt, b.createdAt);
    QCOMPARE(a.updatedAt, b.updatedAt);
    QCOMPARE(a.lastUsedAt, b.lastUsedAt);
    QCOMPARE(a.publicKey, b.publicKey);
    QCOMPARE(a.signCount, b.signCount);
    // Answers look the same after a restart ("Z", not "+00:00").
    QCOMPARE(EmulatorStore::toJson(a), EmulatorStore::toJson(b));
}

//! A store on \a path, or a failed test.
std::unique_ptr<EmulatorStore> storeOn(const QString &path)
{
    QString why;
    auto db = EmulatorDatabase::open(path, kProject, &why);
    if (!db) {
        qWarning("open failed: %s", qPrintable(why));
        return nullptr;
    }
    auto store = std::make_unique<EmulatorStore>();
    if (!store->attachDatabase(std::move(db), &why)) {
        qWarning("load failed: %s", qPrintable(why));
        return nullptr;
    }
    return store;
}

} // namespace

class tst_EmulatorDatabase : public QObject
{
    Q_OBJECT
private slots:
    void newFileGetsTheSchemaWalAndIds();
    void everyFieldComesBack();
    void nullsAndEmptiesComeBack();
    void deletingAUserTakesTheirPasskeysNotTheirTokens();
    void tokensAreKeptByHashOnly();
    void aChangeIsOneTransactionAndUndoneWhenItCannotBeSaved();
    void clearEmptiesTheFile();
    void refusedFilesStayUntouched_data();
    void refusedFilesStayUntouched();
    void aSecondOpenerIsRefused();
    void documentRoundTrip();

private:
    QTemporaryDir m_dir;
};

void tst_EmulatorDatabase::newFileGetsTheSchemaWalAndIds()
{
    const QString path = m_dir.filePath(QStringLiteral("new.db"));
    {
        auto store = storeOn(path);
        QVERIFY(store);
        QCOMPARE(store->userCount(), 0);
    }
    QCOMPARE(sqlValue(path, QStringLiteral("PRAGMA application_id")).toInt(), EmulatorDatabase::kApplicationId);
    QCOMPARE(sqlValue(path, QStringLiteral("PRAGMA user_version")).toInt(), EmulatorDatabase::kSchemaVersion);
    QCOMPARE(sqlValue(path, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(sqlValue(path, QStringLiteral("SELECT value FROM meta WHERE key = 'project_id'")).toString(), kProject);
}

void tst_EmulatorDatabase::everyFieldComesBack()
{
    const QString path = m_dir.filePath(QStringLiteral("fields.db"));
    StoredPasskey written;
    QString userId;
    {
        auto store = storeOn(path);
        QVERIFY(store);
        QString why;
        const auto u = store->createUser(QStringLiteral("ada@example.com"), &why, QByteArray::fromHex("00ff10"));
        QVERIFY2(u, qPrintable(why));
        userId = u->id;
        written = store->addPasskey(fullPasskey(u->id));
        StoredPasskey second = fullPasskey(u->id);
        second.label = QStringLiteral("second");
        store->addPasskey(second);
        // Relabel and count a use, as the handlers do.
        written.label = QStringLiteral("relabelled");
        written.counter = 42;
        written.signCount = 7;
        QVERIFY(store->updatePasskey(written));
        QVERIFY(store->renameUser(userId, QStringLiteral("ada.lovelace@example.com"), &why));
    }
    auto store = storeOn(path);
    QVERIFY(store);
    const StoredUser *u = store->user(userId);
    QVERIFY(u);
    QCOMPARE(u->userName, std::optional<QString>(QStringLiteral("ada.lovelace@example.com")));
    QCOMPARE(u->webAuthnUserHandle, QByteArray::fromHex("00ff10"));
    QVERIFY(store->userByName(QStringLiteral("ada.lovelace@example.com")));
    QVERIFY(!store->userByName(QStringLiteral("ada@example.com")));
    const QList<StoredPasskey> keys = store->passkeysOf(userId);
    QCOMPARE(keys.size(), 2);
    comparePasskeys(keys.at(0), written); // in the order they were added
    QCOMPARE(keys.at(1).label, std::optional<QString>(QStringLiteral("second")));
}

void tst_EmulatorDatabase::nullsAndEmptiesComeBack()
{
    const QString path = m_dir.filePath(QStringLiteral("nulls.db"));
    StoredPasskey bare;
    QString userId;
    {
        auto store = storeOn(path);
        QVERIFY(store);
        QString why;
        userId = store->createUser(std::nullopt, &why)->id;
        StoredPasskey p;
        p.userId = userId;
        p.transports = QStringList(); // known to be none, which is not unknown
        bare = store->addPasskey(p);
    }
    auto store = storeOn(path);
    QVERIFY(store);
    QVERIFY(!store->user(userId)->userName);
    QVERIFY(store->user(userId)->webAuthnUserHandle.isEmpty());
    comparePasskeys(*store->passkey(bare.id), bare);
    QVERIFY(store->passkey(bare.id)->transports.has_value());
}

void tst_EmulatorDatabase::deletingAUserTakesTheirPasskeysNotTheirTokens()
{
    const QString path = m_dir.filePath(QStringLiteral("cascade.db"));
    QString gone, stays, goneKey;
    {
        auto store = storeOn(path);
        QVERIFY(store);
        QString why;
        gone = store->createUser(QStringLiteral("gone"), &why)->id;
        stays = store->createUser(QStringLiteral("stays"), &why)->id;
        goneKey = store->addPasskey(fullPasskey(gone)).id;
        store->addPasskey(fullPasskey(stays));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        store->addAuthToken("jti-gone", StoredAuthToken{gone, goneKey, now, now.addSecs(300), false});
        store->deleteUser(gone);
    }
    QCOMPARE(sqlValue(path, QStringLiteral("SELECT count(*) FROM passkeys")), QVariant(1));
    auto store = storeOn(path);
    QVERIFY(store);
    QVERIFY(!store->user(gone));
    QVERIFY(!store->passkey(goneKey));
    QCOMPARE(store->passkeysOf(stays).size(), 1);
    // Kept, so verify can say the user is gone rather than that the token is unknown.
    QVERIFY(store->authToken("jti-gone"));
}

void tst_EmulatorDatabase::tokensAreKeptByHashOnly()
{
    const QString path = m_dir.filePath(QStringLiteral("tokens.db"));
    const QByteArray opaque = "pk_auth_THIS-IS-A-SECRET-TOKEN-0123456789";
    const QDateTime now = QDateTime::currentDateTimeUtc();
    {
        auto store = storeOn(path);
        QVERIFY(store);
        store->addAuthToken(opaque, StoredAuthToken{QStringLiteral("usr_a"), QStringLiteral("cred_a"), now, now.addSecs(300), false});
        store->addAuthToken("expired-long-ago", StoredAuthToken{QStringLiteral("usr_a"), QStringLiteral("cred_a"), now.addSecs(-7300), now.addSecs(-7200), false});
        // Begin-registration mints one before the passkey exists: no credential ID.
        store->addAuthToken("no-passkey-yet", StoredAuthToken{QStringLiteral("usr_a"), QString(), now, now.addSecs(300), false});
        QVERIFY(store->markAuthTokenUsed(opaque));
        QVERIFY(!store->markAuthTokenUsed("never-issued"));
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(!f.readAll().contains("THIS-IS-A-SECRET"));
    auto store = storeOn(path);
    QVERIFY(store);
    const StoredAuthToken *t = store->authToken(opaque);
    QVERIFY(t);
    QVERIFY(t->used);
    QCOMPARE(t->expiresAt, QDateTime::fromMSecsSinceEpoch(now.addSecs(300).toMSecsSinceEpoch(), Qt::UTC));
    QVERIFY(!store->authToken("expired-long-ago")); // dropped when loaded, as the purge would
    QVERIFY(store->authToken("no-passkey-yet"));
    QVERIFY(store->authToken("no-passkey-yet")->credentialId.isEmpty());
}

void tst_EmulatorDatabase::aChangeIsOneTransactionAndUndoneWhenItCannotBeSaved()
{
    const QString path = m_dir.filePath(QStringLiteral("change.db"));
    auto store = storeOn(path);
    QVERIFY(store);
    QString why;
    {
        EmulatorStore::Change change(*store);
        QVERIFY(store->createUser(QStringLiteral("one"), &why));
        QVERIFY(store->createUser(QStringLiteral("two"), &why));
        // Not written yet: the transaction is open.
        QCOMPARE(store->userCount(), 2);
        QVERIFY2(change.commit(&why), qPrintable(why));
    }
    // The emulator holds the file exclusively: nobody else reads a half-made change, or writes.
    QVERIFY(!sqlValue(path, QStringLiteral("SELECT count(*) FROM users")).isValid());
    {
        EmulatorStore::Change change(*store);
        QVERIFY(store->createUser(QStringLiteral("three"), &why));
        // The file refuses a passkey of nobody (foreign key), as a full disk would refuse a write.
        StoredPasskey orphan = fullPasskey(QStringLiteral("usr_nobody"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Could not save a change to .*FOREIGN KEY")));
        store->addPasskey(orphan);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("A change was not saved to .* undone")));
        QVERIFY(!change.commit(&why));
        QVERIFY2(why.contains(path) && why.contains(QLatin1String("undone")), qPrintable(why));
    }
    QVERIFY(!store->userByName(QStringLiteral("three")));
    QVERIFY(store->userByName(QStringLiteral("one")));
    QCOMPARE(store->userCount(), 2);
    store.reset();
    auto again = storeOn(path);
    QVERIFY(again);
    QCOMPARE(again->userCount(), 2);
    QVERIFY(!again->userByName(QStringLiteral("three")));
}

void tst_EmulatorDatabase::clearEmptiesTheFile()
{
    const QString path = m_dir.filePath(QStringLiteral("clear.db"));
    {
        auto store = storeOn(path);
        QVERIFY(store);
        QString why;
        store->addPasskey(fullPasskey(store->createUser(QStringLiteral("x"), &why)->id));
        store->clear();
        QCOMPARE(store->userCount(), 0);
    }
    QCOMPARE(sqlValue(path, QStringLiteral("SELECT count(*) FROM passkeys")), QVariant(0));
    auto store = storeOn(path);
    QVERIFY(store);
    QCOMPARE(store->userCount(), 0);
}

void tst_EmulatorDatabase::refusedFilesStayUntouched_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("reason");
    QTest::newRow("random bytes") << "random" << "not an SQLite database";
    QTest::newRow("foreign tables") << "foreign" << "another program (tables: orders)";
    QTest::newRow("foreign application_id") << "appid" << "application_id 0x12345678";
    QTest::newRow("newer schema") << "newer" << "newer plainkey-emulator (schema version 2";
    QTest::newRow("other project") << "project" << "holds project \"db-project\", not \"other\"";
    QTest::newRow("missing table") << "missing" << "the table \"passkeys\" is missing";
    QTest::newRow("damaged pages") << "damaged" << "damaged";
}

void tst_EmulatorDatabase::refusedFilesStayUntouched()
{
    QFETCH(QString, kind);
    QFETCH(QString, reason);
    const QString path = m_dir.filePath(QStringLiteral("refused-%1.db").arg(kind));
    QString project = kProject;
    auto makeOurs = [&] {
        auto store = storeOn(path);
        QVERIFY(store);
        QString why;
        EmulatorStore::Change change(*store);
        for (int i = 0; i < 300; ++i) // enough pages that damage lands inside the tables
            store->addPasskey(fullPasskey(store->createUser(QStringLiteral("user%1@example.com").arg(i), &why)->id));
    };
    if (kind == QLatin1String("random")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray junk(4096, Qt::Uninitialized);
        for (int i = 0; i < junk.size(); ++i)
            junk[i] = char((i * 7919 + 13) % 251);
        f.write(junk);
    } else if (kind == QLatin1String("foreign")) {
        execSql(path, {QStringLiteral("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)"), QStringLiteral("INSERT INTO orders VALUES (1, 9.5)")});
    } else if (kind == QLatin1String("appid")) {
        execSql(path, {QStringLiteral("PRAGMA application_id = 305419896"), QStringLiteral("CREATE TABLE users (id TEXT)")});
    } else if (kind == QLatin1String("newer")) {
        makeOurs();
        execSql(path, {QStringLiteral("PRAGMA user_version = 2")});
    } else if (kind == QLatin1String("project")) {
        makeOurs();
        project = QStringLiteral("other");
    } else if (kind == QLatin1String("missing")) {
        makeOurs();
        execSql(path, {QStringLiteral("DROP TABLE passkeys")});
    } else if (kind == QLatin1String("damaged")) {
        makeOurs();
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 size = f.size();
        QVERIFY(size > 8 * 4096);
        // Page 2 onwards: the schema stays readable, the tables' b-trees do not.
        f.seek(4096 + 100);
        f.write(QByteArray(3 * 4096, '\x5a'));
    }
    if (QTest::currentTestFailed())
        return;
    QFile::remove(path + QStringLiteral("-wal"));
    const QByteArray before = fileHash(path);
    QVERIFY(!before.isEmpty());
    QString why;
    auto db = EmulatorDatabase::open(path, project, &why);
    QVERIFY(!db);
    QVERIFY2(why.contains(reason), qPrintable(why));
    QCOMPARE(fileHash(path), before);
}

void tst_EmulatorDatabase::aSecondOpenerIsRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("busy.db"));
    auto first = storeOn(path);
    QVERIFY(first);
    QString why;
    QVERIFY(first->createUser(QStringLiteral("held"), &why));
    auto second = EmulatorDatabase::open(path, kProject, &why);
    QVERIFY(!second);
    QVERIFY2(why.contains(QLatin1String("in use by another program")), qPrintable(why));
    first.reset();
    QVERIFY(storeOn(path)); // free again once the first is gone
}

void tst_EmulatorDatabase::documentRoundTrip()
{
    EmulatorStore a;
    QString why;
    const auto u = a.createUser(QStringLiteral("ada@example.com"), &why, QByteArray("handle-bytes"));
    a.addPasskey(fullPasskey(u->id));
    a.createUser(std::nullopt, &why);
    const QJsonObject exported = ProjectDocument::fromStore(a, kProject).toJson();
    const auto read = ProjectDocument::fromJson(QJsonDocument(exported).toJson(), &why);
    QVERIFY2(read, qPrintable(why));
    const QString path = m_dir.filePath(QStringLiteral("seeded.db"));
    {
        auto b = storeOn(path);
        QVERIFY(b);
        int skipped = -1;
        QVERIFY2(read->addTo(*b, &why, &skipped), qPrintable(why));
        QCOMPARE(skipped, 0);
        QVERIFY2(read->addTo(*b, &why, &skipped), qPrintable(why)); // again: nobody twice
        QCOMPARE(skipped, 2);
    }
    auto b = storeOn(path);
    QVERIFY(b);
    QJsonObject back = ProjectDocument::fromStore(*b, kProject).toJson();
    back.remove(QStringLiteral("exportedAt"));
    QJsonObject expected = exported;
    expected.remove(QStringLiteral("exportedAt"));
    QCOMPARE(back, expected);
    comparePasskeys(b->passkeysOf(u->id).first(), a.passkeysOf(u->id).first());
}

QTEST_GUILESS_MAIN(tst_EmulatorDatabase)
#include "tst_emulatordatabase.moc"
