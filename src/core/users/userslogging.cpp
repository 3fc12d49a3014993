#include "core/users/userslogging.h"

Q_LOGGING_CATEGORY(lcUsers, "plainkey.users", QtInfoMsg)
