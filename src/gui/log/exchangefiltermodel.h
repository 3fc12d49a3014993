#pragma once

#include "gui/log/exchangelogmodel.h"

#include <QAbstractProxyModel>

#include <array>
#include <vector>

namespace plainkey::gui {

//! Filters and sorts the exchange log: by text (path, method, operation, status, error and
//! bodies), by status class and by endpoint. A proxy of its own rather than a
//! QSortFilterProxyModel: it keeps one exchange ID per shown row and sorts on keys read
//! straight from the exchanges, so filtering, clearing a filter and sorting 100,000 rows
//! stay within tens of milliseconds, and appends in time order are plain row inserts.
class ExchangeFilterModel : public QAbstractProxyModel
{
    Q_OBJECT
public:
    enum class StatusClass { Any, Success, ClientError, ServerError, Problems, Failed, Pending };
    Q_ENUM(StatusClass)

    explicit ExchangeFilterModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *model) override;
    ExchangeLogModel *logModel() const { return m_source; }

    QString text() const { return m_text; }
    StatusClass statusClass() const { return m_status; }
    ExchangeLogModel::Endpoint endpoint() const { return m_endpoint; }
    static QString statusClassName(StatusClass statusClass);

    //! The exchange shown in proxy \a row, or null.
    const Exchange *exchangeAt(int row) const;
    //! The proxy row showing exchange \a id, or -1 when filtered out or gone.
    int rowOf(quint64 id) const;

    //! True when any filter is set.
    bool isFiltering() const;

    //! The sorted column (-1: arrival order) and its order.
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

public slots:
    void setText(const QString &text);
    void setStatusClass(plainkey::gui::ExchangeFilterModel::StatusClass statusClass);
    void setEndpoint(plainkey::gui::ExchangeLogModel::Endpoint endpoint);

private:
    struct TextMatcher
    {
        QByteArray needle; //!< lowercased UTF-8
        std::array<qsizetype, 256> skip{};
        void setNeedle(const QByteArray &lowerNeedle);
        //! Whether the needle occurs in \a haystack, ASCII letters in either case.
        bool foundIn(const QByteArray &haystack) const;
    };

    //! Whether the row's exchange passes every filter.
    bool accepts(int sourceRow) const;
    bool matchesText(const Exchange &exchange, const ExchangeLogModel::RowCache &cache) const;
    //! Strict weak order of two shown exchanges (by source row) for the current sort.
    bool lessThan(int leftSourceRow, int rightSourceRow) const;
    //! True when the sort is arrival order, so new rows land at one end.
    bool sortedByArrival() const { return m_sortColumn <= ExchangeLogModel::TimeColumn; }
    void sortIds(std::vector<quint64> &ids) const;
    //! Recomputes every row (filter and sort) as one layout change that keeps selections.
    void rebuild();
    //! Replaces the rows with \a ids as one layout change, moving persistent indexes along.
    void applyLayout(std::vector<quint64> ids);
    void rebuildPositions();
    int sourceRowOf(quint64 id) const;

    void onSourceRowsInserted(int first, int last);
    void onSourceRowsRemoved();
    void onSourceDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);

    ExchangeLogModel *m_source = nullptr;
    QList<QMetaObject::Connection> m_connections;
    //! The exchange shown in each row, in display order.
    std::vector<quint64> m_ids;
    //! Row of exchange m_positionBase + i, or -1 when filtered out.
    std::vector<int> m_positions;
    quint64 m_positionBase = 0;

    QString m_text;
    QByteArray m_textUtf8Lower;
    TextMatcher m_matcher;
    StatusClass m_status = StatusClass::Any;
    ExchangeLogModel::Endpoint m_endpoint = ExchangeLogModel::Endpoint::Any;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace plainkey::gui
