#include "core/users/userimporter.h"

#include "core/api/plainkeyclient.h"
#include "core/users/userops.h"
#include "core/users/userslogging.h"

#include <QHash>
#include <QTimer>

#include <algorithm>

namespace plainkey {

namespace {

constexpr int kMaxChunk = 10000;

//! A row's reason in a few words: PlainKey's own when it gave one.
QString rowReason(const ApiError &error)
{
    if (!error.serverMessage().isEmpty() && error.httpStatus())
        return QStringLiteral("PlainKey refused it (%1): %2").arg(error.httpStatus()).arg(error.serverMessage());
    return error.summary();
}

} // namespace

UserImporter::UserImporter(PlainKeyClient *client, QObject *parent) : QObject(parent), m_client(client) {}

UserImporter::~UserImporter() = default;

void UserImporter::setChunkSize(int size)
{
    m_chunkSize = std::clamp(size, 1, kMaxChunk);
}

int UserImporter::count(ImportRow::Status status) const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [status](const ImportRow &r) { return r.status == status; }));
}

qint64 UserImporter::elapsedMs() const
{
    if (!m_clock.isValid())
        return 0;
    return m_finishedMs >= 0 ? m_finishedMs : m_clock.elapsed();
}

bool UserImporter::start(const QList<ImportRow> &rows)
{
    if (m_running) {
        qCWarning(lcUsers) << "An import is already running; the new one was not started";
        return false;
    }
    m_rows = rows;
    m_queue.clear();
    m_singles.clear();
    m_processed = 0;
    m_requests = 0;
    m_cancelled = false;
    m_finishedMs = -1;
    m_stopReason = {};
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).isDone())
            ++m_processed;
        else
            m_queue.append(i);
    }
    m_clock.start();
    m_running = true;
    emit runningChanged(true);
    emit progressChanged(m_processed, total());
    qCInfo(lcUsers) << "Importing" << m_queue.size() << "names in chunks of" << m_chunkSize;
    sendNextChunk();
    return true;
}

void UserImporter::cancel()
{
    if (!m_running || m_cancelled)
        return;
    // The request in flight is allowed to finish so its rows say what really happened.
    m_cancelled = true;
    if (!m_inFlight && !m_waitingToRetry)
        sendNextChunk();
}

void UserImporter::sendNextChunk()
{
    if (!m_running)
        return;
    if (m_cancelled) {
        stopAll(QStringLiteral("not sent: the import was cancelled"));
        return;
    }
    if (!m_singles.isEmpty()) {
        sendSingle(m_singles.takeFirst(), 0);
        return;
    }
    if (m_queue.isEmpty()) {
        finish();
        return;
    }
    const int n = std::min<int>(m_chunkSize, int(m_queue.size()));
    const QList<int> chunk = m_queue.mid(0, n);
    m_queue.remove(0, n);
    sendChunk(chunk, 0);
}

void UserImporter::sendChunk(const QList<int> &chunk, int attempt)
{
    QStringList names;
    names.reserve(chunk.size());
    for (int row : chunk)
        names.append(m_rows.at(row).userName);
    ++m_requests;
    m_inFlight = m_client->call<CreateUsers>(this, [this, chunk, attempt](const Result<QList<User>> &result) {
        m_inFlight = nullptr;
        if (result)
            onChunkCreated(chunk, result.value());
        else
            onChunkFailed(chunk, attempt, result.error());
    }, names);
}

