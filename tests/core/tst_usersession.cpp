// UserSession: the user on show and their passkeys, looked up through the core client against
// the emulator over loopback HTTP. Data goes into the emulator's store; what the session shows
// is compared with it. A newer lookup must win over an older answer, however late it comes.

#include "emulatorcredentials.h"

#include "core/api/plainkeyclient.h"
#include "core/log/exchangelog.h"
#include "emulator/emulator.h"
#include "emulator/emulatorstore.h"
#include "core/users/usersession.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace plainkey;
using namespace std::chrono_literals;
using emulator::Emulator;
using emulator::StoredPasskey;
using emulator::StoredUser;

namespace {

StoredUser storedUser(Emulator &emu, const std::optional<QString> &name)
{
    QString why;
    const auto u = emu.store().createUser(name, &why);
    if (!u)
        qFatal("the emulator refused a test user: %s", qPrintable(why));
    return *u;
}

StoredPasskey storedPasskey(Emulator &emu, const QString &userId, const QString &deviceType, std::optional<QDateTime> lastUsed = {})
{
    StoredPasskey p;
    p.id = emulator::EmulatorStore::newId("cred");
    p.userId = userId;
    p.deviceType = deviceType;
    p.backedUp = deviceType == QLatin1String("multiDevice");
    p.counter = 0;
    p.createdAt = QDateTime::currentDateTimeUtc().addDays(-30);
    p.lastUsedAt = lastUsed;
    return emu.store().addPasskey(p);
}

} // namespace

class tst_UserSession : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void findByNameShowsTheUserAndTheirPasskeys();
    void findByPasskeyShowsItsOwner();
    void unknownUserFailsAndShowsNobody();
    void refusedIdentifierSendsNothingAndKeepsTheUser();
    void newerLookupWinsOverALateAnswer();
    void passkeysOfAReplacedUserAreDropped();
    void refreshReadsTheStoreAgain();
    void createdUserIsShownAndDeletedOneCleared();

private:
    bool idle(UserSession &s) { return QTest::qWaitFor([&] { return !s.isBusy(); }, 20000); }
    //! True once the client has the whole answer to a request whose URL ends in \a path.
    bool answered(const QString &path) const
    {
        const ExchangeLog *log = m_client->exchangeLog();
        for (int i = 0; i < log->size(); ++i) {
            if (log->at(i).url.endsWith(path) && log->at(i).outcome != Exchange::Outcome::Pending)
                return true;
        }
        return false;
    }

    std::unique_ptr<Emulator> m_emu;
    std::unique_ptr<PlainKeyClient> m_client;
};

void tst_UserSession::init()
{
    m_emu = std::make_unique<Emulator>();
    QVERIFY2(m_emu->listen(), qPrintable(m_emu->errorString()));
    m_client = std::make_unique<PlainKeyClient>();
    m_client->setCredentials(emulatorCredentials(*m_emu));
}

void tst_UserSession::cleanup()
{
    m_client.reset();
    m_emu.reset();
}

