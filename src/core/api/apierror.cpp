#include "core/api/apierror.h"

#include "core/api/jsonreader.h"
#include "core/log/redactor.h"
#include "core/net/httpmessage.h"

#include <algorithm>

namespace plainkey {

ApiError::ApiError(Kind kind, QString detail, QString operation)
    : m_kind(kind), m_detail(std::move(detail)), m_operation(std::move(operation))
{
}

ApiError ApiError::httpStatus(int status, QString serverMessage, QString operation)
{
    ApiError e(status == 429 ? Kind::RateLimited : Kind::HttpStatus, {}, std::move(operation));
    e.m_httpStatus = status;
    e.m_serverMessage = std::move(serverMessage);
    return e;
}

namespace {

//! A day: a longer Retry-After is not a wait anyone will sit out, and keeps the value in an int.
constexpr qint64 kMaxRetryAfter = 24 * 3600;

//! An HTTP-date (RFC 9110: "Sun, 06 Nov 1994 08:49:37 GMT"). Qt's RFC 2822 parser wants a
//! numeric offset and rejects the "GMT" that every HTTP server writes.
QDateTime parseHttpDate(const QByteArray &text)
{
    QString s = QString::fromLatin1(text).simplified();
    for (const QLatin1String zone : {QLatin1String(" GMT"), QLatin1String(" UTC"), QLatin1String(" UT")}) {
        if (s.endsWith(zone, Qt::CaseInsensitive)) {
            s.chop(zone.size());
            s += QLatin1String(" +0000");
            break;
        }
    }
    return QDateTime::fromString(s, Qt::RFC2822Date);
}

} // namespace

ApiError ApiError::fromAnswer(const HttpAnswer &answer, QString operation)
{
    ApiError e = httpStatus(answer.status, JsonReader::serverError(answer), std::move(operation));
    const QByteArray retryAfter = answer.header("retry-after").trimmed();
    bool isNumber = false;
    // Digits past int's range are not a number to toInt(): read as qint64 and clamped instead.
    const qint64 seconds = retryAfter.toLongLong(&isNumber);
    if (isNumber && seconds >= 0)
        e.m_retryAfter = int(std::min<qint64>(seconds, kMaxRetryAfter));
    else if (!retryAfter.isEmpty()) {
        const QDateTime when = parseHttpDate(retryAfter);
        if (when.isValid())
            e.m_retryAfter = int(std::clamp<qint64>(QDateTime::currentDateTimeUtc().secsTo(when), 0, kMaxRetryAfter));
    }
    return e;
}

ApiError ApiError::redacted(const Redactor &redactor) const
{
    ApiError e = *this;
    e.m_detail = redactor.redactText(m_detail);
    e.m_serverMessage = redactor.redactText(m_serverMessage);
    e.m_operation = redactor.redactText(m_operation);
    e.m_host = redactor.redactText(m_host);
    return e;
}

QString ApiError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None: return QStringLiteral("none");
    case Kind::InvalidInput: return QStringLiteral("invalid-input");
    case Kind::Network: return QStringLiteral("network");
    case Kind::Tls: return QStringLiteral("tls");
    case Kind::Timeout: return QStringLiteral("timeout");
    case Kind::Cancelled: return QStringLiteral("cancelled");
    case Kind::CredentialsRejected: return QStringLiteral("credentials-rejected");
    case Kind::Unauthorized: return QStringLiteral("unauthorized");
    case Kind::HttpStatus: return QStringLiteral("http-status");
    case Kind::RateLimited: return QStringLiteral("rate-limited");
    case Kind::InvalidResponse: return QStringLiteral("invalid-response");
    case Kind::TooLarge: return QStringLiteral("too-large");
    case Kind::RedirectRefused: return QStringLiteral("redirect-refused");
    }
    return QStringLiteral("unknown");
}

static QString statusText(int status)
{
    const QString reason = httpReasonPhrase(status);
    return reason.isEmpty() ? QString::number(status) : QStringLiteral("%1 %2").arg(status).arg(reason);
}

