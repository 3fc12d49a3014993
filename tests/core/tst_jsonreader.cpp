// JsonReader: the body is the JSON shape the contract promises, or an error that says what came
// instead and which keys are missing or of the wrong type.

#include "core/api/jsonreader.h"

#include <QElapsedTimer>
#include <QTest>

using namespace plainkey;

namespace {

HttpAnswer answer(const QByteArray &body, int status = 200, const QByteArray &contentType = "application/json")
{
    HttpAnswer a;
    a.status = status;
    a.body = body;
    if (!contentType.isEmpty())
        a.headers.append({"Content-Type", contentType});
    return a;
}

QJsonObject parse(const QByteArray &json)
{
    const auto r = JsonReader::object(answer(json));
    return r ? r.value() : QJsonObject();
}

} // namespace

class TestJsonReader : public QObject
{
    Q_OBJECT

private slots:
    // --- the top-level shape -------------------------------------------------------------
    void objectAndArrayAreRead();
    void wrongTopLevelShapeIsNamed_data();
    void wrongTopLevelShapeIsNamed();
    void notJsonIsDescribed_data();
    void notJsonIsDescribed();
    void truncatedJsonSaysWhereItBroke_data();
    void truncatedJsonSaysWhereItBroke();
    void utf8ByteOrderMarkIsAccepted();
    void deeplyNestedInputIsRefusedNotCrashed();
    void errorsCarryTheHttpStatus();

    // --- fields --------------------------------------------------------------------------
    void requiredFieldsPresent();
    void missingRequiredFieldsAreAllNamed();
    void wronglyTypedFieldsNameExpectedAndActualType_data();
    void wronglyTypedFieldsNameExpectedAndActualType();
    void optionalFieldsAcceptAbsentAndNull();
    void optionalStringListRejectsNonStringItems();
    void errorNamesWhatWasRead();

    // --- serverError / describeBody ------------------------------------------------------
    void serverErrorReadsPlainKeysErrorShapes_data();
    void serverErrorReadsPlainKeysErrorShapes();
    void describeBody_data();
    void describeBody();
    void describeBodyOfHugeOrBinaryBodyIsShort();
};

void TestJsonReader::objectAndArrayAreRead()
{
    const auto o = JsonReader::object(answer(R"({"id":"usr_1","userName":"ann"})"));
    QVERIFY(o.ok());
    QCOMPARE(o.value().value(QLatin1String("id")).toString(), QStringLiteral("usr_1"));
    QCOMPARE(o.value().size(), 2);
    const auto a = JsonReader::array(answer(R"([{"id":"a"},{"id":"b"}])"));
    QVERIFY(a.ok());
    QCOMPARE(a.value().size(), 2);
    QCOMPARE(a.value().at(1).toObject().value(QLatin1String("id")).toString(), QStringLiteral("b"));
    // Whitespace around the document is fine, an empty object and array too.
    QVERIFY(JsonReader::object(answer(" \r\n {} \n")).ok());
    QVERIFY(JsonReader::array(answer("[]")).ok());
}

void TestJsonReader::wrongTopLevelShapeIsNamed_data()
{
    QTest::addColumn<bool>("wantArray");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("detail");
    QTest::newRow("array for object") << false << QByteArray("[1,2]") << "expected a JSON object, got an array";
    QTest::newRow("object for array") << true << QByteArray(R"({"users":[]})") << "expected a JSON array, got an object";
    QTest::newRow("string for object") << false << QByteArray(R"("ok")") << "expected a JSON object, got a bare value";
    QTest::newRow("number for array") << true << QByteArray("42") << "expected a JSON array, got a bare value";
    QTest::newRow("null for object") << false << QByteArray("null") << "expected a JSON object, got a bare value";
    QTest::newRow("true for array") << true << QByteArray("true") << "expected a JSON array, got a bare value";
}

void TestJsonReader::wrongTopLevelShapeIsNamed()
{
    QFETCH(bool, wantArray);
    QFETCH(QByteArray, body);
    QFETCH(QString, detail);
    const ApiError e = wantArray ? JsonReader::array(answer(body)).error() : JsonReader::object(answer(body)).error();
    QCOMPARE(e.kind(), ApiError::Kind::InvalidResponse);
    QCOMPARE(e.detail(), detail);
}

