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
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("plainkey-emulator"));
    m_thread->start();
    auto *emulator = new Emulator(config);
    emulator->moveToThread(m_thread);
    bool ok = false;
    QMetaObject::invokeMethod(emulator, [&] {
        ok = emulator->listen(QHostAddress::LocalHost, port);
        m_baseUrl = emulator->baseUrl();
        m_error = emulator->errorString();
    }, Qt::BlockingQueuedConnection);
    if (!ok) {
        QMetaObject::invokeMethod(emulator, &QObject::deleteLater);
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        return false;
    }
    m_emulator = emulator;
    return true;
}

void EmulatorThread::stop()
{
    if (!m_thread)
        return;
    if (m_emulator) {
        Emulator *emulator = m_emulator;
        QMetaObject::invokeMethod(emulator, [emulator] { delete emulator; }, Qt::BlockingQueuedConnection);
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_baseUrl.clear();
}

void EmulatorThread::setLatency(std::chrono::milliseconds latency)
{
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e, latency] { e->setLatency(latency); });
}

void EmulatorThread::setFault(const Fault &fault)
{
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e, fault] { e->setFault(fault); });
}

void EmulatorThread::seedDemoData()
{
    // Blocking, so demo users exist before the caller goes on to show them.
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e] { e->seedDemoData(); }, Qt::BlockingQueuedConnection);
}

void EmulatorThread::reset()
{
    if (Emulator *e = m_emulator)
        QMetaObject::invokeMethod(e, [e] { e->reset(); }, Qt::BlockingQueuedConnection);
}

} // namespace plainkey::emulator
