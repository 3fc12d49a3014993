#include "core/api/credentials.h"

#include <QHostAddress>

namespace plainkey {

QUrl Credentials::defaultBaseUrl()
{
    return QUrl(QStringLiteral("https://api.plainkey.io/server"));
}

QUrl Credentials::normalizedBaseUrl() const
{
    QUrl u = baseUrl;
    // Work on the encoded path: a decoded round trip would turn "a%2Fb" into two segments "a/b".
    QString path = u.path(QUrl::FullyEncoded);
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    u.setPath(path, QUrl::TolerantMode);
    return u;
}

QUrl Credentials::endpoint(const QString &path) const
{
    QUrl u = normalizedBaseUrl();
    // \a path arrives percent-encoded (ApiRequest::segment); QUrl::setPath's default
    // DecodedMode would encode its '%' again, turning an ID "a/b" into "a%252Fb".
    u.setPath(u.path(QUrl::FullyEncoded) + path, QUrl::TolerantMode);
    return u;
}

bool Credentials::isLoopback() const
{
    const QString host = baseUrl.host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

bool Credentials::isInsecureRemote() const
{
    return baseUrl.scheme() == QLatin1String("http") && !isLoopback();
}

QList<Credentials::Problem> Credentials::problems(bool allowInsecureHttp) const
{
    QList<Problem> out;
    const QString scheme = baseUrl.scheme();
    if (baseUrl.isEmpty())
        out.append({Field::BaseUrl, QStringLiteral("Enter the Server API base URL, e.g. %1.").arg(defaultBaseUrl().toString())});
    else if (!baseUrl.isValid() || baseUrl.host().isEmpty())
        out.append({Field::BaseUrl, QStringLiteral("\u201c%1\u201d is not a URL: it needs a scheme and a host, e.g. %2.")
                                            .arg(baseUrl.toString(), defaultBaseUrl().toString())});
    else if (scheme != QLatin1String("https") && scheme != QLatin1String("http"))
        out.append({Field::BaseUrl, QStringLiteral("The URL must start with https:// (or http:// for a local server), not %1://.").arg(scheme)});
    else if (!baseUrl.userInfo().isEmpty())
        out.append({Field::BaseUrl, QStringLiteral("Remove the user name and password from the URL: the client secret is the only credential.")});
    else if (baseUrl.hasQuery() || baseUrl.hasFragment())
        out.append({Field::BaseUrl, QStringLiteral("Remove the ?query or #fragment from the base URL.")});
    else if (isInsecureRemote() && !allowInsecureHttp)
        out.append({Field::BaseUrl, QStringLiteral("Plain http:// to %1 would send the client secret unencrypted: use https://, or allow insecure http for this connection.")
                                            .arg(baseUrl.host())});

    const QString id = projectId.trimmed();
    if (id.isEmpty())
        out.append({Field::ProjectId, QStringLiteral("Enter the project ID from the PlainKey dashboard.")});
    else if (id != projectId)
        out.append({Field::ProjectId, QStringLiteral("The project ID has spaces at its start or end: remove them.")});
    else if (id.contains(QLatin1Char(' ')) || id.contains(QLatin1Char('/')))
        out.append({Field::ProjectId, QStringLiteral("A project ID has no spaces or slashes: check that you pasted the ID, not the name.")});

    if (clientSecret.isEmpty())
        out.append({Field::ClientSecret, QStringLiteral("Enter the client secret from the PlainKey dashboard.")});
    else if (clientSecret.trimmed() != clientSecret)
        out.append({Field::ClientSecret, QStringLiteral("The client secret has spaces or line breaks at its start or end: paste it again.")});
    return out;
}

} // namespace plainkey
