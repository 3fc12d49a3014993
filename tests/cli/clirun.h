#pragma once

// Running a built program as a script would: arguments, standard input, then its exit code,
// standard output and standard error.

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

struct Run
{
    int exitCode = -1; //!< -1: did not start or did not finish in time; -2: crashed
    QString out;
    QString err;

    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
    QJsonObject jsonError() const { return json().value(QLatin1String("error")).toObject(); }
    QString all() const { return out + err; }
};

inline Run runProgram(const QString &program, const QStringList &args, const QProcessEnvironment &environment,
                      const QByteArray &stdinData, int timeoutMs)
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
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}
