#pragma once

#include "emulator/emulatorconfig.h"
#include "emulator/emulatorstore.h"
#include "emulator/hostpolicy.h"
#include "emulator/router.h"
#include "emulator/tokensigner.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <memory>

class QTcpSocket;

namespace plainkey::emulator {

class AuthTokenIssuer;
class BrowserApi;
class ControlApi;
class FaultInjector;
class ServerApi;

//! One in-memory PlainKey project served over HTTP. This class wires the parts together: the
//! route table (Router) with the Server API (ServerApi), the Browser API (BrowserApi, under
//! /browser) and the control API (ControlApi), the
//! fault injector (FaultInjector) and the demo data (seedDemoData).
class Emulator : public QObject
{
    Q_OBJECT
public:
    explicit Emulator(EmulatorConfig config = {}, QObject *parent = nullptr);
    ~Emulator() override;

    //! Listens on \a address (port 0 picks a free one); false with errorString() on failure.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    //! The port listened on; 0 before listen().
    quint16 port() const { return m_port; }
    //! http://127.0.0.1:PORT; the Server API answers there and under /server, the Browser API under /browser.
    QUrl baseUrl() const;
    //! Why listen() failed.
    QString errorString() const { return m_error; }
    const EmulatorConfig &config() const { return m_config; }
    //! The origins that may call the Browser API and run passkey ceremonies (patterns as
    //! `--origin` takes them), the emulator's own included once it listens.
    QStringList browserOrigins() const;

    //! A few users with realistic passkeys, for demos; calling it again adds nobody twice.
    void seedDemoData();
    //! Empties the store, revokes every token, clears faults and latency.
    void reset();
    int userCount() const { return m_store.userCount(); }
    //! The in-memory project, for tests that seed it (a user with hundreds of passkeys) or check
    //! what a call changed. Use it on the emulator's thread only.
    EmulatorStore &store() { return m_store; }
    const EmulatorStore &store() const { return m_store; }

    //! Delays every Server API answer ("PlainKey is slow"), without blocking other requests.
    void setLatency(std::chrono::milliseconds latency);
    std::chrono::milliseconds latency() const;
    //! "PlainKey's clock is off": the project's clock runs \a skew ahead of this computer's
    //! (negative: behind), for every answer, Server, Browser and control API alike: the Date
    //! header, the times written into tokens and answers, and the expiry checks. reset() clears it.
    void setClockSkew(std::chrono::seconds skew);
    std::chrono::seconds clockSkew() const;
    //! Spoils Server API answers as \a fault says; Fault() clears it.
    void setFault(const Fault &fault);
    Fault fault() const;

signals:
    //! One request answered (or refused); \a status is 0 when a fault gave no answer at all.
    void requestServed(const QString &method, const QString &path, int status);
    void faultChanged();
    void latencyChanged();
    void clockSkewChanged();
    //! The Browser API issued an authentication token to a browser: \a ceremony is "sign-up",
    //! "sign-in" or "add-passkey"; \a userName is empty for a user without one.
    void browserTokenIssued(const QString &userId, const QString &userName, const QString &token, const QDateTime &expiresAt,
                            const QString &ceremony);

private:
    //! The decoded path segments of the API call, without a leading "server".
    static QStringList apiSegments(const EmuRequest &request);
    void dispatch(const EmuRequest &request, QTcpSocket *socket);
    void respond(QTcpSocket *socket, const EmuRequest &request, const EmuResponse &response, bool delayed);

    EmulatorConfig m_config;
    EmulatorStore m_store;
    TokenSigner m_signer;
    quint16 m_port = 0;
    QHostAddress m_address;
    QString m_error;
    FaultInjector *m_faults;
    std::unique_ptr<AuthTokenIssuer> m_tokens;
    std::unique_ptr<ServerApi> m_serverApi;
    std::unique_ptr<ControlApi> m_controlApi;
    std::unique_ptr<BrowserApi> m_browserApi;
    HostPolicy m_hosts;
    Router m_router;
};

} // namespace plainkey::emulator
