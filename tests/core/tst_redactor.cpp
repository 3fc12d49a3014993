// Redactor: no secret reaches the log, an export or the screen, whatever the body looks like.

#include "core/log/redactor.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace plainkey;

namespace {

using Secrets = QList<QPair<SecretKind, QByteArray>>;

QByteArray m(SecretKind kind, const QByteArray &value)
{
    return Redactor::marker(kind, value);
}

// A JWT built here, not taken from the code under test: base64url(header).base64url(claims).sig
QByteArray makeJwt(const QByteArray &claims = R"({"sub":"user-1","exp":1900000000})")
{
    const auto enc = [](const QByteArray &b) {
        return b.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    return enc(R"({"alg":"HS256","typ":"JWT"})") + '.' + enc(claims) + '.' + enc("signature-bytes-0123456789");
}

} // namespace

class TestRedactor : public QObject
{
    Q_OBJECT

private slots:
    // --- markers -------------------------------------------------------------------------
    void fingerprintIsFirstEightHexDigitsOfSha256();
    void markerNamesKindAndMatchesMarkerPattern_data();
    void markerNamesKindAndMatchesMarkerPattern();
    void markerIsStableForSameValueAndDiffersForOthers();
    void kindNameRoundTripsThroughKindFromName();

    // --- form bodies ---------------------------------------------------------------------
    void formBodyClientSecretIsRedacted_data();
    void formBodyClientSecretIsRedacted();
    void formEncodingsOfOneValueGiveOneFingerprint();

    // --- JSON bodies ---------------------------------------------------------------------
    void jsonSecretFieldsAreRedacted_data();
    void jsonSecretFieldsAreRedacted();
    void jsonFingerprintIsOfTheUnescapedValue();
    void redactedJsonStaysValidJsonAndKeepsOtherFields();
    void truncatedJsonStillHidesTheToken_data();
    void truncatedJsonStillHidesTheToken();
    void hugeJsonValueIsRedacted();

    // --- headers -------------------------------------------------------------------------
    void authorizationHeaderKeepsScheme_data();
    void authorizationHeaderKeepsScheme();
    void alreadyRedactedAuthorizationIsLeftAlone();
    void cookiesAreRedactedAndOtherHeadersKept();
    void knownSecretInAnyHeaderIsRedacted();

    // --- JWTs and known values -----------------------------------------------------------
    void jwtShapedStringsAreRedactedAnywhere_data();
    void jwtShapedStringsAreRedactedAnywhere();
    void knownSecretsAppearNowhere_data();
    void knownSecretsAppearNowhere();
    void namedQueryParametersAreRedactedInUrls();
    void urlPasswordIsDropped();
    void longerKnownSecretIsNotLeftPartlyVisible();
    void clearSecretsForgetsValues();
    void rememberedSecretsAreBounded();
    void clientSecretIsPinnedAfter300OtherSecrets();
    void knownSecretInEveryEncodingIsRedacted_data();
    void knownSecretInEveryEncodingIsRedacted();

    // --- by name, at any depth ---------------------------------------------------------------
    void fieldNamesThatHoldSecrets_data();
    void fieldNamesThatHoldSecrets();
    void jsonIsWalkedKeyByKey_data();
    void jsonIsWalkedKeyByKey();
    void queryAndFragmentParametersAreRedactedByName();
    void freeTextIsRedactedLikeABody();
    void secretNamedHeadersAreRedacted();

    // --- what must stay as it is ---------------------------------------------------------
    void shortValuesAreNotMangled();
    void bodiesWithoutSecretsComeBackByteForByte_data();
    void bodiesWithoutSecretsComeBackByteForByte();
    void redactionIsIdempotent();

    // --- hostile input -------------------------------------------------------------------
    void hostileInputNeverCrashes_data();
    void hostileInputNeverCrashes();
    void hugeBodyIsRedactedInReasonableTime();

