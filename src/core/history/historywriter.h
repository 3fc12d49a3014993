#pragma once

#include "core/history/historystore.h"

#include <QObject>
#include <QPointer>
#include <QSet>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

class QThread;

namespace plainkey {

class ExchangeLog;

//! Writes the exchanges of a log to the history on a thread of its own, in batches: an
//! exchange is on disk at most flushInterval after it completes, so a crash loses at most
//! that. Reads (queries, Clear history) run on the same thread, after every pending write.
class HistoryWriter : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds flushInterval{500};

    //! Opens \a path on the writer's thread (a damaged file is moved aside there; notice() says so).
    explicit HistoryWriter(const QString &path = HistoryStore::defaultPath(), QObject *parent = nullptr);
    //! Writes what is pending, then stops the thread.
    ~HistoryWriter() override;

    QString path() const { return m_path; }
    //! Records every exchange of \a log once it completes.
    void attach(ExchangeLog *log);
    //! The profile name written with the exchanges recorded from now on.
    void setProfileName(const QString &name);
    QString profileName() const;
    //! Retention applied at start and every hour; zero turns that limit off.
    void setRetention(std::chrono::seconds maxAge, qint64 maxBytes);

    //! Queues one completed exchange.
    void record(const Exchange &exchange);
    //! Blocks until everything queued is written; false if writing failed.
    bool flush();
    //! Runs \a job with the store on the writer's thread, after the pending writes, and waits
    //! for it. The store is null when the history could not be opened at all.
    void run(const std::function<void(HistoryStore *store)> &job);

    QList<HistoryEntry> query(const HistoryQuery &query, bool *ok = nullptr);
    bool clearHistory();

signals:
    //! Something a person should know: the file was damaged and moved aside, or writing fails.
    void notice(const QString &message);

private:
    void loop();
    void writePending(HistoryStore *&store);
    void reportNotice(const QString &message);

    QString m_path;
    QThread *m_thread = nullptr;
    QPointer<ExchangeLog> m_log;
    QSet<quint64> m_inFlight;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    QList<HistoryEntry> m_pending;
    std::deque<std::function<void(HistoryStore *)>> m_jobs;
    QString m_profile;
    std::chrono::seconds m_maxAge = std::chrono::duration_cast<std::chrono::seconds>(HistoryStore::kDefaultMaxAge);
    qint64 m_maxBytes = HistoryStore::kDefaultMaxBytes;
    bool m_retentionChanged = true;
    bool m_stop = false;
    bool m_lastWriteOk = true;
};

} // namespace plainkey