void TestJsonReader::notJsonIsDescribed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("detail");
    QTest::newRow("empty body") << QByteArray() << QByteArray("application/json") << "expected JSON, got an empty body";
    QTest::newRow("HTML with title")
            << QByteArray("<!doctype html><html><head><title> 503 Service\n Unavailable </title></head><body></body></html>")
            << QByteArray("text/html; charset=UTF-8")
            << QStringLiteral("expected JSON, got an HTML page (text/html, 95 bytes) titled \u201c503 Service Unavailable\u201d");
    QTest::newRow("HTML without title") << QByteArray("<html><body>down</body></html>") << QByteArray()
                                        << "expected JSON, got an HTML page (no content type, 30 bytes)";
    QTest::newRow("plain text") << QByteArray("upstream connect error or disconnect/reset before headers")
                                << QByteArray("text/plain")
                                << QStringLiteral("expected JSON, got 57 bytes of text/plain starting "
                                                  "\u201cupstream connect error or disconnect/reset before headers\u201d");
    QTest::newRow("whitespace only") << QByteArray(" \n\t ") << QByteArray("application/json")
                                     << QStringLiteral("expected JSON, got 4 bytes of application/json starting \u201c\u201d");
}

void TestJsonReader::notJsonIsDescribed()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, detail);
    const auto o = JsonReader::object(answer(body, 200, contentType));
    QVERIFY(!o.ok());
    QCOMPARE(o.error().kind(), ApiError::Kind::InvalidResponse);
    QCOMPARE(o.error().detail(), detail);
    QCOMPARE(JsonReader::array(answer(body, 200, contentType)).error().detail(), detail);
}

void TestJsonReader::truncatedJsonSaysWhereItBroke_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("wantArray");
    QTest::addColumn<bool>("cutOff");
    QTest::newRow("cut after key") << QByteArray(R"({"valid":)") << false << true;
    QTest::newRow("cut after key, newline") << QByteArray("{\"valid\":\r\n") << false << true;
    QTest::newRow("cut in string") << QByteArray(R"({"id":"usr_)") << false << true;
    QTest::newRow("missing brace") << QByteArray(R"({"id":"usr_1")") << false << true;
    QTest::newRow("array cut") << QByteArray(R"([{"id":"a"},{"id")") << true << true;
    QTest::newRow("trailing comma") << QByteArray(R"({"id":"usr_1",})") << false << false;
    QTest::newRow("single quotes") << QByteArray("{'id':'a'}") << false << false;
    QTest::newRow("garbage after value") << QByteArray(R"({"id":"a"} trailing)") << false << false;
}

void TestJsonReader::truncatedJsonSaysWhereItBroke()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, wantArray);
    QFETCH(bool, cutOff);
    const ApiError e = wantArray ? JsonReader::array(answer(body)).error() : JsonReader::object(answer(body)).error();
    QCOMPARE(e.kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(e.detail().startsWith(QLatin1String("the JSON is broken at byte ")), qPrintable(e.detail()));
    QVERIFY2(e.detail().contains(QLatin1String("may have been cut off")) == cutOff, qPrintable(e.detail()));
}

void TestJsonReader::utf8ByteOrderMarkIsAccepted()
{
    // RFC 8259 lets a parser ignore a BOM; some Windows gateways add one.
    const auto o = JsonReader::object(answer("\xEF\xBB\xBF{\"valid\":true}"));
    QVERIFY2(o.ok(), qPrintable(o.error().detail()));
    QCOMPARE(o.value().value(QLatin1String("valid")).toBool(), true);
    const auto a = JsonReader::array(answer("\xEF\xBB\xBF[1]"));
    QVERIFY2(a.ok(), qPrintable(a.error().detail()));
    QCOMPARE(a.value().size(), 1);
}

void TestJsonReader::deeplyNestedInputIsRefusedNotCrashed()
{
    const int depth = 100000;
    const QByteArray arrays = QByteArray(depth, '[') + QByteArray(depth, ']');
    QByteArray objects;
    for (int i = 0; i < depth; ++i)
        objects += "{\"a\":";
    objects += "1" + QByteArray(depth, '}');
    QElapsedTimer t;
    t.start();
    const auto a = JsonReader::array(answer(arrays));
    const auto o = JsonReader::object(answer(objects));
    QVERIFY(!a.ok());
    QVERIFY(!o.ok());
    QCOMPARE(a.error().kind(), ApiError::Kind::InvalidResponse);
    QCOMPARE(o.error().kind(), ApiError::Kind::InvalidResponse);
    // Complete JSON that is too deep was not cut off: the message must not send anyone looking for a proxy cutting bodies.
    QVERIFY2(!a.error().detail().contains(QLatin1String("cut off")), qPrintable(a.error().detail()));
    QVERIFY2(a.error().detail().contains(QLatin1String("nested")), qPrintable(a.error().detail()));
    QVERIFY2(!o.error().detail().contains(QLatin1String("cut off")), qPrintable(o.error().detail()));
    QVERIFY(t.elapsed() < 10000);
}

