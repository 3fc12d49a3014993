#pragma once

#include <QString>

namespace plainkey::gui {

//! "1 exchange", "3 exchanges": tr()'s %n only picks a plural form when a translation is
//! loaded, and the console ships in English without one.
inline QString countOf(qint64 n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace plainkey::gui
