// Timestamp: PlainKey's expiresAt as ISO 8601, epoch seconds or epoch milliseconds, and nothing
// else; durations and relative times for people.

#include "core/time/timestamp.h"

#include <QJsonObject>
#include <QTest>

#include <ctime>
#include <limits>

using namespace plainkey;

namespace {

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

} // namespace

class TestTimestamp : public QObject
{
    Q_OBJECT

private slots:
    void parsesText_data();
    void parsesText();
    void parsesJsonValues_data();
    void parsesJsonValues();
    void refusesGarbage_data();
    void refusesGarbage();
    void resultIsAlwaysUtc();
    void offsetlessTimeIsUtcWhateverTheLocalZone_data();
    void offsetlessTimeIsUtcWhateverTheLocalZone();
    void formatNames();
    void describeDuration_data();
    void describeDuration();
    void describeRelative_data();
    void describeRelative();
};

void TestTimestamp::parsesText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    QTest::addColumn<int>("format");
    const int iso = int(Timestamp::Format::Iso8601);
    const int secs = int(Timestamp::Format::EpochSeconds);
    const int millis = int(Timestamp::Format::EpochMillis);

    QTest::newRow("ISO Z") << "2024-05-01T12:00:00Z" << utc(2024, 5, 1, 12) << iso;
    QTest::newRow("ISO fraction Z") << "2024-05-01T12:00:00.123Z" << utc(2024, 5, 1, 12, 0, 0, 123) << iso;
    QTest::newRow("ISO fraction, 6 digits") << "2024-05-01T12:00:00.123456Z" << utc(2024, 5, 1, 12, 0, 0, 123) << iso;
    QTest::newRow("ISO +02:00") << "2024-05-01T14:00:00+02:00" << utc(2024, 5, 1, 12) << iso;
    QTest::newRow("ISO -05:30 with fraction") << "2024-05-01T06:30:00.500-05:30" << utc(2024, 5, 1, 12, 0, 0, 500) << iso;
    QTest::newRow("ISO +00:00") << "2024-05-01T12:00:00+00:00" << utc(2024, 5, 1, 12) << iso;
    QTest::newRow("ISO without offset is UTC") << "2024-05-01T12:00:00" << utc(2024, 5, 1, 12) << iso;
    QTest::newRow("ISO fraction without offset") << "2024-05-01T12:00:00.250" << utc(2024, 5, 1, 12, 0, 0, 250) << iso;
    QTest::newRow("ISO crosses midnight") << "2024-01-01T01:00:00+03:00" << utc(2023, 12, 31, 22) << iso;
    QTest::newRow("ISO padded") << "  2024-05-01T12:00:00Z \n" << utc(2024, 5, 1, 12) << iso;
    QTest::newRow("far past") << "0001-01-01T00:00:00Z" << utc(1, 1, 1) << iso;
    QTest::newRow("far future") << "9999-12-31T23:59:59Z" << utc(9999, 12, 31, 23, 59, 59) << iso;
    QTest::newRow("leap day") << "2024-02-29T00:00:00Z" << utc(2024, 2, 29) << iso;

    QTest::newRow("epoch 0") << "0" << utc(1970, 1, 1) << secs;
    QTest::newRow("epoch seconds") << "1700000000" << utc(2023, 11, 14, 22, 13, 20) << secs;
    QTest::newRow("epoch seconds with fraction") << "1700000000.25" << utc(2023, 11, 14, 22, 13, 20, 250) << secs;
    QTest::newRow("epoch millis") << "1700000000123" << utc(2023, 11, 14, 22, 13, 20, 123) << millis;
    QTest::newRow("just below the millis threshold") << "99999999999" << QDateTime::fromSecsSinceEpoch(99999999999LL, Qt::UTC) << secs;
    QTest::newRow("at the millis threshold") << "100000000000" << utc(1973, 3, 3, 9, 46, 40) << millis;
    QTest::newRow("year 2038 + 1 s") << "2147483648" << utc(2038, 1, 19, 3, 14, 8) << secs;
}

void TestTimestamp::parsesText()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    QFETCH(int, format);
    const auto t = Timestamp::parse(text);
    QVERIFY2(t.has_value(), qPrintable(text));
    QCOMPARE(t->utc, expected);
    QCOMPARE(int(t->format), format);
}

