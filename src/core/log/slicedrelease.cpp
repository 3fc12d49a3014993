#include "core/log/slicedrelease.h"

#include <QTimer>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace plainkey {

SlicedRelease::SlicedRelease(QObject *parent) : QObject(parent), m_timer(new QTimer(this))
{
    // A zero timer runs once per pass of the event loop, after the events already waiting.
    m_timer->setInterval(0);
    connect(m_timer, &QTimer::timeout, this, &SlicedRelease::runSlice);
}

SlicedRelease::~SlicedRelease() = default;

void SlicedRelease::enqueue(Job job)
{
    m_jobs.push_back(std::move(job));
    if (!m_timer->isActive())
        m_timer->start();
}

void SlicedRelease::runSlice()
{
    const QDeadlineTimer deadline(m_sliceMs, Qt::PreciseTimer);
    while (!m_jobs.empty()) {
        size_t freed = 0;
        const bool done = m_jobs.front()(deadline, &freed);
        m_pendingItems -= qMin(freed, m_pendingItems);
        if (done)
            m_jobs.erase(m_jobs.begin());
        if (deadline.hasExpired())
            break;
    }
    if (m_jobs.empty()) {
        m_pendingItems = 0;
        m_timer->stop();
        emit drained();
    }
}

void SlicedRelease::releaseAll()
{
    while (!m_jobs.empty())
        runSlice();
}

void SlicedRelease::tuneAllocator()
{
#if defined(__GLIBC__)
    mallopt(M_MXFAST, 0);
#endif
}

} // namespace plainkey
