// Users and passkeys on the wire, against a raw loopback server that records what arrives
// and answers what a test needs: the exact requests of every operation, and how the bulk
// importer copes with refused chunks, rate limits, server errors and odd answers.

#include "rawhttpserver.h"

#include "core/api/plainkeyclient.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"
#include "core/users/passkeyops.h"
#include "core/users/userimporter.h"
#include "core/users/userimportlist.h"
#include "core/users/userlookup.h"
#include "core/users/userops.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

using namespace plainkey;
using namespace std::chrono_literals;

namespace {

const QString kSecret = QStringLiteral("wire-test-client-secret");

QByteArray tokenAnswer()
{
    return RawHttpServer::response(200, R"({"access_token":"at-wire-0123456789","token_type":"Bearer","expires_in":3600})");
}

QByteArray json(int status, const QJsonValue &v)
{
    return RawHttpServer::response(status, v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                                                       : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
}

void configure(PlainKeyClient &client, const QUrl &url)
{
    Credentials c;
    c.baseUrl = url;
    c.projectId = QStringLiteral("proj_wire");
    c.clientSecret = kSecret;
    client.setCredentials(c);
}

template <typename Op, typename... Args>
Result<typename Op::Value> run(PlainKeyClient &client, Args &&...args)
{
    std::optional<Result<typename Op::Value>> result;
    client.call<Op>(nullptr, [&](const Result<typename Op::Value> &r) { result.emplace(r); }, std::forward<Args>(args)...);
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
        return ApiError(ApiError::Kind::None, QStringLiteral("no result in time"));
    return *result;
}

QList<ImportRow> rowsOf(const QStringList &names)
{
    QList<ImportRow> rows;
    int line = 0;
    for (const QString &n : names) {
        ImportRow r;
        r.line = ++line;
        r.userName = n;
        rows.append(r);
    }
    return rows;
}

QStringList names(int count, const QString &prefix = QStringLiteral("user"))
{
    QStringList out;
    for (int i = 0; i < count; ++i)
        out.append(QStringLiteral("%1%2@example.com").arg(prefix).arg(i));
    return out;
}

//! Answers a bulk request like PlainKey: one user per name, in order.
QByteArray bulkCreated(const RawHttpServer::Request &r, int *nextId)
{
    QJsonArray out;
    for (const QJsonValue &u : QJsonDocument::fromJson(r.body).object().value(QLatin1String("users")).toArray())
        out.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("usr_%1").arg((*nextId)++)},
                               {QStringLiteral("userName"), u.toObject().value(QLatin1String("userName"))}});
    return json(200, out);
}

bool runImport(UserImporter &importer, const QList<ImportRow> &rows, int timeoutMs = 60000)
{
    QSignalSpy finished(&importer, &UserImporter::finished);
    if (!importer.start(rows))
        return false;
    return QTest::qWaitFor([&] { return finished.count() > 0; }, timeoutMs) && finished.count() == 1;
}

} // namespace

class tst_UsersWire : public QObject
{
    Q_OBJECT
private slots:
    void everyOperationSendsTheContractsRequest();
    void lookUpRefusesAnEmptyIdentifierWithoutSending();
    void registrationTokenNeverReachesTheLog();

    void importSendsChunksAndMatchesIdsByName();
    void importNeverSendsInvalidRows();
    void refusedChunkIsRetriedNameByName();
    void rateLimitedChunkWaitsAndRetries();
    void serverErrorMarksTheChunkUncertainAndGoesOn();
    void answerWithoutSomeNamesLeavesThemUncertain();
    void answerOfBareIdsIsReadInOrder();
    void wrongCredentialsStopTheImportOnce();
    void cancelLetsTheRequestInFlightFinish();
};

