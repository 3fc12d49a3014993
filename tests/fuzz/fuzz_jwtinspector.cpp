// JwtInspection::inspect on any pasted text, against a fixed "now".

#include "fuzzcommon.h"

#include "core/token/jwtinspector.h"

using namespace plainkey;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString token = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const JwtInspection j = JwtInspection::inspect(token, fuzz::fixedNow());
    (void)j.isExpired(fuzz::fixedNow());
    if (!j.isJwt && j.notJwtReason.isEmpty())
        __builtin_trap(); // a refusal always says why
    return 0;
}
