#pragma once

// Talking to the emulator as any HTTP client would: a plain QNetworkAccessManager, no code
// from src/core (the emulator and the client each test the other against the contract).

#include "emulator/emulator.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTimeZone>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>

namespace emutest {

using Headers = QList<QPair<QByteArray, QByteArray>>;

//! One answer as it came off the wire.
struct Answer
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QJsonArray array;
    bool isObject = false;
    bool isArray = false;
    QList<QNetworkReply::RawHeaderPair> headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    qint64 elapsedMs = 0;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        return {};
    }
    QString errorText() const { return json.value(QLatin1String("error")).toString(); }
};

//! Sends one request and waits for its answer, running the event loop (the emulator may
//! live on this thread); aborted after \a timeoutMs.
inline Answer send(const QByteArray &method, const QUrl &url, const QByteArray &body = {}, const Headers &headers = {},
                   int timeoutMs = 15000)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QElapsedTimer clock;
    clock.start();
    QNetworkReply *reply = body.isEmpty() && (method == "GET" || method == "DELETE") ? nam.sendCustomRequest(request, method)
                                                                                       : nam.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, [reply] { reply->abort(); });
    if (!reply->isFinished())
        loop.exec();
    Answer a;
    a.elapsedMs = clock.elapsed();
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen())
        a.body = reply->readAll();
    a.headers = reply->rawHeaderPairs();
    a.error = reply->error();
    const QJsonDocument doc = QJsonDocument::fromJson(a.body);
    a.isObject = doc.isObject();
    a.isArray = doc.isArray();
    a.json = doc.object();
    a.array = doc.array();
    delete reply;
    return a;
}

//! An HTTP Date header ("Sat, 28 Nov 2026 21:00:00 GMT"); invalid unless exactly that form.
inline QDateTime httpDate(const QByteArray &text)
{
    QDateTime d = QLocale::c().toDateTime(QString::fromLatin1(text), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    d.setTimeZone(QTimeZone::utc());
    return d;
}

//! True for a Date header within a minute of now.
inline bool isFreshHttpDate(const QByteArray &text)
{
    const QDateTime d = httpDate(text);
    return d.isValid() && qAbs(d.secsTo(QDateTime::currentDateTimeUtc())) < 60;
}

inline QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

//! A URL under the emulator's base URL.
inline QUrl at(const QUrl &base, const QString &path)
{
    return QUrl(base.toString() + path);
}

//! The emulator-only endpoints: no token, JSON bodies.
inline Answer emulatorCall(const QUrl &base, const QByteArray &method, const QString &path, const QJsonObject &body = {})
{
    return send(method, at(base, path), method == "GET" ? QByteArray() : toJson(body), {{"Content-Type", "application/json"}});
}

//! A Server API client with its access token.
class Session
{
public:
    explicit Session(const plainkey::emulator::Emulator &emu) : Session(emu.baseUrl(), emu.config().projectId, emu.config().clientSecret) {}
    Session(const QUrl &base, const QString &projectId, const QString &secret) : m_base(base), m_projectId(projectId.toUtf8())
    {
        const Answer t = send("POST", at(base, QStringLiteral("/access-token")),
                              "client_id=" + QUrl::toPercentEncoding(projectId) + "&client_secret=" + QUrl::toPercentEncoding(secret),
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
        m_token = t.json.value(QLatin1String("access_token")).toString().toUtf8();
    }
    QUrl url(const QString &path) const { return at(m_base, path); }
    Headers headers() const
    {
        return {{"Authorization", "Bearer " + m_token}, {"x-project-id", m_projectId}, {"Content-Type", "application/json"}};
    }
    Answer call(const QByteArray &method, const QString &path, const QJsonObject &body) const
    {
        return send(method, url(path), toJson(body), headers());
    }
    Answer call(const QByteArray &method, const QString &path) const { return send(method, url(path), {}, headers()); }
    Answer verify(const QString &token) const
    {
        return call("POST", QStringLiteral("/authentication-token/verify"), QJsonObject{{QStringLiteral("token"), token}});
    }
    QByteArray token() const { return m_token; }

private:
    QUrl m_base;
    QByteArray m_projectId;
    QByteArray m_token;
};

} // namespace emutest
