#pragma once

#include "core/users/userimportlist.h"

#include <QAbstractTableModel>
#include <QList>

namespace plainkey::gui {

//! The rows of a bulk import: line, user name, status, and the user ID or the reason.
class ImportRowModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Line, UserName, Status, Result, ColumnCount };
    enum Role {
        StatusRole = Qt::UserRole + 1, //!< int: ImportRow::Status
        SortRole,
    };

    explicit ImportRowModel(QObject *parent = nullptr);

    void setRows(const QList<ImportRow> &rows);
    //! Copies rows \a first to \a last from \a rows (same length as the model's).
    void updateRows(const QList<ImportRow> &rows, int first, int last);
    const QList<ImportRow> &rows() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<ImportRow> m_rows;
};

} // namespace plainkey::gui
