#pragma once

#include <QString>
#include <QStringList>

#include <chrono>

namespace plainkey::emulator {

//! How one emulated PlainKey project behaves. The defaults are the documented demo project.
struct EmulatorConfig
{
    enum class TokenFormat { Jwt, Opaque };
    enum class ExpiresAtFormat { Iso8601, EpochSeconds, EpochMillis };

    QString projectId = QStringLiteral("demo-project");
    QString clientSecret = QStringLiteral("demo-secret");
    std::chrono::seconds accessTokenTtl{3600};
    //! Authentication tokens minted by sign-up, sign-in and begin-registration: 5 minutes.
    std::chrono::seconds authTokenTtl{300};
    TokenFormat tokenFormat = TokenFormat::Jwt;
    //! How verify answers write expiresAt (the contract does not say; the client accepts all).
    ExpiresAtFormat expiresAtFormat = ExpiresAtFormat::Iso8601;
    //! A verified token cannot be verified again.
    bool singleUseTokens = false;
    //! Larger request bodies get 413.
    qint64 maxBodyBytes = 1 << 20;
    //! The Browser API's WebAuthn relying party ID (`--rp-id`): a page's origin must be this
    //! host or below it for the browser to run a ceremony.
    QString rpId = QStringLiteral("localhost");
    //! Web origins allowed to call the Browser API (CORS) and expected in clientDataJSON
    //! (`--origin`, exact or with port `*`). Empty: http://localhost:* and http://127.0.0.1:*.
    //! The emulator's own origin (where /demo/ is served) is always allowed.
    QStringList allowedOrigins;
    //! How long a Browser API begin (its challenge, a pending sign-up, a login session) lasts.
    std::chrono::seconds ceremonyTtl{300};
};

//! A failure injected into every Server API answer (not /emulator/ ones).
struct Fault
{
    enum class Mode { None, Status, Html, Empty, Truncated, Stall, Reset };
    Mode mode = Mode::None;
    int status = 503;            //!< for Mode::Status
    int retryAfterSeconds = 0;   //!< sent as Retry-After when the status is 429
    int remaining = -1;          //!< answers left to spoil; -1 until cleared
    QString pathPrefix;          //!< only paths starting with this; empty for all

    static QString modeName(Mode mode);
    static bool modeFromName(const QString &name, Mode *mode);
};

} // namespace plainkey::emulator
