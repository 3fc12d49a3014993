#pragma once

// A tiny HTTP server on loopback for tests that need a server misbehaving in ways a real
// one rarely does on purpose: stalling, resetting, answering HTML or cutting an answer off.
// Real sockets, real HTTP parsing by the client: nothing in the network layer is mocked.

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <functional>

class RawHttpServer : public QTcpServer
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
    };
    //! Writes an answer to \a socket, or closes/aborts it, or does nothing (a stall).
    using Handler = std::function<void(const Request &request, QTcpSocket *socket)>;

    explicit RawHttpServer(Handler handler) : m_handler(std::move(handler))
    {
        listen(QHostAddress::LocalHost, 0);
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort())); }
    int requestCount() const { return m_requests; }
    const Request &lastRequest() const { return m_last; }
    QList<Request> requests() const { return m_all; }

    static QByteArray response(int status, const QByteArray &body, const QByteArray &contentType = "application/json",
                               const QList<QPair<QByteArray, QByteArray>> &extra = {})
    {
        QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + " Status\r\n";
        if (!contentType.isEmpty())
            out += "Content-Type: " + contentType + "\r\n";
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        for (const auto &h : extra)
            out += h.first + ": " + h.second + "\r\n";
        out += "\r\n" + body;
        return out;
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        socket->setSocketDescriptor(descriptor);
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            for (;;) {
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                Request r;
                const QList<QByteArray> lines = buffer->left(end).split('\n');
                const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                r.method = first.value(0);
                r.path = first.value(1);
                for (int i = 1; i < lines.size(); ++i) {
                    const QByteArray line = lines[i].trimmed();
                    const int colon = line.indexOf(':');
                    if (colon > 0)
                        r.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
                }
                const qsizetype length = r.headers.value("content-length").toLongLong();
                if (buffer->size() < end + 4 + length)
                    return;
                r.body = buffer->mid(end + 4, length);
                buffer->remove(0, end + 4 + length);
                ++m_requests;
                m_last = r;
                m_all.append(r);
                m_handler(r, socket);
                if (socket->state() != QAbstractSocket::ConnectedState)
                    return;
            }
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }

private:
    Handler m_handler;
    int m_requests = 0;
    Request m_last;
    QList<Request> m_all;
};

//! A loopback port with nothing listening on it (bound, then released).
inline quint16 deadLoopbackPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}
