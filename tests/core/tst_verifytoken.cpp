// VerifyToken: the request it sends, how a verify answer is read (valid, not valid, broken), and
// what a not-valid reason means in plain words.

#include "core/api/verifytoken.h"

#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace plainkey;

namespace {

HttpAnswer answer(int status, const QByteArray &body)
{
    HttpAnswer a;
    a.status = status;
    a.body = body;
    a.headers.append(HttpHeader("Content-Type", "application/json"));
    return a;
}

QDateTime utc(const QString &iso)
{
    return QDateTime::fromString(iso, Qt::ISODateWithMs).toUTC();
}

} // namespace

class TestVerifyToken : public QObject
{
    Q_OBJECT

private slots:
    void requestIsPostWithTokenAndMarksItSecret();
    void validAnswerIsRead();
    void notValidWith401IsAResultWithPlainKeysReason();
    void notValidWith200IsAResultToo();
    void expiresAtInEveryFormat_data();
    void expiresAtInEveryFormat();
    void brokenAnswersAreErrorsThatNameTheFault_data();
    void brokenAnswersAreErrorsThatNameTheFault();
    void valid401ContradictsItself();
    void payloadThatIsNotAnObjectIsIgnored();
    void explainReason_data();
    void explainReason();
    void explanationsDifferPerReason();
};

void TestVerifyToken::requestIsPostWithTokenAndMarksItSecret()
{
    const QString token = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.e30.sig\"quote");
    const ApiRequest r = VerifyToken::request(token);
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.path, QStringLiteral("/authentication-token/verify"));
    QCOMPARE(r.body.toObject().value(QLatin1String("token")).toString(), token);
    QCOMPARE(r.body.toObject().size(), 1);
    QVERIFY(r.unauthorizedMayBeAnswer);
    QVERIFY(!r.operation.isEmpty());
    QCOMPARE(r.secrets.size(), 1);
    QCOMPARE(r.secrets.first().first, SecretKind::AuthenticationToken);
    QCOMPARE(r.secrets.first().second, token.toUtf8());
}

