#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace plainkey::emulator::base64url {

//! \a data as base64url without padding, as WebAuthn's JSON encodings carry binary fields.
QString encode(const QByteArray &data);
//! The bytes of base64url \a text (padding tolerated); nullopt when it holds any other
//! character (standard base64's '+' and '/' included) or is cut in an impossible place.
std::optional<QByteArray> decode(const QString &text);

} // namespace plainkey::emulator::base64url
