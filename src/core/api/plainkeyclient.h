#pragma once

#include "core/api/apicall.h"
#include "core/api/credentials.h"
#include "core/api/result.h"

#include <QObject>

#include <functional>

namespace plainkey {

class AccessTokenManager;
class ExchangeLog;
class Transport;
struct VerifyResult;

//! The PlainKey Server API client: one transport, one access-token owner, typed calls.
//!
//! Each operation is a small struct (see verifytoken.h, users/) with a request() that builds an
//! ApiRequest and a read() that turns the answer into a typed value; call<Op>() runs it with
//! the shared machinery: token, headers, status mapping, retry on 401, recording.
class PlainKeyClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int activeCalls READ activeCalls NOTIFY activeCallsChanged)
public:
    template <typename T>
    using Handler = std::function<void(const Result<T> &result)>;

    explicit PlainKeyClient(QObject *parent = nullptr);
    ~PlainKeyClient() override;

    Transport *transport() const { return m_transport; }
    ExchangeLog *exchangeLog() const;
    AccessTokenManager *accessToken() const { return m_tokens; }

    void setCredentials(const Credentials &credentials);
    const Credentials &credentials() const { return m_credentials; }
    //! The user consented to plain http towards a non-loopback host.
    void setAllowInsecureHttp(bool allow);

    //! Runs \a request; \a handler gets the successful (or accepted) answer or the error. The
    //! handler is dropped if \a context is destroyed first; it is never called synchronously.
    ApiCall *send(ApiRequest request, QObject *context, ApiCall::Handler handler);

    //! Runs operation \a Op with \a args; \a handler gets a typed result.
    template <typename Op, typename... Args>
    ApiCall *call(QObject *context, Handler<typename Op::Value> handler, Args &&...args)
    {
        ApiRequest request = Op::request(std::forward<Args>(args)...);
        const QString operation = request.operation;
        return send(std::move(request), context,
                    [this, operation, handler = std::move(handler)](const HttpAnswer &answer, const ApiError &error) {
                        if (error) {
                            handler(Result<typename Op::Value>(error));
                            return;
                        }
                        Result<typename Op::Value> result = Op::read(answer);
                        if (!result)
                            handler(Result<typename Op::Value>(describe(result.error(), operation)));
                        else
                            handler(result);
                    });
    }

    //! Verifies an authentication token. valid:false is a result, not an error.
    ApiCall *verifyToken(const QString &token, QObject *context, Handler<VerifyResult> handler);

    //! \a error with the operation and host filled in where the reader left them out.
    ApiError describe(ApiError error, const QString &operation) const;

    int activeCalls() const { return m_active; }
    void cancelAll();

signals:
    void activeCallsChanged(int count);
    void callStarted(plainkey::ApiCall *call);

private:
    Transport *m_transport;
    AccessTokenManager *m_tokens;
    Credentials m_credentials;
    int m_active = 0;
};

} // namespace plainkey
