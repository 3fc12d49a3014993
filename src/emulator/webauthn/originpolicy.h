#pragma once

#include <QString>
#include <QStringList>

namespace plainkey::emulator {

//! Which web origins may run passkey ceremonies (and, for the Browser API's CORS, call it):
//! exact origins such as `https://app.example.com`, and patterns whose port is `*`, such as
//! `http://localhost:*`, which match that scheme and host on any port or none.
class OriginPolicy
{
public:
    OriginPolicy() = default;
    //! \a patterns as given by `--origin`; one trailing slash on each is ignored.
    explicit OriginPolicy(const QStringList &patterns);

    //! The default for a local emulator: `http://localhost:*`, `http://127.0.0.1:*`, and
    //! \a ownOrigin (the emulator's own, e.g. `http://127.0.0.1:8080`) when not empty.
    static OriginPolicy localDefault(const QString &ownOrigin = {});

    //! True when \a origin (as a browser serializes it: scheme://host[:port], no path) matches.
    bool allows(const QString &origin) const;
    QStringList patterns() const { return m_patterns; }

private:
    QStringList m_patterns;
};

} // namespace plainkey::emulator
