// How the client reports every way a server or the network can fail, against a raw loopback
// server that misbehaves on purpose (stall, reset, HTML, truncation, oversize, 4xx/5xx/429).

#include "echoingserver.h"
#include "rawhttpserver.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "core/export/curlexporter.h"
#include "core/export/harexporter.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace plainkey;
using namespace std::chrono_literals;

namespace {

const QString kSecret = QStringLiteral("s3cr3t-client-secret-value");
const QByteArray kAccessToken = "at-0123456789abcdef-first";

QByteArray tokenAnswer(const QByteArray &token, int expiresIn = 3600)
{
    return RawHttpServer::response(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                                                + QByteArray::number(expiresIn) + "}");
}

struct Outcome
{
    bool done = false;
    std::optional<Result<VerifyResult>> result;
};

Outcome verify(PlainKeyClient &client, const QString &token, int timeoutMs = 10000)
{
    Outcome o;
    client.verifyToken(token, nullptr, [&o](const Result<VerifyResult> &r) {
        o.result.emplace(r);
        o.done = true;
    });
    if (!QTest::qWaitFor([&o] { return o.done; }, timeoutMs))
        o.result.emplace(ApiError(ApiError::Kind::None, QStringLiteral("the test got no result in time")));
    return o;
}

void configure(PlainKeyClient &client, const QUrl &url)
{
    Credentials c;
    c.baseUrl = url;
    c.projectId = QStringLiteral("proj_test");
    c.clientSecret = kSecret;
    client.setCredentials(c);
}

//! Every byte of the log: URLs, headers and bodies of requests and responses.
QByteArray wholeLog(const ExchangeLog &log)
{
    QByteArray all;
    for (int i = 0; i < log.size(); ++i) {
        const Exchange &e = log.at(i);
        all += e.url.toUtf8() + e.requestBody + e.responseBody + e.errorText.toUtf8();
        for (const auto &h : e.requestHeaders)
            all += h.first + h.second;
        for (const auto &h : e.responseHeaders)
            all += h.first + h.second;
    }
    return all;
}

} // namespace

class tst_ClientErrors : public QObject
{
    Q_OBJECT
private slots:
    void verifyFailureIsReportedByKind_data();
    void verifyFailureIsReportedByKind();
    void refusedConnectionNamesTheHost();
    void wrongCredentialsAreRejectedWithServerText();
    void malformedTokenAnswerNamesMissingKeys();
    void answersOverTheSizeLimitAreCut();
    void cancelStopsAStalledCall();
    void concurrentCallsShareOneTokenFetch();
    void unauthorizedFetchesNewTokenAndRetriesOnce();
    void unauthorizedTwiceIsReportedNotLooped();
    void verifyInvalidIsAnAnswerNotARetry();
    void failedRefreshKeepsStillValidToken();
    void graceAndExpiryChangeTheState();
    void serverClockSkewIsMeasured();
    void noSecretReachesTheLog();
    void errorPageEchoingSecretsLeaksNothing_data();
    void errorPageEchoingSecretsLeaksNothing();
};

void tst_ClientErrors::verifyFailureIsReportedByKind_data()
{
    QTest::addColumn<QString>("behaviour");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");
    QTest::addColumn<int>("outcome");

    using K = ApiError::Kind;
    using O = Exchange::Outcome;
    QTest::newRow("stall") << "stall" << int(K::Timeout) << 0 << "within 0.8 s" << int(O::Failed);
    QTest::newRow("reset") << "reset" << int(K::Network) << 0 << "closed the connection" << int(O::Failed);
    QTest::newRow("truncated") << "truncated" << int(K::Network) << 0 << "before the answer was complete" << int(O::Failed);
    QTest::newRow("gateway html") << "html502" << int(K::HttpStatus) << 502 << "titled \u201c502 Bad Gateway\u201d" << int(O::ServerError);
    QTest::newRow("html with 200") << "html200" << int(K::InvalidResponse) << 200 << "HTML page" << int(O::Success);
    QTest::newRow("empty 200") << "empty200" << int(K::InvalidResponse) << 200 << "empty body" << int(O::Success);
    QTest::newRow("cut JSON") << "cutjson" << int(K::InvalidResponse) << 200 << "cut off" << int(O::Success);
    QTest::newRow("wrong shape") << "shape" << int(K::InvalidResponse) << 0 << "valid (expected boolean, got string)" << int(O::Success);
    QTest::newRow("server error") << "500" << int(K::HttpStatus) << 500 << "\u201cdatabase unavailable\u201d" << int(O::ServerError);
    QTest::newRow("rate limited") << "429" << int(K::RateLimited) << 429 << "Wait 7 s" << int(O::ClientError);
    QTest::newRow("forbidden") << "403" << int(K::HttpStatus) << 403 << "403 Forbidden" << int(O::ClientError);
    QTest::newRow("plain text 503") << "text503" << int(K::HttpStatus) << 503 << "upstream connect error" << int(O::ServerError);
}

