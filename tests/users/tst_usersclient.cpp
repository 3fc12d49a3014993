// Every users and passkeys endpoint of the Server API, run through the core client against the
// emulator over loopback HTTP. Answers are checked against the emulator's own store; every
// error status the contract names (and the undocumented 429, 5xx and non-JSON answers, by
// fault injection) must arrive as the right typed ApiError with a message that says what failed.

#include "emulatorcredentials.h"
#include "httptesthelper.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "emulator/emulator.h"
#include "emulator/emulatorthread.h"
#include "core/net/transport.h"
#include "core/users/passkeyops.h"
#include "core/users/userimporter.h"
#include "core/users/userlookup.h"
#include "core/users/userops.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace plainkey;
using namespace std::chrono_literals;
using emulator::Emulator;
using emulator::Fault;
using emulator::StoredPasskey;
using emulator::StoredUser;

namespace {

//! Runs one typed operation and waits for its handler.
template <typename Op, typename... Args>
Result<typename Op::Value> run(PlainKeyClient &client, Args &&...args)
{
    std::optional<Result<typename Op::Value>> result;
    client.call<Op>(nullptr, [&](const Result<typename Op::Value> &r) { result.emplace(r); }, std::forward<Args>(args)...);
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
        return ApiError(ApiError::Kind::None, QStringLiteral("the test got no result in time"));
    return *result;
}

Result<User> lookUp(PlainKeyClient &client, const UserIdentifier &who)
{
    std::optional<Result<User>> result;
    lookUpUser(client, who, nullptr, [&](const Result<User> &r) { result.emplace(r); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
        return ApiError(ApiError::Kind::None, QStringLiteral("the test got no result in time"));
    return *result;
}

//! A raw request through the client (token, headers, status mapping), for bodies the typed
//! operations never build.
ApiError sendRaw(PlainKeyClient &client, const QByteArray &method, const QString &path, const QJsonValue &body)
{
    ApiRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.operation = QStringLiteral("Sending a hand-made %1 %2").arg(QString::fromLatin1(method), path);
    std::optional<ApiError> error;
    client.send(std::move(r), nullptr, [&](const HttpAnswer &, const ApiError &e) { error = e; });
    if (!QTest::qWaitFor([&] { return error.has_value(); }, 20000))
        return ApiError(ApiError::Kind::None, QStringLiteral("the test got no result in time"));
    return *error;
}

QUrl emulatorUrl(const Emulator &emu, const char *path)
{
    return emu.baseUrl().resolved(QUrl(QString::fromLatin1(path)));
}

//! Sets a fault the way a person would, over HTTP; the emulator echoes the new state.
bool putFaults(const Emulator &emu, const QJsonObject &faults)
{
    const auto a = testHttp("PUT", emulatorUrl(emu, "/emulator/faults"), faults);
    return a.status == 200 && a.json.value(QLatin1String("mode")) == faults.value(QLatin1String("mode"));
}

struct SignedUp
{
    QString userId;
    QString passkeyId;
    QString token;
};

//! A new user with one simulated passkey, made through the emulator's own endpoint.
SignedUp signUp(const Emulator &emu, const QString &userName)
{
    QJsonObject body;
    if (!userName.isEmpty())
        body.insert(QStringLiteral("userName"), userName);
    const auto a = testHttp("POST", emulatorUrl(emu, "/emulator/sign-up"), body);
    return {a.json.value(QLatin1String("userId")).toString(),
            a.json.value(QLatin1String("passkey")).toObject().value(QLatin1String("id")).toString(),
            a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString()};
}

QJsonObject jwtClaims(const QString &token)
{
    const QStringList parts = token.split(QLatin1Char('.'));
    if (parts.size() != 3)
        return {};
    const QByteArray payload = QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return QJsonDocument::fromJson(payload).object();
}

QByteArray base64UrlDecode(const QString &text, bool *ok)
{
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    *ok = bool(decoded);
    return decoded.decoded;
}

QStringList passkeyIds(const QList<Passkey> &passkeys)
{
    QStringList ids;
    for (const Passkey &p : passkeys)
        ids.append(p.id);
    return ids;
}

QStringList storedIds(const QList<StoredPasskey> &passkeys)
{
    QStringList ids;
    for (const StoredPasskey &p : passkeys)
        ids.append(p.id);
    return ids;
}

//! Compares what the client read with what the emulator stored, field by field.
QString differences(const Passkey &read, const StoredPasskey &stored)
{
    QStringList d;
    auto check = [&d](const char *field, bool same) {
        if (!same)
            d.append(QLatin1String(field));
    };
    auto sameTime = [](const PasskeyTime &t, const std::optional<QDateTime> &s) {
        if (!s)
            return !t.isSet();
        return t.when.has_value() && t.when->utc == *s;
    };
    check("id", read.id == stored.id);
    check("userId", read.userId == stored.userId);
    check("webAuthnId", read.webAuthnId == stored.webAuthnId);
    check("label", read.label == stored.label);
    check("authenticatorType", read.authenticatorType == stored.authenticatorType);
    check("aaguid", read.aaguid == stored.aaguid);
    check("credentialDeviceType", read.credentialDeviceType == stored.deviceType);
    check("credentialBackedUp", read.credentialBackedUp == stored.backedUp);
    check("transports", read.transports == stored.transports);
    check("counter", read.counter == stored.counter);
    check("createdAt", sameTime(read.createdAt, stored.createdAt));
    check("updatedAt", sameTime(read.updatedAt, stored.updatedAt));
    check("lastUsedAt", sameTime(read.lastUsedAt, stored.lastUsedAt));
    return d.join(QLatin1String(", "));
}

//! Creates users straight in the store, so look-ups are tested against data the client did not make.
StoredUser storedUser(Emulator &emu, const std::optional<QString> &name)
{
    QString why;
    const auto u = emu.store().createUser(name, &why);
    return u ? *u : StoredUser{};
}

// The endpoints that take an ID, for the table of unknown IDs.
enum class IdOp { GetUser, FindUserByName, ListPasskeys, GetPasskey, DeletePasskey, SetPasskeyLabel };

} // namespace

class tst_UsersClient : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void getUserByIdReadsTheStoredUser_data();
    void getUserByIdReadsTheStoredUser();
    void findUserByNameKeepsEveryCharacter_data();
    void findUserByNameKeepsEveryCharacter();
    void findWithoutANameIs400();
    void createUserWithAndWithoutName();
    void createDuplicateNameIs400AndCreatesNobody();
    void createRefusesNamesPlainKeyDoesNotTake_data();
    void createRefusesNamesPlainKeyDoesNotTake();
    void renameUser_data();
    void renameUser();
    void clearUserNameFreesTheName();
    void renameToATakenNameIs400();
    void deleteUserRemovesTheirPasskeysAndTokens_data();
    void deleteUserRemovesTheirPasskeysAndTokens();
    void unknownUserInABodyIs400_data();
    void unknownUserInABodyIs400();
    void bulkCreateAnswersEveryUserInOrder();
    void bulkCreateIsAllOrNothing_data();
    void bulkCreateIsAllOrNothing();
    void bulkCreateLimits_data();
    void bulkCreateLimits();
    void importCreatesTheGoodNamesOfARefusedChunk();
    void importWaitsOutARateLimit();
    void listPasskeysReadsEveryField();
    void listPasskeysOfUserWithoutAnyIsEmpty();
    void listSeveralHundredPasskeys();
    void getPasskeyReadsEveryField();
    void deletePasskey();
    void setAndClearPasskeyLabel();
    void overlongLabelIs400();
    void beginRegistrationOffersCreationOptions_data();
    void beginRegistrationOffersCreationOptions();
    void unknownIdIs404_data();
    void unknownIdIs404();
    void idsThatLookLikePathsAre404_data();
    void idsThatLookLikePathsAre404();
    void malformedBodyIs400_data();
    void malformedBodyIs400();
    void wrongSecretIsCredentialsRejected_data();
    void wrongSecretIsCredentialsRejected();
    void refusedAccessTokenIsUnauthorizedAfterOneRetry();
    void revokedAccessTokenIsReplacedWithoutCreatingTwice();
    void injectedStatusIsTyped_data();
    void injectedStatusIsTyped();
    void faultWithRemainingPassesAfterwards();
    void answersThatAreNotJson_data();
    void answersThatAreNotJson();
    void emulatorOnItsOwnThreadServesTheSameApi();

private:
    std::unique_ptr<Emulator> m_emu;
    std::unique_ptr<PlainKeyClient> m_client;
};

void tst_UsersClient::init()
{
    m_emu = std::make_unique<Emulator>();
    QVERIFY2(m_emu->listen(), qPrintable(m_emu->errorString()));
    m_client = std::make_unique<PlainKeyClient>();
    m_client->setCredentials(emulatorCredentials(*m_emu));
}

void tst_UsersClient::cleanup()
{
    m_client.reset();
    m_emu.reset();
}

// ---- users ------------------------------------------------------------------------------

void tst_UsersClient::getUserByIdReadsTheStoredUser_data()
{
    QTest::addColumn<bool>("named");
    QTest::addColumn<QString>("name");
    QTest::newRow("named") << true << QStringLiteral("ada@example.com");
    QTest::newRow("unicode name") << true << QStringLiteral("Zoë Ångström 🔑");
    QTest::newRow("usernameless") << false << QString();
}

void tst_UsersClient::getUserByIdReadsTheStoredUser()
{
    QFETCH(bool, named);
    QFETCH(QString, name);
    storedUser(*m_emu, QStringLiteral("someone-else@example.com"));
    const StoredUser stored = storedUser(*m_emu, named ? std::optional<QString>(name) : std::nullopt);
    QVERIFY(!stored.id.isEmpty());

    const auto user = run<GetUser>(*m_client, stored.id);
    QVERIFY2(user.ok(), qPrintable(user.error().message()));
    QCOMPARE(user->id, stored.id);
    QCOMPARE(user->userName, stored.userName);
    QCOMPARE(user->displayName(), named ? name : QStringLiteral("(no user name)"));

    const auto viaLookUp = lookUp(*m_client, UserIdentifier::byId(stored.id));
    QVERIFY2(viaLookUp.ok(), qPrintable(viaLookUp.error().message()));
    QVERIFY(viaLookUp.value() == user.value());
}

void tst_UsersClient::findUserByNameKeepsEveryCharacter_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("e-mail") << QStringLiteral("ada@example.com");
    QTest::newRow("plus") << QStringLiteral("ada+test@example.com");
    QTest::newRow("space") << QStringLiteral("Ada Lovelace");
    QTest::newRow("query delimiters") << QStringLiteral("a&userName=b#c?d");
    QTest::newRow("percent") << QStringLiteral("100%25 sure %");
    QTest::newRow("slash") << QStringLiteral("team/ops\\eu");
    QTest::newRow("unicode") << QStringLiteral("Ærøskøbing – 東京 🔑");
    QTest::newRow("256 characters") << QString(256, QLatin1Char('n'));
}

