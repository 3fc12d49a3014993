#include "gui/demo/demosession.h"

// emulatorthread.h holds a QPointer<Emulator> of a forward-declared class: include the class first.
#include "emulator/emulator.h"
#include "emulator/emulatorthread.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace plainkey::gui {

namespace {
const QString kSignInOperation = QStringLiteral("Simulating a passkey sign-in (demo)");
// The users Emulator::seedDemoData() creates with a passkey (the emulator has no call that
// lists users; margaret@example.com has no passkey, so her sign-in fails, by design).
const QStringList kDemoUsers = {QStringLiteral("ada@example.com"), QStringLiteral("grace@example.com"),
                                QStringLiteral("linus@example.com")};
} // namespace

DemoSession::DemoSession(QObject *parent) : QObject(parent) {}

DemoSession::~DemoSession() = default;

bool DemoSession::start()
{
    return start(emulator::EmulatorConfig());
}

bool DemoSession::start(const emulator::EmulatorConfig &config)
{
    if (m_thread)
        return true;
    auto thread = std::make_unique<emulator::EmulatorThread>();
    if (!thread->start(config, 0)) {
        m_error = thread->errorString();
        return false;
    }
    thread->seedDemoData();
    // Tokens the Browser API hands to a browser (the sample page, or any frontend pointed at
    // this emulator), offered to the console as they are issued.
    connect(thread.get(), &emulator::EmulatorThread::browserTokenIssued, this,
            [this](const QString &userId, const QString &userName, const QString &token, const QDateTime &expiresAt,
                   const QString &ceremony) {
                DemoSignIn s;
                s.userId = userId;
                s.userName = userName;
                s.token = token;
                if (expiresAt.isValid())
                    s.expiresAt = Timestamp::parse(QJsonValue(double(expiresAt.toMSecsSinceEpoch())));
                s.ceremony = ceremony;
                emit browserSignedIn(s);
            });
    m_baseUrl = thread->baseUrl();
    m_credentials.baseUrl = m_baseUrl;
    m_credentials.projectId = config.projectId;
    m_credentials.clientSecret = config.clientSecret;
    m_userNames = kDemoUsers;
    m_thread = std::move(thread);
    return true;
}

QUrl DemoSession::signInPageUrl() const
{
    if (!m_thread)
        return {};
    // "localhost", not 127.0.0.1: the emulator's WebAuthn relying party is localhost, and a
    // browser only offers passkeys for the RP ID on a page of that host.
    QUrl url = m_baseUrl;
    url.setHost(QStringLiteral("localhost"));
    url.setPath(QStringLiteral("/demo/"));
    return url;
}

bool DemoSession::isRunning() const
{
    return m_thread != nullptr;
}

bool DemoSession::owns(const Credentials &credentials) const
{
    return m_thread && credentials.normalizedBaseUrl() == m_credentials.normalizedBaseUrl();
}

void DemoSession::setSlow(bool slow)
{
    if (slow == m_slow || !m_thread)
        return;
    m_slow = slow;
    m_thread->setLatency(std::chrono::milliseconds(slow ? slowLatencyMs : 0));
    emit slowChanged(slow);
}

PendingHttp *DemoSession::signIn(Transport *transport, const QString &userName, QObject *context, SignInHandler handler,
                                 std::optional<int> ttlSeconds)
{
    QJsonObject body{{QStringLiteral("userName"), userName}};
    if (ttlSeconds)
        body.insert(QStringLiteral("ttlSeconds"), *ttlSeconds);
    HttpRequest request;
    request.method = "POST";
    request.url = m_credentials.endpoint(QStringLiteral("/emulator/sign-in"));
    request.operation = kSignInOperation;
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}, {"x-project-id", m_credentials.projectId.toUtf8()}};
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);

    PendingHttp *pending = transport->send(std::move(request));
    QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    connect(pending, &PendingHttp::finished, this, [pending, guard, hasContext, userName, transport, handler] {
        if (hasContext && !guard)
            return;
        if (pending->error()) {
            handler(pending->error());
            return;
        }
        const HttpAnswer &answer = pending->answer();
        if (!answer.isSuccess()) {
            handler(ApiError::fromAnswer(answer, kSignInOperation));
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(answer.body).object();
        const QJsonValue tokenValue = o.value(QLatin1String("authenticationToken"));
        const QJsonObject tokenObject = tokenValue.toObject();
        DemoSignIn s;
        s.userId = o.value(QLatin1String("userId")).toString();
        s.userName = userName;
        s.token = tokenValue.isString() ? tokenValue.toString() : tokenObject.value(QLatin1String("token")).toString();
        s.expiresAt = Timestamp::parse(tokenObject.value(QLatin1String("expiresAt")));
        if (s.token.isEmpty()) {
            handler(ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("the emulator's sign-in answer has no authenticationToken.token"),
                             kSignInOperation));
            return;
        }
        // From now on this token is redacted wherever it appears in the log.
        transport->addSecret(SecretKind::AuthenticationToken, s.token.toUtf8());
        handler(s);
    });
    return pending;
}

} // namespace plainkey::gui
