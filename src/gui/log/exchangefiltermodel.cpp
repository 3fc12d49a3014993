#include "gui/log/exchangefiltermodel.h"

#include <algorithm>
#include <charconv>

#include <QSemaphore>
#include <QThreadPool>

namespace plainkey::gui {

namespace {

using Cache = ExchangeLogModel::RowCache;

constexpr char asciiLower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

constexpr char asciiUpper(char c)
{
    return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
}

} // namespace

// Case-insensitive ASCII search (Boyer-Moore-Horspool on folded bytes): bodies are bytes,
// converting each to QString would make filtering a full log slow, and the skip table lets
// the search look at a fraction of each body's bytes.
void ExchangeFilterModel::TextMatcher::setNeedle(const QByteArray &lowerNeedle)
{
    needle = lowerNeedle;
    const qsizetype n = needle.size();
    skip.fill(n > 0 ? n : 1);
    for (qsizetype i = 0; i + 1 < n; ++i) {
        const auto c = static_cast<unsigned char>(needle[i]);
        skip[c] = n - 1 - i;
        skip[static_cast<unsigned char>(asciiUpper(char(c)))] = n - 1 - i;
    }
}

bool ExchangeFilterModel::TextMatcher::foundIn(const QByteArray &haystack) const
{
    const qsizetype n = needle.size();
    if (n == 0)
        return true;
    const qsizetype size = haystack.size();
    const char *h = haystack.constData();
    const char *p = needle.constData();
    const char lastLower = p[n - 1];
    for (qsizetype i = 0; i + n <= size;) {
        const char c = h[i + n - 1];
        if (asciiLower(c) == lastLower) {
            qsizetype k = 0;
            while (k + 1 < n && asciiLower(h[i + k]) == p[k])
                ++k;
            if (k + 1 == n)
                return true;
        }
        i += skip[static_cast<unsigned char>(c)];
    }
    return false;
}

namespace {

template<typename T>
int threeWay(const T &x, const T &y)
{
    return x < y ? -1 : (y < x ? 1 : 0);
}

// -1, 0 or 1: one column's order of two exchanges; ties are settled by arrival elsewhere.
int compareColumn(int column, const Exchange &a, const Cache &ca, const Exchange &b, const Cache &cb)
{
    auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
    switch (column) {
    case ExchangeLogModel::MethodColumn: return cmp(a.method, b.method);
    case ExchangeLogModel::PathColumn: return QString::compare(ca.path, cb.path);
    case ExchangeLogModel::StatusColumn: return cmp(a.status, b.status);
    case ExchangeLogModel::DurationColumn: return cmp(a.durationMs, b.durationMs);
    case ExchangeLogModel::SizeColumn: return cmp(a.responseBytes, b.responseBytes);
    case ExchangeLogModel::OutcomeColumn: return cmp(int(a.outcome), int(b.outcome));
    default: return 0;
    }
}

} // namespace

ExchangeFilterModel::ExchangeFilterModel(QObject *parent) : QAbstractProxyModel(parent) {}

void ExchangeFilterModel::setSourceModel(QAbstractItemModel *model)
{
    beginResetModel();
    for (const auto &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_ids.clear();
    m_positions.clear();
    m_source = qobject_cast<ExchangeLogModel *>(model);
    QAbstractProxyModel::setSourceModel(model);
    if (m_source) {
        m_connections << connect(m_source, &QAbstractItemModel::rowsInserted, this,
                                 [this](const QModelIndex &, int first, int last) { onSourceRowsInserted(first, last); });
        m_connections << connect(m_source, &QAbstractItemModel::rowsRemoved, this, &ExchangeFilterModel::onSourceRowsRemoved);
        m_connections << connect(m_source, &QAbstractItemModel::dataChanged, this, &ExchangeFilterModel::onSourceDataChanged);
        m_connections << connect(m_source, &QAbstractItemModel::modelAboutToBeReset, this, &ExchangeFilterModel::beginResetModel);
        m_connections << connect(m_source, &QAbstractItemModel::modelReset, this, [this] {
            m_ids.clear();
            for (int r = 0; r < m_source->rowCount(); ++r)
                if (accepts(r))
                    m_ids.push_back(m_source->idAt(r));
            sortIds(m_ids);
            rebuildPositions();
            endResetModel();
        });
        m_connections << connect(m_source, &QAbstractItemModel::headerDataChanged, this, &QAbstractItemModel::headerDataChanged);
        // Like QAbstractProxyModel itself, no reset is announced here: the source usually goes
        // away with the window, whose slots must not run any more.
        m_connections << connect(m_source, &QObject::destroyed, this, [this] {
            m_source = nullptr;
            m_ids.clear();
            m_positions.clear();
        });
        for (int r = 0; r < m_source->rowCount(); ++r)
            if (accepts(r))
                m_ids.push_back(m_source->idAt(r));
        sortIds(m_ids);
        rebuildPositions();
    }
    endResetModel();
}

QString ExchangeFilterModel::statusClassName(StatusClass statusClass)
{
    switch (statusClass) {
    case StatusClass::Any: return tr("Any status");
    case StatusClass::Success: return tr("2xx success");
    case StatusClass::ClientError: return tr("4xx client error");
    case StatusClass::ServerError: return tr("5xx server error");
    case StatusClass::Problems: return tr("Problems (4xx, 5xx, no answer)");
    case StatusClass::Failed: return tr("No answer (failed, cancelled)");
    case StatusClass::Pending: return tr("In flight");
    }
    return {};
}

int ExchangeFilterModel::sourceRowOf(quint64 id) const
{
    if (!m_source || id == 0)
        return -1;
    const quint64 first = m_source->idAt(0);
    if (first == 0 || id < first || id - first >= quint64(m_source->rowCount()))
        return -1;
    return int(id - first);
}

const Exchange *ExchangeFilterModel::exchangeAt(int row) const
{
    if (!m_source || row < 0 || size_t(row) >= m_ids.size())
        return nullptr;
    return m_source->exchangeAt(sourceRowOf(m_ids[size_t(row)]));
}

int ExchangeFilterModel::rowOf(quint64 id) const
{
    if (id < m_positionBase || id - m_positionBase >= m_positions.size())
        return -1;
    return m_positions[size_t(id - m_positionBase)];
}

bool ExchangeFilterModel::isFiltering() const
{
    return !m_text.isEmpty() || m_status != StatusClass::Any || m_endpoint != ExchangeLogModel::Endpoint::Any;
}

void ExchangeFilterModel::setText(const QString &text)
{
    const QString t = text.trimmed();
    if (t == m_text)
        return;
    m_text = t;
    m_textUtf8Lower = t.toLower().toUtf8();
    m_matcher.setNeedle(m_textUtf8Lower);
    rebuild();
}

void ExchangeFilterModel::setStatusClass(StatusClass statusClass)
{
    if (statusClass == m_status)
        return;
    m_status = statusClass;
    rebuild();
}

void ExchangeFilterModel::setEndpoint(ExchangeLogModel::Endpoint endpoint)
{
    if (endpoint == m_endpoint)
        return;
    m_endpoint = endpoint;
    rebuild();
}

void ExchangeFilterModel::sort(int column, Qt::SortOrder order)
{
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column < 0 || column >= ExchangeLogModel::ColumnCount ? -1 : column;
    m_sortOrder = order;
    std::vector<quint64> ids = m_ids;
    sortIds(ids);
    applyLayout(std::move(ids));
}

bool ExchangeFilterModel::accepts(int sourceRow) const
{
    if (!m_source)
        return false;
    const auto [e, cache] = m_source->entryAt(sourceRow);
    if (!e)
        return false;

    using O = Exchange::Outcome;
    switch (m_status) {
    case StatusClass::Any: break;
    case StatusClass::Success:
        if (e->outcome != O::Success)
            return false;
        break;
    case StatusClass::ClientError:
        if (e->outcome != O::ClientError)
            return false;
        break;
    case StatusClass::ServerError:
        if (e->outcome != O::ServerError)
            return false;
        break;
    case StatusClass::Problems:
        if (e->outcome != O::ClientError && e->outcome != O::ServerError && e->outcome != O::Failed)
            return false;
        break;
    case StatusClass::Failed:
        if (e->outcome != O::Failed && e->outcome != O::Cancelled)
            return false;
        break;
    case StatusClass::Pending:
        if (e->outcome != O::Pending)
            return false;
        break;
    }

    if (m_endpoint != ExchangeLogModel::Endpoint::Any && cache->endpoint != m_endpoint)
        return false;
    return m_text.isEmpty() || matchesText(*e, *cache);
}

bool ExchangeFilterModel::matchesText(const Exchange &e, const Cache &cache) const
{
    // The key holds path, operation, method, error text and outcome, lowercased once per
    // exchange, so the common case is one byte search and no allocation.
    if (m_matcher.foundIn(cache.searchKey))
        return true;
    if (e.status > 0) {
        char digits[16];
        const auto end = std::to_chars(digits, digits + sizeof digits, e.status).ptr;
        const qsizetype n = end - digits;
        if (m_textUtf8Lower.size() <= n && std::equal(m_textUtf8Lower.begin(), m_textUtf8Lower.end(), digits))
            return true;
    }
    return m_matcher.foundIn(e.responseBody) || m_matcher.foundIn(e.requestBody);
}

bool ExchangeFilterModel::lessThan(int leftSourceRow, int rightSourceRow) const
{
    const quint64 a = m_source->idAt(leftSourceRow);
    const quint64 b = m_source->idAt(rightSourceRow);
    int c = 0;
    if (!sortedByArrival()) {
        const auto [ea, ca] = m_source->entryAt(leftSourceRow);
        const auto [eb, cb] = m_source->entryAt(rightSourceRow);
        if (ea && eb)
            c = compareColumn(m_sortColumn, *ea, *ca, *eb, *cb);
    }
    // Ties fall back to the order of arrival so a sort is stable and predictable.
    if (c == 0)
        return sortedByArrival() && m_sortOrder == Qt::DescendingOrder ? a > b : a < b;
    return m_sortOrder == Qt::AscendingOrder ? c < 0 : c > 0;
}

void ExchangeFilterModel::sortIds(std::vector<quint64> &ids) const
{
    if (!m_source || ids.size() < 2)
        return;
    if (sortedByArrival()) {
        if (m_sortOrder == Qt::AscendingOrder)
            std::sort(ids.begin(), ids.end());
        else
            std::sort(ids.begin(), ids.end(), std::greater<>());
        return;
    }
    // Each exchange's key is looked up once, not once per comparison.
    // Each exchange's key is copied out once (a number, or a view of its text), so the
    // comparisons touch one contiguous array rather than the exchanges themselves.
    const bool ascending = m_sortOrder == Qt::AscendingOrder;
    auto sortBy = [&](auto keyOf) {
        using Key = decltype(keyOf(std::declval<const Exchange &>(), std::declval<const Cache &>()));
        std::vector<std::pair<Key, quint64>> keyed;
        keyed.reserve(ids.size());
        for (quint64 id : ids) {
            const auto [e, cache] = m_source->entryAt(sourceRowOf(id));
            keyed.emplace_back(e ? keyOf(*e, *cache) : Key{}, id);
        }
        std::sort(keyed.begin(), keyed.end(), [ascending](const auto &x, const auto &y) {
            const int c = threeWay(x.first, y.first);
            if (c == 0)
                return x.second < y.second;
            return ascending ? c < 0 : c > 0;
        });
        for (size_t i = 0; i < keyed.size(); ++i)
            ids[i] = keyed[i].second;
    };
    switch (m_sortColumn) {
    case ExchangeLogModel::MethodColumn:
        // The method's first 8 bytes as one big-endian number: the same order as the text for
        // every HTTP method, and no QLatin1String compare, whose inlined memcmp GCC 12 flags with
        // a false -Wstringop-overread under Debian's hardening flags (the package build).
        sortBy([](const Exchange &e, const Cache &) {
            quint64 key = 0;
            for (int i = 0; i < 8; ++i)
                key = (key << 8) | (i < e.method.size() ? quint64(uchar(e.method.at(i))) : 0u);
            return key;
        });
        break;
    case ExchangeLogModel::PathColumn: sortBy([](const Exchange &, const Cache &c) { return QStringView(c.path); }); break;
    case ExchangeLogModel::StatusColumn: sortBy([](const Exchange &e, const Cache &) { return qint64(e.status); }); break;
    case ExchangeLogModel::DurationColumn: sortBy([](const Exchange &e, const Cache &) { return e.durationMs; }); break;
    case ExchangeLogModel::SizeColumn: sortBy([](const Exchange &e, const Cache &) { return e.responseBytes; }); break;
    default: sortBy([](const Exchange &e, const Cache &) { return qint64(e.outcome); }); break;
    }
}

void ExchangeFilterModel::rebuild()
{
    std::vector<quint64> ids;
    if (m_source) {
        const int rows = m_source->rowCount();
        // A text search reads every body, bound by memory rather than arithmetic: a large log
        // is split with a pool thread. accepts() only reads, and nothing changes the log
        // while this (GUI) thread waits here.
        std::vector<char> accepted(size_t(rows), 0);
        auto pass = [this, &accepted](int from, int to) {
            for (int r = from; r < to; ++r)
                accepted[size_t(r)] = accepts(r);
        };
        const int half = rows / 2;
        if (rows >= 20000 && !m_text.isEmpty() && QThreadPool::globalInstance()->maxThreadCount() > 1) {
            QSemaphore done;
            QThreadPool::globalInstance()->start([&] {
                pass(half, rows);
                done.release();
            });
            pass(0, half);
            done.acquire();
        } else {
            pass(0, rows);
        }
        ids.reserve(size_t(rows));
        for (int r = 0; r < rows; ++r)
            if (accepted[size_t(r)])
                ids.push_back(m_source->idAt(r));
    }
    sortIds(ids);
    applyLayout(std::move(ids));
}

void ExchangeFilterModel::applyLayout(std::vector<quint64> ids)
{
    emit layoutAboutToBeChanged();
    const QModelIndexList from = persistentIndexList();
    std::vector<quint64> fromIds;
    fromIds.reserve(size_t(from.size()));
    for (const QModelIndex &index : from)
        fromIds.push_back(index.row() >= 0 && size_t(index.row()) < m_ids.size() ? m_ids[size_t(index.row())] : 0);
    m_ids = std::move(ids);
    rebuildPositions();
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i) {
        const int row = rowOf(fromIds[size_t(i)]);
        to.append(row < 0 ? QModelIndex() : createIndex(row, from[i].column()));
    }
    changePersistentIndexList(from, to);
    emit layoutChanged();
}

void ExchangeFilterModel::rebuildPositions()
{
    const int rows = m_source ? m_source->rowCount() : 0;
    m_positionBase = rows > 0 ? m_source->idAt(0) : 0;
    m_positions.assign(size_t(rows), -1);
    for (size_t i = 0; i < m_ids.size(); ++i) {
        const quint64 id = m_ids[i];
        if (id >= m_positionBase && id - m_positionBase < m_positions.size())
            m_positions[size_t(id - m_positionBase)] = int(i);
    }
}

void ExchangeFilterModel::onSourceRowsInserted(int first, int last)
{
    std::vector<quint64> added;
    for (int r = first; r <= last; ++r)
        if (accepts(r))
            added.push_back(m_source->idAt(r));
    if (added.empty()) {
        rebuildPositions();
        return;
    }
    if (sortedByArrival() && m_sortOrder == Qt::AscendingOrder) {
        const int n = int(m_ids.size());
        beginInsertRows({}, n, n + int(added.size()) - 1);
        m_ids.insert(m_ids.end(), added.begin(), added.end());
        rebuildPositions();
        endInsertRows();
    } else if (sortedByArrival()) {
        beginInsertRows({}, 0, int(added.size()) - 1);
        m_ids.insert(m_ids.begin(), added.rbegin(), added.rend());
        rebuildPositions();
        endInsertRows();
    } else {
        // New rows land in their sorted places: one merge, announced as one layout change.
        sortIds(added);
        std::vector<quint64> merged;
        merged.reserve(m_ids.size() + added.size());
        std::merge(m_ids.begin(), m_ids.end(), added.begin(), added.end(), std::back_inserter(merged),
                   [this](quint64 a, quint64 b) { return lessThan(sourceRowOf(a), sourceRowOf(b)); });
        applyLayout(std::move(merged));
    }
}

void ExchangeFilterModel::onSourceRowsRemoved()
{
    // The source only drops its oldest rows (or all of them).
    const quint64 firstKept = m_source && m_source->rowCount() > 0 ? m_source->idAt(0) : ~quint64(0);
    const auto gone = [firstKept](quint64 id) { return id < firstKept; };
    const auto count = std::count_if(m_ids.begin(), m_ids.end(), gone);
    if (count == 0) {
        rebuildPositions();
        return;
    }
    if (sortedByArrival() && m_sortOrder == Qt::AscendingOrder) {
        beginRemoveRows({}, 0, int(count) - 1);
        m_ids.erase(m_ids.begin(), m_ids.begin() + count);
        rebuildPositions();
        endRemoveRows();
    } else if (sortedByArrival()) {
        const int n = int(m_ids.size());
        beginRemoveRows({}, n - int(count), n - 1);
        m_ids.resize(size_t(n - count));
        rebuildPositions();
        endRemoveRows();
    } else {
        std::vector<quint64> kept;
        kept.reserve(m_ids.size() - size_t(count));
        std::copy_if(m_ids.begin(), m_ids.end(), std::back_inserter(kept), [&](quint64 id) { return !gone(id); });
        applyLayout(std::move(kept));
    }
}

void ExchangeFilterModel::onSourceDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &)
{
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        const quint64 id = m_source->idAt(r);
        const int row = rowOf(id);
        const bool accepted = accepts(r);
        if (row >= 0 && !accepted) {
            beginRemoveRows({}, row, row);
            m_ids.erase(m_ids.begin() + row);
            rebuildPositions();
            endRemoveRows();
        } else if (row < 0 && accepted) {
            const auto at = std::lower_bound(m_ids.begin(), m_ids.end(), id,
                                             [this](quint64 a, quint64 b) { return lessThan(sourceRowOf(a), sourceRowOf(b)); });
            const int newRow = int(at - m_ids.begin());
            beginInsertRows({}, newRow, newRow);
            m_ids.insert(at, id);
            rebuildPositions();
            endInsertRows();
        } else if (row >= 0) {
            const bool inPlace = (row == 0 || !lessThan(r, sourceRowOf(m_ids[size_t(row - 1)])))
                                 && (size_t(row + 1) == m_ids.size() || !lessThan(sourceRowOf(m_ids[size_t(row + 1)]), r));
            if (inPlace) {
                emit dataChanged(index(row, topLeft.column()), index(row, bottomRight.column()));
            } else {
                std::vector<quint64> ids = m_ids;
                ids.erase(ids.begin() + row);
                const auto at = std::lower_bound(ids.begin(), ids.end(), id,
                                                 [this](quint64 a, quint64 b) { return lessThan(sourceRowOf(a), sourceRowOf(b)); });
                ids.insert(at, id);
                applyLayout(std::move(ids));
            }
        }
    }
}

