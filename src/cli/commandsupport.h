#pragma once

// What the user and passkey commands share: their common options, reading a USER or
// PASSKEY-ID argument, and looking a user up by ID or name.

#include "core/api/result.h"
#include "core/users/user.h"
#include "core/users/useridentifier.h"

#include <QCommandLineOption>
#include <QStringList>

#include <optional>

namespace plainkey::cli {

class CliApp;

//! --by-name: USER is a user name, not a user ID.
const QCommandLineOption &byNameOption();
//! --clear: remove the user name (user rename) or the label (passkey label).
const QCommandLineOption &clearOption();

//! \a text as a user ID, or as a user name with --by-name.
UserIdentifier userArgument(CliApp &app, const QString &text);

//! The one USER argument of \a command, with the credentials ready; nullopt after printing a
//! usage error (the command then exits with ExitUsage).
std::optional<UserIdentifier> takeUserArgument(CliApp &app, const QStringList &args, const QString &command);

//! The one PASSKEY-ID argument of \a command, with the credentials ready; nullopt after
//! printing a usage error (the command then exits with ExitUsage).
std::optional<QString> takePasskeyArgument(CliApp &app, const QStringList &args, const QString &command);

//! Fetches the user \a who names (GET /user/{id} or GET /user?userName=) and waits for the answer.
Result<User> waitLookUp(CliApp &app, const UserIdentifier &who);

} // namespace plainkey::cli
