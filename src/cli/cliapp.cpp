#include "cli/cliapp.h"
#include "cli/profileoptions.h"

#include "core/api/accesstokenmanager.h"
#include "core/history/historyretention.h"
#include "core/history/historywriter.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cstdio>
#include <unistd.h>

namespace plainkey::cli {

namespace {

QList<Command> &registry()
{
    static QList<Command> commands;
    return commands;
}

const QCommandLineOption baseUrlOption(QStringLiteral("base-url"),
        QStringLiteral("Server API base URL (env PLAINKEY_BASE_URL; default https://api.plainkey.io/server)."), QStringLiteral("url"));
const QCommandLineOption projectIdOption(QStringLiteral("project-id"), QStringLiteral("Project ID (env PLAINKEY_PROJECT_ID)."), QStringLiteral("id"));
const QCommandLineOption secretStdinOption(QStringLiteral("secret-stdin"),
        QStringLiteral("Read the client secret from the first line of standard input, at most 64 KiB (else env PLAINKEY_CLIENT_SECRET)."));
const QCommandLineOption timeoutOption(QStringLiteral("timeout"), QStringLiteral("Seconds to wait for each request, 0.001 to 3600 (default 30)."),
                                       QStringLiteral("seconds"), QStringLiteral("30"));
const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print results and errors as JSON."));
const QCommandLineOption verboseOption(QStringLiteral("verbose"), QStringLiteral("Print every exchange, redacted, on standard error."));
const QCommandLineOption showSecretsOption(QStringLiteral("show-secrets"), QStringLiteral("Print the access token itself (token command)."));
const QCommandLineOption yesOption(QStringLiteral("yes"), QStringLiteral("Do not ask before deleting."));
const QCommandLineOption insecureOption(QStringLiteral("allow-insecure-http"),
        QStringLiteral("Allow plain http:// to a host other than this machine (sends the secret unencrypted)."));
const QCommandLineOption noHistoryOption(QStringLiteral("no-history"), QStringLiteral("Do not record this run's exchanges in the request history."));

} // namespace

CommandRegistration::CommandRegistration(QList<Command> commands)
{
    registry().append(commands);
}

CliApp::CliApp() : m_out(stdout), m_err(stderr), m_client(std::make_unique<PlainKeyClient>())
{
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    m_parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    // Commands may share an option (--by-name), also with the global ones (history's --profile
    // filter is the global --profile); the parser takes each name once.
    QSet<QString> added;
    for (const auto &o : {baseUrlOption, projectIdOption, secretStdinOption, timeoutOption, jsonOption, verboseOption,
                          showSecretsOption, yesOption, insecureOption, noHistoryOption, profileOption()}) {
        added.insert(o.names().first());
        m_parser.addOption(o);
    }
    // -h/--help and -v/--version as every Qt program spells them; the man page is made from this help.
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    for (const Command &c : registry()) {
        for (const auto &o : c.options) {
            if (!added.contains(o.names().first())) {
                added.insert(o.names().first());
                m_parser.addOption(o);
            }
        }
    }
}

const Command *CliApp::findCommand(const QStringList &positional, int *consumed) const
{
    const Command *best = nullptr;
    for (const Command &c : registry()) {
        if (c.words.size() > positional.size())
            continue;
        if (positional.mid(0, c.words.size()) == c.words && (!best || c.words.size() > best->words.size()))
            best = &c;
    }
    if (best)
        *consumed = int(best->words.size());
    return best;
}

void CliApp::printHelp()
{
    m_out << "Usage: plainkey-cli [options] COMMAND [arguments]\n\n"
             "Talks to the PlainKey Server API (or the local plainkey-emulator) with a project's credentials.\n\n"
             "Commands:\n";
    for (const Command &c : registry()) {
        const QString left = (c.words.join(QLatin1Char(' ')) + QLatin1Char(' ') + c.arguments).trimmed();
        // At least two spaces before the summary, as QCommandLineParser does: the man page and the
        // completion split the two there.
        m_out << "  " << left.leftJustified(33) << "  " << c.summary << '\n';
    }
    m_out << "\nOptions:\n";
    const QString help = m_parser.helpText();
    const qsizetype at = help.indexOf(QLatin1String("Options:\n"));
    m_out << (at >= 0 ? help.mid(at + 9) : help);
    m_out << "\nThe client secret is never taken as an argument: set PLAINKEY_CLIENT_SECRET or use --secret-stdin.\n"
             "\nExit codes: 0 success or valid token, 1 token not valid, 2 usage error,\n"
             "            3 credentials rejected, 4 network, server or protocol failure.\n"
             "A delete that is not confirmed exits 2; users import exits 4 unless it created every name.\n"
             "\nStandard input is read up to a limit, and refused whole past it: 64 KiB for a secret or a token\n"
             "(--secret-stdin, verify -), 64 MiB for users import -.\n"
             "Redirects are followed only within the base URL's origin (scheme, host and port); one to another\n"
             "host, or from https to http, fails (exit 4) without sending anything there.\n";
    m_out.flush();
}

int CliApp::usage(const QString &message)
{
    if (m_json) {
        printJson(QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("usage")},
                                                                   {QStringLiteral("message"), message}}}});
    }
    m_err << "plainkey-cli: " << oneLine(message) << " (see plainkey-cli --help)\n";
    m_err.flush();
    return ExitUsage;
}

