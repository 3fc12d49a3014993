#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QUrlQuery>

class QTcpSocket;

namespace plainkey::emulator {

class EmulatorClock;

//! An HTTP request as the emulator's handlers see it.
struct EmuRequest
{
    QByteArray method;
    QString path;        //!< decoded, for messages and fault prefixes
    QString encodedPath; //!< as sent, to split into segments before decoding each
    QUrlQuery query;
    QHostAddress peer;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const;
    //! The client asked to close the connection after this answer.
    bool wantsClose() const;
};

//! An answer to write: status, body and headers. Content-Type, Content-Length and Date are added.
struct EmuResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
    bool closeConnection = false; //!< sends Connection: close (the caller closes the socket)
    bool omitBody = false;        //!< an answer to HEAD: Content-Length of the body, but no body
};

//! True for loopback peers, IPv4-mapped IPv6 ones included.
bool isLoopbackPeer(const QHostAddress &address);

//! How the emulator writes its answers. Requests are read by TcpListener, which hands each
//! one with its socket to the emulator, so it can answer late (latency), never (stall) or badly
//! (reset, truncation).
class HttpServer
{
public:
    //! Writes the status line, Content-Type, Content-Length, Date, the extra headers and the body.
    //! The Date is now on \a clock, the project's clock (skewed by the clock-skew fault): every
    //! answer, refusals included, must name it, so there is no default.
    static void write(QTcpSocket *socket, const EmuResponse &response, const EmulatorClock &clock);
    //! Now on \a clock as an HTTP date.
    static QByteArray httpDate(const EmulatorClock &clock);
    static QByteArray reasonPhrase(int status);
};

} // namespace plainkey::emulator
