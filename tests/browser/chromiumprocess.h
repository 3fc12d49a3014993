#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

//! A headless Chromium for tests: started with a throw-away profile and the DevTools protocol on
//! a port it picks itself; killed (with its profile deleted) when this object goes.
class ChromiumProcess
{
public:
    ChromiumProcess() = default;
    ~ChromiumProcess();
    ChromiumProcess(const ChromiumProcess &) = delete;
    ChromiumProcess &operator=(const ChromiumProcess &) = delete;

    //! The browser to run: $PLAINKEY_CHROMIUM, else chromium or chromium-browser on PATH; empty
    //! when none is installed.
    static QString findExecutable();

    //! Starts \a executable and waits up to \a timeoutMs for its DevTools endpoint; false with
    //! errorString() when it does not come up.
    bool start(const QString &executable, int timeoutMs = 30000);
    //! ws://127.0.0.1:PORT/devtools/browser/ID, the browser-wide DevTools connection.
    QUrl browserWebSocketUrl() const { return m_webSocketUrl; }
    QString errorString() const { return m_error; }
    //! What the browser wrote to stderr so far (for failure messages).
    QByteArray log() const;

private:
    QTemporaryDir m_profile;
    QProcess m_process;
    QUrl m_webSocketUrl;
    QString m_error;
};
