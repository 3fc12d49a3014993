// ApiError: every failure gets a message a person can act on, built from the status, PlainKey's
// own words, Retry-After and the host, whatever the body looks like.

#include "core/api/apierror.h"
#include "core/api/jsonreader.h"
#include "core/net/httpmessage.h"

#include <QLocale>
#include <QSet>
#include <QTest>
#include <QTimeZone>

using namespace plainkey;
using Kind = ApiError::Kind;

Q_DECLARE_METATYPE(plainkey::ApiError::Kind)

namespace {

const QList<Kind> kAllErrorKinds = {Kind::InvalidInput,        Kind::Network,      Kind::Tls,        Kind::Timeout,
                                    Kind::Cancelled,           Kind::CredentialsRejected, Kind::Unauthorized,
                                    Kind::HttpStatus,          Kind::RateLimited,  Kind::InvalidResponse, Kind::TooLarge};

HttpAnswer answer(int status, const QByteArray &body, HttpHeaders headers = {})
{
    HttpAnswer a;
    a.status = status;
    a.body = body;
    a.headers = std::move(headers);
    return a;
}

//! An error of \a kind as the client would finish it: detail, operation, host and status set.
ApiError complete(Kind kind)
{
    ApiError e(kind, QStringLiteral("detail-text"), QStringLiteral("Verifying the authentication token"));
    e.setHost(QStringLiteral("api.example.test"));
    switch (kind) {
    case Kind::CredentialsRejected: e.setHttpStatus(400); break;
    case Kind::Unauthorized: e.setHttpStatus(401); break;
    case Kind::HttpStatus: e.setHttpStatus(404); break;
    case Kind::RateLimited: e.setHttpStatus(429); break;
    default: break;
    }
    return e;
}

QString httpDate(const QDateTime &utc)
{
    return QLocale::c().toString(utc.toUTC(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
}

} // namespace

class TestApiError : public QObject
{
    Q_OBJECT

private slots:
    // --- every kind ----------------------------------------------------------------------
    void noneIsNotAnErrorAndSaysNothing();
    void everyKindHasSummaryHintAndMessage_data();
    void everyKindHasSummaryHintAndMessage();
    void summariesDifferBetweenKinds();
    void kindNamesAreStableAndUnique();
    void messageJoinsSummaryAndHintWithOneFullStop();
    void operationDefaultsToTheRequest();

    // --- status errors -------------------------------------------------------------------
    void httpStatusMapsToKind_data();
    void httpStatusMapsToKind();
    void statusErrorsNameTheServerHost_data();
    void statusErrorsNameTheServerHost();
    void hintFitsTheStatus_data();
    void hintFitsTheStatus();

    // --- fromAnswer ----------------------------------------------------------------------
    void fromAnswerTakesPlainKeysErrorText_data();
    void fromAnswerTakesPlainKeysErrorText();
    void retryAfter_data();
    void retryAfter();
    void retryAfterAsFutureHttpDate();
    void rateLimitHintSaysHowLongToWait();
    void gatewayHtmlPageIsDescribedNotDumped();
    void hugeBodiesGiveBoundedMessages_data();
    void hugeBodiesGiveBoundedMessages();
    void invalidResponseNamesHostAndStatus();
};

void TestApiError::noneIsNotAnErrorAndSaysNothing()
{
    const ApiError e;
    QCOMPARE(e.kind(), Kind::None);
    QVERIFY(!e.isError());
    QVERIFY(!bool(e));
    QVERIFY(e.summary().isEmpty());
    QVERIFY(e.hint().isEmpty());
    QVERIFY(e.message().isEmpty());
    QCOMPARE(e.httpStatus(), 0);
    QCOMPARE(e.retryAfterSeconds(), std::optional<int>());
}

void TestApiError::everyKindHasSummaryHintAndMessage_data()
{
    QTest::addColumn<Kind>("kind");
    for (Kind k : kAllErrorKinds)
        QTest::newRow(qPrintable(ApiError::kindName(k))) << k;
}

void TestApiError::everyKindHasSummaryHintAndMessage()
{
    QFETCH(Kind, kind);
    const ApiError e = complete(kind);
    QVERIFY(e.isError());
    QVERIFY(bool(e));
    const QString summary = e.summary();
    QVERIFY2(summary.size() > 25, qPrintable(summary));
    QVERIFY2(summary != QLatin1String("Error"), qPrintable(summary));
    // Every summary says what was being done (the access-token kind says what was rejected).
    if (kind != Kind::CredentialsRejected)
        QVERIFY2(summary.startsWith(QLatin1String("Verifying the authentication token")), qPrintable(summary));
    else
        QVERIFY2(summary.contains(QLatin1String("project ID or client secret")), qPrintable(summary));
    // Kinds without a status carry the technical detail.
    if (e.httpStatus() == 0 && kind != Kind::Cancelled)
        QVERIFY2(summary.contains(QLatin1String("detail-text")), qPrintable(summary));
    // Kinds with a status name it with its reason phrase.
    if (e.httpStatus() != 0)
        QVERIFY2(summary.contains(QStringLiteral("%1 %2").arg(e.httpStatus()).arg(httpReasonPhrase(e.httpStatus()))),
                 qPrintable(summary));
    // A cancellation is the user's own doing: nothing to advise.
    if (kind == Kind::Cancelled) {
        QVERIFY(e.hint().isEmpty());
        QCOMPARE(e.message(), summary);
    } else {
        QVERIFY2(e.hint().size() > 20, qPrintable(e.hint()));
        QVERIFY2(e.message().contains(summary.chopped(summary.endsWith(QLatin1Char('.')) ? 1 : 0)), qPrintable(e.message()));
        QVERIFY2(e.message().endsWith(e.hint()), qPrintable(e.message()));
    }
}

void TestApiError::summariesDifferBetweenKinds()
{
    QSet<QString> summaries;
    QSet<QString> hints;
    for (Kind k : kAllErrorKinds) {
        summaries.insert(complete(k).summary());
        if (k != Kind::Cancelled)
            hints.insert(complete(k).hint());
    }
    QCOMPARE(summaries.size(), kAllErrorKinds.size());
    QCOMPARE(hints.size(), kAllErrorKinds.size() - 1);
}

void TestApiError::kindNamesAreStableAndUnique()
{
    QCOMPARE(ApiError::kindName(Kind::None), QStringLiteral("none"));
    QCOMPARE(ApiError::kindName(Kind::RateLimited), QStringLiteral("rate-limited"));
    QCOMPARE(ApiError::kindName(Kind::InvalidResponse), QStringLiteral("invalid-response"));
    QCOMPARE(ApiError::kindName(Kind::CredentialsRejected), QStringLiteral("credentials-rejected"));
    QSet<QString> names{ApiError::kindName(Kind::None)};
    for (Kind k : kAllErrorKinds) {
        const QString n = ApiError::kindName(k);
        QVERIFY(!n.isEmpty());
        QVERIFY2(!n.contains(QLatin1Char(' ')), qPrintable(n));
        names.insert(n);
    }
    QCOMPARE(names.size(), kAllErrorKinds.size() + 1);
    QCOMPARE(ApiError::kindName(Kind(999)), QStringLiteral("unknown"));
}

void TestApiError::messageJoinsSummaryAndHintWithOneFullStop()
{
    ApiError e(Kind::InvalidInput, QStringLiteral("the token is empty"), QStringLiteral("Verifying"));
    QCOMPARE(e.message(), QStringLiteral("Verifying was not sent: the token is empty. Correct the input and try again."));
    ApiError dotted(Kind::InvalidInput, QStringLiteral("the token is empty."), QStringLiteral("Verifying"));
    QCOMPARE(dotted.message(), QStringLiteral("Verifying was not sent: the token is empty. Correct the input and try again."));
}

void TestApiError::operationDefaultsToTheRequest()
{
    ApiError e(Kind::Timeout, QStringLiteral("after 30 s"));
    QVERIFY2(e.summary().startsWith(QLatin1String("The request failed")), qPrintable(e.summary()));
    e.setOperation(QStringLiteral("Listing passkeys"));
    QVERIFY2(e.summary().startsWith(QLatin1String("Listing passkeys failed")), qPrintable(e.summary()));
    QCOMPARE(e.operation(), QStringLiteral("Listing passkeys"));
}

void TestApiError::httpStatusMapsToKind_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<Kind>("kind");
    QTest::newRow("400") << 400 << Kind::HttpStatus;
    QTest::newRow("403") << 403 << Kind::HttpStatus;
    QTest::newRow("404") << 404 << Kind::HttpStatus;
    QTest::newRow("429") << 429 << Kind::RateLimited;
    QTest::newRow("500") << 500 << Kind::HttpStatus;
    QTest::newRow("502") << 502 << Kind::HttpStatus;
    QTest::newRow("599 unknown phrase") << 599 << Kind::HttpStatus;
}

void TestApiError::httpStatusMapsToKind()
{
    QFETCH(int, status);
    QFETCH(Kind, kind);
    const ApiError e = ApiError::httpStatus(status, QStringLiteral("server words"), QStringLiteral("Getting the user"));
    QCOMPARE(e.kind(), kind);
    QCOMPARE(e.httpStatus(), status);
    QCOMPARE(e.serverMessage(), QStringLiteral("server words"));
    QCOMPARE(e.operation(), QStringLiteral("Getting the user"));
    QVERIFY2(e.summary().contains(QString::number(status)), qPrintable(e.summary()));
    QVERIFY2(e.summary().contains(QStringLiteral("\u201cserver words\u201d")), qPrintable(e.summary()));
}

void TestApiError::statusErrorsNameTheServerHost_data()
{
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<int>("status");
    QTest::newRow("400") << Kind::HttpStatus << 400;
    QTest::newRow("404") << Kind::HttpStatus << 404;
    QTest::newRow("429") << Kind::RateLimited << 429;
    QTest::newRow("500") << Kind::HttpStatus << 500;
    QTest::newRow("503") << Kind::HttpStatus << 503;
    QTest::newRow("credentials rejected") << Kind::CredentialsRejected << 400;
    QTest::newRow("unauthorized") << Kind::Unauthorized << 401;
    QTest::newRow("invalid response") << Kind::InvalidResponse << 200;
    QTest::newRow("too large") << Kind::TooLarge << 200;
    QTest::newRow("network") << Kind::Network << 0;
    QTest::newRow("tls") << Kind::Tls << 0;
    QTest::newRow("timeout") << Kind::Timeout << 0;
}

void TestApiError::statusErrorsNameTheServerHost()
{
    QFETCH(Kind, kind);
    QFETCH(int, status);
    // Someone with a staging and a production connection must see which one answered.
    ApiError e = (kind == Kind::HttpStatus || kind == Kind::RateLimited)
            ? ApiError::httpStatus(status, QStringLiteral("Missing field"), QStringLiteral("Creating a user"))
            : ApiError(kind, QStringLiteral("detail"), QStringLiteral("Creating a user"));
    e.setHttpStatus(status);
    e.setHost(QStringLiteral("staging.plainkey.example:8443"));
    QVERIFY2(e.summary().contains(QLatin1String("staging.plainkey.example:8443")), qPrintable(e.summary()));
    QVERIFY2(e.message().contains(QLatin1String("staging.plainkey.example:8443")), qPrintable(e.message()));
    // Without a host, the message does not show empty brackets or a dangling "from".
    e.setHost(QString());
    QVERIFY2(!e.summary().contains(QLatin1String("()")), qPrintable(e.summary()));
    QVERIFY2(!e.summary().contains(QLatin1String("  ")), qPrintable(e.summary()));
    QVERIFY2(!e.summary().contains(QLatin1String("from :")), qPrintable(e.summary()));
}

void TestApiError::hintFitsTheStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("hintPart");
    QTest::newRow("400") << 400 << "Correct the request";
    QTest::newRow("404") << 404 << "ends in /server";
    QTest::newRow("409") << 409 << "Check the request";
    QTest::newRow("500") << 500 << "PlainKey's side";
    QTest::newRow("502") << 502 << "gateway";
    QTest::newRow("504") << 504 << "try again in a minute";
    QTest::newRow("429") << 429 << "Wait a little";
}

