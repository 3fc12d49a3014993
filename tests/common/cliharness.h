#pragma once

// plainkey-cli as a script runs it, for the CLI tests: the built program run with arguments,
// standard input and an environment, then its exit code, standard output and standard error;
// and the plainkey-emulator process a test case points it at. The test's CMakeLists defines
// PLAINKEY_CLI_BINARY and PLAINKEY_EMULATOR_BINARY, the built programs' paths.

#include "emulatorprocess.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTest>
#include <QUrl>

#ifndef PLAINKEY_CLI_BINARY
#error "PLAINKEY_CLI_BINARY names the built plainkey-cli: define it in the test's CMakeLists"
#endif

struct Run
{
    int exitCode = -1; //!< -1: did not start or did not finish in time; -2: crashed
    QString out;
    QString err;

    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
    QJsonObject jsonError() const { return json().value(QLatin1String("error")).toObject(); }
    QString all() const { return out + err; }
};

//! What this process does while the program runs.
enum class WhileRunning {
    Block,       //!< nothing: it waits
    ServeEvents, //!< runs its event loop, for servers in this process that the program talks to
};

inline Run runProgram(const QString &program, const QStringList &args, const QProcessEnvironment &environment,
                      const QByteArray &stdinData, int timeoutMs, WhileRunning whileRunning = WhileRunning::Block)
{
    QProcess p;
    p.setProcessEnvironment(environment);
    p.start(program, args);
    Run r;
    if (!p.waitForStarted(10000))
        return r;
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    const bool finished = whileRunning == WhileRunning::Block
                                  ? p.waitForFinished(timeoutMs)
                                  : QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, timeoutMs);
    if (!finished) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

//! The test's own environment pointing plainkey-cli at \a baseUrl with \a projectId and
//! \a clientSecret, without the test's logging rules (the CLI's own apply).
inline QProcessEnvironment cliEnvironment(const QString &baseUrl, const QString &projectId, const QString &clientSecret)
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("PLAINKEY_BASE_URL"), baseUrl);
    e.insert(QStringLiteral("PLAINKEY_PROJECT_ID"), projectId);
    e.insert(QStringLiteral("PLAINKEY_CLIENT_SECRET"), clientSecret);
    e.remove(QStringLiteral("QT_LOGGING_RULES"));
    return e;
}

//! One test case's plainkey-emulator on a free loopback port and the built plainkey-cli run
//! against it: start() in initTestCase, stop() in cleanupTestCase.
class CliHarness
{
public:
    //! The built plainkey-cli.
    static QString cliBinary() { return QStringLiteral(PLAINKEY_CLI_BINARY); }

    //! Checks that both programs were built, starts plainkey-emulator with `--port 0` and
    //! \a args, and reads the URL it prints. Its base URL; an invalid one, with what went
    //! wrong in failure(), when any of that did not happen.
    QUrl start(const QStringList &args = {})
    {
        m_base = {};
        for (const QString &program : {EmulatorProcess::binary(), cliBinary()}) {
            if (!QFile::exists(program)) {
                m_failure = QStringLiteral("not built: ") + program;
                return {};
            }
        }
        m_emulator.start(QStringList{QStringLiteral("--port"), QStringLiteral("0")} + args);
        if (!m_emulator.process.waitForStarted(10000)) {
            m_failure = QStringLiteral("plainkey-emulator did not start: ") + m_emulator.process.errorString();
            return {};
        }
        const QUrl base = m_emulator.waitForUrl(15000);
        if (!base.isValid() || base.port() <= 0) {
            m_failure = QStringLiteral("plainkey-emulator printed no URL within 15 s: \"%1\" %2")
                                .arg(m_emulator.line.trimmed(), QString::fromUtf8(m_emulator.process.readAllStandardError()));
            return {};
        }
        m_base = base;
        return m_base;
    }
    //! Why start() failed.
    QString failure() const { return m_failure; }
    //! Stops the emulator (SIGTERM, SIGKILL after 5 s).
    void stop() { m_emulator.stop(); }

    QUrl base() const { return m_base; }
    //! The test's own environment pointing plainkey-cli at the emulator's demo project, with
    //! \a clientSecret.
    QProcessEnvironment environment(const QString &clientSecret = QStringLiteral("demo-secret")) const
    {
        return cliEnvironment(m_base.toString(), QStringLiteral("demo-project"), clientSecret);
    }
    //! Runs plainkey-cli with \a env and \a stdinData; killed after \a timeoutMs.
    Run run(const QStringList &args, const QProcessEnvironment &env, const QByteArray &stdinData = {}, int timeoutMs = 60000) const
    {
        return runProgram(cliBinary(), args, env, stdinData, timeoutMs);
    }

private:
    EmulatorProcess m_emulator;
    QUrl m_base;
    QString m_failure;
};