void tst_UsersClient::findUserByNameKeepsEveryCharacter()
{
    QFETCH(QString, name);
    // A near miss must not be found instead: "+" read as a space, or the name cut at a delimiter.
    storedUser(*m_emu, QString(name).replace(QLatin1Char('+'), QLatin1Char(' ')) + QStringLiteral("-near"));
    const StoredUser stored = storedUser(*m_emu, name);
    QVERIFY(!stored.id.isEmpty());

    const auto user = run<FindUserByName>(*m_client, name);
    QVERIFY2(user.ok(), qPrintable(user.error().message()));
    QCOMPARE(user->id, stored.id);
    QCOMPARE(user->userName, std::optional<QString>(name));

    const auto viaLookUp = lookUp(*m_client, UserIdentifier::byName(name));
    QVERIFY2(viaLookUp.ok(), qPrintable(viaLookUp.error().message()));
    QCOMPARE(viaLookUp->id, stored.id);
}

void tst_UsersClient::findWithoutANameIs400()
{
    const auto user = run<FindUserByName>(*m_client, QString());
    QVERIFY(!user.ok());
    QCOMPARE(user.error().kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(user.error().httpStatus(), 400);
    QVERIFY2(user.error().serverMessage().contains(QLatin1String("userName")), qPrintable(user.error().serverMessage()));
    QVERIFY2(user.error().message().contains(QLatin1String("Finding the user named")), qPrintable(user.error().message()));
}

void tst_UsersClient::createUserWithAndWithoutName()
{
    const auto named = run<CreateUser>(*m_client, std::optional<QString>(QStringLiteral("new@example.com")));
    QVERIFY2(named.ok(), qPrintable(named.error().message()));
    QVERIFY(!named->id.isEmpty());
    QCOMPARE(named->userName, std::optional<QString>(QStringLiteral("new@example.com")));
    const StoredUser *stored = m_emu->store().user(named->id);
    QVERIFY(stored);
    QCOMPARE(stored->userName, named->userName);
    QCOMPARE(m_emu->store().userByName(QStringLiteral("new@example.com")), stored);

    const auto nameless = run<CreateUser>(*m_client, std::optional<QString>());
    QVERIFY2(nameless.ok(), qPrintable(nameless.error().message()));
    QVERIFY(!nameless->id.isEmpty());
    QVERIFY(nameless->id != named->id);
    QVERIFY(!nameless->userName.has_value());
    QVERIFY(m_emu->store().user(nameless->id));
    QVERIFY(!m_emu->store().user(nameless->id)->userName.has_value());
    QCOMPARE(m_emu->userCount(), 2);

    // What was created reads back the same.
    const auto again = run<GetUser>(*m_client, nameless->id);
    QVERIFY2(again.ok(), qPrintable(again.error().message()));
    QVERIFY(again.value() == nameless.value());
}

void tst_UsersClient::createDuplicateNameIs400AndCreatesNobody()
{
    const StoredUser first = storedUser(*m_emu, QStringLiteral("dup@example.com"));
    const auto second = run<CreateUser>(*m_client, std::optional<QString>(QStringLiteral("dup@example.com")));
    QVERIFY(!second.ok());
    const ApiError &e = second.error();
    QCOMPARE(e.kind(), ApiError::Kind::HttpStatus); // the contract has no 409: a taken name is a 400
    QCOMPARE(e.httpStatus(), 400);
    QVERIFY2(e.serverMessage().contains(QLatin1String("dup@example.com")) && e.serverMessage().contains(QLatin1String("already exists")),
             qPrintable(e.serverMessage()));
    QVERIFY2(e.message().contains(QStringLiteral("Creating the user \u201cdup@example.com\u201d")), qPrintable(e.message()));
    QCOMPARE(e.host(), m_emu->baseUrl().authority());
    QCOMPARE(m_emu->userCount(), 1);
    QCOMPARE(m_emu->store().userByName(QStringLiteral("dup@example.com"))->id, first.id);
}

void tst_UsersClient::createRefusesNamesPlainKeyDoesNotTake_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("because");
    QTest::newRow("empty") << QString() << QStringLiteral("1 to 256");
    QTest::newRow("only spaces") << QStringLiteral("   ") << QStringLiteral("1 to 256");
    QTest::newRow("257 characters") << QString(257, QLatin1Char('x')) << QStringLiteral("1 to 256");
}

