// HarExporter: exchanges as an HTTP Archive 1.2 that browsers' developer tools open. Every
// object the HAR 1.2 specification requires is checked with its type; exchanges redacted the
// way the transport redacts them leave no secret in the archive; bodies that are not text,
// cut bodies and hostile values survive the trip.

#include "core/export/harexporter.h"
#include "core/log/redactor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

using namespace plainkey;

namespace {

const QByteArray kClientSecret = "cs_live_har_5e4d3c2b1a";
const QByteArray kAccessToken = "at_har_0f1e2d3c4b5a6978";
const QByteArray kAuthToken = "auth_har_abcdef0123456789";

const QDateTime kStart(QDate(2026, 11, 29), QTime(2, 3, 4, 567), Qt::UTC);

//! Checks \a o against HAR 1.2's required members; returns the first fault, empty when none.
QString harFault(const QJsonObject &root)
{
    auto need = [](const QJsonObject &o, const char *key, QJsonValue::Type type, const QString &where) -> QString {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.type() != type)
            return QStringLiteral("%1.%2 is missing or has type %3").arg(where, QLatin1String(key)).arg(int(v.type()));
        return {};
    };
#define NEED(o, key, type, where)                                                                                      \
    if (const QString f = need(o, key, QJsonValue::type, where); !f.isEmpty())                                           \
        return f;
    NEED(root, "log", Object, "root")
    const QJsonObject log = root.value(QLatin1String("log")).toObject();
    NEED(log, "version", String, "log")
    if (log.value(QLatin1String("version")).toString() != QLatin1String("1.2"))
        return QStringLiteral("log.version is not 1.2");
    NEED(log, "creator", Object, "log")
    NEED(log.value(QLatin1String("creator")).toObject(), "name", String, "log.creator")
    NEED(log.value(QLatin1String("creator")).toObject(), "version", String, "log.creator")
    NEED(log, "entries", Array, "log")
    int n = 0;
    for (const QJsonValue &ev : log.value(QLatin1String("entries")).toArray()) {
        const QString where = QStringLiteral("entries[%1]").arg(n++);
        const QJsonObject e = ev.toObject();
        NEED(e, "startedDateTime", String, where)
        const QDateTime started = QDateTime::fromString(e.value(QLatin1String("startedDateTime")).toString(), Qt::ISODateWithMs);
        if (!started.isValid() || started.timeSpec() == Qt::LocalTime)
            return where + QStringLiteral(".startedDateTime is not ISO 8601 with a zone: ")
                    + e.value(QLatin1String("startedDateTime")).toString();
        NEED(e, "time", Double, where)
        NEED(e, "request", Object, where)
        NEED(e, "response", Object, where)
        NEED(e, "cache", Object, where)
        NEED(e, "timings", Object, where)
        const QJsonObject t = e.value(QLatin1String("timings")).toObject();
        double sum = 0;
        for (const char *k : {"send", "wait", "receive"}) {
            NEED(t, k, Double, where + QStringLiteral(".timings"))
            if (t.value(QLatin1String(k)).toDouble() < 0)
                return where + QStringLiteral(".timings.%1 is negative").arg(QLatin1String(k));
            sum += t.value(QLatin1String(k)).toDouble();
        }
        if (e.value(QLatin1String("time")).toDouble() != sum)
            return where + QStringLiteral(".time is not the sum of the timings");
        const QJsonObject rq = e.value(QLatin1String("request")).toObject();
        const QString rw = where + QStringLiteral(".request");
        NEED(rq, "method", String, rw)
        NEED(rq, "url", String, rw)
        NEED(rq, "httpVersion", String, rw)
        NEED(rq, "cookies", Array, rw)
        NEED(rq, "headers", Array, rw)
        NEED(rq, "queryString", Array, rw)
        NEED(rq, "headersSize", Double, rw)
        NEED(rq, "bodySize", Double, rw)
        for (const char *list : {"headers", "queryString"})
            for (const QJsonValue &h : rq.value(QLatin1String(list)).toArray()) {
                NEED(h.toObject(), "name", String, rw + QLatin1Char('.') + QLatin1String(list))
                NEED(h.toObject(), "value", String, rw + QLatin1Char('.') + QLatin1String(list))
            }
        if (rq.contains(QLatin1String("postData"))) {
            NEED(rq, "postData", Object, rw)
            NEED(rq.value(QLatin1String("postData")).toObject(), "mimeType", String, rw + QStringLiteral(".postData"))
        }
        const QJsonObject rs = e.value(QLatin1String("response")).toObject();
        const QString sw = where + QStringLiteral(".response");
        NEED(rs, "status", Double, sw)
        NEED(rs, "statusText", String, sw)
        NEED(rs, "httpVersion", String, sw)
        NEED(rs, "cookies", Array, sw)
        NEED(rs, "headers", Array, sw)
        NEED(rs, "content", Object, sw)
        NEED(rs.value(QLatin1String("content")).toObject(), "size", Double, sw + QStringLiteral(".content"))
        NEED(rs.value(QLatin1String("content")).toObject(), "mimeType", String, sw + QStringLiteral(".content"))
        NEED(rs, "redirectURL", String, sw)
        NEED(rs, "headersSize", Double, sw)
        NEED(rs, "bodySize", Double, sw)
    }
#undef NEED
    return {};
}

