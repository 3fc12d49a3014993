// Redirects: a request carries the project ID, the client secret or tokens, so the transport
// follows a redirect only within the origin it was sent to. Two raw loopback servers on two
// ports are two origins: what the second one receives is the proof.

#include "rawhttpserver.h"

#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "core/export/harexporter.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace plainkey;
using namespace std::chrono_literals;

namespace {

const QString kSecret = QStringLiteral("s3cr3t-client-secret-value");
const QByteArray kAccessToken = "at-0123456789abcdef-redirect";
const QString kAuthToken = QStringLiteral("authentication-token-0123456789");

QByteArray tokenAnswer()
{
    return RawHttpServer::response(200, "{\"access_token\":\"" + kAccessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
}

QByteArray validAnswer()
{
    return RawHttpServer::response(200, "{\"valid\":true,\"userId\":\"u1\",\"projectId\":\"proj_test\",\"expiresAt\":\"2030-01-01T00:00:00Z\",\"payload\":{}}");
}

QByteArray redirectTo(int status, const QByteArray &location)
{
    return RawHttpServer::response(status, "", "", {{"Location", location}});
}

std::optional<Result<VerifyResult>> verify(PlainKeyClient &client)
{
    std::optional<Result<VerifyResult>> out;
    client.verifyToken(kAuthToken, nullptr, [&out](const Result<VerifyResult> &r) { out.emplace(r); });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, 10000))
        qWarning("no result within 10 s");
    return out;
}

void configure(PlainKeyClient &client, const QUrl &url)
{
    Credentials c;
    c.baseUrl = url;
    c.projectId = QStringLiteral("proj_test");
    c.clientSecret = kSecret;
    client.setCredentials(c);
    client.transport()->setDefaultTimeout(5000ms);
}

struct Sent
{
    bool done = false;
    HttpAnswer answer;
    ApiError error;
};

//! The pending request is deleted after finished(): what it held is copied out then.
Sent sendAndWait(Transport &transport, const HttpRequest &request)
{
    Sent sent;
    PendingHttp *pending = transport.send(request);
    QObject::connect(pending, &PendingHttp::finished, pending, [&sent, pending] {
        sent.answer = pending->answer();
        sent.error = pending->error();
        sent.done = true;
    });
    if (!QTest::qWaitFor([&sent] { return sent.done; }, 10000))
        qWarning("no answer within 10 s");
    return sent;
}

QString hostPort(const RawHttpServer &s)
{
    return QStringLiteral("127.0.0.1:%1").arg(s.serverPort());
}

} // namespace

class tst_Redirects : public QObject
{
    Q_OBJECT
private slots:
    void crossOriginRedirectSendsNothingThere_data();
    void crossOriginRedirectSendsNothingThere();
    void sameOriginRedirectIsFollowedAndEachHopRecorded();
    void redirectMethodSemantics_data();
    void redirectMethodSemantics();
    void redirectLoopIsBounded();
    void redirectPolicy_data();
    void redirectPolicy();
};

void tst_Redirects::crossOriginRedirectSendsNothingThere_data()
{
    QTest::addColumn<QByteArray>("redirectedPath");
    QTest::addColumn<int>("status");
    QTest::newRow("token request 307") << QByteArray("/access-token") << 307;
    QTest::newRow("token request 308") << QByteArray("/access-token") << 308;
    QTest::newRow("token request 302") << QByteArray("/access-token") << 302;
    QTest::newRow("verify 307") << QByteArray("/authentication-token/verify") << 307;
    QTest::newRow("verify 301") << QByteArray("/authentication-token/verify") << 301;
}

void tst_Redirects::crossOriginRedirectSendsNothingThere()
{
    QFETCH(QByteArray, redirectedPath);
    QFETCH(int, status);
    // The other origin answers as a valid PlainKey would: were it reached, verify would say "valid".
    RawHttpServer evil([](const RawHttpServer::Request &r, QTcpSocket *s) {
        s->write(r.path == "/access-token" ? tokenAnswer() : validAnswer());
    });
    RawHttpServer plainkey([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == redirectedPath)
            s->write(redirectTo(status, evil.url().toEncoded() + r.path));
        else if (r.path == "/access-token")
            s->write(tokenAnswer());
        else
            s->write(RawHttpServer::response(404, "{\"error\":\"not found\"}"));
    });
    QVERIFY(evil.isListening() && plainkey.isListening());
    PlainKeyClient client;
    configure(client, plainkey.url());

    const auto result = verify(client);
    QVERIFY(result.has_value());
    QVERIFY2(!result->ok(), "a redirect to another origin must not produce a verdict");
    const ApiError &e = result->error();
    QCOMPARE(e.kind(), ApiError::Kind::RedirectRefused);
    const QString expected = QStringLiteral("PlainKey at %1 redirected to %2; requests with credentials are not followed to another host")
                                     .arg(hostPort(plainkey), hostPort(evil));
    QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
    QCOMPARE(evil.requestCount(), 0);
    QTest::qWait(100); // a request Qt might still send would arrive now
    QCOMPARE(evil.requestCount(), 0);

    // The refused hop is in the log with its status and where it pointed.
    const ExchangeLog *log = client.exchangeLog();
    const Exchange &last = log->at(log->size() - 1);
    QCOMPARE(last.status, status);
    QVERIFY2(last.redirectUrl.startsWith(evil.url().toString()), qPrintable(last.redirectUrl));
    QVERIFY(last.errorText.contains(hostPort(evil)));
}