    // --- property ------------------------------------------------------------------------
};

void TestRedactor::fingerprintIsFirstEightHexDigitsOfSha256()
{
    // FIPS 180-2 test vector: SHA-256("abc") = ba7816bf 8f01cfea ...
    QCOMPARE(Redactor::fingerprint("abc"), QByteArray("ba7816bf"));
    // SHA-256("") = e3b0c442 98fc1c14 ...
    QCOMPARE(Redactor::fingerprint(""), QByteArray("e3b0c442"));
}

void TestRedactor::markerNamesKindAndMatchesMarkerPattern_data()
{
    QTest::addColumn<SecretKind>("kind");
    QTest::addColumn<QString>("name");
    QTest::newRow("client secret") << SecretKind::ClientSecret << "client_secret";
    QTest::newRow("access token") << SecretKind::AccessToken << "access_token";
    QTest::newRow("auth token") << SecretKind::AuthenticationToken << "auth_token";
}

void TestRedactor::markerNamesKindAndMatchesMarkerPattern()
{
    QFETCH(SecretKind, kind);
    QFETCH(QString, name);
    const QByteArray marker = Redactor::marker(kind, "abc");
    QCOMPARE(marker, QByteArray("[redacted ") + name.toLatin1() + " #ba7816bf]");
    const QRegularExpression re(QLatin1Char('^') + Redactor::markerPattern() + QLatin1Char('$'));
    const auto match = re.match(QString::fromLatin1(marker));
    QVERIFY(match.hasMatch());
    QCOMPARE(match.captured(1), name);
    QCOMPARE(match.captured(2), QStringLiteral("ba7816bf"));
}

void TestRedactor::markerIsStableForSameValueAndDiffersForOthers()
{
    Redactor r;
    const QByteArray a = r.redactBody(R"({"access_token":"opaque-token-AAAA"})");
    const QByteArray b = r.redactBody(R"({"access_token":"opaque-token-AAAA"})");
    const QByteArray c = r.redactBody(R"({"access_token":"opaque-token-BBBB"})");
    QCOMPARE(a, b);
    QVERIFY(a != c);
    // The same value seen in a header and in a body carries the same fingerprint.
    const HttpHeaders h = r.redactHeaders({{"Authorization", "Bearer opaque-token-AAAA"}});
    QVERIFY(a.contains(Redactor::fingerprint("opaque-token-AAAA")));
    QVERIFY(h.first().second.contains(Redactor::fingerprint("opaque-token-AAAA")));
}

void TestRedactor::kindNameRoundTripsThroughKindFromName()
{
    for (auto k : {SecretKind::ClientSecret, SecretKind::AccessToken, SecretKind::AuthenticationToken})
        QCOMPARE(Redactor::kindFromName(Redactor::kindName(k)), std::optional<SecretKind>(k));
    QCOMPARE(Redactor::kindFromName("password"), std::optional<SecretKind>());
    QCOMPARE(Redactor::kindFromName(""), std::optional<SecretKind>());
}

void TestRedactor::formBodyClientSecretIsRedacted_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("secretAsSent");
    QTest::addColumn<QByteArray>("decodedSecret");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray plain = "cs_9f8e7d6c5b4a";
    QTest::newRow("plain, last field") << "client_id=proj-1&client_secret=" + plain << plain << plain
                                       << "client_id=proj-1&client_secret=" + m(SecretKind::ClientSecret, plain);
    QTest::newRow("plain, first field") << "client_secret=" + plain + "&client_id=proj-1" << plain << plain
                                        << "client_secret=" + m(SecretKind::ClientSecret, plain) + "&client_id=proj-1";
    QTest::newRow("percent-encoded") << QByteArray("client_id=p&client_secret=a%2Bb%2Fc%3Dd%26e") << QByteArray("a%2Bb%2Fc%3Dd%26e")
                                     << QByteArray("a+b/c=d&e")
                                     << "client_id=p&client_secret=" + m(SecretKind::ClientSecret, "a+b/c=d&e");
    QTest::newRow("lowercase percent-encoding") << QByteArray("client_secret=a%2bb%2fc") << QByteArray("a%2bb%2fc")
                                                << QByteArray("a+b/c") << "client_secret=" + m(SecretKind::ClientSecret, "a+b/c");
    QTest::newRow("plus means space") << QByteArray("client_id=p&client_secret=my+long+secret") << QByteArray("my+long+secret")
                                      << QByteArray("my long secret")
                                      << "client_id=p&client_secret=" + m(SecretKind::ClientSecret, "my long secret");
    QTest::newRow("access_token field") << QByteArray("grant=x&access_token=tok-123456789") << QByteArray("tok-123456789")
                                        << QByteArray("tok-123456789") << "grant=x&access_token=" + m(SecretKind::AccessToken, "tok-123456789");
    QTest::newRow("refresh_token field") << QByteArray("refresh_token=rt-123456789") << QByteArray("rt-123456789")
                                         << QByteArray("rt-123456789") << "refresh_token=" + m(SecretKind::AccessToken, "rt-123456789");
}

void TestRedactor::formBodyClientSecretIsRedacted()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, secretAsSent);
    QFETCH(QByteArray, decodedSecret);
    QFETCH(QByteArray, expected);
    const QByteArray out = Redactor().redactBody(body);
    QCOMPARE(out, expected);
    QVERIFY(!out.contains(secretAsSent));
    QVERIFY(!out.contains(decodedSecret));
}

void TestRedactor::formEncodingsOfOneValueGiveOneFingerprint()
{
    // "a b+c" written three ways a form encoder may write it.
    const Redactor r;
    const QByteArray a = r.redactBody("client_secret=a%20b%2Bc");
    const QByteArray b = r.redactBody("client_secret=a+b%2Bc");
    const QByteArray c = r.redactBody("client_secret=a%20b%2bc");
    QCOMPARE(a, "client_secret=" + m(SecretKind::ClientSecret, "a b+c"));
    QCOMPARE(b, a);
    QCOMPARE(c, a);
}

