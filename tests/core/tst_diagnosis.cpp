// Diagnosis, the sign-in troubleshooter's engine, against the emulator over loopback HTTP: each
// scenario of issue 10 (healthy, expired, forged, deleted user, no passkey, unknown user, wrong
// secret, a clock that is off, PlainKey down) and the other answers the contract allows. Checks
// the verdicts, the order of the findings, the summary's gist, the outcome, that every exchange ID
// names a real log entry, and that no token or secret appears in any text.

#include "emulatorcredentials.h"
#include "httptesthelper.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/diagnose/diagnosis.h"
#include "emulator/emulator.h"
#include "core/log/exchangelog.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace plainkey;
using namespace std::chrono_literals;
using emulator::Emulator;
using emulator::EmulatorConfig;
using Verdict = Finding::Verdict;
using Outcome = Diagnosis::Outcome;

namespace {

const QStringList kOrder = {QStringLiteral("credentials"), QStringLiteral("reachability"), QStringLiteral("clock"),
                            QStringLiteral("token-shape"), QStringLiteral("token-times"), QStringLiteral("verify"),
                            QStringLiteral("user"), QStringLiteral("passkeys"), QStringLiteral("token-passkey"),
                            QStringLiteral("summary")};

QUrl emulatorUrl(const Emulator &emu, const char *path)
{
    return emu.baseUrl().resolved(QUrl(QString::fromLatin1(path)));
}

struct SignIn
{
    QString userId;
    QString credentialId;
    QString token;
};

//! A new user with one simulated (synced) passkey; its sign-up token is not used.
QString signUp(const Emulator &emu, const QString &userName)
{
    return testHttp("POST", emulatorUrl(emu, "/emulator/sign-up"), {{QStringLiteral("userName"), userName}})
            .json.value(QLatin1String("userId")).toString();
}

SignIn signIn(const Emulator &emu, const QString &userId)
{
    const auto a = testHttp("POST", emulatorUrl(emu, "/emulator/sign-in"), {{QStringLiteral("userId"), userId}});
    return {userId, a.json.value(QLatin1String("credentialId")).toString(),
            a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString()};
}

bool putFaults(const Emulator &emu, const QJsonObject &faults)
{
    return testHttp("PUT", emulatorUrl(emu, "/emulator/faults"), faults).status == 200;
}

//! One finished run and what it emitted.
struct Run
{
    Findings findings;
    Outcome outcome = Outcome::Running;
    Finding summary;
    QStringList started;
    int added = 0;
    int finished = 0;

