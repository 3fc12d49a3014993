#pragma once

#include "core/log/exchange.h"
#include "core/log/exchangelog.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <deque>

class QTimer;

namespace plainkey::gui {

//! The exchange log as a table: one row per request, oldest first. Reads the log; never
//! changes it. Appends and trims reach the view in batches (every batchInterval, or on
//! flush()), so a full log of 100,000 rows costs one row move per batch rather than one per
//! exchange; updates of rows already shown and clears are passed on at once.
class ExchangeLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, MethodColumn, PathColumn, StatusColumn, DurationColumn, SizeColumn, OutcomeColumn, ColumnCount };
    //! Which Server API area a request belongs to, for the log's endpoint filter.
    enum class Endpoint { Any, AccessToken, Verify, Users, Passkeys, Emulator, Other };
    Q_ENUM(Endpoint)
    enum Role {
        ExchangeIdRole = Qt::UserRole + 1, //!< quint64
        OutcomeRole,                       //!< int(Exchange::Outcome)
        EndpointRole,                      //!< int(Endpoint)
        SortRole,                          //!< a value that sorts the column cheaply
    };

    explicit ExchangeLogModel(ExchangeLog *log, QObject *parent = nullptr);
    ~ExchangeLogModel() override;

    //! How long appends and trims may wait before the view hears of them.
    static constexpr int batchInterval = 50;

    ExchangeLog *log() const { return m_log; }
    //! Shows every append and trim of the log now.
    void flush();
    //! The exchange shown in \a row, or null when out of range.
    const Exchange *exchangeAt(int row) const;
    //! The row showing exchange \a id, or -1.
    int rowOf(quint64 id) const;
    //! The exchange's path without host (cached: the filter reads it often).
    QString pathAt(int row) const;
    Endpoint endpointAt(int row) const;
    //! The ID of the exchange in \a row (rows are consecutive IDs), or 0 when out of range.
    quint64 idAt(int row) const { return row >= 0 && row < m_rows ? m_firstId + quint64(row) : 0; }

    //! What the filter and the sort read of one exchange, computed once per append or update.
    struct RowCache
    {
        QString path;
        //! Path, operation, method, error text and outcome, lowercased UTF-8, separated by \x1f.
        QByteArray searchKey;
        Endpoint endpoint = Endpoint::Other;
    };
    //! The exchange shown in \a row and its cached keys, or {nullptr, nullptr}.
    std::pair<const Exchange *, const RowCache *> entryAt(int row) const;

    static Endpoint endpointOf(const QString &path);
    static QString endpointName(Endpoint endpoint);
    //! "12 ms", "3.04 s"
    static QString formatDuration(qint64 ms);
    //! "812 B", "4.2 KB", "1.3 MB"
    static QString formatSize(qint64 bytes);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void connectLog();
    void scheduleFlush();
    //! The log index of model row \a row, or -1 when that exchange has left the log.
    int logIndex(int row) const;
    static RowCache cacheFor(const Exchange &exchange);

    QPointer<ExchangeLog> m_log;
    //! Parallel to the log (always in step with it), whatever the view has been told.
    std::deque<RowCache> m_cache;
    //! The rows the view knows: exchanges m_firstId .. m_firstId + m_rows - 1.
    quint64 m_firstId = 0;
    int m_rows = 0;
    QTimer *m_flushTimer;
};

} // namespace plainkey::gui
