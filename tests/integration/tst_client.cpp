// The client against the emulator over loopback HTTP: the access-token lifecycle, retry on
// 401, and verification of valid, forged, expired and other-project tokens.

#include "emulatorcredentials.h"
#include "httptesthelper.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "emulator/emulator.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"

#include <QSignalSpy>
#include <QTest>

using namespace plainkey;
using namespace std::chrono_literals;
using emulator::Emulator;
using emulator::EmulatorConfig;

namespace {

struct Verified
{
    bool done = false;
    std::optional<Result<VerifyResult>> result;
};

Verified verify(PlainKeyClient &client, const QString &token)
{
    Verified v;
    client.verifyToken(token, nullptr, [&v](const Result<VerifyResult> &r) {
        v.result.emplace(r);
        v.done = true;
    });
    if (!QTest::qWaitFor([&v] { return v.done; }, 15000))
        v.result.emplace(ApiError(ApiError::Kind::None, QStringLiteral("the test got no result in time")));
    return v;
}

//! Signs up a new user on the emulator and returns the authentication token it minted.
QString signUp(const Emulator &emu, const QString &userName, QString *userId = nullptr)
{
    const auto a = testHttp("POST", emu.baseUrl().resolved(QUrl(QStringLiteral("/emulator/sign-up"))),
                            QJsonObject{{QStringLiteral("userName"), userName}});
    if (userId)
        *userId = a.json.value(QLatin1String("userId")).toString();
    return a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
}

QString signIn(const Emulator &emu, const QString &userId, int ttlSeconds)
{
    const auto a = testHttp("POST", emu.baseUrl().resolved(QUrl(QStringLiteral("/emulator/sign-in"))),
                            QJsonObject{{QStringLiteral("userId"), userId}, {QStringLiteral("ttlSeconds"), ttlSeconds}});
    return a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
}

int countPath(const ExchangeLog &log, const QString &path)
{
    int n = 0;
    for (int i = 0; i < log.size(); ++i)
        n += log.at(i).path() == path;
    return n;
}

//! A client on an emulator whose access tokens live \a ttl, counting the tokens it receives.
struct ShortLivedTokens
{
    static EmulatorConfig configWith(std::chrono::seconds ttl)
    {
        EmulatorConfig config;
        config.accessTokenTtl = ttl;
        return config;
    }
    explicit ShortLivedTokens(std::chrono::seconds ttl) : emu(configWith(ttl))
    {
        listening = emu.listen();
        client.setCredentials(emulatorCredentials(emu));
    }
    int tokenFetches() const { return countPath(*client.exchangeLog(), QStringLiteral("/access-token")); }

    Emulator emu;
    bool listening = false;
    PlainKeyClient client;
    AccessTokenManager *tokens = client.accessToken();
    QSignalSpy refreshed{tokens, &AccessTokenManager::tokenRefreshed};
};

} // namespace

class tst_Client : public QObject
{
    Q_OBJECT
private slots:
    void validTokenNamesTheUser();
    void changedTokenIsNotValid();
    void expiredTokenIsNotValid();
    void otherProjectsTokenIsNotValid();
    void expiresAtIsReadInEveryFormat_data();
    void expiresAtIsReadInEveryFormat();
    void opaqueTokensVerifyToo();
    void wrongSecretIsRejected();
    void tokenLifecycleWithShortTtl();
    void tokenShorterThanTheGracePeriodIsUsedForHalfItsLife();
    void cancelledFetchKeepsTheTokenAndDoesNotRestartAtOnce();
    void oneFetchServesFiftyConcurrentCalls();
    void revokedTokenIsReplacedAndTheCallRetried();
    void baseUrlWithServerPathAndTrailingSlashWorks();
    void noSecretReachesTheLog();
};

void tst_Client::validTokenNamesTheUser()
{
    Emulator emu;
    QVERIFY2(emu.listen(), qPrintable(emu.errorString()));
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(emu));
    QString userId;
    const QString token = signUp(emu, QStringLiteral("ada@example.com"), &userId);
    QVERIFY(!token.isEmpty());
    QVERIFY(!userId.isEmpty());

    const Verified v = verify(client, token);
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message()));
    QVERIFY(v.result->value().valid);
    QCOMPARE(v.result->value().userId, userId);
    QCOMPARE(v.result->value().projectId, emu.config().projectId);
    QVERIFY(v.result->value().expiresAt.has_value());
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(v.result->value().expiresAt->utc);
    QVERIFY2(left > 200 && left <= 301, qPrintable(QString::number(left))); // 5-minute tokens
}

