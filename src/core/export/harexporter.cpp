#include "core/export/harexporter.h"

#include <QJsonArray>
#include <QStringDecoder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace plainkey {

namespace {

QJsonArray headersToJson(const HttpHeaders &headers)
{
    QJsonArray out;
    for (const auto &h : headers)
        out.append(QJsonObject{{QStringLiteral("name"), QString::fromUtf8(h.first)}, {QStringLiteral("value"), QString::fromUtf8(h.second)}});
    return out;
}

//! \a bytes as text when they are UTF-8. A body cut in the log may end inside a character:
//! that unfinished character is dropped rather than calling the whole body binary.
std::optional<QString> utf8Text(QByteArray bytes, bool cut)
{
    if (cut) {
        // Find the last lead byte among the final three; drop it and its continuation bytes
        // when the sequence it starts is longer than what is left.
        for (qsizetype i = bytes.size() - 1; i >= 0 && i >= bytes.size() - 3; --i) {
            const auto c = uchar(bytes.at(i));
            if ((c & 0xC0) == 0x80)
                continue; // continuation byte
            const qsizetype need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
            if (bytes.size() - i < need)
                bytes.truncate(i);
            break;
        }
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

QString cutComment(const QByteArray &kept)
{
    return QStringLiteral("The body was cut in the log after %1 bytes; this is only its start.").arg(kept.size());
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
            QJsonObject postData{{QStringLiteral("mimeType"), mime}, {QStringLiteral("text"), QString::fromUtf8(e.requestBody)}};
            if (e.requestBodyTruncated)
                postData.insert(QStringLiteral("comment"), cutComment(e.requestBody));
            request.insert(QStringLiteral("postData"), postData);
        }
        QString responseMime;
        for (const auto &h : e.responseHeaders)
            if (h.first.compare("content-type", Qt::CaseInsensitive) == 0)
                responseMime = QString::fromUtf8(h.second);
        QJsonObject content{{QStringLiteral("size"), e.responseBytes}, {QStringLiteral("mimeType"), responseMime}};
        // Bytes that are not UTF-8 would become U+FFFD in a text field: HAR carries them as base64.
        if (const auto text = utf8Text(e.responseBody, e.responseBodyTruncated)) {
            content.insert(QStringLiteral("text"), *text);
        } else {
            content.insert(QStringLiteral("text"), QString::fromLatin1(e.responseBody.toBase64()));
            content.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
        }
        if (e.responseBodyTruncated)
            content.insert(QStringLiteral("comment"), cutComment(e.responseBody));
        const QJsonObject response{
                {QStringLiteral("status"), e.status},
                {QStringLiteral("statusText"), QString::fromUtf8(e.reasonPhrase)},
                {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                {QStringLiteral("headers"), headersToJson(e.responseHeaders)},
                {QStringLiteral("cookies"), QJsonArray()},
                {QStringLiteral("content"), content},
                {QStringLiteral("redirectURL"), e.redirectUrl},
                {QStringLiteral("headersSize"), -1},
                {QStringLiteral("bodySize"), e.responseBytes},
        };
        QJsonObject entry{
                {QStringLiteral("startedDateTime"), e.startedAt.toUTC().toString(Qt::ISODateWithMs)},
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
