// JwtInspection: a token is decoded locally only when it is a JWT, and says why when it is not.

#include "core/token/jwtinspector.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimeZone>

using namespace plainkey;

namespace {

QByteArray b64url(const QByteArray &b)
{
    return b.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// Built here, not with the code under test.
QString makeJwt(const QByteArray &claims, const QByteArray &header = R"({"alg":"HS256","typ":"JWT"})",
                const QByteArray &signature = "signature-bytes-0123456789")
{
    return QString::fromLatin1(b64url(header) + '.' + b64url(claims) + '.' + b64url(signature));
}

QDateTime utc(const char *iso)
{
    QDateTime dt = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    dt.setTimeZone(QTimeZone::utc());
    return dt;
}

const JwtInspection::Claim *claim(const QList<JwtInspection::Claim> &claims, const QString &name)
{
    for (const auto &c : claims)
        if (c.name == name)
            return &c;
    return nullptr;
}

// exp 1900000000 is 2030-03-17 17:46:40 UTC.
const QByteArray kClaims =
        R"({"sub":"user-1","iss":"https://api.plainkey.io","exp":1900000000,"iat":1899996400,"nbf":1899996400,"projectId":"proj-9"})";

} // namespace

Q_DECLARE_METATYPE(std::optional<QDateTime>)

class TestJwtInspector : public QObject
{
    Q_OBJECT

private slots:
    void validJwtIsReadFully();
    void claimsAreListedWithTheirValues();
    void timeClaimsReadAsDatesRelativeToNow_data();
    void timeClaimsReadAsDatesRelativeToNow();
    void expiryIsComparedWithNow_data();
    void expiryIsComparedWithNow();
    void withoutExpNothingExpires();
    void timeClaimsWrittenAsStringsOrMillisecondsAreRead_data();
    void timeClaimsWrittenAsStringsOrMillisecondsAreRead();
    void unreadableTimeClaimsStayWithoutADate_data();
    void unreadableTimeClaimsStayWithoutADate();
    void headerTimeNamesAreNotTimeClaims();
    void notAJwtSaysHowManyParts_data();
    void notAJwtSaysHowManyParts();
    void unreadableSegmentsSayWhichAndWhy_data();
    void unreadableSegmentsSayWhichAndWhy();
    void paddedSegmentsAreStillRead();
    void unsignedJwtHasNoSignatureBytes();
    void hugeInputIsHandled();
};

void TestJwtInspector::validJwtIsReadFully()
{
    const JwtInspection r = JwtInspection::inspect(makeJwt(kClaims), utc("2030-03-17T17:42:28"));
    QVERIFY(r.isJwt);
    QCOMPARE(r.notJwtReason, QString());
    QCOMPARE(r.algorithm, QStringLiteral("HS256"));
    QCOMPARE(r.subject, QStringLiteral("user-1"));
    QCOMPARE(r.issuer, QStringLiteral("https://api.plainkey.io"));
    QCOMPARE(r.expiresAt, std::optional<QDateTime>(utc("2030-03-17T17:46:40")));
    QCOMPARE(r.issuedAt, std::optional<QDateTime>(utc("2030-03-17T16:46:40")));
    QCOMPARE(r.notBefore, std::optional<QDateTime>(utc("2030-03-17T16:46:40")));
    QCOMPARE(r.signatureBytes, 26);
    QCOMPARE(r.headerJson, QStringLiteral("{\n    \"alg\": \"HS256\",\n    \"typ\": \"JWT\"\n}"));
    QVERIFY(r.claimsJson.startsWith(QStringLiteral("{\n    \"exp\": 1900000000,\n")));
    QVERIFY(r.claimsJson.contains(QStringLiteral("\"sub\": \"user-1\"")));
    QCOMPARE(r.header.size(), 2);
    QCOMPARE(r.header.at(0).name, QStringLiteral("alg"));
    QCOMPARE(r.header.at(0).value, QStringLiteral("HS256"));
    QCOMPARE(r.header.at(1).name, QStringLiteral("typ"));
    QCOMPARE(r.claims.size(), 6);
}

void TestJwtInspector::claimsAreListedWithTheirValues()
{
    const QByteArray claims = R"({"s":"text","i":42,"f":1.5,"big":9007199254740992,"t":true,"n":null,)"
                              R"("aud":["a","b"],"o":{"k":[1,{"x":null}]},"neg":-3,"u":"Zo\u00eb"})";
    const JwtInspection r = JwtInspection::inspect(makeJwt(claims));
    QVERIFY(r.isJwt);
    QCOMPARE(r.claims.size(), 10);
    const QList<QPair<QString, QString>> expected = {
        {"s", "text"},          {"i", "42"},         {"f", "1.5"},
        {"big", "9007199254740992"}, {"t", "true"}, {"n", "null"},
        {"aud", R"(["a","b"])"}, {"o", R"({"k":[1,{"x":null}]})"}, {"neg", "-3"},
        {"u", QStringLiteral("Zo\u00eb")},
    };
    for (const auto &e : expected) {
        const auto *c = claim(r.claims, e.first);
        QVERIFY2(c, qPrintable(e.first));
        QCOMPARE(c->value, e.second);
        QCOMPARE(c->readable, QString());
    }
    // QJsonObject keeps keys sorted: the list is alphabetical whatever the token's order.
    QCOMPARE(r.claims.first().name, QStringLiteral("aud"));
    QCOMPARE(r.claims.last().name, QStringLiteral("u"));
    QCOMPARE(r.subject, QString());
    QCOMPARE(r.expiresAt, std::optional<QDateTime>());
}

void TestJwtInspector::timeClaimsReadAsDatesRelativeToNow_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("readable");
    QTest::newRow("exp, ahead") << "exp" << "2030-03-17 17:46:40 UTC (in 4 min 12 s)";
    QTest::newRow("iat, past") << "iat" << "2030-03-17 16:46:40 UTC (55 min 48 s ago)";
    QTest::newRow("nbf, past") << "nbf" << "2030-03-17 16:46:40 UTC (55 min 48 s ago)";
    QTest::newRow("not a time claim") << "sub" << "";
    QTest::newRow("projectId") << "projectId" << "";
}

