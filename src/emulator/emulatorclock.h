#pragma once

#include <QDateTime>

#include <atomic>
#include <chrono>

namespace plainkey::emulator {

//! The emulated project's clock: this computer's UTC time plus a skew, so that a test or a demo
//! can show "PlainKey's clock is off" (FaultInjector's clock-skew fault). Every time the emulator
//! writes (the Date header, a token's iat and exp, expiresAt, createdAt, lastUsedAt) or checks
//! (token and access-token expiry) is read from here.
class EmulatorClock
{
public:
    //! The largest skew accepted either way: ten years, far past any real clock error, and well
    //! inside what QDateTime and epoch milliseconds hold.
    static constexpr std::chrono::seconds kMaxSkew{10LL * 366 * 24 * 3600};

    //! Now on the emulated project's clock, UTC.
    QDateTime now() const;
    //! Now on the emulated project's clock, in whole seconds since the epoch (for the Date
    //! header, which every answer carries: no QDateTime built for it).
    qint64 secsSinceEpoch() const;
    //! How far the emulated clock runs ahead of this computer's (negative: behind).
    std::chrono::seconds skew() const { return std::chrono::seconds(m_skew.load(std::memory_order_relaxed)); }
    //! Clamped to ±kMaxSkew.
    void setSkew(std::chrono::seconds skew);

private:
    // Atomic: the console's demo sets faults from the GUI thread through the emulator's thread,
    // but a reader on another thread must never see a torn value.
    std::atomic<qint64> m_skew{0};
};

} // namespace plainkey::emulator
