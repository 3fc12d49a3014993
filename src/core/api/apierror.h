#pragma once

#include <QMetaType>
#include <QString>

#include <optional>

namespace plainkey {

struct HttpAnswer;
class Redactor;

//! Why a PlainKey call did not produce a result. Every kind carries a message a person can act on.
class ApiError
{
public:
    enum class Kind {
        None,                //!< no error
        InvalidInput,        //!< refused before sending (empty token, malformed base URL, ...)
        Network,             //!< refused, unreachable, DNS failure, connection reset, cut-off answer
        Tls,                 //!< TLS handshake or certificate failure
        Timeout,             //!< no complete answer within the time limit
        Cancelled,           //!< the user cancelled
        CredentialsRejected, //!< the access-token request was refused (wrong project ID or secret)
        Unauthorized,        //!< a call was refused even with a fresh access token
        HttpStatus,          //!< any other non-success status, with PlainKey's error text
        RateLimited,         //!< 429, possibly with Retry-After
        InvalidResponse,     //!< an answer that is not the JSON the contract promises
        TooLarge,            //!< an answer over the size limit
        RedirectRefused,     //!< a redirect to another origin, to http from https, or too many: not followed
    };

    ApiError() = default;
    ApiError(Kind kind, QString detail, QString operation = {});

    static ApiError httpStatus(int status, QString serverMessage, QString operation = {});
    //! The error for a non-success answer: status, PlainKey's "error" text, Retry-After.
    static ApiError fromAnswer(const HttpAnswer &answer, QString operation = {});

    Kind kind() const { return m_kind; }
    bool isError() const { return m_kind != Kind::None; }
    explicit operator bool() const { return isError(); }

    //! What was being done, e.g. "Verifying the authentication token".
    QString operation() const { return m_operation; }
    void setOperation(const QString &operation) { m_operation = operation; }
    //! Technical detail: Qt's network error text, the missing JSON keys, ...
    QString detail() const { return m_detail; }
    //! HTTP status when the server answered, else 0.
    int httpStatus() const { return m_httpStatus; }
    void setHttpStatus(int status) { m_httpStatus = status; }
    //! The "error" text of PlainKey's JSON answer, if there was one.
    QString serverMessage() const { return m_serverMessage; }
    void setServerMessage(const QString &message) { m_serverMessage = message; }
    std::optional<int> retryAfterSeconds() const { return m_retryAfter; }
    void setRetryAfterSeconds(std::optional<int> seconds) { m_retryAfter = seconds; }
    //! The host the request went to, used in messages.
    QString host() const { return m_host; }
    void setHost(const QString &host) { m_host = host; }

    //! One sentence: what failed and why.
    QString summary() const;
    //! What the person can do about it.
    QString hint() const;
    //! summary() and hint() together, for a status line or standard error.
    QString message() const;
    //! A short stable name of the kind ("network", "timeout", ...), for --json output and logs.
    static QString kindName(Kind kind);

    //! This error with every text (detail, PlainKey's message, operation, host) redacted by
    //! \a redactor. Every error leaving core passes through it (Transport, ApiCall,
    //! PlainKeyClient::describe, AccessTokenManager), so a message, status line or log never
    //! quotes a secret that an answer or Qt's error text echoed.
    ApiError redacted(const Redactor &redactor) const;

private:
    Kind m_kind = Kind::None;
    QString m_detail;
    QString m_operation;
    QString m_serverMessage;
    QString m_host;
    int m_httpStatus = 0;
    std::optional<int> m_retryAfter;
};

} // namespace plainkey

Q_DECLARE_METATYPE(plainkey::ApiError)
