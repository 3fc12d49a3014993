// HarExporter and CurlExporter on any recorded exchange. Input: byte 0 holds flags (bodies
// cut, outcome); then, separated by NUL bytes: method, URL, request headers ("Name: value"
// lines), request body, status, response headers, response body, error text.

#include "fuzzcommon.h"

#include "core/export/curlexporter.h"
#include "core/export/harexporter.h"

using namespace plainkey;

namespace {

HttpHeaders headerLines(const QByteArray &text)
{
    HttpHeaders headers;
    if (text.isEmpty())
        return headers;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        headers.append(colon < 0 ? HttpHeader{line, {}} : HttpHeader{line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return headers;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Input in(data, size);
    const quint8 flags = in.byte();
    Exchange e;
    e.id = 1;
    e.operation = QStringLiteral("Fuzzing");
    e.startedAt = fuzz::fixedNow();
    e.durationMs = flags & 0x80 ? -1 : 42;
    e.method = in.field('\0');
    e.url = QString::fromUtf8(in.field('\0'));
    e.requestHeaders = headerLines(in.field('\0'));
    e.requestBody = in.field('\0');
    e.requestBodyTruncated = flags & 0x01;
    e.status = in.field('\0').toInt();
    e.reasonPhrase = httpReasonPhrase(e.status).toLatin1();
    e.responseHeaders = headerLines(in.field('\0'));
    e.responseBody = in.field('\0');
    e.responseBytes = e.responseBody.size() + ((flags & 0x02) ? 1000 : 0);
    e.responseBodyTruncated = flags & 0x02;
    e.outcome = Exchange::Outcome((flags >> 2) % 7);
    e.errorText = QString::fromUtf8(in.rest());

    (void)e.path();
    (void)HarExporter::toHar({e, e}, QStringLiteral("0.1.0"));
    (void)CurlExporter::toCurl(e);
    (void)CurlExporter::variables(e);
    return 0;
}
