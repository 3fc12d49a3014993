#pragma once

#include "core/api/apierror.h"

#include <optional>
#include <utility>

namespace plainkey {

//! Either a value of an API call or the ApiError that prevented it.
template <typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(ApiError error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const T *operator->() const { return &*m_value; }
    const ApiError &error() const { return m_error; }

private:
    std::optional<T> m_value;
    ApiError m_error;
};

//! The value of a call that answers nothing but success.
struct Done
{
};

} // namespace plainkey