int CliApp::exitCodeFor(const ApiError &error)
{
    switch (error.kind()) {
    case ApiError::Kind::None: return ExitOk;
    case ApiError::Kind::InvalidInput: return ExitUsage;
    case ApiError::Kind::CredentialsRejected: return ExitCredentialsRejected;
    default: return ExitFailure;
    }
}

QJsonObject CliApp::errorJson(const ApiError &error)
{
    QJsonObject e{{QStringLiteral("kind"), ApiError::kindName(error.kind())}, {QStringLiteral("message"), error.message()}};
    if (error.httpStatus())
        e.insert(QStringLiteral("status"), error.httpStatus());
    if (!error.serverMessage().isEmpty())
        e.insert(QStringLiteral("serverMessage"), error.serverMessage());
    if (error.retryAfterSeconds())
        e.insert(QStringLiteral("retryAfterSeconds"), *error.retryAfterSeconds());
    return e;
}

int CliApp::fail(const ApiError &error)
{
    if (m_json)
        printJson(QJsonObject{{QStringLiteral("error"), errorJson(error)}});
    m_err << "plainkey-cli: " << oneLine(error.message()) << '\n';
    m_err.flush();
    return exitCodeFor(error);
}

void CliApp::printJson(const QJsonValue &value)
{
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    m_out << doc.toJson(QJsonDocument::Indented);
    m_out.flush();
}

namespace {

QString describeBytes(qint64 bytes)
{
    if (bytes % (1024 * 1024) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
    if (bytes % 1024 == 0)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}

} // namespace

std::optional<QByteArray> CliApp::readStdin(const QString &what, qint64 limit)
{
    if (m_stdinUsed) {
        usage(QStringLiteral("standard input is already used for something else; cannot also read %1 from it").arg(what));
        return std::nullopt;
    }
    m_stdinUsed = true;
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        usage(QStringLiteral("cannot read %1 from standard input").arg(what));
        return std::nullopt;
    }
    // One byte past the limit is enough to know: never read (or keep) an unbounded stream. A
    // pipe gives its bytes in chunks (64 KiB here), so read until the end or past the limit.
    QByteArray data;
    while (data.size() <= limit) {
        const QByteArray chunk = in.read(limit + 1 - data.size());
        if (chunk.isEmpty())
            break;
        data += chunk;
    }
    if (data.size() > limit) {
        usage(QStringLiteral("%1 on standard input is larger than %2, the limit; nothing was used").arg(what, describeBytes(limit)));
        return std::nullopt;
    }
    return data;
}

bool CliApp::confirm(const QString &question, const QString &refusal)
{
    if (m_yes)
        return true;
    QString why;
    if (!isatty(fileno(stdin)) || m_stdinUsed) {
        why = QStringLiteral("%1. %2 Standard input is not a terminal to answer on: pass --yes to confirm.").arg(refusal, question);
    } else {
        m_err << oneLine(question, 0) << " [y/N] ";
        m_err.flush();
        QFile in;
        const QByteArray line = in.open(stdin, QIODevice::ReadOnly) ? in.readLine() : QByteArray();
        const QByteArray answer = line.trimmed().toLower();
        if (answer == "y" || answer == "yes")
            return true;
        if (!line.endsWith('\n'))
            m_err << '\n'; // end of input: the prompt's line is still open
        why = QStringLiteral("%1 (the answer was not yes).").arg(refusal);
    }
    if (m_json) {
        printJson(QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("not-confirmed")},
                                                                   {QStringLiteral("message"), why}}}});
    }
    m_err << "plainkey-cli: " << oneLine(why) << '\n';
    m_err.flush();
    return false;
}

