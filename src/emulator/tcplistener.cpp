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

//! What is known about one connection and the request being received on it.
struct TcpListener::Screen
{
    QByteArray head;        //!< bytes of the request so far, until the blank line after the headers
    bool headDone = false;
    qint64 received = 0;    //!< bytes of this request seen so far, head included
    QByteArray method;
    QString path;

    // The connection's clock, kept across requests: the request timeout while a request is
    // arriving, the idle timeout while nothing is, and stopped while an answer is awaited.
    QTimer *clock = nullptr;
    bool inRequest = false; //!< a request has begun and the HTTP server has not taken it whole
    bool answered = true;   //!< no answer is awaited (all written, or nothing asked yet)
    bool refused = false;   //!< refuse() answered; the connection is closing

    //! Forgets the previous request, keeping the connection's clock and flags.
    void newRequest()
    {
        head.clear();
        headDone = false;
        received = 0;
        method.clear();
        path.clear();
    }
};

namespace {

//! \a text without leading and trailing spaces and tabs.
QByteArrayView trimmedView(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.chop(1);
    return text;
}

//! Content-Length and Expect of a complete head; -1 when there is no usable Content-Length.
//! Scans the head in place: splitting it into lists of copies was 4.5% of the emulator's CPU
//! under the load benchmark, as every request's head passes here.
void readHead(QByteArrayView head, qint64 *contentLength, bool *expectContinue, QByteArray *method, QString *path)
{
    *contentLength = -1;
    *expectContinue = false;
    qsizetype lineStart = 0;
    bool first = true;
    while (lineStart <= head.size()) {
        qsizetype lineEnd = head.indexOf('\n', lineStart);
        if (lineEnd < 0)
            lineEnd = head.size();
        const QByteArrayView line = head.sliced(lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 1;
        if (first) {
            first = false;
            const QByteArrayView requestLine = trimmedView(line);
            const qsizetype space = requestLine.indexOf(' ');
            if (space < 0)
                continue;
            const QByteArrayView rest = requestLine.sliced(space + 1);
            const qsizetype pathEnd = rest.indexOf(' ');
            *method = requestLine.first(qMin<qsizetype>(space, 16)).toByteArray();
            *path = QString::fromUtf8(rest.first(qMin<qsizetype>(pathEnd < 0 ? rest.size() : pathEnd, 200)));
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArrayView name = trimmedView(line.first(colon));
        const QByteArrayView value = trimmedView(line.sliced(colon + 1));
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            // All digits but too long for qint64 is still a length: refuse it as too large.
            const bool digits = !value.isEmpty() && std::all_of(value.cbegin(), value.cend(), [](char c) { return c >= '0' && c <= '9'; });
            *contentLength = ok && n >= 0 ? n : (digits ? std::numeric_limits<qint64>::max() : -1);
        } else if (name.compare("expect", Qt::CaseInsensitive) == 0) {
            *expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        }
    }
}

} // namespace

TcpListener::TcpListener(const Limits &limits, QObject *parent) : QTcpServer(parent), m_limits(limits) {}

void TcpListener::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_connections >= m_limits.maxConnections) {
        refuseOverCap(socket);
        return;
    }
    ++m_connections;
    connect(socket, &QObject::destroyed, this, [this] { --m_connections; });
    auto state = std::make_shared<Screen>();
    state->clock = new QTimer(socket);
    state->clock->setSingleShot(true);
    connect(state->clock, &QTimer::timeout, socket, [this, socket, state] { timedOut(socket, *state); });
    state->clock->start(m_limits.idleTimeout);
    // Connected before the HTTP server connects its own reader, so this runs first on every
    // readyRead and sees the new bytes before Qt HttpServer reads them.
    connect(socket, &QIODevice::readyRead, socket, [this, socket, state] {
        screen(socket, *state);
        // Once the HTTP server has read these bytes too, see whether it took the request whole.
        QMetaObject::invokeMethod(socket, [this, socket, state] { afterRead(socket, *state); }, Qt::QueuedConnection);
    });
    connect(socket, &QIODevice::bytesWritten, socket, [this, socket, state] { afterWrite(socket, *state); });
    addPendingConnection(socket);
}