void tst_UsersClient::createRefusesNamesPlainKeyDoesNotTake()
{
    QFETCH(QString, name);
    QFETCH(QString, because);
    const auto user = run<CreateUser>(*m_client, std::optional<QString>(name));
    QVERIFY(!user.ok());
    QCOMPARE(user.error().kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(user.error().httpStatus(), 400);
    QVERIFY2(user.error().serverMessage().contains(because), qPrintable(user.error().serverMessage()));
    QVERIFY2(user.error().hint().contains(QLatin1String("Correct the request")), qPrintable(user.error().hint()));
    QCOMPARE(m_emu->userCount(), 0);
}

void tst_UsersClient::renameUser_data()
{
    QTest::addColumn<bool>("byName");
    QTest::newRow("by ID") << false;
    QTest::newRow("by name") << true;
}

void tst_UsersClient::renameUser()
{
    QFETCH(bool, byName);
    const StoredUser stored = storedUser(*m_emu, QStringLiteral("old@example.com"));
    const UserIdentifier who = byName ? UserIdentifier::byName(QStringLiteral("old@example.com")) : UserIdentifier::byId(stored.id);

    const auto renamed = run<UpdateUserName>(*m_client, who, std::optional<QString>(QStringLiteral("new@example.com")));
    QVERIFY2(renamed.ok(), qPrintable(renamed.error().message()));
    QCOMPARE(renamed->id, stored.id);
    QCOMPARE(renamed->userName, std::optional<QString>(QStringLiteral("new@example.com")));
    QCOMPARE(m_emu->store().user(stored.id)->userName, renamed->userName);

    const auto byNewName = run<FindUserByName>(*m_client, QStringLiteral("new@example.com"));
    QVERIFY2(byNewName.ok(), qPrintable(byNewName.error().message()));
    QCOMPARE(byNewName->id, stored.id);
    const auto byOldName = run<FindUserByName>(*m_client, QStringLiteral("old@example.com"));
    QVERIFY(!byOldName.ok());
    QCOMPARE(byOldName.error().httpStatus(), 404);
}

void tst_UsersClient::clearUserNameFreesTheName()
{
    const StoredUser stored = storedUser(*m_emu, QStringLiteral("named@example.com"));
    const auto cleared = run<UpdateUserName>(*m_client, UserIdentifier::byId(stored.id), std::optional<QString>());
    QVERIFY2(cleared.ok(), qPrintable(cleared.error().message()));
    QCOMPARE(cleared->id, stored.id);
    QVERIFY(!cleared->userName.has_value());
    QVERIFY(!m_emu->store().user(stored.id)->userName.has_value());

    const auto fetched = run<GetUser>(*m_client, stored.id);
    QVERIFY2(fetched.ok(), qPrintable(fetched.error().message()));
    QVERIFY(!fetched->userName.has_value());

    // The name is free again: someone else can take it.
    const auto other = run<CreateUser>(*m_client, std::optional<QString>(QStringLiteral("named@example.com")));
    QVERIFY2(other.ok(), qPrintable(other.error().message()));
    QVERIFY(other->id != stored.id);
}

void tst_UsersClient::renameToATakenNameIs400()
{
    const StoredUser a = storedUser(*m_emu, QStringLiteral("a@example.com"));
    storedUser(*m_emu, QStringLiteral("b@example.com"));
    const auto renamed = run<UpdateUserName>(*m_client, UserIdentifier::byId(a.id), std::optional<QString>(QStringLiteral("b@example.com")));
    QVERIFY(!renamed.ok());
    QCOMPARE(renamed.error().kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(renamed.error().httpStatus(), 400);
    QVERIFY2(renamed.error().serverMessage().contains(QLatin1String("already exists")), qPrintable(renamed.error().serverMessage()));
    QVERIFY2(renamed.error().message().contains(QStringLiteral("Renaming user ID %1").arg(a.id)), qPrintable(renamed.error().message()));
    QCOMPARE(m_emu->store().user(a.id)->userName, std::optional<QString>(QStringLiteral("a@example.com")));
}

void tst_UsersClient::deleteUserRemovesTheirPasskeysAndTokens_data()
{
    QTest::addColumn<bool>("byName");
    QTest::newRow("by ID") << false;
    QTest::newRow("by name") << true;
}

void tst_UsersClient::deleteUserRemovesTheirPasskeysAndTokens()
{
    QFETCH(bool, byName);
    const SignedUp gone = signUp(*m_emu, QStringLiteral("gone@example.com"));
    const SignedUp stays = signUp(*m_emu, QStringLiteral("stays@example.com"));
    QVERIFY(!gone.userId.isEmpty() && !gone.passkeyId.isEmpty() && !gone.token.isEmpty());
    QVERIFY(m_emu->store().passkey(gone.passkeyId));

    const UserIdentifier who = byName ? UserIdentifier::byName(QStringLiteral("gone@example.com")) : UserIdentifier::byId(gone.userId);
    const auto deleted = run<DeleteUser>(*m_client, who);
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().message()));
    QVERIFY(!m_emu->store().user(gone.userId));
    QVERIFY(!m_emu->store().passkey(gone.passkeyId));
    QVERIFY(m_emu->store().user(stays.userId));
    QVERIFY(m_emu->store().passkey(stays.passkeyId));

    const auto user = run<GetUser>(*m_client, gone.userId);
    QVERIFY(!user.ok());
    QCOMPARE(user.error().kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(user.error().httpStatus(), 404);
    QVERIFY2(user.error().message().contains(gone.userId), qPrintable(user.error().message()));
    const auto passkeys = run<ListPasskeys>(*m_client, gone.userId);
    QVERIFY(!passkeys.ok());
    QCOMPARE(passkeys.error().httpStatus(), 404);
    const auto passkey = run<GetPasskey>(*m_client, gone.passkeyId);
    QVERIFY(!passkey.ok());
    QCOMPARE(passkey.error().httpStatus(), 404);

    // Their token no longer signs anybody in.
    std::optional<Result<VerifyResult>> verified;
    m_client->verifyToken(gone.token, nullptr, [&](const Result<VerifyResult> &r) { verified.emplace(r); });
    QTRY_VERIFY_WITH_TIMEOUT(verified.has_value(), 20000);
    QVERIFY2(verified->ok(), qPrintable(verified->error().message()));
    QCOMPARE(verified->value().valid, false);

    // Deleting again is the contract's 400: the user is unknown now.
    const auto again = run<DeleteUser>(*m_client, who);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().httpStatus(), 400);
    QVERIFY2(again.error().serverMessage().contains(QLatin1String("not found")), qPrintable(again.error().serverMessage()));
}

void tst_UsersClient::unknownUserInABodyIs400_data()
{
    QTest::addColumn<int>("op");
    QTest::addColumn<bool>("byName");
    QTest::addColumn<QString>("operation");
    // The contract lists only 400 for the endpoints that name the user in the body.
    QTest::newRow("rename, by ID") << 0 << false << QStringLiteral("Renaming user ID usr_nobody");
    QTest::newRow("rename, by name") << 0 << true << QStringLiteral("Renaming user name \u201cnobody@example.com\u201d");
    QTest::newRow("clear name") << 1 << false << QStringLiteral("Clearing the user name of user ID usr_nobody");
    QTest::newRow("delete, by ID") << 2 << false << QStringLiteral("Deleting user ID usr_nobody");
    QTest::newRow("delete, by name") << 2 << true << QStringLiteral("Deleting user name \u201cnobody@example.com\u201d");
    QTest::newRow("begin passkey, by ID") << 3 << false << QStringLiteral("Beginning to add a passkey to user ID usr_nobody");
    QTest::newRow("begin passkey, by name") << 3 << true << QStringLiteral("Beginning to add a passkey to user name \u201cnobody@example.com\u201d");
}

