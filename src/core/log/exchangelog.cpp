#include "core/log/exchangelog.h"

#include <utility>

namespace plainkey {

ExchangeLog::ExchangeLog(QObject *parent) : QObject(parent), m_release(new SlicedRelease(this)) {}

void ExchangeLog::setCapacity(int capacity)
{
    m_capacity = qMax(1, capacity);
    trimTo(m_capacity);
}

int ExchangeLog::indexOf(quint64 id) const
{
    if (m_entries.empty() || id < m_entries.front().id)
        return -1;
    const quint64 offset = id - m_entries.front().id;
    return offset < m_entries.size() ? int(offset) : -1;
}

const Exchange *ExchangeLog::find(quint64 id) const
{
    const int i = indexOf(id);
    return i < 0 ? nullptr : &m_entries[size_t(i)];
}

QList<Exchange> ExchangeLog::snapshot() const
{
    return QList<Exchange>(m_entries.begin(), m_entries.end());
}

QByteArray ExchangeLog::capBody(const QByteArray &body, bool *truncated) const
{
    if (body.size() <= m_maxBodyBytes)
        return body;
    if (truncated)
        *truncated = true;
    return body.left(m_maxBodyBytes);
}

quint64 ExchangeLog::append(Exchange exchange)
{
    trimTo(m_capacity - 1);
    exchange.id = m_nextId++;
    bool cut = false;
    exchange.requestBody = capBody(exchange.requestBody, &cut);
    if (cut)
        exchange.requestBodyTruncated = true;
    const int index = size();
    emit exchangeAboutToBeAppended(index);
    m_entries.push_back(std::move(exchange));
    emit exchangeAppended(index);
    return m_entries.back().id;
}

void ExchangeLog::update(quint64 id, const std::function<void(Exchange &)> &change)
{
    const int i = indexOf(id);
    if (i < 0)
        return;
    Exchange &e = m_entries[size_t(i)];
    change(e);
    bool cut = false;
    e.responseBody = capBody(e.responseBody, &cut);
    if (cut)
        e.responseBodyTruncated = true;
    emit exchangeChanged(i);
}

void ExchangeLog::clear()
{
    if (m_entries.empty())
        return;
    emit aboutToBeCleared();
    // Freeing 100,000 exchanges (a million small blocks) takes a quarter of a second: the log
    // is empty at once, and the exchanges are freed in slices between events.
    m_release->release(std::exchange(m_entries, {}));
    emit cleared();
}

void ExchangeLog::trimTo(int size)
{
    const int excess = this->size() - qMax(0, size);
    if (excess <= 0)
        return;
    emit exchangesAboutToBeTrimmed(excess);
    m_entries.erase(m_entries.begin(), m_entries.begin() + excess);
    emit exchangesTrimmed(excess);
}

} // namespace plainkey