void tst_UserSession::findByNameShowsTheUserAndTheirPasskeys()
{
    const StoredUser ada = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    storedPasskey(*m_emu, ada.id, QStringLiteral("multiDevice"), QDateTime::currentDateTimeUtc().addSecs(-3600));
    storedPasskey(*m_emu, ada.id, QStringLiteral("singleDevice"));
    UserSession s(m_client.get());
    QSignalSpy changed(&s, &UserSession::userChanged);
    QSignalSpy found(&s, &UserSession::userFound);
    QSignalSpy loaded(&s, &UserSession::passkeysListed);
    QSignalSpy busy(&s, &UserSession::busyChanged);

    s.find(UserIdentifier::byName(QStringLiteral("ada@example.com")));
    QVERIFY(s.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QVERIFY(idle(s));
    QCOMPARE(found.count(), 1);
    QCOMPARE(changed.count(), 1);
    QVERIFY(s.user());
    QCOMPARE(s.user()->id, ada.id);
    QCOMPARE(s.user()->userName, std::optional<QString>(QStringLiteral("ada@example.com")));
    QVERIFY(s.passkeysLoaded());
    QCOMPARE(s.passkeys().size(), 2);
    const PasskeySummary summary = s.summary();
    QCOMPARE(summary.coverage, PasskeySummary::Coverage::Synced);
    QCOMPARE(summary.synced, 1);
    QCOMPARE(summary.singleDevice, 1);
    QVERIFY2(summary.text().startsWith(QStringLiteral("2 passkeys (1 synced, 1 on a single device, last sign-in ")), qPrintable(summary.text()));
    QCOMPARE(busy.first().first().toBool(), true);
    QCOMPARE(busy.last().first().toBool(), false);
}

void tst_UserSession::findByPasskeyShowsItsOwner()
{
    const StoredUser grace = storedUser(*m_emu, QStringLiteral("grace@example.com"));
    const StoredPasskey key = storedPasskey(*m_emu, grace.id, QStringLiteral("singleDevice"));
    UserSession s(m_client.get());
    QSignalSpy passkeyFound(&s, &UserSession::passkeyFound);
    QSignalSpy loaded(&s, &UserSession::passkeysListed);

    s.findByPasskey(key.id);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QCOMPARE(passkeyFound.count(), 1);
    QCOMPARE(passkeyFound.first().first().value<Passkey>().id, key.id);
    QCOMPARE(s.user()->id, grace.id);
    QCOMPARE(s.passkeys().size(), 1);
    QCOMPARE(s.summary().coverage, PasskeySummary::Coverage::SingleDeviceOnly);
}

void tst_UserSession::unknownUserFailsAndShowsNobody()
{
    const StoredUser ada = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    UserSession s(m_client.get());
    QSignalSpy loaded(&s, &UserSession::passkeysListed);
    s.find(UserIdentifier::byId(ada.id));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);

    QSignalSpy failed(&s, &UserSession::lookupFailed);
    s.find(UserIdentifier::byName(QStringLiteral("nobody@example.com")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
    const ApiError error = failed.first().first().value<ApiError>();
    QCOMPARE(error.httpStatus(), 404);
    QVERIFY2(error.message().contains(QStringLiteral("not found"), Qt::CaseInsensitive), qPrintable(error.message()));
    QVERIFY(!s.user());
    QVERIFY(s.passkeys().isEmpty());
    QVERIFY(idle(s));
}

void tst_UserSession::refusedIdentifierSendsNothingAndKeepsTheUser()
{
    const StoredUser ada = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    UserSession s(m_client.get());
    QSignalSpy loaded(&s, &UserSession::passkeysListed);
    s.find(UserIdentifier::byId(ada.id));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    const qsizetype sent = m_client->exchangeLog()->size();

    QSignalSpy failed(&s, &UserSession::lookupFailed);
    s.find(UserIdentifier::byName(QString()));
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.first().first().value<ApiError>().kind(), ApiError::Kind::InvalidInput);
    QCOMPARE(m_client->exchangeLog()->size(), sent);
    QCOMPARE(s.user()->id, ada.id);
    QVERIFY(s.passkeysLoaded());
}

void tst_UserSession::newerLookupWinsOverALateAnswer()
{
    const StoredUser ada = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    const StoredUser bob = storedUser(*m_emu, QStringLiteral("bob@example.com"));
    storedPasskey(*m_emu, bob.id, QStringLiteral("multiDevice"));
    m_emu->setLatency(300ms);
    UserSession s(m_client.get());
    QSignalSpy found(&s, &UserSession::userFound);
    QSignalSpy failed(&s, &UserSession::lookupFailed);
    QSignalSpy loaded(&s, &UserSession::passkeysListed);

    s.find(UserIdentifier::byId(ada.id));
    s.find(UserIdentifier::byId(bob.id)); // replaces Ada's lookup while it waits
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QVERIFY(idle(s));
    QCOMPARE(found.count(), 1);
    QCOMPARE(found.first().first().value<User>().id, bob.id);
    QCOMPARE(failed.count(), 0); // the replaced lookup is neither shown nor reported
    QCOMPARE(s.user()->id, bob.id);
    QCOMPARE(s.passkeys().size(), 1);
}

void tst_UserSession::passkeysOfAReplacedUserAreDropped()
{
    const StoredUser ada = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    storedPasskey(*m_emu, ada.id, QStringLiteral("multiDevice"));
    storedPasskey(*m_emu, ada.id, QStringLiteral("multiDevice"));
    const StoredUser bob = storedUser(*m_emu, QStringLiteral("bob@example.com"));
    m_emu->setLatency(300ms);
    UserSession s(m_client.get());
    QSignalSpy found(&s, &UserSession::userFound);
    QSignalSpy loaded(&s, &UserSession::passkeysListed);

    s.find(UserIdentifier::byId(ada.id));
    QTRY_COMPARE_WITH_TIMEOUT(found.count(), 1, 20000);
    QVERIFY(s.isBusy()); // Ada's passkeys are on their way
    s.find(UserIdentifier::byId(bob.id));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QVERIFY(idle(s));
    // Ada's passkeys arrive after Bob was shown: the answer must be dropped.
    const QString adasPasskeys = QStringLiteral("/user/%1/credentials").arg(ada.id);
    QTRY_VERIFY_WITH_TIMEOUT(answered(adasPasskeys), 20000);
    QCoreApplication::processEvents();
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(s.user()->id, bob.id);
    QVERIFY(s.passkeys().isEmpty());
    QCOMPARE(s.summary().coverage, PasskeySummary::Coverage::None);
}

void tst_UserSession::refreshReadsTheStoreAgain()
{
    const StoredUser ada = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    UserSession s(m_client.get());
    QSignalSpy loaded(&s, &UserSession::passkeysListed);
    s.find(UserIdentifier::byId(ada.id));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QCOMPARE(s.summary().coverage, PasskeySummary::Coverage::None);

    storedPasskey(*m_emu, ada.id, QStringLiteral("multiDevice"));
    QString why;
    QVERIFY(m_emu->store().renameUser(ada.id, QStringLiteral("ada.lovelace@example.com"), &why));
    s.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 20000);
    QCOMPARE(s.user()->userName, std::optional<QString>(QStringLiteral("ada.lovelace@example.com")));
    QCOMPARE(s.passkeys().size(), 1);
    QCOMPARE(s.summary().coverage, PasskeySummary::Coverage::Synced);
}