    const Finding *get(const QString &id) const
    {
        for (const Finding &f : findings)
            if (f.id == id)
                return &f;
        return nullptr;
    }
    Verdict verdict(const QString &id) const
    {
        const Finding *f = get(id);
        return f ? f->verdict : Verdict(-1);
    }
    QStringList ids() const
    {
        QStringList out;
        for (const Finding &f : findings)
            out.append(f.id);
        return out;
    }
    //! Every text of every finding, for searching.
    QString allText() const
    {
        QString out;
        for (const Finding &f : findings)
            out += f.title + QLatin1Char('\n') + f.detail + QLatin1Char('\n') + f.action + QLatin1Char('\n');
        return out;
    }
};

QString dump(const Run &run)
{
    QString out;
    for (const Finding &f : run.findings)
        out += QStringLiteral("\n  %1 [%2] %3 | %4").arg(f.id, Finding::verdictName(f.verdict), f.title, f.detail);
    return out;
}

//! Runs a diagnosis to its end. PLAINKEY_TEST_DUMP=1 prints each run's findings, to read them.
Run diagnose(PlainKeyClient &client, const DiagnosisInput &input)
{
    Run run;
    Diagnosis d(&client);
    QObject::connect(&d, &Diagnosis::checkStarted, [&](const QString &id, const QString &) { run.started.append(id); });
    QObject::connect(&d, &Diagnosis::findingAdded, [&](const Finding &) { ++run.added; });
    QObject::connect(&d, &Diagnosis::finished, [&] { ++run.finished; });
    d.start(input);
    if (!d.isRunning() || run.added != 0) // nothing from inside start()
        return run;
    if (!QTest::qWaitFor([&] { return run.finished > 0; }, 30000))
        return run;
    QTest::qWait(0); // a second finished() would come from the event loop
    run.findings = d.findings();
    run.outcome = d.outcome();
    run.summary = d.summary();
    if (d.isRunning())
        run.finished = -1;
    if (qEnvironmentVariableIsSet("PLAINKEY_TEST_DUMP"))
        qInfo().noquote() << dump(run) << "\n  => " << run.summary.title;
    return run;
}

//! The truths every run must hold: the checks in order, one signal per finding, one finished(),
//! exchange IDs that name real log entries, and no secret in any text.
QString invariants(const Run &run, PlainKeyClient &client, const QStringList &secrets)
{
    if (run.finished != 1)
        return QStringLiteral("finished() came %1 times").arg(run.finished);
    if (run.ids() != kOrder)
        return QStringLiteral("findings in this order: %1").arg(run.ids().join(QLatin1Char(',')));
    if (run.added != run.findings.size())
        return QStringLiteral("%1 findingAdded for %2 findings").arg(run.added).arg(run.findings.size());
    if (run.summary.id != QLatin1String("summary") || run.summary.title.isEmpty())
        return QStringLiteral("no summary");
    // One sentence: it ends once, with a full stop.
    if (!run.summary.title.endsWith(QLatin1Char('.')) || run.summary.title.count(QStringLiteral(". ")) > 0)
        return QStringLiteral("the summary is not one sentence: %1").arg(run.summary.title);
    for (const Finding &f : run.findings) {
        if (f.title.isEmpty())
            return QStringLiteral("%1 has no title").arg(f.id);
        for (quint64 id : f.exchangeIds)
            if (!client.exchangeLog()->find(id))
                return QStringLiteral("%1 names exchange %2, which is not in the log").arg(f.id).arg(id);
        // A check that asked PlainKey and got an answer rests on that exchange.
        static const QStringList network = {QStringLiteral("credentials"), QStringLiteral("verify"), QStringLiteral("user"),
                                            QStringLiteral("passkeys"), QStringLiteral("token-passkey")};
        if (network.contains(f.id) && (f.verdict == Verdict::Pass || f.verdict == Verdict::Fail) && f.exchangeIds.isEmpty())
            return QStringLiteral("%1 (%2) names no exchange").arg(f.id, Finding::verdictName(f.verdict));
    }
    const QString text = run.allText();
    QStringList all = secrets;
    all.append(client.credentials().clientSecret);
    if (client.accessToken()->hasToken())
        all.append(client.accessToken()->token());
    for (const QString &s : std::as_const(all)) {
        if (s.size() >= 6 && text.contains(s))
            return QStringLiteral("a secret appears in the findings: …%1…").arg(s.right(4));
        // The signature of a JWT alone identifies it too.
        const QStringList parts = s.split(QLatin1Char('.'));
        if (parts.size() == 3 && parts[2].size() >= 8 && text.contains(parts[2]))
            return QStringLiteral("a token's signature appears in the findings");
    }
    return {};
}

#define CHECK_INVARIANTS(run, client, ...)                                            \
    do {                                                                              \
        const QString why = invariants(run, client, QStringList __VA_ARGS__);         \
        QVERIFY2(why.isEmpty(), qPrintable(why + dump(run)));                          \
    } while (false)

#define COMPARE_VERDICT(run, id, expected)                                                          \
    QVERIFY2((run).verdict(QString(id)) == (expected),                                              \
             qPrintable(QStringLiteral("%1 is %2, expected %3").arg(QString(id),                     \
                                                                     Finding::verdictName((run).verdict(QString(id))), \
                                                                     Finding::verdictName(expected)) + dump(run)))

} // namespace

