#pragma once

// A loopback server whose error pages echo every secret a request brought, in every form a
// careless server or proxy may write it: in clear, percent-encoded with upper and lower-case
// hex digits, JSON-escaped and in base64. Either the access-token request fails (400) or it
// succeeds and the verify request fails (500); the page is HTML or JSON.

#include "rawhttpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

class EchoingServer
{
public:
    enum class Page { Html, Json };
    enum class Failing { AccessToken, Verify };

    //! A client secret whose forms all differ: quotes, backslash, reserved characters, non-ASCII.
    static QString clientSecret() { return QStringLiteral("Cs\"9\\q/+\u00e9=&k ~Zsecret"); }
    //! The access token this server hands out (ASCII: it travels in a header).
    static QByteArray accessToken() { return QByteArrayLiteral("at.Q\"r\\s/+t=&_1234echo"); }
    //! An authentication token to verify.
    static QString authToken() { return QStringLiteral("tok_A+b/c=d&e.9876XYZecho"); }

    //! Every form in which \a secret is echoed (and must appear nowhere).
    static QByteArrayList forms(const QByteArray &secret)
    {
        const QString text = QString::fromUtf8(secret);
        QByteArray upper = QUrl::toPercentEncoding(text);
        QByteArray lower = upper;
        for (qsizetype i = 0; i + 2 < lower.size(); ++i) {
            if (lower[i] == '%') {
                lower[i + 1] = char(tolower(lower[i + 1]));
                lower[i + 2] = char(tolower(lower[i + 2]));
            }
        }
        const QByteArray escaped = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact).mid(2).chopped(2);
        return {secret, upper, lower, escaped, secret.toBase64()};
    }

    //! The forms of every secret the client holds in these tests.
    static QByteArrayList allForms()
    {
        return forms(clientSecret().toUtf8()) + forms(accessToken()) + forms(authToken().toUtf8());
    }

    EchoingServer(Page page, Failing failing)
        : m_server([this, page, failing](const RawHttpServer::Request &r, QTcpSocket *socket) {
              QByteArrayList secrets;
              if (r.path.endsWith("/access-token")) {
                  QUrlQuery form(QString::fromUtf8(QByteArray(r.body).replace('+', ' ')));
                  secrets.append(QByteArray::fromPercentEncoding(form.queryItemValue(QStringLiteral("client_secret"), QUrl::FullyEncoded).toUtf8()));
                  if (failing == Failing::Verify) {
                      const QJsonObject ok{{QStringLiteral("access_token"), QString::fromUtf8(accessToken())},
                                           {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                           {QStringLiteral("expires_in"), 3600}};
                      socket->write(RawHttpServer::response(200, QJsonDocument(ok).toJson(QJsonDocument::Compact)));
                      return;
                  }
              } else {
                  secrets.append(r.headers.value("authorization").mid(7));
                  secrets.append(QJsonDocument::fromJson(r.body).object().value(QLatin1String("token")).toString().toUtf8());
              }
              const int status = failing == Failing::AccessToken ? 400 : 500;
              QByteArray echo = "You sent: " + r.body + " with " + r.headers.value("authorization") + ".";
              for (const QByteArray &s : std::as_const(secrets))
                  echo += " Secret as received: " + forms(s).join(" | ") + ".";
              if (page == Page::Html) {
                  const QByteArray html = "<!doctype html><html><head><title>Refused " + secrets.value(0) + "</title></head><body><pre>"
                          + echo + "</pre></body></html>";
                  socket->write(RawHttpServer::response(status, html, "text/html; charset=utf-8"));
              } else {
                  const QJsonObject json{{QStringLiteral("error"), QString::fromUtf8(echo)},
                                         {QStringLiteral("received"), QString::fromUtf8(r.body)}};
                  socket->write(RawHttpServer::response(status, QJsonDocument(json).toJson(QJsonDocument::Compact)));
              }
          })
    {
    }

    QUrl url() const { return m_server.url(); }
    int requestCount() const { return m_server.requestCount(); }

private:
    RawHttpServer m_server;
};

//! The first form of a known secret found in \a text, or empty: what leaked.
inline QByteArray leakedForm(const QByteArray &text)
{
    for (const QByteArray &f : EchoingServer::allForms()) {
        if (text.contains(f))
            return f;
    }
    return {};
}
