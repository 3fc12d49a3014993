#include "core/history/historyretention.h"

#include <QSettings>

namespace plainkey {

namespace {
const QString kMaxAgeDays = QStringLiteral("history/maxAgeDays");
const QString kMaxMegabytes = QStringLiteral("history/maxMegabytes");
} // namespace

HistoryRetention HistoryRetention::load(const QSettings &settings)
{
    HistoryRetention r;
    r.maxAgeDays = qBound(0, settings.value(kMaxAgeDays, r.maxAgeDays).toInt(), kLongestAgeDays);
    r.maxMegabytes = qBound(0, settings.value(kMaxMegabytes, r.maxMegabytes).toInt(), kLargestMegabytes);
    return r;
}

void HistoryRetention::save(QSettings &settings) const
{
    settings.setValue(kMaxAgeDays, maxAgeDays);
    settings.setValue(kMaxMegabytes, maxMegabytes);
}

HistoryRetention HistoryRetention::fromConsoleSettings()
{
    const QSettings console(QSettings::UserScope, QStringLiteral("PlainKey"), QStringLiteral("PlainKey Console"));
    return load(console);
}

} // namespace plainkey
