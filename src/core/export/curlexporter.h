#pragma once

#include "core/log/exchange.h"

#include <QString>
#include <QStringList>

namespace plainkey {

//! Turns a recorded exchange into a cURL command that reproduces it. Secrets stay redacted:
//! the command reads them from environment variables (PLAINKEY_CLIENT_SECRET,
//! PLAINKEY_ACCESS_TOKEN, PLAINKEY_AUTH_TOKEN) that the person sets in their own shell.
class CurlExporter
{
public:
    //! The command, with a comment line naming the variables it needs.
    static QString toCurl(const Exchange &exchange);
    //! The environment variables the command reads, in order of first use.
    static QStringList variables(const Exchange &exchange);
    //! \a text as one POSIX-shell word, markers replaced by "$VARIABLE" expansions.
    static QString shellWord(const QString &text, QStringList *variables = nullptr);
    static QString variableFor(const QString &kindName);
};

} // namespace plainkey
