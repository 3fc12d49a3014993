#pragma once

namespace plainkey::emulator {

class EmulatorStore;

//! Adds a few users with realistic passkeys to \a store, for demos; seeding again adds nobody twice.
void seedDemoData(EmulatorStore &store);

} // namespace plainkey::emulator
