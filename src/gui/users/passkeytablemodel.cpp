#include "gui/users/passkeytablemodel.h"

#include "core/users/aaguidcatalog.h"

#include <QTimer>

#include <limits>

namespace plainkey::gui {

namespace {

QString timeCell(const PasskeyTime &t, const QDateTime &now)
{
    if (!t.isSet())
        return PasskeyTableModel::tr("never");
    const QString relative = t.relativeText(now);
    return relative.isEmpty() ? t.absoluteText() : QStringLiteral("%1 \u2014 %2").arg(relative, t.absoluteText());
}

QVariant timeSortKey(const PasskeyTime &t)
{
    // Never-used sorts before any date.
    if (!t.isSet())
        return qint64(std::numeric_limits<qint64>::min());
    if (t.when && t.when->utc.isValid())
        return t.when->utc.toMSecsSinceEpoch();
    return qint64(std::numeric_limits<qint64>::min() + 1);
}

} // namespace

PasskeyTableModel::PasskeyTableModel(QObject *parent) : QAbstractTableModel(parent), m_refresh(new QTimer(this))
{
    m_refresh->setInterval(60 * 1000);
    m_refresh->setTimerType(Qt::VeryCoarseTimer);
    connect(m_refresh, &QTimer::timeout, this, &PasskeyTableModel::refreshTimes);
    m_refresh->start();
}

void PasskeyTableModel::setPasskeys(const QList<Passkey> &passkeys)
{
    beginResetModel();
    m_passkeys = passkeys;
    endResetModel();
}

int PasskeyTableModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_passkeys.size(); ++i) {
        if (m_passkeys.at(i).id == id)
            return i;
    }
    return -1;
}

const Passkey *PasskeyTableModel::passkeyAt(int row) const
{
    return row >= 0 && row < m_passkeys.size() ? &m_passkeys.at(row) : nullptr;
}

void PasskeyTableModel::setLabel(const QString &id, const std::optional<QString> &label)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_passkeys[row].label = label;
    emit dataChanged(index(row, Label), index(row, Label));
}

void PasskeyTableModel::remove(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_passkeys.removeAt(row);
    endRemoveRows();
}

void PasskeyTableModel::setNow(const QDateTime &now)
{
    m_fixedNow = now;
    refreshTimes();
}

QDateTime PasskeyTableModel::now() const
{
    return m_fixedNow.isValid() ? m_fixedNow : QDateTime::currentDateTimeUtc();
}

void PasskeyTableModel::refreshTimes()
{
    if (m_passkeys.isEmpty())
        return;
    emit dataChanged(index(0, Created), index(int(m_passkeys.size()) - 1, LastUsed), {Qt::DisplayRole});
}

int PasskeyTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_passkeys.size());
}

int PasskeyTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PasskeyTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Passkey &p = m_passkeys.at(index.row());
    if (role == PasskeyIdRole)
        return p.id;
    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (index.column()) {
        case Label:
            return p.labelText();
        case Authenticator:
            return AaguidCatalog::instance().describe(p.aaguid);
        case DeviceType:
            return p.credentialDeviceType ? p.deviceTypeText() : tr("unknown");
        case BackedUp:
            return p.backedUpText();
        case Transports:
            return p.transportsText();
        case Created:
            return sort ? timeSortKey(p.createdAt) : QVariant(timeCell(p.createdAt, now()));
        case LastUsed:
            return sort ? timeSortKey(p.lastUsedAt) : QVariant(timeCell(p.lastUsedAt, now()));
        case Counter:
            if (sort)
                return p.counter ? *p.counter : qint64(-1);
            return p.counter ? QString::number(*p.counter) : tr("unknown");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Label:
            return tr("Passkey ID %1").arg(p.id);
        case Authenticator:
            return p.aaguid ? tr("AAGUID %1%2").arg(*p.aaguid, p.authenticatorType ? tr(", type %1").arg(*p.authenticatorType) : QString())
                            : tr("PlainKey reported no AAGUID");
        case DeviceType:
            return tr("multiDevice passkeys sync between a person's devices; singleDevice ones live on one authenticator");
        case Created:
            return p.createdAt.raw;
        case LastUsed:
            return p.lastUsedAt.isSet() ? p.lastUsedAt.raw : tr("PlainKey has no record of a sign-in with this passkey");
        case Counter:
            return tr("Signature counter: many synced passkeys always report 0");
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() == Counter)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant PasskeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Label: return tr("Label");
    case Authenticator: return tr("Authenticator");
    case DeviceType: return tr("Device type");
    case BackedUp: return tr("Backed up");
    case Transports: return tr("Transports");
    case Created: return tr("Created");
    case LastUsed: return tr("Last used");
    case Counter: return tr("Counter");
    }
    return {};
}

} // namespace plainkey::gui
