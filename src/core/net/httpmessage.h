#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

#include <chrono>
#include <memory>

namespace plainkey {

class Redactor;

using HttpHeader = QPair<QByteArray, QByteArray>;
using HttpHeaders = QList<HttpHeader>;

//! The value of the first header called \a name (case-insensitive), or a null array.
QByteArray headerValue(const HttpHeaders &headers, QByteArrayView name);

//! The standard reason phrase for an HTTP status ("Not Found"), or empty when unknown.
QString httpReasonPhrase(int status);

//! What kind of secret a request carries, so the log can redact it by name.
enum class SecretKind { ClientSecret, AccessToken, AuthenticationToken };

//! One HTTP request as core sends it; the only way a request reaches the network.
struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    //! What the request is for, in words ("Fetching the access token"); used in errors and the log.
    QString operation;
    //! Zero uses the transport's default.
    std::chrono::milliseconds timeout{0};
    //! Secret values this request carries, to be redacted wherever they appear in the log.
    QList<QPair<SecretKind, QByteArray>> secrets;
};

//! One HTTP answer: whatever the status, the server did answer.
struct HttpAnswer
{
    int status = 0;
    QByteArray reasonPhrase;
    HttpHeaders headers;
    QByteArray body;
    //! The server's Date header, when present and readable.
    QDateTime serverDate;
    //! Local UTC time the answer was complete.
    QDateTime receivedAt;
    //! The exchange-log ID of the exchange that produced it.
    quint64 exchangeId = 0;

    //! The transport's redactor, which knows the secrets of this exchange (null in an answer
    //! built by hand: redact() then applies the rules by structure only).
    std::shared_ptr<const Redactor> redactor;

    QByteArray header(QByteArrayView name) const { return headerValue(headers, name); }
    bool isSuccess() const { return status >= 200 && status < 300; }
    //! \a text, quoted from this answer, with its secrets redacted: every text a message,
    //! a result or a log takes from an answer goes through here.
    QString redact(const QString &text) const;
};

} // namespace plainkey