QString CliApp::oneLine(const QString &text, int maxLength)
{
    QString line;
    line.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('\n'))
            line += QLatin1String("\\n");
        else if (c == QLatin1Char('\r'))
            line += QLatin1String("\\r");
        else if (c == QLatin1Char('\t'))
            line += QLatin1String("\\t");
        else if (c.category() == QChar::Other_Control || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            line += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            line += c;
    }
    if (maxLength > 0 && line.size() > maxLength) {
        // Keep the start (what failed) and the end (why, what to try); the middle is usually input.
        qsizetype head = maxLength / 3;
        qsizetype tail = maxLength - head;
        if (line.at(head - 1).isHighSurrogate())
            --head; // never half a character
        if (line.at(line.size() - tail).isLowSurrogate())
            --tail;
        const qsizetype cut = line.size() - head - tail;
        line = line.left(head) + QStringLiteral(" [\u2026 %1 characters left out \u2026] ").arg(cut) + line.right(tail);
    }
    return line;
}

bool CliApp::prepareCredentials()
{
    Credentials c;
    // Options, then the environment, then --profile: a variable set for one run wins over the profile.
    bool profileOk = true;
    const std::optional<Profile> profile = profileFromOption(*this, &profileOk);
    if (!profileOk)
        return false;
    QString baseUrl = m_parser.isSet(baseUrlOption) ? m_parser.value(baseUrlOption) : qEnvironmentVariable("PLAINKEY_BASE_URL");
    if (baseUrl.isEmpty() && profile)
        baseUrl = profile->baseUrl.toString();
    if (!baseUrl.isEmpty())
        c.baseUrl = QUrl(baseUrl, QUrl::StrictMode);
    c.projectId = m_parser.isSet(projectIdOption) ? m_parser.value(projectIdOption) : qEnvironmentVariable("PLAINKEY_PROJECT_ID");
    if (c.projectId.isEmpty() && profile)
        c.projectId = profile->projectId;
    if (m_parser.isSet(secretStdinOption)) {
        m_stdinUsed = true;
        QFile in;
        QByteArray line;
        if (in.open(stdin, QIODevice::ReadOnly))
            while (!line.endsWith('\n') && line.size() < maxSecretBytes + 2) { // the secret, then \r\n at most
                const QByteArray chunk = in.readLine(maxSecretBytes + 2 - line.size());
                if (chunk.isEmpty())
                    break;
                line += chunk;
            }
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        if (line.size() > maxSecretBytes) {
            usage(QStringLiteral("--secret-stdin: the first line of standard input is longer than %1, the limit for a client secret; nothing was used")
                          .arg(describeBytes(maxSecretBytes)));
            return false;
        }
        c.clientSecret = QString::fromUtf8(line).trimmed();
        if (c.clientSecret.isEmpty()) {
            usage(QStringLiteral("--secret-stdin was given but standard input had no secret on its first line"));
            return false;
        }
    } else {
        c.clientSecret = qEnvironmentVariable("PLAINKEY_CLIENT_SECRET");
    }
    QString keychainProblem;
    if (c.clientSecret.isEmpty() && profile)
        c.clientSecret = profileSecret(*profile, &keychainProblem);
    const bool allowInsecure = m_parser.isSet(insecureOption);
    const auto problems = c.problems(allowInsecure);
    if (!problems.isEmpty()) {
        QStringList messages;
        for (const auto &p : problems) {
            QString m = p.message;
            if (p.field == Credentials::Field::ProjectId && c.projectId.isEmpty())
                m = QStringLiteral("No project ID: pass --project-id or set PLAINKEY_PROJECT_ID.");
            else if (p.field == Credentials::Field::ClientSecret && c.clientSecret.isEmpty() && profile)
                m = QStringLiteral("No client secret for profile \u201c%1\u201d: %2 Save one with plainkey-cli profile set-secret "
                                   "NAME --secret-stdin, set PLAINKEY_CLIENT_SECRET, or use --secret-stdin.")
                            .arg(profile->name, keychainProblem.isEmpty() ? QStringLiteral("none is saved in the system keychain.")
                                                                          : keychainProblem);
            else if (p.field == Credentials::Field::ClientSecret && c.clientSecret.isEmpty())
                m = QStringLiteral("No client secret: set PLAINKEY_CLIENT_SECRET or pass it on standard input with --secret-stdin.");
            else if (p.field == Credentials::Field::BaseUrl && c.isInsecureRemote())
                m += QStringLiteral(" (--allow-insecure-http)");
            messages.append(m);
        }
        usage(messages.join(QLatin1Char(' ')));
        return false;
    }
    m_client->setAllowInsecureHttp(allowInsecure);
    m_client->setCredentials(c);
    return true;
}