QJsonObject parse(const QByteArray &har)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(har, &err);
    if (err.error != QJsonParseError::NoError)
        qWarning("HAR is not JSON: %s", qPrintable(err.errorString()));
    return doc.object();
}

QJsonObject entry(const QJsonObject &har, int i)
{
    return har.value(QLatin1String("log")).toObject().value(QLatin1String("entries")).toArray().at(i).toObject();
}

//! An exchange recorded the way the transport records one: through the Redactor.
Exchange redactedVerify(const Redactor &redactor)
{
    const QList<QPair<SecretKind, QByteArray>> secrets = {{SecretKind::AccessToken, kAccessToken},
                                                          {SecretKind::AuthenticationToken, kAuthToken}};
    Exchange e;
    e.id = 7;
    e.operation = QStringLiteral("Verifying the authentication token");
    e.method = "POST";
    e.url = redactor.redactUrl(QUrl(QStringLiteral("https://api.plainkey.io/server/authentication-token/verify?debug=%1")
                                            .arg(QString::fromLatin1(kAuthToken))),
                               secrets);
    e.requestHeaders = redactor.redactHeaders({{"Authorization", "Bearer " + kAccessToken},
                                               {"x-project-id", "proj_123"},
                                               {"Content-Type", "application/json"}},
                                              secrets);
    e.requestBody = redactor.redactBody(R"({"token":")" + kAuthToken + R"("})", secrets);
    e.startedAt = kStart;
    e.durationMs = 42;
    e.status = 401;
    e.reasonPhrase = "Unauthorized";
    e.responseHeaders = redactor.redactHeaders({{"Content-Type", "application/json; charset=utf-8"}}, secrets);
    e.responseBody = redactor.redactBody(R"({"valid":false,"error":"Token expired","echo":")" + kAuthToken + R"("})", secrets);
    e.responseBytes = 80;
    e.outcome = Exchange::Outcome::ClientError;
    return e;
}