void tst_Redirects::sameOriginRedirectIsFollowedAndEachHopRecorded()
{
    RawHttpServer plainkey([](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(redirectTo(307, "/access-token/v2"));
        else if (r.path == "/access-token/v2")
            s->write(tokenAnswer());
        else if (r.path == "/authentication-token/verify")
            s->write(redirectTo(307, "/authentication-token/verify/v2"));
        else if (r.path == "/authentication-token/verify/v2")
            s->write(validAnswer());
        else
            s->write(RawHttpServer::response(404, "{\"error\":\"not found\"}"));
    });
    PlainKeyClient client;
    configure(client, plainkey.url());
    const auto result = verify(client);
    QVERIFY(result.has_value());
    QVERIFY2(result->ok(), qPrintable(result->error().message()));
    QVERIFY(result->value().valid);

    // 307 repeats method and body: the second hop of each is a POST with the same body.
    const auto requests = plainkey.requests();
    QCOMPARE(requests.size(), 4);
    QCOMPARE(requests.at(1).method, QByteArray("POST"));
    QCOMPARE(requests.at(1).body, requests.at(0).body);
    QVERIFY(!requests.at(1).body.isEmpty());
    QCOMPARE(requests.at(3).method, QByteArray("POST"));
    QCOMPARE(requests.at(3).body, requests.at(2).body);
    QCOMPARE(requests.at(3).headers.value("authorization"), QByteArray("Bearer " + kAccessToken));

    const ExchangeLog *log = client.exchangeLog();
    QCOMPARE(log->size(), 4);
    const QString base = plainkey.url().toString();
    QCOMPARE(log->at(0).status, 307);
    QCOMPARE(log->at(0).outcome, Exchange::Outcome::Redirect);
    QCOMPARE(log->at(0).redirectUrl, base + QStringLiteral("/access-token/v2"));
    QCOMPARE(log->at(1).status, 200);
    QCOMPARE(log->at(1).path(), QStringLiteral("/access-token/v2"));
    QCOMPARE(log->at(2).status, 307);
    QCOMPARE(log->at(2).redirectUrl, base + QStringLiteral("/authentication-token/verify/v2"));
    QCOMPARE(log->at(3).status, 200);
    QVERIFY(log->at(3).redirectUrl.isEmpty());

    QList<Exchange> exchanges;
    for (int i = 0; i < log->size(); ++i)
        exchanges.append(log->at(i));
    const QJsonArray entries = QJsonDocument::fromJson(HarExporter::toHar(exchanges, QStringLiteral("test")))
                                       .object()
                                       .value(QLatin1String("log"))
                                       .toObject()
                                       .value(QLatin1String("entries"))
                                       .toArray();
    QCOMPARE(entries.size(), 4);
    auto response = [&](int i) { return entries.at(i).toObject().value(QLatin1String("response")).toObject(); };
    QCOMPARE(response(2).value(QLatin1String("status")).toInt(), 307);
    QCOMPARE(response(2).value(QLatin1String("redirectURL")).toString(), base + QStringLiteral("/authentication-token/verify/v2"));
    QCOMPARE(response(3).value(QLatin1String("redirectURL")).toString(), QString());
    // Nothing secret in the HAR, redirects or not.
    const QByteArray har = HarExporter::toHar(exchanges, QStringLiteral("test"));
    QVERIFY(!har.contains(kSecret.toUtf8()));
    QVERIFY(!har.contains(kAccessToken));
}

void tst_Redirects::redirectMethodSemantics_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("nextMethod");
    QTest::addColumn<bool>("bodyKept");
    QTest::newRow("301 POST becomes GET") << 301 << QByteArray("POST") << QByteArray("GET") << false;
    QTest::newRow("302 POST becomes GET") << 302 << QByteArray("POST") << QByteArray("GET") << false;
    QTest::newRow("303 POST becomes GET") << 303 << QByteArray("POST") << QByteArray("GET") << false;
    QTest::newRow("303 DELETE becomes GET") << 303 << QByteArray("DELETE") << QByteArray("GET") << false;
    QTest::newRow("302 PATCH stays") << 302 << QByteArray("PATCH") << QByteArray("PATCH") << true;
    QTest::newRow("307 POST stays") << 307 << QByteArray("POST") << QByteArray("POST") << true;
    QTest::newRow("308 PATCH stays") << 308 << QByteArray("PATCH") << QByteArray("PATCH") << true;
}

