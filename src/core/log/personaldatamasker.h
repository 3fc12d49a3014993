#pragma once

#include "core/log/exchange.h"
#include "core/net/httpmessage.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace plainkey {

//! Masks personal data (user IDs, user names, e-mail addresses, IP addresses) in text, bodies,
//! headers, URLs and whole exchanges, for support bundles and presenter mode. It works on top
//! of the Redactor: secrets are already gone from what it is given.
//!
//! Masking is consistent within one masker: the same value always becomes the same placeholder
//! ("user-1", "name-2", "a•••@e•••.com", "ip-1"), so an engineer can still follow one user
//! through a bundle. Values are found by shape (e-mail addresses, also percent-encoded; the
//! emulator's "usr_" user IDs; IPv4 and IPv6 addresses other than loopback, which says nothing
//! about anyone) and by value: every user ID and name the masker was told of or learned from an
//! exchange, in clear, JSON-escaped, percent-encoded and base64 forms.
//! Not thread-safe: use one masker from one thread.
class PersonalDataMasker
{
public:
    enum class Kind {
        UserId,   //!< a PlainKey user ID
        UserName, //!< a user name (an e-mail-shaped one is masked as an e-mail address)
        Email,
        IpAddress
    };

    //! Remembers \a value as personal data of \a kind, to be masked wherever it appears.
    void addKnown(Kind kind, const QString &value);
    //! Learns the user IDs and names an exchange carries: JSON fields (userId, userName, email,
    //! a user object's id, WebAuthn's user.name and displayName, a token's sub) and /user/{id} paths.
    void learnFromExchange(const Exchange &exchange);
    //! Learns from a JSON body alone (see learnFromExchange).
    void learnFromJson(const QByteArray &json);
    //! Learns what \a text holds by shape (e-mail and IP addresses, user IDs).
    void learnFromText(const QString &text);

    //! \a text with every personal datum replaced by its placeholder.
    QString maskText(const QString &text);
    //! A body of any kind; bytes outside personal data come back unchanged.
    QByteArray maskBody(const QByteArray &body);
    HttpHeaders maskHeaders(const HttpHeaders &headers);
    //! \a exchange with its URL, headers, bodies, error text and redirect masked.
    Exchange maskExchange(const Exchange &exchange);

    //! The placeholder \a value stands for (assigning the next one when it is new).
    QString placeholderFor(Kind kind, const QString &value);
    //! How many different values have been masked or are known.
    int knownCount() const { return int(m_known.size()); }

    //! True for text shaped like a PlainKey user ID as the emulator mints them ("usr_" and 8 to
    //! 64 letters and digits). PlainKey does not document its ID format, so IDs of another shape
    //! are masked once learned from an exchange or told with addKnown.
    static bool isUserIdShaped(QStringView text);
    //! True for an address worth masking: a valid IPv4 or IPv6 address that is not loopback or unspecified.
    static bool isMaskableIp(const QString &text);

private:
    struct Form
    {
        QByteArray text;        // the value as it may appear (raw, escaped, encoded)
        QByteArray placeholder; // what replaces it, UTF-8
        bool needsBoundary;     // a short raw form must not be part of a longer word
    };

    static QString normalized(Kind kind, const QString &value);
    QByteArray maskBytes(const QByteArray &bytes);
    void learnFromJsonValue(const class QJsonValue &value, const QString &key, bool userObject);

    QHash<QString, QString> m_placeholders; // normalized value -> placeholder
    QSet<QString> m_usedPlaceholders;
    QSet<QString> m_known;                  // normalized values already indexed
    int m_userIds = 0;
    int m_userNames = 0;
    int m_ips = 0;
    // Every form of every known value, found by its first four bytes.
    QHash<quint32, QList<Form>> m_forms;
    // Values shorter than four bytes: only masked as whole JSON strings.
    QList<Form> m_shortForms;
};

} // namespace plainkey