Exchange redactedTokenRequest(const Redactor &redactor)
{
    const QList<QPair<SecretKind, QByteArray>> secrets = {{SecretKind::ClientSecret, kClientSecret}};
    Exchange e;
    e.id = 6;
    e.method = "POST";
    e.url = redactor.redactUrl(QUrl(QStringLiteral("https://api.plainkey.io/server/access-token")), secrets);
    e.requestHeaders = redactor.redactHeaders({{"Content-Type", "application/x-www-form-urlencoded"}}, secrets);
    e.requestBody = redactor.redactBody("client_id=proj_123&client_secret=" + kClientSecret, secrets);
    e.startedAt = kStart;
    e.durationMs = 10;
    e.status = 200;
    e.reasonPhrase = "OK";
    e.responseHeaders = {{"Content-Type", "application/json"}};
    e.responseBody = redactor.redactBody(R"({"access_token":")" + kAccessToken + R"(","token_type":"Bearer","expires_in":3600})");
    e.responseBytes = 90;
    e.outcome = Exchange::Outcome::Success;
    return e;
}

} // namespace

class TestHarExporter : public QObject
{
    Q_OBJECT

private slots:
    void emptyLogIsAValidArchive();
    void everyEntryHasWhatHar12Requires();
    void requestAndResponseAreWrittenAsRecorded();
    void queryStringIsDecodedIntoPairs();
    void noSecretReachesTheArchive();
    void formPostDataKeepsItsMimeType();
    void requestWithoutBodyHasNoPostData();
    void failedExchangeIsStillValid();
    void pendingExchangeHasNoNegativeTime();
    void localStartTimeIsWrittenWithItsZone();
    void entriesKeepTheirOrder();
    void hostileValuesStayValidJson();
    void binaryResponseBodyIsBase64();
    void cutBodiesAreSaid();
};

void TestHarExporter::emptyLogIsAValidArchive()
{
    const QJsonObject har = parse(HarExporter::toHar({}, QStringLiteral("0.1.0")));
    QCOMPARE(harFault(har), QString());
    const QJsonObject log = har.value(QLatin1String("log")).toObject();
    QCOMPARE(log.value(QLatin1String("creator")).toObject().value(QLatin1String("name")).toString(), QStringLiteral("PlainKey Console"));
    QCOMPARE(log.value(QLatin1String("creator")).toObject().value(QLatin1String("version")).toString(), QStringLiteral("0.1.0"));
    QCOMPARE(log.value(QLatin1String("entries")).toArray().size(), 0);
}

void TestHarExporter::everyEntryHasWhatHar12Requires()
{
    Redactor redactor;
    const QJsonObject har = parse(HarExporter::toHar({redactedTokenRequest(redactor), redactedVerify(redactor)}, QStringLiteral("1")));
    QCOMPARE(harFault(har), QString());
    QCOMPARE(har.value(QLatin1String("log")).toObject().value(QLatin1String("entries")).toArray().size(), 2);
}

void TestHarExporter::requestAndResponseAreWrittenAsRecorded()
{
    Redactor redactor;
    const Exchange x = redactedVerify(redactor);
    const QJsonObject e = entry(parse(HarExporter::toHar({x}, QStringLiteral("1"))), 0);
    QCOMPARE(e.value(QLatin1String("startedDateTime")).toString(), QStringLiteral("2026-11-29T02:03:04.567Z"));
    QCOMPARE(e.value(QLatin1String("time")).toInt(), 42);
    const QJsonObject rq = e.value(QLatin1String("request")).toObject();
    QCOMPARE(rq.value(QLatin1String("method")).toString(), QStringLiteral("POST"));
    QCOMPARE(rq.value(QLatin1String("url")).toString(), x.url);
    QCOMPARE(rq.value(QLatin1String("bodySize")).toInt(), int(x.requestBody.size()));
    QCOMPARE(rq.value(QLatin1String("headers")).toArray().size(), 3);
    QCOMPARE(rq.value(QLatin1String("headers")).toArray().at(1).toObject(),
             QJsonObject({{"name", "x-project-id"}, {"value", "proj_123"}}));
    const QJsonObject post = rq.value(QLatin1String("postData")).toObject();
    QCOMPARE(post.value(QLatin1String("mimeType")).toString(), QStringLiteral("application/json"));
    QCOMPARE(post.value(QLatin1String("text")).toString(), QString::fromUtf8(x.requestBody));
    const QJsonObject rs = e.value(QLatin1String("response")).toObject();
    QCOMPARE(rs.value(QLatin1String("status")).toInt(), 401);
    QCOMPARE(rs.value(QLatin1String("statusText")).toString(), QStringLiteral("Unauthorized"));
    const QJsonObject content = rs.value(QLatin1String("content")).toObject();
    QCOMPARE(content.value(QLatin1String("mimeType")).toString(), QStringLiteral("application/json; charset=utf-8"));
    QCOMPARE(content.value(QLatin1String("size")).toInt(), 80);
    QCOMPARE(content.value(QLatin1String("text")).toString(), QString::fromUtf8(x.responseBody));
    QVERIFY(content.value(QLatin1String("text")).toString().contains(QLatin1String("Token expired")));
}

