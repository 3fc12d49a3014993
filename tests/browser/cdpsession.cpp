#include "cdpsession.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace {

// Enough for every event of a test run; a runaway page cannot eat the memory.
constexpr int maxKeptEvents = 5000;

QString describeRemoteObject(const QJsonObject &o)
{
    if (o.contains(QLatin1String("value")))
        return o.value(QLatin1String("value")).toVariant().toString();
    return o.value(QLatin1String("description")).toString();
}

} // namespace

CdpSession::CdpSession(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &CdpSession::onMessage);
}

CdpSession::~CdpSession()
{
    m_socket.abort();
}

bool CdpSession::open(const QUrl &url, int timeoutMs, QString *why)
{
    QEventLoop loop;
    connect(&m_socket, &QWebSocket::connected, &loop, &QEventLoop::quit);
    connect(&m_socket, &QWebSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    m_socket.open(url);
    loop.exec();
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        return true;
    *why = QStringLiteral("cannot open the DevTools WebSocket %1: %2").arg(url.toString(), m_socket.errorString());
    return false;
}

CdpSession::Reply CdpSession::call(const QString &method, const QJsonObject &params, const QString &sessionId, int timeoutMs)
{
    Reply reply;
    if (m_socket.state() != QAbstractSocket::ConnectedState) {
        reply.error = QStringLiteral("%1: the DevTools connection is closed (%2)").arg(method, m_socket.errorString());
        return reply;
    }
    const int id = m_nextId++;
    QJsonObject message{{QStringLiteral("id"), id}, {QStringLiteral("method"), method}, {QStringLiteral("params"), params}};
    if (!sessionId.isEmpty())
        message.insert(QStringLiteral("sessionId"), sessionId);
    m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));

    QEventLoop loop;
    bool timedOut = false;
    const auto answered = connect(&m_socket, &QWebSocket::textMessageReceived, &loop, [this, id, &loop] {
        if (m_answers.contains(id))
            loop.quit();
    });
    connect(&m_socket, &QWebSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, [&] {
        timedOut = true;
        loop.quit();
    });
    if (!m_answers.contains(id))
        loop.exec();
    disconnect(answered);

    if (!m_answers.contains(id)) {
        reply.error = timedOut ? QStringLiteral("%1: no answer within %2 ms").arg(method).arg(timeoutMs)
                               : QStringLiteral("%1: the DevTools connection closed (%2)").arg(method, m_socket.errorString());
        return reply;
    }
    const QJsonObject answer = m_answers.take(id);
    if (answer.contains(QLatin1String("error"))) {
        const QJsonObject e = answer.value(QLatin1String("error")).toObject();
        reply.error = QStringLiteral("%1 failed: %2 (%3)")
                              .arg(method, e.value(QLatin1String("message")).toString())
                              .arg(e.value(QLatin1String("code")).toInt());
        return reply;
    }
    reply.result = answer.value(QLatin1String("result")).toObject();
    return reply;
}

QString CdpSession::openPage(QString *why)
{
    const Reply target = call(QStringLiteral("Target.createTarget"), {{QStringLiteral("url"), QStringLiteral("about:blank")}});
    if (!target.ok()) {
        *why = target.error;
        return {};
    }
    const Reply attached = call(QStringLiteral("Target.attachToTarget"),
                                {{QStringLiteral("targetId"), target.result.value(QLatin1String("targetId"))}, {QStringLiteral("flatten"), true}});
    if (!attached.ok()) {
        *why = attached.error;
        return {};
    }
    return attached.result.value(QLatin1String("sessionId")).toString();
}

QJsonValue CdpSession::evaluate(const QString &sessionId, const QString &expression, QString *why, int timeoutMs)
{
    const Reply r = call(QStringLiteral("Runtime.evaluate"),
                         {{QStringLiteral("expression"), expression},
                          {QStringLiteral("awaitPromise"), true},
                          {QStringLiteral("returnByValue"), true},
                          {QStringLiteral("userGesture"), true}},
                         sessionId, timeoutMs);
    if (!r.ok()) {
        *why = r.error;
        return {};
    }
    if (r.result.contains(QLatin1String("exceptionDetails"))) {
        const QJsonObject details = r.result.value(QLatin1String("exceptionDetails")).toObject();
        const QString thrown = describeRemoteObject(details.value(QLatin1String("exception")).toObject());
        *why = QStringLiteral("the page threw: %1").arg(thrown.isEmpty() ? details.value(QLatin1String("text")).toString() : thrown);
        return {};
    }
    why->clear();
    return r.result.value(QLatin1String("result")).toObject().value(QLatin1String("value"));
}

QStringList CdpSession::pageProblems() const
{
    QStringList lines;
    for (const QJsonObject &e : m_events) {
        const QString method = e.value(QLatin1String("method")).toString();
        const QJsonObject params = e.value(QLatin1String("params")).toObject();
        if (method == QLatin1String("Runtime.exceptionThrown")) {
            const QJsonObject details = params.value(QLatin1String("exceptionDetails")).toObject();
            lines << QStringLiteral("exception: %1 %2").arg(details.value(QLatin1String("text")).toString(),
                                                          describeRemoteObject(details.value(QLatin1String("exception")).toObject()));
        } else if (method == QLatin1String("Runtime.consoleAPICalled")) {
            const QString type = params.value(QLatin1String("type")).toString();
            if (type != QLatin1String("error") && type != QLatin1String("warning") && type != QLatin1String("assert"))
                continue;
            QStringList parts;
            for (const QJsonValue &a : params.value(QLatin1String("args")).toArray())
                parts << describeRemoteObject(a.toObject());
            lines << QStringLiteral("console.%1: %2").arg(type, parts.join(QLatin1Char(' ')));
        } else if (method == QLatin1String("Log.entryAdded")) {
            const QJsonObject entry = params.value(QLatin1String("entry")).toObject();
            const QString level = entry.value(QLatin1String("level")).toString();
            if (level != QLatin1String("error") && level != QLatin1String("warning"))
                continue;
            lines << QStringLiteral("%1 (%2): %3 %4").arg(level, entry.value(QLatin1String("source")).toString(),
                                                        entry.value(QLatin1String("text")).toString(),
                                                        entry.value(QLatin1String("url")).toString());
        }
    }
    return lines;
}

void CdpSession::onMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    if (message.contains(QLatin1String("id"))) {
        m_answers.insert(message.value(QLatin1String("id")).toInt(), message);
        return;
    }
    if (message.contains(QLatin1String("method")) && m_events.size() < maxKeptEvents)
        m_events.append(message);
}