void TestRedactor::jsonSecretFieldsAreRedacted_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray v = "opaque_9f8e7d6c5b4a";
    QTest::newRow("access_token") << R"({"access_token":")" + v + R"(","token_type":"Bearer","expires_in":3600})" << v
                                  << R"({"access_token":")" + m(SecretKind::AccessToken, v) + R"(","token_type":"Bearer","expires_in":3600})";
    QTest::newRow("token") << R"({"token": ")" + v + R"("})" << v << R"({"token": ")" + m(SecretKind::AuthenticationToken, v) + R"("})";
    QTest::newRow("spaces around colon") << "{\"token\"\n  :\t\"" + v + "\"}" << v
                                         << "{\"token\"\n  :\t\"" + m(SecretKind::AuthenticationToken, v) + "\"}";
    QTest::newRow("authenticationToken string") << R"({"authenticationToken":")" + v + R"("})" << v
                                                << R"({"authenticationToken":")" + m(SecretKind::AuthenticationToken, v) + R"("})";
    QTest::newRow("authenticationToken object")
            << R"({"success":true,"authenticationToken":{"token":")" + v + R"(","expiresAt":1700000000}})" << v
            // Everything under a secret's name is hidden, numbers too (as a marker string).
            << R"({"success":true,"authenticationToken":{"token":")" + m(SecretKind::AuthenticationToken, v)
                       + R"(","expiresAt":")" + m(SecretKind::AuthenticationToken, "1700000000") + R"("}})";
    QTest::newRow("client_secret in JSON") << R"({"client_secret":")" + v + R"("})" << v
                                           << R"({"client_secret":")" + m(SecretKind::ClientSecret, v) + R"("})";
    QTest::newRow("inside an array") << R"([{"token":")" + v + R"("},{"token":"other-value-1"}])" << v
                                     << R"([{"token":")" + m(SecretKind::AuthenticationToken, v) + R"("},{"token":")"
                                                + m(SecretKind::AuthenticationToken, "other-value-1") + R"("}])";
    QTest::newRow("empty value stays empty") << QByteArray(R"({"token":""})") << QByteArray("\"\"x") << QByteArray(R"({"token":""})");
}

void TestRedactor::jsonSecretFieldsAreRedacted()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, expected);
    const QByteArray out = Redactor().redactBody(body);
    QCOMPARE(out, expected);
    QVERIFY(!out.contains(secret));
}

void TestRedactor::jsonFingerprintIsOfTheUnescapedValue()
{
    // A server may escape '/' (PHP does by default) or use \u escapes; the token is still the
    // same token the Authorization header later carries, so the fingerprints must match.
    const Redactor r;
    QCOMPARE(r.redactBody(R"({"access_token":"ab\/cd\/ef+gh=="})"),
             R"({"access_token":")" + m(SecretKind::AccessToken, "ab/cd/ef+gh==") + R"("})");
    QCOMPARE(r.redactBody(R"({"token":"tok\u002dA\"B"})"),
             R"({"token":")" + m(SecretKind::AuthenticationToken, "tok-A\"B") + R"("})");
}

void TestRedactor::redactedJsonStaysValidJsonAndKeepsOtherFields()
{
    const QJsonObject in{{"access_token", "tok\"with\\escapes/and-more"},
                         {"token_type", "Bearer"},
                         {"expires_in", 3600},
                         {"nested", QJsonObject{{"token", "nested-secret-1"}, {"keep", "me"}}}};
    const QByteArray out = Redactor().redactBody(QJsonDocument(in).toJson(QJsonDocument::Indented));
    QJsonParseError err{};
    const QJsonObject o = QJsonDocument::fromJson(out, &err).object();
    QCOMPARE(err.error, QJsonParseError::NoError);
    QCOMPARE(o.value("token_type").toString(), QStringLiteral("Bearer"));
    QCOMPARE(o.value("expires_in").toInt(), 3600);
    QCOMPARE(o.value("nested").toObject().value("keep").toString(), QStringLiteral("me"));
    QCOMPARE(o.value("access_token").toString().toUtf8(), m(SecretKind::AccessToken, "tok\"with\\escapes/and-more"));
    QCOMPARE(o.value("nested").toObject().value("token").toString().toUtf8(), m(SecretKind::AuthenticationToken, "nested-secret-1"));
}

void TestRedactor::truncatedJsonStillHidesTheToken_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("secret");
    // A connection cut mid-answer: the access-token answer is the one the redactor does not
    // know the value of yet, so the field name is all it has.
    QTest::newRow("cut inside the value") << QByteArray(R"({"access_token":"opaque-abcdefghijklmnop)") << QByteArray("abcdefghijklmnop");
    QTest::newRow("cut after an escape") << QByteArray(R"({"access_token":"opaque-abcdefghij\)") << QByteArray("abcdefghij");
    QTest::newRow("cut with spaces") << QByteArray("{\n  \"token\" : \"opaque-0123456789") << QByteArray("0123456789");
    QTest::newRow("second field cut") << QByteArray(R"({"token_type":"Bearer","access_token":"zyxwvutsrq)") << QByteArray("zyxwvutsrq");
}

