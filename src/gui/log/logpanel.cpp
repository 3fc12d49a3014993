#include "gui/log/logpanel.h"
#include "ui_logpanel.h"

#include "core/export/curlexporter.h"
#include "core/history/historywriter.h"
#include "core/log/exchangelog.h"
#include "gui/log/exchangefiltermodel.h"
#include "gui/log/exchangeformatter.h"
#include "gui/log/exchangelogmodel.h"
#include "gui/log/historyscopebar.h"
#include "gui/log/httpmessagehighlighter.h"

#include "gui/text/wording.h"

#include <QClipboard>
#include <QDataStream>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QMenu>
#include <QResizeEvent>
#include <QMessageBox>
#include <QTimer>

namespace plainkey::gui {

namespace {
constexpr int kLayoutVersion = 1;
//! From this width the details sit beside the table, below it otherwise.
constexpr int kSideBySideWidth = 960;
} // namespace

LogPanel::LogPanel(QWidget *parent)
    : QWidget(parent), ui(std::make_unique<Ui::LogPanel>()), m_filterTimer(new QTimer(this)),
      m_followTimer(new QTimer(this))
{
    ui->setupUi(this);

    for (auto s : {ExchangeFilterModel::StatusClass::Any, ExchangeFilterModel::StatusClass::Success,
                   ExchangeFilterModel::StatusClass::ClientError, ExchangeFilterModel::StatusClass::ServerError,
                   ExchangeFilterModel::StatusClass::Problems, ExchangeFilterModel::StatusClass::Failed,
                   ExchangeFilterModel::StatusClass::Pending})
        ui->statusCombo->addItem(ExchangeFilterModel::statusClassName(s), int(s));
    using E = ExchangeLogModel::Endpoint;
    for (auto e : {E::Any, E::AccessToken, E::Verify, E::Users, E::Passkeys, E::Emulator, E::Other})
        ui->endpointCombo->addItem(ExchangeLogModel::endpointName(e), int(e));

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    ui->requestEdit->setFont(mono);
    ui->responseEdit->setFont(mono);
    m_requestHighlighter = new HttpMessageHighlighter(ui->requestEdit->document());
    m_responseHighlighter = new HttpMessageHighlighter(ui->responseEdit->document());
    connect(ui->splitter, &QSplitter::splitterMoved, this, [this] { m_splitterDragged = true; });

    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(150);
    m_followTimer->setSingleShot(true);
    m_followTimer->setInterval(30);
    connect(m_followTimer, &QTimer::timeout, this, &LogPanel::followNow);
    connect(ui->filterEdit, &QLineEdit::textChanged, m_filterTimer, qOverload<>(&QTimer::start));
    connect(ui->filterEdit, &QLineEdit::returnPressed, this, [this] {
        m_filterTimer->stop();
        if (m_filter)
            m_filter->setText(ui->filterEdit->text());
    });
    connect(m_filterTimer, &QTimer::timeout, this, [this] {
        if (m_filter)
            m_filter->setText(ui->filterEdit->text());
    });
    connect(ui->statusCombo, &QComboBox::currentIndexChanged, this, [this] {
        if (m_filter)
            m_filter->setStatusClass(ExchangeFilterModel::StatusClass(ui->statusCombo->currentData().toInt()));
    });
    connect(ui->endpointCombo, &QComboBox::currentIndexChanged, this, [this] {
        if (m_filter)
            m_filter->setEndpoint(ExchangeLogModel::Endpoint(ui->endpointCombo->currentData().toInt()));
    });
    connect(ui->followCheck, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            scheduleFollow();
        emit followNewestChanged(on);
    });
    connect(ui->curlButton, &QToolButton::clicked, this, &LogPanel::copyAsCurl);
    connect(ui->clearButton, &QToolButton::clicked, this, &LogPanel::clear);

