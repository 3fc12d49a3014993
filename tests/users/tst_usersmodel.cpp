// Users and passkeys in core without a network: how answers are read into User and Passkey,
// how requests are shaped, the AAGUID table, and how import files are read.

#include "core/users/aaguidcatalog.h"
#include "core/users/passkey.h"
#include "core/users/passkeyops.h"
#include "core/users/user.h"
#include "core/users/userimportlist.h"
#include "core/users/userops.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace plainkey;

namespace {

HttpAnswer answer(int status, const QByteArray &body, const QByteArray &type = "application/json")
{
    HttpAnswer a;
    a.status = status;
    a.body = body;
    a.headers = {{"Content-Type", type}};
    return a;
}

QJsonObject fullPasskey()
{
    return QJsonObject{
            {QStringLiteral("id"), QStringLiteral("cred_1")},
            {QStringLiteral("userId"), QStringLiteral("usr_1")},
            {QStringLiteral("webAuthnId"), QStringLiteral("AbCd")},
            {QStringLiteral("label"), QStringLiteral("Work laptop")},
            {QStringLiteral("authenticatorType"), QStringLiteral("platform")},
            {QStringLiteral("aaguid"), QStringLiteral("FBFC3007-154E-4ECC-8C0B-6E020557D7BD")},
            {QStringLiteral("credentialDeviceType"), QStringLiteral("multiDevice")},
            {QStringLiteral("credentialBackedUp"), true},
            {QStringLiteral("transports"), QJsonArray{QStringLiteral("internal"), QStringLiteral("hybrid")}},
            {QStringLiteral("counter"), 7},
            {QStringLiteral("createdAt"), QStringLiteral("2024-05-01T12:00:00.000Z")},
            {QStringLiteral("updatedAt"), QJsonValue(QJsonValue::Null)},
            {QStringLiteral("lastUsedAt"), 1714600000000.0},
    };
}

QJsonObject bodyOf(const ApiRequest &r)
{
    return r.body.toObject();
}

} // namespace

class tst_UsersModel : public QObject
{
    Q_OBJECT
private slots:
    void passkeyReadsEveryContractField();
    void passkeyNullsStayUnknown();
    void passkeyMissingOrMistypedKeysAreNamed_data();
    void passkeyMissingOrMistypedKeysAreNamed();
    void passkeyUnreadableDateIsKeptAsText();
    void passkeyTimesReadInEveryFormat_data();
    void passkeyTimesReadInEveryFormat();
    void relativeTimesReadLikePeopleSpeak_data();
    void relativeTimesReadLikePeopleSpeak();
    void userWithoutNameIsUsernameless();
    void listAnswersNameTheBadItem();
    void nonJsonAnswersAreDescribed_data();
    void nonJsonAnswersAreDescribed();
    void deleteAnswerMustNotSayFailure_data();
    void deleteAnswerMustNotSayFailure();
    void beginAnswerKeepsOptionsAndToken();
    void beginAnswerWithoutOptionsIsRefused();

    void idsAreOnePathSegment_data();
    void idsAreOnePathSegment();
    void findEncodesPlusAndPercent();
    void bodiesFollowTheContract();
    void bulkBodyListsEveryName();

    void aaguidTableNamesCommonAuthenticators_data();
    void aaguidTableNamesCommonAuthenticators();
    void aaguidNormalisation_data();
    void aaguidNormalisation();

    void importReadsPlainLines();
    void importReadsCsvWithHeader();
    void importReadsCsvWithoutHeader();
    void importReadsSemicolonsTabsAndQuotes();
    void importMarksBadRowsWithoutStopping();
    void importRefusesNonText_data();
    void importRefusesNonText();
    void importReportIsCsvSafeForSpreadsheets();
    void importOfTenThousandNamesIsQuick();
};

