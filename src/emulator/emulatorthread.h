#pragma once

#include "emulator/emulatorconfig.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <chrono>

class QThread;

namespace plainkey::emulator {

class Emulator;

//! Runs an Emulator on its own thread, so a slow or stalled emulator never blocks the GUI.
//! The setters are thread-safe: they forward to the emulator's thread.
class EmulatorThread : public QObject
{
    Q_OBJECT
public:
    explicit EmulatorThread(QObject *parent = nullptr);
    ~EmulatorThread() override;

    //! Starts the thread and listens on loopback; false with errorString() on failure.
    bool start(const EmulatorConfig &config = {}, quint16 port = 0);
    void stop();
    bool isRunning() const { return m_emulator != nullptr; }
    QUrl baseUrl() const { return m_baseUrl; }
    QString errorString() const { return m_error; }
    EmulatorConfig config() const { return m_config; }

    void setLatency(std::chrono::milliseconds latency);
    void setFault(const Fault &fault);
    void seedDemoData();
    void reset();

private:
    QThread *m_thread = nullptr;
    QPointer<Emulator> m_emulator;
    EmulatorConfig m_config;
    QUrl m_baseUrl;
    QString m_error;
};

} // namespace plainkey::emulator
