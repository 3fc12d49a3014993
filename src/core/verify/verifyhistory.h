#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

#include <optional>

namespace plainkey {

//! The tokens verified in this session, by fingerprint only (never the token), and the rule
//! that sending one again needs a second request: authentication tokens may be single use, so
//! a second verification can report "used" although the first one succeeded.
class VerifyHistory
{
public:
    struct Entry
    {
        QDateTime at;    //!< UTC, when the answer came
        QString outcome; //!< "it was valid", "it was not valid: Token expired", ...
    };

    //! The short fingerprint that names \a token on screen and here ("a1b2c3d4").
    static QString fingerprintOf(const QString &token);

    //! Remembers that the token with \a fingerprint reached PlainKey, with what came of it.
    void record(const QString &fingerprint, const Entry &entry);
    //! When and how the token with \a fingerprint was verified, if it was.
    std::optional<Entry> find(const QString &fingerprint) const;
    int size() const { return int(m_entries.size()); }

    //! Asks before sending the token with \a fingerprint: returns its earlier verification when
    //! it was verified before and not yet confirmed (the caller asks; the same call again is the
    //! confirmation), else nullopt: send it.
    std::optional<Entry> checkBeforeSending(const QString &fingerprint);
    //! True while a re-verification waits for its confirmation.
    bool isAwaitingConfirmation() const { return !m_confirm.isEmpty(); }
    //! Forgets a pending confirmation (the token was edited).
    void cancelConfirmation() { m_confirm.clear(); }

    //! Why to think twice before a re-verification: when, what came of it, why it matters.
    static QString reverifyWarning(const Entry &entry);

private:
    QHash<QString, Entry> m_entries;
    QString m_confirm;
};

} // namespace plainkey
