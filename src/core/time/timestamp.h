#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace plainkey {

//! A point in time read from PlainKey, which may write it as epoch seconds, epoch
//! milliseconds or ISO 8601 (the contract does not say which): all three are accepted.
struct Timestamp
{
    enum class Format { EpochSeconds, EpochMillis, Iso8601 };
    QDateTime utc;
    Format format = Format::Iso8601;

    //! Numbers (or digit strings) above 10^11 are milliseconds: 10^11 seconds is the year 5138.
    static std::optional<Timestamp> parse(const QJsonValue &value);
    static std::optional<Timestamp> parse(const QString &text);
    static QString formatName(Format format);
};

//! "in 4 min 12 s", "2 min ago", "3 days ago": a duration relative to \a now, for people.
QString describeRelative(const QDateTime &when, const QDateTime &now = QDateTime::currentDateTimeUtc());
//! "1 h 02 min", "4 min 05 s", "12 s" for a duration in seconds (sign ignored).
QString describeDuration(qint64 seconds);

} // namespace plainkey
