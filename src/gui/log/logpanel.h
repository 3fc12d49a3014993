#pragma once

#include "core/log/exchangelog.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QTimer;

namespace Ui {
class LogPanel;
}

namespace plainkey {
class HistoryWriter;
}

namespace plainkey::gui {

class ExchangeFilterModel;
class ExchangeLogModel;
class HistoryScopeBar;
class HttpMessageHighlighter;

//! The request log: every exchange in a sortable, filterable table, and the selected one's
//! request and response (redacted, JSON pretty-printed) beside it.
class LogPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LogPanel(QWidget *parent = nullptr);
    ~LogPanel() override;

    //! Shows \a log; the panel never changes it except for Clear.
    void setExchangeLog(ExchangeLog *log);
    ExchangeLogModel *logModel() const { return m_model; }
    ExchangeFilterModel *filterModel() const { return m_filter; }

    //! Lets the panel show the whole request history on demand (a scope switch above the
    //! table); without a writer it shows only the session.
    void setHistoryWriter(HistoryWriter *writer);
    HistoryScopeBar *historyScopeBar() const { return m_scopeBar; }
    bool showingHistory() const;

    bool followNewest() const;
    //! The exchange the detail pane shows, or 0.
    quint64 currentExchangeId() const { return m_currentId; }

    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray &state);

public slots:
    void setFollowNewest(bool follow);
    //! Selects exchange \a id (clearing filters that hide it) and shows its details.
    void showExchange(quint64 id);
    void copyAsCurl();
    void clear();
    void focusFilter();
    void focusTable();
    //! Shows this session (false) or the history (true).
    void setHistoryScope(bool history);
    //! Reads the history again with the current filters (history scope only).
    void reloadHistory();
    //! Asks, then deletes every exchange of the history.
    void clearHistory();

signals:
    void statusMessage(const QString &text, int timeoutMs);
    void followNewestChanged(bool follow);

protected:
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void onCurrentChanged();
    void showDetail(quint64 id);
    void refreshDetail();
    void scheduleFollow();
    void followNow();
    void updateCount();
    void showContextMenu(const QPoint &pos);
    void updateOrientation();

    std::unique_ptr<Ui::LogPanel> ui;
    QPointer<ExchangeLog> m_log;
    ExchangeLogModel *m_model = nullptr;
    ExchangeFilterModel *m_filter = nullptr;
    HttpMessageHighlighter *m_requestHighlighter = nullptr;
    HttpMessageHighlighter *m_responseHighlighter = nullptr;
    QTimer *m_filterTimer = nullptr;
    QTimer *m_followTimer = nullptr;
    quint64 m_currentId = 0;
    bool m_selectingProgrammatically = false;
    bool m_splitterDragged = false;
    bool m_splitterRestored = false;
    // The history scope: the session's log is kept aside while the panel shows m_historyLog,
    // an in-memory log filled from the history database.
    HistoryScopeBar *m_scopeBar = nullptr;
    QPointer<HistoryWriter> m_history;
    QPointer<ExchangeLog> m_sessionLog;
    ExchangeLog *m_historyLog = nullptr;
    bool m_switchingScope = false;
};

} // namespace plainkey::gui