    QHeaderView *header = ui->tableView->horizontalHeader();
    header->setSectionsMovable(true);
    header->setStretchLastSection(false);
    // Fixed row heights keep scrolling through 100,000 rows cheap.
    ui->tableView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    ui->tableView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    ui->tableView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(ui->tableView, &QWidget::customContextMenuRequested, this, &LogPanel::showContextMenu);
    ui->curlButton->setEnabled(false);
    // Copy as cURL acts on the exchange shown: it sits beside that exchange's tabs, which also
    // leaves the toolbar room at 1024 px.
    ui->detailTabs->setCornerWidget(ui->curlButton, Qt::TopRightCorner);
    // Three lines of the request or response at least, not the scroll area's generic 70 px: at
    // 1024x640 the docked log has room for its table, the exchange summary and three lines, and
    // the panes scroll for the rest.
    for (QPlainTextEdit *edit : {ui->requestEdit, ui->responseEdit})
        edit->setMinimumHeight(3 * edit->fontMetrics().lineSpacing() + 2 * edit->frameWidth() + 2 * int(edit->document()->documentMargin()));

    // The history: its scope combo after the title, shown once a history writer is set, and
    // its own filters in a row above the table, shown only while the history is. Above the
    // table rather than the whole panel: the exchange's detail keeps its three lines at 1024x640.
    m_scopeBar = new HistoryScopeBar(this);
    m_scopeBar->setVisible(false);
    ui->tableSideLayout->insertWidget(0, m_scopeBar);
    ui->toolbarLayout->insertWidget(1, m_scopeBar->scopeCombo());
    m_scopeBar->scopeCombo()->setVisible(false);
    m_historyLog = new ExchangeLog(this);
    connect(m_scopeBar, &HistoryScopeBar::scopeChanged, this, &LogPanel::setHistoryScope);
    connect(m_scopeBar, &HistoryScopeBar::queryChanged, this, &LogPanel::reloadHistory);
    connect(m_scopeBar, &HistoryScopeBar::clearHistoryRequested, this, &LogPanel::clearHistory);
    // The history is searched in the database too (FTS5), so matches beyond the rows loaded show.
    connect(m_filterTimer, &QTimer::timeout, this, &LogPanel::reloadHistory);
    connect(ui->filterEdit, &QLineEdit::returnPressed, this, &LogPanel::reloadHistory);
    connect(ui->statusCombo, &QComboBox::currentIndexChanged, this, &LogPanel::reloadHistory);
    connect(ui->endpointCombo, &QComboBox::currentIndexChanged, this, &LogPanel::reloadHistory);
}

void LogPanel::setHistoryWriter(HistoryWriter *writer)
{
    m_history = writer;
    m_scopeBar->scopeCombo()->setVisible(writer != nullptr);
    if (!writer && showingHistory())
        m_scopeBar->setHistoryScope(false);
    m_scopeBar->setVisible(writer != nullptr && showingHistory());
}

bool LogPanel::showingHistory() const
{
    return m_log && m_log == m_historyLog;
}

void LogPanel::setHistoryScope(bool history)
{
    if (m_scopeBar->historyScope() != history) {
        m_scopeBar->setHistoryScope(history); // comes back here through scopeChanged
        return;
    }
    if (history == showingHistory())
        return;
    m_scopeBar->setVisible(history);
    if (history) {
        m_sessionLog = m_log;
        setExchangeLog(m_historyLog);
        reloadHistory();
    } else {
        m_switchingScope = true;
        setExchangeLog(m_sessionLog);
        m_switchingScope = false;
        m_historyLog->clear();
    }
}

void LogPanel::reloadHistory()
{
    if (!m_history || !showingHistory())
        return;
    HistoryQuery q = m_scopeBar->query();
    q.text = ui->filterEdit->text().trimmed();
    using S = ExchangeFilterModel::StatusClass;
    switch (S(ui->statusCombo->currentData().toInt())) {
    case S::Success: q.status = HistoryQuery::Status::Success; break;
    case S::ClientError: q.status = HistoryQuery::Status::ClientError; break;
    case S::ServerError: q.status = HistoryQuery::Status::ServerError; break;
    case S::Problems: q.status = HistoryQuery::Status::Problems; break;
    case S::Failed: q.status = HistoryQuery::Status::Failed; break;
    case S::Any:
    case S::Pending: break;
    }
    using E = ExchangeLogModel::Endpoint;
    const E endpoint = E(ui->endpointCombo->currentData().toInt());
    const QStringList names = HistoryStore::endpointNames();
    const QList<E> order = {E::AccessToken, E::Verify, E::Users, E::Passkeys, E::Emulator, E::Other};
    if (order.contains(endpoint))
        q.endpoint = names.value(order.indexOf(endpoint));
    bool ok = false;
    const QList<HistoryEntry> rows = m_history->query(q, &ok);
    m_historyLog->clear();
    m_historyLog->setCapacity(qMax(1, q.limit));
    for (auto it = rows.crbegin(); it != rows.crend(); ++it)
        m_historyLog->append(it->exchange);
    if (m_model)
        m_model->flush();
    if (!ok)
        m_scopeBar->setNote(tr("The history could not be read; see the status bar."));
    else if (rows.size() >= q.limit)
        m_scopeBar->setNote(tr("The %L1 newest matches").arg(rows.size()));
    else
        m_scopeBar->setNote(tr("%Ln recorded exchange(s)", nullptr, int(rows.size())));
}

