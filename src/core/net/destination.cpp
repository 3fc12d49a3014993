#include "core/net/destination.h"

#include <QCoreApplication>

namespace plainkey {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Destination", text);
}

bool sameServer(const Credentials &c, const std::optional<QUrl> &demoBaseUrl)
{
    if (!demoBaseUrl)
        return false;
    Credentials demo;
    demo.baseUrl = *demoBaseUrl;
    return c.normalizedBaseUrl() == demo.normalizedBaseUrl();
}

} // namespace

Destination Destination::classify(const Credentials &connected, const std::optional<QUrl> &demoBaseUrl, const Credentials &entered)
{
    Destination d;
    if (connected.projectId.isEmpty()) {
        if (sameServer(entered, demoBaseUrl)) {
            d.kind = Kind::Demo;
            d.baseUrl = entered.normalizedBaseUrl();
        }
        return d;
    }
    d.baseUrl = connected.normalizedBaseUrl();
    d.projectId = connected.projectId;
    if (sameServer(connected, demoBaseUrl))
        d.kind = Kind::Demo;
    else if (connected.isLoopback())
        d.kind = Kind::Local;
    else {
        d.kind = Kind::Live;
        d.insecure = connected.isInsecureRemote();
    }
    return d;
}

Tone Destination::tone() const
{
    switch (kind) {
    case Kind::Demo: return Tone::Good;
    case Kind::Local: return Tone::Neutral;
    case Kind::Live: return insecure ? Tone::Bad : Tone::Warning;
    case Kind::NotConnected: break;
    }
    return Tone::Neutral;
}

QString Destination::sentence() const
{
    const QString url = baseUrl.toString();
    switch (kind) {
    case Kind::Demo:
        return tr("DEMO: requests go to the PlainKey emulator inside this program at %1. Nothing leaves this computer.").arg(url);
    case Kind::Local:
        return tr("LOCAL: requests go to a server on this computer at %1 (project %2), not to PlainKey.").arg(url, projectId);
    case Kind::Live: {
        QString text = tr("LIVE: requests go to PlainKey at %1 (project %2). Changes affect this project's real users.").arg(url, projectId);
        if (insecure)
            text += QLatin1Char(' ') + tr("Unencrypted http://: secrets cross the network in clear.");
        return text;
    }
    case Kind::NotConnected: break;
    }
    return tr("NOT CONNECTED: nothing is sent until credentials are applied.");
}

QString Destination::kindName(Kind kind)
{
    switch (kind) {
    case Kind::NotConnected: return QStringLiteral("not-connected");
    case Kind::Demo: return QStringLiteral("demo");
    case Kind::Local: return QStringLiteral("local");
    case Kind::Live: return QStringLiteral("live");
    }
    return {};
}

} // namespace plainkey
