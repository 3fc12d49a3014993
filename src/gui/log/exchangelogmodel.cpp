#include "log/exchangelogmodel.h"

#include "log/exchangelog.h"
#include "theme/theme.h"

#include <QGuiApplication>
#include <QLocale>
#include <QUrl>

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

ExchangeLogModel::ExchangeLogModel(ExchangeLog *log, QObject *parent) : QAbstractTableModel(parent), m_log(log)
{
    if (m_log) {
        for (int i = 0; i < m_log->size(); ++i)
            m_cache.push_back(cacheFor(m_log->at(i)));
        connectLog();
    }
}

ExchangeLogModel::~ExchangeLogModel() = default;

void ExchangeLogModel::connectLog()
{
    connect(m_log, &ExchangeLog::exchangeAboutToBeAppended, this, [this](int index) {
        beginInsertRows({}, index, index);
    });
    connect(m_log, &ExchangeLog::exchangeAppended, this, [this](int index) {
        m_cache.push_back(cacheFor(m_log->at(index)));
        endInsertRows();
    });
    connect(m_log, &ExchangeLog::exchangeChanged, this, [this](int index) {
        emit dataChanged(this->index(index, 0), this->index(index, ColumnCount - 1));
    });
    connect(m_log, &ExchangeLog::exchangesAboutToBeTrimmed, this, [this](int count) {
        beginRemoveRows({}, 0, count - 1);
    });
    connect(m_log, &ExchangeLog::exchangesTrimmed, this, [this](int count) {
        m_cache.erase(m_cache.begin(), m_cache.begin() + std::min<size_t>(size_t(count), m_cache.size()));
        endRemoveRows();
    });
    connect(m_log, &ExchangeLog::aboutToBeCleared, this, [this] { beginResetModel(); });
    connect(m_log, &ExchangeLog::cleared, this, [this] {
        m_cache.clear();
        endResetModel();
    });
    // The log going away (its client closed) empties the table rather than leaving dangling rows.
    connect(m_log, &QObject::destroyed, this, [this] {
        beginResetModel();
        m_cache.clear();
        endResetModel();
    });
}

ExchangeLogModel::RowCache ExchangeLogModel::cacheFor(const Exchange &exchange)
{
    RowCache c;
    c.path = exchange.path();
    c.endpoint = endpointOf(c.path);
    return c;
}

const Exchange *ExchangeLogModel::exchangeAt(int row) const
{
    if (!m_log || row < 0 || row >= int(m_cache.size()) || row >= m_log->size())
        return nullptr;
    return &m_log->at(row);
}

int ExchangeLogModel::rowOf(quint64 id) const
{
    if (!m_log)
        return -1;
    const int row = m_log->indexOf(id);
    return row < int(m_cache.size()) ? row : -1;
}

QString ExchangeLogModel::pathAt(int row) const
{
    return row >= 0 && row < int(m_cache.size()) ? m_cache[size_t(row)].path : QString();
}

ExchangeLogModel::Endpoint ExchangeLogModel::endpointAt(int row) const
{
    return row >= 0 && row < int(m_cache.size()) ? m_cache[size_t(row)].endpoint : Endpoint::Other;
}

ExchangeLogModel::Endpoint ExchangeLogModel::endpointOf(const QString &pathAndQuery)
{
    const QStringView path = QStringView(pathAndQuery).left(pathAndQuery.indexOf(QLatin1Char('?')));
    if (path.contains(QLatin1String("/emulator/")) || path.endsWith(QLatin1String("/emulator")))
        return Endpoint::Emulator;
    if (path.endsWith(QLatin1String("/access-token")))
        return Endpoint::AccessToken;
    if (path.contains(QLatin1String("/authentication-token/")))
        return Endpoint::Verify;
    // /user/{id}/credentials and /user/credential/begin are passkey operations on a user.
    if (path.contains(QLatin1String("/credential")))
        return Endpoint::Passkeys;
    if (path.contains(QLatin1String("/user")))
        return Endpoint::Users;
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
    case Endpoint::Emulator: return tr("Emulator (demo)");
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
    return parent.isValid() ? 0 : int(m_cache.size());
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
        case TimeColumn: return e->startedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case MethodColumn: return QString::fromLatin1(e->method);
        case PathColumn: return m_cache[size_t(index.row())].path;
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
        QString tip = QStringLiteral("%1\n%2 %3").arg(e->operation, QString::fromLatin1(e->method), e->url);
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
    case EndpointRole: return int(m_cache[size_t(index.row())].endpoint);
    case SortRole:
        switch (index.column()) {
        case TimeColumn: return QVariant::fromValue(e->id);
        case MethodColumn: return QString::fromLatin1(e->method);
        case PathColumn: return m_cache[size_t(index.row())].path;
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
