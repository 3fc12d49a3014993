#include "chromiumprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QThread>

QString ChromiumProcess::findExecutable()
{
    const QString configured = qEnvironmentVariable("PLAINKEY_CHROMIUM");
    if (!configured.isEmpty()) {
        const QString found = QStandardPaths::findExecutable(configured);
        return found.isEmpty() ? configured : found; // a path that is not there fails start(), loudly
    }
    for (const char *name : {"chromium", "chromium-browser"}) {
        const QString path = QStandardPaths::findExecutable(QString::fromLatin1(name));
        if (!path.isEmpty())
            return path;
    }
    return {};
}

ChromiumProcess::~ChromiumProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    // The browser's helper processes may still write to the profile for a moment after it
    // exits; remove it once they are done, so QTemporaryDir does not leave it behind.
    for (int attempt = 0; attempt < 40 && m_profile.isValid(); ++attempt) {
        if (QDir(m_profile.path()).removeRecursively())
            break;
        QThread::msleep(50);
    }
}

bool ChromiumProcess::start(const QString &executable, int timeoutMs)
{
    if (!m_profile.isValid()) {
        m_error = QStringLiteral("cannot create a temporary profile directory: %1").arg(m_profile.errorString());
        return false;
    }
    // --no-sandbox: the sandbox refuses to run as root (CI containers); the profile is a
    // throw-away one and the browser only ever loads the emulator on loopback.
    const QStringList arguments{
            QStringLiteral("--headless=new"),
            QStringLiteral("--no-sandbox"),
            QStringLiteral("--disable-gpu"),
            QStringLiteral("--no-first-run"),
            QStringLiteral("--no-default-browser-check"),
            QStringLiteral("--disable-background-networking"),
            QStringLiteral("--disable-component-update"),
            QStringLiteral("--disable-sync"),
            QStringLiteral("--disable-extensions"),
            QStringLiteral("--user-data-dir=") + m_profile.path(),
            QStringLiteral("--remote-debugging-port=0"),
            QStringLiteral("about:blank"),
    };
    m_process.setProgram(executable);
    m_process.setArguments(arguments);
    // Into files, not pipes: a chatty browser must never block on a full pipe nobody reads.
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.setStandardErrorFile(m_profile.filePath(QStringLiteral("stderr.log")));
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("%1 did not start: %2").arg(executable, m_process.errorString());
        return false;
    }
    // The browser writes the port it picked, then the browser target's path, to this file.
    const QString portFile = m_profile.filePath(QStringLiteral("DevToolsActivePort"));
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        // Waiting for the exit doubles as the pause between looks at the file.
        if (m_process.state() == QProcess::NotRunning || m_process.waitForFinished(50)) {
            m_error = QStringLiteral("%1 exited (status %2) before opening its DevTools port: %3")
                              .arg(executable)
                              .arg(m_process.exitCode())
                              .arg(QString::fromLocal8Bit(log().right(2000)));
            return false;
        }
        QFile file(portFile);
        if (file.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = file.readAll().split('\n');
            bool ok = false;
            const int port = lines.value(0).trimmed().toInt(&ok);
            const QByteArray path = lines.value(1).trimmed();
            if (ok && port > 0 && port < 65536 && path.startsWith("/devtools/browser/")) {
                m_webSocketUrl = QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(QString::fromLatin1(path)));
                return true;
            }
        }
    }
    m_error = QStringLiteral("%1 did not open its DevTools port within %2 ms: %3")
                      .arg(executable)
                      .arg(timeoutMs)
                      .arg(QString::fromLocal8Bit(log().right(2000)));
    return false;
}

QByteArray ChromiumProcess::log() const
{
    QFile file(m_profile.filePath(QStringLiteral("stderr.log")));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