void tst_UsersModel::passkeyReadsEveryContractField()
{
    const auto r = Passkey::fromJson(fullPasskey());
    QVERIFY2(r.ok(), qPrintable(r.error().detail()));
    const Passkey &p = r.value();
    QCOMPARE(p.id, QStringLiteral("cred_1"));
    QCOMPARE(p.userId, QStringLiteral("usr_1"));
    QCOMPARE(p.webAuthnId, QStringLiteral("AbCd"));
    QCOMPARE(p.label, QStringLiteral("Work laptop"));
    QCOMPARE(p.authenticatorType, QStringLiteral("platform"));
    QCOMPARE(p.aaguid, QStringLiteral("FBFC3007-154E-4ECC-8C0B-6E020557D7BD"));
    QCOMPARE(p.authenticatorName(), QStringLiteral("iCloud Keychain"));
    QCOMPARE(p.credentialDeviceType, QStringLiteral("multiDevice"));
    QCOMPARE(p.credentialBackedUp, true);
    QCOMPARE(p.transports, QStringList({QStringLiteral("internal"), QStringLiteral("hybrid")}));
    QCOMPARE(p.counter, qint64(7));
    QVERIFY(p.createdAt.when);
    QCOMPARE(p.createdAt.when->utc, QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC));
    QVERIFY(!p.updatedAt.isSet());
    QVERIFY(p.lastUsedAt.when);
    QCOMPARE(p.lastUsedAt.when->format, Timestamp::Format::EpochMillis);
    QCOMPARE(p.lastUsedAt.when->utc.toMSecsSinceEpoch(), 1714600000000LL);
    QCOMPARE(p.transportsText(), QStringLiteral("internal, hybrid"));
    QCOMPARE(p.displayName(), QStringLiteral("Work laptop"));

    // toJson keeps the contract's names and nulls, times normalised.
    const QJsonObject out = p.toJson();
    QCOMPARE(out.value(QLatin1String("updatedAt")), QJsonValue(QJsonValue::Null));
    QCOMPARE(out.value(QLatin1String("createdAt")).toString(), QStringLiteral("2024-05-01T12:00:00.000Z"));
    QCOMPARE(out.value(QLatin1String("counter")).toInteger(), 7);
    QCOMPARE(out.keys().size(), 13);
}

void tst_UsersModel::passkeyNullsStayUnknown()
{
    QJsonObject o{{QStringLiteral("id"), QStringLiteral("c")}, {QStringLiteral("userId"), QStringLiteral("u")},
                  {QStringLiteral("createdAt"), QStringLiteral("2024-01-01T00:00:00Z")}};
    for (const char *k : {"webAuthnId", "label", "authenticatorType", "aaguid", "credentialDeviceType", "credentialBackedUp",
                          "transports", "counter", "updatedAt", "lastUsedAt"})
        o.insert(QLatin1String(k), QJsonValue(QJsonValue::Null));
    const auto r = Passkey::fromJson(o);
    QVERIFY(r.ok());
    QVERIFY(!r->label && !r->aaguid && !r->credentialBackedUp && !r->transports && !r->counter);
    QCOMPARE(r->labelText(), QStringLiteral("(no label)"));
    QCOMPARE(r->backedUpText(), QStringLiteral("unknown"));
    QCOMPARE(r->transportsText(), QStringLiteral("unknown"));
    QCOMPARE(r->lastUsedAt.relativeText(), QStringLiteral("never"));
    QCOMPARE(AaguidCatalog::instance().describe(r->aaguid), QStringLiteral("not reported"));
    QCOMPARE(r->displayName(), QStringLiteral("c"));
}

void tst_UsersModel::passkeyMissingOrMistypedKeysAreNamed_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no id") << "id" << QJsonValue(QJsonValue::Undefined) << "lacks id";
    QTest::newRow("no userId") << "userId" << QJsonValue(QJsonValue::Undefined) << "lacks userId";
    QTest::newRow("no createdAt") << "createdAt" << QJsonValue(QJsonValue::Undefined) << "lacks createdAt";
    QTest::newRow("label number") << "label" << QJsonValue(3) << "label (expected string or null, got number)";
    QTest::newRow("backedUp string") << "credentialBackedUp" << QJsonValue(QStringLiteral("yes")) << "credentialBackedUp";
    QTest::newRow("transports string") << "transports" << QJsonValue(QStringLiteral("usb")) << "transports";
    QTest::newRow("transports of numbers") << "transports" << QJsonValue(QJsonArray{1, 2}) << "transports";
    QTest::newRow("counter string") << "counter" << QJsonValue(QStringLiteral("7")) << "counter";
    QTest::newRow("createdAt object") << "createdAt" << QJsonValue(QJsonObject{}) << "createdAt";
}

void tst_UsersModel::passkeyMissingOrMistypedKeysAreNamed()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    QJsonObject o = fullPasskey();
    if (value.isUndefined())
        o.remove(key);
    else
        o.insert(key, value);
    const auto r = Passkey::fromJson(o, QStringLiteral("passkey 2 of the answer"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind(), ApiError::Kind::InvalidResponse);
    QVERIFY2(r.error().detail().contains(expected), qPrintable(r.error().detail()));
    QVERIFY2(r.error().detail().startsWith(QLatin1String("passkey 2 of the answer")), qPrintable(r.error().detail()));
}

