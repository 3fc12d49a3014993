#pragma once

#include <QTcpServer>

#include <chrono>

class QTcpSocket;

namespace plainkey::emulator {

//! Accepts the emulator's connections and screens each request's head before Qt HttpServer
//! reads it, which in Qt 6.4 has no size limit and never answers `Expect: 100-continue`:
//! oversized requests get 413 (or 431 for an oversized head) at once instead of being
//! buffered whole, and a client waiting for 100 Continue gets it. It also closes connections
//! that send nothing or dribble a request (slowloris), and caps how many are open at once.
//!
//! Qt 6.4 workarounds, to drop when the minimum Qt is new enough:
//! - 100 Continue: Qt HttpServer answers it itself from Qt 6.5.0 (QTBUG-107854,
//!   qthttpserver commit 49e8c08; not in 6.4.2 or 6.4.3).
//! - Size limits (431 head, 413 body): QHttpServerConfiguration::setMaximumTotalHeaderSize(),
//!   setMaximumHeaderFieldSize(), setMaximumUrlSize() and setMaximumBodySize() exist from
//!   Qt 6.11 (its documentation says "\since 6.11").
//! - Idle connections: QHttpServerConfiguration::setKeepAliveTimeout() (Qt 6.10) closes idle
//!   keep-alive connections; whether it also bounds a slowly sent head is unknown, so the
//!   request clock stays. setMaximumConnectionsPerHost() (Qt 6.12) caps connections per peer,
//!   not in total: the total cap stays.
class TcpListener : public QTcpServer
{
    Q_OBJECT
public:
    //! Heads (request line and headers) longer than this are refused with 431.
    static constexpr qint64 maxHeadBytes = 64 * 1024;

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

    explicit TcpListener(const Limits &limits, QObject *parent = nullptr);
    //! Connections open now (those being refused with 503 aside).
    int connectionCount() const { return m_connections; }

signals:
    //! A request was answered here and never reached the HTTP server.
    void requestRefused(const QByteArray &method, const QString &path, int status);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Screen;
    void screen(QTcpSocket *socket, Screen &state);
    //! After the HTTP server has read what arrived: a request taken whole stops its clock.
    void afterRead(QTcpSocket *socket, Screen &state);
    //! An answer went out: a connection with nothing more to read starts its idle clock.
    void afterWrite(QTcpSocket *socket, Screen &state);
    void timedOut(QTcpSocket *socket, Screen &state);
    void refuse(QTcpSocket *socket, Screen &state, int status, const QString &message);
    //! Answers 503 on a connection over the cap, without the HTTP server ever seeing it.
    void refuseOverCap(QTcpSocket *socket);

    Limits m_limits;
    int m_connections = 0;
    int m_refusing = 0; //!< connections over the cap being answered 503
};

} // namespace plainkey::emulator
