#pragma once

#include <QString>
#include <QStringList>

namespace plainkey {

//! A token as pasted by a person, cleaned up: whitespace, quotes and a "Bearer " prefix removed.
struct TokenInput
{
    QString token;
    //! What was changed, to tell the person ("Removed the Bearer prefix.").
    QStringList notices;
    //! Why the input cannot be a token; empty when it can.
    QString problem;

    bool ok() const { return problem.isEmpty(); }
    static TokenInput normalize(const QString &raw);
};

} // namespace plainkey
