#pragma once

#include <QTcpServer>

class QTcpSocket;

namespace plainkey::emulator {

//! Accepts the emulator's connections and screens each request's head before Qt HttpServer
//! reads it, which in Qt 6.4 has no size limit and never answers `Expect: 100-continue`:
//! oversized requests get 413 (or 431 for an oversized head) at once instead of being
//! buffered whole, and a client waiting for 100 Continue gets it.
//!
//! Qt 6.4 workarounds, to drop when the minimum Qt is new enough:
//! - 100 Continue: Qt HttpServer answers it itself from Qt 6.5.0 (QTBUG-107854,
//!   qthttpserver commit 49e8c08; not in 6.4.2 or 6.4.3).
//! - Size limits (431 head, 413 body): QHttpServerConfiguration::setMaximumTotalHeaderSize(),
//!   setMaximumHeaderFieldSize(), setMaximumUrlSize() and setMaximumBodySize() exist from
//!   Qt 6.11 (its documentation says "\since 6.11").
class TcpListener : public QTcpServer
{
    Q_OBJECT
public:
    //! Heads (request line and headers) longer than this are refused with 431.
    static constexpr qint64 maxHeadBytes = 64 * 1024;

    explicit TcpListener(qint64 maxBodyBytes, QObject *parent = nullptr);

signals:
    //! A request was answered here and never reached the HTTP server.
    void requestRefused(const QByteArray &method, const QString &path, int status);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Screen;
    void screen(QTcpSocket *socket, Screen &state);
    void refuse(QTcpSocket *socket, const Screen &state, int status, const QString &message);

    qint64 m_maxBodyBytes;
};

} // namespace plainkey::emulator
