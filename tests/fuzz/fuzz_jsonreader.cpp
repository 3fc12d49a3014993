// JsonReader on any answer: the first line is the status, the second the Content-Type, the
// rest the body. Every accessor runs on every key the ops read, so a mistyped value can only
// ever become an error, never a crash.

#include "fuzzcommon.h"

#include "core/api/jsonreader.h"

#include <QJsonArray>
#include <QStringList>

using namespace plainkey;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Input in(data, size);
    HttpAnswer answer;
    answer.status = in.field().trimmed().toInt();
    const QByteArray type = in.field();
    if (!type.isEmpty())
        answer.headers.append({QByteArrayLiteral("Content-Type"), type});
    answer.body = in.rest();

    (void)JsonReader::serverError(answer);
    (void)JsonReader::describeBody(answer);
    if (const auto array = JsonReader::array(answer); !array.ok())
        (void)array.error().message();
    const auto object = JsonReader::object(answer);
    if (!object.ok()) {
        (void)object.error().message();
        return 0;
    }
    JsonReader reader(object.value());
    // Every key in the object, read as each type: most reads are of the wrong type.
    const QStringList keys = object.value().keys();
    for (const QString &key : keys) {
        (void)reader.requiredString(key);
        (void)reader.requiredBool(key);
        (void)reader.optionalString(key);
        (void)reader.optionalBool(key);
        (void)reader.optionalNumber(key);
        (void)reader.optionalStringList(key);
    }
    (void)reader.requiredString(QStringLiteral("missing"));
    (void)reader.ok();
    (void)reader.error().message();
    return 0;
}
