#pragma once

#include "core/net/httpmessage.h"

#include <QDateTime>
#include <QString>

namespace plainkey {

//! One request and its response as recorded in the exchange log, already redacted.
struct Exchange
{
    enum class Outcome {
        Pending,     //!< sent, no answer yet
        Success,     //!< 2xx
        Redirect,    //!< 3xx
        ClientError, //!< 4xx (a verify answer of valid:false is one too)
        ServerError, //!< 5xx
        Failed,      //!< no HTTP answer: network, TLS, timeout, too large
        Cancelled,   //!< cancelled by the user
    };

    quint64 id = 0;
    QString operation;
    QByteArray method;
    QString url; //!< redacted
    HttpHeaders requestHeaders;
    QByteArray requestBody;
    bool requestBodyTruncated = false; //!< requestBody is only the start of what was sent
    QDateTime startedAt; //!< UTC
    qint64 durationMs = -1;
    int status = 0;
    QByteArray reasonPhrase;
    HttpHeaders responseHeaders;
    QByteArray responseBody;
    qint64 responseBytes = 0; //!< bytes received, before any truncation for the log
    bool responseBodyTruncated = false;
    Outcome outcome = Outcome::Pending;
    QString errorText; //!< for Failed and Cancelled
    QString redirectUrl; //!< redacted; where a 3xx answer's Location pointed (resolved), followed or not

    QString path() const;
    static QString outcomeName(Outcome outcome);
    static Outcome outcomeForStatus(int status);
};

} // namespace plainkey
