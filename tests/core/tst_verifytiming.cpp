// What the verify panel says about time: when the token expires or expired by this computer's
// clock, and when this computer and PlainKey disagree about the time.

#include "core/verify/verifytiming.h"

#include <QTest>

using namespace plainkey;
using namespace std::chrono_literals;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 29), QTime(12, 0, 0), Qt::UTC);

VerifyResult answer(bool valid, const QString &error, std::optional<QDateTime> expiresAt)
{
    VerifyResult v;
    v.valid = valid;
    v.error = error;
    if (expiresAt) {
        Timestamp t;
        t.utc = *expiresAt;
        v.expiresAt = t;
    }
    return v;
}

} // namespace

class tst_VerifyTiming : public QObject
{
    Q_OBJECT
private slots:
    void expiredTwoMinutesAgo();
    void validTokenSaysWhenItExpires();
    void plainKeySaysExpiredButLocalClockDisagrees();
    void plainKeyAcceptsWhatThisClockCallsExpired();
    void serverClockSkewIsNamedWithItsDirection();
    void smallSkewIsNotAnAlarm();
    void tokenClaimIsUsedWhenPlainKeyGivesNoExpiry();
    void nothingToSayWithoutAnyTime();
};

void tst_VerifyTiming::expiredTwoMinutesAgo()
{
    const auto t = VerifyTiming::describe(answer(false, QStringLiteral("Token expired"), kNow.addSecs(-120)), {}, 0s, kNow);
    QVERIFY2(t.text.startsWith(QStringLiteral("It expired 2 min")), qPrintable(t.text));
    QVERIFY(t.text.contains(QStringLiteral(" ago, at ") + kNow.addSecs(-120).toLocalTime().toString(QStringLiteral("HH:mm:ss"))));
    QVERIFY(!t.clocksDisagree);
    QVERIFY(!t.text.contains(QStringLiteral("NTP")));
}

void tst_VerifyTiming::validTokenSaysWhenItExpires()
{
    const auto t = VerifyTiming::describe(answer(true, {}, kNow.addSecs(299)), {}, std::nullopt, kNow);
    QVERIFY2(t.text.startsWith(QStringLiteral("It expires in 4 min 59 s, at ")), qPrintable(t.text));
    QVERIFY(!t.clocksDisagree);
}

void tst_VerifyTiming::plainKeySaysExpiredButLocalClockDisagrees()
{
    // Still 3 minutes left here, yet PlainKey calls it expired: PlainKey's clock is ahead
    // (or this one behind).
    const auto t = VerifyTiming::describe(answer(false, QStringLiteral("Token expired"), kNow.addSecs(180)), {}, 240s, kNow);
    QVERIFY(t.clocksDisagree);
    QVERIFY2(t.text.contains(QStringLiteral("PlainKey says it has expired, yet this computer's clock gives it 3 min 00 s more")),
             qPrintable(t.text));
    QVERIFY(t.text.contains(QStringLiteral("PlainKey's clock is 4 min 00 s ahead of this computer's")));
    QVERIFY(t.text.contains(QStringLiteral("NTP")));
}

void tst_VerifyTiming::plainKeyAcceptsWhatThisClockCallsExpired()
{
    const auto t = VerifyTiming::describe(answer(true, {}, kNow.addSecs(-30)), {}, std::nullopt, kNow);
    QVERIFY(t.clocksDisagree);
    QVERIFY2(t.text.contains(QStringLiteral("this computer's clock is probably ahead")), qPrintable(t.text));
}

void tst_VerifyTiming::serverClockSkewIsNamedWithItsDirection()
{
    const auto t = VerifyTiming::describe(answer(true, {}, kNow.addSecs(200)), {}, -90s, kNow);
    QVERIFY(t.clocksDisagree);
    QVERIFY2(t.text.contains(QStringLiteral("PlainKey's clock is 1 min 30 s behind this computer's")), qPrintable(t.text));
}

void tst_VerifyTiming::smallSkewIsNotAnAlarm()
{
    for (const auto skew : {-5s, -1s, 0s, 3s, 5s}) {
        const auto t = VerifyTiming::describe(answer(true, {}, kNow.addSecs(200)), {}, skew, kNow);
        QVERIFY2(!t.clocksDisagree, qPrintable(t.text));
        QVERIFY(!t.text.contains(QStringLiteral("clock is")));
    }
    QVERIFY(VerifyTiming::describe(answer(true, {}, kNow.addSecs(200)), {}, 6s, kNow).clocksDisagree);
}

void tst_VerifyTiming::tokenClaimIsUsedWhenPlainKeyGivesNoExpiry()
{
    const auto t = VerifyTiming::describe(answer(false, QStringLiteral("Token expired"), std::nullopt), kNow.addSecs(-3600), {}, kNow);
    QVERIFY2(t.text.startsWith(QStringLiteral("It expired 1 h")), qPrintable(t.text));
    // PlainKey's own expiry wins over the claim.
    const auto both = VerifyTiming::describe(answer(true, {}, kNow.addSecs(60)), kNow.addSecs(-3600), {}, kNow);
    QVERIFY2(both.text.startsWith(QStringLiteral("It expires in 1 min")), qPrintable(both.text));
    QVERIFY(!both.clocksDisagree);
}

void tst_VerifyTiming::nothingToSayWithoutAnyTime()
{
    const auto t = VerifyTiming::describe(answer(false, QStringLiteral("Invalid token"), std::nullopt), std::nullopt, 0s, kNow);
    QVERIFY(t.text.isEmpty());
    QVERIFY(!t.clocksDisagree);
}

QTEST_GUILESS_MAIN(tst_VerifyTiming)
#include "tst_verifytiming.moc"
