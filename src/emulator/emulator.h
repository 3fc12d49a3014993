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
    quint16 port() const { return m_port; }
    //! http://127.0.0.1:PORT; the Server API is at the root and under /server.
    QUrl baseUrl() const;
    QString errorString() const { return m_error; }
    const EmulatorConfig &config() const { return m_config; }

    //! A few users with realistic passkeys, for demos.
    void seedDemoData();
    //! Empties the store, revokes every token, clears faults and latency.
    void reset();
    int userCount() const { return m_store.userCount(); }

    //! Delays every Server API answer ("PlainKey is slow").
    void setLatency(std::chrono::milliseconds latency);
    std::chrono::milliseconds latency() const { return m_latency; }
    void setFault(const Fault &fault);
    Fault fault() const { return m_fault; }

signals:
    void requestServed(const QString &method, const QString &path, int status);
    void faultChanged();
    void latencyChanged();

private:
    void dispatch(const EmuRequest &request, QTcpSocket *socket);
    void respond(QTcpSocket *socket, const EmuRequest &request, const EmuResponse &response, bool delayed);
    bool applyFault(const EmuRequest &request, QTcpSocket *socket);
    EmuResponse route(const EmuRequest &request);
    EmuResponse serverApi(const EmuRequest &request, const QStringList &segments);
    EmuResponse emulatorApi(const EmuRequest &request, const QStringList &segments);

    EmuResponse accessToken(const EmuRequest &request);
    EmuResponse verify(const QJsonObject &body);
    EmuResponse signUp(const QJsonObject &body);
    EmuResponse signIn(const QJsonObject &body);
    EmuResponse beginRegistration(const QJsonObject &body);
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