void TestJsonReader::errorsCarryTheHttpStatus()
{
    QCOMPARE(JsonReader::object(answer("<html></html>", 200, "text/html")).error().httpStatus(), 200);
    QCOMPARE(JsonReader::object(answer("", 502, {})).error().httpStatus(), 502);
    QCOMPARE(JsonReader::object(answer("[]", 201)).error().httpStatus(), 201);
    QCOMPARE(JsonReader::array(answer("{", 200)).error().httpStatus(), 200);
}

void TestJsonReader::requiredFieldsPresent()
{
    JsonReader r(parse(R"({"id":"usr_1","valid":false,"userName":null,"counter":3,"transports":["usb","nfc"]})"));
    QCOMPARE(r.requiredString(QStringLiteral("id")), QStringLiteral("usr_1"));
    QCOMPARE(r.requiredBool(QStringLiteral("valid")), false);
    QCOMPARE(r.optionalString(QStringLiteral("userName")), std::optional<QString>());
    QCOMPARE(r.optionalNumber(QStringLiteral("counter")), std::optional<double>(3));
    QCOMPARE(r.optionalStringList(QStringLiteral("transports")), std::optional<QStringList>(QStringList{"usb", "nfc"}));
    QVERIFY(r.ok());
    QCOMPARE(r.error().detail(), QString());
}

void TestJsonReader::missingRequiredFieldsAreAllNamed()
{
    JsonReader r(parse(R"({"userName":"ann","id":null})"), QStringLiteral("the user"));
    QCOMPARE(r.requiredString(QStringLiteral("id")), QString());
    QCOMPARE(r.requiredString(QStringLiteral("createdAt")), QString());
    QCOMPARE(r.requiredBool(QStringLiteral("valid")), false);
    QVERIFY(!r.ok());
    const ApiError e = r.error();
    QCOMPARE(e.kind(), ApiError::Kind::InvalidResponse);
    QCOMPARE(e.detail(), QStringLiteral("the user lacks id, createdAt, valid"));
}

void TestJsonReader::wronglyTypedFieldsNameExpectedAndActualType_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("detail");
    QTest::newRow("string is number") << QByteArray(R"({"id":42})") << "the answer has the wrong type in id (expected string, got number)";
    QTest::newRow("string is object") << QByteArray(R"({"id":{}})") << "the answer has the wrong type in id (expected string, got object)";
    QTest::newRow("bool is string") << QByteArray(R"({"id":"x","valid":"true"})")
                                    << "the answer has the wrong type in valid (expected boolean, got string)";
    QTest::newRow("bool is number") << QByteArray(R"({"id":"x","valid":1})")
                                    << "the answer has the wrong type in valid (expected boolean, got number)";
    QTest::newRow("two wrong, one missing") << QByteArray(R"({"id":[],"valid":"no"})")
                                            << "the answer has the wrong type in id (expected string, got array), "
                                               "valid (expected boolean, got string)";
}

void TestJsonReader::wronglyTypedFieldsNameExpectedAndActualType()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, detail);
    JsonReader r(parse(json));
    r.requiredString(QStringLiteral("id"));
    if (json.contains("valid"))
        r.requiredBool(QStringLiteral("valid"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().detail(), detail);
}

void TestJsonReader::optionalFieldsAcceptAbsentAndNull()
{
    JsonReader r(parse(R"({"label":null,"backedUp":true,"counter":"7","transports":"usb","aaguid":5})"));
    QCOMPARE(r.optionalString(QStringLiteral("missing")), std::optional<QString>());
    QCOMPARE(r.optionalString(QStringLiteral("label")), std::optional<QString>());
    QCOMPARE(r.optionalBool(QStringLiteral("backedUp")), std::optional<bool>(true));
    QCOMPARE(r.optionalBool(QStringLiteral("missing")), std::optional<bool>());
    QCOMPARE(r.optionalNumber(QStringLiteral("missing")), std::optional<double>());
    QVERIFY(r.ok());
    // Present with the wrong type is an error even for optional fields.
    QCOMPARE(r.optionalNumber(QStringLiteral("counter")), std::optional<double>());
    QCOMPARE(r.optionalStringList(QStringLiteral("transports")), std::optional<QStringList>());
    QCOMPARE(r.optionalString(QStringLiteral("aaguid")), std::optional<QString>());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().detail(), QStringLiteral("the answer has the wrong type in counter (expected number or null, got string), "
                                                "transports (expected array of strings or null, got string), "
                                                "aaguid (expected string or null, got number)"));
}

