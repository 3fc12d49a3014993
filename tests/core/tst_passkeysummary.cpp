// PasskeySummary: what a user's passkeys add up to. The passkeys are read from Passkey objects
// as PlainKey's contract writes them (through Passkey::fromJson), the same bytes the emulator
// and the wire tests use.

#include "core/users/passkeysummary.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace plainkey;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 29), QTime(12, 0, 0), Qt::UTC);

//! One contract Passkey object; \a deviceType null when empty, \a lastUsed null when empty.
QJsonObject passkeyJson(const QString &id, const QString &deviceType, const QString &lastUsed, const QJsonValue &counter = 0)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("userId"), QStringLiteral("user_1")},
                       {QStringLiteral("webAuthnId"), QStringLiteral("d2ViYXV0aG4") + id},
                       {QStringLiteral("label"), QJsonValue::Null},
                       {QStringLiteral("authenticatorType"), QStringLiteral("platform")},
                       {QStringLiteral("aaguid"), QStringLiteral("fbfc3007-154e-4ecc-8c0b-6e020557d7bd")},
                       {QStringLiteral("credentialDeviceType"), deviceType.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(deviceType)},
                       {QStringLiteral("credentialBackedUp"), deviceType == QLatin1String("multiDevice")},
                       {QStringLiteral("transports"), QJsonArray{QStringLiteral("internal"), QStringLiteral("hybrid")}},
                       {QStringLiteral("counter"), counter},
                       {QStringLiteral("createdAt"), QStringLiteral("2025-01-10T09:00:00.000Z")},
                       {QStringLiteral("updatedAt"), QJsonValue::Null},
                       {QStringLiteral("lastUsedAt"), lastUsed.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(lastUsed)}};
}

QList<Passkey> read(const QJsonArray &array)
{
    QList<Passkey> out;
    for (const QJsonValue &v : array) {
        const Result<Passkey> p = Passkey::fromJson(v.toObject());
        if (!p)
            qFatal("test data is not a Passkey: %s", qPrintable(p.error().message()));
        out.append(p.value());
    }
    return out;
}

} // namespace

Q_DECLARE_METATYPE(plainkey::PasskeySummary::Coverage)
Q_DECLARE_METATYPE(plainkey::Tone)

class tst_PasskeySummary : public QObject
{
    Q_OBJECT
private slots:
    void summarises_data();
    void summarises();
    void latestReadableUseWins();
    void impossibleCountersAreAnomalies_data();
    void impossibleCountersAreAnomalies();
    void coverageNamesAreStable();
};

void tst_PasskeySummary::summarises_data()
{
    QTest::addColumn<QJsonArray>("passkeys");
    QTest::addColumn<PasskeySummary::Coverage>("coverage");
    QTest::addColumn<Tone>("tone");
    QTest::addColumn<int>("synced");
    QTest::addColumn<int>("single");
    QTest::addColumn<int>("unknown");
    QTest::addColumn<QString>("text");

    using C = PasskeySummary::Coverage;
    const QString twoHoursAgo = kNow.addSecs(-7200).toString(Qt::ISODateWithMs);
    const QString threeDaysAgo = kNow.addDays(-3).toString(Qt::ISODateWithMs);
    QTest::newRow("none") << QJsonArray() << C::None << Tone::Bad << 0 << 0 << 0
                          << "none: this user cannot sign in with a passkey until one is added.";
    QTest::newRow("one synced, used") << QJsonArray{passkeyJson(QStringLiteral("cred_a"), QStringLiteral("multiDevice"), twoHoursAgo)}
                                      << C::Synced << Tone::Good << 1 << 0 << 0 << "1 passkey (1 synced, last sign-in 2 h 00 min ago)";
    QTest::newRow("single-device only, never used")
            << QJsonArray{passkeyJson(QStringLiteral("cred_a"), QStringLiteral("singleDevice"), {}),
                          passkeyJson(QStringLiteral("cred_b"), QStringLiteral("singleDevice"), {})}
            << C::SingleDeviceOnly << Tone::Neutral << 0 << 2 << 0 << "2 passkeys (2 on a single device, never used to sign in)";
    QTest::newRow("mixed") << QJsonArray{passkeyJson(QStringLiteral("cred_a"), QStringLiteral("singleDevice"), threeDaysAgo),
                                         passkeyJson(QStringLiteral("cred_b"), QStringLiteral("multiDevice"), {}),
                                         passkeyJson(QStringLiteral("cred_c"), {}, {})}
                           << C::Synced << Tone::Good << 1 << 1 << 1 << "3 passkeys (1 synced, 1 on a single device, last sign-in 3 days ago)";
    QTest::newRow("type not said") << QJsonArray{passkeyJson(QStringLiteral("cred_a"), {}, {}),
                                                 passkeyJson(QStringLiteral("cred_b"), QStringLiteral("singleDevice"), {})}
                                   << C::Unknown << Tone::Neutral << 0 << 1 << 1 << "2 passkeys (1 on a single device, never used to sign in)";
}