void TestVerifyToken::validAnswerIsRead()
{
    const auto r = VerifyToken::read(answer(200, R"({"valid":true,"userId":"usr_42","projectId":"proj_1",
        "expiresAt":"2030-01-02T03:04:05.678Z","payload":{"role":"admin","n":3}})"));
    QVERIFY2(r.ok(), qPrintable(r.error().message()));
    const VerifyResult &v = r.value();
    QVERIFY(v.valid);
    QCOMPARE(v.userId, QStringLiteral("usr_42"));
    QCOMPARE(v.projectId, QStringLiteral("proj_1"));
    QCOMPARE(v.httpStatus, 200);
    QVERIFY(v.error.isEmpty());
    QVERIFY(v.expiresAt.has_value());
    QCOMPARE(v.expiresAt->utc, utc(QStringLiteral("2030-01-02T03:04:05.678Z")));
    QCOMPARE(v.expiresAt->format, Timestamp::Format::Iso8601);
    QCOMPARE(v.expiresAtRaw, QStringLiteral("2030-01-02T03:04:05.678Z"));
    QCOMPARE(v.payload.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
    QCOMPARE(v.payload.value(QStringLiteral("n")).toInt(), 3);
}

void TestVerifyToken::notValidWith401IsAResultWithPlainKeysReason()
{
    const auto r = VerifyToken::read(answer(401, R"({"valid":false,"error":"Token expired"})"));
    QVERIFY2(r.ok(), qPrintable(r.error().message()));
    QVERIFY(!r->valid);
    QCOMPARE(r->error, QStringLiteral("Token expired"));
    QCOMPARE(r->httpStatus, 401);
    QVERIFY(r->userId.isEmpty());
    QVERIFY(!r->expiresAt.has_value());
    QVERIFY(r->expiresAtRaw.isEmpty());
    // The same shape may carry the user and project the token was for.
    const auto withIds = VerifyToken::read(answer(401, R"({"valid":false,"error":"Token already used","userId":"usr_1",
        "projectId":"proj_1","expiresAt":null,"payload":null})"));
    QVERIFY2(withIds.ok(), qPrintable(withIds.error().message()));
    QCOMPARE(withIds->userId, QStringLiteral("usr_1"));
    QCOMPARE(withIds->projectId, QStringLiteral("proj_1"));
    QCOMPARE(withIds->error, QStringLiteral("Token already used"));
}

void TestVerifyToken::notValidWith200IsAResultToo()
{
    const auto r = VerifyToken::read(answer(200, R"({"valid":false})"));
    QVERIFY(r.ok());
    QVERIFY(!r->valid);
    QVERIFY(r->error.isEmpty());
    QCOMPARE(r->httpStatus, 200);
}

void TestVerifyToken::expiresAtInEveryFormat_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("readable");
    QTest::addColumn<QString>("expectedUtc");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("raw");
    const QString when = QStringLiteral("2023-11-14T22:13:20.000Z"); // 1700000000
    QTest::newRow("ISO with Z") << QByteArray("\"2023-11-14T22:13:20Z\"") << true << when << int(Timestamp::Format::Iso8601)
                                << "2023-11-14T22:13:20Z";
    QTest::newRow("ISO with offset") << QByteArray("\"2023-11-15T00:13:20+02:00\"") << true << when
                                     << int(Timestamp::Format::Iso8601) << "2023-11-15T00:13:20+02:00";
    QTest::newRow("epoch seconds") << QByteArray("1700000000") << true << when << int(Timestamp::Format::EpochSeconds)
                                   << "1700000000";
    QTest::newRow("epoch milliseconds") << QByteArray("1700000000000") << true << when << int(Timestamp::Format::EpochMillis)
                                        << "1700000000000";
    QTest::newRow("epoch seconds as string") << QByteArray("\"1700000000\"") << true << when
                                             << int(Timestamp::Format::EpochSeconds) << "1700000000";
    QTest::newRow("garbage string") << QByteArray("\"next tuesday\"") << false << QString() << -1 << "next tuesday";
    QTest::newRow("negative number") << QByteArray("-5") << false << QString() << -1 << "-5";
    QTest::newRow("boolean") << QByteArray("true") << false << QString() << -1 << "0";
}

void TestVerifyToken::expiresAtInEveryFormat()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, readable);
    QFETCH(QString, expectedUtc);
    QFETCH(int, format);
    QFETCH(QString, raw);
    const auto r = VerifyToken::read(answer(200, R"({"valid":true,"userId":"u","expiresAt":)" + json + "}"));
    // An unreadable expiry does not make the whole answer unreadable: valid and userId still count.
    QVERIFY2(r.ok(), qPrintable(r.error().message()));
    QVERIFY(r->valid);
    QCOMPARE(r->expiresAt.has_value(), readable);
    QCOMPARE(r->expiresAtRaw, raw);
    if (readable) {
        QCOMPARE(r->expiresAt->utc, utc(expectedUtc));
        QCOMPARE(int(r->expiresAt->format), format);
    }
}

void TestVerifyToken::brokenAnswersAreErrorsThatNameTheFault_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("detailPart");
    QTest::newRow("empty body") << 200 << QByteArray() << "empty body";
    QTest::newRow("HTML") << 200 << QByteArray("<html><title>Login</title></html>") << "HTML page";
    QTest::newRow("array") << 200 << QByteArray("[]") << "expected a JSON object, got an array";
    QTest::newRow("truncated") << 200 << QByteArray(R"({"valid":true,"userId":"us)") << "cut off";
    QTest::newRow("no valid") << 200 << QByteArray(R"({"userId":"u"})") << "the verify answer lacks valid";
    QTest::newRow("valid null") << 200 << QByteArray(R"({"valid":null})") << "the verify answer lacks valid";
    QTest::newRow("valid as string") << 200 << QByteArray(R"({"valid":"true","userId":"u"})")
                                     << "valid (expected boolean, got string)";
    QTest::newRow("valid as number") << 200 << QByteArray(R"({"valid":1})") << "valid (expected boolean, got number)";
    QTest::newRow("valid without userId") << 200 << QByteArray(R"({"valid":true,"projectId":"p"})")
                                          << "the verify answer lacks userId";
    QTest::newRow("userId a number") << 200 << QByteArray(R"({"valid":true,"userId":7})") << "userId (expected string, got number)";
    QTest::newRow("error an object") << 401 << QByteArray(R"({"valid":false,"error":{"code":1}})")
                                     << "error (expected string or null, got object)";
}