void tst_Client::changedTokenIsNotValid()
{
    Emulator emu;
    QVERIFY(emu.listen());
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(emu));
    QString token = signUp(emu, QStringLiteral("grace@example.com"));
    const int i = token.size() - 5;
    token[i] = token[i] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');

    const Verified v = verify(client, token);
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message()));
    QCOMPARE(v.result->value().valid, false);
    QCOMPARE(v.result->value().httpStatus, 401);
    QVERIFY(!v.result->value().error.isEmpty());
    QVERIFY(v.result->value().userId.isEmpty());
}

void tst_Client::expiredTokenIsNotValid()
{
    Emulator emu;
    QVERIFY(emu.listen());
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(emu));
    QString userId;
    signUp(emu, QStringLiteral("linus@example.com"), &userId);
    const QString token = signIn(emu, userId, 1);
    QVERIFY(!token.isEmpty());
    QTest::qWait(1600);
    const Verified v = verify(client, token);
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message()));
    QCOMPARE(v.result->value().valid, false);
    QVERIFY2(v.result->value().error.contains(QLatin1String("xpire")), qPrintable(v.result->value().error));
    QVERIFY(VerifyResult::explainReason(v.result->value().error).contains(QLatin1String("expiry")));
}

void tst_Client::otherProjectsTokenIsNotValid()
{
    Emulator ours;
    EmulatorConfig otherConfig;
    otherConfig.projectId = QStringLiteral("other-project");
    otherConfig.clientSecret = QStringLiteral("other-secret-value");
    Emulator theirs(otherConfig);
    QVERIFY(ours.listen());
    QVERIFY(theirs.listen());
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(ours));
    const QString foreign = signUp(theirs, QStringLiteral("eve@example.com"));
    const Verified v = verify(client, foreign);
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message()));
    QCOMPARE(v.result->value().valid, false);
}

void tst_Client::expiresAtIsReadInEveryFormat_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("expected");
    QTest::newRow("ISO 8601") << int(EmulatorConfig::ExpiresAtFormat::Iso8601) << int(Timestamp::Format::Iso8601);
    QTest::newRow("epoch seconds") << int(EmulatorConfig::ExpiresAtFormat::EpochSeconds) << int(Timestamp::Format::EpochSeconds);
    QTest::newRow("epoch millis") << int(EmulatorConfig::ExpiresAtFormat::EpochMillis) << int(Timestamp::Format::EpochMillis);
}

void tst_Client::expiresAtIsReadInEveryFormat()
{
    QFETCH(int, format);
    QFETCH(int, expected);
    EmulatorConfig config;
    config.expiresAtFormat = EmulatorConfig::ExpiresAtFormat(format);
    Emulator emu(config);
    QVERIFY(emu.listen());
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(emu));
    const Verified v = verify(client, signUp(emu, QStringLiteral("fmt@example.com")));
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message()));
    QVERIFY(v.result->value().valid);
    QVERIFY(v.result->value().expiresAt.has_value());
    QCOMPARE(int(v.result->value().expiresAt->format), expected);
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(v.result->value().expiresAt->utc);
    QVERIFY2(left > 200 && left <= 301, qPrintable(QString::number(left)));
}

void tst_Client::opaqueTokensVerifyToo()
{
    EmulatorConfig config;
    config.tokenFormat = EmulatorConfig::TokenFormat::Opaque;
    Emulator emu(config);
    QVERIFY(emu.listen());
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(emu));
    const QString token = signUp(emu, QStringLiteral("opaque@example.com"));
    QVERIFY(!token.startsWith(QLatin1String("eyJ")));
    const Verified v = verify(client, token);
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message()));
    QVERIFY(v.result->value().valid);
}

