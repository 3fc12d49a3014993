#pragma once

#include <chrono>

namespace plainkey {

//! Milliseconds on a clock that never jumps with wall-clock changes and keeps counting while
//! the machine sleeps (CLOCK_BOOTTIME on Linux), so token countdowns stay right after a suspend.
std::chrono::milliseconds bootClockNow();

} // namespace plainkey
