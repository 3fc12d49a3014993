#pragma once

#include "core/log/exchange.h"

#include <QString>

namespace plainkey::gui {

//! Turns a recorded (already redacted) exchange into the text of the log's detail pane:
//! start line, headers, and the body with JSON pretty-printed.
class ExchangeFormatter
{
public:
    //! One line: what the exchange did and how it ended.
    static QString summary(const Exchange &exchange);
    static QString requestText(const Exchange &exchange);
    static QString responseText(const Exchange &exchange);
    //! \a body pretty-printed when it is JSON, as text when it is UTF-8, else a byte count.
    static QString bodyText(const QByteArray &body);
};

} // namespace plainkey::gui
