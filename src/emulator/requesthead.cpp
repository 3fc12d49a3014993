#include "emulator/requesthead.h"

#include <algorithm>
#include <limits>

namespace plainkey::emulator {

namespace {

//! RFC 9110 tchar: what a method or a header name is made of.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

QByteArrayView trimmedSpaces(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

bool startsWithCaseInsensitive(QByteArrayView text, QByteArrayView prefix)
{
    return text.size() >= prefix.size() && text.first(prefix.size()).compare(prefix, Qt::CaseInsensitive) == 0;
}

} // namespace

qsizetype RequestHead::endOf(QByteArrayView bytes)
{
    // The first empty line: "\n\r\n" or "\n\n" (a bare LF ends lines too).
    for (qsizetype i = bytes.indexOf('\n'); i >= 0; i = bytes.indexOf('\n', i + 1)) {
        if (i + 1 < bytes.size() && bytes[i + 1] == '\n')
            return i + 2;
        if (i + 2 < bytes.size() && bytes[i + 1] == '\r' && bytes[i + 2] == '\n')
            return i + 3;
    }
    return -1;
}

int RequestHead::parse(QByteArrayView head, RequestHead *out, QString *why)
{
    *out = RequestHead();
    // Control bytes (NUL among them) have no place in a head; a CR only ends a line.
    for (qsizetype i = 0; i < head.size(); ++i) {
        const auto c = static_cast<unsigned char>(head[i]);
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f
            || (c == '\r' && (i + 1 >= head.size() || head[i + 1] != '\n'))) {
            *why = QStringLiteral("The request head contains a control character (byte %1 at offset %2)").arg(int(c)).arg(i);
            return 400;
        }
    }
    bool first = true;
    bool sawLength = false;
    qsizetype start = 0;
    while (start < head.size()) {
        qsizetype end = head.indexOf('\n', start);
        if (end < 0)
            end = head.size();
        QByteArrayView line = head.sliced(start, end - start);
        start = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (first) {
            first = false;
            // method SP request-target SP HTTP-version, single spaces.
            const qsizetype a = line.indexOf(' ');
            const qsizetype b = a < 0 ? -1 : line.indexOf(' ', a + 1);
            if (a < 0 || b < 0 || line.indexOf(' ', b + 1) >= 0) {
                *why = QStringLiteral("The request line is not \"METHOD /path HTTP/1.1\"");
                return 400;
            }
            const QByteArrayView method = line.first(a);
            QByteArrayView target = line.sliced(a + 1, b - a - 1);
            const QByteArrayView version = line.sliced(b + 1);
            if (!isToken(method) || method.size() > 32) {
                *why = QStringLiteral("The request method is not a valid token");
                return 400;
            }
            if (version != "HTTP/1.1" && version != "HTTP/1.0") {
                if (version.startsWith("HTTP/")) {
                    *why = QStringLiteral("Only HTTP/1.1 and HTTP/1.0 are spoken here");
                    return 505;
                }
                *why = QStringLiteral("The request line does not end with an HTTP version");
                return 400;
            }
            // An absolute URI (as sent to a proxy) names this server: its path is the target.
            for (QByteArrayView scheme : {QByteArrayView("http://"), QByteArrayView("https://")}) {
                if (startsWithCaseInsensitive(target, scheme)) {
                    const QByteArrayView rest = target.sliced(scheme.size());
                    const qsizetype slash = rest.indexOf('/');
                    target = slash < 0 ? QByteArrayView("/") : rest.sliced(slash);
                }
            }
            if (!target.startsWith('/')) {
                *why = QStringLiteral("The request target must be a path starting with \"/\"");
                return 400;
            }
            out->method = method.toByteArray();
            out->target = target.toByteArray();
            out->version = version.toByteArray();
            continue;
        }
        if (line.isEmpty())
            continue;
        if (line.front() == ' ' || line.front() == '\t') {
            *why = QStringLiteral("Folded header lines (obsolete line folding) are not accepted");
            return 400;
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArrayView name = colon < 0 ? QByteArrayView() : line.first(colon);
        if (!isToken(name)) {
            *why = QStringLiteral("A header line is not \"Name: value\"");
            return 400;
        }
        const QByteArrayView value = trimmedSpaces(line.sliced(colon + 1));
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            const bool digits = !value.isEmpty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!digits) {
                *why = QStringLiteral("Content-Length must be a number of bytes");
                return 400;
            }
            bool ok = false;
            qint64 n = value.toLongLong(&ok);
            if (!ok)
                n = std::numeric_limits<qint64>::max(); // all digits, too long for qint64: too large
            // Two lengths that disagree leave the framing ambiguous (request smuggling).
            if (sawLength && n != out->contentLength) {
                *why = QStringLiteral("The request has two different Content-Length headers");
                return 400;
            }
            sawLength = true;
            out->contentLength = n;
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            if (value.toByteArray().toLower().contains("chunked")) {
                *why = QStringLiteral("Chunked request bodies are not accepted; send the body with a Content-Length");
                return 411;
            }
            *why = QStringLiteral("The transfer coding \"%1\" is not supported; send the body with a Content-Length")
                           .arg(QString::fromLatin1(value.first(qMin<qsizetype>(value.size(), 40))));
            return 501;
        } else if (name.compare("expect", Qt::CaseInsensitive) == 0) {
            out->expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        }
        out->headers.append(qMakePair(name.toByteArray(), value.toByteArray()));
    }
    if (out->method.isEmpty()) {
        *why = QStringLiteral("The request has no request line");
        return 400;
    }
    return 0;
}

} // namespace plainkey::emulator