void tst_PasskeySummary::summarises()
{
    QFETCH(QJsonArray, passkeys);
    QFETCH(PasskeySummary::Coverage, coverage);
    QFETCH(Tone, tone);
    QFETCH(int, synced);
    QFETCH(int, single);
    QFETCH(int, unknown);
    QFETCH(QString, text);

    const PasskeySummary s = PasskeySummary::of(read(passkeys));
    QCOMPARE(s.total, int(passkeys.size()));
    QCOMPARE(s.coverage, coverage);
    QCOMPARE(s.tone(), tone);
    QCOMPARE(s.synced, synced);
    QCOMPARE(s.singleDevice, single);
    QCOMPARE(s.unknownType, unknown);
    QCOMPARE(s.text(kNow), text);
    QVERIFY(s.counterAnomalies.isEmpty());
}

void tst_PasskeySummary::latestReadableUseWins()
{
    const QList<Passkey> passkeys = read({passkeyJson(QStringLiteral("cred_old"), QStringLiteral("multiDevice"), QStringLiteral("2026-10-01T08:00:00Z")),
                                          passkeyJson(QStringLiteral("cred_bad"), QStringLiteral("multiDevice"), QStringLiteral("next tuesday")),
                                          passkeyJson(QStringLiteral("cred_new"), QStringLiteral("singleDevice"), QStringLiteral("1795824000000")),
                                          passkeyJson(QStringLiteral("cred_never"), QStringLiteral("singleDevice"), {})});
    const PasskeySummary s = PasskeySummary::of(passkeys);
    QVERIFY(s.lastUsed.has_value());
    QCOMPARE(s.lastUsedPasskeyId, QStringLiteral("cred_new"));
    QCOMPARE(s.lastUsed->when->utc, QDateTime::fromMSecsSinceEpoch(1795824000000LL, Qt::UTC));
    QCOMPARE(s.neverUsed, 1);
}

void tst_PasskeySummary::impossibleCountersAreAnomalies_data()
{
    QTest::addColumn<QJsonValue>("counter");
    QTest::addColumn<bool>("anomaly");
    QTest::addColumn<QString>("why");

    QTest::newRow("zero (a synced passkey's usual)") << QJsonValue(0) << false << QString();
    QTest::newRow("a security key's count") << QJsonValue(1234) << false << QString();
    QTest::newRow("largest 32-bit count") << QJsonValue(4294967295.0) << false << QString();
    QTest::newRow("null (unknown)") << QJsonValue(QJsonValue::Null) << false << QString();
    QTest::newRow("negative") << QJsonValue(-3) << true << "negative signature counter (-3)";
    QTest::newRow("beyond 32 bits") << QJsonValue(4294967296.0) << true << "beyond the 32-bit range";
}

void tst_PasskeySummary::impossibleCountersAreAnomalies()
{
    QFETCH(QJsonValue, counter);
    QFETCH(bool, anomaly);
    QFETCH(QString, why);

    const PasskeySummary s = PasskeySummary::of(read({passkeyJson(QStringLiteral("cred_x"), QStringLiteral("multiDevice"), {}, counter),
                                                      passkeyJson(QStringLiteral("cred_y"), QStringLiteral("multiDevice"), {}, 7)}));
    QCOMPARE(s.counterAnomalies.size(), anomaly ? 1 : 0);
    QCOMPARE(s.tone(), anomaly ? Tone::Warning : Tone::Good);
    if (anomaly) {
        QCOMPARE(s.counterAnomalies.first().passkeyId, QStringLiteral("cred_x"));
        QVERIFY2(s.counterAnomalies.first().text.contains(why), qPrintable(s.counterAnomalies.first().text));
        QVERIFY(s.counterAnomalies.first().text.contains(QStringLiteral("cred_x")));
    }
}

void tst_PasskeySummary::coverageNamesAreStable()
{
    QCOMPARE(PasskeySummary::coverageName(PasskeySummary::Coverage::None), QStringLiteral("none"));
    QCOMPARE(PasskeySummary::coverageName(PasskeySummary::Coverage::SingleDeviceOnly), QStringLiteral("single-device-only"));
    QCOMPARE(PasskeySummary::coverageName(PasskeySummary::Coverage::Synced), QStringLiteral("synced"));
    QCOMPARE(PasskeySummary::coverageName(PasskeySummary::Coverage::Unknown), QStringLiteral("unknown"));
}

QTEST_GUILESS_MAIN(tst_PasskeySummary)
#include "tst_passkeysummary.moc"