void tst_Client::wrongSecretIsRejected()
{
    Emulator emu;
    QVERIFY(emu.listen());
    PlainKeyClient client;
    Credentials c = emulatorCredentials(emu);
    c.clientSecret = QStringLiteral("not-the-secret");
    client.setCredentials(c);
    const Verified v = verify(client, QStringLiteral("whatever-token"));
    QVERIFY(!v.result->ok());
    QCOMPARE(v.result->error().kind(), ApiError::Kind::CredentialsRejected);
    QCOMPARE(v.result->error().httpStatus(), 400);
    QVERIFY(!v.result->error().serverMessage().isEmpty());
    QCOMPARE(client.accessToken()->state(), AccessTokenManager::State::Failed);
}

void tst_Client::tokenLifecycleWithShortTtl()
{
    ShortLivedTokens f(3s);
    QVERIFY(f.listening);
    auto &[emu, listening, client, tokens, refreshed] = f;
    tokens->setGracePeriod(1s);

    const QString token = signUp(emu, QStringLiteral("ttl@example.com"));
    QVERIFY(verify(client, token).result->ok());
    QCOMPARE(refreshed.count(), 1);
    QCOMPARE(tokens->state(), AccessTokenManager::State::Valid);
    QCOMPARE(tokens->lifetime(), 3s);
    const QDateTime firstExpiry = tokens->expiresAt();
    QVERIFY(qAbs(QDateTime::currentDateTimeUtc().secsTo(firstExpiry) - 3) <= 1);

    // Inside the grace period the next call fetches a new token first.
    QTRY_COMPARE_WITH_TIMEOUT(tokens->state(), AccessTokenManager::State::ExpiringSoon, 4000);
    QVERIFY(verify(client, token).result->ok());
    QCOMPARE(refreshed.count(), 2);
    QVERIFY(tokens->expiresAt() > firstExpiry);

    // Left alone it expires; the next call fetches again.
    QTRY_COMPARE_WITH_TIMEOUT(tokens->state(), AccessTokenManager::State::Expired, 5000);
    QVERIFY(verify(client, token).result->ok());
    QCOMPARE(refreshed.count(), 3);
    QCOMPARE(f.tokenFetches(), 3);
}

void tst_Client::tokenShorterThanTheGracePeriodIsUsedForHalfItsLife()
{
    // A 4-second token under the default 10-minute grace period: without a cap it would be
    // "expiring soon" from birth, every call would fetch a new one, and automatic refresh
    // would fetch in a loop.
    ShortLivedTokens f(4s);
    QVERIFY(f.listening);
    auto &[emu, listening, client, tokens, refreshed] = f;
    QCOMPARE(tokens->gracePeriod(), 600s);
    tokens->setAutoRefresh(true);

    const QString token = signUp(emu, QStringLiteral("short@example.com"));
    QVERIFY(verify(client, token).result->ok());
    QCOMPARE(refreshed.count(), 1);
    QCOMPARE(tokens->effectiveGracePeriod(), 2s);
    QCOMPARE(tokens->state(), AccessTokenManager::State::Valid);
    // Two more calls use the same token (the authentication token may be single use; the
    // answer does not matter here, only that no new access token is fetched for them).
    QVERIFY(verify(client, token).done);
    QVERIFY(verify(client, token).done);
    QTest::qWait(500);
    QCOMPARE(f.tokenFetches(), 1);

    // Half-way through its life the automatic refresh fetches one new token, not a stream.
    QVERIFY(refreshed.wait(4000));
    QTest::qWait(500);
    QCOMPARE(refreshed.count(), 2);
    QCOMPARE(tokens->state(), AccessTokenManager::State::Valid);
    QCOMPARE(f.tokenFetches(), 2);
}

void tst_Client::cancelledFetchKeepsTheTokenAndDoesNotRestartAtOnce()
{
    ShortLivedTokens f(4s);
    QVERIFY(f.listening);
    auto &[emu, listening, client, tokens, refreshed] = f;
    QSignalSpy failed(tokens, &AccessTokenManager::fetchFailed);
    tokens->refresh();
    QVERIFY(refreshed.wait(5000));
    const QString first = tokens->token();

    // PlainKey is slow; the automatic refresh starts and the user cancels it.
    emu.setLatency(3000ms);
    tokens->setAutoRefresh(true);
    QTRY_VERIFY_WITH_TIMEOUT(tokens->isFetching(), 4000);
    tokens->cancelFetch();
    QVERIFY(!tokens->isFetching());
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().first().value<ApiError>().kind(), ApiError::Kind::Cancelled);
    QCOMPARE(tokens->token(), first);
    QCOMPARE(tokens->state(), AccessTokenManager::State::ExpiringSoon);
    // Not straight back into the request the user just cancelled.
    QTest::qWait(300);
    QVERIFY(!tokens->isFetching());
    QCOMPARE(refreshed.count(), 1);

    // Cancelling with no fetch in flight does nothing.
    tokens->cancelFetch();
    QCOMPARE(failed.count(), 1);
}

