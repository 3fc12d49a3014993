#pragma once

#include "emulator/httpserver.h"

#include <QStringList>

#include <optional>

namespace plainkey::emulator {

//! Who may talk to an emulator running on a developer's laptop while they browse. A web page
//! can make the browser send requests to it: through DNS rebinding (the page's own name now
//! resolving to 127.0.0.1, so the Host header is that name) or as a plain cross-site request
//! (a form POST, a fetch in no-cors mode). The Host check refuses the first everywhere; the
//! Origin and Content-Type checks refuse the second where it could change state.
class HostPolicy
{
public:
    //! \a hostNames are the names (or addresses) allowed besides the loopback ones.
    explicit HostPolicy(const QStringList &hostNames = {});

    //! True for a Host header naming loopback (localhost, *.localhost, 127.x.x.x, [::1]) or
    //! one of the configured names, with any port. An absent or empty Host (HTTP/1.0
    //! programs) passes: browsers always send one.
    bool isAllowedHost(const QByteArray &host) const;
    //! The 421 answer to a request whose Host is not allowed; empty otherwise.
    std::optional<EmuResponse> checkHost(const EmuRequest &request) const;
    //! The 403 answer to a request carrying an Origin other than the emulator's own
    //! (http://ALLOWED-HOST:\a port); empty when there is no Origin or it is the own one.
    std::optional<EmuResponse> checkSameOrigin(const EmuRequest &request, quint16 port) const;
    //! The 415 answer to a write (POST, PUT, PATCH, DELETE) whose Content-Type is not
    //! application/json, which no cross-site form or no-cors fetch can send; empty otherwise.
    static std::optional<EmuResponse> checkJsonWrite(const EmuRequest &request);

    //! A name as --host-name takes it: no port, no scheme, no spaces; false with \a why otherwise.
    static bool isValidHostName(const QString &name, QString *why);

private:
    //! The host part of a Host value, lowercased, without brackets or a trailing dot; empty
    //! when the value is malformed. \a port is set to the port, or -1 when none is given.
    static QString hostOf(const QByteArray &host, int *port);
    static bool isLoopbackName(const QString &host);

    QStringList m_hostNames; //!< normalised as hostOf() gives them
};

} // namespace plainkey::emulator