void TestApiError::hintFitsTheStatus()
{
    QFETCH(int, status);
    QFETCH(QString, hintPart);
    const ApiError e = ApiError::httpStatus(status, {});
    QVERIFY2(e.hint().contains(hintPart), qPrintable(e.hint()));
}

void TestApiError::fromAnswerTakesPlainKeysErrorText_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("serverMessage");
    QTest::newRow("error string") << 400 << QByteArray(R"({"error":"userName already taken"})") << "userName already taken";
    QTest::newRow("error with spaces") << 404 << QByteArray("  {\n \"error\" : \"User not found\" }\n") << "User not found";
    QTest::newRow("nested error.message") << 500 << QByteArray(R"({"error":{"message":"db down"}})") << "db down";
    QTest::newRow("top-level message") << 502 << QByteArray(R"({"message":"Internal server error"})") << "Internal server error";
    QTest::newRow("error not a string") << 400 << QByteArray(R"({"error":42})") << "";
    QTest::newRow("empty object") << 500 << QByteArray("{}") << "";
    QTest::newRow("empty body") << 503 << QByteArray() << "";
    QTest::newRow("unicode") << 400 << QByteArray(R"({"error":"Nom d\u00e9j\u00e0 pris"})") << QStringLiteral("Nom d\u00e9j\u00e0 pris");
}