void tst_Redirects::redirectMethodSemantics()
{
    QFETCH(int, status);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, nextMethod);
    QFETCH(bool, bodyKept);
    RawHttpServer server([status](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/first")
            s->write(redirectTo(status, "/second"));
        else
            s->write(RawHttpServer::response(200, "{}"));
    });
    Transport transport;
    HttpRequest request;
    request.method = method;
    request.url = server.url().resolved(QUrl(QStringLiteral("/first")));
    request.headers = {{"Content-Type", "application/json"}, {"x-project-id", "proj_test"}};
    request.body = "{\"a\":1}";
    request.operation = QStringLiteral("Testing");
    const Sent sent = sendAndWait(transport, request);
    QVERIFY(sent.done);
    QVERIFY2(!sent.error.isError(), qPrintable(sent.error.message()));
    QCOMPARE(sent.answer.status, 200);
    QCOMPARE(sent.answer.exchangeId, transport.exchangeLog()->at(1).id);
    QCOMPARE(server.requestCount(), 2);
    const RawHttpServer::Request second = server.requests().at(1);
    QCOMPARE(second.path, QByteArray("/second"));
    QCOMPARE(second.method, nextMethod);
    QCOMPARE(second.body, bodyKept ? request.body : QByteArray());
    QCOMPARE(second.headers.contains("content-type"), bodyKept);
    QCOMPARE(second.headers.value("x-project-id"), QByteArray("proj_test"));
}

void tst_Redirects::redirectLoopIsBounded()
{
    RawHttpServer server([](const RawHttpServer::Request &r, QTcpSocket *s) { s->write(redirectTo(307, r.path + "x")); });
    Transport transport;
    transport.setMaxRedirects(3);
    HttpRequest request;
    request.url = server.url().resolved(QUrl(QStringLiteral("/loop")));
    const Sent sent = sendAndWait(transport, request);
    QVERIFY(sent.done);
    QCOMPARE(sent.error.kind(), ApiError::Kind::RedirectRefused);
    QVERIFY2(sent.error.message().contains(QLatin1String("more than 3 times")), qPrintable(sent.error.message()));
    QCOMPARE(server.requestCount(), 4);
    QCOMPARE(transport.exchangeLog()->size(), 4);
}

void tst_Redirects::redirectPolicy_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("refusal"); // empty: followed
    QTest::newRow("same origin") << "https://api.plainkey.io/server/x" << "https://api.plainkey.io/server/y" << "";
    QTest::newRow("default port written") << "https://api.plainkey.io/a" << "https://api.plainkey.io:443/b" << "";
    QTest::newRow("host case") << "http://127.0.0.1:8080/a" << "http://127.0.0.1:8080/b" << "";
    QTest::newRow("https to http, same host")
            << "https://api.plainkey.io/a" << "http://api.plainkey.io/a"
            << "PlainKey at api.plainkey.io:443 redirected from https to http (api.plainkey.io:80); requests with credentials are never followed to an unencrypted connection";
    QTest::newRow("http to https is another origin")
            << "http://api.plainkey.io/a" << "https://api.plainkey.io/a"
            << "PlainKey at api.plainkey.io:80 redirected to api.plainkey.io:443; requests with credentials are not followed to another host";
    QTest::newRow("other host")
            << "https://api.plainkey.io/a" << "https://evil.example/a"
            << "PlainKey at api.plainkey.io:443 redirected to evil.example:443; requests with credentials are not followed to another host";
    QTest::newRow("other port")
            << "http://127.0.0.1:1234/a" << "http://127.0.0.1:1235/a"
            << "PlainKey at 127.0.0.1:1234 redirected to 127.0.0.1:1235; requests with credentials are not followed to another host";
    QTest::newRow("subdomain")
            << "https://plainkey.io/a" << "https://evil.plainkey.io/a"
            << "PlainKey at plainkey.io:443 redirected to evil.plainkey.io:443; requests with credentials are not followed to another host";
    QTest::newRow("not http")
            << "https://api.plainkey.io/a" << "ftp://api.plainkey.io/a"
            << "PlainKey at api.plainkey.io:443 redirected to an address that is not an http or https URL";
}

void tst_Redirects::redirectPolicy()
{
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, refusal);
    QCOMPARE(Transport::redirectRefusal(QUrl(from), QUrl(to)), refusal);
}

QTEST_GUILESS_MAIN(tst_Redirects)
#include "tst_redirects.moc"
