#include "emulator/httpserver.h"

#include <QDateTime>
#include <QLocale>
#include <QTcpSocket>

#include <algorithm>

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
    const QList<QByteArray> options = header("connection").toLower().split(',');
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

HttpServer::HttpServer(Dispatch dispatch, QObject *parent) : QAbstractHttpServer(parent), m_dispatch(std::move(dispatch)) {}

static QByteArray methodName(QHttpServerRequest::Method m)
{
    using M = QHttpServerRequest::Method;
    switch (m) {
    case M::Get: return "GET";
    case M::Put: return "PUT";
    case M::Delete: return "DELETE";
    case M::Post: return "POST";
    case M::Head: return "HEAD";
    case M::Options: return "OPTIONS";
    case M::Patch: return "PATCH";
    case M::Connect: return "CONNECT";
    case M::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    EmuRequest r;
    r.method = methodName(request.method());
    r.path = request.url().path();
    r.encodedPath = request.url().path(QUrl::FullyEncoded);
    r.query = request.query();
    r.peer = socket->peerAddress();
    r.headers = request.headers();
    r.body = request.body();
    m_dispatch(r, socket);
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    // handleRequest() answers every request; Qt 6.4 also lands here after an Upgrade request
    // it will not perform, which has its answer already: only close.
    socket->disconnectFromHost();
}

QByteArray HttpServer::httpDate()
{
    return QLocale::c().toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
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
    case 507: return "Insufficient Storage";
    default: return status >= 400 ? "Error" : "OK";
    }
}

void HttpServer::write(QTcpSocket *socket, const EmuResponse &response)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    if (!response.contentType.isEmpty())
        out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "Date: " + httpDate() + "\r\n";
    out += "Server: plainkey-emulator\r\n";
    if (response.closeConnection)
        out += "Connection: close\r\n";
    for (const auto &h : response.headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    if (!response.omitBody)
        out += response.body;
    socket->write(out);
}

} // namespace plainkey::emulator