void TestApiError::fromAnswerTakesPlainKeysErrorText()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, serverMessage);
    const ApiError e = ApiError::fromAnswer(answer(status, body), QStringLiteral("Creating a user"));
    QCOMPARE(e.kind(), status == 429 ? Kind::RateLimited : Kind::HttpStatus);
    QCOMPARE(e.httpStatus(), status);
    QCOMPARE(e.serverMessage(), serverMessage);
    QCOMPARE(e.operation(), QStringLiteral("Creating a user"));
    if (!serverMessage.isEmpty())
        QVERIFY2(e.message().contains(serverMessage), qPrintable(e.message()));
    else
        QVERIFY2(!e.summary().contains(QStringLiteral("\u201c\u201d")), qPrintable(e.summary()));
}

void TestApiError::retryAfter_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("expected"); // -1: none
    QTest::newRow("absent") << QByteArray() << -1;
    QTest::newRow("seconds") << QByteArray("120") << 120;
    QTest::newRow("zero") << QByteArray("0") << 0;
    QTest::newRow("padded") << QByteArray("  7 ") << 7;
    QTest::newRow("negative") << QByteArray("-5") << -1;
    QTest::newRow("fraction") << QByteArray("1.5") << -1;
    QTest::newRow("garbage") << QByteArray("soon") << -1;
    QTest::newRow("overflowing number") << QByteArray("99999999999999999999") << -1;
    QTest::newRow("date in the past") << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT") << 0;
    QTest::newRow("invalid date") << QByteArray("Wed, 32 Oct 2015 07:28:00 GMT") << -1;
}