void TestHarExporter::queryStringIsDecodedIntoPairs()
{
    Exchange x;
    x.method = "GET";
    x.url = QStringLiteral("https://api.plainkey.io/server/user?userName=Zo%C3%AB%20%26%20co&x=1&empty=");
    x.startedAt = kStart;
    const QJsonArray q = entry(parse(HarExporter::toHar({x}, QStringLiteral("1"))), 0)
                                 .value(QLatin1String("request")).toObject().value(QLatin1String("queryString")).toArray();
    QCOMPARE(q.size(), 3);
    QCOMPARE(q.at(0).toObject(), QJsonObject({{"name", "userName"}, {"value", QStringLiteral("Zoë & co")}}));
    QCOMPARE(q.at(1).toObject(), QJsonObject({{"name", "x"}, {"value", "1"}}));
    QCOMPARE(q.at(2).toObject(), QJsonObject({{"name", "empty"}, {"value", ""}}));
}

void TestHarExporter::noSecretReachesTheArchive()
{
    Redactor redactor;
    const QByteArray har = HarExporter::toHar({redactedTokenRequest(redactor), redactedVerify(redactor)}, QStringLiteral("1"));
    for (const QByteArray &secret : {kClientSecret, kAccessToken, kAuthToken}) {
        QVERIFY2(!har.contains(secret), secret.constData());
        // Nor percent-encoded or JSON-escaped somewhere along the way.
        QVERIFY2(!har.contains(QUrl::toPercentEncoding(QString::fromLatin1(secret))), secret.constData());
    }
    QVERIFY(har.contains(Redactor::marker(SecretKind::ClientSecret, kClientSecret)));
    QVERIFY(har.contains(Redactor::marker(SecretKind::AccessToken, kAccessToken)));
    QVERIFY(har.contains(Redactor::marker(SecretKind::AuthenticationToken, kAuthToken)));
}

void TestHarExporter::formPostDataKeepsItsMimeType()
{
    Redactor redactor;
    const QJsonObject post = entry(parse(HarExporter::toHar({redactedTokenRequest(redactor)}, QStringLiteral("1"))), 0)
                                     .value(QLatin1String("request")).toObject().value(QLatin1String("postData")).toObject();
    QCOMPARE(post.value(QLatin1String("mimeType")).toString(), QStringLiteral("application/x-www-form-urlencoded"));
    QVERIFY(post.value(QLatin1String("text")).toString().startsWith(QLatin1String("client_id=proj_123&client_secret=[redacted client_secret #")));
}

void TestHarExporter::requestWithoutBodyHasNoPostData()
{
    Exchange x;
    x.method = "GET";
    x.url = QStringLiteral("https://api.plainkey.io/server/user/usr_1");
    x.startedAt = kStart;
    const QJsonObject rq = entry(parse(HarExporter::toHar({x}, QStringLiteral("1"))), 0).value(QLatin1String("request")).toObject();
    QVERIFY(!rq.contains(QLatin1String("postData")));
    QCOMPARE(rq.value(QLatin1String("bodySize")).toInt(), 0);
}