void TestJwtInspector::timeClaimsReadAsDatesRelativeToNow()
{
    QFETCH(QString, name);
    QFETCH(QString, readable);
    const JwtInspection r = JwtInspection::inspect(makeJwt(kClaims), utc("2030-03-17T17:42:28"));
    const auto *c = claim(r.claims, name);
    QVERIFY(c);
    QCOMPARE(c->readable, readable);
}

void TestJwtInspector::expiryIsComparedWithNow_data()
{
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<bool>("expired");
    QTest::addColumn<QString>("readable");
    QTest::newRow("an hour before") << utc("2030-03-17T16:46:40") << false << "2030-03-17 17:46:40 UTC (in 1 h 00 min)";
    QTest::newRow("one second before") << utc("2030-03-17T17:46:39") << false << "2030-03-17 17:46:40 UTC (in 1 s)";
    QTest::newRow("at the second") << utc("2030-03-17T17:46:40") << true << "2030-03-17 17:46:40 UTC (now)";
    QTest::newRow("two minutes after") << utc("2030-03-17T17:48:40") << true << "2030-03-17 17:46:40 UTC (2 min 00 s ago)";
    QTest::newRow("days after") << utc("2030-03-20T20:46:40") << true << "2030-03-17 17:46:40 UTC (3 d 3 h ago)";
}

void TestJwtInspector::expiryIsComparedWithNow()
{
    QFETCH(QDateTime, now);
    QFETCH(bool, expired);
    QFETCH(QString, readable);
    const JwtInspection r = JwtInspection::inspect(makeJwt(kClaims), now);
    QCOMPARE(r.isExpired(now), expired);
    QCOMPARE(claim(r.claims, QStringLiteral("exp"))->readable, readable);
}

void TestJwtInspector::withoutExpNothingExpires()
{
    const JwtInspection r = JwtInspection::inspect(makeJwt(R"({"sub":"u"})"));
    QVERIFY(r.isJwt);
    QVERIFY(!r.expiresAt);
    QVERIFY(!r.isExpired(utc("2999-01-01T00:00:00")));
}

void TestJwtInspector::timeClaimsWrittenAsStringsOrMillisecondsAreRead_data()
{
    QTest::addColumn<QByteArray>("claims");
    QTest::newRow("digits in a string") << QByteArray(R"({"exp":"1900000000"})");
    QTest::newRow("digits with spaces") << QByteArray(R"({"exp":" 1900000000 "})");
    QTest::newRow("milliseconds") << QByteArray(R"({"exp":1900000000000})");
    QTest::newRow("milliseconds in a string") << QByteArray(R"({"exp":"1900000000000"})");
    QTest::newRow("ISO 8601 with Z") << QByteArray(R"({"exp":"2030-03-17T17:46:40Z"})");
    QTest::newRow("ISO 8601 with an offset") << QByteArray(R"({"exp":"2030-03-17T19:46:40+02:00"})");
    QTest::newRow("fractional seconds") << QByteArray(R"({"exp":1900000000.0})");
}