void tst_Client::oneFetchServesFiftyConcurrentCalls()
{
    Emulator emu;
    QVERIFY(emu.listen());
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(emu));
    const QString token = signUp(emu, QStringLiteral("busy@example.com"));
    int done = 0;
    int valid = 0;
    for (int i = 0; i < 50; ++i)
        client.verifyToken(token, nullptr, [&](const Result<VerifyResult> &r) {
            ++done;
            valid += r.ok() && r.value().valid;
        });
    QTRY_COMPARE_WITH_TIMEOUT(done, 50, 30000);
    QCOMPARE(valid, 50);
    QCOMPARE(countPath(*client.exchangeLog(), QStringLiteral("/access-token")), 1);
    QCOMPARE(countPath(*client.exchangeLog(), QStringLiteral("/authentication-token/verify")), 50);
}

void tst_Client::revokedTokenIsReplacedAndTheCallRetried()
{
    Emulator emu;
    QVERIFY(emu.listen());
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(emu));
    const QString token = signUp(emu, QStringLiteral("revoked@example.com"));
    QVERIFY(verify(client, token).result->ok());
    const QString first = client.accessToken()->token();

    QCOMPARE(testHttp("POST", emu.baseUrl().resolved(QUrl(QStringLiteral("/emulator/revoke-access-tokens")))).status, 200);
    const Verified v = verify(client, token);
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message()));
    QVERIFY(v.result->value().valid);
    QVERIFY(client.accessToken()->token() != first);

    const ExchangeLog &log = *client.exchangeLog();
    QCOMPARE(log.size(), 5); // token, verify | verify 401, token, verify 200
    QCOMPARE(log.at(2).status, 401);
    QCOMPARE(log.at(3).path(), QStringLiteral("/access-token"));
    QCOMPARE(log.at(4).status, 200);
}

void tst_Client::baseUrlWithServerPathAndTrailingSlashWorks()
{
    Emulator emu;
    QVERIFY(emu.listen());
    PlainKeyClient client;
    Credentials c = emulatorCredentials(emu);
    c.baseUrl = QUrl(emu.baseUrl().toString() + QStringLiteral("/server/"));
    client.setCredentials(c);
    const Verified v = verify(client, signUp(emu, QStringLiteral("slash@example.com")));
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message()));
    QVERIFY(v.result->value().valid);
    QCOMPARE(client.exchangeLog()->at(0).path(), QStringLiteral("/server/access-token"));
}

void tst_Client::noSecretReachesTheLog()
{
    Emulator emu;
    QVERIFY(emu.listen());
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(emu));
    const QString token = signUp(emu, QStringLiteral("secret@example.com"));
    QVERIFY(verify(client, token).result->ok());
    QString changed = token;
    changed.chop(2);
    QVERIFY(verify(client, changed).result->ok());
    const QString accessToken = client.accessToken()->token();
    QVERIFY(!accessToken.isEmpty());

    const ExchangeLog &log = *client.exchangeLog();
    for (int i = 0; i < log.size(); ++i) {
        const Exchange &e = log.at(i);
        QByteArray all = e.url.toUtf8() + e.requestBody + e.responseBody + e.errorText.toUtf8();
        for (const auto &h : e.requestHeaders + e.responseHeaders)
            all += h.first + ": " + h.second + "\n";
        QVERIFY2(!all.contains(emu.config().clientSecret.toUtf8()), "client secret in the log");
        QVERIFY2(!all.contains(accessToken.toUtf8()), "access token in the log");
        QVERIFY2(!all.contains(token.toUtf8()), "authentication token in the log");
        QVERIFY2(!all.contains(changed.toUtf8()), "changed authentication token in the log");
    }
}

QTEST_GUILESS_MAIN(tst_Client)
#include "tst_client.moc"
