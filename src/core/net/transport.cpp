#include "core/net/transport.h"

#include "core/log/exchangelog.h"
#include "core/log/logging.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimeZone>
#include <QTimer>

namespace plainkey {

namespace {

qint64 monotonicMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

QDateTime parseHttpDate(const QByteArray &value)
{
    if (value.isEmpty())
        return {};
    // IMF-fixdate, the form every current server sends: "Sun, 06 Nov 1994 08:49:37 GMT".
    QDateTime dt = QLocale::c().toDateTime(QString::fromLatin1(value).trimmed(),
                                           QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!dt.isValid())
        dt = QDateTime::fromString(QString::fromLatin1(value).trimmed(), Qt::RFC2822Date);
    if (!dt.isValid())
        return {};
    dt.setTimeSpec(Qt::UTC);
    return dt;
}

QString describeSeconds(std::chrono::milliseconds ms)
{
    if (ms.count() % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms.count() / 1000);
    return QStringLiteral("%1 s").arg(double(ms.count()) / 1000.0, 0, 'f', 1);
}

ApiError classifyNetworkError(QNetworkReply::NetworkError code, const QString &qtText, qint64 received, qint64 expected)
{
    using E = QNetworkReply::NetworkError;
    switch (code) {
    case E::ConnectionRefusedError:
        return {ApiError::Kind::Network, QStringLiteral("the connection was refused (nothing is listening there)")};
    case E::HostNotFoundError:
        return {ApiError::Kind::Network, QStringLiteral("the host name could not be resolved (%1)").arg(qtText)};
    case E::RemoteHostClosedError:
        if (received > 0 || expected > 0)
            return {ApiError::Kind::Network,
                    QStringLiteral("the connection closed before the answer was complete (got %1 of %2 bytes)")
                            .arg(received)
                            .arg(expected > 0 ? QString::number(expected) : QStringLiteral("unknown"))};
        return {ApiError::Kind::Network, QStringLiteral("the server closed the connection without answering")};
    case E::TimeoutError:
        return {ApiError::Kind::Timeout, QStringLiteral("(the connection timed out)")};
    case E::SslHandshakeFailedError:
        return {ApiError::Kind::Tls, qtText};
    case E::TemporaryNetworkFailureError:
    case E::NetworkSessionFailedError:
        return {ApiError::Kind::Network, QStringLiteral("the network is unavailable (%1)").arg(qtText)};
    case E::ProxyConnectionRefusedError:
    case E::ProxyConnectionClosedError:
    case E::ProxyNotFoundError:
    case E::ProxyTimeoutError:
    case E::ProxyAuthenticationRequiredError:
        return {ApiError::Kind::Network, QStringLiteral("the proxy failed: %1").arg(qtText)};
    case E::ProtocolUnknownError:
        return {ApiError::Kind::InvalidInput, QStringLiteral("the URL scheme is not supported (use https or http)")};
    default:
        if (received > 0 && code == E::UnknownNetworkError)
            return {ApiError::Kind::Network, QStringLiteral("the connection broke mid-answer (%1)").arg(qtText)};
        return {ApiError::Kind::Network, qtText};
    }
}

bool isRedirectStatus(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

int defaultPort(const QUrl &url)
{
    if (url.scheme() == QLatin1String("https"))
        return 443;
    if (url.scheme() == QLatin1String("http"))
        return 80;
    return -1;
}

QString hostAndPort(const QUrl &url)
{
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

//! "host:port" with the port always written, so a message names exactly where a request would go.
QString originName(const QUrl &url)
{
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port(defaultPort(url)));
}

//! Same scheme, host and port (RFC 6454): the only place a request's credentials may be sent.
bool isSameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
            && a.port(defaultPort(a)) == b.port(defaultPort(b));
}

} // namespace

void PendingHttp::cancel()
{
    if (m_finished || !m_reply)
        return;
    m_abortReason = AbortReason::Cancelled;
    m_reply->abort();
}

Transport::Transport(QObject *parent)
    : QObject(parent), m_nam(new QNetworkAccessManager(this)), m_log(new ExchangeLog(this))
{
    // PlainKey answers are small and uncacheable; a cookie jar would only keep state between calls.
    m_nam->setCookieJar(nullptr);
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

Transport::~Transport()
{
    // Replies finishing during destruction must not call back into half-destroyed owners.
    const auto pendings = findChildren<PendingHttp *>(Qt::FindDirectChildrenOnly);
    for (PendingHttp *p : pendings) {
        p->m_finished = true;
        if (p->m_reply) {
            p->m_reply->disconnect(this);
            p->m_reply->abort();
        }
    }
}

PendingHttp *Transport::send(HttpRequest request)
{
    auto *pending = new PendingHttp(this);
    pending->m_operation = request.operation;
    pending->m_host = hostAndPort(request.url);
    pending->m_timeout = request.timeout.count() > 0 ? request.timeout : m_defaultTimeout;
    pending->m_startedMs = monotonicMs();
    for (const auto &s : std::as_const(request.secrets))
        m_redactor->addSecret(s.first, s.second);
    pending->m_request = std::move(request);

    record(pending, pending->m_request);
    ++m_inFlight;
    emit inFlightChanged(m_inFlight);

    const QUrl &url = pending->m_request.url;
    if (!url.isValid() || url.host().isEmpty()) {
        pending->m_error = ApiError(ApiError::Kind::InvalidInput,
                                    QStringLiteral("the URL \u201c%1\u201d is not valid").arg(url.toDisplayString()),
                                    pending->m_operation);
        QTimer::singleShot(0, pending, [this, pending] { complete(pending); });
        return pending;
    }

    // One limit for the whole request, redirects followed included.
    pending->m_timer = new QTimer(pending);
    pending->m_timer->setSingleShot(true);
    pending->m_timer->setTimerType(Qt::CoarseTimer);
    connect(pending->m_timer, &QTimer::timeout, pending, [pending] {
        if (pending->m_finished || !pending->m_reply)
            return;
        pending->m_abortReason = PendingHttp::AbortReason::Timeout;
        pending->m_reply->abort();
    });
    pending->m_timer->start(pending->m_timeout);

    startHop(pending);
    return pending;
}

void Transport::startHop(PendingHttp *pending)
{
    const HttpRequest &request = pending->m_request;
    QNetworkRequest nr(request.url);
    for (const auto &h : std::as_const(request.headers))
        nr.setRawHeader(h.first, h.second);
    nr.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    nr.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // Qt would copy every header, Authorization included, onto a redirect to any host: the
    // transport decides about each hop itself (see complete()).
    nr.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);

    QNetworkReply *reply = nullptr;
    if (request.method == "GET")
        reply = m_nam->get(nr);
    else if (request.method == "POST")
        reply = m_nam->post(nr, request.body);
    else if (request.method == "PUT")
        reply = m_nam->put(nr, request.body);
    else if (request.method == "DELETE" && request.body.isEmpty())
        reply = m_nam->deleteResource(nr);
    else
        reply = m_nam->sendCustomRequest(nr, request.method, request.body);
    reply->setParent(pending);
    pending->m_reply = reply;
    pending->m_body.clear();

    const qint64 limit = m_maxAnswerBytes;
    connect(reply, &QNetworkReply::metaDataChanged, pending, [pending, reply, limit] {
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid() && length.toLongLong() > limit && !pending->m_finished) {
            pending->m_abortReason = PendingHttp::AbortReason::TooLarge;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::readyRead, pending, [pending, reply, limit] {
        pending->m_body += reply->readAll();
        if (pending->m_body.size() > limit && !pending->m_finished) {
            pending->m_abortReason = PendingHttp::AbortReason::TooLarge;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, pending] { complete(pending); });
}

void Transport::record(PendingHttp *pending, const HttpRequest &request)
{
    Exchange e;
    e.operation = request.operation;
    e.method = request.method;
    e.url = m_redactor->redactUrl(request.url, request.secrets);
    e.requestHeaders = m_redactor->redactHeaders(request.headers, request.secrets);
    e.requestBody = m_redactor->redactBody(request.body, request.secrets);
    e.startedAt = QDateTime::currentDateTimeUtc();
    pending->m_exchangeId = m_log->append(std::move(e));
}

QString Transport::redirectRefusal(const QUrl &from, const QUrl &to)
{
    const QString fromOrigin = originName(from);
    if (!to.isValid() || to.host().isEmpty() || (to.scheme() != QLatin1String("https") && to.scheme() != QLatin1String("http")))
        return QStringLiteral("PlainKey at %1 redirected to an address that is not an http or https URL").arg(fromOrigin);
    if (from.scheme() == QLatin1String("https") && to.scheme() == QLatin1String("http"))
        return QStringLiteral("PlainKey at %1 redirected from https to http (%2); requests with credentials are never "
                              "followed to an unencrypted connection")
                .arg(fromOrigin, originName(to));
    if (!isSameOrigin(from, to))
        return QStringLiteral("PlainKey at %1 redirected to %2; requests with credentials are not followed to another host")
                .arg(fromOrigin, originName(to));
    return {};
}

std::optional<HttpRequest> Transport::nextHop(PendingHttp *pending, int status, const HttpHeaders &headers,
                                              ApiError *refusal) const
{
    if (!isRedirectStatus(status))
        return std::nullopt;
    const QByteArray location = headerValue(headers, "location").trimmed();
    if (location.isEmpty())
        return std::nullopt; // nothing to follow: the caller reads it as the answer it is
    const QUrl from = pending->m_request.url;
    QUrl target = from.resolved(QUrl::fromEncoded(location));
    target.setUserInfo({});
    target.setFragment({});
    const QString why = redirectRefusal(from, target);
    if (!why.isEmpty()) {
        *refusal = ApiError(ApiError::Kind::RedirectRefused, why);
        return std::nullopt;
    }
    if (pending->m_redirects >= m_maxRedirects) {
        *refusal = ApiError(ApiError::Kind::RedirectRefused,
                            QStringLiteral("PlainKey at %1 redirected more than %2 times").arg(originName(from)).arg(m_maxRedirects));
        return std::nullopt;
    }

    HttpRequest next = pending->m_request;
    next.url = target;
    // RFC 9110 15.4: 303 turns any method but HEAD into GET; 301 and 302 turn POST into GET, as
    // every client does; 307 and 308 repeat the request as it was, body included.
    const bool toGet = (status == 303 && next.method != "HEAD") || ((status == 301 || status == 302) && next.method == "POST");
    if (toGet) {
        next.method = "GET";
        next.body.clear();
        next.headers.removeIf([](const HttpHeader &h) {
            return h.first.compare("content-type", Qt::CaseInsensitive) == 0
                    || h.first.compare("content-length", Qt::CaseInsensitive) == 0;
        });
    }
    return next;
}

void Transport::complete(PendingHttp *pending)
{
    if (pending->m_finished)
        return;

    QNetworkReply *reply = pending->m_reply;
    const qint64 durationMs = monotonicMs() - pending->m_startedMs;
    int status = 0;
    QByteArray reason;
    HttpHeaders headers;
    qint64 expected = -1;

    if (reply) {
        if (reply->isOpen())
            pending->m_body += reply->readAll();
        status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
        headers = reply->rawHeaderPairs();
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid())
            expected = length.toLongLong();

        const auto code = reply->error();
        switch (pending->m_abortReason) {
        case PendingHttp::AbortReason::Cancelled:
            pending->m_error = ApiError(ApiError::Kind::Cancelled, QStringLiteral("cancelled"));
            break;
        case PendingHttp::AbortReason::Timeout:
            pending->m_error = ApiError(ApiError::Kind::Timeout,
                                        QStringLiteral("within %1").arg(describeSeconds(pending->m_timeout)));
            break;
        case PendingHttp::AbortReason::TooLarge:
            pending->m_error = ApiError(ApiError::Kind::TooLarge,
                                        QStringLiteral("more than %1 bytes").arg(m_maxAnswerBytes));
            break;
        case PendingHttp::AbortReason::None:
            // An HTTP status means the server answered: 4xx and 5xx are answers, not network errors.
            // Errors of the connection itself (codes below 200) win even with a status: the answer is cut off.
            // Qt files 400 under a protocol code (ProtocolInvalidOperationError): a status still means an answer.
            if (code != QNetworkReply::NoError && (status == 0 || int(code) < 200))
                pending->m_error = classifyNetworkError(code, reply->errorString(), pending->m_body.size(), expected);
            break;
        }
    }

    std::optional<HttpRequest> next;
    QString redirectUrl;
    if (!pending->m_error.isError() && reply) {
        ApiError refusal;
        next = nextHop(pending, status, headers, &refusal);
        if (refusal.isError())
            pending->m_error = refusal;
        if (isRedirectStatus(status)) {
            const QByteArray location = headerValue(headers, "location").trimmed();
            if (!location.isEmpty())
                redirectUrl = m_redactor->redactUrl(pending->m_request.url.resolved(QUrl::fromEncoded(location)),
                                                   pending->m_request.secrets);
        }
    }

    if (!next) {
        pending->m_finished = true;
        if (pending->m_timer)
            pending->m_timer->stop();
    }
    if (!pending->m_error.isError() && reply && !next) {
        pending->m_answer.status = status;
        pending->m_answer.reasonPhrase = reason;
        pending->m_answer.headers = headers;
        pending->m_answer.body = pending->m_body;
        pending->m_answer.serverDate = parseHttpDate(headerValue(headers, "date"));
        pending->m_answer.receivedAt = QDateTime::currentDateTimeUtc();
        pending->m_answer.exchangeId = pending->m_exchangeId;
        pending->m_answer.redactor = m_redactor;
    }
    if (pending->m_error.isError()) {
        // Qt's error text may quote the URL or the server's reason phrase.
        pending->m_error = pending->m_error.redacted(*m_redactor);
        if (pending->m_error.operation().isEmpty())
            pending->m_error.setOperation(pending->m_operation);
        pending->m_error.setHost(pending->m_host);
        qCInfo(lcNet) << "exchange" << pending->m_exchangeId << "failed:" << pending->m_error.summary();
    }

    const ApiError error = pending->m_error;
    const QByteArray body = pending->m_body;
    const qint64 received = body.size();
    const Redactor &redactor = *m_redactor;
    m_log->update(pending->m_exchangeId, [&](Exchange &e) {
        e.durationMs = durationMs;
        e.status = status;
        e.reasonPhrase = redactor.redactBody(reason);
        e.responseHeaders = redactor.redactHeaders(headers);
        e.responseBody = redactor.redactBody(body);
        e.responseBytes = received;
        e.redirectUrl = redirectUrl;
        if (error.kind() == ApiError::Kind::Cancelled)
            e.outcome = Exchange::Outcome::Cancelled;
        else if (error.isError())
            e.outcome = Exchange::Outcome::Failed;
        else
            e.outcome = Exchange::outcomeForStatus(status);
        if (error.isError())
            e.errorText = error.summary();
    });

    if (reply)
        reply->deleteLater();
    if (next) {
        qCDebug(lcNet) << "exchange" << pending->m_exchangeId << "redirected within" << pending->m_host;
        pending->m_reply = nullptr;
        pending->m_request = std::move(*next);
        ++pending->m_redirects;
        pending->m_startedMs = monotonicMs();
        record(pending, pending->m_request);
        startHop(pending);
        return;
    }

    --m_inFlight;
    emit inFlightChanged(m_inFlight);
    emit pending->finished();
    pending->deleteLater();
}

void Transport::cancelAll()
{
    const auto pendings = findChildren<PendingHttp *>(Qt::FindDirectChildrenOnly);
    for (PendingHttp *p : pendings)
        p->cancel();
}

} // namespace plainkey