void TestVerifyToken::brokenAnswersAreErrorsThatNameTheFault()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, detailPart);
    const auto r = VerifyToken::read(answer(status, body));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(r.error().detail().contains(detailPart), qPrintable(r.error().detail()));
}

void TestVerifyToken::valid401ContradictsItself()
{
    const auto r = VerifyToken::read(answer(401, R"({"valid":true,"userId":"usr_1"})"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(r.error().detail().contains(QLatin1String("401")), qPrintable(r.error().detail()));
}

void TestVerifyToken::payloadThatIsNotAnObjectIsIgnored()
{
    for (const QByteArray &payload : {QByteArray("\"text\""), QByteArray("[1,2]"), QByteArray("null"), QByteArray("5")}) {
        const auto r = VerifyToken::read(answer(200, R"({"valid":true,"userId":"u","payload":)" + payload + "}"));
        QVERIFY2(r.ok(), payload.constData());
        QVERIFY(r->payload.isEmpty());
    }
}

void TestVerifyToken::explainReason_data()
{
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("explanationPart");
    // The contract names expired, used and forged tokens.
    QTest::newRow("expired") << "Token expired" << "past its expiry";
    QTest::newRow("jwt expired") << "jwt expired" << "past its expiry";
    QTest::newRow("EXPIRED upper case") << "TOKEN HAS EXPIRED" << "past its expiry";
    QTest::newRow("used") << "Token already used" << "verified before";
    QTest::newRow("consumed") << "Authentication token has been consumed" << "verified before";
    QTest::newRow("replay") << "Replay detected" << "verified before";
    QTest::newRow("forged") << "Forged token" << "does not recognise this token";
    QTest::newRow("invalid signature") << "invalid signature" << "does not recognise this token";
    QTest::newRow("malformed") << "jwt malformed" << "does not recognise this token";
    QTest::newRow("token not found") << "Token not found" << "does not recognise this token";
    QTest::newRow("other project") << "Token belongs to a different project" << "another PlainKey project";
    QTest::newRow("user deleted") << "User not found" << "no longer exists";
    QTest::newRow("unknown user") << "Unknown user" << "no longer exists";
    QTest::newRow("user deleted, lower") << "user does not exist" << "no longer exists";
    // "refused" contains "used" but says nothing about a second use.
    QTest::newRow("refused") << "Token refused" << "did not accept";
    QTest::newRow("focused") << "Unfocused request" << "did not accept";
    QTest::newRow("empty") << "" << "did not accept";
    QTest::newRow("unrelated") << "Something odd happened" << "did not accept";
}

void TestVerifyToken::explainReason()
{
    QFETCH(QString, reason);
    QFETCH(QString, explanationPart);
    const QString text = VerifyResult::explainReason(reason);
    QVERIFY2(text.contains(explanationPart), qPrintable(reason + QLatin1String(" -> ") + text));
}

void TestVerifyToken::explanationsDifferPerReason()
{
    const QStringList reasons = {QStringLiteral("Token expired"), QStringLiteral("Token already used"),
                                 QStringLiteral("Token belongs to a different project"), QStringLiteral("Invalid token"),
                                 QStringLiteral("User not found"), QStringLiteral("???")};
    QSet<QString> texts;
    for (const QString &r : reasons)
        texts.insert(VerifyResult::explainReason(r));
    QCOMPARE(texts.size(), reasons.size());
}

QTEST_GUILESS_MAIN(TestVerifyToken)
#include "tst_verifytoken.moc"
