// ChangeGuard: against a live PlainKey, changes stay locked until unlocked for the session;
// a new destination is a new session.

#include "core/profile/changeguard.h"

#include <QSignalSpy>
#include <QTest>

using namespace plainkey;

namespace {

Destination destination(const QString &url)
{
    Credentials c;
    c.baseUrl = QUrl(url);
    c.projectId = QStringLiteral("proj_1");
    c.clientSecret = QStringLiteral("sk_test_51Hx");
    return Destination::classify(c, QUrl(QStringLiteral("http://127.0.0.1:41873/server")));
}

} // namespace

class tst_ChangeGuard : public QObject
{
    Q_OBJECT
private slots:
    void productionFollowsTheDestination_data();
    void productionFollowsTheDestination();
    void unlockLastsUntilTheNextSession();
    void unlockIsRefusedOutsideProduction();
    void refusalNamesWhatWasRefused();
};

void tst_ChangeGuard::productionFollowsTheDestination_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("production");
    QTest::newRow("PlainKey") << "https://api.plainkey.io/server" << true;
    QTest::newRow("plain http elsewhere") << "http://10.0.4.17:8080/server" << true;
    QTest::newRow("the demo") << "http://127.0.0.1:41873/server" << false;
    QTest::newRow("a local server") << "http://localhost:8484/server" << false;
    QTest::newRow("IPv6 loopback") << "http://[::1]:8484/server" << false;
}

void tst_ChangeGuard::productionFollowsTheDestination()
{
    QFETCH(QString, url);
    QFETCH(bool, production);
    ChangeGuard guard;
    QSignalSpy changed(&guard, &ChangeGuard::changed);
    guard.setDestination(destination(url));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(guard.isProduction(), production);
    QCOMPARE(guard.changesAllowed(), !production);
    QVERIFY(!guard.isUnlocked());
}

void tst_ChangeGuard::unlockLastsUntilTheNextSession()
{
    ChangeGuard guard;
    guard.setDestination(destination(QStringLiteral("https://api.plainkey.io/server")));
    QSignalSpy changed(&guard, &ChangeGuard::changed);
    QVERIFY(guard.unlock());
    QVERIFY(guard.changesAllowed());
    QCOMPARE(changed.count(), 1);
    QVERIFY(!guard.unlock()); // already unlocked: nothing changes
    QCOMPARE(changed.count(), 1);

    guard.lock();
    QVERIFY(!guard.changesAllowed());
    QCOMPARE(changed.count(), 2);
    guard.lock();
    QCOMPARE(changed.count(), 2);

    QVERIFY(guard.unlock());
    // The same production again is a new session: locked.
    guard.setDestination(destination(QStringLiteral("https://api.plainkey.io/server")));
    QVERIFY(!guard.changesAllowed());
    QVERIFY(!guard.isUnlocked());
}

void tst_ChangeGuard::unlockIsRefusedOutsideProduction()
{
    ChangeGuard guard;
    guard.setDestination(destination(QStringLiteral("http://localhost:8484/server")));
    QVERIFY(!guard.unlock());
    QVERIFY(!guard.isUnlocked());
    QVERIFY(guard.changesAllowed());
}

void tst_ChangeGuard::refusalNamesWhatWasRefused()
{
    ChangeGuard guard;
    QVERIFY(guard.refusal(QStringLiteral("delete the user")).isEmpty());
    guard.setProduction(true);
    const QString why = guard.refusal(QStringLiteral("delete the user"));
    QVERIFY2(why.startsWith(QStringLiteral("Refused to delete the user: this is a production profile")), qPrintable(why));
    QVERIFY(why.contains(QStringLiteral("Unlock changes")));
    QVERIFY(guard.unlock());
    QVERIFY(guard.refusal(QStringLiteral("delete the user")).isEmpty());
    QVERIFY(ChangeGuard::lockedReason().startsWith(QStringLiteral("Locked: ")));
}

QTEST_GUILESS_MAIN(tst_ChangeGuard)
#include "tst_changeguard.moc"