void CliApp::printExchange(int index)
{
    const Exchange &e = m_client->exchangeLog()->at(index);
    if (e.outcome == Exchange::Outcome::Pending)
        return;
    m_err << "> " << e.method << ' ' << e.url << '\n';
    for (const auto &h : e.requestHeaders)
        m_err << "> " << h.first << ": " << h.second << '\n';
    if (!e.requestBody.isEmpty())
        m_err << ">\n> " << e.requestBody << '\n';
    if (e.status)
        m_err << "< " << e.status << ' ' << e.reasonPhrase << " (" << e.durationMs << " ms, " << e.responseBytes << " bytes)\n";
    else
        m_err << "< (" << Exchange::outcomeName(e.outcome) << " after " << e.durationMs << " ms: " << e.errorText << ")\n";
    for (const auto &h : e.responseHeaders)
        m_err << "< " << h.first << ": " << h.second << '\n';
    if (!e.responseBody.isEmpty())
        m_err << "<\n< " << e.responseBody << (e.responseBodyTruncated ? " [...]" : "") << '\n';
    m_err << '\n';
    m_err.flush();
}

int CliApp::run(const QStringList &arguments)
{
    const bool parsed = m_parser.parse(arguments);
    m_json = m_parser.isSet(jsonOption); // also for the usage error below
    if (!parsed)
        return usage(m_parser.errorText());
    m_verbose = m_parser.isSet(verboseOption);
    m_showSecrets = m_parser.isSet(showSecretsOption);
    m_yes = m_parser.isSet(yesOption);
    if (m_parser.isSet(QStringLiteral("version")))
        m_parser.showVersion(); // "plainkey-cli VERSION" on standard output; exits 0
    const QStringList positional = m_parser.positionalArguments();
    const bool helpAsked = m_parser.isSet(QStringLiteral("help")) || m_parser.isSet(QStringLiteral("help-all"));
    if (helpAsked || positional.isEmpty() || positional.first() == QLatin1String("help")) {
        printHelp();
        return positional.isEmpty() && !helpAsked ? ExitUsage : ExitOk;
    }
    int consumed = 0;
    const Command *command = findCommand(positional, &consumed);
    if (!command) {
        // "user frobnicate": name the commands that do start with "user".
        QStringList next;
        for (const Command &c : registry()) {
            if (c.words.size() > 1 && c.words.first() == positional.first())
                next.append(c.words.at(1));
        }
        const QString unknown = QStringLiteral("unknown command \u201c%1\u201d").arg(positional.join(QLatin1Char(' ')));
        if (next.isEmpty())
            return usage(unknown);
        return usage(QStringLiteral("%1; %2 takes one of: %3").arg(unknown, positional.first(), next.join(QLatin1String(", "))));
    }

    bool timeoutOk = false;
    const double timeout = m_parser.value(timeoutOption).toDouble(&timeoutOk);
    // Written so that NaN fails too: it passes "timeout <= 0 || timeout > 3600" unrefused, and
    // converting it to milliseconds is undefined behaviour.
    if (!timeoutOk || !(timeout >= 0.001 && timeout <= 3600))
        return usage(QStringLiteral("--timeout takes a number of seconds from 0.001 to 3600, not \u201c%1\u201d").arg(m_parser.value(timeoutOption)));
    m_client->transport()->setDefaultTimeout(std::chrono::milliseconds(qint64(timeout * 1000)));
    if (m_verbose)
        QObject::connect(m_client->exchangeLog(), &ExchangeLog::exchangeChanged, m_client.get(), [this](int i) { printExchange(i); });

    // Every exchange goes to the request history too (redacted, as the log holds it); the
    // writer's destructor writes what is left before the program exits.
    std::unique_ptr<HistoryWriter> history;
    if (!m_parser.isSet(noHistoryOption) && command->words.first() != QLatin1String("history")) {
        history = std::make_unique<HistoryWriter>();
        // The limits the person set in the console: a CLI run must not prune to others.
        const HistoryRetention retention = HistoryRetention::fromConsoleSettings();
        history->setRetention(retention.maxAge(), retention.maxBytes());
        // The exchanges of a run with --profile belong to that profile in the history.
        if (m_parser.isSet(profileOption()))
            m_historyProfile = m_parser.value(profileOption());
        history->setProfileName(m_historyProfile);
        history->attach(m_client->exchangeLog());
        QObject::connect(history.get(), &HistoryWriter::notice, history.get(), [this](const QString &message) {
            m_err << "plainkey-cli: " << oneLine(message) << '\n';
            m_err.flush();
        });
    }
    return command->run(*this, positional.mid(consumed));
}

} // namespace plainkey::cli