void TestApiError::retryAfter()
{
    QFETCH(QByteArray, header);
    QFETCH(int, expected);
    HttpHeaders headers;
    if (!header.isNull())
        headers.append({"Retry-After", header});
    const ApiError e = ApiError::fromAnswer(answer(429, R"({"error":"Too many requests"})", headers));
    QCOMPARE(e.kind(), Kind::RateLimited);
    QCOMPARE(e.serverMessage(), QStringLiteral("Too many requests"));
    QCOMPARE(e.retryAfterSeconds(), expected < 0 ? std::optional<int>() : std::optional<int>(expected));
}

void TestApiError::retryAfterAsFutureHttpDate()
{
    const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(90);
    const QByteArray header = httpDate(when).toLatin1();
    // Lower-case header name: HTTP header names are case-insensitive.
    const ApiError e = ApiError::fromAnswer(answer(429, {}, {{"retry-after", header}}));
    QVERIFY2(e.retryAfterSeconds().has_value(), header.constData());
    QVERIFY2(*e.retryAfterSeconds() >= 85 && *e.retryAfterSeconds() <= 90, qPrintable(QString::number(*e.retryAfterSeconds())));
}

void TestApiError::rateLimitHintSaysHowLongToWait()
{
    const ApiError e = ApiError::fromAnswer(answer(429, {}, {{"Retry-After", "30"}}), QStringLiteral("Listing passkeys"));
    QCOMPARE(e.hint(), QStringLiteral("Wait 30 s before trying again."));
    QVERIFY2(e.message().contains(QLatin1String("429 Too Many Requests")), qPrintable(e.message()));
    QVERIFY2(e.message().endsWith(QLatin1String("Wait 30 s before trying again.")), qPrintable(e.message()));
}