void TestTimestamp::parsesJsonValues_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QDateTime>("expected");
    QTest::addColumn<int>("format");
    QTest::newRow("seconds") << QJsonValue(1700000000.0) << utc(2023, 11, 14, 22, 13, 20) << int(Timestamp::Format::EpochSeconds);
    QTest::newRow("millis") << QJsonValue(1700000000123.0) << utc(2023, 11, 14, 22, 13, 20, 123)
                            << int(Timestamp::Format::EpochMillis);
    QTest::newRow("seconds with fraction") << QJsonValue(1700000000.5) << utc(2023, 11, 14, 22, 13, 20, 500)
                                           << int(Timestamp::Format::EpochSeconds);
    QTest::newRow("ISO string") << QJsonValue(QStringLiteral("2023-11-14T22:13:20.000Z")) << utc(2023, 11, 14, 22, 13, 20)
                                << int(Timestamp::Format::Iso8601);
    QTest::newRow("digit string") << QJsonValue(QStringLiteral("1700000000123")) << utc(2023, 11, 14, 22, 13, 20, 123)
                                  << int(Timestamp::Format::EpochMillis);
    QTest::newRow("largest accepted millis") << QJsonValue(1e15) << QDateTime::fromMSecsSinceEpoch(qint64(1e15), Qt::UTC)
                                             << int(Timestamp::Format::EpochMillis);
}

void TestTimestamp::parsesJsonValues()
{
    QFETCH(QJsonValue, value);
    QFETCH(QDateTime, expected);
    QFETCH(int, format);
    const auto t = Timestamp::parse(value);
    QVERIFY(t.has_value());
    QCOMPARE(t->utc, expected);
    QCOMPARE(int(t->format), format);
}

void TestTimestamp::refusesGarbage_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("empty string") << QJsonValue(QString());
    QTest::newRow("spaces") << QJsonValue(QStringLiteral("   "));
    QTest::newRow("word") << QJsonValue(QStringLiteral("tomorrow"));
    QTest::newRow("month 13") << QJsonValue(QStringLiteral("2024-13-01T00:00:00Z"));
    QTest::newRow("30 February") << QJsonValue(QStringLiteral("2024-02-30T00:00:00Z"));
    QTest::newRow("hour 25") << QJsonValue(QStringLiteral("2024-05-01T25:00:00Z"));
    QTest::newRow("RFC 2822 date") << QJsonValue(QStringLiteral("Wed, 01 May 2024 12:00:00 GMT"));
    QTest::newRow("US date") << QJsonValue(QStringLiteral("05/01/2024"));
    QTest::newRow("number and unit") << QJsonValue(QStringLiteral("3600s"));
    QTest::newRow("hex") << QJsonValue(QStringLiteral("0x6553f100"));
    QTest::newRow("NaN text") << QJsonValue(QStringLiteral("NaN"));
    QTest::newRow("inf text") << QJsonValue(QStringLiteral("inf"));
    QTest::newRow("negative seconds") << QJsonValue(-1.0);
    QTest::newRow("negative text") << QJsonValue(QStringLiteral("-1700000000"));
    QTest::newRow("beyond 1e15") << QJsonValue(1e16);
    QTest::newRow("huge text") << QJsonValue(QStringLiteral("1e300"));
    QTest::newRow("null") << QJsonValue(QJsonValue::Null);
    QTest::newRow("undefined") << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("bool") << QJsonValue(true);
    QTest::newRow("object") << QJsonValue(QJsonObject{{QStringLiteral("t"), 1}});
    QTest::newRow("long junk") << QJsonValue(QString(100000, QLatin1Char('9')) + QLatin1Char('x'));
}

void TestTimestamp::refusesGarbage()
{
    QFETCH(QJsonValue, value);
    const auto t = Timestamp::parse(value);
    QVERIFY2(!t.has_value(), qPrintable(t->utc.toString(Qt::ISODateWithMs)));
}

void TestTimestamp::resultIsAlwaysUtc()
{
    for (const QString &text : {QStringLiteral("2024-05-01T14:00:00+02:00"), QStringLiteral("2024-05-01T12:00:00"),
                                QStringLiteral("1700000000"), QStringLiteral("1700000000000")}) {
        const auto t = Timestamp::parse(text);
        QVERIFY(t.has_value());
        QCOMPARE(t->utc.timeSpec(), Qt::UTC);
    }
}

