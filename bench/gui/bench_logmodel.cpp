// Fills the console's request log with 100,000 exchanges through the same model, filter
// proxy and table view the console uses, and prints how long appending, trimming,
// filtering, sorting, painting and clearing take, and the heap each exchange costs beside
// its bodies. Figures, not pass/fail; issue 11's targets are printed beside them.
//
//   bench_logmodel [count]      (QT_QPA_PLATFORM defaults to offscreen)

#include "benchutil.h"
#include "core/log/exchangelog.h"
#include "core/log/slicedrelease.h"
#include "gui/log/exchangefiltermodel.h"
#include "gui/log/exchangelogmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QPixmap>
#include <QScrollBar>
#include <QTableView>

#include <cstdio>

using namespace plainkey;
using namespace plainkey::gui;
using benchutil::heapInUse;
using benchutil::report;
using benchutil::Stopwatch;

namespace {

void addOne(ExchangeLog &log, int i)
{
    Exchange e;
    benchutil::fillRequest(e, i);
    e.startedAt = QDateTime::currentDateTimeUtc();
    const quint64 id = log.append(std::move(e));
    // Every exchange is recorded pending and completed later, as the transport does.
    log.update(id, [&](Exchange &x) { benchutil::fillResponse(x, i); });
}

} // namespace

int main(int argc, char *argv[])
{
    // As the console does first thing (see SlicedRelease::tuneAllocator); PLAINKEY_BENCH_GLIBC_DEFAULTS
    // leaves glibc as it is, for the figures before.
    if (!qEnvironmentVariableIsSet("PLAINKEY_BENCH_GLIBC_DEFAULTS"))
        SlicedRelease::tuneAllocator();
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int count = argc > 1 ? std::max(1000, QString::fromLocal8Bit(argv[1]).toInt()) : 100000;

    // The memory figure counts everything the log, the model, the proxy and the view keep per exchange.
    const size_t heapBefore = heapInUse();
    ExchangeLog log;
    log.setCapacity(count);
    ExchangeLogModel model(&log);
    ExchangeFilterModel filter;
    filter.setSourceModel(&model);
    QTableView view;
    view.setModel(&filter);
    view.setSortingEnabled(true);
    view.sortByColumn(ExchangeLogModel::TimeColumn, Qt::AscendingOrder);
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.verticalHeader()->setDefaultSectionSize(22);
    view.horizontalHeader()->setSectionResizeMode(ExchangeLogModel::PathColumn, QHeaderView::Stretch);
    view.resize(900, 400);
    view.show();

    std::printf("Request log benchmark: %d exchanges, model + filter proxy (sorted by time) + table view\n", count);
    Stopwatch t;
    t.restart();
    for (int i = 0; i < count; ++i) {
        addOne(log, i);
        if (i % 1000 == 999)
            QCoreApplication::processEvents();
    }
    model.flush();
    QCoreApplication::processEvents();
    report("append (record + complete), view attached", t, count);
    {
        qint64 bodies = 0;
        for (int i = 0; i < log.size(); ++i)
            bodies += log.at(i).requestBody.capacity() + log.at(i).responseBody.capacity();
        const double total = double(heapInUse() - heapBefore);
        std::printf("%-50s %9.0f B   (target 2048 B; bodies %.0f B each beside it)\n",
                    "memory per exchange beside its bodies", (total - double(bodies)) / log.size(),
                    double(bodies) / log.size());
    }

    t.restart();
    const int extra = count / 10;
    for (int i = 0; i < extra; ++i) {
        addOne(log, count + i);
        if (i % 1000 == 999)
            QCoreApplication::processEvents();
    }
    model.flush();
    QCoreApplication::processEvents();
    report("append at capacity (oldest trimmed)", t, extra);

    // Exchanges arriving one by one, each shown on its own (the worst case for a full log).
    t.restart();
    for (int i = 0; i < 200; ++i) {
        addOne(log, count + extra + i);
        model.flush();
    }
    QCoreApplication::processEvents();
    report("append at capacity, one batch per exchange", t, 200);

    t.restart();
    view.scrollToBottom();
    view.viewport()->grab();
    report("scroll to newest and paint", t);

    struct FilterCase
    {
        const char *name;
        std::function<void()> apply;
        double targetMs = 50;
    };
    const FilterCase filters[] = {
            {"filter text \"verify\" (path)", [&] { filter.setText(QStringLiteral("verify")); }},
            {"filter text \"usr_77777\" (path and bodies)", [&] { filter.setText(QStringLiteral("usr_77777")); }},
            {"filter text \"no-such-text\" (every body)", [&] { filter.setText(QStringLiteral("no-such-text")); }},
            {"clear text filter", [&] { filter.setText({}); }},
            {"filter status: problems", [&] { filter.setStatusClass(ExchangeFilterModel::StatusClass::Problems); }},
            {"filter endpoint: users", [&] { filter.setEndpoint(ExchangeLogModel::Endpoint::Users); }},
            {"clear status and endpoint", [&] {
                 filter.setStatusClass(ExchangeFilterModel::StatusClass::Any);
                 filter.setEndpoint(ExchangeLogModel::Endpoint::Any);
             }},
    };
    for (const auto &f : filters) {
        t.restart();
        f.apply();
        view.viewport()->grab();
        char label[96];
        std::snprintf(label, sizeof label, "%s -> %d rows", f.name, filter.rowCount());
        report(label, t, 0, f.targetMs);
    }

    const std::pair<const char *, int> sorts[] = {{"sort by status", ExchangeLogModel::StatusColumn},
                                                  {"sort by path", ExchangeLogModel::PathColumn},
                                                  {"sort by duration", ExchangeLogModel::DurationColumn},
                                                  {"sort by time (back to arrival order)", ExchangeLogModel::TimeColumn}};
    for (const auto &[name, column] : sorts) {
        t.restart();
        view.sortByColumn(column, Qt::AscendingOrder);
        view.viewport()->grab();
        report(name, t, 0, 150);
    }

    t.restart();
    for (int i = 0; i < 200; ++i) {
        view.verticalScrollBar()->setValue(view.verticalScrollBar()->maximum() * i / 200);
        view.viewport()->grab();
    }
    report("200 scroll steps, each painted", t, 200);

    // Clearing with a filter and a sort in place, as a person would after a search.
    filter.setText(QStringLiteral("verify"));
    view.sortByColumn(ExchangeLogModel::StatusColumn, Qt::DescendingOrder);
    t.restart();
    log.clear();
    view.viewport()->grab();
    QCoreApplication::processEvents();
    report("clear the log", t, 0, 50);

    // What clear() handed over is freed in slices between events: how long the whole release
    // takes, and the longest the GUI thread was kept from its events by it.
    t.restart();
    double longestPassMs = 0;
    int passes = 0;
    while (log.release()->isPending()) {
        QElapsedTimer pass;
        pass.start();
        QCoreApplication::processEvents();
        longestPassMs = std::max(longestPassMs, double(pass.nsecsElapsed()) / 1e6);
        ++passes;
    }
    report("freeing the cleared exchanges, in slices", t);
    std::printf("%-50s %8.1f ms over %d passes of the event loop (target 16 ms)\n",
                "  longest pass of the event loop meanwhile", longestPassMs, passes);
    return 0;
}
