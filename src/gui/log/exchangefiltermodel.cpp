#include "log/exchangefiltermodel.h"

#include <algorithm>
#include <cctype>

namespace plainkey::gui {

namespace {

// Case-insensitive ASCII search: bodies are bytes and converting each to QString would
// make filtering a full log slow.
bool containsFolded(const QByteArray &haystack, const QByteArray &lowerNeedle)
{
    if (lowerNeedle.isEmpty())
        return true;
    const auto it = std::search(haystack.begin(), haystack.end(), lowerNeedle.begin(), lowerNeedle.end(),
                                [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    return it != haystack.end();
}

} // namespace

ExchangeFilterModel::ExchangeFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ExchangeLogModel::SortRole);
    setDynamicSortFilter(true);
}

void ExchangeFilterModel::setSourceModel(QAbstractItemModel *model)
{
    m_source = qobject_cast<ExchangeLogModel *>(model);
    QSortFilterProxyModel::setSourceModel(model);
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

const Exchange *ExchangeFilterModel::exchangeAt(int row) const
{
    if (!m_source || row < 0 || row >= rowCount())
        return nullptr;
    return m_source->exchangeAt(mapToSource(index(row, 0)).row());
}

int ExchangeFilterModel::rowOf(quint64 id) const
{
    if (!m_source)
        return -1;
    const int sourceRow = m_source->rowOf(id);
    if (sourceRow < 0)
        return -1;
    const QModelIndex proxy = mapFromSource(m_source->index(sourceRow, 0));
    return proxy.isValid() ? proxy.row() : -1;
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
    refilter();
}

void ExchangeFilterModel::setStatusClass(StatusClass statusClass)
{
    if (statusClass == m_status)
        return;
    m_status = statusClass;
    refilter();
}

void ExchangeFilterModel::setEndpoint(ExchangeLogModel::Endpoint endpoint)
{
    if (endpoint == m_endpoint)
        return;
    m_endpoint = endpoint;
    refilter();
}

void ExchangeFilterModel::refilter()
{
    // invalidateFilter() removes and inserts every run of rows that changed: on a large log
    // with interleaved matches that is tens of thousands of separate row ranges, each costing
    // O(rows). Dropping the mapping and announcing a layout change costs one pass.
    invalidate();
}

bool ExchangeFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || !m_source)
        return false;
    const Exchange *e = m_source->exchangeAt(sourceRow);
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

    if (m_endpoint != ExchangeLogModel::Endpoint::Any && m_source->endpointAt(sourceRow) != m_endpoint)
        return false;
    return m_text.isEmpty() || matchesText(sourceRow, *e);
}

bool ExchangeFilterModel::matchesText(int sourceRow, const Exchange &e) const
{
    const auto cs = Qt::CaseInsensitive;
    if (m_source->pathAt(sourceRow).contains(m_text, cs) || e.operation.contains(m_text, cs)
        || e.errorText.contains(m_text, cs) || Exchange::outcomeName(e.outcome).contains(m_text, cs))
        return true;
    if (containsFolded(e.method, m_textUtf8Lower))
        return true;
    if (e.status > 0 && QString::number(e.status).startsWith(m_text))
        return true;
    return containsFolded(e.responseBody, m_textUtf8Lower) || containsFolded(e.requestBody, m_textUtf8Lower);
}

bool ExchangeFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const Exchange *a = m_source ? m_source->exchangeAt(left.row()) : nullptr;
    const Exchange *b = m_source ? m_source->exchangeAt(right.row()) : nullptr;
    if (!a || !b)
        return QSortFilterProxyModel::lessThan(left, right);
    // Ties fall back to the order of arrival so a sort is stable and predictable.
    auto byId = [a, b] { return a->id < b->id; };
    switch (left.column()) {
    case ExchangeLogModel::TimeColumn: return a->id < b->id;
    case ExchangeLogModel::MethodColumn: return a->method == b->method ? byId() : a->method < b->method;
    case ExchangeLogModel::PathColumn: {
        const int c = QString::compare(m_source->pathAt(left.row()), m_source->pathAt(right.row()));
        return c == 0 ? byId() : c < 0;
    }
    case ExchangeLogModel::StatusColumn: return a->status == b->status ? byId() : a->status < b->status;
    case ExchangeLogModel::DurationColumn: return a->durationMs == b->durationMs ? byId() : a->durationMs < b->durationMs;
    case ExchangeLogModel::SizeColumn: return a->responseBytes == b->responseBytes ? byId() : a->responseBytes < b->responseBytes;
    case ExchangeLogModel::OutcomeColumn: return a->outcome == b->outcome ? byId() : int(a->outcome) < int(b->outcome);
    }
    return byId();
}

} // namespace plainkey::gui
