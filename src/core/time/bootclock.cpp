#include "core/time/bootclock.h"

#include <ctime>

namespace plainkey {

std::chrono::milliseconds bootClockNow()
{
#if defined(CLOCK_BOOTTIME)
    timespec ts{};
    if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
        return std::chrono::seconds(ts.tv_sec) + std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(ts.tv_nsec));
#endif
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch());
}

} // namespace plainkey
