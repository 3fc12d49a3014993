#include "gui/log/exchangelogmodel.h"

#include "core/log/endpoint.h"
#include "core/log/exchangelog.h"
#include "gui/theme/theme.h"

#include <QGuiApplication>
#include <QLocale>
#include <QTimer>
#include <QUrl>

#include <utility>

namespace plainkey::gui {

namespace {

Theme::Tone toneOf(Exchange::Outcome outcome)
{
    switch (outcome) {
    case Exchange::Outcome::Success: return Theme::Tone::Success;
    case Exchange::Outcome::Redirect: return Theme::Tone::Info;
    case Exchange::Outcome::ClientError: return Theme::Tone::Warning;
    case Exchange::Outcome::ServerError:
    case Exchange::Outcome::Failed: return Theme::Tone::Error;
    case Exchange::Outcome::Pending:
    case Exchange::Outcome::Cancelled: return Theme::Tone::Muted;
    }
    return Theme::Tone::Muted;
}

} // namespace

ExchangeLogModel::ExchangeLogModel(ExchangeLog *log, QObject *parent)
    : QAbstractTableModel(parent), m_log(log), m_flushTimer(new QTimer(this))
{
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(batchInterval);
    connect(m_flushTimer, &QTimer::timeout, this, &ExchangeLogModel::flush);
    if (m_log) {
        for (int i = 0; i < m_log->size(); ++i)
            m_cache.push_back(cacheFor(m_log->at(i)));
        m_rows = m_log->size();
        m_firstId = m_rows > 0 ? m_log->at(0).id : 0;
        connectLog();
    }
}

ExchangeLogModel::~ExchangeLogModel() = default;

void ExchangeLogModel::connectLog()
{
    connect(m_log, &ExchangeLog::exchangeAppended, this, [this](int index) {
        m_cache.push_back(cacheFor(m_log->at(index)));
        scheduleFlush();
    });
    connect(m_log, &ExchangeLog::exchangeChanged, this, [this](int index) {
        if (index < int(m_cache.size()))
            m_cache[size_t(index)] = cacheFor(m_log->at(index));
        const quint64 id = m_log->at(index).id;
        if (m_rows > 0 && id >= m_firstId && id < m_firstId + quint64(m_rows)) {
            const int row = int(id - m_firstId);
            emit dataChanged(this->index(row, 0), this->index(row, ColumnCount - 1));
        }
    });
    connect(m_log, &ExchangeLog::exchangesTrimmed, this, [this](int count) {
        m_cache.erase(m_cache.begin(), m_cache.begin() + std::min<size_t>(size_t(count), m_cache.size()));
        scheduleFlush();
    });
    connect(m_log, &ExchangeLog::aboutToBeCleared, this, [this] {
        m_flushTimer->stop();
        beginResetModel();
    });
    connect(m_log, &ExchangeLog::cleared, this, [this] {
        // The cached keys are freed with the exchanges, in the log's slices between events.
        m_log->release()->release(std::exchange(m_cache, {}));
        m_rows = 0;
        m_firstId = 0;
        endResetModel();
    });
    // The log going away (its client closed) empties the table rather than leaving dangling rows.
    connect(m_log, &QObject::destroyed, this, [this] {
        m_flushTimer->stop();
        beginResetModel();
        m_cache.clear();
        m_rows = 0;
        m_firstId = 0;
        endResetModel();
    });
}

void ExchangeLogModel::scheduleFlush()
{
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void ExchangeLogModel::flush()
{
    m_flushTimer->stop();
    if (!m_log)
        return;
    const int logSize = m_log->size();
    if (logSize == 0) {
        if (m_rows > 0) {
            beginRemoveRows({}, 0, m_rows - 1);
            m_rows = 0;
            endRemoveRows();
        }
        return;
    }
    const quint64 logFirst = m_log->at(0).id;
    const quint64 logEnd = logFirst + quint64(logSize);
    if (m_rows == 0)
        m_firstId = logFirst;
    // Rows whose exchanges the log has dropped leave from the top, in one move.
    if (logFirst > m_firstId) {
        const int gone = int(std::min<quint64>(logFirst - m_firstId, quint64(m_rows)));
        if (gone > 0) {
            beginRemoveRows({}, 0, gone - 1);
            m_rows -= gone;
            m_firstId += quint64(gone);
            endRemoveRows();
        }
        if (m_rows == 0)
            m_firstId = logFirst;
    }
    const quint64 shownEnd = m_firstId + quint64(m_rows);
    if (logEnd > shownEnd) {
        const int added = int(logEnd - shownEnd);
        beginInsertRows({}, m_rows, m_rows + added - 1);
        m_rows += added;
        endInsertRows();
    }
}

int ExchangeLogModel::logIndex(int row) const
{
    if (!m_log || row < 0 || row >= m_rows)
        return -1;
    const int index = m_log->indexOf(m_firstId + quint64(row));
    return index < int(m_cache.size()) ? index : -1;
}

ExchangeLogModel::RowCache ExchangeLogModel::cacheFor(const Exchange &exchange)
{
    RowCache c;
    c.path = exchange.path();
    c.endpoint = endpointOf(c.path);
    const QChar separator(0x1f);
    c.searchKey = (c.path + separator + exchange.operation + separator + QString::fromLatin1(exchange.method) + separator
                   + exchange.errorText + separator + Exchange::outcomeName(exchange.outcome))
                          .toLower()
                          .toUtf8();
    return c;
}

std::pair<const Exchange *, const ExchangeLogModel::RowCache *> ExchangeLogModel::entryAt(int row) const
{
    const int index = logIndex(row);
    if (index < 0)
        return {nullptr, nullptr};
    return {&m_log->at(index), &m_cache[size_t(index)]};
}

const Exchange *ExchangeLogModel::exchangeAt(int row) const
{
    const int index = logIndex(row);
    return index < 0 ? nullptr : &m_log->at(index);
}

int ExchangeLogModel::rowOf(quint64 id) const
{
    if (m_rows == 0 || id < m_firstId || id >= m_firstId + quint64(m_rows) || !m_log || m_log->indexOf(id) < 0)
        return -1;
    return int(id - m_firstId);
}

QString ExchangeLogModel::pathAt(int row) const
{
    const int index = logIndex(row);
    return index < 0 ? QString() : m_cache[size_t(index)].path;
}

ExchangeLogModel::Endpoint ExchangeLogModel::endpointAt(int row) const
{
    const int index = logIndex(row);
    return index < 0 ? Endpoint::Other : m_cache[size_t(index)].endpoint;
}

ExchangeLogModel::Endpoint ExchangeLogModel::endpointOf(const QString &pathAndQuery)
{
    switch (plainkey::Endpoint::areaOf(pathAndQuery)) {
    case plainkey::Endpoint::Area::AccessToken: return Endpoint::AccessToken;
    case plainkey::Endpoint::Area::Verify: return Endpoint::Verify;
    case plainkey::Endpoint::Area::Users: return Endpoint::Users;
    case plainkey::Endpoint::Area::Passkeys: return Endpoint::Passkeys;
    case plainkey::Endpoint::Area::Emulator: return Endpoint::Emulator;
    case plainkey::Endpoint::Area::Other: break;
    }
    return Endpoint::Other;
}

QString ExchangeLogModel::endpointName(Endpoint endpoint)
{
    switch (endpoint) {
    case Endpoint::Any: return tr("All endpoints");
    case Endpoint::AccessToken: return tr("Access token");
    case Endpoint::Verify: return tr("Verify");
    case Endpoint::Users: return tr("Users");
    case Endpoint::Passkeys: return tr("Passkeys");
    case Endpoint::Emulator: return tr("Emulator");
    case Endpoint::Other: return tr("Other");
    }
    return {};
}

QString ExchangeLogModel::formatDuration(qint64 ms)
{
    if (ms < 0)
        return QString();
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    return tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', ms < 10000 ? 2 : 1);
}

QString ExchangeLogModel::formatSize(qint64 bytes)
{
    if (bytes < 1024)
        return tr("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return tr("%1 KB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    return tr("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

int ExchangeLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int ExchangeLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ExchangeLogModel::data(const QModelIndex &index, int role) const
{
    const Exchange *e = index.isValid() ? exchangeAt(index.row()) : nullptr;
    if (!e)
        return {};
    const bool pending = e->outcome == Exchange::Outcome::Pending;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: return e->startedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
        case MethodColumn: return QString::fromLatin1(e->method);
        case PathColumn: return pathAt(index.row());
        case StatusColumn:
            if (pending)
                return tr("\u2026");
            return e->status > 0 ? QString::number(e->status) : QStringLiteral("\u2014");
        case DurationColumn: return pending ? tr("\u2026") : formatDuration(e->durationMs);
        case SizeColumn: return pending || e->status == 0 ? QString() : formatSize(e->responseBytes);
        case OutcomeColumn: return Exchange::outcomeName(e->outcome);
        }
        return {};
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1 \u2014 %2\n%3 %4")
                              .arg(e->startedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")), e->operation,
                                   QString::fromLatin1(e->method), e->url);
        if (e->status > 0)
            tip += QStringLiteral("\n%1 %2").arg(e->status).arg(QString::fromLatin1(e->reasonPhrase));
        if (!e->errorText.isEmpty())
            tip += QLatin1Char('\n') + e->errorText;
        return tip;
    }
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn || index.column() == OutcomeColumn)
            return Theme::color(toneOf(e->outcome), QGuiApplication::palette());
        return {};
    case Qt::BackgroundRole:
        switch (e->outcome) {
        case Exchange::Outcome::ClientError:
        case Exchange::Outcome::ServerError:
        case Exchange::Outcome::Failed:
        case Exchange::Outcome::Cancelled: return Theme::tint(toneOf(e->outcome), QGuiApplication::palette());
        default: return {};
        }
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case StatusColumn:
        case DurationColumn:
        case SizeColumn: return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default: return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case ExchangeIdRole: return QVariant::fromValue(e->id);
    case OutcomeRole: return int(e->outcome);
    case EndpointRole: return int(endpointAt(index.row()));
    case SortRole:
        switch (index.column()) {
        case TimeColumn: return QVariant::fromValue(e->id);
        case MethodColumn: return QString::fromLatin1(e->method);
        case PathColumn: return pathAt(index.row());
        case StatusColumn: return e->status;
        case DurationColumn: return e->durationMs;
        case SizeColumn: return e->responseBytes;
        case OutcomeColumn: return int(e->outcome);
        }
        return {};
    }
    return {};
}

QVariant ExchangeLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case TimeColumn: return tr("Time");
        case MethodColumn: return tr("Method");
        case PathColumn: return tr("Path");
        case StatusColumn: return tr("Status");
        case DurationColumn: return tr("Duration");
        case SizeColumn: return tr("Size");
        case OutcomeColumn: return tr("Outcome");
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (section == StatusColumn || section == DurationColumn || section == SizeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    }
    return {};
}

} // namespace plainkey::gui
