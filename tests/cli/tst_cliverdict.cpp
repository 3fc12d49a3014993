// plainkey-cli's verify and passkeys list say what the console says, from the same core
// decisions (VerifyVerdict, PasskeySummary): the built binaries against a plainkey-emulator process.

#include "cliharness.h"
#include "httptesthelper.h"

#include <QJsonArray>
#include <QProcess>
#include <QTest>

class tst_CliVerdict : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void validTokenSaysWhatTheBackendShouldDo();
    void usedTokenSaysWhyAndTo401();
    void passkeysListJsonCarriesTheSummary();

private:
    Run cli(const QStringList &args);
    QJsonObject signUp(const QString &userName);

    CliHarness m_cli;
    QUrl m_base;
};

void tst_CliVerdict::initTestCase()
{
    // Single-use tokens, as PlainKey may have them: the second verification is refused.
    m_base = m_cli.start({QStringLiteral("--single-use-tokens")});
    QVERIFY2(m_base.isValid(), qPrintable(m_cli.failure()));
}

void tst_CliVerdict::cleanupTestCase()
{
    m_cli.stop();
}

Run tst_CliVerdict::cli(const QStringList &args)
{
    return m_cli.run(args, m_cli.environment());
}

QJsonObject tst_CliVerdict::signUp(const QString &userName)
{
    return testHttp("POST", m_base.resolved(QUrl(QStringLiteral("/emulator/sign-up"))), QJsonObject{{QStringLiteral("userName"), userName}}).json;
}

void tst_CliVerdict::validTokenSaysWhatTheBackendShouldDo()
{
    const QJsonObject s = signUp(QStringLiteral("verdict-valid@example.com"));
    const QString token = s.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QVERIFY(!token.isEmpty());
    const Run text = cli({QStringLiteral("verify"), token});
    QCOMPARE(text.exitCode, 0);
    const QStringList l = text.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(l.size(), 3);
    QVERIFY2(l.at(0).startsWith(QLatin1String("valid: user ") + s.value(QLatin1String("userId")).toString()), qPrintable(text.out));
    QVERIFY2(l.at(1).startsWith(QLatin1String("  The person proved they hold a passkey of this user. It expires in ")), qPrintable(l.at(1)));
    QVERIFY2(l.at(2).startsWith(QLatin1String("  Your backend should accept the sign-in")), qPrintable(l.at(2)));
    QVERIFY(!text.out.contains(QLatin1Char('<'))); // no markup in a terminal
    QVERIFY(!text.all().contains(token));
}

void tst_CliVerdict::usedTokenSaysWhyAndTo401()
{
    const QJsonObject s = signUp(QStringLiteral("verdict-used@example.com"));
    const QString token = s.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
    QCOMPARE(cli({QStringLiteral("verify"), token}).exitCode, 0);

    const Run text = cli({QStringLiteral("verify"), token});
    QCOMPARE(text.exitCode, 1);
    QVERIFY2(text.out.startsWith(QLatin1String("not valid: Token has already been used\n")), qPrintable(text.out));
    QVERIFY2(text.out.contains(QLatin1String("What it usually means: The token was verified before.")), qPrintable(text.out));
    QVERIFY(text.out.contains(QLatin1String("Your backend should answer its frontend 401 Unauthorized")));

    const Run json = cli({QStringLiteral("--json"), QStringLiteral("verify"), token});
    QCOMPARE(json.exitCode, 1);
    QCOMPARE(json.json().value(QLatin1String("valid")).toBool(true), false);
    QCOMPARE(json.json().value(QLatin1String("backendStatus")).toInt(), 401);
    QVERIFY(json.json().value(QLatin1String("advice")).toString().startsWith(QLatin1String("Your backend should answer its frontend 401")));
    QCOMPARE(json.json().value(QLatin1String("clocksDisagree")).toBool(true), false);
}

void tst_CliVerdict::passkeysListJsonCarriesTheSummary()
{
    const QJsonObject s = signUp(QStringLiteral("verdict-passkeys@example.com"));
    const QString userId = s.value(QLatin1String("userId")).toString();
    const QString passkeyId = s.value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString();
    const Run json = cli({QStringLiteral("--json"), QStringLiteral("passkeys"), QStringLiteral("list"), userId});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject summary = json.json().value(QLatin1String("summary")).toObject();
    QCOMPARE(summary.value(QLatin1String("coverage")).toString(), QStringLiteral("synced")); // the emulator's sign-up passkey is multiDevice
    QCOMPARE(summary.value(QLatin1String("total")).toInt(), 1);
    QCOMPARE(summary.value(QLatin1String("synced")).toInt(), 1);
    QCOMPARE(summary.value(QLatin1String("lastUsedPasskeyId")).toString(), passkeyId);
    QVERIFY(QDateTime::fromString(summary.value(QLatin1String("lastUsedAt")).toString(), Qt::ISODateWithMs).isValid());
    QCOMPARE(summary.value(QLatin1String("counterAnomalies")).toArray().size(), 0);

    // Deleting the passkey leaves a user who cannot sign in with one.
    QCOMPARE(cli({QStringLiteral("passkey"), QStringLiteral("delete"), QStringLiteral("--yes"), passkeyId}).exitCode, 0);
    const Run none = cli({QStringLiteral("--json"), QStringLiteral("passkeys"), QStringLiteral("list"), userId});
    QCOMPARE(none.json().value(QLatin1String("summary")).toObject().value(QLatin1String("coverage")).toString(), QStringLiteral("none"));
    const Run text = cli({QStringLiteral("passkeys"), QStringLiteral("list"), userId});
    QVERIFY2(text.out.startsWith(QLatin1String("No passkeys: ")), qPrintable(text.out));
}

QTEST_GUILESS_MAIN(tst_CliVerdict)
#include "tst_cliverdict.moc"
