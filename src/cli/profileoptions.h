#pragma once

// The global --profile option, for CliApp::prepareCredentials (the profile commands themselves
// are in profilecommands.cpp).

#include "core/profile/profile.h"

#include <QCommandLineOption>

#include <optional>

namespace plainkey::cli {

class CliApp;

//! --profile NAME: base URL, project ID and keychain secret of a saved profile.
const QCommandLineOption &profileOption();

//! The profile --profile names, or nullopt when none was asked for. \a ok is false after a
//! usage error was printed (unknown profile, unreadable profiles file).
std::optional<Profile> profileFromOption(CliApp &app, bool *ok);

//! The client secret saved in the keychain for \a profile; empty (with \a why saying so) when
//! there is none or the keychain cannot be used.
QString profileSecret(const Profile &profile, QString *why);

} // namespace plainkey::cli