void TestRedactor::truncatedJsonStillHidesTheToken()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, secret);
    const QByteArray out = Redactor().redactBody(body);
    QVERIFY2(!out.contains(secret), out.constData());
    QVERIFY(out.contains("[redacted "));
}

void TestRedactor::hugeJsonValueIsRedacted()
{
    // A regex that backtracks per character can hit PCRE's limits on a long value and then
    // silently not match: the value would be logged in clear.
    const QByteArray value = QByteArray(2 * 1024 * 1024, 'k') + "END-OF-SECRET";
    const QByteArray out = Redactor().redactBody(R"({"access_token":")" + value + R"("})");
    QCOMPARE(out, R"({"access_token":")" + m(SecretKind::AccessToken, value) + R"("})");
    QByteArray escaped;
    for (int i = 0; i < 200000; ++i)
        escaped += "\\\"";
    const QByteArray out2 = Redactor().redactBody(R"({"token":")" + escaped + "TAIL-SECRET\"}");
    QVERIFY(!out2.contains("TAIL-SECRET"));
    QVERIFY(out2.size() < 100);
}

void TestRedactor::authorizationHeaderKeepsScheme_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("Bearer") << QByteArray("Authorization") << QByteArray("Bearer at-0123456789")
                            << "Bearer " + m(SecretKind::AccessToken, "at-0123456789");
    QTest::newRow("lowercase name and scheme") << QByteArray("authorization") << QByteArray("bearer at-0123456789")
                                               << "bearer " + m(SecretKind::AccessToken, "at-0123456789");
    QTest::newRow("two spaces") << QByteArray("AUTHORIZATION") << QByteArray("Bearer  at-0123456789")
                                << "Bearer " + m(SecretKind::AccessToken, "at-0123456789");
    QTest::newRow("Basic") << QByteArray("Authorization") << QByteArray("Basic dXNlcjpwYXNz")
                           << "Basic " + m(SecretKind::AccessToken, "dXNlcjpwYXNz");
    QTest::newRow("no scheme") << QByteArray("Authorization") << QByteArray("at-0123456789")
                               << m(SecretKind::AccessToken, "at-0123456789");
}

void TestRedactor::authorizationHeaderKeepsScheme()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, expected);
    const HttpHeaders out = Redactor().redactHeaders({{name, value}});
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().first, name);
    QCOMPARE(out.first().second, expected);
}

void TestRedactor::alreadyRedactedAuthorizationIsLeftAlone()
{
    const QByteArray once = "Bearer " + m(SecretKind::AccessToken, "at-0123456789");
    QCOMPARE(Redactor().redactHeaders({{"Authorization", once}}).first().second, once);
}

void TestRedactor::cookiesAreRedactedAndOtherHeadersKept()
{
    const HttpHeaders in{{"Content-Type", "application/json"},
                         {"x-project-id", "proj-123"},
                         {"Cookie", "session=abcdef123456"},
                         {"Set-Cookie", "sid=zyx987654; HttpOnly"}};
    const HttpHeaders out = Redactor().redactHeaders(in);
    QCOMPARE(out.size(), 4);
    QCOMPARE(out[0], in[0]);
    QCOMPARE(out[1], in[1]);
    QVERIFY(!out[2].second.contains("abcdef123456"));
    QVERIFY(out[2].second.startsWith("[redacted "));
    QVERIFY(!out[3].second.contains("zyx987654"));
}

void TestRedactor::knownSecretInAnyHeaderIsRedacted()
{
    Redactor r;
    r.addSecret(SecretKind::AuthenticationToken, "auth-tok-ABCDEFG");
    const HttpHeaders out = r.redactHeaders({{"x-debug", "was auth-tok-ABCDEFG here"},
                                             {"x-other", "uses extra-secret-99"}},
                                            {{SecretKind::ClientSecret, "extra-secret-99"}});
    QCOMPARE(out[0].second, "was " + m(SecretKind::AuthenticationToken, "auth-tok-ABCDEFG") + " here");
    QCOMPARE(out[1].second, "uses " + m(SecretKind::ClientSecret, "extra-secret-99"));
}

void TestRedactor::jwtShapedStringsAreRedactedAnywhere_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::newRow("plain text") << QByteArray("the token is ") << QByteArray(" and it expired");
    QTest::newRow("JSON field with an innocent name") << QByteArray(R"({"message":"bad token )") << QByteArray(R"("})");
    QTest::newRow("HTML") << QByteArray("<html><body><p>") << QByteArray("</p></body></html>");
    QTest::newRow("start and end of body") << QByteArray() << QByteArray();
    QTest::newRow("after a newline") << QByteArray("line1\n") << QByteArray("\nline3");
}

void TestRedactor::jwtShapedStringsAreRedactedAnywhere()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    const QByteArray jwt = makeJwt();
    const QByteArray out = Redactor().redactBody(before + jwt + after);
    QCOMPARE(out, before + m(SecretKind::AuthenticationToken, jwt) + after);
}

