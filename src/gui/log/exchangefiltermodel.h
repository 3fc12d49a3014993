#pragma once

#include "log/exchangelogmodel.h"

#include <QSortFilterProxyModel>

namespace plainkey::gui {

//! Filters and sorts the exchange log: by text (path, method, operation, status, error and
//! bodies), by status class and by endpoint. Reads exchanges directly, so filtering 100,000
//! rows takes milliseconds, not seconds.
class ExchangeFilterModel : public QSortFilterProxyModel
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

public slots:
    void setText(const QString &text);
    void setStatusClass(plainkey::gui::ExchangeFilterModel::StatusClass statusClass);
    void setEndpoint(plainkey::gui::ExchangeLogModel::Endpoint endpoint);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void refilter();
    bool matchesText(int sourceRow, const Exchange &exchange) const;

    ExchangeLogModel *m_source = nullptr;
    QString m_text;
    QByteArray m_textUtf8Lower;
    StatusClass m_status = StatusClass::Any;
    ExchangeLogModel::Endpoint m_endpoint = ExchangeLogModel::Endpoint::Any;
};

} // namespace plainkey::gui