void tst_UsersClient::unknownUserInABodyIs400()
{
    QFETCH(int, op);
    QFETCH(bool, byName);
    QFETCH(QString, operation);
    storedUser(*m_emu, QStringLiteral("somebody@example.com"));
    const UserIdentifier who = byName ? UserIdentifier::byName(QStringLiteral("nobody@example.com")) : UserIdentifier::byId(QStringLiteral("usr_nobody"));
    ApiError e;
    switch (op) {
    case 0: e = run<UpdateUserName>(*m_client, who, std::optional<QString>(QStringLiteral("x@example.com"))).error(); break;
    case 1: e = run<UpdateUserName>(*m_client, who, std::optional<QString>()).error(); break;
    case 2: e = run<DeleteUser>(*m_client, who).error(); break;
    default: e = run<BeginPasskeyRegistration>(*m_client, who).error(); break;
    }
    QCOMPARE(e.kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(e.httpStatus(), 400);
    QVERIFY2(e.serverMessage().contains(QLatin1String("not found")) && e.serverMessage().contains(who.value),
             qPrintable(e.serverMessage()));
    QVERIFY2(e.message().startsWith(operation), qPrintable(e.message()));
    QCOMPARE(m_emu->userCount(), 1);
    QVERIFY(m_emu->store().userByName(QStringLiteral("somebody@example.com")));
}

// ---- bulk -------------------------------------------------------------------------------

void tst_UsersClient::bulkCreateAnswersEveryUserInOrder()
{
    QStringList names;
    for (int i = 0; i < 50; ++i)
        names.append(QStringLiteral("bulk%1@example.com").arg(i));
    const auto users = run<CreateUsers>(*m_client, names);
    QVERIFY2(users.ok(), qPrintable(users.error().message()));
    QCOMPARE(users->size(), names.size());
    QSet<QString> ids;
    for (int i = 0; i < names.size(); ++i) {
        const User &u = users->at(i);
        QCOMPARE(u.userName, std::optional<QString>(names.at(i)));
        const StoredUser *stored = m_emu->store().userByName(names.at(i));
        QVERIFY2(stored, qPrintable(names.at(i)));
        QCOMPARE(u.id, stored->id);
        ids.insert(u.id);
    }
    QCOMPARE(ids.size(), names.size());
    QCOMPARE(m_emu->userCount(), names.size());
}

void tst_UsersClient::bulkCreateIsAllOrNothing_data()
{
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QString>("row");
    QTest::newRow("a name already taken") << QStringList{QStringLiteral("n0"), QStringLiteral("n1"), QStringLiteral("taken@example.com"), QStringLiteral("n3")}
                                          << QStringLiteral("users[2]");
    QTest::newRow("a name twice in the batch") << QStringList{QStringLiteral("n0"), QStringLiteral("n1"), QStringLiteral("n0")} << QStringLiteral("users[2]");
    QTest::newRow("an empty name") << QStringList{QStringLiteral("n0"), QString()} << QStringLiteral("users[1]");
}

void tst_UsersClient::bulkCreateIsAllOrNothing()
{
    QFETCH(QStringList, names);
    QFETCH(QString, row);
    storedUser(*m_emu, QStringLiteral("taken@example.com"));
    const auto users = run<CreateUsers>(*m_client, names);
    QVERIFY(!users.ok());
    QCOMPARE(users.error().kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(users.error().httpStatus(), 400);
    QVERIFY2(users.error().serverMessage().startsWith(row), qPrintable(users.error().serverMessage()));
    QVERIFY2(users.error().message().contains(QStringLiteral("Creating %1 users in bulk").arg(names.size())), qPrintable(users.error().message()));
    QCOMPARE(m_emu->userCount(), 1);
}

void tst_UsersClient::bulkCreateLimits_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("none") << 0 << true;
    QTest::newRow("10000, the most per request") << 10000 << true;
    QTest::newRow("10001") << 10001 << false;
}

void tst_UsersClient::bulkCreateLimits()
{
    QFETCH(int, count);
    QFETCH(bool, accepted);
    QStringList names;
    names.reserve(count);
    for (int i = 0; i < count; ++i)
        names.append(QStringLiteral("limit%1@example.com").arg(i));
    const auto users = run<CreateUsers>(*m_client, names);
    if (accepted) {
        QVERIFY2(users.ok(), qPrintable(users.error().message()));
        QCOMPARE(users->size(), count);
        QCOMPARE(m_emu->userCount(), count);
        if (count > 0) {
            QCOMPARE(users->last().userName, std::optional<QString>(names.last()));
            QCOMPARE(users->last().id, m_emu->store().userByName(names.last())->id);
        }
    } else {
        QVERIFY(!users.ok());
        QCOMPARE(users.error().kind(), ApiError::Kind::HttpStatus);
        QCOMPARE(users.error().httpStatus(), 400);
        QVERIFY2(users.error().serverMessage().contains(QLatin1String("10000")), qPrintable(users.error().serverMessage()));
        QCOMPARE(m_emu->userCount(), 0);
    }
}

void tst_UsersClient::importCreatesTheGoodNamesOfARefusedChunk()
{
    // The emulator refuses a whole batch for one taken name; the importer then finds it by
    // creating that chunk's names one by one, so the import as a whole succeeds in part.
    const StoredUser taken = storedUser(*m_emu, QStringLiteral("import3@example.com"));
    QList<ImportRow> rows;
    for (int i = 0; i < 12; ++i) {
        ImportRow r;
        r.line = i + 1;
        r.userName = QStringLiteral("import%1@example.com").arg(i);
        rows.append(r);
    }
    UserImporter importer(m_client.get());
    importer.setChunkSize(5);
    QSignalSpy finished(&importer, &UserImporter::finished);
    QVERIFY(importer.start(rows));
    QVERIFY(finished.wait(20000));

    QCOMPARE(importer.processed(), 12);
    QCOMPARE(importer.count(ImportRow::Status::Created), 11);
    QCOMPARE(importer.count(ImportRow::Status::Failed), 1);
    // 3 bulk requests, then the refused first chunk's 5 names one by one.
    QCOMPARE(importer.requestCount(), 3 + 5);
    for (const ImportRow &r : importer.rows()) {
        const StoredUser *stored = m_emu->store().userByName(r.userName);
        QVERIFY2(stored, qPrintable(r.userName));
        if (r.userName == taken.userName) {
            QCOMPARE(r.status, ImportRow::Status::Failed);
            QVERIFY2(r.message.contains(QLatin1String("400")) && r.message.contains(QLatin1String("already exists")), qPrintable(r.message));
            QCOMPARE(stored->id, taken.id);
        } else {
            QCOMPARE(r.status, ImportRow::Status::Created);
            QCOMPARE(r.userId, stored->id);
        }
    }
    QCOMPARE(m_emu->userCount(), 12);
    QVERIFY(!importer.stopReason());
}

void tst_UsersClient::importWaitsOutARateLimit()
{
    QVERIFY(putFaults(*m_emu, QJsonObject{{QStringLiteral("mode"), QStringLiteral("status")},
                                          {QStringLiteral("status"), 429},
                                          {QStringLiteral("retryAfterSeconds"), 1},
                                          {QStringLiteral("remaining"), 1},
                                          {QStringLiteral("pathPrefix"), QStringLiteral("/user/bulk")}}));
    QList<ImportRow> rows;
    for (int i = 0; i < 3; ++i) {
        ImportRow r;
        r.line = i + 1;
        r.userName = QStringLiteral("patient%1@example.com").arg(i);
        rows.append(r);
    }
    UserImporter importer(m_client.get());
    QSignalSpy finished(&importer, &UserImporter::finished);
    QVERIFY(importer.start(rows));
    QVERIFY(finished.wait(20000));
    QCOMPARE(importer.count(ImportRow::Status::Created), 3);
    QCOMPARE(importer.requestCount(), 2);
    // It waited as long as Retry-After said, not less.
    QVERIFY2(importer.elapsedMs() >= 950, qPrintable(QString::number(importer.elapsedMs())));
    QCOMPARE(m_emu->userCount(), 3);
}

// ---- passkeys ---------------------------------------------------------------------------

void tst_UsersClient::listPasskeysReadsEveryField()
{
    m_emu->seedDemoData();
    const StoredUser *ada = m_emu->store().userByName(QStringLiteral("ada@example.com"));
    QVERIFY(ada);
    const QList<StoredPasskey> stored = m_emu->store().passkeysOf(ada->id);
    QCOMPARE(stored.size(), 2);

    const auto passkeys = run<ListPasskeys>(*m_client, ada->id);
    QVERIFY2(passkeys.ok(), qPrintable(passkeys.error().message()));
    QCOMPARE(passkeyIds(passkeys.value()), storedIds(stored));
    for (int i = 0; i < stored.size(); ++i) {
        const QString diff = differences(passkeys->at(i), stored.at(i));
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("passkey %1 differs in %2").arg(i).arg(diff)));
    }
    // The AAGUID names the model the README promises for ada's keys.
    QCOMPARE(passkeys->at(1).aaguid, std::optional<QString>(QStringLiteral("cb69481e-8ff7-4039-93ec-0a2729a154a8")));
    QVERIFY(passkeys->at(1).authenticatorName().has_value());
    QVERIFY2(passkeys->at(1).authenticatorName()->contains(QLatin1String("YubiKey")), qPrintable(*passkeys->at(1).authenticatorName()));
}

void tst_UsersClient::listPasskeysOfUserWithoutAnyIsEmpty()
{
    m_emu->seedDemoData();
    const StoredUser *margaret = m_emu->store().userByName(QStringLiteral("margaret@example.com"));
    QVERIFY(margaret);
    QVERIFY(m_emu->store().passkeysOf(margaret->id).isEmpty());
    const auto passkeys = run<ListPasskeys>(*m_client, margaret->id);
    QVERIFY2(passkeys.ok(), qPrintable(passkeys.error().message()));
    QVERIFY(passkeys->isEmpty());
}

void tst_UsersClient::listSeveralHundredPasskeys()
{
    const StoredUser owner = storedUser(*m_emu, QStringLiteral("collector@example.com"));
    const StoredUser other = storedUser(*m_emu, QStringLiteral("other@example.com"));
    const QDateTime start = QDateTime::currentDateTimeUtc().addDays(-400);
    constexpr int count = 750;
    for (int i = 0; i < count; ++i) {
        StoredPasskey p;
        p.userId = owner.id;
        p.webAuthnId = QStringLiteral("webauthn-%1").arg(i);
        if (i % 3 != 0)
            p.label = QStringLiteral("Key \u201c%1\u201d").arg(i);
        p.authenticatorType = i % 2 ? QStringLiteral("platform") : QStringLiteral("cross-platform");
        p.aaguid = i % 5 ? std::optional<QString>(QStringLiteral("cb69481e-8ff7-4039-93ec-0a2729a154a8")) : std::nullopt;
        p.deviceType = i % 2 ? QStringLiteral("multiDevice") : QStringLiteral("singleDevice");
        if (i % 7)
            p.backedUp = i % 2 == 1;
        if (i % 4)
            p.transports = i % 2 ? QStringList{QStringLiteral("internal"), QStringLiteral("hybrid")} : QStringList{QStringLiteral("usb")};
        p.counter = qint64(i) * 1000003;
        p.createdAt = start.addSecs(i * 3600LL).addMSecs(i % 1000);
        if (i % 2)
            p.updatedAt = p.createdAt.addDays(1);
        if (i % 3)
            p.lastUsedAt = p.createdAt.addDays(2);
        m_emu->store().addPasskey(p);
    }
    StoredPasskey foreign;
    foreign.userId = other.id;
    m_emu->store().addPasskey(foreign);
    const QList<StoredPasskey> stored = m_emu->store().passkeysOf(owner.id);
    QCOMPARE(stored.size(), count);

    const auto passkeys = run<ListPasskeys>(*m_client, owner.id);
    QVERIFY2(passkeys.ok(), qPrintable(passkeys.error().message()));
    QCOMPARE(passkeys->size(), count);
    QCOMPARE(passkeyIds(passkeys.value()), storedIds(stored));
    for (int i = 0; i < count; ++i) {
        const QString diff = differences(passkeys->at(i), stored.at(i));
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("passkey %1 differs in %2").arg(i).arg(diff)));
    }
}

