// VerifyVerdict: what a verify answer means for the customer's backend. PlainKey's answers are
// read from the wire bytes the emulator sends (through VerifyToken::read), so the verdict is
// decided on what a real answer carries; failures are the ApiErrors core produces.

#include "core/verify/verifyverdict.h"

#include <QTest>

using namespace plainkey;
using namespace std::chrono_literals;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 29), QTime(12, 0, 0), Qt::UTC);

Result<VerifyResult> readAnswer(int status, const QByteArray &body)
{
    HttpAnswer a;
    a.status = status;
    a.body = body;
    a.headers.append(HttpHeader("Content-Type", "application/json"));
    return VerifyToken::read(a);
}

} // namespace

Q_DECLARE_METATYPE(plainkey::VerifyVerdict::Outcome)
Q_DECLARE_METATYPE(plainkey::Tone)
Q_DECLARE_METATYPE(plainkey::ApiError::Kind)

class tst_VerifyVerdict : public QObject
{
    Q_OBJECT
private slots:
    void answersDecideTheVerdict_data();
    void answersDecideTheVerdict();
    void failuresAreNoVerdictOnTheToken_data();
    void failuresAreNoVerdictOnTheToken();
    void cancelledSaysNothingToTheBackend();
    void expiredAnswerSaysWhen();
    void clockSkewIsCarriedIntoTheVerdict();
    void plainAdviceHasNoMarkup();
    void outcomeNamesAreStable();
};

void tst_VerifyVerdict::answersDecideTheVerdict_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<VerifyVerdict::Outcome>("outcome");
    QTest::addColumn<Tone>("tone");
    QTest::addColumn<int>("backendStatus");
    QTest::addColumn<QString>("headline");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("history");

    using O = VerifyVerdict::Outcome;
    QTest::newRow("valid") << 200
                           << QByteArray(R"({"valid":true,"userId":"user_7","projectId":"proj_demo","expiresAt":"2026-11-29T12:05:00Z","payload":{}})")
                           << O::Valid << Tone::Good << 200 << QString::fromUtf8("\u2714 Valid: PlainKey signed this token for user user_7")
                           << "proved they hold a passkey" << "it was valid";
    QTest::newRow("expired") << 401 << QByteArray(R"({"valid":false,"error":"Token expired"})") << O::NotValid << Tone::Bad << 401
                             << QString::fromUtf8("\u2718 Not valid: Token expired") << "past its expiry"
                             << "it was not valid: Token expired";
    QTest::newRow("used") << 401 << QByteArray(R"({"valid":false,"error":"Token has already been used"})") << O::NotValid << Tone::Bad
                          << 401 << QString::fromUtf8("\u2718 Not valid: Token has already been used") << "verified before"
                          << "it was not valid: Token has already been used";
    QTest::newRow("other project") << 401 << QByteArray(R"({"valid":false,"error":"Token was issued for another project"})")
                                   << O::NotValid << Tone::Bad << 401
                                   << QString::fromUtf8("\u2718 Not valid: Token was issued for another project")
                                   << "another PlainKey project" << "it was not valid: Token was issued for another project";
    QTest::newRow("forged") << 401 << QByteArray(R"({"valid":false,"error":"Invalid token signature"})") << O::NotValid << Tone::Bad
                            << 401 << QString::fromUtf8("\u2718 Not valid: Invalid token signature") << "does not recognise this token"
                            << "it was not valid: Invalid token signature";
    QTest::newRow("no reason, status 200") << 200 << QByteArray(R"({"valid":false})") << O::NotValid << Tone::Bad << 401
                                           << QString::fromUtf8("\u2718 Not valid: PlainKey gave no reason") << "did not accept"
                                           << "it was not valid: ";
}

void tst_VerifyVerdict::answersDecideTheVerdict()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(VerifyVerdict::Outcome, outcome);
    QFETCH(Tone, tone);
    QFETCH(int, backendStatus);
    QFETCH(QString, headline);
    QFETCH(QString, reason);
    QFETCH(QString, history);

    const Result<VerifyResult> read = readAnswer(status, body);
    QVERIFY2(read, qPrintable(read ? QString() : read.error().message()));
    const VerifyVerdict v = VerifyVerdict::fromResult(read.value(), std::nullopt, std::nullopt, kNow);
    QCOMPARE(v.outcome, outcome);
    QCOMPARE(v.tone, tone);
    QCOMPARE(v.backendStatus, backendStatus);
    QCOMPARE(v.headline, headline);
    QVERIFY2(v.reason.contains(reason), qPrintable(v.reason));
    QCOMPARE(v.historyText, history);
    QVERIFY2(v.advice.contains(QString::number(backendStatus)), qPrintable(v.advice));
    QVERIFY(v.advice.startsWith(QStringLiteral("<b>Your backend should</b>")));
    QVERIFY(!v.statusText.isEmpty());
}

void tst_VerifyVerdict::failuresAreNoVerdictOnTheToken_data()
{
    QTest::addColumn<ApiError::Kind>("kind");
    QTest::addColumn<int>("backendStatus");

    using K = ApiError::Kind;
    // PlainKey down or slow, or answering nonsense: try again later, never 401.
    QTest::newRow("network") << K::Network << 503;
    QTest::newRow("timeout") << K::Timeout << 503;
    QTest::newRow("TLS") << K::Tls << 503;
    QTest::newRow("rate limited") << K::RateLimited << 503;
    QTest::newRow("invalid response") << K::InvalidResponse << 503;
    QTest::newRow("server error status") << K::HttpStatus << 503;
    // The backend's own setup is wrong: a server error of its own.
    QTest::newRow("credentials rejected") << K::CredentialsRejected << 500;
    QTest::newRow("unauthorized") << K::Unauthorized << 500;
    QTest::newRow("invalid input") << K::InvalidInput << 500;
}

