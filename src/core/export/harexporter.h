#pragma once

#include "core/log/exchange.h"

#include <QByteArray>
#include <QList>

namespace plainkey {

//! Writes exchanges as an HTTP Archive (HAR 1.2) that browsers' developer tools open.
//! The exchanges are already redacted, so the archive holds no secret.
class HarExporter
{
public:
    static QByteArray toHar(const QList<Exchange> &exchanges, const QString &creatorVersion);
};

} // namespace plainkey
