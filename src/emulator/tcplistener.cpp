#include "emulator/tcplistener.h"

#include "emulator/httpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <limits>
#include <memory>

namespace plainkey::emulator {

using namespace std::chrono_literals;

//! What is known about the request being received on one connection.
struct TcpListener::Screen
{
    QByteArray head;        //!< bytes of the request so far, until the blank line after the headers
    bool headDone = false;
    qint64 received = 0;    //!< bytes of this request seen so far, head included
    QByteArray method;
    QString path;
};

namespace {

//! Content-Length and Expect of a complete head; -1 when there is no usable Content-Length.
void readHead(const QByteArray &head, qint64 *contentLength, bool *expectContinue, QByteArray *method, QString *path)
{
    const QList<QByteArray> lines = head.split('\n');
    if (!lines.isEmpty()) {
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        if (requestLine.size() >= 2) {
            *method = requestLine.at(0).left(16);
            *path = QString::fromUtf8(requestLine.at(1).left(200));
        }
    }
    *contentLength = -1;
    *expectContinue = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            // All digits but too long for qint64 is still a length: refuse it as too large.
            const bool digits = !value.isEmpty() && std::all_of(value.cbegin(), value.cend(), [](char c) { return c >= '0' && c <= '9'; });
            *contentLength = ok && n >= 0 ? n : (digits ? std::numeric_limits<qint64>::max() : -1);
        } else if (name == "expect") {
            *expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        }
    }
}

} // namespace

TcpListener::TcpListener(qint64 maxBodyBytes, QObject *parent) : QTcpServer(parent), m_maxBodyBytes(maxBodyBytes) {}

void TcpListener::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    // Connected before the HTTP server connects its own reader, so this runs first on every
    // readyRead and sees the new bytes before Qt HttpServer reads them.
    auto state = std::make_shared<Screen>();
    connect(socket, &QIODevice::readyRead, socket, [this, socket, state] { screen(socket, *state); });
    addPendingConnection(socket);
}

void TcpListener::screen(QTcpSocket *socket, Screen &state)
{
    // Qt HttpServer keeps a read transaction open while a request is incomplete and commits
    // it once it has handled one: no transaction means a new request starts here.
    if (!socket->isTransactionStarted())
        state = Screen();
    const qint64 available = socket->bytesAvailable();
    state.received += available;
    if (!state.headDone) {
        state.head += socket->peek(qMin(available, maxHeadBytes + 4 - state.head.size()));
        const qsizetype end = state.head.indexOf("\r\n\r\n");
        if (end < 0) {
            // Qt 6.4 workaround: QHttpServerConfiguration::setMaximumTotalHeaderSize() from Qt 6.11.
            if (state.head.size() > maxHeadBytes)
                refuse(socket, state, 431, QStringLiteral("The request head is over the %1-byte limit").arg(maxHeadBytes));
            return;
        }
        state.headDone = true;
        qint64 length = -1;
        bool expectContinue = false;
        readHead(state.head.left(end), &length, &expectContinue, &state.method, &state.path);
        // Qt 6.4 workaround: QHttpServerConfiguration::setMaximumBodySize() does this from Qt 6.11.
        if (length > m_maxBodyBytes) {
            refuse(socket, state, 413, QStringLiteral("The request body is over the %1-byte limit").arg(m_maxBodyBytes));
            return;
        }
        const qint64 bodyReceived = state.received - (end + 4);
        // Qt 6.4 workaround: Qt HttpServer sends 100 Continue itself from Qt 6.5.0 (QTBUG-107854).
        if (expectContinue && length > 0 && bodyReceived < length)
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    // A body without a usable Content-Length (chunked, say) is limited as it arrives.
    if (state.received > m_maxBodyBytes + maxHeadBytes)
        refuse(socket, state, 413, QStringLiteral("The request body is over the %1-byte limit").arg(m_maxBodyBytes));
}

void TcpListener::refuse(QTcpSocket *socket, const Screen &state, int status, const QString &message)
{
    // The HTTP server stops reading this connection; what the client still sends is read and
    // dropped for a moment, so that closing does not reset the connection before the client
    // has read the answer.
    disconnect(socket, &QIODevice::readyRead, nullptr, nullptr);
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    socket->skip(socket->bytesAvailable());
    EmuResponse response;
    response.status = status;
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
    response.closeConnection = true;
    HttpServer::write(socket, response);
    connect(socket, &QIODevice::readyRead, socket, [socket] { socket->skip(socket->bytesAvailable()); });
    QTimer::singleShot(1s, socket, [socket] { socket->disconnectFromHost(); });
    emit requestRefused(state.method, state.path, status);
}

} // namespace plainkey::emulator