void tst_UsersModel::passkeyUnreadableDateIsKeptAsText()
{
    QJsonObject o = fullPasskey();
    o.insert(QStringLiteral("lastUsedAt"), QStringLiteral("last Tuesday"));
    const auto r = Passkey::fromJson(o);
    QVERIFY(r.ok());
    QVERIFY(r->lastUsedAt.isSet());
    QVERIFY(!r->lastUsedAt.when);
    QCOMPARE(r->lastUsedAt.absoluteText(), QStringLiteral("last Tuesday"));
    QCOMPARE(r->toJson().value(QLatin1String("lastUsedAt")).toString(), QStringLiteral("last Tuesday"));
}

void tst_UsersModel::passkeyTimesReadInEveryFormat_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("iso") << QJsonValue(QStringLiteral("2024-05-01T22:13:20Z"));
    QTest::newRow("iso offset") << QJsonValue(QStringLiteral("2024-05-02T00:13:20+02:00"));
    QTest::newRow("epoch s") << QJsonValue(1714601600);
    QTest::newRow("epoch ms") << QJsonValue(1714601600000.0);
    QTest::newRow("epoch s as text") << QJsonValue(QStringLiteral("1714601600"));
}

void tst_UsersModel::passkeyTimesReadInEveryFormat()
{
    QFETCH(QJsonValue, value);
    QJsonObject o = fullPasskey();
    o.insert(QStringLiteral("createdAt"), value);
    const auto r = Passkey::fromJson(o);
    QVERIFY2(r.ok(), qPrintable(r.error().detail()));
    QVERIFY(r->createdAt.when);
    QCOMPARE(r->createdAt.when->utc.toSecsSinceEpoch(), 1714601600LL);
}

void tst_UsersModel::relativeTimesReadLikePeopleSpeak_data()
{
    QTest::addColumn<qint64>("secondsAgo");
    QTest::addColumn<QString>("expected");
    QTest::newRow("minutes") << qint64(125) << "2 min 05 s ago";
    QTest::newRow("yesterday") << qint64(86400 + 60) << "yesterday";
    QTest::newRow("days") << qint64(5 * 86400) << "5 days ago";
    QTest::newRow("months") << qint64(95 * 86400) << "3 months ago";
    QTest::newRow("years") << qint64(800 * 86400) << "2 years ago";
}

void tst_UsersModel::relativeTimesReadLikePeopleSpeak()
{
    QFETCH(qint64, secondsAgo);
    QFETCH(QString, expected);
    const QDateTime now(QDate(2025, 1, 1), QTime(12, 0), Qt::UTC);
    PasskeyTime t;
    t.raw = QStringLiteral("x");
    t.when = Timestamp{now.addSecs(-secondsAgo), Timestamp::Format::Iso8601};
    QCOMPARE(t.relativeText(now), expected);
}

void tst_UsersModel::userWithoutNameIsUsernameless()
{
    const auto a = GetUser::read(answer(200, R"({"id":"usr_9"})"));
    QVERIFY(a.ok());
    QVERIFY(!a->userName);
    QCOMPARE(a->displayName(), QStringLiteral("(no user name)"));
    const auto b = GetUser::read(answer(200, R"({"id":"usr_9","userName":null})"));
    QVERIFY(b.ok() && !b->userName);
    const auto c = GetUser::read(answer(200, R"({"userName":"ada"})"));
    QVERIFY(!c.ok());
    QVERIFY2(c.error().detail().contains(QLatin1String("the user lacks id")), qPrintable(c.error().detail()));
}

void tst_UsersModel::listAnswersNameTheBadItem()
{
    QJsonArray list{fullPasskey(), fullPasskey()};
    QJsonObject broken = fullPasskey();
    broken.remove(QStringLiteral("userId"));
    list.append(broken);
    const auto r = ListPasskeys::read(answer(200, QJsonDocument(list).toJson()));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().detail().contains(QLatin1String("passkey 3 of the answer lacks userId")), qPrintable(r.error().detail()));

    const auto notObject = ListPasskeys::read(answer(200, "[1]"));
    QVERIFY(!notObject.ok());
    QVERIFY(notObject.error().detail().contains(QLatin1String("passkey 1 of the answer is not an object")));

    const auto bulk = CreateUsers::read(answer(200, R"([{"id":"a","userName":"x"},{"userName":"y"}])"));
    QVERIFY(!bulk.ok());
    QVERIFY2(bulk.error().detail().contains(QLatin1String("user 2 of the answer lacks id")), qPrintable(bulk.error().detail()));

    const auto empty = ListPasskeys::read(answer(200, "[]"));
    QVERIFY(empty.ok() && empty->isEmpty());
}