QModelIndex ExchangeFilterModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!m_source || !proxyIndex.isValid() || size_t(proxyIndex.row()) >= m_ids.size())
        return {};
    const int sourceRow = sourceRowOf(m_ids[size_t(proxyIndex.row())]);
    return sourceRow < 0 ? QModelIndex() : m_source->index(sourceRow, proxyIndex.column());
}

QModelIndex ExchangeFilterModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!m_source || !sourceIndex.isValid() || sourceIndex.model() != m_source)
        return {};
    const int row = rowOf(m_source->idAt(sourceIndex.row()));
    return row < 0 ? QModelIndex() : createIndex(row, sourceIndex.column());
}

QModelIndex ExchangeFilterModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || size_t(row) >= m_ids.size() || column < 0 || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex ExchangeFilterModel::parent(const QModelIndex &) const
{
    return {};
}

int ExchangeFilterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

int ExchangeFilterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_source ? 0 : m_source->columnCount();
}

bool ExchangeFilterModel::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_ids.empty() && columnCount() > 0;
}

QModelIndex ExchangeFilterModel::sibling(int row, int column, const QModelIndex &) const
{
    return index(row, column);
}

QVariant ExchangeFilterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_source || orientation != Qt::Horizontal)
        return {};
    return m_source->headerData(section, orientation, role);
}

} // namespace plainkey::gui
