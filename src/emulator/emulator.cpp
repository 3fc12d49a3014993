#include "emulator/emulator.h"

#include "emulator/answers.h"
#include "emulator/authtokenissuer.h"
#include "emulator/browserapi.h"
#include "emulator/controlapi.h"
#include "emulator/demopage.h"
#include "emulator/demoseed.h"
#include "emulator/faultinjector.h"
#include "emulator/httpserver.h"
#include "emulator/serverapi.h"
#include "emulator/tcplistener.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

Q_LOGGING_CATEGORY(lcEmulator, "plainkey.emulator", QtInfoMsg)

namespace plainkey::emulator {

using namespace std::chrono_literals;

Emulator::Emulator(EmulatorConfig config, QObject *parent)
    : QObject(parent),
      m_config(std::move(config)),
      m_signer(m_config.clientSecret.toUtf8()),
      m_faults(new FaultInjector(m_store.clock(), this)),
      m_tokens(std::make_unique<AuthTokenIssuer>(m_config, m_store, m_signer)),
      m_serverApi(std::make_unique<ServerApi>(m_config, m_store, m_signer, *m_tokens)),
      m_controlApi(std::make_unique<ControlApi>(*this, *m_tokens, m_hosts)),
      m_browserApi(std::make_unique<BrowserApi>(m_config, m_store, m_signer, *m_tokens)),
      m_hosts(m_config.hostNames)
{
    m_store.setCaps(m_config.maxUsers, m_config.maxPasskeys);
    connect(m_faults, &FaultInjector::faultChanged, this, &Emulator::faultChanged);
    connect(m_faults, &FaultInjector::latencyChanged, this, &Emulator::latencyChanged);
    connect(m_faults, &FaultInjector::clockSkewChanged, this, &Emulator::clockSkewChanged);
    connect(m_faults, &FaultInjector::intercepted, this, &Emulator::requestServed);
    // The Server API at the root (and under /server, see apiSegments()), the Browser API under
    // /browser, the control API under /emulator, the sample sign-in page under /demo; the
    // longest prefix takes a request.
    m_serverApi->addRoutes(m_router.group(QString()));
    m_browserApi->addRoutes(m_router.group(QStringLiteral("/browser")));
    m_browserApi->setTokenIssued([this](const QString &userId, const QString &userName, const QString &token, const QDateTime &expiresAt,
                                        const QString &ceremony) { emit browserTokenIssued(userId, userName, token, expiresAt, ceremony); });
    m_controlApi->addRoutes(m_router.group(QStringLiteral("/emulator")));
    DemoPage::addRoutes(m_router.group(QStringLiteral("/demo")));
}

Emulator::~Emulator() = default;

bool Emulator::listen(const QHostAddress &address, quint16 port)
{
    if (m_port != 0) {
        m_error = QStringLiteral("Already listening on port %1").arg(m_port);
        return false;
    }
    TcpListener::Limits limits;
    limits.maxBodyBytes = m_config.maxBodyBytes;
    limits.idleTimeout = m_config.idleTimeout;
    limits.requestTimeout = m_config.requestTimeout;
    limits.maxConnections = m_config.maxConnections;
    auto *tcp = new TcpListener(limits, m_store.clock(), [this](const EmuRequest &r, QTcpSocket *s) { dispatch(r, s); }, this);
    if (!tcp->listen(address, port)) {
        m_error = QStringLiteral("Cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(tcp->errorString());
        delete tcp;
        return false;
    }
    connect(tcp, &TcpListener::requestRefused, this, [this](const QByteArray &method, const QString &path, int status) {
        qCDebug(lcEmulator).noquote() << method << shortened(path) << status << "(refused before reading it)";
        emit requestServed(QString::fromLatin1(method), path, status);
    });
    m_port = tcp->serverPort();
    m_address = address;
    // The sample page at /demo/ is served from here, so its origin may always call /browser.
    QUrl localhostUrl = baseUrl();
    localhostUrl.setHost(QStringLiteral("localhost"));
    m_browserApi->setOwnOrigins({baseUrl().toString(), localhostUrl.toString()});
    return true;
}

QUrl Emulator::baseUrl() const
{
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    const bool any = m_address == QHostAddress::Any || m_address == QHostAddress::AnyIPv4 || m_address == QHostAddress::AnyIPv6;
    u.setHost(any || m_address.isNull() ? QStringLiteral("127.0.0.1") : m_address.toString());
    u.setPort(m_port);
    return u;
}

QStringList Emulator::browserOrigins() const
{
    return m_browserApi->origins().patterns();
}

void Emulator::setLatency(std::chrono::milliseconds latency)
{
    m_faults->setLatency(latency);
}

std::chrono::milliseconds Emulator::latency() const
{
    return m_faults->latency();
}

void Emulator::setClockSkew(std::chrono::seconds skew)
{
    m_faults->setClockSkew(skew);
}

std::chrono::seconds Emulator::clockSkew() const
{
    return m_faults->clockSkew();
}

void Emulator::setFault(const Fault &fault)
{
    m_faults->setFault(fault);
}

Fault Emulator::fault() const
{
    return m_faults->fault();
}

void Emulator::seedDemoData()
{
    plainkey::emulator::seedDemoData(m_store);
}

void Emulator::reset()
{
    m_store.clear();
    m_browserApi->clear();
    m_faults->clear();
}

QStringList Emulator::apiSegments(const EmuRequest &request)
{
    // /server/... is the same API as the root, as in production base URLs.
    QStringList segments = Router::segmentsOf(request.encodedPath);
    if (!segments.isEmpty() && segments.first() == QLatin1String("server"))
        segments.removeFirst();
    return segments;
}

void Emulator::dispatch(const EmuRequest &request, QTcpSocket *socket)
{
    // Before anything else, faults included: a page reaching the emulator through DNS
    // rebinding gets nothing but this refusal.
    if (auto refused = m_hosts.checkHost(request)) {
        refused->closeConnection = request.wantsClose();
        refused->omitBody = request.method == "HEAD";
        respond(socket, request, *refused, false);
        return;
    }
    const QStringList segments = apiSegments(request);
    const Router::Group *group = m_router.groupFor(segments);
    const bool faultable = group && group->faultable;
    if (faultable && m_faults->intercept(request, QLatin1Char('/') + segments.join(QLatin1Char('/')), socket))
        return;
    EmuResponse response;
    const QByteArray length = request.header("content-length");
    // Every change a request makes is one transaction with --data, and the answer goes out
    // only after its commit: an acknowledged change survives kill -9.
    EmulatorStore::Change change(m_store);
    if (request.body.size() > m_config.maxBodyBytes || length.toLongLong() > m_config.maxBodyBytes)
        response = error(413, QStringLiteral("The request body is over the %1-byte limit").arg(m_config.maxBodyBytes));
    else
        response = m_router.route(request, segments);
    if (QString why; !change.commit(&why))
        response = error(500, why);
    response.closeConnection = request.wantsClose();
    response.omitBody = request.method == "HEAD";
    respond(socket, request, response, faultable);
}

void Emulator::respond(QTcpSocket *socket, const EmuRequest &request, const EmuResponse &response, bool delayed)
{
    qCDebug(lcEmulator).noquote() << request.method << shortened(request.path) << response.status;
    emit requestServed(QString::fromLatin1(request.method), request.path, response.status);
    // The Date is read when the answer goes out, after any latency, as a server's would be.
    auto send = [response, clock = &m_store.clock()](QTcpSocket *s) {
        HttpServer::write(s, response, *clock);
        if (response.closeConnection)
            s->disconnectFromHost();
    };
    const std::chrono::milliseconds latency = m_faults->latency();
    if (!delayed || latency <= 0ms) {
        send(socket);
        return;
    }
    QPointer<QTcpSocket> guard(socket);
    QTimer::singleShot(latency, this, [guard, send] {
        if (guard)
            send(guard);
    });
}

} // namespace plainkey::emulator
