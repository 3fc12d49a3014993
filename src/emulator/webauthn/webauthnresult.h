#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace plainkey::emulator {

//! Why a WebAuthn ceremony was refused: a message saying which check failed, and the HTTP
//! status the Browser API answers with (400 malformed or unsupported input, 401 a check that
//! failed, 500 the emulator's own stored data cannot be read).
struct WebAuthnError
{
    QString message;
    int httpStatus = 400;

    static WebAuthnError malformed(QString message) { return {std::move(message), 400}; }
    static WebAuthnError refused(QString message) { return {std::move(message), 401}; }
};

//! A value of type T, or the WebAuthnError that prevented it.
template <typename T>
class WebAuthnResult
{
public:
    WebAuthnResult(T value) : m_value(std::move(value)) {}
    WebAuthnResult(WebAuthnError error) : m_value(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }
    //! The value; only when ok().
    const T &value() const { return std::get<T>(m_value); }
    T &value() { return std::get<T>(m_value); }
    const T *operator->() const { return &value(); }
    //! The error; only when !ok().
    const WebAuthnError &error() const { return std::get<WebAuthnError>(m_value); }

private:
    std::variant<T, WebAuthnError> m_value;
};

} // namespace plainkey::emulator
