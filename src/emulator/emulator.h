#pragma once

#include "emulator/emulatorconfig.h"
#include "emulator/emulatorstore.h"
#include "emulator/tokensigner.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

#include <chrono>

class QTcpSocket;

namespace plainkey::emulator {

class HttpServer;
struct EmuRequest;
struct EmuResponse;

//! One in-memory PlainKey project served over HTTP: the Server API of the contract, a
//! simulated passkey sign-in that mints authentication tokens, demo data and fault injection.
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
    //! http://127.0.0.1:PORT; the Server API answers there and under /server.
    QUrl baseUrl() const;
    //! Why listen() failed.
    QString errorString() const { return m_error; }
    const EmulatorConfig &config() const { return m_config; }

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
    std::chrono::milliseconds latency() const { return m_latency; }
    //! Spoils Server API answers as \a fault says; Fault() clears it.
    void setFault(const Fault &fault);
    Fault fault() const { return m_fault; }

signals:
    //! One request answered (or refused); \a status is 0 when a fault gave no answer at all.
    void requestServed(const QString &method, const QString &path, int status);
    void faultChanged();
    void latencyChanged();

private:
    //! The decoded path segments of the API call, without a leading "server".
    static QStringList apiSegments(const EmuRequest &request);
    void dispatch(const EmuRequest &request, QTcpSocket *socket);
    void respond(QTcpSocket *socket, const EmuRequest &request, const EmuResponse &response, bool delayed);
    //! True when the fault took the request over (answered, or will answer, or never will).
    bool applyFault(const EmuRequest &request, const QStringList &segments, QTcpSocket *socket);
    EmuResponse serverApi(const EmuRequest &request, const QStringList &segments);
    EmuResponse emulatorApi(const EmuRequest &request, const QStringList &segments);

    EmuResponse accessToken(const EmuRequest &request);
    EmuResponse verify(const QJsonObject &body);
    EmuResponse signUp(const QJsonObject &body);
    EmuResponse signIn(const QJsonObject &body);
    EmuResponse beginRegistration(const QJsonObject &body);
    EmuResponse info() const;
    EmuResponse faultsAnswer() const;
    EmuResponse putFaults(const QJsonObject &body);
    //! Empty when the access token and project header are right, else the 401 answer.
    std::optional<EmuResponse> checkAuthorization(const EmuRequest &request);
    //! A user named by {"userId"} or {"userName"}; nullptr with \a error set otherwise.
    const StoredUser *findUser(const QJsonValue &identifier, QString *error) const;

    QJsonObject mintAuthToken(const QString &userId, const QString &credentialId, std::chrono::seconds ttl);
    QJsonValue writeExpiry(const QDateTime &when) const;

    EmulatorConfig m_config;
    EmulatorStore m_store;
    TokenSigner m_signer;
    HttpServer *m_server;
    quint16 m_port = 0;
    QHostAddress m_address;
    QString m_error;
    std::chrono::milliseconds m_latency{0};
    Fault m_fault;
};

} // namespace plainkey::emulator
