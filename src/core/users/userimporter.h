#pragma once

#include "core/api/apierror.h"
#include "core/users/userimportlist.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>

#include <chrono>

namespace plainkey {

class ApiCall;
class PlainKeyClient;
struct User;

//! Creates the users of an import list in chunks with POST /user/bulk, one request at a time,
//! so progress moves and the event loop stays free. A chunk PlainKey refuses (4xx) is retried
//! name by name to find which names fail; the rest of the import goes on. A 429 waits and
//! retries; a chunk without a clear answer marks its rows Uncertain rather than guessing.
class UserImporter : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
public:
    explicit UserImporter(PlainKeyClient *client, QObject *parent = nullptr);
    ~UserImporter() override;

    //! Names per bulk request (1 to 10,000; default 500).
    int chunkSize() const { return m_chunkSize; }
    void setChunkSize(int size);
    //! Retries of one request answered 429 before its rows fail (default 5).
    void setMaxRateLimitRetries(int retries) { m_maxRetries = retries; }

    //! Starts creating the Pending rows of \a rows; the others are kept as they are.
    //! Returns false (and does nothing) while an import is running.
    bool start(const QList<ImportRow> &rows);
    //! Stops after the request in flight; unsent rows become Failed ("import cancelled").
    void cancel();

    bool isRunning() const { return m_running; }
    const QList<ImportRow> &rows() const { return m_rows; }
    int total() const { return int(m_rows.size()); }
    //! Rows no longer Pending.
    int processed() const { return m_processed; }
    int count(ImportRow::Status status) const;
    //! Time from start() to finished(), or until now while running.
    qint64 elapsedMs() const;
    //! Bulk and single requests sent so far.
    int requestCount() const { return m_requests; }
    //! The error that stopped the import early (wrong credentials, ...); none when it ran through.
    const ApiError &stopReason() const { return m_stopReason; }

signals:
    void runningChanged(bool running);
    void progressChanged(int processed, int total);
    //! Rows \a first to \a last (indexes into rows()) changed status.
    void rowsChanged(int first, int last);
    void finished();

private:
    void sendNextChunk();
    void sendChunk(const QList<int> &chunk, int attempt);
    void onChunkCreated(const QList<int> &chunk, const QList<User> &users);
    void onChunkFailed(const QList<int> &chunk, int attempt, const ApiError &error);
    void createOneByOne(const QList<int> &rows);
    void sendSingle(int row, int attempt);
    void markRows(const QList<int> &rows, ImportRow::Status status, const QString &message);
    void setRow(int row, ImportRow::Status status, const QString &userId, const QString &message);
    //! Announces the rows' new status and the progress.
    void reportRows(const QList<int> &rows);
    void stopAll(const QString &message, const ApiError &reason = {});
    void finish();
    std::chrono::milliseconds retryDelay(const ApiError &error, int attempt) const;
    bool isFatal(const ApiError &error) const;

    PlainKeyClient *m_client;
    QList<ImportRow> m_rows;
    QList<int> m_queue; //!< rows waiting for a bulk request, in file order
    QList<int> m_singles; //!< rows of a refused chunk waiting to be created one by one
    QPointer<ApiCall> m_inFlight;
    QElapsedTimer m_clock;
    ApiError m_stopReason;
    qint64 m_finishedMs = -1;
    int m_chunkSize = 500;
    int m_maxRetries = 5;
    int m_processed = 0;
    int m_requests = 0;
    int m_changedFirst = -1;
    bool m_running = false;
    bool m_cancelled = false;
    bool m_waitingToRetry = false;
};

} // namespace plainkey
