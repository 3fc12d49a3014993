// Every op's read() on any answer. First line: "<op> <status>" (op is an index into the table
// below, taken modulo its size); second line: the Content-Type; the rest: the body.

#include "fuzzcommon.h"

#include "core/api/verifytoken.h"
#include "core/users/aaguidcatalog.h"
#include "core/users/passkeyops.h"
#include "core/users/userops.h"

#include <functional>

using namespace plainkey;

namespace {

template <typename R>
void consume(const R &result)
{
    if (!result.ok()) {
        (void)result.error().message();
        (void)result.error().hint();
    }
}

void readPasskeys(const Result<QList<Passkey>> &result)
{
    consume(result);
    if (!result.ok())
        return;
    // What the Users tab shows of each passkey: names, times, the JSON it writes back.
    for (const Passkey &p : result.value()) {
        (void)p.displayName();
        (void)p.deviceTypeText();
        (void)p.transportsText();
        (void)p.createdAt.relativeText(fuzz::fixedNow());
        (void)p.lastUsedAt.absoluteText();
        (void)p.toJson();
    }
}

const std::function<void(const HttpAnswer &)> kReaders[] = {
    [](const HttpAnswer &a) {
        const auto r = VerifyToken::read(a);
        consume(r);
        if (r.ok())
            (void)VerifyResult::explainReason(r->error);
    },
    [](const HttpAnswer &a) { consume(GetUser::read(a)); },
    [](const HttpAnswer &a) { consume(FindUserByName::read(a)); },
    [](const HttpAnswer &a) { consume(CreateUser::read(a)); },
    [](const HttpAnswer &a) { consume(UpdateUserName::read(a)); },
    [](const HttpAnswer &a) { consume(DeleteUser::read(a)); },
    [](const HttpAnswer &a) { consume(CreateUsers::read(a)); },
    [](const HttpAnswer &a) { consume(readSuccess(a, QStringLiteral("the fuzzed answer"))); },
    [](const HttpAnswer &a) { consume(readDeleteConfirmation(a, QStringLiteral("the fuzzed answer"))); },
    [](const HttpAnswer &a) { readPasskeys(ListPasskeys::read(a)); },
    [](const HttpAnswer &a) {
        const auto r = GetPasskey::read(a);
        if (r.ok())
            readPasskeys(QList<Passkey>{r.value()});
        else
            consume(r);
    },
    [](const HttpAnswer &a) { consume(DeletePasskey::read(a)); },
    [](const HttpAnswer &a) { consume(SetPasskeyLabel::read(a)); },
    [](const HttpAnswer &a) { consume(BeginPasskeyRegistration::read(a)); },
    [](const HttpAnswer &a) {
        QString error;
        const AaguidCatalog catalog = AaguidCatalog::fromJson(a.body, &error);
        (void)catalog.describe(QStringLiteral("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"));
    },
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Input in(data, size);
    const QList<QByteArray> first = in.field().trimmed().split(' ');
    const uint op = first.value(0).toUInt();
    HttpAnswer answer;
    answer.status = first.value(1).toInt();
    const QByteArray type = in.field();
    if (!type.isEmpty())
        answer.headers.append({QByteArrayLiteral("Content-Type"), type});
    answer.body = in.rest();
    kReaders[op % std::size(kReaders)](answer);
    return 0;
}