void tst_ClientErrors::verifyFailureIsReportedByKind()
{
    QFETCH(QString, behaviour);
    QFETCH(int, kind);
    QFETCH(int, status);
    QFETCH(QString, messagePart);
    QFETCH(int, outcome);

    RawHttpServer server([behaviour](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            s->write(tokenAnswer(kAccessToken));
            return;
        }
        if (behaviour == QLatin1String("stall"))
            return;
        if (behaviour == QLatin1String("reset")) {
            s->abort();
        } else if (behaviour == QLatin1String("truncated")) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"valid\":tr");
            s->flush();
            s->disconnectFromHost();
        } else if (behaviour == QLatin1String("html502")) {
            s->write(RawHttpServer::response(502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", "text/html"));
        } else if (behaviour == QLatin1String("html200")) {
            s->write(RawHttpServer::response(200, "<!doctype html><p>Sign in to the captive portal</p>", "text/html"));
        } else if (behaviour == QLatin1String("empty200")) {
            s->write(RawHttpServer::response(200, ""));
        } else if (behaviour == QLatin1String("cutjson")) {
            s->write(RawHttpServer::response(200, "{\"valid\": true, \"userId\": \"u"));
        } else if (behaviour == QLatin1String("shape")) {
            s->write(RawHttpServer::response(200, "{\"valid\": \"yes\"}"));
        } else if (behaviour == QLatin1String("500")) {
            s->write(RawHttpServer::response(500, "{\"error\":\"database unavailable\"}"));
        } else if (behaviour == QLatin1String("429")) {
            s->write(RawHttpServer::response(429, "{\"error\":\"slow down\"}", "application/json", {{"Retry-After", "7"}}));
        } else if (behaviour == QLatin1String("403")) {
            s->write(RawHttpServer::response(403, ""));
        } else if (behaviour == QLatin1String("text503")) {
            s->write(RawHttpServer::response(503, "upstream connect error or disconnect/reset before headers", "text/plain"));
        }
    });
    QVERIFY(server.isListening());
    PlainKeyClient client;
    client.transport()->setDefaultTimeout(800ms);
    configure(client, server.url());

    const Outcome o = verify(client, QStringLiteral("some-authentication-token"));
    QVERIFY(o.result.has_value());
    QVERIFY2(!o.result->ok(), "a failure must not produce a result");
    const ApiError &e = o.result->error();
    QCOMPARE(int(e.kind()), kind);
    QCOMPARE(e.httpStatus(), status);
    QVERIFY2(e.message().contains(messagePart), qPrintable(e.message()));
    QVERIFY2(e.message().contains(QLatin1String("Verifying the authentication token")), qPrintable(e.message()));
    QVERIFY(!e.hint().isEmpty());

    ExchangeLog *log = client.exchangeLog();
    QVERIFY(log->size() >= 2);
    const Exchange &last = log->at(log->size() - 1);
    QCOMPARE(last.path(), QStringLiteral("/authentication-token/verify"));
    QCOMPARE(int(last.outcome), outcome);
}

