#pragma once

#include "emulator/emulatorconfig.h"

#include <QObject>

#include <chrono>

class QTcpSocket;

namespace plainkey::emulator {

struct EmuRequest;

//! "PlainKey misbehaves": a Fault spoiling answers (an error status, an HTML page, an empty or
//! truncated body, a stall, a reset connection) and a latency delaying them.
class FaultInjector : public QObject
{
    Q_OBJECT
public:
    explicit FaultInjector(QObject *parent = nullptr);

    void setLatency(std::chrono::milliseconds latency);
    std::chrono::milliseconds latency() const { return m_latency; }
    void setFault(const Fault &fault);
    Fault fault() const { return m_fault; }
    //! No fault and no latency.
    void clear();

    //! True when the fault takes \a request over (it answered, or will answer, or never will);
    //! \a apiPath is the path the fault's prefix is compared with.
    bool intercept(const EmuRequest &request, const QString &apiPath, QTcpSocket *socket);

signals:
    void faultChanged();
    void latencyChanged();
    //! A request the fault took over; \a status is 0 when it gets no HTTP answer.
    void intercepted(const QString &method, const QString &path, int status);

private:
    Fault m_fault;
    std::chrono::milliseconds m_latency{0};
};

} // namespace plainkey::emulator