void tst_UsersWire::everyOperationSendsTheContractsRequest()
{
    const QJsonObject user{{QStringLiteral("id"), QStringLiteral("usr_1")}, {QStringLiteral("userName"), QStringLiteral("ada@example.com")}};
    const QJsonObject passkey{{QStringLiteral("id"), QStringLiteral("cred/1")},
                              {QStringLiteral("userId"), QStringLiteral("usr_1")},
                              {QStringLiteral("createdAt"), QStringLiteral("2024-05-01T12:00:00Z")}};
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer());
        else if (r.path.endsWith("/credentials"))
            s->write(json(200, QJsonArray{passkey}));
        else if (r.path.startsWith("/credential/") && r.method == "GET")
            s->write(json(200, passkey));
        else if (r.path.startsWith("/credential/") || r.method == "DELETE")
            s->write(json(200, QJsonObject{{QStringLiteral("success"), true}}));
        else if (r.path == "/user/credential/begin")
            s->write(json(200, QJsonObject{{QStringLiteral("options"), QJsonObject{{QStringLiteral("challenge"), QStringLiteral("abc")}}},
                                           {QStringLiteral("authenticationToken"), QStringLiteral("auth-token-wire-123456")}}));
        else if (r.path == "/user/bulk")
            s->write(json(200, QJsonArray{user}));
        else
            s->write(json(200, user));
    });
    PlainKeyClient client;
    configure(client, server.url());

    struct Expected
    {
        QByteArray method;
        QByteArray path;
        QJsonObject body;
        bool hasBody;
    };
    const auto byName = UserIdentifier::byName(QStringLiteral("ada@example.com"));
    QList<Expected> expected;

    QVERIFY(run<GetUser>(client, QStringLiteral("usr/1 ?")).ok());
    expected.append({"GET", "/user/usr%2F1%20%3F", {}, false});
    QVERIFY(run<FindUserByName>(client, QStringLiteral("ada+1@example.com")).ok());
    expected.append({"GET", "/user?userName=ada%2B1%40example.com", {}, false});
    QVERIFY(run<CreateUser>(client, std::optional<QString>(QStringLiteral("ada@example.com"))).ok());
    expected.append({"POST", "/user", QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada@example.com")}}, true});
    QVERIFY(run<CreateUser>(client, std::optional<QString>()).ok());
    expected.append({"POST", "/user", QJsonObject{}, true});
    QVERIFY(run<UpdateUserName>(client, byName, std::optional<QString>(QStringLiteral("ada2"))).ok());
    expected.append({"PATCH", "/user",
                     QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada@example.com")}}},
                                 {QStringLiteral("updates"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada2")}}}},
                     true});
    QVERIFY(run<UpdateUserName>(client, UserIdentifier::byId(QStringLiteral("usr_1")), std::optional<QString>()).ok());
    expected.append({"PATCH", "/user",
                     QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userId"), QStringLiteral("usr_1")}}},
                                 {QStringLiteral("updates"), QJsonObject{{QStringLiteral("userName"), QJsonValue(QJsonValue::Null)}}}},
                     true});
    QVERIFY(run<DeleteUser>(client, UserIdentifier::byId(QStringLiteral("usr_1"))).ok());
    expected.append({"DELETE", "/user", QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userId"), QStringLiteral("usr_1")}}}}, true});
    QVERIFY(run<CreateUsers>(client, QStringList{QStringLiteral("ada@example.com")}).ok());
    expected.append({"POST", "/user/bulk",
                     QJsonObject{{QStringLiteral("users"), QJsonArray{QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada@example.com")}}}}}, true});
    QVERIFY(run<ListPasskeys>(client, QStringLiteral("usr_1")).ok());
    expected.append({"GET", "/user/usr_1/credentials", {}, false});
    QVERIFY(run<GetPasskey>(client, QStringLiteral("cred/1")).ok());
    expected.append({"GET", "/credential/cred%2F1", {}, false});
    QVERIFY(run<SetPasskeyLabel>(client, QStringLiteral("cred/1"), std::optional<QString>(QStringLiteral("Work"))).ok());
    expected.append({"PATCH", "/credential/cred%2F1/label", QJsonObject{{QStringLiteral("label"), QStringLiteral("Work")}}, true});
    QVERIFY(run<SetPasskeyLabel>(client, QStringLiteral("cred/1"), std::optional<QString>()).ok());
    expected.append({"PATCH", "/credential/cred%2F1/label", QJsonObject{{QStringLiteral("label"), QJsonValue(QJsonValue::Null)}}, true});
    QVERIFY(run<DeletePasskey>(client, QStringLiteral("cred/1")).ok());
    expected.append({"DELETE", "/credential/cred%2F1", {}, false});
    QVERIFY(run<BeginPasskeyRegistration>(client, byName).ok());
    expected.append({"POST", "/user/credential/begin",
                     QJsonObject{{QStringLiteral("userIdentifier"), QJsonObject{{QStringLiteral("userName"), QStringLiteral("ada@example.com")}}}}, true});

    QList<RawHttpServer::Request> requests;
    for (const auto &r : server.requests()) {
        if (r.path != "/access-token")
            requests.append(r);
    }
    QCOMPARE(requests.size(), expected.size());
    for (int i = 0; i < requests.size(); ++i) {
        const auto &r = requests.at(i);
        const auto &e = expected.at(i);
        const QByteArray where = e.method + ' ' + e.path;
        QVERIFY2(r.method == e.method, where.constData());
        QVERIFY2(r.path == e.path, (where + " got " + r.path).constData());
        QVERIFY2(r.headers.value("authorization") == "Bearer at-wire-0123456789", where.constData());
        QVERIFY2(r.headers.value("x-project-id") == "proj_wire", where.constData());
        QVERIFY2(r.headers.value("content-type").startsWith("application/json"), where.constData());
        if (e.hasBody)
            QVERIFY2(QJsonDocument::fromJson(r.body).object() == e.body, (where + " body " + r.body).constData());
        else
            QVERIFY2(r.body.isEmpty(), (where + " body " + r.body).constData());
    }
}

void tst_UsersWire::lookUpRefusesAnEmptyIdentifierWithoutSending()
{
    RawHttpServer server([](const RawHttpServer::Request &, QTcpSocket *s) { s->write(tokenAnswer()); });
    PlainKeyClient client;
    configure(client, server.url());
    std::optional<Result<User>> result;
    QVERIFY(!lookUpUser(client, UserIdentifier::byName(QStringLiteral("  ")), nullptr, [&](const Result<User> &r) { result.emplace(r); }));
    QVERIFY(!result); // never synchronously
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 5000);
    QCOMPARE(result->error().kind(), ApiError::Kind::InvalidInput);
    QVERIFY2(result->error().message().contains(QLatin1String("user name is empty")), qPrintable(result->error().message()));
    QCOMPARE(server.requestCount(), 0);
}

void tst_UsersWire::registrationTokenNeverReachesTheLog()
{
    const QString token = QStringLiteral("opaque-registration-token-7f3a9c");
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer());
        else
            s->write(json(200, QJsonObject{{QStringLiteral("options"), QJsonObject{{QStringLiteral("challenge"), QStringLiteral("abc")}}},
                                           {QStringLiteral("authenticationToken"), token}}));
    });
    PlainKeyClient client;
    configure(client, server.url());
    const auto r = run<BeginPasskeyRegistration>(client, UserIdentifier::byId(QStringLiteral("usr_1")));
    QVERIFY(r.ok());
    QCOMPARE(r->authenticationToken, token);
    const ExchangeLog *log = client.exchangeLog();
    QByteArray all;
    for (int i = 0; i < log->size(); ++i)
        all += log->at(i).requestBody + log->at(i).responseBody + log->at(i).url.toUtf8();
    QVERIFY(!all.contains(token.toUtf8()));
    QVERIFY(!all.contains(kSecret.toUtf8()));
    QVERIFY(all.contains("[redacted auth_token #"));
}

void tst_UsersWire::importSendsChunksAndMatchesIdsByName()
{
    int nextId = 1;
    QList<int> chunkSizes;
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            s->write(tokenAnswer());
            return;
        }
        const QJsonArray users = QJsonDocument::fromJson(r.body).object().value(QLatin1String("users")).toArray();
        chunkSizes.append(int(users.size()));
        // Answer in reverse order: the importer must match by name, not position.
        QJsonArray out;
        for (qsizetype i = users.size() - 1; i >= 0; --i)
            out.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("usr_%1").arg(nextId++)},
                                   {QStringLiteral("userName"), users.at(i).toObject().value(QLatin1String("userName"))}});
        s->write(json(200, out));
    });
    PlainKeyClient client;
    configure(client, server.url());
    UserImporter importer(&client);
    QSignalSpy progress(&importer, &UserImporter::progressChanged);
    QVERIFY(runImport(importer, rowsOf(names(1200))));
    QCOMPARE(chunkSizes, QList<int>({500, 500, 200}));
    QCOMPARE(importer.count(ImportRow::Status::Created), 1200);
    QCOMPARE(importer.processed(), 1200);
    QCOMPARE(importer.requestCount(), 3);
    // Reversed answer of the first chunk: row 0 got the chunk's last ID.
    QCOMPARE(importer.rows().at(0).userId, QStringLiteral("usr_500"));
    QCOMPARE(importer.rows().at(499).userId, QStringLiteral("usr_1"));
    QVERIFY(progress.count() >= 4);
    QCOMPARE(progress.last().at(0).toInt(), 1200);
}

