#include "emulator/faultinjector.h"

#include "emulator/answers.h"
#include "emulator/emulatorclock.h"
#include "emulator/httpserver.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

Q_DECLARE_LOGGING_CATEGORY(lcEmulator)

namespace plainkey::emulator {

using namespace std::chrono_literals;

QString Fault::modeName(Mode mode)
{
    switch (mode) {
    case Mode::None: return QStringLiteral("none");
    case Mode::Status: return QStringLiteral("status");
    case Mode::Html: return QStringLiteral("html");
    case Mode::Empty: return QStringLiteral("empty");
    case Mode::Truncated: return QStringLiteral("truncated");
    case Mode::Stall: return QStringLiteral("stall");
    case Mode::Reset: return QStringLiteral("reset");
    }
    return {};
}

bool Fault::modeFromName(const QString &name, Mode *mode)
{
    for (Mode m : {Mode::None, Mode::Status, Mode::Html, Mode::Empty, Mode::Truncated, Mode::Stall, Mode::Reset}) {
        if (name == modeName(m)) {
            *mode = m;
            return true;
        }
    }
    return false;
}

FaultInjector::FaultInjector(EmulatorClock &clock, QObject *parent) : QObject(parent), m_clock(clock) {}

void FaultInjector::setClockSkew(std::chrono::seconds skew)
{
    const std::chrono::seconds before = m_clock.skew();
    m_clock.setSkew(skew);
    if (m_clock.skew() != before)
        emit clockSkewChanged();
}

std::chrono::seconds FaultInjector::clockSkew() const
{
    return m_clock.skew();
}

void FaultInjector::setLatency(std::chrono::milliseconds latency)
{
    if (latency == m_latency)
        return;
    m_latency = latency;
    emit latencyChanged();
}

void FaultInjector::setFault(const Fault &fault)
{
    m_fault = fault;
    emit faultChanged();
}

void FaultInjector::clear()
{
    m_fault = {};
    m_latency = 0ms;
    emit faultChanged();
    emit latencyChanged();
    setClockSkew(0s);
}

bool FaultInjector::intercept(const EmuRequest &request, const QString &apiPath, QTcpSocket *socket)
{
    if (m_fault.mode == Fault::Mode::None || m_fault.remaining == 0)
        return false;
    if (!m_fault.pathPrefix.isEmpty() && !apiPath.startsWith(m_fault.pathPrefix))
        return false;
    if (m_fault.remaining > 0 && --m_fault.remaining == 0)
        QTimer::singleShot(0, this, &FaultInjector::faultChanged);

    qCDebug(lcEmulator).noquote() << request.method << shortened(request.path) << "fault" << Fault::modeName(m_fault.mode);
    emit intercepted(QString::fromLatin1(request.method), request.path, m_fault.mode == Fault::Mode::Status ? m_fault.status : 0);
    QPointer<QTcpSocket> guard(socket);
    const EmulatorClock *clock = &m_clock; // dates each answer when it is written
    auto later = [this, guard](std::function<void(QTcpSocket *)> act) {
        QTimer::singleShot(m_latency, this, [guard, act] {
            if (guard)
                act(guard);
        });
    };
    switch (m_fault.mode) {
    case Fault::Mode::None:
        return false;
    case Fault::Mode::Status: {
        QList<QPair<QByteArray, QByteArray>> headers;
        if (m_fault.status == 429 && m_fault.retryAfterSeconds > 0)
            headers.append({"Retry-After", QByteArray::number(m_fault.retryAfterSeconds)});
        const EmuResponse r = error(m_fault.status, QStringLiteral("Injected fault: status %1").arg(m_fault.status), headers);
        later([r, clock](QTcpSocket *s) { HttpServer::write(s, r, *clock); });
        return true;
    }
    case Fault::Mode::Html: {
        const EmuResponse r{502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
                            "text/html", {}};
        later([r, clock](QTcpSocket *s) { HttpServer::write(s, r, *clock); });
        return true;
    }
    case Fault::Mode::Empty:
        later([clock](QTcpSocket *s) { HttpServer::write(s, {200, {}, "application/json", {}}, *clock); });
        return true;
    case Fault::Mode::Truncated:
        later([clock](QTcpSocket *s) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\nDate: " + HttpServer::httpDate(*clock)
                     + "\r\n\r\n{\"valid\":true,\"us");
            s->flush();
            s->disconnectFromHost();
        });
        return true;
    case Fault::Mode::Stall:
        return true; // accept and never answer
    case Fault::Mode::Reset:
        later([](QTcpSocket *s) {
#ifdef Q_OS_UNIX
            // A zero linger time makes close() send RST, as a crashed proxy would, not FIN.
            const linger hard{1, 0};
            ::setsockopt(int(s->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
#endif
            s->abort();
        });
        return true;
    }
    return false;
}

} // namespace plainkey::emulator
