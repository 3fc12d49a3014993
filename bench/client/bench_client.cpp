// Prints what the client costs: redaction and log recording per exchange, and the
// token-then-verify flow against the emulator over loopback (compare: curl as separate
// processes takes about 9 ms a flow on this machine, per shared/design.md).
// Figures only; nothing here passes or fails.

#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "emulator/emulator.h"
#include "core/log/exchangelog.h"
#include "core/log/redactor.h"
#include "core/net/transport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <cstdio>

using namespace plainkey;

namespace {

QString mintToken(const QUrl &base)
{
    QNetworkAccessManager nam;
    QNetworkRequest r(base.resolved(QUrl(QStringLiteral("/emulator/sign-up"))));
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = nam.post(r, QByteArrayLiteral("{\"userName\":\"bench@example.com\"}"));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return o.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString();
}

void benchRedaction()
{
    Redactor redactor;
    redactor.addSecret(SecretKind::ClientSecret, "demo-secret-value-123");
    const QByteArray body = R"({"valid":true,"userId":"usr_123","projectId":"demo-project","expiresAt":"2026-11-28T21:00:00Z","payload":{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMTIzIn0.c2lnbmF0dXJlLXZhbHVl"}})";
    const int n = 20000;
    QElapsedTimer t;
    t.start();
    qsizetype sink = 0;
    for (int i = 0; i < n; ++i)
        sink += redactor.redactBody(body).size();
    const double us = double(t.nsecsElapsed()) / 1000.0 / n;
    std::printf("redact a %lld-byte verify answer: %.1f us each (%d runs, checksum %lld)\n", qint64(body.size()), us, n, qint64(sink));
}

void benchLogAppend()
{
    ExchangeLog log;
    const int n = 100000;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < n; ++i) {
        Exchange e;
        e.method = "POST";
        e.url = QStringLiteral("http://127.0.0.1:8080/authentication-token/verify");
        e.requestBody = "{\"token\":\"[redacted auth_token #1a2b3c4d]\"}";
        const quint64 id = log.append(std::move(e));
        log.update(id, [](Exchange &x) {
            x.status = 200;
            x.responseBody = "{\"valid\":true,\"userId\":\"usr_1\"}";
            x.outcome = Exchange::Outcome::Success;
        });
    }
    std::printf("exchange log: %d appends+updates in %lld ms (%.2f us each)\n", n, qint64(t.elapsed()),
                double(t.nsecsElapsed()) / 1000.0 / n);
}

void benchFlows(int flows)
{
    emulator::Emulator emu;
    if (!emu.listen()) {
        std::printf("emulator did not start: %s\n", qPrintable(emu.errorString()));
        return;
    }
    const QString token = mintToken(emu.baseUrl());
    Credentials c;
    c.baseUrl = emu.baseUrl();
    c.projectId = emu.config().projectId;
    c.clientSecret = emu.config().clientSecret;

    // Cold flows: a new client each time, so each flow fetches an access token and verifies.
    QElapsedTimer t;
    t.start();
    int ok = 0;
    for (int i = 0; i < flows; ++i) {
        PlainKeyClient client;
        client.setCredentials(c);
        QEventLoop loop;
        client.verifyToken(token, nullptr, [&](const Result<VerifyResult> &r) {
            ok += r.ok() && r.value().valid;
            loop.quit();
        });
        loop.exec();
    }
    std::printf("token-then-verify flow (new client each time): %.2f ms a flow, %d/%d valid\n",
                double(t.nsecsElapsed()) / 1e6 / flows, ok, flows);

    // Warm: one client, token cached, verifies one after another.
    PlainKeyClient client;
    client.setCredentials(c);
    ok = 0;
    t.restart();
    for (int i = 0; i < flows; ++i) {
        QEventLoop loop;
        client.verifyToken(token, nullptr, [&](const Result<VerifyResult> &r) {
            ok += r.ok() && r.value().valid;
            loop.quit();
        });
        loop.exec();
    }
    std::printf("verify with a cached token, sequential: %.2f ms each, %d/%d valid\n", double(t.nsecsElapsed()) / 1e6 / flows, ok, flows);

    // Concurrent: 50 in flight at a time.
    const int total = flows * 2;
    int done = 0;
    ok = 0;
    t.restart();
    QEventLoop loop;
    for (int i = 0; i < total; ++i)
        client.verifyToken(token, nullptr, [&](const Result<VerifyResult> &r) {
            ok += r.ok() && r.value().valid;
            if (++done == total)
                loop.quit();
        });
    loop.exec();
    std::printf("verify with a cached token, %d queued at once: %.0f verifies/s, %d/%d valid\n", total,
                total / (double(t.nsecsElapsed()) / 1e9), ok, total);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("plainkey.*.info=false"));
    benchRedaction();
    benchLogAppend();
    benchFlows(argc > 1 ? QByteArray(argv[1]).toInt() : 300);
    return 0;
}
