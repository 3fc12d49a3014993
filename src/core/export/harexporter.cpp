#include "export/harexporter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

namespace plainkey {

namespace {

QJsonArray headersToJson(const HttpHeaders &headers)
{
    QJsonArray out;
    for (const auto &h : headers)
        out.append(QJsonObject{{QStringLiteral("name"), QString::fromUtf8(h.first)}, {QStringLiteral("value"), QString::fromUtf8(h.second)}});
    return out;
}

} // namespace

QByteArray HarExporter::toHar(const QList<Exchange> &exchanges, const QString &creatorVersion)
{
    QJsonArray entries;
    for (const Exchange &e : exchanges) {
        const QUrl url(e.url);
        QJsonArray query;
        for (const auto &item : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
            query.append(QJsonObject{{QStringLiteral("name"), item.first}, {QStringLiteral("value"), item.second}});
        QJsonObject request{
                {QStringLiteral("method"), QString::fromLatin1(e.method)},
                {QStringLiteral("url"), e.url},
                {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                {QStringLiteral("headers"), headersToJson(e.requestHeaders)},
                {QStringLiteral("queryString"), query},
                {QStringLiteral("cookies"), QJsonArray()},
                {QStringLiteral("headersSize"), -1},
                {QStringLiteral("bodySize"), qint64(e.requestBody.size())},
        };
        if (!e.requestBody.isEmpty()) {
            QString mime;
            for (const auto &h : e.requestHeaders)
                if (h.first.compare("content-type", Qt::CaseInsensitive) == 0)
                    mime = QString::fromUtf8(h.second);
            request.insert(QStringLiteral("postData"), QJsonObject{{QStringLiteral("mimeType"), mime},
                                                                    {QStringLiteral("text"), QString::fromUtf8(e.requestBody)}});
        }
        QString responseMime;
        for (const auto &h : e.responseHeaders)
            if (h.first.compare("content-type", Qt::CaseInsensitive) == 0)
                responseMime = QString::fromUtf8(h.second);
        const QJsonObject response{
                {QStringLiteral("status"), e.status},
                {QStringLiteral("statusText"), QString::fromUtf8(e.reasonPhrase)},
                {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                {QStringLiteral("headers"), headersToJson(e.responseHeaders)},
                {QStringLiteral("cookies"), QJsonArray()},
                {QStringLiteral("content"), QJsonObject{{QStringLiteral("size"), e.responseBytes},
                                                        {QStringLiteral("mimeType"), responseMime},
                                                        {QStringLiteral("text"), QString::fromUtf8(e.responseBody)}}},
                {QStringLiteral("redirectURL"), QString()},
                {QStringLiteral("headersSize"), -1},
                {QStringLiteral("bodySize"), e.responseBytes},
        };
        QJsonObject entry{
                {QStringLiteral("startedDateTime"), e.startedAt.toString(Qt::ISODateWithMs)},
                {QStringLiteral("time"), qMax<qint64>(0, e.durationMs)},
                {QStringLiteral("request"), request},
                {QStringLiteral("response"), response},
                {QStringLiteral("cache"), QJsonObject()},
                {QStringLiteral("timings"), QJsonObject{{QStringLiteral("send"), 0}, {QStringLiteral("wait"), qMax<qint64>(0, e.durationMs)}, {QStringLiteral("receive"), 0}}},
        };
        if (!e.errorText.isEmpty())
            entry.insert(QStringLiteral("comment"), e.errorText);
        entries.append(entry);
    }
    const QJsonObject log{
            {QStringLiteral("version"), QStringLiteral("1.2")},
            {QStringLiteral("creator"), QJsonObject{{QStringLiteral("name"), QStringLiteral("PlainKey Console")}, {QStringLiteral("version"), creatorVersion}}},
            {QStringLiteral("entries"), entries},
    };
    return QJsonDocument(QJsonObject{{QStringLiteral("log"), log}}).toJson(QJsonDocument::Indented);
}

} // namespace plainkey