void TestRedactor::knownSecretsAppearNowhere_data()
{
    QTest::addColumn<QByteArray>("body");
    const QByteArray s = "Kn0wn-S3cret_value";
    QTest::newRow("innocent JSON field") << R"({"message":"the secret )" + s + R"( is wrong"})";
    QTest::newRow("HTML") << "<html><title>Error</title><body>" + s + "</body></html>";
    QTest::newRow("percent-encoded in a form") << "note=" + QUrl::toPercentEncoding(QString::fromUtf8(s)) + "&x=1";
    QTest::newRow("repeated") << s + s + " " + s;
    QTest::newRow("binary around it") << QByteArray("\x00\x01\xff", 3) + s + QByteArray("\xfe\x00", 2);
}

void TestRedactor::knownSecretsAppearNowhere()
{
    QFETCH(QByteArray, body);
    const QByteArray s = "Kn0wn-S3cret_value";
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, s);
    const QByteArray out = r.redactBody(body);
    QVERIFY(!out.contains(s));
    QVERIFY(out.contains(m(SecretKind::ClientSecret, s)));
    // Passed per call instead of remembered: same result.
    QCOMPARE(Redactor().redactBody(body, {{SecretKind::ClientSecret, s}}), out);
}

void TestRedactor::namedQueryParametersAreRedactedInUrls()
{
    const QString out = Redactor().redactUrl(QUrl(QStringLiteral("https://h.example/cb?access_token=abc123456789&state=ok&token=zzz987654321")));
    QVERIFY2(!out.contains(QStringLiteral("abc123456789")), qPrintable(out));
    QVERIFY2(!out.contains(QStringLiteral("zzz987654321")), qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("state=ok")));
}

void TestRedactor::urlPasswordIsDropped()
{
    const QString out = Redactor().redactUrl(QUrl(QStringLiteral("https://alice:pa55word-xyz@h.example/server")));
    QVERIFY(!out.contains(QStringLiteral("pa55word-xyz")));
    QVERIFY(out.contains(QStringLiteral("h.example/server")));
}

void TestRedactor::longerKnownSecretIsNotLeftPartlyVisible()
{
    // One remembered value inside another: replacing the short one first would leave the
    // rest of the long one in clear next to a marker.
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, "abcdef");
    r.addSecret(SecretKind::AccessToken, "abcdef-TAIL-OF-LONG-SECRET");
    const QByteArray out = r.redactBody("x abcdef-TAIL-OF-LONG-SECRET y");
    QCOMPARE(out, "x " + m(SecretKind::AccessToken, "abcdef-TAIL-OF-LONG-SECRET") + " y");
}

void TestRedactor::clearSecretsForgetsValues()
{
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, "forget-me-please");
    QVERIFY(!r.redactBody("forget-me-please").contains("forget-me-please"));
    r.clearSecrets();
    QCOMPARE(r.redactBody("forget-me-please"), QByteArray("forget-me-please"));
}

void TestRedactor::rememberedSecretsAreBounded()
{
    Redactor r;
    for (int i = 0; i < 300; ++i)
        r.addSecret(SecretKind::AccessToken, QByteArray("secret-number-") + QByteArray::number(i));
    // The newest are kept, the oldest forgotten.
    QVERIFY(!r.redactBody("secret-number-299.").contains("secret-number-299"));
    QCOMPARE(r.redactBody("secret-number-0."), QByteArray("secret-number-0."));
}

void TestRedactor::clientSecretIsPinnedAfter300OtherSecrets()
{
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, "the-client-secret-1");
    for (int i = 0; i < 300; ++i)
        r.addSecret(i % 2 ? SecretKind::AccessToken : SecretKind::AuthenticationToken, "token-number-" + QByteArray::number(i));
    QCOMPARE(r.redactBody("echo: the-client-secret-1."), "echo: " + m(SecretKind::ClientSecret, "the-client-secret-1") + '.');
    // Tokens stay bounded around it.
    QCOMPARE(r.redactBody("token-number-0."), QByteArray("token-number-0."));
    QVERIFY(!r.redactBody("token-number-299.").contains("token-number-299"));
    // A second client secret (new credentials) is pinned as well.
    r.addSecret(SecretKind::ClientSecret, "the-client-secret-2");
    for (int i = 300; i < 700; ++i)
        r.addSecret(SecretKind::AccessToken, "token-number-" + QByteArray::number(i));
    QVERIFY(!r.redactBody("the-client-secret-1 the-client-secret-2").contains("the-client-secret"));
}