void tst_UsersClient::getPasskeyReadsEveryField()
{
    m_emu->seedDemoData();
    const SignedUp fresh = signUp(*m_emu, QStringLiteral("fresh@example.com"));
    const StoredUser *ada = m_emu->store().userByName(QStringLiteral("ada@example.com"));
    QVERIFY(ada);
    QStringList ids = storedIds(m_emu->store().passkeysOf(ada->id));
    ids.append(fresh.passkeyId);
    for (const QString &id : std::as_const(ids)) {
        const StoredPasskey *stored = m_emu->store().passkey(id);
        QVERIFY(stored);
        const auto passkey = run<GetPasskey>(*m_client, id);
        QVERIFY2(passkey.ok(), qPrintable(passkey.error().message()));
        const QString diff = differences(passkey.value(), *stored);
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("passkey %1 differs in %2").arg(id, diff)));
    }
}

void tst_UsersClient::deletePasskey()
{
    m_emu->seedDemoData();
    const StoredUser *ada = m_emu->store().userByName(QStringLiteral("ada@example.com"));
    QVERIFY(ada);
    const QString adaId = ada->id;
    const QStringList before = storedIds(m_emu->store().passkeysOf(adaId));
    QCOMPARE(before.size(), 2);

    const auto deleted = run<DeletePasskey>(*m_client, before.first());
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().message()));
    QVERIFY(!m_emu->store().passkey(before.first()));
    QVERIFY(m_emu->store().user(adaId)); // the user stays

    const auto passkey = run<GetPasskey>(*m_client, before.first());
    QVERIFY(!passkey.ok());
    QCOMPARE(passkey.error().httpStatus(), 404);
    const auto left = run<ListPasskeys>(*m_client, adaId);
    QVERIFY2(left.ok(), qPrintable(left.error().message()));
    QCOMPARE(passkeyIds(left.value()), QStringList{before.last()});

    const auto again = run<DeletePasskey>(*m_client, before.first());
    QVERIFY(!again.ok());
    QCOMPARE(again.error().kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(again.error().httpStatus(), 404);
    QVERIFY2(again.error().message().contains(QStringLiteral("Deleting passkey %1").arg(before.first())), qPrintable(again.error().message()));
}

void tst_UsersClient::setAndClearPasskeyLabel()
{
    const SignedUp s = signUp(*m_emu, QStringLiteral("labels@example.com"));
    QVERIFY(m_emu->store().passkey(s.passkeyId));
    QVERIFY(!m_emu->store().passkey(s.passkeyId)->updatedAt.has_value());
    const QDateTime before = QDateTime::currentDateTimeUtc();

    const QString label = QStringLiteral("Office YubiKey \u201cblue\u201d");
    const auto set = run<SetPasskeyLabel>(*m_client, s.passkeyId, std::optional<QString>(label));
    QVERIFY2(set.ok(), qPrintable(set.error().message()));
    QCOMPARE(m_emu->store().passkey(s.passkeyId)->label, std::optional<QString>(label));
    const auto labelled = run<GetPasskey>(*m_client, s.passkeyId);
    QVERIFY2(labelled.ok(), qPrintable(labelled.error().message()));
    QCOMPARE(labelled->label, std::optional<QString>(label));
    QCOMPARE(labelled->labelText(), label);
    QVERIFY(labelled->updatedAt.when.has_value());
    QVERIFY(labelled->updatedAt.when->utc >= before.addMSecs(-1));

    const auto cleared = run<SetPasskeyLabel>(*m_client, s.passkeyId, std::optional<QString>());
    QVERIFY2(cleared.ok(), qPrintable(cleared.error().message()));
    QVERIFY(!m_emu->store().passkey(s.passkeyId)->label.has_value());
    const auto unlabelled = run<GetPasskey>(*m_client, s.passkeyId);
    QVERIFY2(unlabelled.ok(), qPrintable(unlabelled.error().message()));
    QVERIFY(!unlabelled->label.has_value());
    QCOMPARE(unlabelled->labelText(), QStringLiteral("(no label)"));
}

