// plainkey-cli diagnose [USER] [--by-name] [--token TOKEN|-]: the sign-in troubleshooter for
// terminals and tickets, on core's Diagnosis (the console's Troubleshooter tab runs the same checks).
#include "cliapp.h"
#include "commandsupport.h"

#include "diagnose/diagnosis.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>

namespace plainkey::cli {

namespace {

const QCommandLineOption tokenOption(QStringLiteral("token"),
        QStringLiteral("diagnose: the authentication token from the customer's session, or - to read it from standard input."),
        QStringLiteral("token|-"));
const QCommandLineOption bundleOption(QStringLiteral("bundle"),
        QStringLiteral("diagnose: also save a support bundle (findings and this run's exchanges, redacted) to this file."),
        QStringLiteral("file"));

//! HOOK for --bundle FILE (issue 10.5; the bundle writer is core's, from another change): diagnose
//! calls this after the checks, whatever they found, with the finished \a diagnosis (its findings)
//! and app.client()'s exchange log at hand. It returns ExitOk once the file is written, else the
//! exit code after printing why, which then replaces the diagnosis's. Until the writer is wired
//! here, it says so and exits 2.
int writeSupportBundle(CliApp &app, const Diagnosis &diagnosis, const QString &path)
{
    Q_UNUSED(diagnosis)
    Q_UNUSED(path)
    return app.usage(QStringLiteral("--bundle is not available in this build yet: save the findings with --json instead"));
}

//! "PASS", "FAIL", "COULD NOT CHECK": a verdict as a column a person scans down.
QString verdictLabel(Finding::Verdict verdict)
{
    return Finding::verdictName(verdict).toUpper().replace(QLatin1Char('-'), QLatin1Char(' '));
}

QJsonObject findingJson(const Finding &f)
{
    QJsonArray ids;
    for (quint64 id : f.exchangeIds)
        ids.append(double(id));
    return QJsonObject{{QStringLiteral("id"), f.id},
                       {QStringLiteral("verdict"), Finding::verdictName(f.verdict)},
                       {QStringLiteral("title"), f.title},
                       {QStringLiteral("detail"), f.detail},
                       {QStringLiteral("action"), f.action},
                       {QStringLiteral("exchangeIds"), ids}};
}

int diagnoseCommand(CliApp &app, const QStringList &args)
{
    if (args.size() > 1)
        return app.usage(QStringLiteral("diagnose takes at most one USER (a user ID, or a user name with --by-name); give the token with --token"));
    DiagnosisInput input;
    if (!args.isEmpty()) {
        const UserIdentifier who = userArgument(app, args.first());
        if (const QString problem = who.problem(); !problem.isEmpty())
            return app.usage(problem);
        input.user = who.value;
        input.byName = who.isName();
    } else if (app.parser().isSet(byNameOption())) {
        return app.usage(QStringLiteral("--by-name needs a USER: diagnose ada@example.com --by-name"));
    }
    if (app.parser().isSet(tokenOption)) {
        QString raw = app.parser().value(tokenOption);
        if (raw == QLatin1String("-")) {
            const auto in = app.readStdin(QStringLiteral("the token"), CliApp::maxSecretBytes);
            if (!in)
                return ExitUsage;
            raw = QString::fromUtf8(*in);
        }
        if (raw.trimmed().isEmpty())
            return app.usage(QStringLiteral("--token was given without a token (use - to read it from standard input)"));
        input.token = raw;
    }
    if (input.user.isEmpty() && input.token.isEmpty())
        return app.usage(QStringLiteral("diagnose needs a USER, a --token, or both"));
    const bool bundle = app.parser().isSet(bundleOption);
    if (!app.prepareCredentials())
        return ExitUsage;

    Diagnosis diagnosis(&app.client());
    QEventLoop loop;
    QObject::connect(&diagnosis, &Diagnosis::finished, &loop, &QEventLoop::quit);
    if (!app.json()) {
        // One line per check as it finishes, so a slow PlainKey shows where it is.
        QObject::connect(&diagnosis, &Diagnosis::findingAdded, &loop, [&app](const Finding &f) {
            if (f.id == QLatin1String("summary"))
                return;
            app.out() << verdictLabel(f.verdict).leftJustified(16) << f.id.leftJustified(14) << CliApp::oneLine(f.title, 0) << '\n';
            app.out().flush();
        });
    }
    diagnosis.start(input);
    loop.exec();

    const Finding summary = diagnosis.summary();
    if (app.json()) {
        QJsonArray list;
        for (const Finding &f : diagnosis.findings())
            list.append(findingJson(f));
        app.printJson(list);
    } else {
        app.out() << '\n' << CliApp::oneLine(summary.title, 0) << '\n';
        if (!summary.action.isEmpty())
            app.out() << "Next: " << CliApp::oneLine(summary.action, 0) << '\n';
        app.out().flush();
    }
    const int code = Diagnosis::exitCode(diagnosis.outcome());
    if (bundle) {
        if (const int bundleCode = writeSupportBundle(app, diagnosis, app.parser().value(bundleOption)); bundleCode != ExitOk)
            return bundleCode;
    }
    return code;
}

const CommandRegistration registration({
        {{QStringLiteral("diagnose")}, QStringLiteral("[USER] [--token TOKEN|-]"),
         QStringLiteral("Why can't this person sign in? Runs the troubleshooter's checks; exit 0 nothing wrong, "
                        "1 found why, 3 credentials refused, 4 could not check."),
         diagnoseCommand, {byNameOption(), tokenOption, bundleOption}},
});

} // namespace

} // namespace plainkey::cli
