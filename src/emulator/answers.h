#pragma once

#include "emulator/httpserver.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>

// Small helpers every handler of the emulator uses to build answers and read bodies.
namespace plainkey::emulator {

//! A JSON answer with \a status.
EmuResponse json(int status, const QJsonObject &object, QList<QPair<QByteArray, QByteArray>> headers = {});
EmuResponse json(int status, const QJsonArray &array);
//! {"error": message} with \a status.
EmuResponse error(int status, const QString &message, QList<QPair<QByteArray, QByteArray>> headers = {});
//! A path short enough for a message or a log line.
QString shortened(const QString &path);
//! \a bytes random bytes, base64url without padding.
QByteArray randomToken(int bytes);
QByteArray base64Url(const QByteArray &raw);
//! The JSON object body, or nullopt with the 400 answer saying why there is none in \a fail.
std::optional<QJsonObject> objectBody(const EmuRequest &request, EmuResponse *fail);
//! A user name field: absent or null gives nullopt; anything but a non-empty string (up to 256
//! characters) is an error with \a why set.
bool readUserName(const QJsonObject &object, const QString &key, std::optional<QString> *out, QString *why);
//! A passkey's "label" field, as both APIs' relabel calls take it: required; a string of up to
//! 256 characters, trimmed, or null (or blank) to clear it. False with \a why otherwise.
bool readLabel(const QJsonObject &object, std::optional<QString> *out, QString *why);

} // namespace plainkey::emulator