void tst_UsersClient::overlongLabelIs400()
{
    const SignedUp s = signUp(*m_emu, QStringLiteral("long@example.com"));
    const std::optional<QString> oldLabel = m_emu->store().passkey(s.passkeyId)->label;
    const auto set = run<SetPasskeyLabel>(*m_client, s.passkeyId, std::optional<QString>(QString(257, QLatin1Char('L'))));
    QVERIFY(!set.ok());
    QCOMPARE(set.error().kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(set.error().httpStatus(), 400);
    QVERIFY2(set.error().serverMessage().contains(QLatin1String("256")), qPrintable(set.error().serverMessage()));
    QCOMPARE(m_emu->store().passkey(s.passkeyId)->label, oldLabel);
}

void tst_UsersClient::beginRegistrationOffersCreationOptions_data()
{
    QTest::addColumn<QString>("userName");
    QTest::addColumn<bool>("byName");
    QTest::newRow("ada, by ID") << QStringLiteral("ada@example.com") << false;
    QTest::newRow("ada, by name") << QStringLiteral("ada@example.com") << true;
    QTest::newRow("margaret, no passkeys yet") << QStringLiteral("margaret@example.com") << true;
    QTest::newRow("usernameless") << QString() << false;
}

void tst_UsersClient::beginRegistrationOffersCreationOptions()
{
    QFETCH(QString, userName);
    QFETCH(bool, byName);
    m_emu->seedDemoData();
    StoredUser user;
    if (userName.isEmpty()) {
        user = storedUser(*m_emu, std::nullopt);
        StoredPasskey p;
        p.userId = user.id;
        p.webAuthnId = QStringLiteral("nameless-webauthn-id");
        p.transports = QStringList{QStringLiteral("internal")};
        m_emu->store().addPasskey(p);
    } else {
        QVERIFY(m_emu->store().userByName(userName));
        user = *m_emu->store().userByName(userName);
    }
    const QList<StoredPasskey> existing = m_emu->store().passkeysOf(user.id);
    const UserIdentifier who = byName ? UserIdentifier::byName(userName) : UserIdentifier::byId(user.id);

    const auto begun = run<BeginPasskeyRegistration>(*m_client, who);
    QVERIFY2(begun.ok(), qPrintable(begun.error().message()));

    // PublicKeyCredentialCreationOptionsJSON, as a browser's parseCreationOptionsFromJSON wants it.
    QJsonParseError pe{};
    const QJsonObject options = QJsonDocument::fromJson(begun->optionsJson.toUtf8(), &pe).object();
    QCOMPARE(pe.error, QJsonParseError::NoError);
    const QJsonObject rp = options.value(QLatin1String("rp")).toObject();
    QVERIFY(!rp.value(QLatin1String("id")).toString().isEmpty());
    QVERIFY(!rp.value(QLatin1String("name")).toString().isEmpty());
    const QJsonObject optionsUser = options.value(QLatin1String("user")).toObject();
    bool ok = false;
    QCOMPARE(base64UrlDecode(optionsUser.value(QLatin1String("id")).toString(), &ok), user.id.toUtf8());
    QVERIFY(ok);
    QCOMPARE(optionsUser.value(QLatin1String("name")).toString(), user.userName.value_or(user.id));
    QVERIFY(optionsUser.value(QLatin1String("displayName")).isString());
    const QByteArray challenge = base64UrlDecode(options.value(QLatin1String("challenge")).toString(), &ok);
    QVERIFY(ok);
    QVERIFY2(challenge.size() >= 16, qPrintable(options.value(QLatin1String("challenge")).toString()));
    QList<int> algorithms;
    for (const QJsonValue &p : options.value(QLatin1String("pubKeyCredParams")).toArray()) {
        QCOMPARE(p.toObject().value(QLatin1String("type")).toString(), QStringLiteral("public-key"));
        algorithms.append(p.toObject().value(QLatin1String("alg")).toInt());
    }
    QVERIFY2(algorithms.contains(-7), "ES256 must be offered: every platform authenticator supports it");
    QStringList excluded;
    for (const QJsonValue &d : options.value(QLatin1String("excludeCredentials")).toArray()) {
        QCOMPARE(d.toObject().value(QLatin1String("type")).toString(), QStringLiteral("public-key"));
        excluded.append(d.toObject().value(QLatin1String("id")).toString());
    }
    QStringList existingWebAuthnIds;
    for (const StoredPasskey &p : existing)
        existingWebAuthnIds.append(p.webAuthnId.value_or(p.id));
    QCOMPARE(excluded, existingWebAuthnIds);

    // The summary for people is made from those options.
    QVERIFY(!begun->summary.isEmpty());
    QCOMPARE(begun->summary.first().first, QStringLiteral("Relying party"));
    QVERIFY(begun->summary.first().second.contains(rp.value(QLatin1String("id")).toString()));

    // The authentication token: short-lived, for this user, and accepted by verify.
    const QString token = begun->authenticationToken;
    QVERIFY(!token.isEmpty());
    const QJsonObject claims = jwtClaims(token);
    QCOMPARE(claims.value(QLatin1String("sub")).toString(), user.id);
    QCOMPARE(claims.value(QLatin1String("projectId")).toString(), m_emu->config().projectId);
    const qint64 lifetime = qint64(claims.value(QLatin1String("exp")).toDouble() - claims.value(QLatin1String("iat")).toDouble());
    QVERIFY2(lifetime > 0 && lifetime <= 300, qPrintable(QString::number(lifetime)));
    std::optional<Result<VerifyResult>> verified;
    m_client->verifyToken(token, nullptr, [&](const Result<VerifyResult> &r) { verified.emplace(r); });
    QTRY_VERIFY_WITH_TIMEOUT(verified.has_value(), 20000);
    QVERIFY2(verified->ok(), qPrintable(verified->error().message()));
    QVERIFY(verified->value().valid);
    QCOMPARE(verified->value().userId, user.id);
    QVERIFY(verified->value().expiresAt.has_value());
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(verified->value().expiresAt->utc);
    QVERIFY2(left > 0 && left <= 300, qPrintable(QString::number(left)));

    // Beginning adds nothing by itself.
    QCOMPARE(storedIds(m_emu->store().passkeysOf(user.id)), storedIds(existing));
}

// ---- errors -----------------------------------------------------------------------------

void tst_UsersClient::unknownIdIs404_data()
{
    QTest::addColumn<int>("op");
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("serverSays");
    QTest::newRow("get user") << int(IdOp::GetUser) << QStringLiteral("Fetching user ID usr_unknown") << QStringLiteral("User not found");
    QTest::newRow("find user") << int(IdOp::FindUserByName) << QStringLiteral("Finding the user named \u201cusr_unknown\u201d")
                               << QStringLiteral("User not found");
    QTest::newRow("list passkeys") << int(IdOp::ListPasskeys) << QStringLiteral("Listing the passkeys of user ID usr_unknown")
                                   << QStringLiteral("User not found");
    QTest::newRow("get passkey") << int(IdOp::GetPasskey) << QStringLiteral("Fetching passkey usr_unknown") << QStringLiteral("Passkey not found");
    QTest::newRow("delete passkey") << int(IdOp::DeletePasskey) << QStringLiteral("Deleting passkey usr_unknown") << QStringLiteral("Passkey not found");
    QTest::newRow("label passkey") << int(IdOp::SetPasskeyLabel) << QStringLiteral("Labelling passkey usr_unknown \u201cx\u201d")
                                   << QStringLiteral("Passkey not found");
}

void tst_UsersClient::unknownIdIs404()
{
    QFETCH(int, op);
    QFETCH(QString, operation);
    QFETCH(QString, serverSays);
    m_emu->seedDemoData();
    const QString id = QStringLiteral("usr_unknown");
    ApiError e;
    switch (IdOp(op)) {
    case IdOp::GetUser: e = run<GetUser>(*m_client, id).error(); break;
    case IdOp::FindUserByName: e = run<FindUserByName>(*m_client, id).error(); break;
    case IdOp::ListPasskeys: e = run<ListPasskeys>(*m_client, id).error(); break;
    case IdOp::GetPasskey: e = run<GetPasskey>(*m_client, id).error(); break;
    case IdOp::DeletePasskey: e = run<DeletePasskey>(*m_client, id).error(); break;
    case IdOp::SetPasskeyLabel: e = run<SetPasskeyLabel>(*m_client, id, std::optional<QString>(QStringLiteral("x"))).error(); break;
    }
    QCOMPARE(e.kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(e.httpStatus(), 404);
    QCOMPARE(e.serverMessage(), serverSays);
    const QString message = e.message();
    QVERIFY2(message.startsWith(operation + QStringLiteral(" failed: PlainKey answered 404")), qPrintable(message));
    QVERIFY2(message.contains(serverSays), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("Check the ID or name")), qPrintable(message));
    QCOMPARE(e.host(), m_emu->baseUrl().authority());
}

void tst_UsersClient::idsThatLookLikePathsAre404_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("sendable");
    // An ID a person typed goes into one path segment, whatever it looks like: it must reach
    // "GET /user/{userId}" as that ID, not another route. An ID that Qt's HTTP stack would
    // resolve away (".", "..") or that leaves an empty segment is refused before sending.
    QTest::newRow("bulk") << QStringLiteral("bulk") << true;
    QTest::newRow("credential") << QStringLiteral("credential") << true;
    QTest::newRow("slash") << QStringLiteral("usr_1/credentials") << true;
    QTest::newRow("query and fragment") << QStringLiteral("usr_1?userName=ada@example.com#x") << true;
    QTest::newRow("encoded slash") << QStringLiteral("usr%2F1") << true;
    QTest::newRow("encoded dots") << QStringLiteral("%2E%2E") << true;
    QTest::newRow("dots and more") << QStringLiteral("..x") << true;
    QTest::newRow("dot") << QStringLiteral(".") << false;
    QTest::newRow("dot dot") << QStringLiteral("..") << false;
    QTest::newRow("empty") << QString() << false;
}

void tst_UsersClient::idsThatLookLikePathsAre404()
{
    QFETCH(QString, id);
    QFETCH(bool, sendable);
    m_emu->seedDemoData();
    QSignalSpy served(m_emu.get(), &Emulator::requestServed);
    struct Case
    {
        QString operation;
        ApiError error;
        QString notFound;
    };
    const QList<Case> cases = {
            {QStringLiteral("Fetching user ID %1").arg(id), run<GetUser>(*m_client, id).error(), QStringLiteral("User not found")},
            {QStringLiteral("Fetching"), lookUp(*m_client, UserIdentifier::byId(id)).error(), QStringLiteral("User not found")},
            {QStringLiteral("Listing the passkeys of user ID %1").arg(id), run<ListPasskeys>(*m_client, id).error(), QStringLiteral("User not found")},
            {QStringLiteral("Fetching passkey %1").arg(id), run<GetPasskey>(*m_client, id).error(), QStringLiteral("Passkey not found")},
            {QStringLiteral("Deleting passkey %1").arg(id), run<DeletePasskey>(*m_client, id).error(), QStringLiteral("Passkey not found")},
            {QStringLiteral("Labelling passkey %1").arg(id), run<SetPasskeyLabel>(*m_client, id, std::optional<QString>(QStringLiteral("x"))).error(),
             QStringLiteral("Passkey not found")},
    };
    for (const Case &c : cases) {
        const ApiError &e = c.error;
        if (sendable) {
            QVERIFY2(e.kind() == ApiError::Kind::HttpStatus && e.httpStatus() == 404, qPrintable(e.message()));
            QCOMPARE(e.serverMessage(), c.notFound);
        } else {
            QVERIFY2(e.kind() == ApiError::Kind::InvalidInput, qPrintable(e.message()));
        }
        QVERIFY2(e.message().startsWith(c.operation), qPrintable(e.message()));
    }
    // Nothing else was reached: no other route, no change to the store.
    int apiCalls = 0;
    for (const QList<QVariant> &request : std::as_const(served)) {
        const QString path = request.at(1).toString();
        if (path.endsWith(QLatin1String("/access-token")))
            continue;
        ++apiCalls;
        QVERIFY2(path.startsWith(QLatin1String("/user/")) || path.startsWith(QLatin1String("/credential/")), qPrintable(path));
        QCOMPARE(request.at(2).toInt(), 404);
    }
    QCOMPARE(apiCalls, sendable ? 6 : 0);
    QCOMPARE(m_emu->userCount(), 5);
    QCOMPARE(m_emu->store().passkeysOf(m_emu->store().userByName(QStringLiteral("ada@example.com"))->id).size(), 2);
}

