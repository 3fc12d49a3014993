#include "core/log/logging.h"

Q_LOGGING_CATEGORY(lcNet, "plainkey.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcToken, "plainkey.token", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "plainkey.api", QtInfoMsg)