void TestHarExporter::failedExchangeIsStillValid()
{
    Exchange x;
    x.method = "POST";
    x.url = QStringLiteral("https://unreachable.invalid/server/access-token");
    x.startedAt = kStart;
    x.durationMs = 3000;
    x.outcome = Exchange::Outcome::Failed;
    x.errorText = QStringLiteral("Host unreachable.invalid not found");
    const QJsonObject har = parse(HarExporter::toHar({x}, QStringLiteral("1")));
    QCOMPARE(harFault(har), QString());
    const QJsonObject e = entry(har, 0);
    QCOMPARE(e.value(QLatin1String("comment")).toString(), x.errorText);
    QCOMPARE(e.value(QLatin1String("response")).toObject().value(QLatin1String("status")).toInt(), 0);
}

void TestHarExporter::pendingExchangeHasNoNegativeTime()
{
    Exchange x;
    x.method = "GET";
    x.url = QStringLiteral("https://h/x");
    x.startedAt = kStart;
    QCOMPARE(x.durationMs, qint64(-1));
    const QJsonObject har = parse(HarExporter::toHar({x}, QStringLiteral("1")));
    QCOMPARE(harFault(har), QString());
    QCOMPARE(entry(har, 0).value(QLatin1String("time")).toInt(), 0);
}

void TestHarExporter::localStartTimeIsWrittenWithItsZone()
{
    // A local time written without its offset is read back as another moment.
    Exchange x;
    x.method = "GET";
    x.url = QStringLiteral("https://h/x");
    x.startedAt = kStart.toLocalTime();
    const QJsonObject har = parse(HarExporter::toHar({x}, QStringLiteral("1")));
    QCOMPARE(harFault(har), QString());
    const QDateTime back = QDateTime::fromString(entry(har, 0).value(QLatin1String("startedDateTime")).toString(), Qt::ISODateWithMs);
    QCOMPARE(back.toUTC(), kStart);
}

void TestHarExporter::entriesKeepTheirOrder()
{
    QList<Exchange> list;
    for (int i = 0; i < 5; ++i) {
        Exchange x;
        x.method = "GET";
        x.url = QStringLiteral("https://h/%1").arg(i);
        x.startedAt = kStart.addSecs(i);
        list.append(x);
    }
    const QJsonObject har = parse(HarExporter::toHar(list, QStringLiteral("1")));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(entry(har, i).value(QLatin1String("request")).toObject().value(QLatin1String("url")).toString(),
                 QStringLiteral("https://h/%1").arg(i));
}

void TestHarExporter::hostileValuesStayValidJson()
{
    Exchange x;
    x.method = "PATCH";
    x.url = QStringLiteral("https://h/user?q=%22%5D%7D%0A");
    x.requestHeaders = {{"X-Evil", "\"}],\n\"injected\": true, \\u0000 </script>"}, {"Content-Type", "application/json"}};
    x.requestBody = QByteArray("{\"a\":\"\\\"\"}\x01\x1f", 12);
    x.startedAt = kStart;
    x.status = 200;
    x.reasonPhrase = "OK\"}";
    x.responseBody = "<html><script>alert(1)</script>\"\\";
    x.responseBytes = x.responseBody.size();
    x.errorText = QStringLiteral("\"comment\" \n with \t controls \x01");
    const QByteArray har = HarExporter::toHar({x}, QStringLiteral("v\"1"));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(har, &err);
    QCOMPARE(err.error, QJsonParseError::NoError);
    QCOMPARE(harFault(doc.object()), QString());
    const QJsonObject e = entry(doc.object(), 0);
    QVERIFY(!e.contains(QLatin1String("injected")));
    QCOMPARE(e.value(QLatin1String("request")).toObject().value(QLatin1String("headers")).toArray().at(0).toObject()
                     .value(QLatin1String("value")).toString(),
             QStringLiteral("\"}],\n\"injected\": true, \\u0000 </script>"));
    QCOMPARE(e.value(QLatin1String("response")).toObject().value(QLatin1String("content")).toObject()
                     .value(QLatin1String("text")).toString(),
             QString::fromUtf8(x.responseBody));
    QCOMPARE(e.value(QLatin1String("comment")).toString(), x.errorText);
}