void tst_UsersWire::importNeverSendsInvalidRows()
{
    QStringList sent;
    int nextId = 1;
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            s->write(tokenAnswer());
            return;
        }
        for (const QJsonValue &u : QJsonDocument::fromJson(r.body).object().value(QLatin1String("users")).toArray())
            sent.append(u.toObject().value(QLatin1String("userName")).toString());
        s->write(bulkCreated(r, &nextId));
    });
    PlainKeyClient client;
    configure(client, server.url());
    const UserImportList list = UserImportList::parse("userName\nada\n\nada\n,\nbob\n", QStringLiteral("x.csv"));
    UserImporter importer(&client);
    QVERIFY(runImport(importer, list.rows));
    QCOMPARE(sent, QStringList({QStringLiteral("ada"), QStringLiteral("bob")}));
    QCOMPARE(importer.count(ImportRow::Status::Created), 2);
    QCOMPARE(importer.count(ImportRow::Status::Invalid), list.count(ImportRow::Status::Invalid));
}

void tst_UsersWire::refusedChunkIsRetriedNameByName()
{
    int nextId = 1;
    int singles = 0;
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            s->write(tokenAnswer());
        } else if (r.path == "/user/bulk") {
            if (r.body.contains("bad"))
                s->write(json(400, QJsonObject{{QStringLiteral("error"), QStringLiteral("userName bad@example.com is not allowed")}}));
            else
                s->write(bulkCreated(r, &nextId));
        } else {
            ++singles;
            const QString name = QJsonDocument::fromJson(r.body).object().value(QLatin1String("userName")).toString();
            if (name.startsWith(QLatin1String("bad")))
                s->write(json(400, QJsonObject{{QStringLiteral("error"), QStringLiteral("User name not allowed")}}));
            else
                s->write(json(200, QJsonObject{{QStringLiteral("id"), QStringLiteral("usr_%1").arg(nextId++)}, {QStringLiteral("userName"), name}}));
        }
    });
    PlainKeyClient client;
    configure(client, server.url());
    UserImporter importer(&client);
    importer.setChunkSize(10);
    QStringList all = names(25);
    all[13] = QStringLiteral("bad@example.com");
    QVERIFY(runImport(importer, rowsOf(all)));
    QCOMPARE(singles, 10); // only the refused chunk went one by one
    QCOMPARE(importer.count(ImportRow::Status::Created), 24);
    QCOMPARE(importer.count(ImportRow::Status::Failed), 1);
    const ImportRow &bad = importer.rows().at(13);
    QCOMPARE(bad.status, ImportRow::Status::Failed);
    QVERIFY2(bad.message.contains(QLatin1String("User name not allowed")), qPrintable(bad.message));
    QVERIFY2(bad.message.contains(QLatin1String("400")), qPrintable(bad.message));
    QCOMPARE(importer.rows().at(24).status, ImportRow::Status::Created); // the chunk after it went on
    QVERIFY(!importer.stopReason());
}