void TestRedactor::knownSecretInEveryEncodingIsRedacted_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("encoded");
    // A secret with every character that changes in some encoding.
    const QByteArray s = "Cs+/=&\"q\\ b\xc3\xa9!~_tail";
    const QString text = QString::fromUtf8(s);
    const auto lower = [](QByteArray p) {
        for (qsizetype i = 0; i + 2 < p.size(); ++i)
            if (p[i] == '%') {
                p[i + 1] = char(tolower(p[i + 1]));
                p[i + 2] = char(tolower(p[i + 2]));
            }
        return p;
    };
    const QByteArray jsonEscaped = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact).mid(2).chopped(2);
    QTest::newRow("clear") << s << s;
    QTest::newRow("JSON-escaped") << s << jsonEscaped;
    QTest::newRow("JSON-escaped, slash too") << s << QByteArray(jsonEscaped).replace("/", "\\/");
    QTest::newRow("JSON-escaped, \\u for non-ASCII") << s << QByteArray(jsonEscaped).replace("\xc3\xa9", "\\u00e9");
    QTest::newRow("JSON-escaped, \\U for non-ASCII") << s << QByteArray(jsonEscaped).replace("\xc3\xa9", "\\u00E9");
    QTest::newRow("percent-encoded, upper hex") << s << QUrl::toPercentEncoding(text);
    QTest::newRow("percent-encoded, lower hex") << s << lower(QUrl::toPercentEncoding(text));
    QTest::newRow("form-encoded") << s << QUrl::toPercentEncoding(text, " ").replace(' ', '+');
    QTest::newRow("encodeURIComponent, lower hex") << s << lower(QUrl::toPercentEncoding(text, "!'()*"));
    QTest::newRow("base64") << s << s.toBase64();
    QTest::newRow("base64, no padding") << s << s.toBase64(QByteArray::OmitTrailingEquals);
    QTest::newRow("base64url") << s << s.toBase64(QByteArray::Base64UrlEncoding);
    QTest::newRow("base64url, no padding") << s << s.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QByteArray plainSecret = "plain-secret-value-0123";
    QTest::newRow("inside a longer base64 text, offset 1") << plainSecret << ("x" + plainSecret + "yz").toBase64();
    QTest::newRow("inside a longer base64 text, offset 2") << plainSecret << ("xy" + plainSecret + "z").toBase64();
    QTest::newRow("inside base64 of a form body") << plainSecret << ("client_id=p&client_secret=" + plainSecret).toBase64();
}

void TestRedactor::knownSecretInEveryEncodingIsRedacted()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, encoded);
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, secret);
    for (const QByteArray &page : {"<html><body><pre>" + encoded + "</pre></body></html>", "text " + encoded + " text",
                                   R"({"error":"echo )" + encoded + R"("})"}) {
        const QByteArray out = r.redactBody(page);
        QVERIFY2(!out.contains(encoded), out.constData());
        QVERIFY2(out.contains(Redactor::fingerprint(secret)), out.constData());
        // Passed per call instead of remembered: the same.
        QVERIFY(!Redactor().redactBody(page, {{SecretKind::ClientSecret, secret}}).contains(encoded));
    }
    // Free text (an error message) too.
    QVERIFY(!r.redactText(QStringLiteral("PlainKey said: ") + QString::fromUtf8(encoded)).contains(QString::fromUtf8(encoded)));
}

void TestRedactor::fieldNamesThatHoldSecrets_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("secret");
    for (const char *n : {"token", "TOKEN", "Token", "id_token", "ID_TOKEN", "refresh-token", "sessionToken", "authenticationToken",
                          "accessTOKEN", "client_secret", "clientSecret", "CLIENT_SECRET", "secret", "Secret", "password",
                          "PASSWORD", "new_password", "userPassword", "apiKey", "api_key", "APIKey", "x-api-key", "Authorization",
                          "proxy-authorization", "access_token", "x.auth.token"})
        QTest::newRow(n) << QString::fromLatin1(n) << true;
    for (const char *n : {"tokenType", "token_type", "mytoken", "tokens_left", "expires_in", "userName", "id", "passwordHint",
                          "keyId", "apikeys", "secretary", "", "x-project-id"})
        QTest::newRow(*n ? n : "empty") << QString::fromLatin1(n) << false;
}

void TestRedactor::fieldNamesThatHoldSecrets()
{
    QFETCH(QString, name);
    QFETCH(bool, secret);
    QCOMPARE(Redactor::kindForFieldName(name).has_value(), secret);
}

