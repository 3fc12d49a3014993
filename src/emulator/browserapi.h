#pragma once

#include "emulator/router.h"
#include "emulator/webauthn/challengestore.h"
#include "emulator/webauthn/originpolicy.h"
#include "emulator/webauthn/webauthnverifier.h"

#include <QDateTime>
#include <QHash>
#include <QJsonValue>

#include <functional>
#include <memory>
#include <optional>

namespace plainkey::emulator {

class AuthTokenIssuer;
class EmulatorStore;
class TokenSigner;
struct EmulatorConfig;
struct StoredAuthToken;
struct StoredUser;

//! PlainKey's Browser API under /browser, as PlainKey's browser SDK calls it: sign-up, sign-in
//! (with a user name or with a discoverable passkey), adding a passkey and relabelling one with
//! an authentication token. Every credential goes through the WebAuthnVerifier; CORS answers
//! only the allowed origins, which are also the origins clientDataJSON may name.
class BrowserApi
{
public:
    //! Called with every authentication token the Browser API hands out; \a ceremony is
    //! "sign-up", "sign-in" or "add-passkey".
    using TokenIssued = std::function<void(const QString &userId, const QString &userName, const QString &token,
                                           const QDateTime &expiresAt, const QString &ceremony)>;

    BrowserApi(const EmulatorConfig &config, EmulatorStore &store, const TokenSigner &signer, AuthTokenIssuer &tokens);
    ~BrowserApi();

    //! Puts the Browser API's routes, its CORS screen and headers and its x-project-id guard into \a group.
    void addRoutes(Router::Group &group);
    //! The emulator's own origins (where it serves /demo/), allowed along with the configured ones.
    void setOwnOrigins(const QStringList &origins);
    //! The origins allowed now (configured or default, and the emulator's own).
    const OriginPolicy &origins() const { return m_origins; }
    void setTokenIssued(TokenIssued callback) { m_tokenIssued = std::move(callback); }
    //! Forgets every ceremony in progress (the emulator's reset).
    void clear();

private:
    //! A sign-up between begin and complete: the user exists only once the passkey verified.
    struct PendingSignUp
    {
        std::optional<QString> userName;
        QDateTime expiresAt;
    };

    EmuResponse openApi(const RouteCall &call);
    EmuResponse registerBegin(const RouteCall &call);
    EmuResponse registerComplete(const RouteCall &call);
    EmuResponse authenticateBegin(const RouteCall &call);
    EmuResponse authenticateComplete(const RouteCall &call);
    EmuResponse addPasskeyBegin(const RouteCall &call);
    EmuResponse addPasskeyComplete(const RouteCall &call);
    EmuResponse relabel(const RouteCall &call);

    //! CORS: answers preflights and refuses disallowed origins (before routing).
    std::optional<EmuResponse> screen(const EmuRequest &request) const;
    //! x-project-id: 400 when missing, 401 when it names another project.
    std::optional<EmuResponse> checkProject(const EmuRequest &request) const;
    //! Access-Control-Allow-Origin for allowed origins, Vary: Origin on every answer.
    void finish(const EmuRequest &request, EmuResponse &response) const;

    //! The live authentication token in \a body's "authenticationToken" and its user; nullptr
    //! with the refusal in \a fail otherwise. Reading it does not spend it.
    const StoredUser *tokenUser(const QJsonObject &body, QString *credentialId, EmuResponse *fail);
    //! The creation options for \a user, excluding their passkeys, and the challenge behind them.
    QJsonObject creationOptions(const QString &userId, const QByteArray &userHandle, const QString &name, bool discoverable);
    //! Stores a verified registration as \a userId's passkey.
    QString storePasskey(const QString &userId, const VerifiedRegistration &registration);
    //! The credential object of the complete answers: {id, userId, label, authenticatorType}.
    QJsonObject credentialJson(const QString &passkeyId);
    //! Mints a token and tells m_tokenIssued.
    QJsonObject issueToken(const StoredUser &user, const QString &passkeyId, const QString &ceremony);
    //! The registration refusal for a credential ID that is already a passkey; nullopt if new.
    std::optional<EmuResponse> refuseKnownCredential(const QJsonObject &credential) const;
    void purgeExpired();
    void rebuildVerifier();

    const EmulatorConfig &m_config;
    EmulatorStore &m_store;
    const TokenSigner &m_signer;
    AuthTokenIssuer &m_tokens;
    ChallengeStore m_challenges;
    OriginPolicy m_origins;
    QStringList m_ownOrigins;
    std::unique_ptr<WebAuthnVerifier> m_verifier;
    QHash<QString, PendingSignUp> m_pendingSignUps; //!< by the user ID begin handed out
    TokenIssued m_tokenIssued;
};

} // namespace plainkey::emulator
