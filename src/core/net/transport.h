#pragma once

#include "core/api/apierror.h"
#include "core/log/redactor.h"
#include "core/net/httpmessage.h"

#include <QObject>
#include <QPointer>

#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace plainkey {

class ExchangeLog;
class Transport;

//! One request in flight. Owned by the Transport and deleted after finished(); hold it in a QPointer.
class PendingHttp : public QObject
{
    Q_OBJECT
public:
    bool isFinished() const { return m_finished; }
    //! Valid when error() is not set: the server answered, whatever the status.
    const HttpAnswer &answer() const { return m_answer; }
    //! Set when no HTTP answer could be read: network, TLS, timeout, too large, cancelled.
    const ApiError &error() const { return m_error; }
    quint64 exchangeId() const { return m_exchangeId; }
    QString operation() const { return m_operation; }

    //! Aborts the request; finished() follows with a Cancelled error.
    void cancel();

signals:
    void finished();

private:
    friend class Transport;
    explicit PendingHttp(QObject *parent) : QObject(parent) {}

    enum class AbortReason { None, Cancelled, Timeout, TooLarge };

    QPointer<QNetworkReply> m_reply;
    QTimer *m_timer = nullptr;
    //! The request of the current hop: redirects followed change its URL, and maybe method and body.
    HttpRequest m_request;
    int m_redirects = 0;
    HttpAnswer m_answer;
    ApiError m_error;
    QByteArray m_body;
    QString m_operation;
    QString m_host;
    qint64 m_startedMs = 0;
    std::chrono::milliseconds m_timeout{0};
    quint64 m_exchangeId = 0;
    AbortReason m_abortReason = AbortReason::None;
    bool m_finished = false;
};

//! The one way in and out of the network: applies timeouts and size limits, keeps TLS
//! verification on, and records every exchange, redacted, in the exchange log.
class Transport : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int inFlight READ inFlight NOTIFY inFlightChanged)
public:
    explicit Transport(QObject *parent = nullptr);
    ~Transport() override;

    ExchangeLog *exchangeLog() const { return m_log; }

    //! Total time allowed for one request, from sending to the last byte. Default 30 s.
    std::chrono::milliseconds defaultTimeout() const { return m_defaultTimeout; }
    void setDefaultTimeout(std::chrono::milliseconds timeout) { m_defaultTimeout = timeout; }
    //! Largest answer accepted. Default 8 MiB.
    qint64 maxAnswerBytes() const { return m_maxAnswerBytes; }
    void setMaxAnswerBytes(qint64 bytes) { m_maxAnswerBytes = bytes; }

    //! Redacts \a value from every exchange recorded from now on.
    void addSecret(SecretKind kind, const QByteArray &value) { m_redactor->addSecret(kind, value); }
    const Redactor &redactor() const { return *m_redactor; }

    //! Redirects followed per request; one more is refused. Default 5.
    int maxRedirects() const { return m_maxRedirects; }
    void setMaxRedirects(int count) { m_maxRedirects = count; }

    //! Sends \a request. The result is never null; finished() always follows, asynchronously.
    //! A redirect to the same origin (scheme, host and port) is followed, each hop recorded as its
    //! own exchange; one to another origin, or from https to http, is refused with a RedirectRefused
    //! error, so the request's credentials never leave the origin they were meant for.
    PendingHttp *send(HttpRequest request);
    //! Why a redirect from \a from to \a to must not be followed (another origin, https to http,
    //! not http(s) at all), in words naming both hosts; empty when it may be.
    static QString redirectRefusal(const QUrl &from, const QUrl &to);

    //! Requests in flight.
    int inFlight() const { return m_inFlight; }
    void cancelAll();

signals:
    void inFlightChanged(int inFlight);

private:
    void startHop(PendingHttp *pending);
    void complete(PendingHttp *pending);
    void record(PendingHttp *pending, const HttpRequest &request);
    //! For a 3xx answer with a Location: the next hop to send, or an error why not. Nothing when
    //! the answer is not a redirect.
    std::optional<HttpRequest> nextHop(PendingHttp *pending, int status, const HttpHeaders &headers, ApiError *refusal) const;

    QNetworkAccessManager *m_nam;
    ExchangeLog *m_log;
    // Shared with every answer, so text quoted from one is redacted where it is quoted.
    std::shared_ptr<Redactor> m_redactor = std::make_shared<Redactor>();
    std::chrono::milliseconds m_defaultTimeout{30000};
    qint64 m_maxAnswerBytes = 8 * 1024 * 1024;
    int m_maxRedirects = 5;
    int m_inFlight = 0;
};

} // namespace plainkey