void tst_ClientErrors::refusedConnectionNamesTheHost()
{
    PlainKeyClient client;
    const quint16 port = deadLoopbackPort();
    configure(client, QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    const Outcome o = verify(client, QStringLiteral("tok-abcdef"));
    QVERIFY(!o.result->ok());
    QCOMPARE(o.result->error().kind(), ApiError::Kind::Network);
    QVERIFY2(o.result->error().message().contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(o.result->error().message()));
    QVERIFY(o.result->error().message().contains(QLatin1String("refused")));
    QCOMPARE(client.accessToken()->state(), AccessTokenManager::State::Failed);
}

void tst_ClientErrors::wrongCredentialsAreRejectedWithServerText()
{
    RawHttpServer server([](const RawHttpServer::Request &, QTcpSocket *s) {
        s->write(RawHttpServer::response(400, "{\"error\":\"Invalid client credentials\"}"));
    });
    PlainKeyClient client;
    configure(client, server.url());
    const Outcome o = verify(client, QStringLiteral("tok-abcdef"));
    const ApiError &e = o.result->error();
    QCOMPARE(e.kind(), ApiError::Kind::CredentialsRejected);
    QCOMPARE(e.httpStatus(), 400);
    QCOMPARE(e.serverMessage(), QStringLiteral("Invalid client credentials"));
    QVERIFY(e.message().contains(QLatin1String("project ID or client secret")));
    QCOMPARE(server.requestCount(), 1); // never went on to verify
    QCOMPARE(client.accessToken()->state(), AccessTokenManager::State::Failed);

    // The request was form-encoded as the contract says, with the secret percent-encoded.
    const auto &req = server.lastRequest();
    QCOMPARE(req.headers.value("content-type"), QByteArray("application/x-www-form-urlencoded"));
    QVERIFY(req.body.startsWith("client_id=proj_test&client_secret="));
}

void tst_ClientErrors::malformedTokenAnswerNamesMissingKeys()
{
    RawHttpServer server([](const RawHttpServer::Request &, QTcpSocket *s) {
        s->write(RawHttpServer::response(200, "{\"token_type\":\"Bearer\"}"));
    });
    PlainKeyClient client;
    configure(client, server.url());
    const Outcome o = verify(client, QStringLiteral("tok-abcdef"));
    const ApiError &e = o.result->error();
    QCOMPARE(e.kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(e.message().contains(QLatin1String("access_token")), qPrintable(e.message()));
}

void tst_ClientErrors::answersOverTheSizeLimitAreCut()
{
    RawHttpServer server([](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer(kAccessToken));
        else
            s->write(RawHttpServer::response(200, QByteArray(300 * 1024, 'x'), "text/plain"));
    });
    PlainKeyClient client;
    client.transport()->setMaxAnswerBytes(64 * 1024);
    configure(client, server.url());
    const Outcome o = verify(client, QStringLiteral("tok-abcdef"));
    QCOMPARE(o.result->error().kind(), ApiError::Kind::TooLarge);
}

void tst_ClientErrors::cancelStopsAStalledCall()
{
    RawHttpServer server([](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer(kAccessToken));
        // verify: stall
    });
    PlainKeyClient client;
    configure(client, server.url());
    std::optional<Result<VerifyResult>> result;
    QPointer<ApiCall> call = client.verifyToken(QStringLiteral("tok-abcdef"), nullptr,
                                                [&](const Result<VerifyResult> &r) { result.emplace(r); });
    QCOMPARE(client.activeCalls(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 2, 10000);
    call->cancel();
    QTRY_VERIFY(result.has_value());
    QCOMPARE(result->error().kind(), ApiError::Kind::Cancelled);
    QTRY_COMPARE(client.activeCalls(), 0);
    const ExchangeLog *log = client.exchangeLog();
    QCOMPARE(log->at(log->size() - 1).outcome, Exchange::Outcome::Cancelled);
}

void tst_ClientErrors::concurrentCallsShareOneTokenFetch()
{
    int tokenFetches = 0;
    RawHttpServer server([&tokenFetches](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            ++tokenFetches;
            s->write(tokenAnswer(kAccessToken));
        } else {
            s->write(RawHttpServer::response(200, "{\"valid\":true,\"userId\":\"u1\",\"projectId\":\"proj_test\"}"));
        }
    });
    PlainKeyClient client;
    configure(client, server.url());
    int done = 0;
    int ok = 0;
    for (int i = 0; i < 50; ++i)
        client.verifyToken(QStringLiteral("tok-%1-abcdef").arg(i), nullptr, [&](const Result<VerifyResult> &r) {
            ++done;
            ok += r.ok() && r.value().valid;
        });
    QTRY_COMPARE_WITH_TIMEOUT(done, 50, 20000);
    QCOMPARE(ok, 50);
    QCOMPARE(tokenFetches, 1);
}

