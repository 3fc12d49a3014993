// The client secret in the system keychain, against a real Secret Service: a private session
// bus and GNOME Keyring started by tests/common/with-secret-service.sh for this test alone.

#include "core/profile/secretstore.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTest>

using namespace plainkey;

namespace {

struct Read
{
    bool done = false;
    std::optional<QString> secret;
    SecretStore::Outcome outcome;
};

Read readNow(SecretStore &store, const QString &key)
{
    Read r;
    store.read(key, nullptr, [&r](const std::optional<QString> &secret, const SecretStore::Outcome &o) {
        r.secret = secret;
        r.outcome = o;
        r.done = true;
    });
    if (!QTest::qWaitFor([&r] { return r.done; }, 20000))
        r.outcome.message = QStringLiteral("no answer from the keychain in 20 s");
    return r;
}

SecretStore::Outcome writeNow(SecretStore &store, const QString &key, const QString &secret)
{
    SecretStore::Outcome out;
    bool done = false;
    store.write(key, secret, nullptr, [&](const SecretStore::Outcome &o) {
        out = o;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 20000))
        out.message = QStringLiteral("no answer from the keychain in 20 s");
    return out;
}

SecretStore::Outcome removeNow(SecretStore &store, const QString &key)
{
    SecretStore::Outcome out;
    bool done = false;
    store.remove(key, nullptr, [&](const SecretStore::Outcome &o) {
        out = o;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 20000))
        out.message = QStringLiteral("no answer from the keychain in 20 s");
    return out;
}

Credentials project(const QString &url, const QString &id)
{
    Credentials c;
    c.baseUrl = QUrl(url);
    c.projectId = id;
    c.clientSecret = QStringLiteral("not part of the key");
    return c;
}

} // namespace

class tst_SecretStore : public QObject
{
    Q_OBJECT
private slots:
    void keyNamesServerAndProjectButNotTheSecret();
    void writeReadReplaceRemove();
    void unusualSecretsSurviveTheRoundTrip();
    void destroyedContextDropsTheCallback();
    void storeDestroyedMidWriteStillSavesAndDoesNotCrash();
    void missingKeychainGivesAClearMessage();
};

void tst_SecretStore::keyNamesServerAndProjectButNotTheSecret()
{
    const QString a = SecretStore::keyFor(project(QStringLiteral("https://api.plainkey.io/server/"), QStringLiteral("p1")));
    QCOMPARE(a, SecretStore::keyFor(project(QStringLiteral("https://api.plainkey.io/server"), QStringLiteral("p1"))));
    QVERIFY(a != SecretStore::keyFor(project(QStringLiteral("https://eu.plainkey.io/server"), QStringLiteral("p1"))));
    QVERIFY(a != SecretStore::keyFor(project(QStringLiteral("https://api.plainkey.io/server"), QStringLiteral("p2"))));
    QVERIFY(!a.contains(QStringLiteral("not part of the key")));
}

void tst_SecretStore::writeReadReplaceRemove()
{
    SecretStore store(QStringLiteral("PlainKey Console tests"));
    const QString key = SecretStore::keyFor(project(QStringLiteral("https://api.plainkey.io/server"), QStringLiteral("p1")));
    const QString other = SecretStore::keyFor(project(QStringLiteral("https://eu.plainkey.io/server"), QStringLiteral("p1")));

    Read r = readNow(store, key);
    QVERIFY2(r.done, qPrintable(r.outcome.message));
    QVERIFY(r.outcome.notFound);
    QVERIFY(!r.outcome.unavailable);
    QVERIFY(!r.secret);

    SecretStore::Outcome w = writeNow(store, key, QStringLiteral("first-secret"));
    QVERIFY2(w.ok, qPrintable(w.message));
    r = readNow(store, key);
    QVERIFY2(r.outcome.ok, qPrintable(r.outcome.message));
    QCOMPARE(r.secret.value_or(QString()), QStringLiteral("first-secret"));

    w = writeNow(store, key, QStringLiteral("second-secret"));
    QVERIFY2(w.ok, qPrintable(w.message));
    QCOMPARE(readNow(store, key).secret.value_or(QString()), QStringLiteral("second-secret"));
    QVERIFY(readNow(store, other).outcome.notFound);

    // Another service's entries are not ours.
    SecretStore stranger(QStringLiteral("Another program"));
    QVERIFY(readNow(stranger, key).outcome.notFound);

    SecretStore::Outcome d = removeNow(store, key);
    QVERIFY2(d.ok, qPrintable(d.message));
    QVERIFY(readNow(store, key).outcome.notFound);
    // Removing what is not there is not a failure.
    d = removeNow(store, key);
    QVERIFY2(d.ok, qPrintable(d.message));
}

