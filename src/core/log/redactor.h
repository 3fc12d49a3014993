#pragma once

#include "net/httpmessage.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace plainkey {

//! Replaces secrets with a marker that names their kind and a short fingerprint, so two
//! exchanges can still be matched ("[redacted access_token #1a2b3c4d]") but the value never
//! reaches the log, an export or the screen.
class Redactor
{
public:
    //! First 8 hex digits of the SHA-256 of \a value: enough to match, useless to an attacker.
    static QByteArray fingerprint(QByteArrayView value);
    //! "client_secret", "access_token" or "auth_token".
    static QByteArray kindName(SecretKind kind);
    static std::optional<SecretKind> kindFromName(QByteArrayView name);
    //! The text that stands in the log where a secret was.
    static QByteArray marker(SecretKind kind, QByteArrayView value);
    //! Matches a marker; capture 1 is the kind name, capture 2 the fingerprint.
    static QString markerPattern();

    //! Remembers a value to redact wherever it appears from now on (bounded, newest kept).
    void addSecret(SecretKind kind, const QByteArray &value);
    void clearSecrets();

    //! Redacts a body: known values, JSON and form fields named like secrets, and JWT-shaped strings.
    QByteArray redactBody(const QByteArray &body, const QList<QPair<SecretKind, QByteArray>> &extra = {}) const;
    HttpHeaders redactHeaders(const HttpHeaders &headers, const QList<QPair<SecretKind, QByteArray>> &extra = {}) const;
    QString redactUrl(const QUrl &url, const QList<QPair<SecretKind, QByteArray>> &extra = {}) const;

private:
    QByteArray redactKnown(QByteArray text, const QList<QPair<SecretKind, QByteArray>> &extra) const;

    QList<QPair<SecretKind, QByteArray>> m_secrets;
};

} // namespace plainkey
