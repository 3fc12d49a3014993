#pragma once

#include "emulator/webauthn/webauthnresult.h"

#include <QDateTime>
#include <QHash>
#include <QString>

#include <chrono>
#include <functional>
#include <optional>

namespace plainkey::emulator {

//! The two WebAuthn ceremonies; a challenge issued for one cannot complete the other.
enum class Ceremony { Registration, Authentication };

//! One challenge handed out by ChallengeStore::issue, and what its ceremony asked for.
struct IssuedChallenge
{
    QString challenge;        //!< base64url, no padding: put it in the options as is
    Ceremony ceremony = Ceremony::Registration;
    QString session;          //!< the user ID (registration) or login session ID (authentication)
    bool userVerificationRequired = false;
    std::optional<QString> userId; //!< authentication begun for a known user: only their passkeys may answer
    QDateTime expiresAt;      //!< UTC
};

//! Random WebAuthn challenges, each single use, bound to the session it was issued to and
//! valid for a limited time. Not thread-safe: use it from the HTTP server's thread.
class ChallengeStore
{
public:
    using Clock = std::function<QDateTime()>;
    static constexpr int kChallengeBytes = 32;
    //! Outstanding challenges kept at most; beyond it the ones closest to expiry are dropped,
    //! so unauthenticated begin calls cannot grow memory without bound.
    static constexpr int kMaxOutstanding = 100000;

    //! Challenges live \a lifetime; \a clock (UTC now by default) is there for tests.
    explicit ChallengeStore(std::chrono::seconds lifetime = std::chrono::minutes(5), Clock clock = {});

    //! A fresh challenge of kChallengeBytes random bytes from the system's CSPRNG, for \a session.
    IssuedChallenge issue(Ceremony ceremony, const QString &session, bool userVerificationRequired = false,
                          std::optional<QString> userId = std::nullopt);

    //! Takes \a challenge (base64url, as found in clientDataJSON) out of the store when it was
    //! issued for \a ceremony and \a session and has not expired; a 401 error saying which of
    //! these failed otherwise. A challenge found for the right session is spent even when it
    //! has expired, so it can never be retried.
    WebAuthnResult<IssuedChallenge> consume(const QString &challenge, Ceremony ceremony, const QString &session);

    int outstanding() const { return int(m_challenges.size()); }
    std::chrono::seconds lifetime() const { return m_lifetime; }

private:
    QDateTime now() const;
    void purge(const QDateTime &now);

    std::chrono::seconds m_lifetime;
    Clock m_clock;
    QHash<QString, IssuedChallenge> m_challenges;
    int m_issuedSincePurge = 0;
};

} // namespace plainkey::emulator