void UserImporter::onChunkCreated(const QList<int> &chunk, const QList<User> &users)
{
    QHash<QString, int> byName;
    QHash<QString, int> byFoldedName;
    for (int row : chunk) {
        byName.insert(m_rows.at(row).userName, row);
        byFoldedName.insert(m_rows.at(row).userName.toCaseFolded(), row);
    }
    bool anyNamed = false;
    QList<const User *> unmatched;
    for (const User &u : users) {
        if (!u.userName) {
            unmatched.append(&u);
            continue;
        }
        anyNamed = true;
        int row = byName.value(*u.userName, -1);
        if (row < 0)
            row = byFoldedName.value(u.userName->toCaseFolded(), -1);
        if (row >= 0 && !m_rows.at(row).isDone())
            setRow(row, ImportRow::Status::Created, u.id, {});
        else
            unmatched.append(&u);
    }
    // An answer of bare IDs, as long as the request, is read in request order.
    if (!anyNamed && users.size() == chunk.size()) {
        for (int i = 0; i < chunk.size(); ++i)
            setRow(chunk.at(i), ImportRow::Status::Created, users.at(i).id, {});
        unmatched.clear();
    }
    for (int row : chunk) {
        if (!m_rows.at(row).isDone())
            setRow(row, ImportRow::Status::Uncertain, {},
                   QStringLiteral("PlainKey accepted the request but its answer does not list this name: look the user up before importing it again"));
    }
    if (!unmatched.isEmpty())
        qCWarning(lcUsers) << "The bulk answer listed" << unmatched.size() << "users that match no name of the request";
    reportRows(chunk);
    sendNextChunk();
}

void UserImporter::onChunkFailed(const QList<int> &chunk, int attempt, const ApiError &error)
{
    if (error.kind() == ApiError::Kind::RateLimited && attempt < m_maxRetries && !m_cancelled) {
        const auto delay = retryDelay(error, attempt);
        qCInfo(lcUsers) << "Bulk request rate-limited; retrying in" << delay.count() << "ms";
        m_waitingToRetry = true;
        QTimer::singleShot(delay, this, [this, chunk, attempt] {
            m_waitingToRetry = false;
            if (m_cancelled) {
                markRows(chunk, ImportRow::Status::Failed, QStringLiteral("not sent: the import was cancelled"));
                reportRows(chunk);
                sendNextChunk();
            } else {
                sendChunk(chunk, attempt + 1);
            }
        });
        return;
    }
    if (isFatal(error)) {
        markRows(chunk, ImportRow::Status::Failed, rowReason(error));
        reportRows(chunk);
        stopAll(QStringLiteral("not sent: the import stopped because %1").arg(error.summary()), error);
        return;
    }
    if (error.kind() == ApiError::Kind::HttpStatus && error.httpStatus() >= 400 && error.httpStatus() < 500) {
        if (chunk.size() == 1) {
            markRows(chunk, ImportRow::Status::Failed, rowReason(error));
        } else {
            // One bad name refuses the whole chunk: find it by creating the names one by one.
            qCInfo(lcUsers) << "PlainKey refused a chunk of" << chunk.size() << "names (" << error.httpStatus()
                            << "); creating them one by one";
            m_singles = chunk;
        }
    } else if (error.kind() == ApiError::Kind::RateLimited) {
        markRows(chunk, ImportRow::Status::Failed, QStringLiteral("%1 (gave up after %2 retries)").arg(rowReason(error)).arg(attempt));
    } else {
        markRows(chunk, ImportRow::Status::Uncertain,
                 QStringLiteral("%1. PlainKey may have created some of these users: look them up before importing them again")
                         .arg(error.summary()));
    }
    reportRows(chunk);
    sendNextChunk();
}

