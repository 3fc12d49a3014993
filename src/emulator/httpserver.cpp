#include "emulator/httpserver.h"

#include "emulator/emulatorclock.h"

#include <QDateTime>
#include <QLocale>
#include <QTcpSocket>

#include <algorithm>
#include <limits>

namespace plainkey::emulator {

QByteArray EmuRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

bool EmuRequest::wantsClose() const
{
    const QByteArray connection = header("connection");
    if (connection.isEmpty()) // the usual case, without the copies below
        return false;
    const QList<QByteArray> options = connection.toLower().split(',');
    return std::any_of(options.cbegin(), options.cend(), [](const QByteArray &o) { return o.trimmed() == "close"; });
}

bool isLoopbackPeer(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return (v4 >> 24) == 127;
    return address.isLoopback();
}

QByteArray HttpServer::httpDate(const EmulatorClock &clock)
{
    // The Date header changes once a second: it is formatted once per second (per thread, as
    // each emulator runs on its own), not for every answer (QLocale's formatter was 2.4% of
    // the emulator's CPU under the load benchmark).
    thread_local qint64 second = std::numeric_limits<qint64>::min();
    thread_local QByteArray text;
    // Keyed by the skewed second, so a skew (or two emulators with different skews on one
    // thread) still gets its own text.
    const qint64 now = clock.secsSinceEpoch();
    if (now != second) {
        text = QLocale::c().toString(QDateTime::fromSecsSinceEpoch(now, Qt::UTC), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
        second = now;
    }
    return text;
}

QByteArray HttpServer::reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 422: return "Unprocessable Content";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 421: return "Misdirected Request";
    case 431: return "Request Header Fields Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return status >= 400 ? "Error" : "OK";
    }
}

void HttpServer::write(QTcpSocket *socket, const EmuResponse &response, const EmulatorClock &clock)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    // One buffer, sized once, and one write: the answer leaves in a single send.
    const QByteArray date = httpDate(clock);
    qsizetype size = 160 + response.contentType.size() + date.size() + (response.omitBody ? 0 : response.body.size());
    for (const auto &h : response.headers)
        size += h.first.size() + h.second.size() + 4;
    QByteArray out;
    out.reserve(size);
    out.append("HTTP/1.1 ").append(QByteArray::number(response.status)).append(' ').append(reasonPhrase(response.status)).append("\r\n");
    if (!response.contentType.isEmpty())
        out.append("Content-Type: ").append(response.contentType).append("\r\n");
    out.append("Content-Length: ").append(QByteArray::number(response.body.size())).append("\r\n");
    out.append("Date: ").append(date).append("\r\n");
    out.append("Server: plainkey-emulator\r\n");
    if (response.closeConnection)
        out.append("Connection: close\r\n");
    for (const auto &h : response.headers)
        out.append(h.first).append(": ").append(h.second).append("\r\n");
    out.append("\r\n");
    if (!response.omitBody)
        out.append(response.body);
    socket->write(out);
}

} // namespace plainkey::emulator
