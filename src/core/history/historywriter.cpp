#include "core/history/historywriter.h"

#include "core/log/exchangelog.h"

#include <QElapsedTimer>
#include <QThread>

#include <future>

namespace plainkey {

HistoryWriter::HistoryWriter(const QString &path, QObject *parent) : QObject(parent), m_path(path)
{
    m_thread = QThread::create([this] { loop(); });
    m_thread->setObjectName(QStringLiteral("history writer"));
    m_thread->start(QThread::LowPriority);
}

HistoryWriter::~HistoryWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread->wait();
    delete m_thread;
}

void HistoryWriter::attach(ExchangeLog *log)
{
    if (m_log)
        disconnect(m_log, nullptr, this, nullptr);
    m_log = log;
    m_inFlight.clear();
    if (!log)
        return;
    connect(log, &ExchangeLog::exchangeAppended, this, [this](int index) {
        const Exchange &e = m_log->at(index);
        if (e.outcome == Exchange::Outcome::Pending)
            m_inFlight.insert(e.id);
        else
            record(e);
    });
    connect(log, &ExchangeLog::exchangeChanged, this, [this](int index) {
        const Exchange &e = m_log->at(index);
        if (e.outcome != Exchange::Outcome::Pending && m_inFlight.remove(e.id))
            record(e);
    });
    connect(log, &ExchangeLog::cleared, this, [this] { m_inFlight.clear(); });
}

void HistoryWriter::setProfileName(const QString &name)
{
    std::lock_guard lock(m_mutex);
    m_profile = name;
}

QString HistoryWriter::profileName() const
{
    std::lock_guard lock(m_mutex);
    return m_profile;
}

void HistoryWriter::setRetention(std::chrono::seconds maxAge, qint64 maxBytes)
{
    {
        std::lock_guard lock(m_mutex);
        m_maxAge = maxAge;
        m_maxBytes = maxBytes;
        m_retentionChanged = true;
    }
    m_wake.notify_all();
}

void HistoryWriter::record(const Exchange &exchange)
{
    std::lock_guard lock(m_mutex);
    m_pending.append({exchange, m_profile});
}

void HistoryWriter::run(const std::function<void(HistoryStore *)> &job)
{
    std::promise<void> finished;
    auto future = finished.get_future();
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back([&](HistoryStore *store) {
            job(store);
            finished.set_value();
        });
    }
    m_wake.notify_all();
    future.wait();
}

bool HistoryWriter::flush()
{
    bool ok = false;
    run([&](HistoryStore *store) { ok = store != nullptr && m_lastWriteOk; });
    return ok;
}

QList<HistoryEntry> HistoryWriter::query(const HistoryQuery &query, bool *ok)
{
    QList<HistoryEntry> result;
    bool done = false;
    run([&](HistoryStore *store) {
        if (store)
            result = store->query(query, &done);
    });
    if (ok)
        *ok = done;
    return result;
}

bool HistoryWriter::clearHistory()
{
    bool ok = false;
    run([&](HistoryStore *store) { ok = store && store->clear(); });
    return ok;
}

void HistoryWriter::reportNotice(const QString &message)
{
    QMetaObject::invokeMethod(this, [this, message] { emit notice(message); }, Qt::QueuedConnection);
}

void HistoryWriter::writePending(HistoryStore *&store)
{
    QList<HistoryEntry> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_pending);
    }
    if (batch.isEmpty() || !store)
        return;
    bool ok = store->append(batch);
    if (!ok && store->lastErrorIsDamage()) {
        // The file broke under us: start a new one (the old one is moved aside) and write there.
        const QString path = store->path();
        delete store;
        QString notice, error;
        store = HistoryStore::open(path, &notice, &error).release();
        if (!notice.isEmpty())
            reportNotice(notice);
        if (!store)
            reportNotice(error);
        ok = store && store->append(batch);
    }
    if (!ok && m_lastWriteOk && store)
        reportNotice(tr("Exchanges could not be written to the request history %1: %2").arg(store->path(), store->lastError()));
    m_lastWriteOk = ok;
}

void HistoryWriter::loop()
{
    QString notice, error;
    HistoryStore *store = HistoryStore::open(m_path, &notice, &error).release();
    if (!notice.isEmpty())
        reportNotice(notice);
    if (!store)
        reportNotice(error);
    QElapsedTimer sinceRetention;
    sinceRetention.start();
    for (;;) {
        std::deque<std::function<void(HistoryStore *)>> jobs;
        bool stop = false;
        bool retention = false;
        std::chrono::seconds maxAge{};
        qint64 maxBytes = 0;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, flushInterval, [this] { return m_stop || !m_jobs.empty(); });
            jobs.swap(m_jobs);
            stop = m_stop;
            retention = m_retentionChanged || sinceRetention.hasExpired(3600 * 1000);
            m_retentionChanged = false;
            maxAge = m_maxAge;
            maxBytes = m_maxBytes;
        }
        writePending(store);
        if (retention && store) {
            store->applyRetention(maxAge, maxBytes, QDateTime::currentDateTimeUtc(), [&] { writePending(store); });
            sinceRetention.restart();
        }
        for (auto &job : jobs)
            job(store);
        if (stop)
            break;
    }
    writePending(store);
    delete store;
}

} // namespace plainkey
