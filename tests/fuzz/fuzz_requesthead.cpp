// The emulator's own HTTP/1.x head parser (RequestHead), which reads every byte a client sends
// since the emulator stopped using Qt HttpServer: any bytes, split where endOf() says the head
// ends, then parsed. Invariants: a head is either refused with a 4xx/5xx status and a reason, or
// taken with a method, a target, a known version and a non-negative Content-Length.

#include "fuzzcommon.h"

#include "emulator/requesthead.h"

using namespace plainkey::emulator;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    plainkey::fuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype end = RequestHead::endOf(bytes);
    if (end > qsizetype(size))
        __builtin_trap(); // the head cannot end past the bytes received
    // What the listener hands over: the head without its blank line, or everything so far.
    QByteArrayView head = end >= 0 ? bytes.first(end) : bytes;
    while (head.endsWith('\n') || head.endsWith('\r'))
        head.chop(1);
    RequestHead parsed;
    QString why;
    const int status = RequestHead::parse(head, &parsed, &why);
    if (status != 0) {
        if (status < 400 || status > 599 || why.isEmpty())
            __builtin_trap(); // a refusal is an error status with a reason
        return 0;
    }
    if (parsed.method.isEmpty() || parsed.target.isEmpty() || parsed.contentLength < 0)
        __builtin_trap();
    if (parsed.version != "HTTP/1.1" && parsed.version != "HTTP/1.0")
        __builtin_trap();
    return 0;
}
