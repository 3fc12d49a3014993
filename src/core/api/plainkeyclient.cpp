#include "core/api/plainkeyclient.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/verifytoken.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"

#include <QTimer>

namespace plainkey {

PlainKeyClient::PlainKeyClient(QObject *parent)
    : QObject(parent), m_transport(new Transport(this)), m_tokens(new AccessTokenManager(m_transport, this))
{
    qRegisterMetaType<plainkey::ApiError>();
}

PlainKeyClient::~PlainKeyClient()
{
    // Calls must not outlive the token manager they wait on.
    const auto calls = findChildren<ApiCall *>(Qt::FindDirectChildrenOnly);
    for (ApiCall *c : calls)
        c->m_finished = true;
}

ExchangeLog *PlainKeyClient::exchangeLog() const
{
    return m_transport->exchangeLog();
}

void PlainKeyClient::setCredentials(const Credentials &credentials)
{
    m_credentials = credentials;
    m_tokens->setCredentials(credentials);
}

void PlainKeyClient::setAllowInsecureHttp(bool allow)
{
    m_tokens->setAllowInsecureHttp(allow);
}

ApiCall *PlainKeyClient::send(ApiRequest request, QObject *context, ApiCall::Handler handler)
{
    auto *call = new ApiCall(this, std::move(request), context, std::move(handler));
    ++m_active;
    emit activeCallsChanged(m_active);
    connect(call, &ApiCall::finished, this, [this] {
        --m_active;
        emit activeCallsChanged(m_active);
    });
    emit callStarted(call);
    // Start from the event loop so handlers never run inside send().
    QTimer::singleShot(0, call, &ApiCall::start);
    return call;
}

ApiCall *PlainKeyClient::verifyToken(const QString &token, QObject *context, Handler<VerifyResult> handler)
{
    return call<VerifyToken>(context, std::move(handler), token);
}

ApiError PlainKeyClient::describe(ApiError error, const QString &operation) const
{
    if (error.operation().isEmpty())
        error.setOperation(operation);
    if (error.host().isEmpty())
        error.setHost(m_credentials.baseUrl.authority());
    // The errors of every op's read() leave core here.
    return error.redacted(m_transport->redactor());
}

void PlainKeyClient::cancelAll()
{
    const auto calls = findChildren<ApiCall *>(Qt::FindDirectChildrenOnly);
    for (ApiCall *c : calls)
        c->cancel();
}

} // namespace plainkey