void tst_UsersModel::nonJsonAnswersAreDescribed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QString>("expected");
    QTest::newRow("html") << QByteArray("<html><title>Bad Gateway</title></html>") << QByteArray("text/html") << "HTML page";
    QTest::newRow("cut off") << QByteArray(R"({"id":"usr_1","userNa)") << QByteArray("application/json") << "cut off";
    QTest::newRow("array for object") << QByteArray("[]") << QByteArray("application/json") << "expected a JSON object";
    QTest::newRow("empty") << QByteArray() << QByteArray("application/json") << "empty body";
}

void tst_UsersModel::nonJsonAnswersAreDescribed()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, type);
    QFETCH(QString, expected);
    for (const auto &r : {GetUser::read(answer(200, body, type)), FindUserByName::read(answer(200, body, type)),
                          CreateUser::read(answer(200, body, type)), UpdateUserName::read(answer(200, body, type))}) {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind(), ApiError::Kind::InvalidResponse);
        QVERIFY2(r.error().detail().contains(expected), qPrintable(r.error().detail()));
    }
    const auto p = GetPasskey::read(answer(200, body, type));
    QVERIFY(!p.ok());
}

void tst_UsersModel::deleteAnswerMustNotSayFailure_data()
{
    // The contract answers a delete with 200 {"success": true} and a label change with a bare
    // 200: a delete is reported done only when the answer confirms it, so an empty or foreign
    // 200 (a proxy, a stub) never tells a support engineer a passkey is gone when it is not.
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("deleteOk");
    QTest::addColumn<bool>("labelOk");
    QTest::newRow("success true") << QByteArray(R"({"success":true})") << true << true;
    QTest::newRow("empty") << QByteArray() << false << true;
    QTest::newRow("other object") << QByteArray(R"({"id":"cred_1"})") << false << true;
    QTest::newRow("success false") << QByteArray(R"({"success":false,"error":"locked"})") << false << false;
    QTest::newRow("success string") << QByteArray(R"({"success":"yes"})") << false << false;
    QTest::newRow("html") << QByteArray("<html>ok</html>") << false << false;
}

void tst_UsersModel::deleteAnswerMustNotSayFailure()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, deleteOk);
    QFETCH(bool, labelOk);
    QCOMPARE(DeleteUser::read(answer(200, body)).ok(), deleteOk);
    QCOMPARE(DeletePasskey::read(answer(200, body)).ok(), deleteOk);
    QCOMPARE(SetPasskeyLabel::read(answer(200, body)).ok(), labelOk);
    if (body.contains("locked"))
        QVERIFY(DeleteUser::read(answer(200, body)).error().detail().contains(QLatin1String("locked")));
    if (!deleteOk && !body.contains("success") && !body.startsWith('<'))
        QVERIFY2(DeletePasskey::read(answer(200, body)).error().detail().contains(QLatin1String("did not confirm")),
                 qPrintable(DeletePasskey::read(answer(200, body)).error().detail()));
}

