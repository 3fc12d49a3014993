#pragma once

#include "emulator/emulatorconfig.h"

#include <QDateTime>
#include <QObject>
#include <QUrl>

#include <chrono>

class QThread;

namespace plainkey::emulator {

class Emulator;

//! Runs an Emulator on its own thread, so a slow or stalled emulator never blocks the GUI.
//! start() and stop() belong to the owning thread; the setters forward to the emulator's thread.
class EmulatorThread : public QObject
{
    Q_OBJECT
public:
    explicit EmulatorThread(QObject *parent = nullptr);
    ~EmulatorThread() override;

    //! Starts the thread and listens on loopback (port 0 picks one); false with errorString() on failure.
    bool start(const EmulatorConfig &config = {}, quint16 port = 0);
    //! Stops serving and ends the thread; requests in flight are dropped.
    void stop();
    bool isRunning() const;
    //! http://127.0.0.1:PORT while running, empty otherwise.
    QUrl baseUrl() const { return m_baseUrl; }
    QString errorString() const { return m_error; }
    EmulatorConfig config() const { return m_config; }

    //! "PlainKey is slow": every Server API answer waits \a latency (does not wait for the change).
    void setLatency(std::chrono::milliseconds latency);
    //! "PlainKey's clock is off" by \a skew (does not wait for the change).
    void setClockSkew(std::chrono::seconds skew);
    //! Injects \a fault into Server API answers (does not wait for the change).
    void setFault(const Fault &fault);
    //! Adds the demo users; returns once they exist.
    void seedDemoData();
    //! Empties the store and clears faults; returns once done.
    void reset();

signals:
    //! Relayed from the emulator's thread (queued): one answer given, 0 when a fault gave none.
    void requestServed(const QString &method, const QString &path, int status);
    //! Relayed from the emulator's thread (queued): the Browser API issued a token (Emulator::browserTokenIssued).
    void browserTokenIssued(const QString &userId, const QString &userName, const QString &token, const QDateTime &expiresAt,
                            const QString &ceremony);

private:
    QThread *m_thread = nullptr;
    Emulator *m_emulator = nullptr; //!< lives on m_thread; deleted there by stop()
    EmulatorConfig m_config;
    QUrl m_baseUrl;
    QString m_error;
};

} // namespace plainkey::emulator