void TestJsonReader::optionalStringListRejectsNonStringItems()
{
    JsonReader r(parse(R"({"transports":["usb",null,3]})"));
    QCOMPARE(r.optionalStringList(QStringLiteral("transports")), std::optional<QStringList>());
    QVERIFY(!r.ok());
    QVERIFY2(r.error().detail().contains(QLatin1String("transports")), qPrintable(r.error().detail()));
    QVERIFY2(r.error().detail().contains(QLatin1String("array of strings")), qPrintable(r.error().detail()));
    JsonReader empty(parse(R"({"transports":[]})"));
    QCOMPARE(empty.optionalStringList(QStringLiteral("transports")), std::optional<QStringList>(QStringList()));
    QVERIFY(empty.ok());
}

void TestJsonReader::errorNamesWhatWasRead()
{
    JsonReader r(parse(R"({"id":1})"), QStringLiteral("passkey 3 of the answer"));
    r.requiredString(QStringLiteral("id"));
    r.requiredString(QStringLiteral("userId"));
    QCOMPARE(r.error().detail(), QStringLiteral("passkey 3 of the answer lacks userId; "
                                                "passkey 3 of the answer has the wrong type in id (expected string, got number)"));
}

void TestJsonReader::serverErrorReadsPlainKeysErrorShapes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");
    QTest::newRow("error") << QByteArray(R"({"error":"Invalid client secret"})") << "Invalid client secret";
    QTest::newRow("error and message") << QByteArray(R"({"error":"first","message":"second"})") << "first";
    QTest::newRow("error.message") << QByteArray(R"({"error":{"message":"nested"}})") << "nested";
    QTest::newRow("message") << QByteArray(R"({"message":"Not Found","statusCode":404})") << "Not Found";
    QTest::newRow("no text") << QByteArray(R"({"statusCode":500})") << "";
    QTest::newRow("error is null") << QByteArray(R"({"error":null})") << "";
    QTest::newRow("empty") << QByteArray() << "";
    QTest::newRow("array") << QByteArray(R"(["error"])") << QStringLiteral("not JSON: 9 bytes of application/json starting \u201c[\"error\"]\u201d");
    QTest::newRow("truncated") << QByteArray(R"({"error":"Inval)")
                               << QStringLiteral("not JSON: 15 bytes of application/json starting \u201c{\"error\":\"Inval\u201d");
    QTest::newRow("very long error") << R"({"error":")" + QByteArray(5000, 'x') + R"("})" << QString(500, QLatin1Char('x'));
}

void TestJsonReader::serverErrorReadsPlainKeysErrorShapes()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    QCOMPARE(JsonReader::serverError(answer(body, 400)), expected);
}

void TestJsonReader::describeBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QByteArray() << QByteArray("text/html") << "an empty body";
    QTest::newRow("title attribute and entity")
            << QByteArray("<HTML><TITLE lang=\"en\">Bad   Gateway</TITLE></HTML>") << QByteArray("text/html")
            << QStringLiteral("an HTML page (text/html, 51 bytes) titled \u201cBad Gateway\u201d");
    QTest::newRow("HTML served as JSON") << QByteArray("  <p>Error</p>") << QByteArray("application/json")
                                         << "an HTML page (application/json, 14 bytes)";
    QTest::newRow("long text is cut at 80") << QByteArray(200, 'a') << QByteArray("text/plain")
                                            << QStringLiteral("200 bytes of text/plain starting \u201c%1\u201d").arg(QString(80, QLatin1Char('a')));
}

void TestJsonReader::describeBody()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, expected);
    QCOMPARE(JsonReader::describeBody(answer(body, 500, contentType)), expected);
}

void TestJsonReader::describeBodyOfHugeOrBinaryBodyIsShort()
{
    QElapsedTimer t;
    t.start();
    const QString huge = JsonReader::describeBody(answer(QByteArray(16 << 20, '<'), 500, "text/html"));
    QVERIFY2(huge.size() < 200, qPrintable(huge));
    QVERIFY2(huge.contains(QString::number(16 << 20)), qPrintable(huge));
    const QString binary = JsonReader::describeBody(answer(QByteArray("\x00\x01\xff\xfe\x89PNG\r\n", 10), 200, "image/png"));
    QVERIFY2(binary.startsWith(QLatin1String("10 bytes of image/png")), qPrintable(binary));
    const QString longTitle = JsonReader::describeBody(answer("<title>" + QByteArray(10000, 'T') + "</title>", 500, "text/html"));
    QVERIFY2(longTitle.size() < 250, qPrintable(longTitle));
    QVERIFY(t.elapsed() < 5000);
}

QTEST_GUILESS_MAIN(TestJsonReader)
#include "tst_jsonreader.moc"