void TestJwtInspector::timeClaimsWrittenAsStringsOrMillisecondsAreRead()
{
    QFETCH(QByteArray, claims);
    const JwtInspection r = JwtInspection::inspect(makeJwt(claims), utc("2030-03-17T17:42:28"));
    QVERIFY(r.isJwt);
    QCOMPARE(r.expiresAt, std::optional<QDateTime>(utc("2030-03-17T17:46:40")));
    QCOMPARE(claim(r.claims, QStringLiteral("exp"))->readable, QStringLiteral("2030-03-17 17:46:40 UTC (in 4 min 12 s)"));
    QVERIFY(!r.isExpired(utc("2030-03-17T17:42:28")));
}

void TestJwtInspector::unreadableTimeClaimsStayWithoutADate_data()
{
    QTest::addColumn<QByteArray>("claims");
    QTest::addColumn<QString>("value");
    QTest::newRow("words") << QByteArray(R"({"exp":"soon"})") << "soon";
    QTest::newRow("negative") << QByteArray(R"({"exp":-5})") << "-5";
    QTest::newRow("absurdly large") << QByteArray(R"({"exp":1e300})") << "1e+300";
    QTest::newRow("bool") << QByteArray(R"({"exp":true})") << "true";
    QTest::newRow("null") << QByteArray(R"({"exp":null})") << "null";
    QTest::newRow("object") << QByteArray(R"({"exp":{"at":1}})") << R"({"at":1})";
    QTest::newRow("empty string") << QByteArray(R"({"exp":""})") << "";
}

void TestJwtInspector::unreadableTimeClaimsStayWithoutADate()
{
    QFETCH(QByteArray, claims);
    QFETCH(QString, value);
    const JwtInspection r = JwtInspection::inspect(makeJwt(claims));
    QVERIFY(r.isJwt);
    QVERIFY(!r.expiresAt);
    QVERIFY(!r.isExpired());
    const auto *c = claim(r.claims, QStringLiteral("exp"));
    QVERIFY(c);
    QCOMPARE(c->value, value);
    QCOMPARE(c->readable, QString());
}

void TestJwtInspector::headerTimeNamesAreNotTimeClaims()
{
    const JwtInspection r = JwtInspection::inspect(makeJwt(R"({"sub":"u"})", R"({"alg":"ES256","exp":1900000000})"));
    QVERIFY(r.isJwt);
    QCOMPARE(r.algorithm, QStringLiteral("ES256"));
    QCOMPARE(claim(r.header, QStringLiteral("exp"))->readable, QString());
    QVERIFY(!r.expiresAt);
}

void TestJwtInspector::notAJwtSaysHowManyParts_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("reason");
    const QString opaque = QStringLiteral("it has %1 parts separated by dots; a JWT has 3. It is an opaque token: only PlainKey can read it");
    QTest::newRow("opaque") << "pk_at_9f8e7d6c5b4a" << "it has 1 part separated by dots; a JWT has 3. It is an opaque token: only PlainKey can read it";
    QTest::newRow("empty") << "" << "it has 1 part separated by dots; a JWT has 3. It is an opaque token: only PlainKey can read it";
    const QString jwt = makeJwt(kClaims);
    QTest::newRow("two segments") << jwt.section(QLatin1Char('.'), 0, 1) << opaque.arg(2);
    QTest::newRow("four segments") << jwt + QStringLiteral(".extra") << opaque.arg(4);
    QTest::newRow("trailing dot") << jwt + QLatin1Char('.') << opaque.arg(4);
    QTest::newRow("dots only") << "...." << "it has 5 parts: an encrypted JWT (JWE), which cannot be read without the key";
    QTest::newRow("five segments") << jwt + QStringLiteral(".iv.tag")
                                   << "it has 5 parts: an encrypted JWT (JWE), which cannot be read without the key";
    QTest::newRow("six segments") << jwt + QStringLiteral(".a.b.c") << opaque.arg(6);
}

void TestJwtInspector::notAJwtSaysHowManyParts()
{
    QFETCH(QString, token);
    QFETCH(QString, reason);
    const JwtInspection r = JwtInspection::inspect(token);
    QVERIFY(!r.isJwt);
    QCOMPARE(r.notJwtReason, reason);
    QCOMPARE(r.claims.size(), 0);
    QVERIFY(!r.expiresAt);
    QVERIFY(!r.isExpired());
}