void tst_ClientErrors::unauthorizedFetchesNewTokenAndRetriesOnce()
{
    int tokenFetches = 0;
    RawHttpServer server([&tokenFetches](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            ++tokenFetches;
            s->write(tokenAnswer(tokenFetches == 1 ? QByteArray("at-revoked-000000") : QByteArray("at-fresh-111111")));
        } else if (r.headers.value("authorization") == "Bearer at-revoked-000000") {
            s->write(RawHttpServer::response(401, "{\"error\":\"Access token revoked\"}"));
        } else {
            s->write(RawHttpServer::response(200, "{\"valid\":true,\"userId\":\"u1\"}"));
        }
    });
    PlainKeyClient client;
    configure(client, server.url());
    const Outcome o = verify(client, QStringLiteral("tok-abcdef"));
    QVERIFY2(o.result->ok(), qPrintable(o.result->error().message()));
    QVERIFY(o.result->value().valid);
    QCOMPARE(tokenFetches, 2);
    QCOMPARE(server.requestCount(), 4);
    QCOMPARE(client.accessToken()->state(), AccessTokenManager::State::Valid);
}

void tst_ClientErrors::unauthorizedTwiceIsReportedNotLooped()
{
    int counter = 0;
    RawHttpServer server([&counter](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer("at-" + QByteArray::number(++counter) + "-abcdef"));
        else
            s->write(RawHttpServer::response(401, "{\"error\":\"Project mismatch\"}"));
    });
    PlainKeyClient client;
    configure(client, server.url());
    const Outcome o = verify(client, QStringLiteral("tok-abcdef"));
    QCOMPARE(o.result->error().kind(), ApiError::Kind::Unauthorized);
    QCOMPARE(o.result->error().serverMessage(), QStringLiteral("Project mismatch"));
    QCOMPARE(server.requestCount(), 4); // token, verify, token, verify: then it stops
}

void tst_ClientErrors::verifyInvalidIsAnAnswerNotARetry()
{
    RawHttpServer server([](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer(kAccessToken));
        else
            s->write(RawHttpServer::response(401, "{\"valid\":false,\"error\":\"Token expired\"}"));
    });
    PlainKeyClient client;
    configure(client, server.url());
    const Outcome o = verify(client, QStringLiteral("tok-abcdef"));
    QVERIFY(o.result->ok());
    QCOMPARE(o.result->value().valid, false);
    QCOMPARE(o.result->value().error, QStringLiteral("Token expired"));
    QCOMPARE(o.result->value().httpStatus, 401);
    QVERIFY(VerifyResult::explainReason(o.result->value().error).contains(QLatin1String("expiry")));
    QCOMPARE(server.requestCount(), 2);
}

