#pragma once

#include "emulator/emulatorconfig.h"

#include <QObject>

#include <chrono>

class QTcpSocket;

namespace plainkey::emulator {

class EmulatorClock;
struct EmuRequest;

//! "PlainKey misbehaves": a Fault spoiling answers (an error status, an HTML page, an empty or
//! truncated body, a stall, a reset connection), a latency delaying them, and a clock skew
//! ("PlainKey's clock is off": the project's clock runs that far from this computer's).
class FaultInjector : public QObject
{
    Q_OBJECT
public:
    //! \a clock is the project's clock, which the clock-skew fault sets.
    explicit FaultInjector(EmulatorClock &clock, QObject *parent = nullptr);

    void setLatency(std::chrono::milliseconds latency);
    std::chrono::milliseconds latency() const { return m_latency; }
    //! The project's clock runs \a skew ahead of this computer's (negative: behind), clamped to
    //! ±EmulatorClock::kMaxSkew: the Date header, token times, expiry checks and stored times follow it.
    void setClockSkew(std::chrono::seconds skew);
    std::chrono::seconds clockSkew() const;
    void setFault(const Fault &fault);
    Fault fault() const { return m_fault; }
    //! No fault, no latency, no clock skew.
    void clear();

    //! True when the fault takes \a request over (it answered, or will answer, or never will);
    //! \a apiPath is the path the fault's prefix is compared with.
    bool intercept(const EmuRequest &request, const QString &apiPath, QTcpSocket *socket);

signals:
    void faultChanged();
    void latencyChanged();
    void clockSkewChanged();
    //! A request the fault took over; \a status is 0 when it gets no HTTP answer.
    void intercepted(const QString &method, const QString &path, int status);

private:
    EmulatorClock &m_clock;
    Fault m_fault;
    std::chrono::milliseconds m_latency{0};
};

} // namespace plainkey::emulator