void UserImporter::sendSingle(int row, int attempt)
{
    ++m_requests;
    const QString name = m_rows.at(row).userName;
    m_inFlight = m_client->call<CreateUser>(this, [this, row, attempt](const Result<User> &result) {
        m_inFlight = nullptr;
        if (result) {
            setRow(row, ImportRow::Status::Created, result->id, {});
        } else {
            const ApiError &error = result.error();
            if (error.kind() == ApiError::Kind::RateLimited && attempt < m_maxRetries && !m_cancelled) {
                m_waitingToRetry = true;
                QTimer::singleShot(retryDelay(error, attempt), this, [this, row, attempt] {
                    m_waitingToRetry = false;
                    if (m_cancelled) {
                        setRow(row, ImportRow::Status::Failed, {}, QStringLiteral("not sent: the import was cancelled"));
                        reportRows({row});
                        sendNextChunk();
                    } else {
                        sendSingle(row, attempt + 1);
                    }
                });
                return;
            }
            if (isFatal(error)) {
                setRow(row, ImportRow::Status::Failed, {}, rowReason(error));
                reportRows({row});
                stopAll(QStringLiteral("not sent: the import stopped because %1").arg(error.summary()), error);
                return;
            }
            const bool refused = (error.kind() == ApiError::Kind::HttpStatus && error.httpStatus() < 500)
                    || error.kind() == ApiError::Kind::RateLimited;
            setRow(row, refused ? ImportRow::Status::Failed : ImportRow::Status::Uncertain, {},
                   refused ? rowReason(error)
                           : QStringLiteral("%1. PlainKey may have created this user: look it up before importing it again").arg(error.summary()));
        }
        reportRows({row});
        sendNextChunk();
    }, std::optional<QString>(name));
}

void UserImporter::markRows(const QList<int> &rows, ImportRow::Status status, const QString &message)
{
    for (int row : rows)
        setRow(row, status, {}, message);
}

void UserImporter::setRow(int row, ImportRow::Status status, const QString &userId, const QString &message)
{
    ImportRow &r = m_rows[row];
    if (!r.isDone() && status != ImportRow::Status::Pending)
        ++m_processed;
    r.status = status;
    r.userId = userId;
    r.message = message;
}

void UserImporter::reportRows(const QList<int> &rows)
{
    if (rows.isEmpty())
        return;
    const auto [low, high] = std::minmax_element(rows.cbegin(), rows.cend());
    emit rowsChanged(*low, *high);
    emit progressChanged(m_processed, total());
}

void UserImporter::stopAll(const QString &message, const ApiError &reason)
{
    if (reason)
        m_stopReason = reason;
    QList<int> rest = m_singles + m_queue;
    m_singles.clear();
    m_queue.clear();
    std::sort(rest.begin(), rest.end());
    for (int row : std::as_const(rest)) {
        if (!m_rows.at(row).isDone()) {
            ImportRow &r = m_rows[row];
            r.status = ImportRow::Status::Failed;
            r.message = message;
            ++m_processed;
        }
    }
    if (!rest.isEmpty())
        emit rowsChanged(rest.first(), rest.last());
    emit progressChanged(m_processed, total());
    finish();
}

void UserImporter::finish()
{
    if (!m_running)
        return;
    m_running = false;
    m_finishedMs = m_clock.elapsed();
    qCInfo(lcUsers) << "Import finished in" << m_finishedMs << "ms:" << count(ImportRow::Status::Created) << "created,"
                    << count(ImportRow::Status::Failed) << "failed," << count(ImportRow::Status::Invalid) << "invalid,"
                    << count(ImportRow::Status::Uncertain) << "uncertain";
    emit runningChanged(false);
    emit finished();
}

std::chrono::milliseconds UserImporter::retryDelay(const ApiError &error, int attempt) const
{
    using namespace std::chrono;
    if (const auto s = error.retryAfterSeconds())
        return duration_cast<milliseconds>(seconds(std::clamp(*s, 0, 60)));
    return milliseconds(std::min<qint64>(30000, 500LL << std::min(attempt, 6)));
}

bool UserImporter::isFatal(const ApiError &error) const
{
    switch (error.kind()) {
    case ApiError::Kind::CredentialsRejected:
    case ApiError::Kind::Unauthorized:
    case ApiError::Kind::InvalidInput:
    case ApiError::Kind::Cancelled:
    case ApiError::Kind::Tls:
    case ApiError::Kind::RedirectRefused:
        return true;
    default:
        return false;
    }
}

} // namespace plainkey
