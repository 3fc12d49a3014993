// Timestamp::parse on text and on JSON values (numbers of any size, including the ones Qt's
// JSON parser makes of 1e400), then the relative and duration texts people see.

#include "fuzzcommon.h"

#include "core/time/timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstring>

using namespace plainkey;

namespace {

void describe(const std::optional<Timestamp> &t)
{
    if (!t)
        return;
    (void)Timestamp::formatName(t->format);
    (void)describeRelative(t->utc, fuzz::fixedNow());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    describe(Timestamp::parse(QString::fromUtf8(bytes)));

    // The same bytes as a JSON value, as an answer's "expiresAt" would carry them.
    const QJsonDocument doc = QJsonDocument::fromJson("[" + bytes + "]");
    if (doc.isArray()) {
        for (const QJsonValue &v : doc.array())
            describe(Timestamp::parse(v));
    }

    // Any double, NaN and infinities included, and any duration.
    if (size >= sizeof(double)) {
        double d;
        std::memcpy(&d, data, sizeof d);
        describe(Timestamp::parse(QJsonValue(d)));
        qint64 seconds;
        std::memcpy(&seconds, data, sizeof seconds);
        (void)describeDuration(seconds);
    }
    return 0;
}
