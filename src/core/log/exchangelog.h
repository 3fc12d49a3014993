#pragma once

#include "core/log/exchange.h"
#include "core/log/slicedrelease.h"

#include <QObject>

#include <deque>
#include <functional>

namespace plainkey {

//! Every request and response, in order, already redacted. A bounded buffer: the oldest
//! exchanges are dropped past capacity(). Views read it; only the transport appends.
class ExchangeLog : public QObject
{
    Q_OBJECT
public:
    explicit ExchangeLog(QObject *parent = nullptr);

    //! Most exchanges kept; the oldest go first. Default 100,000.
    int capacity() const { return m_capacity; }
    void setCapacity(int capacity);
    //! Largest body kept per request or response; longer ones are cut and flagged. Default 256 KiB.
    qsizetype maxBodyBytes() const { return m_maxBodyBytes; }
    void setMaxBodyBytes(qsizetype bytes) { m_maxBodyBytes = qMax<qsizetype>(0, bytes); }

    int size() const { return int(m_entries.size()); }
    const Exchange &at(int index) const { return m_entries[size_t(index)]; }
    //! Index of exchange \a id, or -1 when it was dropped or never existed.
    int indexOf(quint64 id) const;
    const Exchange *find(quint64 id) const;
    //! A copy of every exchange, oldest first (for exports).
    QList<Exchange> snapshot() const;

    //! Appends a pending exchange and returns its ID.
    quint64 append(Exchange exchange);
    //! Changes exchange \a id in place (no-op when it is gone).
    void update(quint64 id, const std::function<void(Exchange &)> &change);
    //! Empties the log at once; the exchanges themselves are freed in slices afterwards.
    void clear();
    //! Frees what clear() took away, a few milliseconds per pass of the event loop.
    SlicedRelease *release() const { return m_release; }

signals:
    void exchangeAboutToBeAppended(int index);
    void exchangeAppended(int index);
    void exchangeChanged(int index);
    //! The \a count oldest exchanges are about to go / have gone.
    void exchangesAboutToBeTrimmed(int count);
    void exchangesTrimmed(int count);
    void aboutToBeCleared();
    void cleared();

private:
    void trimTo(int size);
    QByteArray capBody(const QByteArray &body, bool *truncated) const;

    std::deque<Exchange> m_entries;
    SlicedRelease *m_release;
    quint64 m_nextId = 1;
    int m_capacity = 100000;
    qsizetype m_maxBodyBytes = 256 * 1024;
};

} // namespace plainkey