class tst_Diagnosis : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void healthyUserAndToken();
    void tokenAloneNamesTheUser();
    void userAloneSkipsTheTokenChecks();
    void expiredToken();
    void forgedToken();
    void tokenOfAnotherProject();
    void tokenOfADeletedUser();
    void userWithNoPasskey();
    void unknownUser_data();
    void unknownUser();
    void wrongClientSecret();
    void serverClockIsOff();
    void plainKeyDown();
    void plainKeyAnswers5xx();
    void baseUrlPathLeadsElsewhere();
    void verifyRateLimitedCouldNotCheck();
    void alreadyUsedToken();
    void opaqueToken();
    void tokensPasskeyWasRemoved();
    void tokenOfAnotherUser();
    void pastedTextIsNotAToken();
    void onlySingleDevicePasskeysIsInfo();
    void cancelStopsTheRun();
    void exitCodes();

private:
    std::unique_ptr<Emulator> m_emu;
    std::unique_ptr<PlainKeyClient> m_client;
    void makeEmulator(const EmulatorConfig &config = {});
};

void tst_Diagnosis::makeEmulator(const EmulatorConfig &config)
{
    m_client.reset();
    m_emu = std::make_unique<Emulator>(config);
    QVERIFY(m_emu->listen());
    m_client = std::make_unique<PlainKeyClient>();
    m_client->setCredentials(emulatorCredentials(*m_emu));
}

void tst_Diagnosis::init()
{
    makeEmulator();
}

void tst_Diagnosis::cleanup()
{
    m_client.reset();
    m_emu.reset();
}