void TestHarExporter::binaryResponseBodyIsBase64()
{
    // Bytes that are not UTF-8 would be replaced by U+FFFD in a text field: HAR 1.2 carries
    // them as base64 with content.encoding.
    Exchange x;
    x.method = "GET";
    x.url = QStringLiteral("https://h/favicon.ico");
    x.startedAt = kStart;
    x.status = 200;
    x.responseHeaders = {{"Content-Type", "image/x-icon"}};
    x.responseBody = QByteArray("\x00\x00\x01\x00\xff\xfe\x80\x81 gzip?", 15);
    x.responseBytes = x.responseBody.size();
    const QJsonObject content = entry(parse(HarExporter::toHar({x}, QStringLiteral("1"))), 0)
                                        .value(QLatin1String("response")).toObject().value(QLatin1String("content")).toObject();
    QCOMPARE(content.value(QLatin1String("encoding")).toString(), QStringLiteral("base64"));
    QCOMPARE(QByteArray::fromBase64(content.value(QLatin1String("text")).toString().toLatin1()), x.responseBody);

    // UTF-8 text stays text.
    x.responseBody = "{\"userName\":\"Zoë\"}";
    const QJsonObject text = entry(parse(HarExporter::toHar({x}, QStringLiteral("1"))), 0)
                                     .value(QLatin1String("response")).toObject().value(QLatin1String("content")).toObject();
    QVERIFY(!text.contains(QLatin1String("encoding")));
    QCOMPARE(text.value(QLatin1String("text")).toString(), QStringLiteral("{\"userName\":\"Zoë\"}"));

    // Cut in the log inside the "ë": still text, without the unfinished character.
    x.responseBody = QByteArray("{\"userName\":\"Zo\xc3", 16);
    x.responseBodyTruncated = true;
    const QJsonObject cut = entry(parse(HarExporter::toHar({x}, QStringLiteral("1"))), 0)
                                    .value(QLatin1String("response")).toObject().value(QLatin1String("content")).toObject();
    QVERIFY(!cut.contains(QLatin1String("encoding")));
    QCOMPARE(cut.value(QLatin1String("text")).toString(), QStringLiteral("{\"userName\":\"Zo"));
}

void TestHarExporter::cutBodiesAreSaid()
{
    Exchange x;
    x.method = "POST";
    x.url = QStringLiteral("https://h/user/bulk");
    x.requestHeaders = {{"Content-Type", "application/json"}};
    x.requestBody = R"({"users":[{"userName":"a"},)";
    x.requestBodyTruncated = true;
    x.startedAt = kStart;
    x.status = 200;
    x.responseBody = R"([{"id":"usr_1"},)";
    x.responseBytes = 300000;
    x.responseBodyTruncated = true;
    const QJsonObject har = parse(HarExporter::toHar({x}, QStringLiteral("1")));
    QCOMPARE(harFault(har), QString());
    const QJsonObject e = entry(har, 0);
    const QJsonObject post = e.value(QLatin1String("request")).toObject().value(QLatin1String("postData")).toObject();
    QVERIFY2(post.value(QLatin1String("comment")).toString().contains(QLatin1String("cut")), qPrintable(post.value(QLatin1String("comment")).toString()));
    const QJsonObject content = e.value(QLatin1String("response")).toObject().value(QLatin1String("content")).toObject();
    QCOMPARE(content.value(QLatin1String("size")).toInt(), 300000);
    QVERIFY2(content.value(QLatin1String("comment")).toString().contains(QLatin1String("cut")), qPrintable(content.value(QLatin1String("comment")).toString()));
}

QTEST_GUILESS_MAIN(TestHarExporter)
#include "tst_harexporter.moc"
