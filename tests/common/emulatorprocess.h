#pragma once

// The plainkey-emulator program as a test runs it: a real process started with its options,
// the URL line it prints read back, and stopped (or killed) at the end. The test's CMakeLists
// defines PLAINKEY_EMULATOR_BINARY, the built program's path.

#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QUrl>

#include <csignal>
#include <sys/types.h>

#ifndef PLAINKEY_EMULATOR_BINARY
#error "PLAINKEY_EMULATOR_BINARY names the built plainkey-emulator: define it in the test's CMakeLists"
#endif

//! A plainkey-emulator process, killed when it goes out of scope if still running.
class EmulatorProcess
{
public:
    //! The built program.
    static QString binary() { return QStringLiteral(PLAINKEY_EMULATOR_BINARY); }

    //! The test's own environment without PLAINKEY_EMULATOR_CLIENT_SECRET, so the emulator's
    //! secret is the one the test chose: \a envSecret when not empty, else its default or
    //! --client-secret.
    static QProcessEnvironment environment(const QString &envSecret = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PLAINKEY_EMULATOR_CLIENT_SECRET"));
        if (!envSecret.isEmpty())
            env.insert(QStringLiteral("PLAINKEY_EMULATOR_CLIENT_SECRET"), envSecret);
        return env;
    }

    //! Not started yet: start() it (a test case's emulator, started by initTestCase).
    EmulatorProcess() = default;
    //! Started with \a args at once.
    explicit EmulatorProcess(const QStringList &args, const QProcessEnvironment &env = environment(),
                             const QString &workingDirectory = {})
    {
        start(args, env, workingDirectory);
    }
    EmulatorProcess(const EmulatorProcess &) = delete;
    EmulatorProcess &operator=(const EmulatorProcess &) = delete;
    ~EmulatorProcess()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

    void start(const QStringList &args, const QProcessEnvironment &env = environment(), const QString &workingDirectory = {})
    {
        process.setProcessEnvironment(env);
        if (!workingDirectory.isEmpty())
            process.setWorkingDirectory(workingDirectory);
        process.start(binary(), args);
    }

    //! The URL line, once printed (empty if it never came within \a timeoutMs, or the program
    //! ended first); the line as printed stays in #line.
    QUrl waitForUrl(int timeoutMs = 15000)
    {
        QElapsedTimer t;
        t.start();
        while (!process.canReadLine() && t.elapsed() < timeoutMs && process.state() != QProcess::NotRunning)
            process.waitForReadyRead(200);
        if (!process.canReadLine())
            return {};
        line = QString::fromUtf8(process.readLine());
        return QUrl(line.trimmed());
    }

    //! SIGTERM, as a person stopping it would; SIGKILL if it has not ended within 5 s.
    void stop()
    {
        process.terminate();
        if (!process.waitForFinished(5000)) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

    //! SIGKILL: no clean-up, no checkpoint, whatever was in flight is lost.
    void killNine()
    {
        process.kill();
        process.waitForFinished(5000);
    }

    //! Sends \a sig to the running program.
    void signal(int sig) { ::kill(pid_t(process.processId()), sig); }

    //! Waits for a program that should refuse to start; its exit code (-1: still running after
    //! 15 s, -2: crashed), its standard error in \a err.
    int finish(QString *err)
    {
        if (!process.waitForFinished(15000))
            return -1;
        *err = QString::fromUtf8(process.readAllStandardError());
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    }

    QProcess process;
    QString line; //!< the URL line as printed, newline included
};
