#pragma once

#include "core/net/httpmessage.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>
#include <vector>

namespace plainkey {

//! Replaces secrets with a marker that names their kind and a short fingerprint, so two
//! exchanges can still be matched ("[redacted access_token #1a2b3c4d]") but the value never
//! reaches the log, an export or the screen.
//!
//! Two ways a secret is found: by value (every secret remembered with addSecret or passed as
//! \a extra, also JSON-escaped, percent-encoded in either case of hex digits, and in base64 or
//! base64url), and by structure (a JSON value, form field, query or fragment parameter whose
//! name says it is a secret: see kindForFieldName; and anything shaped like a JWT).
//! Not thread-safe: use one Redactor from one thread.
class Redactor
{
public:
    //! First 8 hex digits of the SHA-256 of \a value: enough to match two exchanges. It hides
    //! a random token or secret, not a guessable value (a password can be confirmed by hashing guesses).
    static QByteArray fingerprint(QByteArrayView value);
    //! "client_secret", "access_token" or "auth_token".
    static QByteArray kindName(SecretKind kind);
    static std::optional<SecretKind> kindFromName(QByteArrayView name);
    //! The text that stands in the log where a secret was.
    static QByteArray marker(SecretKind kind, QByteArrayView value);
    //! Matches a marker; capture 1 is the kind name, capture 2 the fingerprint.
    static QString markerPattern();
    //! The kind of secret a field, parameter or header called \a name holds, or nullopt. Names
    //! are compared case-insensitively by words (split at '_', '-', '.' and camelCase): token,
    //! secret, password, api key and authorization, alone or as the last word ("id_token",
    //! "authenticationToken", "x-api-key"); "tokenType" and "mytoken" are not secrets.
    static std::optional<SecretKind> kindForFieldName(QStringView name);
    //! Every form in which \a value may appear in a body, a header or a message: as is,
    //! JSON-escaped, percent-encoded (either hex case, '+' for a space), base64 and base64url
    //! (whole, and the stable middle of a longer encoded text). Forms under 4 bytes are left out.
    static QList<QByteArray> encodedForms(const QByteArray &value);

    //! Remembers a value to redact wherever it appears from now on. Tokens are bounded (the
    //! newest 256 are kept); client secrets are never dropped.
    void addSecret(SecretKind kind, const QByteArray &value);
    void clearSecrets();

    //! Redacts a body: known values, JSON and form fields named like secrets, and JWT-shaped strings.
    //! A body that parses as JSON is walked key by key; a cut-off one is matched by pattern.
    QByteArray redactBody(const QByteArray &body, const QList<QPair<SecretKind, QByteArray>> &extra = {}) const;
    HttpHeaders redactHeaders(const HttpHeaders &headers, const QList<QPair<SecretKind, QByteArray>> &extra = {}) const;
    QString redactUrl(const QUrl &url, const QList<QPair<SecretKind, QByteArray>> &extra = {}) const;
    //! Redacts free text (an error message, a server's words, a title) by the same rules as a body.
    QString redactText(const QString &text, const QList<QPair<SecretKind, QByteArray>> &extra = {}) const;

private:
    struct Form
    {
        QByteArray text;  // the value as it may appear (raw, escaped, encoded)
        QByteArray value; // the value itself, for the fingerprint
        SecretKind kind;
    };
    struct Remembered
    {
        SecretKind kind;
        QByteArray value;
    };

    QByteArray redactKnown(const QByteArray &text, const QList<QPair<SecretKind, QByteArray>> &extra) const;
    void index(const Remembered &secret);
    void unindex(const Remembered &secret);

    QList<Remembered> m_secrets; // oldest first
    QSet<QByteArray> m_values;
    int m_tokenCount = 0;
    // Every form of every remembered value, found by its first four bytes; a count per first
    // two bytes rejects most positions of a body without a hash lookup.
    QHash<quint32, QList<Form>> m_forms;
    std::vector<quint32> m_prefixCounts;
};

} // namespace plainkey
