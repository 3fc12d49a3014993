#pragma once

#include <QLoggingCategory>

//! Users, passkeys and bulk imports ("plainkey.users"). Never logs a secret.
Q_DECLARE_LOGGING_CATEGORY(lcUsers)