QString ApiError::summary() const
{
    const QString op = m_operation.isEmpty() ? QStringLiteral("The request") : m_operation;
    const QString where = m_host.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_host);
    // "the answer from api.plainkey.io (200 OK)": which server answered, and that it did answer.
    QString from = m_host.isEmpty() ? QString() : QStringLiteral(" from %1").arg(m_host);
    if (m_httpStatus != 0)
        from += QStringLiteral(" (%1)").arg(statusText(m_httpStatus));
    const QString server = m_serverMessage.isEmpty()
            ? QString()
            : QStringLiteral(": \u201c%1\u201d").arg(m_serverMessage);
    // After PlainKey's words, so a message still reads "answered 404 Not Found: ..." first;
    // with a staging and a production connection, the host says which one answered.
    const QString serverAt = m_host.isEmpty() ? QString() : QStringLiteral(" (server %1)").arg(m_host);
    switch (m_kind) {
    case Kind::None:
        return {};
    case Kind::InvalidInput:
        return QStringLiteral("%1 was not sent: %2").arg(op, m_detail);
    case Kind::Network:
        return QStringLiteral("%1 failed: could not reach PlainKey%2: %3").arg(op, where, m_detail);
    case Kind::Tls:
        return QStringLiteral("%1 failed: the secure connection%2 could not be established: %3")
                .arg(op, where, m_detail);
    case Kind::Timeout:
        return QStringLiteral("%1 failed: no complete answer%2 %3").arg(op, where, m_detail);
    case Kind::Cancelled:
        return QStringLiteral("%1 was cancelled.").arg(op);
    case Kind::CredentialsRejected:
        return QStringLiteral("PlainKey rejected the project ID or client secret (%1)%2%3")
                .arg(statusText(m_httpStatus), server, serverAt);
    case Kind::Unauthorized:
        return QStringLiteral("%1 failed: PlainKey refused the access token even after fetching a new one (%2)%3%4")
                .arg(op, statusText(m_httpStatus), server, serverAt);
    case Kind::HttpStatus:
        return QStringLiteral("%1 failed: PlainKey answered %2%3%4")
                .arg(op, statusText(m_httpStatus), server, serverAt);
    case Kind::RateLimited:
        return QStringLiteral("%1 failed: PlainKey is limiting the request rate (%2)%3%4")
                .arg(op, statusText(m_httpStatus), server, serverAt);
    case Kind::InvalidResponse:
        return QStringLiteral("%1 failed: the answer%2 is not what PlainKey sends: %3").arg(op, from, m_detail);
    case Kind::TooLarge:
        return QStringLiteral("%1 failed: the answer%2 is too large: %3").arg(op, from, m_detail);
    case Kind::RedirectRefused:
        return QStringLiteral("%1 failed: %2").arg(op, m_detail);
    }
    return {};
}

QString ApiError::hint() const
{
    switch (m_kind) {
    case Kind::None:
    case Kind::Cancelled:
        return {};
    case Kind::InvalidInput:
        return QStringLiteral("Correct the input and try again.");
    case Kind::Network:
        return QStringLiteral("Check the base URL, that the server is running and your network or proxy, then try again.");
    case Kind::Tls:
        return QStringLiteral("Check the URL (https to an http server fails), the system clock and certificates, or an intercepting proxy.");
    case Kind::Timeout:
        return QStringLiteral("PlainKey or the network may be slow: try again, or raise the timeout.");
    case Kind::CredentialsRejected:
        return QStringLiteral("Copy the project ID and client secret again from the PlainKey dashboard; check the base URL points at the right environment.");
    case Kind::Unauthorized:
        return QStringLiteral("Check that the project ID matches the client secret's project, then reconnect.");
    case Kind::HttpStatus:
        if (m_httpStatus == 404)
            return QStringLiteral("Check the ID or name, and that the base URL ends in /server.");
        if (m_httpStatus >= 500)
            return QStringLiteral("This is a problem on PlainKey's side or a gateway in between: try again in a minute.");
        if (m_httpStatus == 400)
            return QStringLiteral("Correct the request as the message says.");
        return QStringLiteral("Check the request and try again.");
    case Kind::RateLimited:
        if (m_retryAfter)
            return QStringLiteral("Wait %1 s before trying again.").arg(*m_retryAfter);
        return QStringLiteral("Wait a little before trying again.");
    case Kind::InvalidResponse:
        return QStringLiteral("A proxy, gateway or outage page may be answering instead of PlainKey; check the base URL and look at the answer in the request log.");
    case Kind::TooLarge:
        return QStringLiteral("Check the base URL: PlainKey's answers are small.");
    case Kind::RedirectRefused:
        return QStringLiteral("Check the base URL; if you trust where it redirects to, use that address as the base URL.");
    }
    return {};
}

QString ApiError::message() const
{
    const QString s = summary();
    const QString h = hint();
    if (h.isEmpty())
        return s;
    QString joined = s;
    if (!joined.endsWith(QLatin1Char('.')))
        joined += QLatin1Char('.');
    return joined + QLatin1Char(' ') + h;
}

} // namespace plainkey
