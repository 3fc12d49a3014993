// plainkey-cli user get|find|create|rename|delete, users import
#include "cli/cliapp.h"
#include "cli/commandsupport.h"

#include "core/users/passkeyops.h"
#include "core/users/userimporter.h"
#include "core/users/userimportlist.h"
#include "core/users/userops.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSaveFile>

#include <cstdio>
#include <unistd.h>

namespace plainkey::cli {

namespace {

const QCommandLineOption noNameOption(QStringLiteral("no-name"),
        QStringLiteral("user create: create a user without a user name (usernameless sign-in)."));
const QCommandLineOption chunkSizeOption(QStringLiteral("chunk-size"),
        QStringLiteral("users import: names per bulk request (default 500)."), QStringLiteral("n"), QStringLiteral("500"));
const QCommandLineOption reportOption(QStringLiteral("report"),
        QStringLiteral("users import: also write every row's outcome to this CSV file."), QStringLiteral("file"));
const QCommandLineOption dryRunOption(QStringLiteral("dry-run"),
        QStringLiteral("users import: read the file and show what would be sent, without sending."));

void printUser(CliApp &app, const User &user, const QString &heading = {})
{
    if (app.json()) {
        app.printJson(user.toJson());
        return;
    }
    if (!heading.isEmpty())
        app.out() << heading << '\n';
    app.out() << "User ID:    " << user.id << '\n'
              << "User name:  " << (user.userName ? CliApp::oneLine(*user.userName, 0) : QStringLiteral("(none: usernameless)")) << '\n';
    app.out().flush();
}

//! "“ada@example.com” (ID usr_1)" or "user ID usr_1 (no user name)".
QString describeUser(const User &user)
{
    if (user.userName && !user.userName->isEmpty())
        return QStringLiteral("\u201c%1\u201d (ID %2)").arg(CliApp::oneLine(*user.userName, 0), user.id);
    return QStringLiteral("user ID %1 (no user name)").arg(user.id);
}

int userGet(CliApp &app, const QStringList &args)
{
    const auto who = takeUserArgument(app, args, QStringLiteral("user get"));
    if (!who)
        return ExitUsage;
    const Result<User> user = waitLookUp(app, *who);
    if (!user)
        return app.fail(user.error());
    printUser(app, user.value());
    return ExitOk;
}

int userFind(CliApp &app, const QStringList &args)
{
    if (args.size() != 1 || args.first().trimmed().isEmpty())
        return app.usage(QStringLiteral("user find takes one user name"));
    if (!app.prepareCredentials())
        return ExitUsage;
    const Result<User> user = app.wait<FindUserByName>(args.first());
    if (!user)
        return app.fail(user.error());
    printUser(app, user.value());
    return ExitOk;
}

int userCreate(CliApp &app, const QStringList &args)
{
    const bool noName = app.parser().isSet(noNameOption);
    if ((noName && !args.isEmpty()) || (!noName && args.size() != 1))
        return app.usage(QStringLiteral("user create takes one user name, or --no-name for a user without one"));
    std::optional<QString> name;
    if (!noName) {
        name = args.first();
        if (name->trimmed().isEmpty())
            return app.usage(QStringLiteral("the user name is empty; pass --no-name to create a user without one"));
    }
    if (!app.prepareCredentials())
        return ExitUsage;
    const Result<User> user = app.wait<CreateUser>(name);
    if (!user)
        return app.fail(user.error());
    printUser(app, user.value(), QStringLiteral("Created the user."));
    return ExitOk;
}

int userRename(CliApp &app, const QStringList &args)
{
    const bool clear = app.parser().isSet(clearOption());
    if ((clear && args.size() != 1) || (!clear && args.size() != 2))
        return app.usage(QStringLiteral("user rename takes USER and NEW-NAME, or USER and --clear to remove the name"));
    const UserIdentifier who = userArgument(app, args.first());
    if (!who.problem().isEmpty())
        return app.usage(who.problem());
    std::optional<QString> newName;
    if (!clear) {
        newName = args.at(1);
        if (newName->trimmed().isEmpty())
            return app.usage(QStringLiteral("the new user name is empty; pass --clear to remove the name"));
    }
    if (!app.prepareCredentials())
        return ExitUsage;
    const Result<User> user = app.wait<UpdateUserName>(who, newName);
    if (!user)
        return app.fail(user.error());
    printUser(app, user.value(), clear ? QStringLiteral("Removed the user name.") : QStringLiteral("Renamed the user."));
    return ExitOk;
}

int userDelete(CliApp &app, const QStringList &args)
{
    const auto who = takeUserArgument(app, args, QStringLiteral("user delete"));
    if (!who)
        return ExitUsage;

    // Show whom the delete hits, and how many passkeys go with them, before asking.
    const Result<User> user = waitLookUp(app, *who);
    if (!user)
        return app.fail(user.error());
    const Result<QList<Passkey>> passkeys = app.wait<ListPasskeys>(user->id);
    const QString count = passkeys ? (passkeys->size() == 1 ? QStringLiteral("their 1 passkey") : QStringLiteral("their %1 passkeys").arg(passkeys->size()))
                                   : QStringLiteral("all their passkeys");
    if (!app.confirm(QStringLiteral("Delete %1 and %2? This cannot be undone.").arg(describeUser(user.value()), count),
                     QStringLiteral("nothing was deleted")))
        return ExitUsage;
    const Result<Done> done = app.wait<DeleteUser>(UserIdentifier::byId(user->id));
    if (!done)
        return app.fail(done.error());
    if (app.json()) {
        QJsonObject o{{QStringLiteral("deleted"), true}, {QStringLiteral("user"), user->toJson()}};
        if (passkeys)
            o.insert(QStringLiteral("passkeysDeleted"), int(passkeys->size()));
        app.printJson(o);
    } else {
        app.out() << "Deleted " << describeUser(user.value()) << " and " << count << ".\n";
        app.out().flush();
    }
    return ExitOk;
}

QJsonObject rowJson(const ImportRow &r)
{
    QJsonObject o{{QStringLiteral("line"), r.line}, {QStringLiteral("userName"), r.userName},
                  {QStringLiteral("status"), ImportRow::statusName(r.status)}};
    if (!r.userId.isEmpty())
        o.insert(QStringLiteral("userId"), r.userId);
    if (!r.message.isEmpty())
        o.insert(QStringLiteral("message"), r.message);
    return o;
}

//! One tab-separated line per row: status, line, name, user ID, message. A tab or line break
//! in a name is escaped, so every row stays one line of five fields.
void printRows(CliApp &app, const QList<ImportRow> &rows)
{
    for (const ImportRow &r : rows) {
        app.out() << ImportRow::statusName(r.status) << '\t' << r.line << '\t' << CliApp::oneLine(r.userName, 0) << '\t' << r.userId
                  << '\t' << CliApp::oneLine(r.message, 0) << '\n';
    }
    app.out().flush();
}

int usersImport(CliApp &app, const QStringList &args)
{
    if (args.size() != 1)
        return app.usage(QStringLiteral("users import takes one FILE (CSV, or one name per line), or - for standard input"));
    bool chunkOk = false;
    const int chunkSize = app.parser().value(chunkSizeOption).toInt(&chunkOk);
    if (!chunkOk || chunkSize < 1 || chunkSize > 10000)
        return app.usage(QStringLiteral("--chunk-size takes a number from 1 to 10000, not \u201c%1\u201d").arg(app.parser().value(chunkSizeOption)));
    const bool dryRun = app.parser().isSet(dryRunOption);

    UserImportList list;
    if (args.first() == QLatin1String("-")) {
        if (!dryRun && !app.prepareCredentials())
            return ExitUsage;
        const auto data = app.readStdin(QStringLiteral("the list of names"), UserImportList::maxBytes);
        if (!data)
            return ExitUsage;
        list = UserImportList::parse(*data);
    } else {
        list = UserImportList::load(args.first());
    }
    if (!list.ok())
        return app.usage(QStringLiteral("cannot import %1: %2").arg(args.first() == QLatin1String("-") ? QStringLiteral("standard input") : args.first(), list.error));

    const int invalid = list.count(ImportRow::Status::Invalid);
    const int toSend = int(list.rows.size()) - invalid;
    app.err() << "Read " << list.rows.size() << " names (" << list.format << ")";
    if (invalid)
        app.err() << "; " << invalid << " cannot be sent (see the report)";
    app.err() << ".\n";
    for (const QString &n : std::as_const(list.notices))
        app.err() << "Note: " << n << '\n';
    app.err().flush();

    if (dryRun) {
        if (app.json()) {
            QJsonArray rows;
            for (const ImportRow &r : std::as_const(list.rows))
                rows.append(rowJson(r));
            app.printJson(QJsonObject{{QStringLiteral("dryRun"), true}, {QStringLiteral("format"), list.format},
                                      {QStringLiteral("toSend"), toSend}, {QStringLiteral("invalid"), invalid},
                                      {QStringLiteral("rows"), rows}});
        } else {
            printRows(app, list.rows);
        }
        return invalid ? ExitFailure : ExitOk;
    }
    if (args.first() != QLatin1String("-") && !app.prepareCredentials())
        return ExitUsage;

    UserImporter importer(&app.client());
    importer.setChunkSize(chunkSize);
    const bool terminal = isatty(fileno(stderr));
    QElapsedTimer sincePrint;
    sincePrint.start();
    int lastPrinted = 0;
    auto printProgress = [&](int processed, int total, bool last) {
        if (!last && processed - lastPrinted < chunkSize && sincePrint.elapsed() < (terminal ? 200 : 1000))
            return;
        lastPrinted = processed;
        sincePrint.restart();
        const int percent = total ? int(qint64(processed) * 100 / total) : 100;
        const QString line = QStringLiteral("Importing: %1 of %2 names done (%3%), %4 created")
                                     .arg(processed).arg(total).arg(percent).arg(importer.count(ImportRow::Status::Created));
        if (terminal)
            app.err() << '\r' << line << (last ? "\n" : "");
        else
            app.err() << line << '\n';
        app.err().flush();
    };
    QEventLoop loop;
    QObject::connect(&importer, &UserImporter::progressChanged, &loop, [&](int processed, int total) {
        printProgress(processed, total, false);
    });
    QObject::connect(&importer, &UserImporter::finished, &loop, &QEventLoop::quit);
    importer.start(list.rows);
    if (importer.isRunning())
        loop.exec();
    printProgress(importer.processed(), importer.total(), true);

    const int created = importer.count(ImportRow::Status::Created);
    const int failed = importer.count(ImportRow::Status::Failed);
    const int uncertain = importer.count(ImportRow::Status::Uncertain);
    const int total = importer.total();

    if (app.parser().isSet(reportOption)) {
        QSaveFile report(app.parser().value(reportOption));
        if (!report.open(QIODevice::WriteOnly) || report.write(UserImportList::reportCsv(importer.rows())) < 0 || !report.commit())
            app.err() << "plainkey-cli: could not write the report to " << report.fileName() << ": " << report.errorString()
                      << ". The outcome is printed below.\n";
    }
    if (app.json()) {
        QJsonArray rows;
        for (const ImportRow &r : importer.rows())
            rows.append(rowJson(r));
        QJsonObject o{
                {QStringLiteral("summary"), QJsonObject{{QStringLiteral("total"), total},
                                                        {QStringLiteral("created"), created},
                                                        {QStringLiteral("failed"), failed},
                                                        {QStringLiteral("invalid"), invalid},
                                                        {QStringLiteral("uncertain"), uncertain},
                                                        {QStringLiteral("requests"), importer.requestCount()},
                                                        {QStringLiteral("elapsedMs"), importer.elapsedMs()}}},
                {QStringLiteral("rows"), rows}};
        if (importer.stopReason())
            o.insert(QStringLiteral("error"), CliApp::errorJson(importer.stopReason()));
        app.printJson(o);
    } else {
        printRows(app, importer.rows());
    }
    app.err() << "Created " << created << " of " << total << " users in " << QString::number(importer.elapsedMs() / 1000.0, 'f', 1)
              << " s (" << importer.requestCount() << " requests)";
    if (failed + invalid + uncertain)
        app.err() << "; " << failed << " failed, " << invalid << " not sent (invalid), " << uncertain << " uncertain";
    app.err() << ".\n";
    if (uncertain)
        app.err() << "Uncertain rows got no clear answer: look them up with \u201cuser find\u201d before importing them again.\n";
    if (importer.stopReason())
        app.err() << "The import stopped early: " << importer.stopReason().message() << '\n';
    app.err().flush();
    if (importer.stopReason())
        return CliApp::exitCodeFor(importer.stopReason());
    return created == total ? ExitOk : ExitFailure;
}

const CommandRegistration registration({
        {{QStringLiteral("user"), QStringLiteral("get")}, QStringLiteral("USER"),
         QStringLiteral("Show a user by ID (or by name with --by-name)."), userGet, {byNameOption()}},
        {{QStringLiteral("user"), QStringLiteral("find")}, QStringLiteral("NAME"),
         QStringLiteral("Find a user by user name."), userFind},
        {{QStringLiteral("user"), QStringLiteral("create")}, QStringLiteral("NAME|--no-name"),
         QStringLiteral("Create a user."), userCreate, {noNameOption}},
        {{QStringLiteral("user"), QStringLiteral("rename")}, QStringLiteral("USER NEW-NAME|--clear"),
         QStringLiteral("Change or remove a user's name."), userRename, {byNameOption(), clearOption()}},
        {{QStringLiteral("user"), QStringLiteral("delete")}, QStringLiteral("USER"),
         QStringLiteral("Delete a user and all their passkeys (asks first; --yes to skip)."), userDelete, {byNameOption()}},
        {{QStringLiteral("users"), QStringLiteral("import")}, QStringLiteral("FILE|-"),
         QStringLiteral("Create users from a CSV or one-name-per-line file; report each row (--report, --dry-run)."),
         usersImport, {chunkSizeOption, reportOption, dryRunOption}},
});

} // namespace

} // namespace plainkey::cli
