// plainkey-cli history: read the request history the console and the CLI record, search it,
// export it as HAR, clear it.

#include "cli/cliapp.h"
#include "cli/profileoptions.h"

#include "core/export/harexporter.h"
#include "core/history/historystore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace plainkey::cli {

namespace {

const QCommandLineOption searchOption(QStringLiteral("search"), QStringLiteral("history: words to find in paths, operations, errors and bodies."),
                                      QStringLiteral("text"));
const QCommandLineOption sinceOption(QStringLiteral("since"), QStringLiteral("history: only exchanges since 30s, 15m, 2h, 7d ago or an ISO date-time."),
                                     QStringLiteral("when"));
const QCommandLineOption untilOption(QStringLiteral("until"), QStringLiteral("history: only exchanges before 30s, 15m, 2h, 7d ago or an ISO date-time."),
                                     QStringLiteral("when"));
const QCommandLineOption statusOption(QStringLiteral("status"),
                                      QStringLiteral("history: success, redirect, client-error, server-error, problems or failed."),
                                      QStringLiteral("class"));
const QCommandLineOption endpointOption(QStringLiteral("endpoint"),
                                        QStringLiteral("history: access-token, verify, users, passkeys, emulator or other."), QStringLiteral("name"));
const QCommandLineOption limitOption(QStringLiteral("limit"), QStringLiteral("history: the newest N exchanges at most (default 100; export 100000)."),
                                     QStringLiteral("n"));

//! "2h" ago, or an ISO date-time; invalid when neither.
QDateTime parseWhen(const QString &text, const QDateTime &now)
{
    static const QRegularExpression relative(QStringLiteral("^(\\d{1,9})([smhd])$"));
    const auto m = relative.match(text.trimmed());
    if (m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        const qint64 seconds = unit == QLatin1Char('s') ? n : unit == QLatin1Char('m') ? n * 60 : unit == QLatin1Char('h') ? n * 3600 : n * 86400;
        return now.addSecs(-seconds);
    }
    QDateTime at = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!at.isValid())
        at = QDateTime::fromString(text.trimmed(), Qt::ISODate);
    return at;
}

//! The query the options describe, or nullopt after a usage error.
std::optional<HistoryQuery> readQuery(CliApp &app, int defaultLimit, int *exitCode)
{
    QCommandLineParser &p = app.parser();
    HistoryQuery q;
    q.text = p.value(searchOption);
    q.profile = p.value(profileOption());
    q.limit = defaultLimit;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto &[option, target] : {std::pair{&sinceOption, &q.from}, std::pair{&untilOption, &q.to}}) {
        if (!p.isSet(*option))
            continue;
        *target = parseWhen(p.value(*option), now);
        if (!target->isValid()) {
            *exitCode = app.usage(QStringLiteral("--%1 takes a time ago (30s, 15m, 2h, 7d) or an ISO date-time such as 2026-11-30T09:00:00Z, not \u201c%2\u201d")
                                          .arg(option->names().first(), p.value(*option)));
            return std::nullopt;
        }
    }
    if (p.isSet(statusOption)) {
        using S = HistoryQuery::Status;
        const QList<std::pair<QString, S>> classes = {{QStringLiteral("success"), S::Success},
                                                      {QStringLiteral("redirect"), S::Redirect},
                                                      {QStringLiteral("client-error"), S::ClientError},
                                                      {QStringLiteral("server-error"), S::ServerError},
                                                      {QStringLiteral("problems"), S::Problems},
                                                      {QStringLiteral("failed"), S::Failed}};
        const auto it = std::find_if(classes.begin(), classes.end(), [&](const auto &c) { return c.first == p.value(statusOption); });
        if (it == classes.end()) {
            *exitCode = app.usage(QStringLiteral("--status takes success, redirect, client-error, server-error, problems or failed, not \u201c%1\u201d")
                                          .arg(p.value(statusOption)));
            return std::nullopt;
        }
        q.status = it->second;
    }
    if (p.isSet(endpointOption)) {
        if (!HistoryStore::endpointNames().contains(p.value(endpointOption))) {
            *exitCode = app.usage(QStringLiteral("--endpoint takes %1, not \u201c%2\u201d")
                                          .arg(HistoryStore::endpointNames().join(QLatin1String(", ")), p.value(endpointOption)));
            return std::nullopt;
        }
        q.endpoint = p.value(endpointOption);
    }
    if (p.isSet(limitOption)) {
        bool ok = false;
        q.limit = p.value(limitOption).toInt(&ok);
        if (!ok || q.limit < 1) {
            *exitCode = app.usage(QStringLiteral("--limit takes a whole number from 1, not \u201c%1\u201d").arg(p.value(limitOption)));
            return std::nullopt;
        }
    }
    return q;
}

//! The history file, opened; null after printing why (exit 4).
std::unique_ptr<HistoryStore> openHistory(CliApp &app)
{
    QString notice, error;
    auto store = HistoryStore::open(HistoryStore::defaultPath(), &notice, &error);
    if (!notice.isEmpty())
        app.err() << "plainkey-cli: " << CliApp::oneLine(notice) << '\n';
    if (!store)
        app.err() << "plainkey-cli: " << CliApp::oneLine(error) << '\n';
    app.err().flush();
    return store;
}

