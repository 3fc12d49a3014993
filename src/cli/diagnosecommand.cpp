// plainkey-cli diagnose [USER] [--by-name] [--token TOKEN|-]: the sign-in troubleshooter for
// terminals and tickets, on core's Diagnosis (the console's Troubleshooter tab runs the same checks).
#include "cli/cliapp.h"
#include "cli/commandsupport.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/diagnose/diagnosis.h"
#include "core/export/supportbundle.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QSaveFile>
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

const QCommandLineOption noMaskOption(QStringLiteral("no-mask"),
        QStringLiteral("diagnose --bundle: leave user names, e-mail addresses and user IDs in the bundle unmasked (secrets stay redacted)."));

//! --bundle FILE: after the checks, whatever they found, the findings and this run's exchanges
//! as one self-contained HTML file for a ticket. ExitOk once written; else why, and exit 4.
int writeSupportBundle(CliApp &app, const Diagnosis &diagnosis, const QString &path)
{
    SupportBundleContent content;
    content.programName = QStringLiteral("plainkey-cli");
    content.programVersion = QCoreApplication::applicationVersion();
    const Credentials &c = app.client().credentials();
    content.baseUrl = c.normalizedBaseUrl();
    content.projectId = c.projectId;
    content.destinationKind = c.isLoopback() ? QStringLiteral("local (a server on this computer)") : QStringLiteral("live (PlainKey)");
    if (const auto skew = app.client().accessToken()->clockSkew())
        content.clockSkewMs = std::chrono::duration_cast<std::chrono::milliseconds>(*skew).count();
    content.findings = diagnosis.findings();
    content.exchanges = app.client().exchangeLog()->snapshot();
    content.maskPersonalData = !app.parser().isSet(noMaskOption);
    content.redactor = &app.client().transport()->redactor();
    QSaveFile file(path);
    QString error;
    if (!file.open(QIODevice::WriteOnly))
        error = file.errorString();
    else if (!SupportBundle::write(content, &file, &error))
        file.cancelWriting();
    else if (!file.commit())
        error = file.errorString();
    if (!error.isEmpty()) {
        app.err() << "plainkey-cli: could not write the support bundle to " << path << ": " << CliApp::oneLine(error, 0)
                  << "\nChoose a folder you can write to, e.g. --bundle ~/plainkey-bundle.html\n";
        app.err().flush();
        return ExitFailure;
    }
    app.err() << "Saved the support bundle to " << path << " (secrets redacted"
              << (content.maskPersonalData ? ", user names, e-mail addresses and user IDs masked)" : "; personal data NOT masked)") << '\n';
    app.err().flush();
    return ExitOk;
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
         diagnoseCommand, {byNameOption(), tokenOption, bundleOption, noMaskOption}},
});

} // namespace

} // namespace plainkey::cli
