#pragma once

// Small synchronous HTTP helpers for tests that talk to the emulator's own endpoints
// (/emulator/sign-up, /emulator/faults, ...) independently of the client under test.

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

struct TestHttpAnswer
{
    int status = 0;
    QJsonObject json;
    QByteArray body;
};

//! Sends \a payload as it is, with \a contentType when not empty, and waits for the answer
//! (15 s at the most).
inline TestHttpAnswer testHttpRaw(const QByteArray &method, const QUrl &url, const QByteArray &payload,
                                  const QByteArray &contentType, const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply *reply = nam.sendCustomRequest(request, method, payload);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    TestHttpAnswer out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.json = QJsonDocument::fromJson(out.body).object();
    reply->deleteLater();
    return out;
}

//! Sends \a body as compact JSON (nothing for a GET without one).
inline TestHttpAnswer testHttp(const QByteArray &method, const QUrl &url, const QJsonObject &body = {},
                               const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    const QByteArray payload = body.isEmpty() && method == "GET" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    return testHttpRaw(method, url, payload, QByteArrayLiteral("application/json"), headers);
}
