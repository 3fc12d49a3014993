#include "core/time/timestamp.h"

#include <QTimeZone>

#include <cmath>

namespace plainkey {

namespace {

constexpr double kMillisThreshold = 1e11;

std::optional<Timestamp> fromNumber(double v)
{
    if (!std::isfinite(v) || v < 0 || v > 1e15)
        return std::nullopt;
    Timestamp t;
    if (v >= kMillisThreshold) {
        t.format = Timestamp::Format::EpochMillis;
        t.utc = QDateTime::fromMSecsSinceEpoch(qint64(v), Qt::UTC);
    } else {
        t.format = Timestamp::Format::EpochSeconds;
        t.utc = QDateTime::fromMSecsSinceEpoch(qint64(std::llround(v * 1000.0)), Qt::UTC);
    }
    return t;
}

} // namespace

std::optional<Timestamp> Timestamp::parse(const QJsonValue &value)
{
    if (value.isDouble())
        return fromNumber(value.toDouble());
    if (value.isString())
        return parse(value.toString());
    return std::nullopt;
}

std::optional<Timestamp> Timestamp::parse(const QString &text)
{
    const QString s = text.trimmed();
    if (s.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const double v = s.toDouble(&isNumber);
    if (isNumber)
        return fromNumber(v);
    QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!dt.isValid() || dt.timeSpec() == Qt::LocalTime) {
        // No offset written: PlainKey's servers speak UTC. Read it as UTC from the start: as a
        // local wall-clock time it may not exist (a DST gap makes it invalid) or exist twice.
        dt = QDateTime::fromString(s + QLatin1Char('Z'), Qt::ISODateWithMs);
        if (!dt.isValid() && s.size() == 10) {
            const QDate date = QDate::fromString(s, Qt::ISODate);
            if (date.isValid())
                dt = QDateTime(date, QTime(0, 0), Qt::UTC);
        }
    }
    if (!dt.isValid())
        return std::nullopt;
    Timestamp t;
    t.format = Format::Iso8601;
    t.utc = dt.toUTC();
    return t;
}

QString Timestamp::formatName(Format format)
{
    switch (format) {
    case Format::EpochSeconds: return QStringLiteral("epoch seconds");
    case Format::EpochMillis: return QStringLiteral("epoch milliseconds");
    case Format::Iso8601: return QStringLiteral("ISO 8601");
    }
    return {};
}

QString describeDuration(qint64 signedSeconds)
{
    // Unsigned, because the magnitude of the most negative qint64 does not fit in a qint64.
    const quint64 seconds = signedSeconds < 0 ? 0 - quint64(signedSeconds) : quint64(signedSeconds);
    const quint64 days = seconds / 86400;
    const quint64 hours = (seconds % 86400) / 3600;
    const quint64 minutes = (seconds % 3600) / 60;
    const quint64 secs = seconds % 60;
    if (days > 0)
        return hours > 0 ? QStringLiteral("%1 d %2 h").arg(days).arg(hours) : QStringLiteral("%1 d").arg(days);
    if (hours > 0)
        return QStringLiteral("%1 h %2 min").arg(hours).arg(minutes, 2, 10, QLatin1Char('0'));
    if (minutes > 0)
        return QStringLiteral("%1 min %2 s").arg(minutes).arg(secs, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 s").arg(secs);
}

QString describeRelative(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return QStringLiteral("never");
    const qint64 delta = now.secsTo(when);
    if (std::llabs(delta) < 1)
        return QStringLiteral("now");
    return delta > 0 ? QStringLiteral("in %1").arg(describeDuration(delta))
                     : QStringLiteral("%1 ago").arg(describeDuration(delta));
}

} // namespace plainkey