void tst_UsersModel::beginAnswerKeepsOptionsAndToken()
{
    const QJsonObject options{
            {QStringLiteral("challenge"), QStringLiteral("Y2hhbGxlbmdl")},
            {QStringLiteral("rp"), QJsonObject{{QStringLiteral("id"), QStringLiteral("example.com")}, {QStringLiteral("name"), QStringLiteral("Example")}}},
            {QStringLiteral("user"), QJsonObject{{QStringLiteral("id"), QStringLiteral("dXNy")}, {QStringLiteral("name"), QStringLiteral("ada@example.com")},
                                                 {QStringLiteral("displayName"), QStringLiteral("Ada")}}},
            {QStringLiteral("pubKeyCredParams"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("public-key")}, {QStringLiteral("alg"), -7}},
                                                            QJsonObject{{QStringLiteral("type"), QStringLiteral("public-key")}, {QStringLiteral("alg"), -257}}}},
            {QStringLiteral("timeout"), 60000},
            {QStringLiteral("excludeCredentials"), QJsonArray{QJsonObject{}, QJsonObject{}}},
            {QStringLiteral("authenticatorSelection"), QJsonObject{{QStringLiteral("residentKey"), QStringLiteral("required")},
                                                                   {QStringLiteral("userVerification"), QStringLiteral("preferred")}}},
            {QStringLiteral("attestation"), QStringLiteral("none")},
    };
    const QJsonObject body{{QStringLiteral("options"), options}, {QStringLiteral("authenticationToken"), QStringLiteral("tok_secret_123456")}};
    const auto r = BeginPasskeyRegistration::read(answer(200, QJsonDocument(body).toJson()));
    QVERIFY2(r.ok(), qPrintable(r.error().detail()));
    QCOMPARE(r->authenticationToken, QStringLiteral("tok_secret_123456"));
    QCOMPARE(QJsonDocument::fromJson(r->optionsJson.toUtf8()).object(), options);
    QVERIFY(r->optionsJson.contains(QLatin1Char('\n'))); // indented for people
    QVERIFY(!r->optionsJson.contains(QLatin1String("tok_secret")));
    QHash<QString, QString> summary;
    for (const auto &item : r->summary)
        summary.insert(item.first, item.second);
    QCOMPARE(summary.value(QStringLiteral("Relying party")), QStringLiteral("example.com (Example)"));
    QCOMPARE(summary.value(QStringLiteral("User")), QStringLiteral("ada@example.com (Ada)"));
    QCOMPARE(summary.value(QStringLiteral("Algorithms")), QStringLiteral("ES256, RS256"));
    QCOMPARE(summary.value(QStringLiteral("Timeout")), QStringLiteral("60 s"));
    QCOMPARE(summary.value(QStringLiteral("Excluded passkeys")), QStringLiteral("2"));
    QCOMPARE(summary.value(QStringLiteral("Resident key")), QStringLiteral("required"));
}

void tst_UsersModel::beginAnswerWithoutOptionsIsRefused()
{
    const auto noToken = BeginPasskeyRegistration::read(answer(200, R"({"options":{}})"));
    QVERIFY(!noToken.ok());
    QVERIFY(noToken.error().detail().contains(QLatin1String("lacks authenticationToken")));
    const auto noOptions = BeginPasskeyRegistration::read(answer(200, R"({"authenticationToken":"t"})"));
    QVERIFY(!noOptions.ok());
    QVERIFY(noOptions.error().detail().contains(QLatin1String("lacks options")));
    const auto stringOptions = BeginPasskeyRegistration::read(answer(200, R"({"authenticationToken":"t","options":"{}"})"));
    QVERIFY(!stringOptions.ok());
    QVERIFY(stringOptions.error().detail().contains(QLatin1String("not a JSON object")));
}

void tst_UsersModel::idsAreOnePathSegment_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("encoded");
    QTest::newRow("plain") << "usr_123" << "usr_123";
    QTest::newRow("slash") << "a/b" << "a%2Fb";
    QTest::newRow("dots") << ".." << "..";
    QTest::newRow("query") << "a?b#c" << "a%3Fb%23c";
    QTest::newRow("space") << "a b" << "a%20b";
    QTest::newRow("unicode") << QStringLiteral("\u00e9") << "%C3%A9";
}

void tst_UsersModel::idsAreOnePathSegment()
{
    QFETCH(QString, id);
    QFETCH(QString, encoded);
    QCOMPARE(GetUser::request(id).path, QStringLiteral("/user/") + encoded);
    QCOMPARE(ListPasskeys::request(id).path, QStringLiteral("/user/%1/credentials").arg(encoded));
    QCOMPARE(GetPasskey::request(id).path, QStringLiteral("/credential/") + encoded);
    QCOMPARE(DeletePasskey::request(id).path, QStringLiteral("/credential/") + encoded);
    QCOMPARE(SetPasskeyLabel::request(id, QStringLiteral("x")).path, QStringLiteral("/credential/%1/label").arg(encoded));
}

void tst_UsersModel::findEncodesPlusAndPercent()
{
    const ApiRequest r = FindUserByName::request(QStringLiteral("ada+test 50%&x=y@example.com"));
    QCOMPARE(r.method, QByteArray("GET"));
    QCOMPARE(r.path, QStringLiteral("/user"));
    QUrl url(QStringLiteral("http://h/user"));
    url.setQuery(r.query);
    QCOMPARE(url.query(QUrl::FullyEncoded), QStringLiteral("userName=ada%2Btest%2050%25%26x%3Dy%40example.com"));
}

