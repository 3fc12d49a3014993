// TokenInput::normalize on any pasted text; a token it accepts is then inspected, as the
// Verify tab does.

#include "fuzzcommon.h"

#include "core/token/jwtinspector.h"
#include "core/token/tokeninput.h"

using namespace plainkey;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString raw = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const TokenInput input = TokenInput::normalize(raw);
    if (input.ok())
        (void)JwtInspection::inspect(input.token, fuzz::fixedNow());
    return 0;
}