void tst_Diagnosis::healthyUserAndToken()
{
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    const SignIn in = signIn(*m_emu, id);
    QVERIFY(!in.token.isEmpty());
    const Run run = diagnose(*m_client, {QStringLiteral("ada@example.com"), true, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    for (const QString &check : kOrder)
        COMPARE_VERDICT(run, check, Verdict::Pass);
    QCOMPARE(run.outcome, Outcome::Healthy);
    QVERIFY2(run.summary.title.startsWith(QLatin1String("Nothing wrong found")), qPrintable(run.summary.title));
    QVERIFY(run.summary.title.contains(QLatin1String("ada@example.com")));
    // The network checks announced themselves, in order.
    QCOMPARE(run.started, (QStringList{QStringLiteral("credentials"), QStringLiteral("token-shape"), QStringLiteral("token-times"),
                                       QStringLiteral("verify"), QStringLiteral("user"), QStringLiteral("passkeys"),
                                       QStringLiteral("token-passkey")}));
    // Each network finding rests on the exchange it names.
    const auto path = [&](const char *id) {
        return m_client->exchangeLog()->find(run.get(QString::fromLatin1(id))->exchangeIds.constLast())->path();
    };
    QVERIFY(path("credentials").endsWith(QLatin1String("/access-token")));
    QVERIFY(path("verify").endsWith(QLatin1String("/authentication-token/verify")));
    QVERIFY(path("user").startsWith(QLatin1String("/user")));
    QVERIFY(path("passkeys").endsWith(QLatin1String("/credentials")));
    QCOMPARE(path("token-passkey"), QStringLiteral("/credential/") + in.credentialId);
}

void tst_Diagnosis::tokenAloneNamesTheUser()
{
    const QString id = signUp(*m_emu, QStringLiteral("grace@example.com"));
    const SignIn in = signIn(*m_emu, id);
    const Run run = diagnose(*m_client, {QString(), false, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    QCOMPARE(run.outcome, Outcome::Healthy);
    COMPARE_VERDICT(run, "user", Verdict::Pass);
    QVERIFY(run.get(QStringLiteral("user"))->title.contains(id));
    QVERIFY(run.get(QStringLiteral("user"))->title.contains(QLatin1String("the user the token names")));
}

void tst_Diagnosis::userAloneSkipsTheTokenChecks()
{
    const QString id = signUp(*m_emu, QStringLiteral("linus@example.com"));
    const Run run = diagnose(*m_client, {id, false, QString()});
    CHECK_INVARIANTS(run, *m_client, {});
    QCOMPARE(run.outcome, Outcome::Healthy);
    for (const char *skipped : {"token-shape", "token-times", "verify", "token-passkey"})
        COMPARE_VERDICT(run, skipped, Verdict::Skipped);
    COMPARE_VERDICT(run, "user", Verdict::Pass);
    COMPARE_VERDICT(run, "passkeys", Verdict::Pass);
    QVERIFY(!run.summary.action.isEmpty()); // ask for the token to go further
}

void tst_Diagnosis::expiredToken()
{
    // Signed up and in ten minutes ago (a five-minute token): it expired five minutes ago.
    m_emu->setClockSkew(-600s);
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    const SignIn in = signIn(*m_emu, id);
    m_emu->setClockSkew(0s);
    const Run run = diagnose(*m_client, {QStringLiteral("ada@example.com"), true, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    QCOMPARE(run.outcome, Outcome::SignInFails);
    COMPARE_VERDICT(run, "verify", Verdict::Fail);
    COMPARE_VERDICT(run, "token-times", Verdict::Fail);
    COMPARE_VERDICT(run, "user", Verdict::Pass);
    COMPARE_VERDICT(run, "passkeys", Verdict::Pass);
    QCOMPARE(run.summary.verdict, Verdict::Fail);
    const QRegularExpression gist(QStringLiteral("^The token expired (\\d+) minutes? before it was verified: the customer's frontend held it too long\\.$"));
    const auto m = gist.match(run.summary.title);
    QVERIFY2(m.hasMatch(), qPrintable(run.summary.title));
    QVERIFY2(m.captured(1).toInt() >= 4 && m.captured(1).toInt() <= 6, qPrintable(run.summary.title));
    QCOMPARE(run.summary.exchangeIds, run.get(QStringLiteral("verify"))->exchangeIds);
    QVERIFY(run.get(QStringLiteral("verify"))->title.contains(QLatin1String("Token expired")));
}

void tst_Diagnosis::forgedToken()
{
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    const SignIn in = signIn(*m_emu, id);
    // Another signature of the right length: the claims stay readable, PlainKey refuses it.
    QStringList parts = in.token.split(QLatin1Char('.'));
    QCOMPARE(parts.size(), 3);
    QString sig = parts[2];
    sig[sig.size() / 2] = sig[sig.size() / 2] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    parts[2] = sig;
    const QString forged = parts.join(QLatin1Char('.'));
    const Run run = diagnose(*m_client, {QString(), false, forged});
    CHECK_INVARIANTS(run, *m_client, {forged, in.token});
    QCOMPARE(run.outcome, Outcome::SignInFails);
    COMPARE_VERDICT(run, "token-shape", Verdict::Pass); // it reads like a token...
    COMPARE_VERDICT(run, "verify", Verdict::Fail);      // ...but PlainKey did not sign it
    QVERIFY2(run.summary.title.startsWith(QLatin1String("PlainKey does not recognise the token")), qPrintable(run.summary.title));
    QVERIFY(run.summary.title.contains(QLatin1String("Invalid token signature")));
}

void tst_Diagnosis::tokenOfAnotherProject()
{
    EmulatorConfig other;
    other.projectId = QStringLiteral("other-project");
    other.clientSecret = QStringLiteral("other-secret");
    Emulator otherEmu(other);
    QVERIFY(otherEmu.listen());
    const SignIn in = signIn(otherEmu, signUp(otherEmu, QStringLiteral("ada@example.com")));
    const Run run = diagnose(*m_client, {QString(), false, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token, other.clientSecret});
    QCOMPARE(run.outcome, Outcome::SignInFails);
    COMPARE_VERDICT(run, "token-shape", Verdict::Fail);
    QVERIFY(run.get(QStringLiteral("token-shape"))->title.contains(QLatin1String("other-project")));
    COMPARE_VERDICT(run, "verify", Verdict::Fail);
    QVERIFY2(run.summary.title.contains(QLatin1String("another PlainKey project")), qPrintable(run.summary.title));
}

void tst_Diagnosis::tokenOfADeletedUser()
{
    const QString id = signUp(*m_emu, QStringLiteral("gone@example.com"));
    const SignIn in = signIn(*m_emu, id);
    m_emu->store().deleteUser(id);
    const Run run = diagnose(*m_client, {QString(), false, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    QCOMPARE(run.outcome, Outcome::SignInFails);
    COMPARE_VERDICT(run, "verify", Verdict::Fail);
    COMPARE_VERDICT(run, "user", Verdict::Fail);
    COMPARE_VERDICT(run, "passkeys", Verdict::Skipped);
    COMPARE_VERDICT(run, "token-passkey", Verdict::Fail);
    QVERIFY2(run.summary.title.contains(id) && run.summary.title.contains(QLatin1String("deleted")), qPrintable(run.summary.title));
}

void tst_Diagnosis::userWithNoPasskey()
{
    QString why;
    const auto user = m_emu->store().createUser(QStringLiteral("margaret@example.com"), &why);
    QVERIFY2(user, qPrintable(why));
    const Run run = diagnose(*m_client, {QStringLiteral("margaret@example.com"), true, QString()});
    CHECK_INVARIANTS(run, *m_client, {});
    QCOMPARE(run.outcome, Outcome::SignInFails);
    COMPARE_VERDICT(run, "user", Verdict::Pass);
    COMPARE_VERDICT(run, "passkeys", Verdict::Fail);
    QVERIFY2(run.summary.title.contains(QLatin1String("has no passkey")), qPrintable(run.summary.title));
    QVERIFY(run.summary.title.contains(QLatin1String("margaret@example.com")));
    QVERIFY(!run.summary.action.isEmpty());
}

void tst_Diagnosis::unknownUser_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<bool>("byName");
    QTest::newRow("by name") << QStringLiteral("nobody@example.com") << true;
    QTest::newRow("by ID") << QStringLiteral("usr_doesnotexist") << false;
}

void tst_Diagnosis::unknownUser()
{
    QFETCH(QString, user);
    QFETCH(bool, byName);
    const Run run = diagnose(*m_client, {user, byName, QString()});
    CHECK_INVARIANTS(run, *m_client, {});
    QCOMPARE(run.outcome, Outcome::SignInFails);
    COMPARE_VERDICT(run, "user", Verdict::Fail);
    COMPARE_VERDICT(run, "passkeys", Verdict::Skipped);
    QVERIFY2(run.summary.title.startsWith(QLatin1String("There is no user")), qPrintable(run.summary.title));
    QVERIFY(run.summary.title.contains(user));
}

void tst_Diagnosis::wrongClientSecret()
{
    Credentials c = emulatorCredentials(*m_emu);
    c.clientSecret = QStringLiteral("not-the-secret-42");
    m_client->setCredentials(c);
    const SignIn in = signIn(*m_emu, signUp(*m_emu, QStringLiteral("ada@example.com")));
    const Run run = diagnose(*m_client, {QStringLiteral("ada@example.com"), true, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token, QStringLiteral("not-the-secret-42"), QStringLiteral("demo-secret")});
    QCOMPARE(run.outcome, Outcome::CredentialsRefused);
    COMPARE_VERDICT(run, "credentials", Verdict::CouldNotCheck);
    COMPARE_VERDICT(run, "reachability", Verdict::Pass); // it answered: it refused
    for (const char *id : {"verify", "user", "token-passkey"})
        COMPARE_VERDICT(run, id, Verdict::CouldNotCheck);
    COMPARE_VERDICT(run, "token-shape", Verdict::Pass); // read locally all the same
    QCOMPARE(run.summary.verdict, Verdict::CouldNotCheck);
    QVERIFY2(run.summary.title.contains(QLatin1String("refused")) && run.summary.title.contains(QLatin1String("client ID or secret")),
             qPrintable(run.summary.title));
    QVERIFY(!run.get(QStringLiteral("credentials"))->exchangeIds.isEmpty());
}

void tst_Diagnosis::serverClockIsOff()
{
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    m_emu->setClockSkew(900s);
    const SignIn in = signIn(*m_emu, id);
    const Run run = diagnose(*m_client, {QStringLiteral("ada@example.com"), true, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    COMPARE_VERDICT(run, "clock", Verdict::Warning);
    QVERIFY2(run.get(QStringLiteral("clock"))->title.contains(QLatin1String("15 minutes ahead")), qPrintable(run.get(QStringLiteral("clock"))->title));
    QVERIFY(!run.get(QStringLiteral("clock"))->exchangeIds.isEmpty());
    // Token times are read on PlainKey's clock: a fresh token is fresh, not "issued in the future".
    COMPARE_VERDICT(run, "token-times", Verdict::Pass);
    COMPARE_VERDICT(run, "verify", Verdict::Pass);
    QCOMPARE(run.outcome, Outcome::Healthy);
    QCOMPARE(run.summary.verdict, Verdict::Warning);
    QVERIFY2(run.summary.title.contains(QLatin1String("clock is 15 minutes ahead")), qPrintable(run.summary.title));

    // Behind: the same, the other way.
    m_emu->setClockSkew(-7200s);
    const Run behind = diagnose(*m_client, {QStringLiteral("ada@example.com"), true, QString()});
    CHECK_INVARIANTS(behind, *m_client, {});
    QVERIFY2(behind.get(QStringLiteral("clock"))->title.contains(QLatin1String("2 hours behind")), qPrintable(dump(behind)));
}

void tst_Diagnosis::plainKeyDown()
{
    // A port that was just free: nothing listens there.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    Credentials c = emulatorCredentials(*m_emu);
    c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    m_client->setCredentials(c);
    const SignIn in = signIn(*m_emu, signUp(*m_emu, QStringLiteral("ada@example.com")));
    const Run run = diagnose(*m_client, {QStringLiteral("ada@example.com"), true, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    QCOMPARE(run.outcome, Outcome::CouldNotCheck);
    COMPARE_VERDICT(run, "credentials", Verdict::CouldNotCheck);
    COMPARE_VERDICT(run, "reachability", Verdict::CouldNotCheck);
    COMPARE_VERDICT(run, "clock", Verdict::CouldNotCheck);
    COMPARE_VERDICT(run, "token-shape", Verdict::Pass);
    COMPARE_VERDICT(run, "token-times", Verdict::Pass);
    for (const char *id : {"verify", "user", "passkeys", "token-passkey"})
        COMPARE_VERDICT(run, id, Verdict::CouldNotCheck);
    QVERIFY2(run.summary.title.startsWith(QStringLiteral("Nothing could be checked because PlainKey at 127.0.0.1:%1 could not be reached").arg(port)),
             qPrintable(run.summary.title));
    // The failed attempt is in the log, and the reachability finding points at it.
    const auto ids = run.get(QStringLiteral("reachability"))->exchangeIds;
    QCOMPARE(ids.size(), 1);
    QCOMPARE(m_client->exchangeLog()->find(ids.first())->outcome, Exchange::Outcome::Failed);
}

void tst_Diagnosis::plainKeyAnswers5xx()
{
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    QVERIFY(putFaults(*m_emu, {{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("status"), 503}}));
    const Run run = diagnose(*m_client, {id, false, QString()});
    CHECK_INVARIANTS(run, *m_client, {});
    QCOMPARE(run.outcome, Outcome::CouldNotCheck);
    COMPARE_VERDICT(run, "reachability", Verdict::CouldNotCheck);
    QVERIFY(run.get(QStringLiteral("reachability"))->title.contains(QLatin1String("503")));
    QCOMPARE(run.summary.verdict, Verdict::CouldNotCheck);
    QVERIFY2(run.summary.title.contains(QLatin1String("answered HTTP 503")), qPrintable(run.summary.title));
}

void tst_Diagnosis::baseUrlPathLeadsElsewhere()
{
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    Credentials c = emulatorCredentials(*m_emu);
    c.baseUrl = m_emu->baseUrl().resolved(QUrl(QStringLiteral("/api/v2")));
    m_client->setCredentials(c);
    const Run run = diagnose(*m_client, {id, false, QString()});
    CHECK_INVARIANTS(run, *m_client, {});
    QCOMPARE(run.outcome, Outcome::CouldNotCheck);
    COMPARE_VERDICT(run, "credentials", Verdict::CouldNotCheck);
    COMPARE_VERDICT(run, "reachability", Verdict::Warning);
    QVERIFY(run.get(QStringLiteral("reachability"))->action.contains(QLatin1String("base URL")));
    QVERIFY2(run.summary.title.contains(QLatin1String("answered HTTP 404")), qPrintable(run.summary.title));
}

void tst_Diagnosis::verifyRateLimitedCouldNotCheck()
{
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    const SignIn in = signIn(*m_emu, id);
    QVERIFY(putFaults(*m_emu, {{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("status"), 429},
                               {QStringLiteral("retryAfterSeconds"), 30}, {QStringLiteral("pathPrefix"), QStringLiteral("/authentication-token")}}));
    const Run run = diagnose(*m_client, {id, false, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    COMPARE_VERDICT(run, "credentials", Verdict::Pass);
    COMPARE_VERDICT(run, "verify", Verdict::CouldNotCheck);
    QVERIFY(!run.get(QStringLiteral("verify"))->exchangeIds.isEmpty());
    COMPARE_VERDICT(run, "user", Verdict::Pass);
    QCOMPARE(run.outcome, Outcome::CouldNotCheck);
    QVERIFY2(run.summary.title.contains(QLatin1String("but the token could not be checked: PlainKey is limiting the request rate")),
             qPrintable(run.summary.title));
}

void tst_Diagnosis::alreadyUsedToken()
{
    EmulatorConfig config;
    config.singleUseTokens = true;
    makeEmulator(config);
    const SignIn in = signIn(*m_emu, signUp(*m_emu, QStringLiteral("ada@example.com")));
    // The first run verifies it (as the customer's backend would have); the second finds it used.
    const Run once = diagnose(*m_client, {QString(), false, in.token});
    COMPARE_VERDICT(once, "verify", Verdict::Pass);
    QVERIFY(once.get(QStringLiteral("verify"))->detail.contains(QLatin1String("single use")));
    const Run twice = diagnose(*m_client, {QString(), false, in.token});
    CHECK_INVARIANTS(twice, *m_client, {in.token});
    QCOMPARE(twice.outcome, Outcome::SignInFails);
    QVERIFY2(twice.summary.title.startsWith(QLatin1String("The token was already verified once")), qPrintable(twice.summary.title));
}

void tst_Diagnosis::opaqueToken()
{
    EmulatorConfig config;
    config.tokenFormat = EmulatorConfig::TokenFormat::Opaque;
    makeEmulator(config);
    const SignIn in = signIn(*m_emu, signUp(*m_emu, QStringLiteral("ada@example.com")));
    QVERIFY(!in.token.contains(QLatin1Char('.')));
    const Run run = diagnose(*m_client, {QString(), false, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    COMPARE_VERDICT(run, "token-shape", Verdict::Info);
    COMPARE_VERDICT(run, "token-times", Verdict::Skipped);
    COMPARE_VERDICT(run, "verify", Verdict::Pass);
    COMPARE_VERDICT(run, "user", Verdict::Pass);
    // The passkey comes from PlainKey's verified payload when the token cannot be read.
    COMPARE_VERDICT(run, "token-passkey", Verdict::Pass);
    QCOMPARE(run.outcome, Outcome::Healthy);
}

void tst_Diagnosis::tokensPasskeyWasRemoved()
{
    m_emu->seedDemoData(); // ada has two passkeys
    const SignIn in = signIn(*m_emu, m_emu->store().userByName(QStringLiteral("ada@example.com"))->id);
    m_emu->store().deletePasskey(in.credentialId);
    const Run run = diagnose(*m_client, {QStringLiteral("ada@example.com"), true, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    COMPARE_VERDICT(run, "verify", Verdict::Pass);
    COMPARE_VERDICT(run, "token-passkey", Verdict::Fail);
    QCOMPARE(run.outcome, Outcome::SignInFails);
    QVERIFY2(run.summary.title.contains(in.credentialId) && run.summary.title.contains(QLatin1String("no longer exists")),
             qPrintable(run.summary.title));
}

void tst_Diagnosis::tokenOfAnotherUser()
{
    const QString ada = signUp(*m_emu, QStringLiteral("ada@example.com"));
    const QString grace = signUp(*m_emu, QStringLiteral("grace@example.com"));
    const SignIn in = signIn(*m_emu, grace);
    const Run run = diagnose(*m_client, {ada, false, in.token});
    CHECK_INVARIANTS(run, *m_client, {in.token});
    COMPARE_VERDICT(run, "user", Verdict::Warning);
    QVERIFY(run.get(QStringLiteral("user"))->title.contains(grace));
    COMPARE_VERDICT(run, "token-passkey", Verdict::Fail);
    QCOMPARE(run.outcome, Outcome::SignInFails);
}

void tst_Diagnosis::pastedTextIsNotAToken()
{
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    const Run run = diagnose(*m_client, {id, false, QStringLiteral("{\"user\": \"ada\"}")});
    CHECK_INVARIANTS(run, *m_client, {});
    COMPARE_VERDICT(run, "token-shape", Verdict::Fail);
    COMPARE_VERDICT(run, "verify", Verdict::Skipped);
    QCOMPARE(run.outcome, Outcome::SignInFails);
    QVERIFY2(run.summary.title.startsWith(QLatin1String("What was pasted is not an authentication token")), qPrintable(run.summary.title));
}

void tst_Diagnosis::onlySingleDevicePasskeysIsInfo()
{
    m_emu->seedDemoData(); // linus: one Windows Hello passkey, single-device
    const Run run = diagnose(*m_client, {QStringLiteral("linus@example.com"), true, QString()});
    CHECK_INVARIANTS(run, *m_client, {});
    COMPARE_VERDICT(run, "passkeys", Verdict::Info);
    QVERIFY(run.get(QStringLiteral("passkeys"))->title.contains(QLatin1String("only single-device")));
    QCOMPARE(run.outcome, Outcome::Healthy);
}

void tst_Diagnosis::cancelStopsTheRun()
{
    const QString id = signUp(*m_emu, QStringLiteral("ada@example.com"));
    m_emu->setLatency(2000ms); // the credentials check is still waiting when cancelled
    Diagnosis d(m_client.get());
    QSignalSpy finished(&d, &Diagnosis::finished);
    QSignalSpy added(&d, &Diagnosis::findingAdded);
    QSignalSpy started(&d, &Diagnosis::checkStarted);
    d.start({id, false, QString()});
    QVERIFY(d.isRunning());
    QTRY_COMPARE(started.count(), 1);
    d.cancel();
    QVERIFY(!d.isRunning());
    QCOMPARE(d.outcome(), Outcome::CouldNotCheck);
    m_emu->setLatency(0ms);
    // A fresh run on the same object still works, and the cancelled one says nothing more.
    d.start({id, false, QString()});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(d.findings().size(), kOrder.size());
    QCOMPARE(added.count(), kOrder.size());
    QCOMPARE(d.outcome(), Outcome::Healthy);
}

void tst_Diagnosis::exitCodes()
{
    QCOMPARE(Diagnosis::exitCode(Outcome::Healthy), 0);
    QCOMPARE(Diagnosis::exitCode(Outcome::SignInFails), 1);
    QCOMPARE(Diagnosis::exitCode(Outcome::CredentialsRefused), 3);
    QCOMPARE(Diagnosis::exitCode(Outcome::CouldNotCheck), 4);
}

QTEST_GUILESS_MAIN(tst_Diagnosis)
#include "tst_diagnosis.moc"