void LogPanel::clearHistory()
{
    if (!m_history)
        return;
    const auto answer = QMessageBox::question(this, tr("Clear history"),
                                              tr("Delete every exchange recorded in the request history (%1)? This session's log stays.")
                                                      .arg(m_history->path()),
                                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    if (m_history->clearHistory())
        emit statusMessage(tr("The request history was cleared."), 5000);
    else
        emit statusMessage(tr("The request history could not be cleared; see the messages above."), 0);
    reloadHistory();
}

LogPanel::~LogPanel() = default;

void LogPanel::setExchangeLog(ExchangeLog *log)
{
    if (m_log == log)
        return;
    // A new session log while the history is shown: it is shown when the scope goes back.
    if (log != m_historyLog && showingHistory() && !m_switchingScope) {
        m_sessionLog = log;
        return;
    }
    if (m_log)
        m_log->disconnect(this);
    ui->tableView->setModel(nullptr);
    delete m_filter;
    delete m_model;
    m_filter = nullptr;
    m_model = nullptr;
    m_log = log;
    m_currentId = 0;
    showDetail(0);
    if (!log)
        return;

    m_model = new ExchangeLogModel(log, this);
    m_filter = new ExchangeFilterModel(this);
    m_filter->setSourceModel(m_model);
    m_filter->setText(ui->filterEdit->text());
    m_filter->setStatusClass(ExchangeFilterModel::StatusClass(ui->statusCombo->currentData().toInt()));
    m_filter->setEndpoint(ExchangeLogModel::Endpoint(ui->endpointCombo->currentData().toInt()));
    ui->tableView->setModel(m_filter);
    ui->tableView->sortByColumn(ExchangeLogModel::TimeColumn, Qt::AscendingOrder);

    QHeaderView *header = ui->tableView->horizontalHeader();
    const QFontMetrics fm = fontMetrics();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(ExchangeLogModel::PathColumn, QHeaderView::Stretch);
    // Fixed columns as narrow as their content, so the path gets the rest even at 1024 px.
    auto fit = [&](int column, std::initializer_list<const char *> samples) {
        int width = fm.horizontalAdvance(m_model->headerData(column, Qt::Horizontal).toString()) + 14;
        for (const char *sample : samples)
            width = qMax(width, fm.horizontalAdvance(QLatin1String(sample)) + 12);
        header->resizeSection(column, width);
    };
    fit(ExchangeLogModel::TimeColumn, {"00:00:00"});
    fit(ExchangeLogModel::MethodColumn, {"DELETE"});
    fit(ExchangeLogModel::StatusColumn, {"000"});
    fit(ExchangeLogModel::DurationColumn, {"999 ms"});
    fit(ExchangeLogModel::SizeColumn, {"10.0 KB"});
    fit(ExchangeLogModel::OutcomeColumn, {"client error"});

    connect(ui->tableView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LogPanel::onCurrentChanged);
    // The model already batches appends, so the count can follow every change.
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        scheduleFollow();
        updateCount();
    });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &LogPanel::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &LogPanel::updateCount);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &LogPanel::updateCount);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (m_currentId && m_model->rowOf(m_currentId) < 0)
            showDetail(0);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { showDetail(0); });
    connect(log, &ExchangeLog::exchangeChanged, this, [this](int index) {
        if (m_log && m_currentId && index < m_log->size() && m_log->at(index).id == m_currentId)
            refreshDetail();
    });
    updateCount();
    scheduleFollow();
}

bool LogPanel::followNewest() const
{
    return ui->followCheck->isChecked();
}

