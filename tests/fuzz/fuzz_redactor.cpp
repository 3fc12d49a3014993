// Redactor on any body, header list or URL, with a few remembered secrets and one the input
// chooses. Besides crashes, it checks the redactor's promise: a remembered secret (and the
// percent-encoded form the redactor also looks for) never survives in what it returns.
//
// Input: byte 0 picks what is redacted (body, headers, URL) and whether the input's own
// secret is remembered or passed per call; the first line is that secret; the rest is the
// body, the URL, or "Name: value" header lines.

#include "fuzzcommon.h"

#include "core/log/redactor.h"

#include <QUrl>

#include <cstdio>

using namespace plainkey;

namespace {

using Secrets = QList<QPair<SecretKind, QByteArray>>;

const Secrets &rememberedSecrets()
{
    static const Secrets secrets{
        {SecretKind::ClientSecret, QByteArrayLiteral("sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0")},
        {SecretKind::ClientSecret, QByteArrayLiteral("p@ss/w+rd=s3cret!")},
        {SecretKind::AccessToken, QByteArrayLiteral("at_Q2xpZW50Q3JlZGVudGlhbHM.x7Kp")},
        {SecretKind::AuthenticationToken, QByteArrayLiteral("pk_auth_7Hq2mZ9vLx")},
    };
    return secrets;
}

// Whether an occurrence of \a secret in the output can only be the secret itself: a value
// made only of the characters of a marker ("[redacted auth_token #1a2b3c4d]"), or one with a
// bracket, could be formed by a marker and the text beside it.
bool checkable(const QByteArray &secret)
{
    static const QByteArray markerChars("redacted client_secret access_token auth_token #0123456789abcdef");
    if (secret.size() < 6 || secret.contains('[') || secret.contains(']'))
        return false;
    for (char c : secret) {
        if (!markerChars.contains(c))
            return true;
    }
    return false;
}

void expectAbsent(const QByteArray &output, const Secrets &secrets, const char *where)
{
    for (const auto &s : secrets) {
        if (!checkable(s.second))
            continue;
        const QByteArray encoded = QUrl::toPercentEncoding(QString::fromUtf8(s.second));
        for (const QByteArray &form : {s.second, encoded}) {
            if (output.contains(form)) {
                std::fprintf(stderr, "secret survived redaction in the %s: '%s' in '%s'\n", where,
                             form.constData(), output.left(400).constData());
                __builtin_trap();
            }
        }
    }
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
    const quint8 mode = in.byte();
    const QByteArray ownSecret = in.field();
    const QByteArray text = in.rest();

    Redactor redactor;
    for (const auto &s : rememberedSecrets())
        redactor.addSecret(s.first, s.second);
    Secrets extra;
    if (mode & 0x10)
        extra.append({SecretKind::AccessToken, ownSecret});
    else
        redactor.addSecret(SecretKind::ClientSecret, ownSecret);
    Secrets all = rememberedSecrets();
    all.append({SecretKind::AccessToken, ownSecret});

    switch (mode % 3) {
    case 0:
        expectAbsent(redactor.redactBody(text, extra), all, "body");
        break;
    case 1: {
        HttpHeaders headers;
        for (const QByteArray &line : text.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            headers.append(colon < 0 ? HttpHeader{line, {}} : HttpHeader{line.left(colon), line.mid(colon + 1).trimmed()});
        }
        for (const auto &h : redactor.redactHeaders(headers, extra)) {
            expectAbsent(h.first, all, "header name");
            expectAbsent(h.second, all, "header value");
        }
        break;
    }
    case 2:
        expectAbsent(redactor.redactUrl(QUrl::fromEncoded(text), extra).toUtf8(), all, "URL");
        expectAbsent(redactor.redactUrl(QUrl(QString::fromUtf8(text)), extra).toUtf8(), all, "URL");
        break;
    }
    return 0;
}