void tst_ClientErrors::failedRefreshKeepsStillValidToken()
{
    int tokenFetches = 0;
    RawHttpServer server([&tokenFetches](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            ++tokenFetches;
            if (tokenFetches == 1)
                s->write(tokenAnswer(kAccessToken, 3));
            else
                s->write(RawHttpServer::response(503, "{\"error\":\"maintenance\"}"));
        } else {
            s->write(RawHttpServer::response(200, "{\"valid\":true,\"userId\":\"u1\"}"));
        }
    });
    PlainKeyClient client;
    configure(client, server.url());
    // A 3 s token: the grace period in force is half its life, so 1.5 s later a call fetches
    // a new one first, and that fetch fails.
    AccessTokenManager *tokens = client.accessToken();
    QVERIFY(verify(client, QStringLiteral("tok-abcdef")).result->ok());
    QCOMPARE(tokens->state(), AccessTokenManager::State::Valid);
    QTRY_COMPARE_WITH_TIMEOUT(tokens->state(), AccessTokenManager::State::ExpiringSoon, 3000);

    const Outcome second = verify(client, QStringLiteral("tok-abcdef"));
    QVERIFY2(second.result->ok(), qPrintable(second.result->error().message()));
    QCOMPARE(tokenFetches, 2);
    QCOMPARE(tokens->token(), QString::fromLatin1(kAccessToken));
    QCOMPARE(tokens->state(), AccessTokenManager::State::ExpiringSoon);
    QCOMPARE(tokens->lastError().httpStatus(), 503);

    // A refresh asked for by hand fails the same way and keeps the token too.
    QSignalSpy failed(tokens, &AccessTokenManager::fetchFailed);
    tokens->refresh();
    QVERIFY(failed.wait(5000));
    QCOMPARE(tokenFetches, 3);
    QVERIFY(tokens->hasToken());
    QCOMPARE(tokens->state(), AccessTokenManager::State::ExpiringSoon);
}

void tst_ClientErrors::graceAndExpiryChangeTheState()
{
    RawHttpServer server([](const RawHttpServer::Request &, QTcpSocket *s) { s->write(tokenAnswer(kAccessToken, 2)); });
    PlainKeyClient client;
    configure(client, server.url());
    AccessTokenManager *tokens = client.accessToken();
    tokens->setGracePeriod(std::chrono::seconds(1));
    QSignalSpy states(tokens, &AccessTokenManager::stateChanged);
    tokens->refresh();
    QTRY_COMPARE(tokens->state(), AccessTokenManager::State::Valid);
    QCOMPARE(tokens->lifetime(), std::chrono::seconds(2));
    QVERIFY(tokens->remaining() > std::chrono::milliseconds(1000));
    QVERIFY(tokens->remaining() <= std::chrono::milliseconds(2000));
    QTRY_COMPARE_WITH_TIMEOUT(tokens->state(), AccessTokenManager::State::ExpiringSoon, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(tokens->state(), AccessTokenManager::State::Expired, 3000);
    QVERIFY(tokens->remaining().count() <= 0);
    QCOMPARE(server.requestCount(), 1); // no automatic refresh unless switched on

    tokens->setAutoRefresh(true);
    QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 2, 5000);
    QTRY_VERIFY(tokens->state() == AccessTokenManager::State::Valid || tokens->state() == AccessTokenManager::State::ExpiringSoon);
    QVERIFY(states.count() >= 4);
}

void tst_ClientErrors::serverClockSkewIsMeasured()
{
    RawHttpServer server([](const RawHttpServer::Request &, QTcpSocket *s) {
        const QDateTime ahead = QDateTime::currentDateTimeUtc().addSecs(3600);
        const QByteArray date = QLocale::c().toString(ahead, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
        s->write(RawHttpServer::response(200, "{\"access_token\":\"at-skewed-token\",\"expires_in\":3600}", "application/json",
                                         {{"Date", date}}));
    });
    PlainKeyClient client;
    configure(client, server.url());
    QSignalSpy skew(client.accessToken(), &AccessTokenManager::clockSkewChanged);
    client.accessToken()->refresh();
    QTRY_COMPARE(skew.count(), 1);
    QVERIFY(client.accessToken()->clockSkew().has_value());
    QVERIFY(qAbs(client.accessToken()->clockSkew()->count() - 3600) <= 2);
    // token_type defaults to Bearer when left out.
    QCOMPARE(client.accessToken()->tokenType(), QStringLiteral("Bearer"));
}

void tst_ClientErrors::noSecretReachesTheLog()
{
    const QByteArray authToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl";
    RawHttpServer server([](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer(kAccessToken));
        else // echo the request back, as a careless proxy might
            s->write(RawHttpServer::response(401, "{\"valid\":false,\"error\":\"bad\",\"echo\":" + r.body + "}"));
    });
    PlainKeyClient client;
    configure(client, server.url());
    QVERIFY(verify(client, QString::fromLatin1(authToken)).result->ok());
    const QByteArray all = wholeLog(*client.exchangeLog());
    QVERIFY(!all.contains(kSecret.toUtf8()));
    QVERIFY(!all.contains(QUrl::toPercentEncoding(kSecret)));
    QVERIFY(!all.contains(kAccessToken));
    QVERIFY(!all.contains(authToken));
    QVERIFY(all.contains("[redacted client_secret #"));
    QVERIFY(all.contains("[redacted access_token #"));
    QVERIFY(all.contains("[redacted auth_token #"));
}