void TestJwtInspector::unreadableSegmentsSayWhichAndWhy_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("reason");
    const QString header = QString::fromLatin1(b64url(R"({"alg":"HS256"})"));
    const QString claims = QString::fromLatin1(b64url(kClaims));
    const QString notB64 = QStringLiteral("it is not base64url");
    const QString notJson = QStringLiteral("it does not decode to a JSON object");
    const QString first = QStringLiteral("its first part (the header) cannot be read: ");
    const QString second = QStringLiteral("its second part (the claims) cannot be read: ");
    QTest::newRow("header has a '!'") << "eyJ!bGci." + claims + ".sig" << first + notB64;
    QTest::newRow("claims have a space") << header + ".eyJz dWIi.sig" << second + notB64;
    QTest::newRow("claims are base64, not base64url") << header + "." + QString::fromLatin1(QByteArray(R"({"a":"??>>"})").toBase64()) + ".sig"
                                                      << second + notB64;
    QTest::newRow("claims with non-Latin-1 text") << header + ".\u4e2d\u6587.sig" << second + notB64;
    QTest::newRow("padding in the middle") << header + ".eyJ=hIjoxfQ.sig" << second + notB64;
    QTest::newRow("empty header") << "." + claims + ".sig" << first + notJson;
    QTest::newRow("empty claims") << header + "..sig" << second + notJson;
    QTest::newRow("claims are text") << header + "." + QString::fromLatin1(b64url("hello, world")) + ".sig" << second + notJson;
    QTest::newRow("claims are a JSON array") << header + "." + QString::fromLatin1(b64url(R"(["sub","u"])")) + ".sig" << second + notJson;
    QTest::newRow("claims are a JSON string") << header + "." + QString::fromLatin1(b64url(R"("sub")")) + ".sig" << second + notJson;
    QTest::newRow("claims cut off") << header + "." + QString::fromLatin1(b64url(kClaims.left(20))) + ".sig" << second + notJson;
    QTest::newRow("claims are binary") << header + "." + QString::fromLatin1(b64url(QByteArray("\x00\xff\xfe{", 4))) + ".sig"
                                       << second + notJson;
    QTest::newRow("header is not JSON") << QString::fromLatin1(b64url("HS256")) + "." + claims + ".sig" << first + notJson;
}

void TestJwtInspector::unreadableSegmentsSayWhichAndWhy()
{
    QFETCH(QString, token);
    QFETCH(QString, reason);
    const JwtInspection r = JwtInspection::inspect(token);
    QVERIFY(!r.isJwt);
    QCOMPARE(r.notJwtReason, reason);
    QCOMPARE(r.claims.size(), 0);
    QCOMPARE(r.subject, QString());
    QVERIFY(!r.expiresAt);
}

void TestJwtInspector::paddedSegmentsAreStillRead()
{
    // RFC 7515 omits the padding, but some encoders keep it; the meaning is the same.
    const QByteArray padded = QByteArray(R"({"sub":"abc"})").toBase64(QByteArray::Base64UrlEncoding);
    QVERIFY(padded.endsWith('='));
    const QString token = QString::fromLatin1(b64url(R"({"alg":"HS256"})") + '.' + padded + ".c2ln");
    const JwtInspection r = JwtInspection::inspect(token);
    QVERIFY2(r.isJwt, qPrintable(r.notJwtReason));
    QCOMPARE(r.subject, QStringLiteral("abc"));
    QCOMPARE(r.signatureBytes, 3);
}

void TestJwtInspector::unsignedJwtHasNoSignatureBytes()
{
    const QString token = QString::fromLatin1(b64url(R"({"alg":"none"})") + '.' + b64url(R"({"sub":"u"})") + '.');
    const JwtInspection r = JwtInspection::inspect(token);
    QVERIFY(r.isJwt);
    QCOMPARE(r.algorithm, QStringLiteral("none"));
    QCOMPARE(r.signatureBytes, 0);
}

void TestJwtInspector::hugeInputIsHandled()
{
    // 4 MiB of claims, and 8 MiB of one opaque part: read, or refused, quickly either way.
    QByteArray claims = R"({"sub":"u","pad":")" + QByteArray(4 * 1024 * 1024, 'p') + R"(","exp":1900000000})";
    QElapsedTimer t;
    t.start();
    const JwtInspection r = JwtInspection::inspect(makeJwt(claims), utc("2030-03-17T17:42:28"));
    QVERIFY(r.isJwt);
    QCOMPARE(r.subject, QStringLiteral("u"));
    QCOMPARE(claim(r.claims, QStringLiteral("pad"))->value.size(), 4 * 1024 * 1024);
    QCOMPARE(r.expiresAt, std::optional<QDateTime>(utc("2030-03-17T17:46:40")));
    const JwtInspection opaque = JwtInspection::inspect(QString(8 * 1024 * 1024, QLatin1Char('a')));
    QVERIFY(!opaque.isJwt);
    const JwtInspection dots = JwtInspection::inspect(QString(100000, QLatin1Char('.')));
    QVERIFY(!dots.isJwt);
    QCOMPARE(dots.notJwtReason.left(16), QStringLiteral("it has 100001 pa"));
    QVERIFY2(t.elapsed() < 10000, "inspecting huge input took too long");
}

QTEST_GUILESS_MAIN(TestJwtInspector)
#include "tst_jwtinspector.moc"