void tst_UsersClient::malformedBodyIs400_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("serverSays");
    QTest::newRow("create: name a number") << QByteArray("POST") << QStringLiteral("/user") << QStringLiteral(R"({"userName":42})")
                                           << QStringLiteral("userName must be a string");
    QTest::newRow("create: body an array") << QByteArray("POST") << QStringLiteral("/user") << QStringLiteral(R"([{"userName":"a"}])")
                                           << QStringLiteral("must be a JSON object");
    QTest::newRow("create: no body") << QByteArray("POST") << QStringLiteral("/user") << QString() << QStringLiteral("needs a JSON object body");
    QTest::newRow("update: identifier a string") << QByteArray("PATCH") << QStringLiteral("/user")
                                                 << QStringLiteral(R"({"userIdentifier":"ada@example.com","updates":{"userName":"x"}})")
                                                 << QStringLiteral("userIdentifier must be an object");
    QTest::newRow("update: no updates") << QByteArray("PATCH") << QStringLiteral("/user")
                                        << QStringLiteral(R"({"userIdentifier":{"userName":"ada@example.com"}})") << QStringLiteral("updates must be an object");
    QTest::newRow("update: name a bool") << QByteArray("PATCH") << QStringLiteral("/user")
                                         << QStringLiteral(R"({"userIdentifier":{"userName":"ada@example.com"},"updates":{"userName":true}})")
                                         << QStringLiteral("updates.userName must be a string");
    QTest::newRow("delete: empty identifier") << QByteArray("DELETE") << QStringLiteral("/user") << QStringLiteral(R"({"userIdentifier":{}})")
                                              << QStringLiteral("needs userId or userName");
    QTest::newRow("bulk: users an object") << QByteArray("POST") << QStringLiteral("/user/bulk") << QStringLiteral(R"({"users":{"userName":"a"}})")
                                           << QStringLiteral("users must be an array");
    QTest::newRow("bulk: a row a string") << QByteArray("POST") << QStringLiteral("/user/bulk") << QStringLiteral(R"({"users":[{"userName":"a"},"b"]})")
                                          << QStringLiteral("users[1] must be an object");
    QTest::newRow("begin: no identifier") << QByteArray("POST") << QStringLiteral("/user/credential/begin") << QStringLiteral("{}")
                                          << QStringLiteral("userIdentifier must be an object");
    QTest::newRow("label: missing") << QByteArray("PATCH") << QStringLiteral("/credential/{passkey}/label") << QStringLiteral("{}")
                                    << QStringLiteral("label is required");
    QTest::newRow("label: a number") << QByteArray("PATCH") << QStringLiteral("/credential/{passkey}/label") << QStringLiteral(R"({"label":7})")
                                     << QStringLiteral("label must be a string or null");
}

void tst_UsersClient::malformedBodyIs400()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, body);
    QFETCH(QString, serverSays);
    m_emu->seedDemoData();
    const QString passkeyId = storedIds(m_emu->store().passkeysOf(m_emu->store().userByName(QStringLiteral("ada@example.com"))->id)).first();
    path.replace(QLatin1String("{passkey}"), passkeyId);
    const int usersBefore = m_emu->userCount();
    const QJsonDocument doc = QJsonDocument::fromJson(body.toUtf8());
    const QJsonValue value = body.isEmpty() ? QJsonValue(QJsonValue::Undefined) : doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());

    const ApiError e = sendRaw(*m_client, method, path, value);
    QCOMPARE(e.kind(), ApiError::Kind::HttpStatus);
    QCOMPARE(e.httpStatus(), 400);
    QVERIFY2(e.serverMessage().contains(serverSays), qPrintable(e.serverMessage()));
    QVERIFY2(e.message().contains(QStringLiteral("PlainKey answered 400 Bad Request: \u201c%1").arg(e.serverMessage().left(10))), qPrintable(e.message()));
    QCOMPARE(m_emu->userCount(), usersBefore);
    QCOMPARE(m_emu->store().passkey(passkeyId)->label, std::optional<QString>(QStringLiteral("iPhone")));
}

void tst_UsersClient::wrongSecretIsCredentialsRejected_data()
{
    QTest::addColumn<int>("op");
    QTest::newRow("get user") << 0;
    QTest::newRow("create user") << 1;
    QTest::newRow("bulk create") << 2;
    QTest::newRow("list passkeys") << 3;
    QTest::newRow("delete passkey") << 4;
    QTest::newRow("begin passkey") << 5;
}

void tst_UsersClient::wrongSecretIsCredentialsRejected()
{
    QFETCH(int, op);
    m_emu->seedDemoData();
    const StoredUser ada = *m_emu->store().userByName(QStringLiteral("ada@example.com"));
    const QString passkeyId = storedIds(m_emu->store().passkeysOf(ada.id)).first();
    const int usersBefore = m_emu->userCount();
    Credentials c = emulatorCredentials(*m_emu);
    c.clientSecret = QStringLiteral("not-the-secret");
    m_client->setCredentials(c);
    QSignalSpy served(m_emu.get(), &Emulator::requestServed);

    ApiError e;
    switch (op) {
    case 0: e = run<GetUser>(*m_client, ada.id).error(); break;
    case 1: e = run<CreateUser>(*m_client, std::optional<QString>(QStringLiteral("intruder@example.com"))).error(); break;
    case 2: e = run<CreateUsers>(*m_client, QStringList{QStringLiteral("i1"), QStringLiteral("i2")}).error(); break;
    case 3: e = run<ListPasskeys>(*m_client, ada.id).error(); break;
    case 4: e = run<DeletePasskey>(*m_client, passkeyId).error(); break;
    default: e = run<BeginPasskeyRegistration>(*m_client, UserIdentifier::byId(ada.id)).error(); break;
    }
    QCOMPARE(e.kind(), ApiError::Kind::CredentialsRejected);
    QCOMPARE(e.httpStatus(), 400); // the contract's answer to a wrong secret
    QCOMPARE(e.serverMessage(), QStringLiteral("Invalid client credentials"));
    QVERIFY2(e.message().contains(QLatin1String("rejected the project ID or client secret")), qPrintable(e.message()));
    QVERIFY2(!e.message().contains(QLatin1String("not-the-secret")), qPrintable(e.message()));
    QCOMPARE(m_client->accessToken()->state(), AccessTokenManager::State::Failed);
    // Only the token request reached PlainKey, and nothing changed.
    QCOMPARE(served.size(), 1);
    QVERIFY2(served.first().at(1).toString().endsWith(QLatin1String("/access-token")), qPrintable(served.first().at(1).toString()));
    QCOMPARE(m_emu->userCount(), usersBefore);
    QVERIFY(m_emu->store().passkey(passkeyId));
}

void tst_UsersClient::refusedAccessTokenIsUnauthorizedAfterOneRetry()
{
    const StoredUser u = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    Fault f;
    f.mode = Fault::Mode::Status;
    f.status = 401;
    f.pathPrefix = QStringLiteral("/user");
    m_emu->setFault(f);
    QSignalSpy refreshed(m_client->accessToken(), &AccessTokenManager::tokenRefreshed);

    std::optional<Result<User>> result;
    ApiCall *call = m_client->call<GetUser>(nullptr, [&](const Result<User> &r) { result.emplace(r); }, u.id);
    QList<quint64> exchanges;
    connect(call, &ApiCall::finished, this, [&exchanges, call] { exchanges = call->exchangeIds(); });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000);
    QVERIFY(!result->ok());
    const ApiError &e = result->error();
    QCOMPARE(e.kind(), ApiError::Kind::Unauthorized);
    QCOMPARE(e.httpStatus(), 401);
    QCOMPARE(e.serverMessage(), QStringLiteral("Injected fault: status 401"));
    QVERIFY2(e.message().contains(QStringLiteral("Fetching user ID %1 failed").arg(u.id)), qPrintable(e.message()));
    QVERIFY2(e.message().contains(QLatin1String("even after fetching a new one")), qPrintable(e.message()));
    // One retry with a fresh token, not a loop.
    QCOMPARE(exchanges.size(), 2);
    QCOMPARE(refreshed.size(), 2);
}

void tst_UsersClient::revokedAccessTokenIsReplacedWithoutCreatingTwice()
{
    QVERIFY(run<GetUser>(*m_client, QStringLiteral("usr_warmup")).error().httpStatus() == 404); // holds a token now
    const auto revoked = testHttp("POST", emulatorUrl(*m_emu, "/emulator/revoke-access-tokens"));
    QCOMPARE(revoked.status, 200);
    QSignalSpy refreshed(m_client->accessToken(), &AccessTokenManager::tokenRefreshed);

    const auto created = run<CreateUser>(*m_client, std::optional<QString>(QStringLiteral("once@example.com")));
    QVERIFY2(created.ok(), qPrintable(created.error().message()));
    QCOMPARE(refreshed.size(), 1);
    QCOMPARE(m_emu->userCount(), 1);
    QCOMPARE(m_emu->store().userByName(QStringLiteral("once@example.com"))->id, created->id);
}

void tst_UsersClient::injectedStatusIsTyped_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("retryAfter");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("hint");
    QTest::newRow("409") << 409 << 0 << int(ApiError::Kind::HttpStatus) << QStringLiteral("Check the request");
    QTest::newRow("429 with Retry-After") << 429 << 7 << int(ApiError::Kind::RateLimited) << QStringLiteral("Wait 7 s");
    QTest::newRow("429 without Retry-After") << 429 << 0 << int(ApiError::Kind::RateLimited) << QStringLiteral("Wait a little");
    QTest::newRow("500") << 500 << 0 << int(ApiError::Kind::HttpStatus) << QStringLiteral("problem on PlainKey's side");
    QTest::newRow("502") << 502 << 0 << int(ApiError::Kind::HttpStatus) << QStringLiteral("problem on PlainKey's side");
    QTest::newRow("503") << 503 << 0 << int(ApiError::Kind::HttpStatus) << QStringLiteral("problem on PlainKey's side");
    QTest::newRow("504") << 504 << 0 << int(ApiError::Kind::HttpStatus) << QStringLiteral("problem on PlainKey's side");
}

