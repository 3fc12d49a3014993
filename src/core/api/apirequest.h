#pragma once

#include "core/net/httpmessage.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace plainkey {

//! One Server API request before the client adds the base URL, token and project headers.
struct ApiRequest
{
    QByteArray method = "GET";
    //! Path under the base URL, starting with '/'; dynamic segments already percent-encoded.
    QString path;
    QUrlQuery query;
    //! The JSON body; undefined means no body.
    QJsonValue body = QJsonValue(QJsonValue::Undefined);
    //! What the call does, in words: "Verifying the authentication token".
    QString operation;
    //! For verify: a 401 whose body has a "valid" key is an answer, not a refused access token.
    bool unauthorizedMayBeAnswer = false;
    //! Secrets the request carries, redacted from the log.
    QList<QPair<SecretKind, QByteArray>> secrets;

    //! \a segment percent-encoded for use as one path segment.
    static QString segment(const QString &segment) { return QString::fromLatin1(QUrl::toPercentEncoding(segment)); }
};

} // namespace plainkey
