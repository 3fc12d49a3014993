#pragma once

// A raw HTTP/1.1 client over loopback TCP with blocking reads, for tests that look at the
// bytes on the wire. The emulator under test must run on another thread (EmulatorThread).

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpSocket>

namespace emutest {

//! One HTTP answer cut out of the byte stream.
struct WireAnswer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

//! What a connection received: the complete answers, the bytes left over, and how it ended.
struct Wire
{
    QByteArray bytes;
    QList<WireAnswer> answers;
    QList<int> interim; //!< 1xx statuses seen
    bool closed = false;
    qint64 ms = 0;
};

//! Cuts complete answers out of \a bytes (1xx interim answers aside); \a rest keeps the tail.
inline void parseAnswers(const QByteArray &bytes, QList<WireAnswer> *answers, QList<int> *interim, QByteArray *rest, bool headRequest = false)
{
    qsizetype at = 0;
    answers->clear();
    interim->clear();
    while (true) {
        const qsizetype end = bytes.indexOf("\r\n\r\n", at);
        if (end < 0)
            break;
        WireAnswer a;
        a.head = bytes.mid(at, end - at);
        const qsizetype eol = a.head.indexOf('\r');
        const QList<QByteArray> statusLine = (eol < 0 ? a.head : a.head.left(eol)).split(' ');
        a.status = statusLine.size() > 1 ? statusLine.at(1).toInt() : -1;
        if (a.status >= 100 && a.status < 200) {
            interim->append(a.status);
            at = end + 4;
            continue;
        }
        const qint64 length = headRequest ? 0 : a.header("content-length").toLongLong();
        if (bytes.size() - (end + 4) < length)
            break;
        a.body = bytes.mid(end + 4, length);
        answers->append(a);
        at = end + 4 + length;
    }
    *rest = bytes.mid(at);
}

class Client
{
public:
    explicit Client(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_connected = m_socket.waitForConnected(5000);
    }
    bool connected() const { return m_connected; }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.waitForBytesWritten(5000);
    }
    //! Reads until \a answers complete answers (or \a interim 1xx ones) arrived, the peer
    //! closed, or \a timeoutMs passed.
    Wire read(int answers, int timeoutMs = 3000, int interim = 0, bool headRequest = false)
    {
        Wire w;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            QByteArray rest;
            parseAnswers(m_bytes, &w.answers, &w.interim, &rest, headRequest);
            if ((answers > 0 && w.answers.size() >= answers) || (interim > 0 && w.interim.size() >= interim))
                break;
            if (m_socket.state() != QAbstractSocket::ConnectedState) {
                w.closed = true;
                break;
            }
            if (m_socket.waitForReadyRead(int(qMax<qint64>(1, timeoutMs - t.elapsed()))))
                m_bytes += m_socket.readAll();
            else if (m_socket.state() != QAbstractSocket::ConnectedState)
                m_bytes += m_socket.readAll();
        }
        QByteArray rest;
        parseAnswers(m_bytes, &w.answers, &w.interim, &rest, headRequest);
        w.closed = w.closed || m_socket.state() != QAbstractSocket::ConnectedState;
        w.bytes = m_bytes;
        w.ms = t.elapsed();
        return w;
    }
    //! Waits up to \a timeoutMs for the peer to close.
    bool waitClosed(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (m_socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
            if (m_socket.waitForReadyRead(int(qMax<qint64>(1, timeoutMs - t.elapsed()))))
                m_bytes += m_socket.readAll();
        }
        return m_socket.state() != QAbstractSocket::ConnectedState;
    }
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_bytes;
    bool m_connected = false;
};

inline QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {}, const QByteArray &extraHeaders = {})
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders;
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    return r + "\r\n" + body;
}

} // namespace emutest
