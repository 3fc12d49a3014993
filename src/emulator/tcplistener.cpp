#include "emulator/tcplistener.h"

#include "emulator/httpserver.h"
#include "emulator/requesthead.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <limits>
#include <memory>

namespace plainkey::emulator {

using namespace std::chrono_literals;

//! One connection: the bytes received and not yet taken, the request being received, and the
//! connection's clock.
struct TcpListener::Connection
{
    QByteArray buffer;          //!< received, not yet taken as a request
    bool headDone = false;      //!< \c head is parsed; its body is awaited
    qsizetype headSize = 0;     //!< bytes of \c buffer the head takes, blank line included
    RequestHead head;
    QHostAddress peer;
    QByteArray method;          //!< of the request being received, for a refusal's log line
    QString path;

    // The clock, kept across requests: the request timeout while a request is arriving, the
    // idle timeout while nothing is, and stopped while an answer is awaited.
    QTimer *clock = nullptr;
    bool inRequest = false; //!< a request has begun and has not arrived whole
    bool answered = true;   //!< no answer is awaited (all written, or nothing asked yet)
    bool refused = false;   //!< refuse() answered; the connection is closing
    bool paused = false;    //!< requests are not taken until more of the answers are sent
};

namespace {

//! The request line's method and path, readable before the head is whole, for log lines.
void peekRequestLine(QByteArrayView bytes, QByteArray *method, QString *path)
{
    qsizetype end = bytes.indexOf('\n');
    const QByteArrayView line = end < 0 ? bytes : bytes.first(end);
    const qsizetype space = line.indexOf(' ');
    if (space < 0)
        return;
    const QByteArrayView rest = line.sliced(space + 1);
    const qsizetype pathEnd = rest.indexOf(' ');
    *method = line.first(qMin<qsizetype>(space, 16)).toByteArray();
    *path = QString::fromUtf8(rest.first(qMin<qsizetype>(pathEnd < 0 ? rest.size() : pathEnd, 200)));
}

bool isPlainAscii(QByteArrayView text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

//! The request as handlers see it, from a parsed head and its body.
EmuRequest toRequest(RequestHead &head, QByteArray body, const QHostAddress &peer)
{
    EmuRequest r;
    r.method = std::move(head.method);
    QByteArrayView target = head.target;
    if (const qsizetype hash = target.indexOf('#'); hash >= 0)
        target = target.first(hash);
    const qsizetype question = target.indexOf('?');
    const QByteArrayView rawPath = question < 0 ? target : target.first(question);
    // Bytes outside printable ASCII are percent-encoded (as QUrl would), escapes already there
    // are kept: the router splits the encoded path at "/" before decoding each segment.
    const QByteArray encoded = isPlainAscii(rawPath) ? rawPath.toByteArray()
                                                      : rawPath.toByteArray().toPercentEncoding("!$&'()*+,;=:@/%");
    r.encodedPath = QString::fromLatin1(encoded);
    r.path = QUrl::fromPercentEncoding(encoded);
    if (question >= 0)
        r.query = QUrlQuery(QString::fromUtf8(target.sliced(question + 1)));
    r.peer = peer;
    r.headers = std::move(head.headers);
    r.body = std::move(body);
    return r;
}

} // namespace

TcpListener::TcpListener(const Limits &limits, const EmulatorClock &clock, Dispatch dispatch, QObject *parent)
    : QTcpServer(parent), m_limits(limits), m_clock(clock), m_dispatch(std::move(dispatch))
{
}

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
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    auto state = std::make_shared<Connection>();
    state->peer = socket->peerAddress();
    state->clock = new QTimer(socket);
    state->clock->setSingleShot(true);
    connect(state->clock, &QTimer::timeout, socket, [this, socket, state] { timedOut(socket, *state); });
    state->clock->start(m_limits.idleTimeout);
    connect(socket, &QIODevice::readyRead, socket, [this, socket, state] { readFrom(socket, *state); });
    connect(socket, &QIODevice::bytesWritten, socket, [this, socket, state] { afterWrite(socket, *state); });
    // Qt's read buffer is bounded too: while requests are not taken (see maxUnsentBytes), what
    // the client sends waits in the kernel, which slows the client down.
    socket->setReadBufferSize(256 * 1024);
}

void TcpListener::refuseOverCap(QTcpSocket *socket)
{
    // Answered and closed at once, no request read from it. What the client sends
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
    HttpServer::write(socket, response, m_clock);
    QTimer::singleShot(500ms, socket, [socket] { socket->disconnectFromHost(); });
    QTimer::singleShot(3s, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

void TcpListener::readFrom(QTcpSocket *socket, Connection &c)
{
    if (c.refused)
        return;
    // A client that sends requests without reading the answers: none is taken while the
    // answers not yet sent are over the limit (afterWrite() resumes), so they cannot pile up.
    if (socket->bytesToWrite() > maxUnsentBytes) {
        c.paused = true;
        return;
    }
    // Everything that arrived: complete requests are taken below, and what remains is at most
    // one request's head and body, both limited.
    c.buffer += socket->readAll();
    qsizetype pos = 0; // bytes of c.buffer taken; removed once, at the end
    while (!c.refused && socket->state() == QAbstractSocket::ConnectedState) {
        const QByteArrayView rest = QByteArrayView(c.buffer).sliced(pos);
        if (!c.inRequest && socket->bytesToWrite() > maxUnsentBytes) {
            c.paused = true;
            break;
        }
        if (!c.inRequest) {
            // Blank lines before a request are ignored (RFC 9112 2.2), e.g. a CRLF some
            // clients send after a body.
            qsizetype skip = 0;
            while (skip < rest.size() && (rest[skip] == '\r' || rest[skip] == '\n'))
                ++skip;
            pos += skip;
            if (skip == rest.size())
                break;
            c.inRequest = true;
            c.answered = false;
            c.method.clear();
            c.path.clear();
            c.clock->start(m_limits.requestTimeout);
            continue;
        }
        if (!c.headDone) {
            if (c.method.isEmpty())
                peekRequestLine(rest, &c.method, &c.path);
            const qsizetype end = RequestHead::endOf(rest.first(qMin<qsizetype>(rest.size(), maxHeadBytes + 4)));
            if (end < 0) {
                if (rest.size() > maxHeadBytes)
                    refuse(socket, c, 431, QStringLiteral("The request head is over the %1-byte limit").arg(maxHeadBytes));
                break;
            }
            QString why;
            if (const int status = RequestHead::parse(rest.first(end), &c.head, &why)) {
                refuse(socket, c, status, why);
                return;
            }
            c.headDone = true;
            c.headSize = end;
            if (c.head.contentLength > m_limits.maxBodyBytes) {
                refuse(socket, c, 413, QStringLiteral("The request body is over the %1-byte limit").arg(m_limits.maxBodyBytes));
                return;
            }
            if (c.head.expectContinue && c.head.contentLength > 0 && rest.size() - end < c.head.contentLength)
                socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        if (rest.size() - c.headSize < c.head.contentLength)
            break; // the body is still arriving, on the request clock
        QByteArray body = rest.sliced(c.headSize, qsizetype(c.head.contentLength)).toByteArray();
        pos += c.headSize + qsizetype(c.head.contentLength);
        const EmuRequest request = toRequest(c.head, std::move(body), c.peer);
        c.headDone = false;
        c.headSize = 0;
        c.inRequest = false;
        // Taken whole: the clock waits for the answer (latency or a stall fault are not idling).
        c.clock->stop();
        // The dispatch may answer, close or reset the connection; the loop then stops. The
        // socket itself is deleted later, never during this call.
        m_dispatch(request, socket);
    }
    if (!c.refused)
        c.buffer.remove(0, qMin(pos, c.buffer.size()));
}

void TcpListener::afterWrite(QTcpSocket *socket, Connection &state)
{
    if (state.paused && !state.refused && socket->bytesToWrite() <= maxUnsentBytes / 2) {
        state.paused = false;
        readFrom(socket, state);
    }
    // Everything written and no request arriving: the answer is out, the connection is idle.
    // While an answer is awaited (latency, a stall fault) the clock stays stopped.
    if (state.refused || socket->bytesToWrite() > 0 || state.inRequest)
        return;
    state.answered = true;
    if (!state.inRequest)
        state.clock->start(m_limits.idleTimeout);
}

void TcpListener::timedOut(QTcpSocket *socket, Connection &state)
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

void TcpListener::refuse(QTcpSocket *socket, Connection &state, int status, const QString &message)
{
    state.refused = true;
    state.clock->stop();
    // No more requests are read from this connection; what the client still sends is read and
    // dropped for a moment, so that closing does not reset the connection before the client
    // has read the answer.
    disconnect(socket, &QIODevice::readyRead, nullptr, nullptr);
    state.buffer.clear();
    socket->skip(socket->bytesAvailable());
    EmuResponse response;
    response.status = status;
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
    response.closeConnection = true;
    HttpServer::write(socket, response, m_clock);
    connect(socket, &QIODevice::readyRead, socket, [socket] { socket->skip(socket->bytesAvailable()); });
    QTimer::singleShot(1s, socket, [socket] { socket->disconnectFromHost(); });
    emit requestRefused(state.method, state.path, status);
}

} // namespace plainkey::emulator
