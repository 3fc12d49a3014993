#include "emulator/emulatorthread.h"

#include "emulator/emulator.h"

#include <QThread>

namespace plainkey::emulator {

EmulatorThread::EmulatorThread(QObject *parent) : QObject(parent) {}

EmulatorThread::~EmulatorThread()
{
    stop();
}

bool EmulatorThread::start(const EmulatorConfig &config, quint16 port)
{
    stop();
    m_config = config;
    m_error.clear();
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("plainkey-emulator"));
    auto *emulator = new Emulator(config);
    emulator->moveToThread(m_thread);
    connect(emulator, &Emulator::requestServed, this, &EmulatorThread::requestServed);
    connect(emulator, &Emulator::browserTokenIssued, this, &EmulatorThread::browserTokenIssued);
    m_thread->start();
    bool ok = false;
    QMetaObject::invokeMethod(emulator, [&] {
        ok = emulator->listen(QHostAddress::LocalHost, port);
        m_baseUrl = emulator->baseUrl();
        m_error = emulator->errorString();
    }, Qt::BlockingQueuedConnection);
    m_emulator = emulator;
    if (!ok) {
        const QString why = m_error;
        stop();
        m_error = why;
        return false;
    }
    return true;
}

void EmulatorThread::stop()
{
    if (!m_thread)
        return;
    // Deleted on its own thread: its sockets and timers belong there.
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e] { delete e; }, Qt::BlockingQueuedConnection);
    m_emulator = nullptr;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_baseUrl.clear();
}

bool EmulatorThread::isRunning() const
{
    return m_emulator != nullptr;
}

void EmulatorThread::setLatency(std::chrono::milliseconds latency)
{
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e, latency] { e->setLatency(latency); });
}

void EmulatorThread::setClockSkew(std::chrono::seconds skew)
{
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e, skew] { e->setClockSkew(skew); });
}

void EmulatorThread::setFault(const Fault &fault)
{
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e, fault] { e->setFault(fault); });
}

void EmulatorThread::seedDemoData()
{
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e] { e->seedDemoData(); }, Qt::BlockingQueuedConnection);
}

void EmulatorThread::reset()
{
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e] { e->reset(); }, Qt::BlockingQueuedConnection);
}

} // namespace plainkey::emulator