void tst_UsersModel::bodiesFollowTheContract()
{
    const auto byId = UserIdentifier::byId(QStringLiteral("usr_1"));
    const auto byName = UserIdentifier::byName(QStringLiteral("ada"));
    QCOMPARE(bodyOf(CreateUser::request(QStringLiteral("ada"))), QJsonObject({{QStringLiteral("userName"), QStringLiteral("ada")}}));
    QCOMPARE(bodyOf(CreateUser::request(std::nullopt)), QJsonObject());
    QCOMPARE(CreateUser::request(std::nullopt).method, QByteArray("POST"));

    const ApiRequest rename = UpdateUserName::request(byName, QStringLiteral("ada2"));
    QCOMPARE(rename.method, QByteArray("PATCH"));
    QCOMPARE(rename.path, QStringLiteral("/user"));
    QCOMPARE(bodyOf(rename), QJsonObject({{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada")}}},
                                          {QStringLiteral("updates"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada2")}}}}));
    const ApiRequest clear = UpdateUserName::request(byId, std::nullopt);
    QCOMPARE(bodyOf(clear).value(QLatin1String("updates")).toObject().value(QLatin1String("userName")), QJsonValue(QJsonValue::Null));
    QVERIFY(bodyOf(clear).value(QLatin1String("updates")).toObject().contains(QLatin1String("userName")));

    const ApiRequest del = DeleteUser::request(byId);
    QCOMPARE(del.method, QByteArray("DELETE"));
    QCOMPARE(bodyOf(del), QJsonObject({{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userId"), QStringLiteral("usr_1")}}}}));

    const ApiRequest label = SetPasskeyLabel::request(QStringLiteral("c"), std::nullopt);
    QCOMPARE(label.method, QByteArray("PATCH"));
    QCOMPARE(bodyOf(label), QJsonObject({{QStringLiteral("label"), QJsonValue(QJsonValue::Null)}}));

    const ApiRequest begin = BeginPasskeyRegistration::request(byName);
    QCOMPARE(begin.method, QByteArray("POST"));
    QCOMPARE(begin.path, QStringLiteral("/user/credential/begin"));
    QCOMPARE(bodyOf(begin), QJsonObject({{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada")}}}}));

    QCOMPARE(DeletePasskey::request(QStringLiteral("c")).body.isUndefined(), true);
    QCOMPARE(GetUser::request(QStringLiteral("u")).body.isUndefined(), true);
    for (const ApiRequest &r : {rename, clear, del, label, begin})
        QVERIFY2(!r.operation.isEmpty(), qPrintable(r.path));
}

void tst_UsersModel::bulkBodyListsEveryName()
{
    const ApiRequest r = CreateUsers::request({QStringLiteral("a"), QStringLiteral("b")});
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.path, QStringLiteral("/user/bulk"));
    QCOMPARE(bodyOf(r), QJsonObject({{QStringLiteral("users"), QJsonArray{QJsonObject{{QStringLiteral("userName"), QStringLiteral("a")}},
                                                                          QJsonObject{{QStringLiteral("userName"), QStringLiteral("b")}}}}}));
    QCOMPARE(r.operation, QStringLiteral("Creating 2 users in bulk"));
}

void tst_UsersModel::aaguidTableNamesCommonAuthenticators_data()
{
    QTest::addColumn<QString>("aaguid");
    QTest::addColumn<QString>("name");
    QTest::newRow("iCloud") << "fbfc3007-154e-4ecc-8c0b-6e020557d7bd" << "iCloud Keychain";
    QTest::newRow("Google") << "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4" << "Google Password Manager";
    QTest::newRow("Windows") << "08987058-cadc-4b81-b6e1-30de50dcbe96" << "Windows Hello";
    QTest::newRow("1Password") << "bada5566-a7aa-401f-bd96-45619a55120d" << "1Password";
    QTest::newRow("YubiKey 5") << "cb69481e-8ff7-4039-93ec-0a2729a154a8" << "YubiKey 5 Series";
    QTest::newRow("YubiKey 5 NFC") << "2fc0579f-8113-47ea-b116-bb5a8db9202a" << "YubiKey 5 Series with NFC";
}

void tst_UsersModel::aaguidTableNamesCommonAuthenticators()
{
    QFETCH(QString, aaguid);
    QFETCH(QString, name);
    QVERIFY2(AaguidCatalog::instance().size() >= 40, "the shipped table did not load from the resources");
    QCOMPARE(AaguidCatalog::instance().name(aaguid), name);
}

void tst_UsersModel::aaguidNormalisation_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("normalized");
    QTest::addColumn<QString>("described");
    QTest::newRow("upper") << "CB69481E-8FF7-4039-93EC-0A2729A154A8" << "cb69481e-8ff7-4039-93ec-0a2729a154a8" << "YubiKey 5 Series";
    QTest::newRow("braces") << "{cb69481e-8ff7-4039-93ec-0a2729a154a8}" << "cb69481e-8ff7-4039-93ec-0a2729a154a8" << "YubiKey 5 Series";
    QTest::newRow("no dashes") << "cb69481e8ff7403993ec0a2729a154a8" << "cb69481e-8ff7-4039-93ec-0a2729a154a8" << "YubiKey 5 Series";
    QTest::newRow("zero") << "00000000-0000-0000-0000-000000000000" << "00000000-0000-0000-0000-000000000000" << "not reported (all-zero AAGUID)";
    QTest::newRow("unknown") << "12345678-1234-1234-1234-123456789abc" << "12345678-1234-1234-1234-123456789abc" << "unknown model";
    QTest::newRow("garbage") << "not-an-aaguid" << "" << "unreadable AAGUID";
}

void tst_UsersModel::aaguidNormalisation()
{
    QFETCH(QString, input);
    QFETCH(QString, normalized);
    QFETCH(QString, described);
    QCOMPARE(AaguidCatalog::normalize(input), normalized);
    QCOMPARE(AaguidCatalog::instance().describe(input), described);
}

void tst_UsersModel::importReadsPlainLines()
{
    const auto list = UserImportList::parse("ada@example.com\r\n\r\n  bob@example.com  \n# a comment\ncarol+x@example.com", QStringLiteral("names.txt"));
    QVERIFY(list.ok());
    QCOMPARE(list.format, QStringLiteral("one name per line"));
    QCOMPARE(list.rows.size(), 3);
    QCOMPARE(list.rows.at(0).userName, QStringLiteral("ada@example.com"));
    QCOMPARE(list.rows.at(0).line, 1);
    QCOMPARE(list.rows.at(1).userName, QStringLiteral("bob@example.com"));
    QCOMPARE(list.rows.at(1).line, 3);
    QCOMPARE(list.rows.at(2).userName, QStringLiteral("carol+x@example.com"));
    QCOMPARE(list.rows.at(2).line, 5);
    QCOMPARE(list.count(ImportRow::Status::Pending), 3);
    QCOMPARE(list.notices.size(), 1);
}

void tst_UsersModel::importReadsCsvWithHeader()
{
    const auto list = UserImportList::parse("id,Email,Name\n1,ada@example.com,Ada\n2,bob@example.com,Bob\n", QStringLiteral("export.csv"));
    QVERIFY(list.ok());
    QCOMPARE(list.rows.size(), 2);
    QCOMPARE(list.rows.at(0).userName, QStringLiteral("ada@example.com"));
    QCOMPARE(list.rows.at(0).line, 2);
    QVERIFY2(list.format.contains(QLatin1String("Email")), qPrintable(list.format));

    // userName is preferred over email when both are there.
    const auto both = UserImportList::parse("email,user_name\nx@example.com,ada\n");
    QCOMPARE(both.rows.value(0).userName, QStringLiteral("ada"));
}

void tst_UsersModel::importReadsCsvWithoutHeader()
{
    const auto list = UserImportList::parse("ada@example.com,Ada\nbob@example.com,Bob\n");
    QVERIFY(list.ok());
    QCOMPARE(list.rows.size(), 2);
    QCOMPARE(list.rows.at(1).userName, QStringLiteral("bob@example.com"));
    QVERIFY(list.format.contains(QLatin1String("first column")));
    QVERIFY(!list.notices.isEmpty());
}

void tst_UsersModel::importReadsSemicolonsTabsAndQuotes()
{
    const auto semi = UserImportList::parse("userName;x\n\"Smith; John\";1\n\"say \"\"hi\"\"\";2\n");
    QCOMPARE(semi.rows.size(), 2);
    QCOMPARE(semi.rows.at(0).userName, QStringLiteral("Smith; John"));
    QCOMPARE(semi.rows.at(1).userName, QStringLiteral("say \"hi\""));

    const auto tabs = UserImportList::parse("username\tteam\nada\tA\n");
    QCOMPARE(tabs.rows.size(), 1);
    QCOMPARE(tabs.rows.at(0).userName, QStringLiteral("ada"));

    const auto multiline = UserImportList::parse("userName,note\n\"two\nlines\",x\nbob,y\n");
    QCOMPARE(multiline.rows.size(), 2);
    QCOMPARE(multiline.rows.at(0).status, ImportRow::Status::Invalid);
    QCOMPARE(multiline.rows.at(0).line, 2);
    QCOMPARE(multiline.rows.at(1).userName, QStringLiteral("bob"));
    QCOMPARE(multiline.rows.at(1).line, 4);

    const auto bom = UserImportList::parse("\xEF\xBB\xBFuserName\nada\n");
    QCOMPARE(bom.rows.size(), 1);
    QCOMPARE(bom.rows.at(0).userName, QStringLiteral("ada"));
}

void tst_UsersModel::importMarksBadRowsWithoutStopping()
{
    const auto list = UserImportList::parse("userName,x\nada,1\n,2\nada,3\nbob,4\n\"a\u0007b\",5\n", QStringLiteral("u.csv"));
    QVERIFY(list.ok());
    QCOMPARE(list.rows.size(), 5);
    QCOMPARE(list.rows.at(0).status, ImportRow::Status::Pending);
    QCOMPARE(list.rows.at(1).status, ImportRow::Status::Invalid);
    QCOMPARE(list.rows.at(1).message, QStringLiteral("no user name in this row"));
    QCOMPARE(list.rows.at(2).status, ImportRow::Status::Invalid);
    QCOMPARE(list.rows.at(2).message, QStringLiteral("the same name as line 2"));
    QCOMPARE(list.rows.at(3).status, ImportRow::Status::Pending);
    QCOMPARE(list.rows.at(4).status, ImportRow::Status::Invalid);
}

void tst_UsersModel::importRefusesNonText_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("expected");
    QTest::newRow("latin-1") << QByteArray("caf\xe9\n") << "not UTF-8";
    QTest::newRow("binary") << QByteArray("PK\x03\x04\x00\x00", 6) << "NUL";
    QTest::newRow("empty") << QByteArray("\n\n  \n") << "no user names";
    QTest::newRow("header only") << QByteArray("userName\n") << "no user names";
}

void tst_UsersModel::importRefusesNonText()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, expected);
    const auto list = UserImportList::parse(data);
    QVERIFY(!list.ok());
    QVERIFY2(list.error.contains(expected), qPrintable(list.error));
    QVERIFY(!UserImportList::load(QStringLiteral("/nonexistent/names.csv")).ok());
    QVERIFY(UserImportList::load(QStringLiteral("/nonexistent/names.csv")).error.contains(QLatin1String("cannot open")));
}

void tst_UsersModel::importReportIsCsvSafeForSpreadsheets()
{
    ImportRow a;
    a.line = 2;
    a.userName = QStringLiteral("=HYPERLINK(\"x\")");
    a.status = ImportRow::Status::Failed;
    a.message = QStringLiteral("refused, because");
    ImportRow b;
    b.line = 3;
    b.userName = QStringLiteral("ada");
    b.status = ImportRow::Status::Created;
    b.userId = QStringLiteral("usr_1");
    const QString csv = QString::fromUtf8(UserImportList::reportCsv({a, b}));
    QCOMPARE(csv, QStringLiteral("line,userName,status,userId,message\n"
                                 "2,\"'=HYPERLINK(\"\"x\"\")\",failed,,\"refused, because\"\n"
                                 "3,ada,created,usr_1,\n"));
}

void tst_UsersModel::importOfTenThousandNamesIsQuick()
{
    QByteArray data = "userName\n";
    for (int i = 0; i < 10000; ++i)
        data += "user" + QByteArray::number(i) + "@example.com\n";
    QElapsedTimer t;
    t.start();
    const auto list = UserImportList::parse(data, QStringLiteral("big.csv"));
    QCOMPARE(list.rows.size(), 10000);
    QCOMPARE(list.count(ImportRow::Status::Pending), 10000);
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
}

QTEST_GUILESS_MAIN(tst_UsersModel)
#include "tst_usersmodel.moc"
