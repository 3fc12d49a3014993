#pragma once

#include "emulator/webauthn/challengestore.h"
#include "emulator/webauthn/originpolicy.h"
#include "emulator/webauthn/webauthnresult.h"

#include <QByteArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QStringList>

#include <functional>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcWebAuthn)

namespace plainkey::emulator {

//! What the server keeps per passkey to verify its sign-ins (persist all of it).
struct CredentialRecord
{
    QByteArray credentialId; //!< raw bytes (base64url in JSON)
    QByteArray publicKey;    //!< COSE key bytes from VerifiedRegistration::publicKey
    QString userId;          //!< the emulator's user the passkey belongs to
    QByteArray userHandle;   //!< the user.id bytes of the creation options (empty: not checked)
    quint32 counter = 0;     //!< the last signature counter seen
};

//! A registration that passed every check: what to store for the new passkey.
struct VerifiedRegistration
{
    QByteArray credentialId;
    QString credentialIdBase64Url;
    QByteArray publicKey;            //!< COSE key bytes: store them (CredentialRecord::publicKey)
    QByteArray subjectPublicKeyInfo; //!< the same key as DER, for export or display
    int algorithm = 0;               //!< COSE: -7, -8 or -257
    QString aaguid;                  //!< lower-case UUID without braces; all zeros when the authenticator hides it
    quint32 counter = 0;
    QString credentialDeviceType;    //!< "multiDevice" (BE flag) or "singleDevice"
    bool credentialBackedUp = false; //!< BS flag
    bool userVerified = false;
    QStringList transports;          //!< from response.transports, known values only
    QString attestationFormat;       //!< "none" or "packed"
    QString authenticatorAttachment; //!< "platform", "cross-platform" or empty
    QString origin;
};

//! A sign-in that passed every check.
struct VerifiedAssertion
{
    QByteArray credentialId;
    QString userId;                  //!< from the CredentialRecord
    quint32 newCounter = 0;          //!< store it as the credential's counter
    bool userVerified = false;
    bool credentialBackedUp = false; //!< BS flag now (it may change over a passkey's life)
    QString origin;
};

// How the Browser API handlers use this unit (one ChallengeStore and one verifier per emulator):
//
//   register/begin:  IssuedChallenge c = challenges.issue(Ceremony::Registration, userId, uvRequired);
//                    options = WebAuthnOptions::creation(c, verifier.rpId(), rpName, {userId.toUtf8(), name, {}}, existing);
//   register/complete: auto r = verifier.verifyRegistration(body["credential"], userId);
//                    !r -> answer r.error().httpStatus with {"error": r.error().message};
//                    else refuse a known r->credentialId, then store the passkey: r->credentialId,
//                    r->publicKey (COSE bytes), r->counter, r->aaguid, r->transports,
//                    r->credentialDeviceType, r->credentialBackedUp, and the user handle.
//   authenticate/begin: c = challenges.issue(Ceremony::Authentication, loginSessionId, uvRequired,
//                    userId-or-nullopt); options = WebAuthnOptions::request(c, rpId, that user's passkeys);
//                    loginSession.expiresAt = c.expiresAt.
//   authenticate/complete: auto a = verifier.verifyAuthentication(body["authenticationResponse"],
//                    loginSessionId, lookup-by-raw-credential-ID); on success store a->newCounter,
//                    a->credentialBackedUp and lastUsedAt, then issue the token for a->userId.

//! Verifies WebAuthn registrations (RegistrationResponseJSON) and sign-ins
//! (AuthenticationResponseJSON) for one relying party: clientDataJSON type, challenge (spent
//! from the ChallengeStore) and origin; the RP ID hash; UP always, UV when the ceremony asked
//! for it; attestation "none" or "packed" self-attestation; signatures with the stored key;
//! the signature counter. Every refusal is a WebAuthnError that names the failed check.
class WebAuthnVerifier
{
public:
    //! Finds a stored passkey by its raw credential ID; nullopt when there is none.
    using CredentialLookup = std::function<std::optional<CredentialRecord>(const QByteArray &credentialId)>;

    //! \a challenges must outlive the verifier; \a rpId is the RP ID the options name.
    explicit WebAuthnVerifier(ChallengeStore *challenges, QString rpId = QStringLiteral("localhost"),
                              OriginPolicy origins = OriginPolicy::localDefault());

    QString rpId() const { return m_rpId; }
    const OriginPolicy &origins() const { return m_origins; }

    //! Completes a registration begun with ChallengeStore::issue(Ceremony::Registration,
    //! \a session, ...). Does not check that the credential ID is new: the caller does.
    WebAuthnResult<VerifiedRegistration> verifyRegistration(const QJsonObject &credential, const QString &session);

    //! Completes a sign-in begun with ChallengeStore::issue(Ceremony::Authentication,
    //! \a loginSessionId, ...); \a lookup finds the stored passkey the response names.
    //! A counter that does not grow is refused and logged as a possible cloned authenticator.
    WebAuthnResult<VerifiedAssertion> verifyAuthentication(const QJsonObject &response, const QString &loginSessionId,
                                                           const CredentialLookup &lookup);

private:
    ChallengeStore *m_challenges;
    QString m_rpId;
    QByteArray m_rpIdHash;
    OriginPolicy m_origins;
};

} // namespace plainkey::emulator