void TestTimestamp::offsetlessTimeIsUtcWhateverTheLocalZone_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    // 02:30 on these days does not exist on a Berlin or New York wall clock (spring forward):
    // read as local time first, it is invalid, and the timestamp was refused.
    QTest::newRow("Berlin gap") << QByteArray("Europe/Berlin") << "2024-03-31T02:30:00" << utc(2024, 3, 31, 2, 30);
    QTest::newRow("Berlin gap, fraction") << QByteArray("Europe/Berlin") << "2024-03-31T02:30:00.250" << utc(2024, 3, 31, 2, 30, 0, 250);
    QTest::newRow("New York gap") << QByteArray("America/New_York") << "2024-03-10T02:15:00" << utc(2024, 3, 10, 2, 15);
    // 02:30 happens twice in Berlin on this day (fall back): it must still be one UTC moment.
    QTest::newRow("Berlin overlap") << QByteArray("Europe/Berlin") << "2024-10-27T02:30:00" << utc(2024, 10, 27, 2, 30);
    QTest::newRow("Berlin, ordinary day") << QByteArray("Europe/Berlin") << "2024-05-01T12:00:00" << utc(2024, 5, 1, 12);
}

void TestTimestamp::offsetlessTimeIsUtcWhateverTheLocalZone()
{
    QFETCH(QByteArray, zone);
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const QByteArray saved = qgetenv("TZ");
    const bool hadTz = qEnvironmentVariableIsSet("TZ");
    qputenv("TZ", zone);
    tzset();
    const auto t = Timestamp::parse(text);
    if (hadTz)
        qputenv("TZ", saved);
    else
        qunsetenv("TZ");
    tzset();
    QVERIFY2(t.has_value(), qPrintable(text));
    QCOMPARE(t->utc, expected);
    QCOMPARE(t->format, Timestamp::Format::Iso8601);
}

void TestTimestamp::formatNames()
{
    QCOMPARE(Timestamp::formatName(Timestamp::Format::EpochSeconds), QStringLiteral("epoch seconds"));
    QCOMPARE(Timestamp::formatName(Timestamp::Format::EpochMillis), QStringLiteral("epoch milliseconds"));
    QCOMPARE(Timestamp::formatName(Timestamp::Format::Iso8601), QStringLiteral("ISO 8601"));
}

void TestTimestamp::describeDuration_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("expected");
    QTest::newRow("0") << qint64(0) << "0 s";
    QTest::newRow("12 s") << qint64(12) << "12 s";
    QTest::newRow("59 s") << qint64(59) << "59 s";
    QTest::newRow("1 min") << qint64(60) << "1 min 00 s";
    QTest::newRow("4 min 5 s") << qint64(245) << "4 min 05 s";
    QTest::newRow("1 h 2 min") << qint64(3720) << "1 h 02 min";
    QTest::newRow("negative") << qint64(-245) << "4 min 05 s";
    QTest::newRow("1 day") << qint64(86400) << "1 d";
    QTest::newRow("3 d 4 h") << qint64(3 * 86400 + 4 * 3600 + 59) << "3 d 4 h";
    QTest::newRow("far") << qint64(10000) * 86400 << "10000 d";
    // Its magnitude does not fit in a qint64: std::llabs of it is undefined.
    QTest::newRow("most negative") << std::numeric_limits<qint64>::min() << "106751991167300 d 15 h";
    QTest::newRow("largest") << std::numeric_limits<qint64>::max() << "106751991167300 d 15 h";
}

void TestTimestamp::describeDuration()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, expected);
    QCOMPARE(plainkey::describeDuration(seconds), expected);
}

void TestTimestamp::describeRelative_data()
{
    QTest::addColumn<QDateTime>("when");
    QTest::addColumn<QString>("expected");
    const QDateTime now = utc(2024, 5, 1, 12);
    QTest::newRow("now") << now << "now";
    QTest::newRow("half a second") << now.addMSecs(500) << "now";
    QTest::newRow("in 4 min 12 s") << now.addSecs(252) << "in 4 min 12 s";
    QTest::newRow("2 min ago") << now.addSecs(-120) << "2 min 00 s ago";
    QTest::newRow("3 days ago") << now.addDays(-3) << "3 d ago";
    QTest::newRow("invalid") << QDateTime() << "never";
}

void TestTimestamp::describeRelative()
{
    QFETCH(QDateTime, when);
    QFETCH(QString, expected);
    QCOMPARE(plainkey::describeRelative(when, utc(2024, 5, 1, 12)), expected);
}

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
