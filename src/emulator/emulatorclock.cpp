#include "emulator/emulatorclock.h"

#include <algorithm>

namespace plainkey::emulator {

QDateTime EmulatorClock::now() const
{
    const qint64 skew = m_skew.load(std::memory_order_relaxed);
    const QDateTime utc = QDateTime::currentDateTimeUtc();
    return skew == 0 ? utc : utc.addSecs(skew);
}

qint64 EmulatorClock::secsSinceEpoch() const
{
    return QDateTime::currentSecsSinceEpoch() + m_skew.load(std::memory_order_relaxed);
}

void EmulatorClock::setSkew(std::chrono::seconds skew)
{
    m_skew.store(std::clamp(skew, -kMaxSkew, kMaxSkew).count(), std::memory_order_relaxed);
}

} // namespace plainkey::emulator