void tst_UsersClient::injectedStatusIsTyped()
{
    QFETCH(int, status);
    QFETCH(int, retryAfter);
    QFETCH(int, kind);
    QFETCH(QString, hint);
    const SignedUp s = signUp(*m_emu, QStringLiteral("faulty@example.com"));
    QVERIFY(run<GetUser>(*m_client, s.userId).ok()); // the access token is fetched before the fault
    QVERIFY(putFaults(*m_emu, QJsonObject{{QStringLiteral("mode"), QStringLiteral("status")},
                                          {QStringLiteral("status"), status},
                                          {QStringLiteral("retryAfterSeconds"), retryAfter}}));

    // Every operation maps the status the same way; each names itself in the message.
    QList<QPair<QString, ApiError>> errors;
    errors.append({QStringLiteral("Fetching user ID"), run<GetUser>(*m_client, s.userId).error()});
    errors.append({QStringLiteral("Creating the user"), run<CreateUser>(*m_client, std::optional<QString>(QStringLiteral("x@example.com"))).error()});
    errors.append({QStringLiteral("Creating 2 users in bulk"), run<CreateUsers>(*m_client, QStringList{QStringLiteral("a"), QStringLiteral("b")}).error()});
    errors.append({QStringLiteral("Listing the passkeys"), run<ListPasskeys>(*m_client, s.userId).error()});
    errors.append({QStringLiteral("Labelling passkey"), run<SetPasskeyLabel>(*m_client, s.passkeyId, std::optional<QString>(QStringLiteral("x"))).error()});
    errors.append({QStringLiteral("Beginning to add a passkey"), run<BeginPasskeyRegistration>(*m_client, UserIdentifier::byId(s.userId)).error()});
    for (const auto &[operation, e] : std::as_const(errors)) {
        QVERIFY2(e.kind() == ApiError::Kind(kind), qPrintable(operation + QLatin1String(": ") + ApiError::kindName(e.kind()) + QLatin1String(": ") + e.message()));
        QCOMPARE(e.httpStatus(), status);
        QCOMPARE(e.serverMessage(), QStringLiteral("Injected fault: status %1").arg(status));
        QCOMPARE(e.retryAfterSeconds(), retryAfter > 0 ? std::optional<int>(retryAfter) : std::nullopt);
        QVERIFY2(e.message().startsWith(operation), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QString::number(status)), qPrintable(e.message()));
        QVERIFY2(e.hint().contains(hint), qPrintable(e.hint()));
    }
    QCOMPARE(m_emu->userCount(), 1);
    QCOMPARE(m_emu->store().passkey(s.passkeyId)->label, std::optional<QString>(QStringLiteral("Emulated passkey")));
}

void tst_UsersClient::faultWithRemainingPassesAfterwards()
{
    const StoredUser u = storedUser(*m_emu, QStringLiteral("ada@example.com"));
    QVERIFY(putFaults(*m_emu, QJsonObject{{QStringLiteral("mode"), QStringLiteral("status")},
                                          {QStringLiteral("status"), 503},
                                          {QStringLiteral("remaining"), 2},
                                          {QStringLiteral("pathPrefix"), QStringLiteral("/user")}}));
    QCOMPARE(run<GetUser>(*m_client, u.id).error().httpStatus(), 503);
    QCOMPARE(run<FindUserByName>(*m_client, QStringLiteral("ada@example.com")).error().httpStatus(), 503);
    const auto third = run<GetUser>(*m_client, u.id);
    QVERIFY2(third.ok(), qPrintable(third.error().message()));
    QCOMPARE(third->id, u.id);
    QCOMPARE(testHttp("GET", emulatorUrl(*m_emu, "/emulator/faults")).json.value(QLatin1String("remaining")).toInt(), 0);
}

void tst_UsersClient::answersThatAreNotJson_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("detail");
    QTest::newRow("HTML gateway page") << QStringLiteral("html") << int(ApiError::Kind::HttpStatus) << 502
                                       << QStringLiteral("not JSON: an HTML page (text/html, ");
    QTest::newRow("empty 200") << QStringLiteral("empty") << int(ApiError::Kind::InvalidResponse) << 200 << QStringLiteral("expected JSON, got an empty body");
    QTest::newRow("cut off") << QStringLiteral("truncated") << int(ApiError::Kind::Network) << 0
                             << QStringLiteral("the connection closed before the answer was complete");
    QTest::newRow("reset") << QStringLiteral("reset") << int(ApiError::Kind::Network) << 0 << QString();
    QTest::newRow("stall") << QStringLiteral("stall") << int(ApiError::Kind::Timeout) << 0 << QStringLiteral("within");
}

void tst_UsersClient::answersThatAreNotJson()
{
    QFETCH(QString, mode);
    QFETCH(int, kind);
    QFETCH(int, status);
    QFETCH(QString, detail);
    m_emu->seedDemoData();
    const StoredUser ada = *m_emu->store().userByName(QStringLiteral("ada@example.com"));
    m_client->transport()->setDefaultTimeout(700ms);
    // Let the access token through: only the users and passkeys endpoints are spoiled.
    QVERIFY(run<GetUser>(*m_client, ada.id).ok());
    QVERIFY(putFaults(*m_emu, QJsonObject{{QStringLiteral("mode"), mode}, {QStringLiteral("pathPrefix"), QStringLiteral("/user")}}));

    const auto user = run<GetUser>(*m_client, ada.id);
    const auto passkeys = run<ListPasskeys>(*m_client, ada.id);
    for (const ApiError &e : {user.error(), passkeys.error()}) {
        QVERIFY2(e.kind() == ApiError::Kind(kind), qPrintable(ApiError::kindName(e.kind()) + QLatin1String(": ") + e.message()));
        QCOMPARE(e.httpStatus(), status);
        const QString text = e.detail() + e.serverMessage();
        QVERIFY2(text.contains(detail), qPrintable(e.message()));
        QVERIFY2(e.message().contains(ada.id), qPrintable(e.message()));
        QCOMPARE(e.host(), m_emu->baseUrl().authority());
        // Where no status came back, the message says which server did not answer properly.
        if (e.kind() != ApiError::Kind::HttpStatus)
            QVERIFY2(e.message().contains(m_emu->baseUrl().authority()), qPrintable(e.message()));
        QVERIFY2(!e.hint().isEmpty(), qPrintable(e.message()));
    }
    if (mode == QLatin1String("html"))
        QVERIFY2(user.error().serverMessage().contains(QStringLiteral("\u201c502 Bad Gateway\u201d")), qPrintable(user.error().serverMessage()));
}

void tst_UsersClient::emulatorOnItsOwnThreadServesTheSameApi()
{
    emulator::EmulatorThread thread;
    QVERIFY2(thread.start(), qPrintable(thread.errorString()));
    thread.seedDemoData();
    PlainKeyClient client;
    Credentials c;
    c.baseUrl = thread.baseUrl();
    c.projectId = thread.config().projectId;
    c.clientSecret = thread.config().clientSecret;
    client.setCredentials(c);

    const auto ada = run<FindUserByName>(client, QStringLiteral("ada@example.com"));
    QVERIFY2(ada.ok(), qPrintable(ada.error().message()));
    const auto passkeys = run<ListPasskeys>(client, ada->id);
    QVERIFY2(passkeys.ok(), qPrintable(passkeys.error().message()));
    QCOMPARE(passkeys->size(), 2);

    QSignalSpy served(&thread, &emulator::EmulatorThread::requestServed);
    Fault f;
    f.mode = Fault::Mode::Status;
    f.status = 429;
    f.retryAfterSeconds = 3;
    thread.setFault(f);
    // setFault does not wait: the request that follows it is queued behind it on the thread.
    const auto limited = run<GetUser>(client, ada->id);
    QCOMPARE(limited.error().kind(), ApiError::Kind::RateLimited);
    QCOMPARE(limited.error().retryAfterSeconds(), std::optional<int>(3));
    QTRY_VERIFY_WITH_TIMEOUT(!served.isEmpty(), 5000);
    QCOMPARE(served.last().at(2).toInt(), 429);

    thread.reset();
    const auto gone = run<GetUser>(client, ada->id);
    QCOMPARE(gone.error().httpStatus(), 404);
    thread.stop();
}

QTEST_GUILESS_MAIN(tst_UsersClient)
#include "tst_usersclient.moc"
