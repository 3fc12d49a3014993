#include "emulator/webauthn/challengestore.h"

#include "emulator/webauthn/base64url.h"

#include <QRandomGenerator>

#include <algorithm>
#include <array>
#include <vector>

namespace plainkey::emulator {

namespace {
QString ceremonyName(Ceremony ceremony)
{
    return ceremony == Ceremony::Registration ? QStringLiteral("registration") : QStringLiteral("sign-in");
}
} // namespace

ChallengeStore::ChallengeStore(std::chrono::seconds lifetime, Clock clock) : m_lifetime(lifetime), m_clock(std::move(clock)) {}

QDateTime ChallengeStore::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

IssuedChallenge ChallengeStore::issue(Ceremony ceremony, const QString &session, bool userVerificationRequired, std::optional<QString> userId)
{
    const QDateTime issuedAt = now();
    if (++m_issuedSincePurge >= 256 || m_challenges.size() >= kMaxOutstanding) {
        m_issuedSincePurge = 0;
        purge(issuedAt);
    }

    std::array<quint32, kChallengeBytes / sizeof(quint32)> words;
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    const QByteArray raw(reinterpret_cast<const char *>(words.data()), kChallengeBytes);

    IssuedChallenge issued;
    issued.challenge = base64url::encode(raw);
    issued.ceremony = ceremony;
    issued.session = session;
    issued.userVerificationRequired = userVerificationRequired;
    issued.userId = std::move(userId);
    issued.expiresAt = issuedAt.addSecs(m_lifetime.count());
    m_challenges.insert(issued.challenge, issued);
    return issued;
}

WebAuthnResult<IssuedChallenge> ChallengeStore::consume(const QString &challenge, Ceremony ceremony, const QString &session)
{
    const auto it = m_challenges.find(challenge);
    if (it == m_challenges.end())
        return WebAuthnError::refused(QStringLiteral("The challenge in clientDataJSON was not issued by this server or was already used: "
                                                     "begin the %1 again.").arg(ceremonyName(ceremony)));
    if (it->ceremony != ceremony)
        return WebAuthnError::refused(QStringLiteral("The challenge in clientDataJSON was issued for a %1, not a %2.")
                                              .arg(ceremonyName(it->ceremony), ceremonyName(ceremony)));
    if (it->session != session)
        return WebAuthnError::refused(QStringLiteral("The challenge in clientDataJSON was issued to another %1 session.")
                                              .arg(ceremonyName(ceremony)));
    const IssuedChallenge issued = *it;
    m_challenges.erase(it);
    if (now() >= issued.expiresAt)
        return WebAuthnError::refused(QStringLiteral("The challenge expired at %1 (challenges are valid %2 s): begin the %3 again.")
                                              .arg(issued.expiresAt.toString(Qt::ISODate))
                                              .arg(m_lifetime.count())
                                              .arg(ceremonyName(ceremony)));
    return issued;
}

void ChallengeStore::purge(const QDateTime &now)
{
    // Expired challenges stay one more lifetime, so a late answer hears "expired", not "unknown".
    const QDateTime cutoff = now.addSecs(-m_lifetime.count());
    for (auto it = m_challenges.begin(); it != m_challenges.end();)
        it = it->expiresAt < cutoff ? m_challenges.erase(it) : std::next(it);
    if (m_challenges.size() < kMaxOutstanding)
        return;
    // Still full of live challenges: drop the tenth closest to expiry in one pass, so a flood
    // of begin calls costs one sort per many issues rather than a scan per issue.
    std::vector<qint64> expiries;
    expiries.reserve(size_t(m_challenges.size()));
    for (const IssuedChallenge &c : std::as_const(m_challenges))
        expiries.push_back(c.expiresAt.toMSecsSinceEpoch());
    const auto nth = expiries.begin() + qsizetype(expiries.size() / 10);
    std::nth_element(expiries.begin(), nth, expiries.end());
    const qint64 threshold = *nth;
    for (auto it = m_challenges.begin(); it != m_challenges.end();)
        it = it->expiresAt.toMSecsSinceEpoch() <= threshold ? m_challenges.erase(it) : std::next(it);
}

} // namespace plainkey::emulator