void tst_VerifyVerdict::failuresAreNoVerdictOnTheToken()
{
    QFETCH(ApiError::Kind, kind);
    QFETCH(int, backendStatus);

    ApiError error(kind, QStringLiteral("Connection refused"), QStringLiteral("Verifying the authentication token"));
    error.setHost(QStringLiteral("127.0.0.1"));
    const VerifyVerdict v = VerifyVerdict::fromError(error);
    QCOMPARE(v.outcome, VerifyVerdict::Outcome::Failed);
    QCOMPARE(v.tone, Tone::Warning);
    QCOMPARE(v.backendStatus, backendStatus);
    QCOMPARE(v.headline, QStringLiteral("Could not verify: %1").arg(error.summary()));
    QCOMPARE(v.reason, error.hint());
    QVERIFY2(v.advice.contains(QStringLiteral("says nothing about the token")), qPrintable(v.advice));
    QVERIFY(v.advice.contains(QString::number(backendStatus)));
    if (backendStatus == 503)
        QVERIFY(v.advice.contains(QStringLiteral("not 401")));
    QCOMPARE(v.historyText, QStringLiteral("no verdict: %1").arg(ApiError::kindName(kind)));
    QCOMPARE(v.statusText, error.summary());
}

void tst_VerifyVerdict::cancelledSaysNothingToTheBackend()
{
    const VerifyVerdict v = VerifyVerdict::fromError(ApiError(ApiError::Kind::Cancelled, QStringLiteral("Cancelled by the user")));
    QCOMPARE(v.outcome, VerifyVerdict::Outcome::Cancelled);
    QCOMPARE(v.tone, Tone::Neutral);
    QVERIFY(v.headline.contains(QStringLiteral("cancelled")));
    QVERIFY(v.advice.isEmpty());
    QVERIFY(v.reason.isEmpty());
    QCOMPARE(v.backendStatus, 0);
    QCOMPARE(v.historyText, QStringLiteral("no verdict: cancelled"));
}

void tst_VerifyVerdict::expiredAnswerSaysWhen()
{
    // The emulator's expired answer carries no expiresAt: the token's own claim says when.
    const Result<VerifyResult> read = readAnswer(401, R"({"valid":false,"error":"Token expired"})");
    QVERIFY(read);
    const VerifyVerdict v = VerifyVerdict::fromResult(read.value(), kNow.addSecs(-180), 0s, kNow);
    QVERIFY2(v.reason.startsWith(QStringLiteral("What it usually means: The token is past its expiry.")), qPrintable(v.reason));
    QVERIFY2(v.reason.contains(QStringLiteral("It expired 3 min 00 s ago")), qPrintable(v.reason));
    QVERIFY(!v.clocksDisagree);
}

void tst_VerifyVerdict::clockSkewIsCarriedIntoTheVerdict()
{
    const Result<VerifyResult> read = readAnswer(401, R"({"valid":false,"error":"Token expired"})");
    QVERIFY(read);
    // PlainKey calls it expired, this clock gives it two more minutes, and the Date header says PlainKey is 10 min ahead.
    const VerifyVerdict v = VerifyVerdict::fromResult(read.value(), kNow.addSecs(120), 600s, kNow);
    QVERIFY(v.clocksDisagree);
    QVERIFY2(v.reason.contains(QStringLiteral("the two clocks disagree")), qPrintable(v.reason));
    QVERIFY2(v.reason.contains(QStringLiteral("10 min 00 s ahead")), qPrintable(v.reason));
    QCOMPARE(v.outcome, VerifyVerdict::Outcome::NotValid);
}

void tst_VerifyVerdict::plainAdviceHasNoMarkup()
{
    const Result<VerifyResult> read = readAnswer(401, R"({"valid":false,"error":"Token expired"})");
    QVERIFY(read);
    const VerifyVerdict v = VerifyVerdict::fromResult(read.value(), std::nullopt, std::nullopt, kNow);
    QCOMPARE(v.advicePlain(), QStringLiteral("Your backend should answer its frontend 401 Unauthorized and have the person sign in "
                                             "again. It must not look up or create a user from this token."));
}

void tst_VerifyVerdict::outcomeNamesAreStable()
{
    QCOMPARE(VerifyVerdict::outcomeName(VerifyVerdict::Outcome::Valid), QStringLiteral("valid"));
    QCOMPARE(VerifyVerdict::outcomeName(VerifyVerdict::Outcome::NotValid), QStringLiteral("not-valid"));
    QCOMPARE(VerifyVerdict::outcomeName(VerifyVerdict::Outcome::Failed), QStringLiteral("failed"));
    QCOMPARE(VerifyVerdict::outcomeName(VerifyVerdict::Outcome::Cancelled), QStringLiteral("cancelled"));
}

QTEST_GUILESS_MAIN(tst_VerifyVerdict)
#include "tst_verifyverdict.moc"