void TestRedactor::jsonIsWalkedKeyByKey_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArrayList>("hidden");
    QTest::addColumn<QByteArrayList>("kept");
    QTest::newRow("nested three deep") << QByteArray(R"({"a":{"b":{"Password":"pw-nested-123","keep":"visible-1"}}})")
                                       << QByteArrayList{"pw-nested-123"} << QByteArrayList{"visible-1", "\"keep\""};
    QTest::newRow("case-insensitive") << QByteArray(R"({"TOKEN":"tok-upper-123","Api_Key":"key-mixed-456","AUTHORIZATION":"Bearer abcdefgh1"})")
                                      << QByteArrayList{"tok-upper-123", "key-mixed-456", "abcdefgh1"} << QByteArrayList{};
    QTest::newRow("array of secrets") << QByteArray(R"({"tokens":1,"refresh_token":["rt-one-111","rt-two-222"]})")
                                      << QByteArrayList{"rt-one-111", "rt-two-222"} << QByteArrayList{"\"tokens\":1"};
    QTest::newRow("secrets in an array of objects") << QByteArray(R"([{"id":"u-1","sessionToken":"st-aaa-111"},{"id":"u-2","sessionToken":"st-bbb-222"}])")
                                                    << QByteArrayList{"st-aaa-111", "st-bbb-222"} << QByteArrayList{"u-1", "u-2"};
    QTest::newRow("number under a secret name") << QByteArray(R"({"pin_password":12345678,"count":12345678})")
                                                << QByteArrayList{":12345678,"} << QByteArrayList{"\"count\":12345678"};
    QTest::newRow("object under a secret name") << QByteArray(R"({"secret":{"value":"inner-value-1","n":987654}})")
                                                << QByteArrayList{"inner-value-1", "987654"} << QByteArrayList{"\"value\""};
    QTest::newRow("booleans and null stay") << QByteArray(R"({"token":null,"password":true})")
                                            << QByteArrayList{} << QByteArrayList{"null", "true"};
    QTest::newRow("query string inside a JSON string") << QByteArray(R"({"error":"bad form: client_id=p&client_secret=in-json-echo"})")
                                                       << QByteArrayList{"in-json-echo"} << QByteArrayList{"client_id=p"};
    QTest::newRow("pretty-printed") << QByteArray("{\n  \"data\" : [\n    { \"accessToken\" : \"at-pretty-999\" }\n  ]\n}\n")
                                    << QByteArrayList{"at-pretty-999"} << QByteArrayList{"{\n  \"data\" : [\n    { \"accessToken\" : \""};
}

void TestRedactor::jsonIsWalkedKeyByKey()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArrayList, hidden);
    QFETCH(QByteArrayList, kept);
    const QByteArray out = Redactor().redactBody(body);
    for (const QByteArray &h : hidden)
        QVERIFY2(!out.contains(h), out.constData());
    for (const QByteArray &k : kept)
        QVERIFY2(out.contains(k), out.constData());
    // Still JSON, and the same JSON where nothing was secret.
    QJsonParseError error{};
    QJsonDocument::fromJson(out, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    if (hidden.isEmpty())
        QCOMPARE(out, body);
}

void TestRedactor::queryAndFragmentParametersAreRedactedByName()
{
    const Redactor r;
    const QString url = r.redactUrl(QUrl(QStringLiteral(
            "https://h.example/cb?state=ok&API_KEY=key-in-query-1&Password=pw-in-query-2#access_token=at-in-fragment-3&token_type=Bearer")));
    for (const char *hidden : {"key-in-query-1", "pw-in-query-2", "at-in-fragment-3"})
        QVERIFY2(!url.contains(QLatin1String(hidden)), qPrintable(url));
    QVERIFY(url.contains(QStringLiteral("state=ok")));
    QVERIFY(url.contains(QStringLiteral("token_type=Bearer")));
    QVERIFY(url.contains(QStringLiteral("#access_token=[redacted access_token #")));
    // A form body by the same rules, names in any case.
    const QByteArray form = r.redactBody("Client_Secret=cs-form-1&password=pw-form-2&user=alice");
    QVERIFY(!form.contains("cs-form-1"));
    QVERIFY(!form.contains("pw-form-2"));
    QVERIFY(form.endsWith("&user=alice"));
}

void TestRedactor::freeTextIsRedactedLikeABody()
{
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, "free-text-secret");
    const QString in = QStringLiteral("PlainKey answered 400: \u201cinvalid client_secret=other-secret-9 for "
                                      "free-text-secret (%1)\u201d. Zo\u00eb")
                               .arg(QString::fromLatin1(QByteArray("free-text-secret").toBase64()));
    const QString out = r.redactText(in);
    QVERIFY(!out.contains(QLatin1String("other-secret-9")));
    QVERIFY(!out.contains(QLatin1String("free-text-secret")));
    QVERIFY(!out.contains(QString::fromLatin1(QByteArray("free-text-secret").toBase64())));
    QVERIFY(out.startsWith(QStringLiteral("PlainKey answered 400: \u201cinvalid client_secret=[redacted client_secret #")));
    QVERIFY(out.endsWith(QStringLiteral("\u201d. Zo\u00eb")));
    QCOMPARE(r.redactText(QStringLiteral("nothing secret, Zo\u00eb \U0001F600")), QStringLiteral("nothing secret, Zo\u00eb \U0001F600"));
}

void TestRedactor::secretNamedHeadersAreRedacted()
{
    const HttpHeaders out = Redactor().redactHeaders({{"X-Api-Key", "header-key-123"},
                                                      {"Proxy-Authorization", "Basic cHJveHk6cHc="},
                                                      {"Location", "https://h.example/cb#access_token=loc-token-1"},
                                                      {"x-project-id", "proj-123"}});
    QVERIFY(!out[0].second.contains("header-key-123"));
    QVERIFY(out[1].second.startsWith("Basic [redacted "));
    QVERIFY(!out[2].second.contains("loc-token-1"));
    QCOMPARE(out[3].second, QByteArray("proj-123"));
}