void LogPanel::setFollowNewest(bool follow)
{
    ui->followCheck->setChecked(follow);
}

void LogPanel::scheduleFollow()
{
    if (followNewest() && !m_followTimer->isActive())
        m_followTimer->start();
}

void LogPanel::followNow()
{
    if (!m_filter || !m_log || !followNewest() || m_filter->rowCount() == 0)
        return;
    int row = -1;
    const QHeaderView *header = ui->tableView->horizontalHeader();
    if (header->sortIndicatorSection() == ExchangeLogModel::TimeColumn) {
        row = header->sortIndicatorOrder() == Qt::AscendingOrder ? m_filter->rowCount() - 1 : 0;
    } else {
        // Sorted by another column: look for the newest exchange that passes the filter.
        for (int i = m_log->size() - 1, tries = 0; i >= 0 && tries < 2000 && row < 0; --i, ++tries)
            row = m_filter->rowOf(m_log->at(i).id);
    }
    if (row < 0)
        return;
    const QModelIndex index = m_filter->index(row, ExchangeLogModel::PathColumn);
    m_selectingProgrammatically = true;
    ui->tableView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_selectingProgrammatically = false;
    ui->tableView->scrollTo(index, QAbstractItemView::EnsureVisible);
}

void LogPanel::onCurrentChanged()
{
    const QModelIndex current = ui->tableView->selectionModel()->currentIndex();
    const quint64 id = current.isValid() ? current.data(ExchangeLogModel::ExchangeIdRole).value<quint64>() : 0;
    if (!m_selectingProgrammatically && followNewest() && id && m_log && m_log->size() > 0
        && id != m_log->at(m_log->size() - 1).id)
        // The person picked an older exchange: stop jumping away from it.
        setFollowNewest(false);
    showDetail(id);
}

void LogPanel::showExchange(quint64 id)
{
    if (m_model)
        m_model->flush();
    if (!m_filter || !m_model || m_model->rowOf(id) < 0)
        return;
    if (m_filter->rowOf(id) < 0) {
        ui->filterEdit->clear();
        m_filterTimer->stop();
        m_filter->setText({});
        ui->statusCombo->setCurrentIndex(0);
        ui->endpointCombo->setCurrentIndex(0);
    }
    const int row = m_filter->rowOf(id);
    if (row < 0)
        return;
    if (m_log && m_log->size() > 0 && id != m_log->at(m_log->size() - 1).id)
        setFollowNewest(false);
    const QModelIndex index = m_filter->index(row, ExchangeLogModel::PathColumn);
    m_selectingProgrammatically = true;
    ui->tableView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_selectingProgrammatically = false;
    ui->tableView->scrollTo(index, QAbstractItemView::PositionAtCenter);
    showDetail(id);
}

void LogPanel::showDetail(quint64 id)
{
    m_currentId = id;
    refreshDetail();
}

void LogPanel::refreshDetail()
{
    const Exchange *e = m_log && m_currentId ? m_log->find(m_currentId) : nullptr;
    ui->curlButton->setEnabled(e != nullptr);
    if (!e) {
        m_currentId = 0;
        ui->summaryLabel->setText(tr("Select an exchange to see its request and response."));
        ui->requestEdit->clear();
        ui->responseEdit->clear();
        return;
    }
    ui->summaryLabel->setText(ExchangeFormatter::summary(*e));
    // Keep the reading position when a pending exchange completes.
    const QString request = ExchangeFormatter::requestText(*e);
    if (ui->requestEdit->toPlainText() != request)
        ui->requestEdit->setPlainText(request);
    const QString response = ExchangeFormatter::responseText(*e);
    if (ui->responseEdit->toPlainText() != response)
        ui->responseEdit->setPlainText(response);
}

void LogPanel::copyAsCurl()
{
    const Exchange *e = m_log && m_currentId ? m_log->find(m_currentId) : nullptr;
    if (!e) {
        emit statusMessage(tr("Select an exchange in the request log first, then copy it as cURL."), 5000);
        return;
    }
    QGuiApplication::clipboard()->setText(CurlExporter::toCurl(*e));
    const QStringList vars = CurlExporter::variables(*e);
    if (vars.isEmpty())
        emit statusMessage(tr("Copied %1 %2 as a cURL command.").arg(QString::fromLatin1(e->method), e->path()), 6000);
    else
        emit statusMessage(tr("Copied %1 %2 as a cURL command. It reads the secrets from %3: set them in your shell first.")
                                   .arg(QString::fromLatin1(e->method), e->path(),
                                        QStringLiteral("$") + vars.join(QStringLiteral(", $"))),
                           10000);
}