void tst_UsersWire::rateLimitedChunkWaitsAndRetries()
{
    int nextId = 1;
    int bulkRequests = 0;
    QElapsedTimer sinceRefusal;
    qint64 waitedMs = -1;
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            s->write(tokenAnswer());
            return;
        }
        if (++bulkRequests == 1) {
            sinceRefusal.start();
            s->write(RawHttpServer::response(429, R"({"error":"Too many requests"})", "application/json", {{"Retry-After", "1"}}));
            return;
        }
        if (waitedMs < 0)
            waitedMs = sinceRefusal.elapsed();
        s->write(bulkCreated(r, &nextId));
    });
    PlainKeyClient client;
    configure(client, server.url());
    UserImporter importer(&client);
    QVERIFY(runImport(importer, rowsOf(names(30))));
    QCOMPARE(bulkRequests, 2);
    QVERIFY2(waitedMs >= 900, qPrintable(QString::number(waitedMs)));
    QCOMPARE(importer.count(ImportRow::Status::Created), 30);
}

void tst_UsersWire::serverErrorMarksTheChunkUncertainAndGoesOn()
{
    int nextId = 1;
    int bulkRequests = 0;
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer());
        else if (++bulkRequests == 1)
            s->write(RawHttpServer::response(502, "<html><title>Bad Gateway</title></html>", "text/html"));
        else
            s->write(bulkCreated(r, &nextId));
    });
    PlainKeyClient client;
    configure(client, server.url());
    UserImporter importer(&client);
    importer.setChunkSize(5);
    QVERIFY(runImport(importer, rowsOf(names(12))));
    QCOMPARE(bulkRequests, 3); // no blind retry of a chunk that may have been created
    QCOMPARE(importer.count(ImportRow::Status::Uncertain), 5);
    QCOMPARE(importer.count(ImportRow::Status::Created), 7);
    const QString message = importer.rows().at(0).message;
    QVERIFY2(message.contains(QLatin1String("502")) && message.contains(QLatin1String("look them up")), qPrintable(message));
}

