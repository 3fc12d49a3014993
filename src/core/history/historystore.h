#pragma once

#include "core/log/exchange.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>

class QSqlError;

namespace plainkey {

//! One exchange of the history with the profile it was made under.
struct HistoryEntry
{
    Exchange exchange; //!< as the log recorded it (redacted); exchange.id is the history's own ID
    QString profile;
};

//! What to look for in the history; empty fields match everything.
struct HistoryQuery
{
    enum class Status { Any, Success, Redirect, ClientError, ServerError, Problems, Failed };

    QString text;    //!< words to find (full-text, each word as a prefix) in path, operation, errors and bodies
    QString profile; //!< exact profile name
    QDateTime from;  //!< started at or after
    QDateTime to;    //!< started before
    Status status = Status::Any;
    QString endpoint; //!< one of endpointNames()
    int limit = 1000; //!< newest first; at most this many
};

//! The request history: every exchange the console and the CLI made, redacted, in one SQLite
//! file (WAL) with an FTS5 full-text index. A damaged file is moved aside and a new one
//! started; it never stops the program. Use one instance on one thread.
class HistoryStore
{
public:
    //! PRAGMA application_id of a history file: "PKHi".
    static constexpr qint32 kApplicationId = 0x504b4869;
    static constexpr int kSchemaVersion = 1;
    //! Retention defaults: 30 days, 200 MB.
    static constexpr std::chrono::hours kDefaultMaxAge{24 * 30};
    static constexpr qint64 kDefaultMaxBytes = 200LL * 1024 * 1024;

    ~HistoryStore();
    HistoryStore(const HistoryStore &) = delete;
    HistoryStore &operator=(const HistoryStore &) = delete;

    //! The console's data folder (shared by the CLI) + "history.sqlite"; the environment
    //! variable PLAINKEY_HISTORY_FILE overrides it.
    static QString defaultPath();

    //! Opens \a path, creating it (and its folder) when missing. A file that is damaged or not
    //! a history is renamed "<path>.damaged-<UTC time>" and a new one started; \a notice then
    //! says so. nullptr with \a error only when not even a new file can be written.
    static std::unique_ptr<HistoryStore> open(const QString &path, QString *notice, QString *error);

    QString path() const { return m_path; }
    QString lastError() const { return m_error; }
    //! True when the last error means the file itself is damaged (reopen to move it aside).
    bool lastErrorIsDamage() const { return m_damaged; }

    //! Writes \a entries in one transaction.
    bool append(const QList<HistoryEntry> &entries);
    //! Matching exchanges, newest first.
    QList<HistoryEntry> query(const HistoryQuery &query, bool *ok = nullptr);
    qint64 count();
    //! Bytes the exchanges and their index take in the file (free pages not counted).
    qint64 usedBytes();
    //! Deletes exchanges older than \a maxAge, then the oldest until at most \a maxBytes are
    //! used, in chunks with \a betweenChunks called between them; returns how many went, or -1.
    qint64 applyRetention(std::chrono::seconds maxAge, qint64 maxBytes, const QDateTime &now = QDateTime::currentDateTimeUtc(),
                          const std::function<void()> &betweenChunks = {});
    //! Deletes every exchange.
    bool clear();

    //! The endpoint names queries take: access-token, verify, users, passkeys, emulator, other.
    static QStringList endpointNames();
    //! The endpoint of a request path (the same classes as the console's log filter).
    static QString endpointOf(const QString &path);
    //! \a text as an FTS5 query: each word a quoted prefix term, all required. Empty for no words.
    static QString ftsQuery(const QString &text);

private:
    HistoryStore() = default;
    bool exec(const QString &sql, const QVariantList &values = {});
    void rollback();
    bool fail(const QSqlError &error);

    QString m_path;
    QString m_connection;
    QString m_error;
    bool m_damaged = false;
};

} // namespace plainkey