void TestRedactor::shortValuesAreNotMangled()
{
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, "abc");
    r.addSecret(SecretKind::ClientSecret, "12345");
    const QByteArray body = R"({"id":"abc","n":12345,"text":"abcabc 12345"})";
    QCOMPARE(r.redactBody(body, {{SecretKind::AccessToken, "a"}, {SecretKind::AccessToken, ""}}), body);
    QCOMPARE(r.redactHeaders({{"x-id", "abc"}}).first().second, QByteArray("abc"));
}

void TestRedactor::bodiesWithoutSecretsComeBackByteForByte_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("JSON") << QByteArray(R"({"id":"u-1","userName":"alice","tokenType":"x","mytoken":"y"})");
    QTest::newRow("form without secrets") << QByteArray("client_id=proj&notoken=abc&grant_type=client_credentials");
    QTest::newRow("HTML") << QByteArray("<!doctype html><html><head><title>502 Bad Gateway</title></head></html>");
    QTest::newRow("UTF-8") << QByteArray(R"({"userName":"Zoë 🚀 \u00e9 مرحبا"})");
    static const char invalidUtf8[] = "\xff\xfe\xfd binary \xc3\x28 \xe2\x82";
    QTest::newRow("invalid UTF-8") << QByteArray(invalidUtf8, sizeof(invalidUtf8) - 1);
    QTest::newRow("NUL bytes") << QByteArray("a\0b\0c", 5);
    QTest::newRow("truncated JSON") << QByteArray(R"({"id":"u-1","userNa)");
    QTest::newRow("looks like a JWT header only") << QByteArray("eyJhbGciOiJIUzI1NiJ9 alone");
}

void TestRedactor::bodiesWithoutSecretsComeBackByteForByte()
{
    QFETCH(QByteArray, body);
    QCOMPARE(Redactor().redactBody(body), body);
}

void TestRedactor::redactionIsIdempotent()
{
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, "client-secret-xyz");
    const QByteArray body = "client_secret=client-secret-xyz&x=" + makeJwt()
            + R"( {"access_token":"a-token-123456","token":"client-secret-xyz"})";
    const QByteArray once = r.redactBody(body);
    QCOMPARE(r.redactBody(once), once);
    QVERIFY(!once.contains("client-secret-xyz"));
    QVERIFY(!once.contains("a-token-123456"));
}

void TestRedactor::hostileInputNeverCrashes_data()
{
    QTest::addColumn<QByteArray>("body");
    QRandomGenerator rng(20240601);
    QByteArray binary(1 << 20, Qt::Uninitialized);
    for (char &c : binary)
        c = char(rng.bounded(256));
    QTest::newRow("1 MiB of random bytes") << binary;
    QTest::newRow("deep nesting") << QByteArray(100000, '{') + QByteArray(100000, '}');
    QTest::newRow("many unterminated strings") << QByteArray(50000, '"');
    QTest::newRow("many backslashes") << R"({"token":")" + QByteArray(100001, '\\');
    QTest::newRow("many field names") << QByteArray(R"("token":)").repeated(20000);
    QTest::newRow("many ampersands") << QByteArray("&client_secret=").repeated(20000);
    QTest::newRow("many JWT starts") << QByteArray("eyJaa.eyJbb.").repeated(20000);
    QTest::newRow("surrogates and emoji") << QString(QStringLiteral("\U0001F600\u202e\uffff") + QChar(0xd800)).toUtf8().repeated(10000);
    QTest::newRow("lone percent signs") << QByteArray("client_secret=%%2%zz%").repeated(1000);
}

void TestRedactor::hostileInputNeverCrashes()
{
    QFETCH(QByteArray, body);
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, "never-there-123");
    const QByteArray out = r.redactBody(body, {{SecretKind::AccessToken, QByteArray("\0\0\0\0\0\0\0", 7)}});
    // Redaction replaces values by markers of bounded size: it never explodes the body.
    QVERIFY(out.size() <= body.size() * 8 + 64);
    r.redactHeaders({{"Authorization", body.left(4096)}, {"X", body.left(4096)}});
    r.redactUrl(QUrl::fromEncoded(body.left(4096)));
}

void TestRedactor::hugeBodyIsRedactedInReasonableTime()
{
    // The transport accepts answers up to 8 MiB; redacting one must not stall the GUI thread for long.
    Redactor r;
    for (int i = 0; i < 256; ++i)
        r.addSecret(SecretKind::AccessToken, "remembered-" + QByteArray::number(i) + "-abcdef");
    QJsonArray users;
    for (int i = 0; i < 60000; ++i)
        users.append(QJsonObject{{"id", QString::number(i)}, {"userName", QStringLiteral("user%1@example.com").arg(i)}});
    const QByteArray body = QJsonDocument(users).toJson(QJsonDocument::Compact);
    QVERIFY(body.size() > 2 * 1024 * 1024);
    QElapsedTimer t;
    t.start();
    const QByteArray out = r.redactBody(body);
    qInfo("redacted %lld bytes in %lld ms", qint64(body.size()), t.elapsed());
    QCOMPARE(out, body);
    QVERIFY2(t.elapsed() < 20000, "redacting an 8 MiB-class body took too long");
}

QTEST_GUILESS_MAIN(TestRedactor)
#include "tst_redactor.moc"