void tst_SecretStore::unusualSecretsSurviveTheRoundTrip()
{
    SecretStore store(QStringLiteral("PlainKey Console tests"));
    const QString key = QStringLiteral("https://h.example/server weird");
    const QStringList secrets = {QStringLiteral("with spaces and \"quotes\" and 'single'"), QStringLiteral("line1\nline2\r\n"),
                                 QStringLiteral("\u00e9\u00df\u4e2d\U0001F511"), QString(4096, QLatin1Char('x'))};
    for (const QString &s : secrets) {
        const SecretStore::Outcome w = writeNow(store, key, s);
        QVERIFY2(w.ok, qPrintable(w.message));
        QCOMPARE(readNow(store, key).secret.value_or(QString()), s);
    }
    QVERIFY(removeNow(store, key).ok);
}

void tst_SecretStore::destroyedContextDropsTheCallback()
{
    SecretStore store(QStringLiteral("PlainKey Console tests"));
    int calls = 0;
    auto *context = new QObject;
    store.read(QStringLiteral("any"), context, [&calls](const std::optional<QString> &, const SecretStore::Outcome &) { ++calls; });
    delete context;
    // A second read with no context finishes after the first: by then the first is settled.
    QVERIFY(readNow(store, QStringLiteral("any")).done);
    QTest::qWait(50);
    QCOMPARE(calls, 0);
}

void tst_SecretStore::storeDestroyedMidWriteStillSavesAndDoesNotCrash()
{
    // A window closed while the keychain works: the store goes, the job finishes anyway.
    const QString key = QStringLiteral("https://h.example/server closed-window");
    auto *store = new SecretStore(QStringLiteral("PlainKey Console tests"));
    bool called = false;
    QObject context;
    store->write(key, QStringLiteral("written-anyway"), &context, [&called](const SecretStore::Outcome &) { called = true; });
    delete store;
    SecretStore other(QStringLiteral("PlainKey Console tests"));
    QTRY_COMPARE_WITH_TIMEOUT(readNow(other, key).secret.value_or(QString()), QStringLiteral("written-anyway"), 20000);
    QTRY_VERIFY(called);
    QVERIFY(removeNow(other, key).ok);
}

void tst_SecretStore::missingKeychainGivesAClearMessage()
{
    // A session bus that is not there: this executable again, in child mode.
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/plainkey-test-bus"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--child-without-keychain")});
    QVERIFY(child.waitForFinished(60000));
    const QString out = QString::fromUtf8(child.readAllStandardOutput()).trimmed();
    QCOMPARE(child.exitCode(), 0);
    QVERIFY2(out.startsWith(QStringLiteral("unavailable: Could not read the secret from the system keychain")), qPrintable(out));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 2 && qstrcmp(argv[1], "--child-without-keychain") == 0) {
        SecretStore store(QStringLiteral("PlainKey Console tests"));
        const Read r = readNow(store, QStringLiteral("any"));
        QTextStream(stdout) << (r.outcome.unavailable ? "unavailable: " : "not unavailable: ") << r.outcome.message << '\n';
        return r.done ? 0 : 1;
    }
    tst_SecretStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_secretstore.moc"
