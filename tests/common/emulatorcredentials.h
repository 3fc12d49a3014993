#pragma once

// The credentials a client needs for an in-process emulator: its URL and its project.

#include "core/api/credentials.h"
#include "emulator/emulator.h"

inline plainkey::Credentials emulatorCredentials(const plainkey::emulator::Emulator &emu)
{
    plainkey::Credentials c;
    c.baseUrl = emu.baseUrl();
    c.projectId = emu.config().projectId;
    c.clientSecret = emu.config().clientSecret;
    return c;
}