void LogPanel::clear()
{
    if (!m_log)
        return;
    const int count = m_log->size();
    m_log->clear();
    emit statusMessage(tr("Cleared %1 from the request log.").arg(countOf(count, tr("exchange"), tr("exchanges"))), 4000);
}

void LogPanel::focusFilter()
{
    ui->filterEdit->setFocus(Qt::ShortcutFocusReason);
    ui->filterEdit->selectAll();
}

void LogPanel::focusTable()
{
    ui->tableView->setFocus(Qt::ShortcutFocusReason);
}

void LogPanel::updateCount()
{
    const int total = m_model ? m_model->rowCount() : 0;
    const int shown = m_filter ? m_filter->rowCount() : 0;
    if (m_filter && m_filter->isFiltering())
        ui->countLabel->setText(tr("%1 of %2").arg(shown).arg(total));
    else
        ui->countLabel->setText(countOf(total, tr("exchange"), tr("exchanges")));
}

void LogPanel::showContextMenu(const QPoint &pos)
{
    QMenu menu(this);
    const bool have = m_currentId != 0;
    menu.addAction(tr("Copy as cURL"), this, &LogPanel::copyAsCurl)->setEnabled(have);
    menu.addAction(tr("Copy URL"), this, [this] {
        if (const Exchange *e = m_log ? m_log->find(m_currentId) : nullptr)
            QGuiApplication::clipboard()->setText(e->url);
    })->setEnabled(have);
    menu.addSeparator();
    menu.addAction(tr("Clear the log"), this, &LogPanel::clear);
    if (m_history)
        menu.addAction(tr("Clear history\u2026"), this, &LogPanel::clearHistory);
    menu.exec(ui->tableView->viewport()->mapToGlobal(pos));
}

QByteArray LogPanel::saveLayout() const
{
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    s << qint32(kLayoutVersion) << ui->splitter->saveState() << ui->tableView->horizontalHeader()->saveState()
      << followNewest() << qint32(ui->detailTabs->currentIndex());
    return out;
}

void LogPanel::restoreLayout(const QByteArray &state)
{
    if (state.isEmpty())
        return;
    QDataStream s(state);
    qint32 version = 0;
    QByteArray splitter;
    QByteArray header;
    bool follow = true;
    qint32 tab = 1;
    s >> version >> splitter >> header >> follow >> tab;
    if (s.status() != QDataStream::Ok || version != kLayoutVersion)
        return;
    m_splitterRestored = ui->splitter->restoreState(splitter);
    if (m_filter)
        ui->tableView->horizontalHeader()->restoreState(header);
    setFollowNewest(follow);
    if (tab >= 0 && tab < ui->detailTabs->count())
        ui->detailTabs->setCurrentIndex(tab);
}

void LogPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateOrientation();
}

void LogPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateOrientation();
}

void LogPanel::updateOrientation()
{
    // Beside the table the details leave the path column a few characters when the panel is
    // narrow (1024 px windows): below it, the table keeps the full width.
    const Qt::Orientation wanted = width() >= kSideBySideWidth ? Qt::Horizontal : Qt::Vertical;
    const bool turn = ui->splitter->orientation() != wanted;
    if (turn)
        ui->splitter->setOrientation(wanted);
    // Default proportions until the person drags the handle (or a saved layout says otherwise).
    if (!turn && (m_splitterRestored || m_splitterDragged))
        return;
    const int extent = wanted == Qt::Horizontal ? ui->splitter->width() : ui->splitter->height();
    const int table = extent * (wanted == Qt::Horizontal ? 62 : 42) / 100;
    const QSignalBlocker block(ui->splitter);
    ui->splitter->setSizes({table, extent - table});
}

void LogPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        m_requestHighlighter->rehighlight();
        m_responseHighlighter->rehighlight();
    }
    QWidget::changeEvent(event);
}

} // namespace plainkey::gui
