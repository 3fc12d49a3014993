#pragma once

#include "emulator/httpserver.h"

#include <QTcpServer>

#include <chrono>
#include <functional>

class QTcpSocket;

namespace plainkey::emulator {

class EmulatorClock;

//! Accepts the emulator's connections and reads HTTP/1.1 requests from them itself: the request
//! line, the headers, and a body of Content-Length bytes, each complete request handed to one
//! dispatch function, in order, on keep-alive connections with pipelining. Under the load
//! benchmark Qt HttpServer 6.4's own parsing on top of this screen (its http_parser, building
//! QUrl and QHttpServerRequest, QIODevice read transactions) was about a fifth of the
//! emulator's CPU, for framing this class already had to find.
//!
//! Refused with an answer and a closed connection: an oversized head (431) or body (413), a
//! malformed request line or header, header folding, control bytes, a bad or conflicting
//! Content-Length (400), an HTTP version other than 1.0 and 1.1 (505), a chunked body (411:
//! send Content-Length) or another transfer coding (501). A client waiting for 100 Continue
//! gets it. Connections that send nothing or dribble a request (slowloris) are closed, and the
//! number open at once is capped. Those refusals carry their Date from the project's clock, as
//! every other answer does.
class TcpListener : public QTcpServer
{
    Q_OBJECT
public:
    //! Heads (request line and headers) longer than this are refused with 431.
    static constexpr qint64 maxHeadBytes = 64 * 1024;
    //! While more than this of the answers on a connection is not sent yet (a client that
    //! pipelines requests without reading), no more of its requests are taken.
    static constexpr qint64 maxUnsentBytes = 1024 * 1024;

    struct Limits
    {
        qint64 maxBodyBytes = 1 << 20;
        //! Nothing received for this long, before a request or between two: closed.
        std::chrono::milliseconds idleTimeout{10000};
        //! A request not received whole (head, and body when its length is known) this long
        //! after its first byte: 408, closed.
        std::chrono::milliseconds requestTimeout{10000};
        //! Connections open at once; more get 503 and are closed.
        int maxConnections = 512;
    };

    //! Called with every complete request; it answers on the socket (now, later, or never).
    using Dispatch = std::function<void(const EmuRequest &request, QTcpSocket *socket)>;

    //! \a clock (the project's, which must outlive this) dates the refusals written here.
    TcpListener(const Limits &limits, const EmulatorClock &clock, Dispatch dispatch, QObject *parent = nullptr);
    //! Connections open now (those being refused with 503 aside).
    int connectionCount() const { return m_connections; }

signals:
    //! A request was refused here (limits, framing, timeouts) and never dispatched.
    void requestRefused(const QByteArray &method, const QString &path, int status);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Connection;
    //! Takes what arrived and dispatches every request it completes.
    void readFrom(QTcpSocket *socket, Connection &connection);
    //! An answer went out: a connection with nothing more to read starts its idle clock.
    void afterWrite(QTcpSocket *socket, Connection &connection);
    void timedOut(QTcpSocket *socket, Connection &connection);
    void refuse(QTcpSocket *socket, Connection &connection, int status, const QString &message);
    //! Answers 503 on a connection over the cap, without reading any request from it.
    void refuseOverCap(QTcpSocket *socket);

    Limits m_limits;
    const EmulatorClock &m_clock;
    Dispatch m_dispatch;
    int m_connections = 0;
    int m_refusing = 0; //!< connections over the cap being answered 503
};

} // namespace plainkey::emulator