void tst_UsersWire::answerWithoutSomeNamesLeavesThemUncertain()
{
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token") {
            s->write(tokenAnswer());
            return;
        }
        // Only the first name comes back, with different case; one stranger too.
        s->write(json(200, QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("usr_a")}, {QStringLiteral("userName"), QStringLiteral("ADA")}},
                                      QJsonObject{{QStringLiteral("id"), QStringLiteral("usr_z")}, {QStringLiteral("userName"), QStringLiteral("zed")}}}));
    });
    PlainKeyClient client;
    configure(client, server.url());
    UserImporter importer(&client);
    QVERIFY(runImport(importer, rowsOf({QStringLiteral("ada"), QStringLiteral("bob")})));
    QCOMPARE(importer.rows().at(0).status, ImportRow::Status::Created);
    QCOMPARE(importer.rows().at(0).userId, QStringLiteral("usr_a"));
    QCOMPARE(importer.rows().at(1).status, ImportRow::Status::Uncertain);
    QVERIFY(importer.rows().at(1).message.contains(QLatin1String("does not list this name")));
}

void tst_UsersWire::answerOfBareIdsIsReadInOrder()
{
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer());
        else
            s->write(json(200, QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("usr_1")}},
                                          QJsonObject{{QStringLiteral("id"), QStringLiteral("usr_2")}}}));
    });
    PlainKeyClient client;
    configure(client, server.url());
    UserImporter importer(&client);
    QVERIFY(runImport(importer, rowsOf({QStringLiteral("ada"), QStringLiteral("bob")})));
    QCOMPARE(importer.rows().at(0).userId, QStringLiteral("usr_1"));
    QCOMPARE(importer.rows().at(1).userId, QStringLiteral("usr_2"));
}

void tst_UsersWire::wrongCredentialsStopTheImportOnce()
{
    RawHttpServer server([](const RawHttpServer::Request &, QTcpSocket *s) {
        s->write(json(400, QJsonObject{{QStringLiteral("error"), QStringLiteral("Invalid client credentials")}}));
    });
    PlainKeyClient client;
    configure(client, server.url());
    UserImporter importer(&client);
    importer.setChunkSize(10);
    QSignalSpy finished(&importer, &UserImporter::finished);
    QVERIFY(runImport(importer, rowsOf(names(35))));
    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(importer.count(ImportRow::Status::Failed), 35);
    QCOMPARE(importer.stopReason().kind(), ApiError::Kind::CredentialsRejected);
    QVERIFY(importer.rows().at(34).message.contains(QLatin1String("import stopped")));
    QTest::qWait(50);
    QCOMPARE(finished.count(), 1);
    QVERIFY(!importer.isRunning());
}

void tst_UsersWire::cancelLetsTheRequestInFlightFinish()
{
    int nextId = 1;
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *s) {
        if (r.path == "/access-token")
            s->write(tokenAnswer());
        else
            s->write(bulkCreated(r, &nextId));
    });
    PlainKeyClient client;
    configure(client, server.url());
    UserImporter importer(&client);
    importer.setChunkSize(10);
    QSignalSpy finished(&importer, &UserImporter::finished);
    QVERIFY(importer.start(rowsOf(names(50))));
    importer.cancel(); // the first request is already on its way
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    QCOMPARE(importer.requestCount(), 1);
    QCOMPARE(importer.count(ImportRow::Status::Created), 10);
    QCOMPARE(importer.count(ImportRow::Status::Failed), 40);
    QVERIFY(importer.rows().at(49).message.contains(QLatin1String("cancelled")));
}

QTEST_GUILESS_MAIN(tst_UsersWire)
#include "tst_userswire.moc"
