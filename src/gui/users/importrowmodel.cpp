#include "gui/users/importrowmodel.h"

#include "gui/theme/theme.h"

#include <QBrush>
#include <QGuiApplication>

namespace plainkey::gui {

ImportRowModel::ImportRowModel(QObject *parent) : QAbstractTableModel(parent) {}

void ImportRowModel::setRows(const QList<ImportRow> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

void ImportRowModel::updateRows(const QList<ImportRow> &rows, int first, int last)
{
    if (rows.size() != m_rows.size() || first < 0 || last >= m_rows.size() || first > last)
        return;
    for (int i = first; i <= last; ++i)
        m_rows[i] = rows.at(i);
    emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

int ImportRowModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ImportRowModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ImportRowModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ImportRow &r = m_rows.at(index.row());
    if (role == StatusRole)
        return int(r.status);
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case Line:
            return role == SortRole ? QVariant(r.line) : QVariant(QString::number(r.line));
        case UserName:
            return r.userName;
        case Status:
            switch (r.status) {
            case ImportRow::Status::Pending: return tr("to send");
            case ImportRow::Status::Created: return tr("created");
            case ImportRow::Status::Failed: return tr("failed");
            case ImportRow::Status::Invalid: return tr("not sent");
            case ImportRow::Status::Uncertain: return tr("uncertain");
            }
            return {};
        case Result:
            return r.status == ImportRow::Status::Created ? r.userId : r.message;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Result)
        return r.message.isEmpty() ? QVariant() : QVariant(r.message);
    if (role == Qt::ForegroundRole && index.column() == Status) {
        switch (r.status) {
        // The theme's colours, readable on the light and the dark palette alike.
        case ImportRow::Status::Created: return QBrush(Theme::color(Theme::Tone::Success, QGuiApplication::palette()));
        case ImportRow::Status::Failed:
        case ImportRow::Status::Invalid: return QBrush(Theme::color(Theme::Tone::Error, QGuiApplication::palette()));
        case ImportRow::Status::Uncertain: return QBrush(Theme::color(Theme::Tone::Warning, QGuiApplication::palette()));
        case ImportRow::Status::Pending: return {};
        }
    }
    return {};
}

QVariant ImportRowModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Line: return tr("Line");
    case UserName: return tr("User name");
    case Status: return tr("Status");
    case Result: return tr("User ID or reason");
    }
    return {};
}

} // namespace plainkey::gui