void tst_UserSession::createdUserIsShownAndDeletedOneCleared()
{
    const StoredUser ada = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    storedPasskey(*m_emu, ada.id, QStringLiteral("singleDevice"));
    UserSession s(m_client.get());
    QSignalSpy loaded(&s, &UserSession::passkeysListed);
    QSignalSpy changed(&s, &UserSession::userChanged);

    User created;
    created.id = ada.id;
    created.userName = ada.userName;
    s.show(created);
    QCOMPARE(changed.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QCOMPARE(s.passkeys().size(), 1);

    User renamed = created;
    renamed.userName = QStringLiteral("ada.l@example.com");
    QVERIFY(s.updateUser(renamed));
    QCOMPARE(s.user()->userName, renamed.userName);
    User someoneElse;
    someoneElse.id = QStringLiteral("usr_other");
    QVERIFY(!s.updateUser(someoneElse));

    s.forgetPasskey(s.passkeys().first().id);
    QCOMPARE(s.summary().coverage, PasskeySummary::Coverage::None);

    m_emu->setLatency(300ms);
    s.refresh();
    s.clear(); // deleted while the refresh was on its way
    QCOMPARE(changed.count(), 2);
    QVERIFY(!s.user());
    QVERIFY(idle(s));
    QCOMPARE(loaded.count(), 1);
    QVERIFY(!s.user());
}

QTEST_GUILESS_MAIN(tst_UserSession)
#include "tst_usersession.moc"
