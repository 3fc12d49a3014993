#pragma once

#include "core/api/credentials.h"
#include "core/text/tone.h"

#include <QString>
#include <QUrl>

#include <optional>

namespace plainkey {

//! Where requests go: nowhere yet, the demo's emulator, a server on this computer, or a real
//! PlainKey. The banner, the production change guard, the CLI and support bundles decide it here.
struct Destination
{
    enum class Kind {
        NotConnected, //!< no project applied: nothing is sent
        Demo,         //!< the emulator the console runs itself
        Local,        //!< a server on this computer (localhost, 127.0.0.0/8, ::1), not PlainKey
        Live,         //!< a real PlainKey: changes affect real people
    };

    Kind kind = Kind::NotConnected;
    //! The base URL, one trailing slash removed; empty when not connected.
    QUrl baseUrl;
    QString projectId;
    //! Plain http to another machine: secrets cross the network in clear.
    bool insecure = false;

    //! Classifies the \a connected credentials (those in use). \a demoBaseUrl: the running demo
    //! emulator's base URL, if any. While nothing is connected, \a entered (the form's) still tells
    //! the demo apart, so the demo reads "demo" before its Connect.
    static Destination classify(const Credentials &connected, const std::optional<QUrl> &demoBaseUrl = std::nullopt,
                                const Credentials &entered = {});

    //! True where changes reach real people's sign-in: a live PlainKey (the change guard locks it).
    bool isProduction() const { return kind == Kind::Live; }
    //! Good for the demo, Neutral for local, Bad for insecure live, Warning for live, Neutral when not connected.
    Tone tone() const;
    //! One plain sentence: "LIVE: requests go to PlainKey at https://... (project p). ..."
    QString sentence() const;
    //! "not-connected", "demo", "local", "live": stable names for --json and reports.
    static QString kindName(Kind kind);
};

} // namespace plainkey
