#include "emulator/hostpolicy.h"

#include "emulator/answers.h"

#include <QHostAddress>

#include <algorithm>

namespace plainkey::emulator {

namespace {

bool isDigits(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

//! A Host value short and printable enough to quote back in a message.
QString quoted(const QByteArray &value)
{
    QString s = QString::fromLatin1(value.left(100));
    for (QChar &c : s) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            c = QLatin1Char('?');
    }
    return value.size() > 100 ? s + QStringLiteral("\u2026") : s;
}

//! True for the Host values local clients send ("127.0.0.1:PORT", "localhost:PORT"), decided
//! without the general parse below, which ran on every request (3.5% of the emulator's CPU
//! under the load benchmark). False means "not decided here", never "refused".
bool isPlainLoopbackHost(QByteArrayView value)
{
    for (QByteArrayView name : {QByteArrayView("127.0.0.1"), QByteArrayView("localhost")}) {
        if (!value.startsWith(name))
            continue;
        const QByteArrayView rest = value.sliced(name.size());
        if (rest.isEmpty())
            return true;
        if (rest.front() != ':')
            return false;
        const QByteArrayView port = rest.sliced(1);
        return port.isEmpty() || (port.size() <= 5 && isDigits(port) && port.toInt() <= 65535);
    }
    return false;
}

} // namespace

HostPolicy::HostPolicy(const QStringList &hostNames)
{
    for (const QString &name : hostNames) {
        int port = -1;
        const QString host = hostOf(name.toUtf8(), &port);
        if (!host.isEmpty() && port < 0)
            m_hostNames.append(host);
        // A bare IPv6 address (fe80::1) is written without brackets on the command line.
        QHostAddress address;
        if (host.isEmpty() && address.setAddress(name) && address.protocol() == QAbstractSocket::IPv6Protocol)
            m_hostNames.append(address.toString().toLower());
    }
}

QString HostPolicy::hostOf(const QByteArray &value, int *port)
{
    *port = -1;
    const QByteArray v = value.trimmed();
    QByteArray host;
    QByteArray portText;
    bool hasPort = false;
    if (v.startsWith('[')) {
        const qsizetype close = v.indexOf(']');
        if (close < 0)
            return {};
        host = v.mid(1, close - 1);
        const QByteArray rest = v.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(':'))
                return {};
            hasPort = true;
            portText = rest.mid(1);
        }
        QHostAddress address;
        if (!address.setAddress(QString::fromLatin1(host)) || address.protocol() != QAbstractSocket::IPv6Protocol)
            return {};
        host = address.toString().toLower().toLatin1();
    } else {
        const qsizetype colon = v.indexOf(':');
        if (colon >= 0 && v.indexOf(':', colon + 1) >= 0)
            return {}; // an IPv6 address must be in brackets
        host = colon < 0 ? v : v.left(colon);
        if (colon >= 0) {
            hasPort = true;
            portText = v.mid(colon + 1);
        }
        host = host.toLower();
        if (host.endsWith('.'))
            host.chop(1);
        if (host.isEmpty() || host.size() > 253)
            return {};
        // Letters, digits, dots and hyphens (and underscores some local names use): nothing
        // that could hide another name, such as userinfo@ or a path.
        const bool clean = std::all_of(host.cbegin(), host.cend(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        });
        if (!clean || host.startsWith('.') || host.contains(".."))
            return {};
    }
    if (hasPort && !portText.isEmpty()) {
        if (!isDigits(portText) || portText.size() > 5 || portText.toInt() > 65535)
            return {};
        *port = portText.toInt();
    }
    return QString::fromLatin1(host);
}

bool HostPolicy::isLoopbackName(const QString &host)
{
    if (host == QLatin1String("localhost") || host.endsWith(QLatin1String(".localhost")))
        return true;
    if (host == QLatin1String("::1"))
        return true;
    // Only a dotted quad: "127.0.0.1.attacker.example" is a name, not an address.
    const QStringList parts = host.split(QLatin1Char('.'));
    if (parts.size() != 4 || !std::all_of(parts.cbegin(), parts.cend(), [](const QString &p) { return isDigits(p.toLatin1()) && p.size() <= 3; }))
        return false;
    return parts.first() == QLatin1String("127") && std::all_of(parts.cbegin(), parts.cend(), [](const QString &p) { return p.toInt() <= 255; });
}

bool HostPolicy::isAllowedHost(const QByteArray &value) const
{
    if (isPlainLoopbackHost(value))
        return true;
    if (value.trimmed().isEmpty())
        return true;
    int port = -1;
    const QString host = hostOf(value, &port);
    return !host.isEmpty() && (isLoopbackName(host) || m_hostNames.contains(host));
}

std::optional<EmuResponse> HostPolicy::checkHost(const EmuRequest &request) const
{
    const QByteArray host = request.header("host");
    if (isAllowedHost(host))
        return std::nullopt;
    return error(421, QStringLiteral("The Host header \"%1\" is not a name this emulator answers to, so the request was refused (a web page "
                                     "may be reaching it through DNS rebinding). Use http://127.0.0.1 or http://localhost with its port, "
                                     "or start it with --host-name NAME for each other name it is reached by.")
                              .arg(quoted(host)));
}

std::optional<EmuResponse> HostPolicy::checkSameOrigin(const EmuRequest &request, quint16 port) const
{
    const QByteArray origin = request.header("origin").trimmed();
    if (origin.isEmpty())
        return std::nullopt;
    // An origin is scheme://host[:port] and nothing else; the emulator serves plain HTTP.
    const QByteArray authority = origin.startsWith("http://") ? origin.mid(7) : QByteArray();
    int originPort = -1;
    const QString host = authority.contains('/') || authority.contains('@') ? QString() : hostOf(authority, &originPort);
    const bool own = !host.isEmpty() && (isLoopbackName(host) || m_hostNames.contains(host)) && (originPort < 0 ? 80 : originPort) == port;
    if (own)
        return std::nullopt;
    return error(403, QStringLiteral("Requests from the web page at Origin \"%1\" are refused: the /emulator/ endpoints answer programs "
                                     "and the emulator's own pages only. Call them from a script or the console, without an Origin header.")
                              .arg(quoted(origin)));
}

std::optional<EmuResponse> HostPolicy::checkJsonWrite(const EmuRequest &request)
{
    const QByteArray &m = request.method;
    if (m != "POST" && m != "PUT" && m != "PATCH" && m != "DELETE")
        return std::nullopt;
    const QByteArray type = request.header("content-type");
    const qsizetype semicolon = type.indexOf(';');
    if ((semicolon < 0 ? type : type.left(semicolon)).trimmed().toLower() == "application/json")
        return std::nullopt;
    return error(415, QStringLiteral("%1 %2 needs Content-Type: application/json (a form or text/plain body is refused, so a web page "
                                     "cannot change the emulator)")
                              .arg(QString::fromLatin1(m), shortened(request.path)));
}

bool HostPolicy::isValidHostName(const QString &name, QString *why)
{
    int port = -1;
    QHostAddress address;
    const bool bareIpv6 = address.setAddress(name) && address.protocol() == QAbstractSocket::IPv6Protocol;
    if (name.isEmpty() || (!bareIpv6 && (hostOf(name.toUtf8(), &port).isEmpty() || port >= 0 || name.contains(QLatin1Char(':'))))) {
        *why = QStringLiteral("--host-name takes a host name or address as browsers send it in Host, without port or scheme "
                              "(such as devbox.local or 192.168.1.20), not \u201c%1\u201d")
                       .arg(name);
        return false;
    }
    return true;
}

} // namespace plainkey::emulator
