#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QWebSocket>

//! A Chrome DevTools Protocol connection to a browser, over Qt WebSockets. Calls are synchronous
//! for the test's sake: each runs a local event loop until its answer comes, so an emulator on the
//! same thread keeps serving the page meanwhile.
class CdpSession : public QObject
{
    Q_OBJECT
public:
    //! One answer: the result, or the protocol's (or the connection's) error.
    struct Reply
    {
        QJsonObject result;
        QString error;
        bool ok() const { return error.isEmpty(); }
    };

    explicit CdpSession(QObject *parent = nullptr);
    ~CdpSession() override;

    //! Connects to the browser's DevTools WebSocket; false with \a why on failure.
    bool open(const QUrl &url, int timeoutMs, QString *why);

    //! Calls \a method; with a \a sessionId, on that attached target (flat sessions).
    Reply call(const QString &method, const QJsonObject &params = {}, const QString &sessionId = {}, int timeoutMs = 30000);

    //! Opens a new tab on about:blank and attaches to it; the session ID, or empty with \a why.
    QString openPage(QString *why);

    //! Evaluates \a expression in the page (awaiting it when it is a promise) and returns its
    //! value as JSON; an exception in the page or a protocol error comes back in \a why.
    QJsonValue evaluate(const QString &sessionId, const QString &expression, QString *why, int timeoutMs = 60000);

    //! The events received so far ({"method", "params", "sessionId"}), oldest first.
    const QList<QJsonObject> &events() const { return m_events; }
    //! Forgets the events so far (before a step whose page problems are checked on their own).
    void clearEvents() { m_events.clear(); }
    //! Console messages and exceptions the page reported, one line each, for failure messages.
    QStringList pageProblems() const;

private:
    void onMessage(const QString &text);

    QWebSocket m_socket;
    int m_nextId = 1;
    QHash<int, QJsonObject> m_answers;
    QList<QJsonObject> m_events;
};