void tst_ClientErrors::errorPageEchoingSecretsLeaksNothing_data()
{
    QTest::addColumn<EchoingServer::Page>("page");
    QTest::addColumn<EchoingServer::Failing>("failing");
    QTest::newRow("HTML, 400 on /access-token") << EchoingServer::Page::Html << EchoingServer::Failing::AccessToken;
    QTest::newRow("JSON, 400 on /access-token") << EchoingServer::Page::Json << EchoingServer::Failing::AccessToken;
    QTest::newRow("HTML, 500 on verify") << EchoingServer::Page::Html << EchoingServer::Failing::Verify;
    QTest::newRow("JSON, 500 on verify") << EchoingServer::Page::Json << EchoingServer::Failing::Verify;
}

void tst_ClientErrors::errorPageEchoingSecretsLeaksNothing()
{
    QFETCH(EchoingServer::Page, page);
    QFETCH(EchoingServer::Failing, failing);
    EchoingServer server(page, failing);
    PlainKeyClient client;
    Credentials c;
    c.baseUrl = server.url();
    c.projectId = QStringLiteral("proj_test");
    c.clientSecret = EchoingServer::clientSecret();
    client.setCredentials(c);
    QSignalSpy fetchFailed(client.accessToken(), &AccessTokenManager::fetchFailed);

    const Outcome o = verify(client, EchoingServer::authToken());
    QVERIFY(o.result && !o.result->ok());
    const ApiError &error = o.result->error();
    QCOMPARE(error.kind(), failing == EchoingServer::Failing::AccessToken ? ApiError::Kind::CredentialsRejected
                                                                         : ApiError::Kind::HttpStatus);
    const auto check = [](const QString &text, const char *where) {
        const QByteArray leaked = leakedForm(text.toUtf8());
        QVERIFY2(leaked.isEmpty(), qPrintable(QStringLiteral("%1 shows %2: %3").arg(QLatin1String(where), QString::fromUtf8(leaked), text)));
    };
    check(error.message(), "ApiError::message()");
    check(error.serverMessage(), "ApiError::serverMessage()");
    check(error.detail(), "ApiError::detail()");
    QVERIFY2(error.message().contains(QLatin1String("[redacted ")), qPrintable(error.message()));
    if (failing == EchoingServer::Failing::AccessToken) {
        QCOMPARE(fetchFailed.count(), 1);
        check(fetchFailed.first().first().value<ApiError>().message(), "fetchFailed");
        check(client.accessToken()->lastError().message(), "lastError()");
    }

    const ExchangeLog &log = *client.exchangeLog();
    QTRY_VERIFY(log.size() > 0 && log.at(log.size() - 1).outcome != Exchange::Outcome::Pending);
    check(QString::fromUtf8(wholeLog(log)), "the exchange log");
    const QList<Exchange> exchanges = log.snapshot();
    check(QString::fromUtf8(HarExporter::toHar(exchanges, QStringLiteral("test"))), "the HAR export");
    for (const Exchange &e : exchanges) {
        check(CurlExporter::toCurl(e), "a cURL export");
        check(QString::fromUtf8(e.reasonPhrase), "a reason phrase");
    }
}

QTEST_GUILESS_MAIN(tst_ClientErrors)
#include "tst_clienterrors.moc"
