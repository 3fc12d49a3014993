#pragma once

#include "core/api/plainkeyclient.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonObject>
#include <QJsonValue>
#include <QTextStream>

#include <memory>

#include <functional>
#include <optional>

namespace plainkey::cli {

//! plainkey-cli's exit codes, documented in --help.
enum ExitCode {
    ExitOk = 0,                  //!< success, or the token is valid
    ExitNotValid = 1,            //!< the token is not valid
    ExitUsage = 2,               //!< wrong arguments or input
    ExitCredentialsRejected = 3, //!< PlainKey refused the project ID or secret
    ExitFailure = 4,             //!< network, server or protocol failure
};

class CliApp;

//! One sub-command ("token", "verify", "user get", ...).
struct Command
{
    QStringList words;   //!< e.g. {"user", "get"}
    QString arguments;   //!< e.g. "USER" for the help text
    QString summary;
    std::function<int(CliApp &app, const QStringList &arguments)> run;
    QList<QCommandLineOption> options = {};
};

//! Adds commands at start-up: `static const CommandRegistration r({...});` in a commands file.
struct CommandRegistration
{
    explicit CommandRegistration(QList<Command> commands);
};

//! The command-line client: global options, the PlainKey client, output helpers.
class CliApp
{
public:
    CliApp();
    int run(const QStringList &arguments);

    PlainKeyClient &client() { return *m_client; }
    QCommandLineParser &parser() { return m_parser; }
    bool json() const { return m_json; }
    bool showSecrets() const { return m_showSecrets; }
    bool assumeYes() const { return m_yes; }
    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }

    //! Prints \a value as indented JSON on standard output.
    void printJson(const QJsonValue &value);
    //! Prints the error in one line on standard error (or as JSON with --json) and returns its exit code.
    int fail(const ApiError &error);
    //! Prints a usage error and returns ExitUsage.
    int usage(const QString &message);
    static int exitCodeFor(const ApiError &error);
    //! {"kind", "message", "status"?, "serverMessage"?, "retryAfterSeconds"?}: the "error" of --json output.
    static QJsonObject errorJson(const ApiError &error);

    //! The most read from standard input for a client secret or a token: 64 KiB.
    static constexpr qint64 maxSecretBytes = 64 * 1024;
    //! Reads all of standard input (for "-" arguments and files), or nullopt after printing why:
    //! more than \a limit bytes is refused whole, never cut.
    std::optional<QByteArray> readStdin(const QString &what, qint64 limit);
    //! Asks "question [y/N]" on the terminal (true at once with --yes). Otherwise, or without a
    //! terminal to ask on, prints one line starting with \a refusal (JSON too with --json) and
    //! returns false; the command then exits with ExitUsage.
    bool confirm(const QString &question, const QString &refusal);
    //! \a text on one line for standard error: control characters shown as escapes, and the
    //! middle of a text longer than \a maxLength left out.
    static QString oneLine(const QString &text, int maxLength = 600);

    //! Runs operation \a Op to completion and returns its result.
    template <typename Op, typename... Args>
    Result<typename Op::Value> wait(Args &&...args)
    {
        std::optional<Result<typename Op::Value>> result;
        QEventLoop loop;
        m_client->call<Op>(nullptr, [&](const Result<typename Op::Value> &r) {
            result.emplace(r);
            loop.quit();
        }, std::forward<Args>(args)...);
        loop.exec();
        return *result;
    }

    //! Makes sure the credentials are set and valid; prints why not and returns false otherwise.
    bool prepareCredentials();
    //! The profile name recorded with this run's exchanges in the history ("default" until set).
    void setHistoryProfile(const QString &name) { m_historyProfile = name; }

    //! True once standard input has been consumed (by --secret-stdin or a "-" argument).
    bool stdinUsed() const { return m_stdinUsed; }

private:
    void printHelp();
    void printExchange(int index);
    const Command *findCommand(const QStringList &positional, int *consumed) const;

    QCommandLineParser m_parser;
    QTextStream m_out;
    QTextStream m_err;
    std::unique_ptr<PlainKeyClient> m_client;
    bool m_json = false;
    bool m_showSecrets = false;
    bool m_yes = false;
    bool m_verbose = false;
    bool m_stdinUsed = false;
    QString m_historyProfile = QStringLiteral("default");
};

} // namespace plainkey::cli
