#pragma once

#include "core/history/historystore.h"

#include <QtGlobal>

#include <chrono>

class QSettings;

namespace plainkey {

//! How long the request history keeps exchanges and how large its file may grow, as a person
//! sets them in the console (Log > History settings…). The console keeps them in its settings;
//! plainkey-cli reads them there, so a run of the CLI never prunes the history to other limits
//! than the console's. Zero turns a limit off.
struct HistoryRetention
{
    int maxAgeDays = int(HistoryStore::kDefaultMaxAge.count() / 24);
    int maxMegabytes = int(HistoryStore::kDefaultMaxBytes / (1024 * 1024));

    static constexpr int kLongestAgeDays = 3650;
    static constexpr int kLargestMegabytes = 100000;

    //! From \a settings' "history/maxAgeDays" and "history/maxMegabytes"; the defaults where
    //! missing, bounded where out of range.
    static HistoryRetention load(const QSettings &settings);
    void save(QSettings &settings) const;
    //! The console's own settings (organization "PlainKey", application "PlainKey Console"),
    //! whichever program asks.
    static HistoryRetention fromConsoleSettings();

    std::chrono::seconds maxAge() const { return std::chrono::hours(24) * maxAgeDays; }
    qint64 maxBytes() const { return qint64(maxMegabytes) * 1024 * 1024; }

    friend bool operator==(const HistoryRetention &a, const HistoryRetention &b)
    {
        return a.maxAgeDays == b.maxAgeDays && a.maxMegabytes == b.maxMegabytes;
    }
};

} // namespace plainkey