std::optional<QList<HistoryEntry>> runQuery(CliApp &app, const HistoryQuery &q, int *exitCode)
{
    auto store = openHistory(app);
    if (!store) {
        *exitCode = ExitFailure;
        return std::nullopt;
    }
    bool ok = false;
    QList<HistoryEntry> rows = store->query(q, &ok);
    if (!ok) {
        app.err() << "plainkey-cli: the request history could not be searched: " << CliApp::oneLine(store->lastError()) << '\n';
        app.err().flush();
        *exitCode = ExitFailure;
        return std::nullopt;
    }
    std::reverse(rows.begin(), rows.end()); // oldest first, as a log reads
    return rows;
}

int historyCommand(CliApp &app, const QStringList &args)
{
    if (!args.isEmpty())
        return app.usage(QStringLiteral("history takes no arguments (did you mean \u201chistory export FILE.har\u201d?)"));
    int code = ExitOk;
    const auto q = readQuery(app, 100, &code);
    if (!q)
        return code;
    const auto rows = runQuery(app, *q, &code);
    if (!rows)
        return code;
    if (app.json()) {
        QJsonArray list;
        for (const HistoryEntry &h : *rows) {
            const Exchange &e = h.exchange;
            QJsonObject o{{QStringLiteral("id"), qint64(e.id)},
                          {QStringLiteral("startedAt"), e.startedAt.toUTC().toString(Qt::ISODateWithMs)},
                          {QStringLiteral("profile"), h.profile},
                          {QStringLiteral("operation"), e.operation},
                          {QStringLiteral("method"), QString::fromLatin1(e.method)},
                          {QStringLiteral("url"), e.url},
                          {QStringLiteral("status"), e.status},
                          {QStringLiteral("outcome"), Exchange::outcomeName(e.outcome)},
                          {QStringLiteral("durationMs"), e.durationMs},
                          {QStringLiteral("responseBytes"), e.responseBytes}};
            if (!e.errorText.isEmpty())
                o.insert(QStringLiteral("error"), e.errorText);
            list.append(o);
        }
        app.printJson(QJsonObject{{QStringLiteral("exchanges"), list}, {QStringLiteral("count"), list.size()}});
        return ExitOk;
    }
    if (rows->isEmpty()) {
        app.err() << "plainkey-cli: no exchange in the history matches.\n";
        app.err().flush();
        return ExitOk;
    }
    for (const HistoryEntry &h : *rows) {
        const Exchange &e = h.exchange;
        app.out() << e.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << "  "
                  << (h.profile.isEmpty() ? QStringLiteral("-") : h.profile) << "  " << e.method << ' ' << e.url << "  "
                  << (e.status > 0 ? QString::number(e.status) : Exchange::outcomeName(e.outcome)) << "  " << e.durationMs << " ms";
        if (!e.errorText.isEmpty())
            app.out() << "  " << CliApp::oneLine(e.errorText, 200);
        app.out() << '\n';
    }
    app.out().flush();
    return ExitOk;
}

int historyExportCommand(CliApp &app, const QStringList &args)
{
    if (args.size() != 1)
        return app.usage(QStringLiteral("history export takes one FILE.har"));
    int code = ExitOk;
    const auto q = readQuery(app, 100000, &code);
    if (!q)
        return code;
    const auto rows = runQuery(app, *q, &code);
    if (!rows)
        return code;
    QList<Exchange> exchanges;
    exchanges.reserve(rows->size());
    for (const HistoryEntry &h : *rows)
        exchanges.append(h.exchange);
    QSaveFile file(args.first());
    if (!file.open(QIODevice::WriteOnly) || file.write(HarExporter::toHar(exchanges, QCoreApplication::applicationVersion())) < 0
        || !file.commit()) {
        app.err() << "plainkey-cli: " << args.first() << " could not be written: " << file.errorString() << '\n';
        app.err().flush();
        return ExitFailure;
    }
    if (app.json())
        app.printJson(QJsonObject{{QStringLiteral("file"), args.first()}, {QStringLiteral("count"), int(exchanges.size())}});
    else
        app.err() << "plainkey-cli: " << exchanges.size() << " exchanges written to " << args.first() << ".\n";
    app.err().flush();
    return ExitOk;
}

int historyClearCommand(CliApp &app, const QStringList &args)
{
    if (!args.isEmpty())
        return app.usage(QStringLiteral("history clear takes no arguments"));
    auto store = openHistory(app);
    if (!store)
        return ExitFailure;
    if (!app.confirm(QStringLiteral("Delete all %1 exchanges of the request history?").arg(store->count()),
                     QStringLiteral("The history was not cleared")))
        return ExitUsage;
    if (!store->clear()) {
        app.err() << "plainkey-cli: the request history could not be cleared: " << CliApp::oneLine(store->lastError()) << '\n';
        app.err().flush();
        return ExitFailure;
    }
    if (app.json())
        app.printJson(QJsonObject{{QStringLiteral("cleared"), true}});
    return ExitOk;
}

const QList<QCommandLineOption> kFilterOptions = {searchOption, profileOption(), sinceOption, untilOption,
                                                  statusOption, endpointOption, limitOption};

const CommandRegistration registration({
        {{QStringLiteral("history")}, {}, QStringLiteral("List recorded exchanges (--search, --profile, --since, --status, --endpoint, --limit)."),
         historyCommand, kFilterOptions},
        {{QStringLiteral("history"), QStringLiteral("export")}, QStringLiteral("FILE.har"),
         QStringLiteral("Write the matching recorded exchanges as HAR 1.2 (same filters)."), historyExportCommand, kFilterOptions},
        {{QStringLiteral("history"), QStringLiteral("clear")}, {}, QStringLiteral("Delete every recorded exchange (asks first; --yes)."),
         historyClearCommand},
});

} // namespace

} // namespace plainkey::cli
