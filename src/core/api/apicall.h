#pragma once

#include "core/api/apierror.h"
#include "core/api/apirequest.h"
#include "core/net/httpmessage.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace plainkey {

class PendingHttp;
class PlainKeyClient;

//! One Server API operation in flight: gets an access token, sends, retries once with a fresh
//! token on 401, and finishes with an answer or an error. Owned by the client and deleted
//! after finished(); hold it in a QPointer to cancel it or show that it is busy.
class ApiCall : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpAnswer &answer, const ApiError &error)>;

    QString operation() const { return m_request.operation; }
    bool isFinished() const { return m_finished; }
    const ApiError &error() const { return m_error; }
    const HttpAnswer &answer() const { return m_answer; }
    //! Exchange-log IDs of every exchange this call made (a retry makes two).
    QList<quint64> exchangeIds() const { return m_exchangeIds; }

    //! Stops the call; the handler and finished() follow with a Cancelled error.
    void cancel();

signals:
    void finished();

private:
    friend class PlainKeyClient;
    ApiCall(PlainKeyClient *client, ApiRequest request, QObject *context, Handler handler);

    void start();
    void send(const QString &token);
    void onAnswer(PendingHttp *pending);
    void finish(const HttpAnswer &answer, const ApiError &error);

    PlainKeyClient *m_client;
    ApiRequest m_request;
    QPointer<QObject> m_context;
    bool m_hasContext;
    Handler m_handler;
    QPointer<PendingHttp> m_pending;
    QString m_usedToken;
    QList<quint64> m_exchangeIds;
    HttpAnswer m_answer;
    ApiError m_error;
    bool m_retried = false;
    bool m_finished = false;
};

} // namespace plainkey
