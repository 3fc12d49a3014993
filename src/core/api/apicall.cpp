#include "core/api/apicall.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/jsonreader.h"
#include "core/api/plainkeyclient.h"
#include "core/log/logging.h"
#include "core/net/transport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace plainkey {

namespace {

//! Why \a path cannot be sent as it stands, or empty. Qt's HTTP stack resolves "." and ".."
//! segments in the path it sends (RFC 3986 5.2.4), and percent-encoding cannot stop it since QUrl
//! decodes "%2E" back to "."; so an ID of ".." or "." reaches another endpoint ("GET /user/.." is
//! "GET /"), as an empty one does ("GET /user/"). No request path of the contract has such a segment.
QString pathProblem(const QString &path)
{
    const QStringList segments = path.split(QLatin1Char('/'));
    for (qsizetype i = 1; i < segments.size(); ++i) {
        const QString &s = segments.at(i);
        if (s.isEmpty())
            return QStringLiteral("an ID in the path %1 is empty").arg(path);
        if (s == QLatin1String(".") || s == QLatin1String(".."))
            return QStringLiteral("an ID cannot be \u201c%1\u201d: in a URL path it would address another endpoint").arg(s);
    }
    return {};
}

} // namespace

ApiCall::ApiCall(PlainKeyClient *client, ApiRequest request, QObject *context, Handler handler)
    : QObject(client),
      m_client(client),
      m_request(std::move(request)),
      m_context(context),
      m_hasContext(context != nullptr),
      m_handler(std::move(handler))
{
}

void ApiCall::start()
{
    if (m_finished)
        return;
    if (const QString problem = pathProblem(m_request.path); !problem.isEmpty()) {
        finish({}, ApiError(ApiError::Kind::InvalidInput, problem, m_request.operation));
        return;
    }
    m_client->accessToken()->requestToken(this, [this](const QString &token, const ApiError &error) {
        if (m_finished)
            return;
        if (error) {
            ApiError e = error;
            // Say what the person was trying to do; the cause stays in the message.
            if (e.kind() != ApiError::Kind::CredentialsRejected && e.kind() != ApiError::Kind::Cancelled)
                e.setOperation(QStringLiteral("%1 (while fetching the access token)").arg(m_request.operation));
            finish({}, e);
            return;
        }
        send(token);
    }, m_retried);
}

void ApiCall::send(const QString &token)
{
    m_usedToken = token;
    const Credentials &c = m_client->credentials();

    HttpRequest http;
    http.method = m_request.method;
    http.url = c.endpoint(m_request.path);
    if (!m_request.query.isEmpty())
        http.url.setQuery(m_request.query);
    http.operation = m_request.operation;
    http.headers = {
        {"Authorization", "Bearer " + token.toUtf8()},
        {"x-project-id", c.projectId.toUtf8()},
        {"Content-Type", "application/json"},
        {"Accept", "application/json"},
    };
    if (!m_request.body.isUndefined()) {
        const QJsonValue &b = m_request.body;
        http.body = b.isArray() ? QJsonDocument(b.toArray()).toJson(QJsonDocument::Compact)
                                : QJsonDocument(b.toObject()).toJson(QJsonDocument::Compact);
    }
    http.secrets = m_request.secrets;
    http.secrets.append({SecretKind::AccessToken, token.toUtf8()});

    PendingHttp *pending = m_client->transport()->send(std::move(http));
    m_pending = pending;
    m_exchangeIds.append(pending->exchangeId());
    connect(pending, &PendingHttp::finished, this, [this, pending] { onAnswer(pending); });
}

void ApiCall::onAnswer(PendingHttp *pending)
{
    if (m_finished)
        return;
    m_pending = nullptr;
    if (pending->error()) {
        finish({}, pending->error());
        return;
    }
    const HttpAnswer &answer = pending->answer();
    if (answer.isSuccess()) {
        finish(answer, {});
        return;
    }
    if (answer.status == 401) {
        if (m_request.unauthorizedMayBeAnswer) {
            const QJsonDocument doc = QJsonDocument::fromJson(answer.body);
            if (doc.isObject() && doc.object().contains(QLatin1String("valid"))) {
                finish(answer, {});
                return;
            }
        }
        if (!m_retried) {
            // The token should still be valid by our clock; PlainKey disagrees (revoked,
            // rotated secret, clock skew). Fetch a new one once and try again once.
            qCInfo(lcApi) << m_request.operation << "got 401; fetching a new access token and retrying once";
            m_retried = true;
            m_client->accessToken()->invalidate(m_usedToken);
            start();
            return;
        }
        ApiError e(ApiError::Kind::Unauthorized, {}, m_request.operation);
        e.setHttpStatus(401);
        e.setServerMessage(JsonReader::serverError(answer));
        finish(answer, e);
        return;
    }
    finish(answer, ApiError::fromAnswer(answer, m_request.operation));
}

void ApiCall::cancel()
{
    if (m_finished)
        return;
    if (m_pending) {
        m_pending->cancel(); // onAnswer follows with Cancelled
        return;
    }
    finish({}, ApiError(ApiError::Kind::Cancelled, QStringLiteral("cancelled"), m_request.operation));
}

void ApiCall::finish(const HttpAnswer &answer, const ApiError &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_answer = answer;
    m_error = error;
    if (m_error) {
        if (m_error.operation().isEmpty())
            m_error.setOperation(m_request.operation);
        if (m_error.host().isEmpty())
            m_error.setHost(m_client->credentials().baseUrl.authority());
        // Every error of a call leaves core here: whatever built it, its texts are redacted.
        m_error = m_error.redacted(m_client->transport()->redactor());
    }
    if (!m_hasContext || m_context)
        m_handler(m_answer, m_error);
    emit finished();
    deleteLater();
}

} // namespace plainkey