void TcpListener::refuseOverCap(QTcpSocket *socket)
{
    // Answered and closed at once, never given to the HTTP server. What the client sends
    // meanwhile is read and dropped for a moment, so that closing does not reset the
    // connection before it has read the answer; past a few such moments at once, a flood
    // gets the connection closed without an answer rather than using more descriptors.
    static constexpr int maxRefusing = 64;
    if (m_refusing >= maxRefusing) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_refusing;
    connect(socket, &QObject::destroyed, this, [this] { --m_refusing; });
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QIODevice::readyRead, socket, [socket] { socket->skip(socket->bytesAvailable()); });
    EmuResponse response;
    response.status = 503;
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                               QStringLiteral("The emulator has %1 connections open, its limit; close some (or raise "
                                                              "--max-connections) and try again")
                                                       .arg(m_limits.maxConnections)}})
                            .toJson(QJsonDocument::Compact);
    response.closeConnection = true;
    response.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("1")));
    HttpServer::write(socket, response);
    QTimer::singleShot(500ms, socket, [socket] { socket->disconnectFromHost(); });
    QTimer::singleShot(3s, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

void TcpListener::screen(QTcpSocket *socket, Screen &state)
{
    // Qt HttpServer keeps a read transaction open while a request is incomplete and commits
    // it once it has handled one: no transaction means a new request starts here.
    if (state.refused)
        return;
    if (!socket->isTransactionStarted()) {
        state.newRequest();
        state.inRequest = true;
        state.answered = false;
        state.clock->start(m_limits.requestTimeout);
    }
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
        readHead(QByteArrayView(state.head).first(end), &length, &expectContinue, &state.method, &state.path);
        // Qt 6.4 workaround: QHttpServerConfiguration::setMaximumBodySize() does this from Qt 6.11.
        if (length > m_limits.maxBodyBytes) {
            refuse(socket, state, 413, QStringLiteral("The request body is over the %1-byte limit").arg(m_limits.maxBodyBytes));
            return;
        }
        const qint64 bodyReceived = state.received - (end + 4);
        // Qt 6.4 workaround: Qt HttpServer sends 100 Continue itself from Qt 6.5.0 (QTBUG-107854).
        if (expectContinue && length > 0 && bodyReceived < length)
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    // A body without a usable Content-Length (chunked, say) is limited as it arrives.
    if (state.received > m_limits.maxBodyBytes + maxHeadBytes)
        refuse(socket, state, 413, QStringLiteral("The request body is over the %1-byte limit").arg(m_limits.maxBodyBytes));
}

void TcpListener::afterRead(QTcpSocket *socket, Screen &state)
{
    // Qt HttpServer commits its read transaction when it has taken a request whole (or given
    // up on it); until then the request clock runs, for the body as for the head.
    if (state.refused || !state.inRequest || socket->isTransactionStarted())
        return;
    state.inRequest = false;
    state.clock->stop();
    // An answer written and sent already (bytesWritten came first) leaves the connection idle.
    if (state.answered && socket->bytesToWrite() == 0)
        state.clock->start(m_limits.idleTimeout);
}

void TcpListener::afterWrite(QTcpSocket *socket, Screen &state)
{
    // Everything written and no request arriving: the answer is out, the connection is idle.
    // While an answer is awaited (latency, a stall fault) the clock stays stopped.
    if (state.refused || socket->bytesToWrite() > 0 || socket->isTransactionStarted())
        return;
    state.answered = true;
    if (!state.inRequest)
        state.clock->start(m_limits.idleTimeout);
}

void TcpListener::timedOut(QTcpSocket *socket, Screen &state)
{
    if (state.refused)
        return;
    if (state.inRequest) {
        refuse(socket, state, 408, QStringLiteral("The request did not arrive whole within %1 ms of its first byte; the connection is closed")
                                           .arg(m_limits.requestTimeout.count()));
        return;
    }
    // Idle: nothing asked, or everything answered. Closed without a word, as HTTP allows.
    if (state.answered)
        socket->disconnectFromHost();
}

void TcpListener::refuse(QTcpSocket *socket, Screen &state, int status, const QString &message)
{
    state.refused = true;
    state.clock->stop();
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