void TestApiError::gatewayHtmlPageIsDescribedNotDumped()
{
    const QByteArray html = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
                            "<body><script>alert('x')</script><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
    const ApiError e = ApiError::fromAnswer(answer(502, html, {{"Content-Type", "text/html; charset=utf-8"}}),
                                            QStringLiteral("Getting the user"));
    QCOMPARE(e.kind(), Kind::HttpStatus);
    QCOMPARE(e.httpStatus(), 502);
    QVERIFY2(e.serverMessage().startsWith(QLatin1String("not JSON: an HTML page (text/html, ")), qPrintable(e.serverMessage()));
    QVERIFY2(e.serverMessage().contains(QStringLiteral("titled \u201c502 Bad Gateway\u201d")), qPrintable(e.serverMessage()));
    QVERIFY2(!e.message().contains(QLatin1String("<script>")), qPrintable(e.message()));
    QVERIFY2(e.hint().contains(QLatin1String("PlainKey's side")), qPrintable(e.hint()));
}

void TestApiError::hugeBodiesGiveBoundedMessages_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::newRow("8 MiB HTML") << "<html><head><title>Down</title></head><body>" + QByteArray(8 << 20, 'x') + "</body></html>"
                                << QByteArray("text/html");
    QTest::newRow("8 MiB text") << QByteArray(8 << 20, 'y') << QByteArray("text/plain");
    QTest::newRow("1 MiB error string") << R"({"error":")" + QByteArray(1 << 20, 'e') + R"("})" << QByteArray("application/json");
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe\x01\x02<title>\x00</title>", 22) << QByteArray("application/octet-stream");
    QTest::newRow("title without end") << "<title>" + QByteArray(100000, 't') << QByteArray();
}

void TestApiError::hugeBodiesGiveBoundedMessages()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    HttpHeaders headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    const ApiError e = ApiError::fromAnswer(answer(500, body, headers), QStringLiteral("Getting the user"));
    QCOMPARE(e.httpStatus(), 500);
    QVERIFY(!e.serverMessage().isEmpty());
    QVERIFY2(e.serverMessage().size() <= 500, qPrintable(QString::number(e.serverMessage().size())));
    QVERIFY2(e.message().size() < 1000, qPrintable(QString::number(e.message().size())));
}

void TestApiError::invalidResponseNamesHostAndStatus()
{
    // A 200 whose body is an HTML login page of a captive portal: the person needs to know
    // that the server did answer, with which status, and which server it was.
    const HttpAnswer a = answer(200, "<html><title>Sign in to Wi-Fi</title></html>", {{"Content-Type", "text/html"}});
    const auto result = JsonReader::object(a);
    QVERIFY(!result.ok());
    ApiError e = result.error();
    QCOMPARE(e.kind(), Kind::InvalidResponse);
    QCOMPARE(e.httpStatus(), 200);
    e.setOperation(QStringLiteral("Verifying the authentication token"));
    e.setHost(QStringLiteral("api.plainkey.io"));
    QVERIFY2(e.summary().contains(QLatin1String("200 OK")), qPrintable(e.summary()));
    QVERIFY2(e.summary().contains(QLatin1String("api.plainkey.io")), qPrintable(e.summary()));
    QVERIFY2(e.summary().contains(QStringLiteral("\u201cSign in to Wi-Fi\u201d")), qPrintable(e.summary()));
}

QTEST_GUILESS_MAIN(TestApiError)
#include "tst_apierror.moc"
