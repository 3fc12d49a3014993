#pragma once

#include "core/api/apirequest.h"
#include "core/api/result.h"
#include "core/users/passkey.h"
#include "core/users/useridentifier.h"

#include <QList>
#include <QPair>
#include <QString>

#include <optional>

// The Server API's passkey operations, one small struct each, run with PlainKeyClient::call<Op>().

namespace plainkey {

//! GET /user/{userId}/credentials
struct ListPasskeys
{
    using Value = QList<Passkey>;
    static ApiRequest request(const QString &userId);
    static Result<QList<Passkey>> read(const HttpAnswer &answer);
};

//! GET /credential/{credentialId}
struct GetPasskey
{
    using Value = Passkey;
    static ApiRequest request(const QString &passkeyId);
    static Result<Passkey> read(const HttpAnswer &answer);
};

//! DELETE /credential/{credentialId}
struct DeletePasskey
{
    using Value = Done;
    static ApiRequest request(const QString &passkeyId);
    static Result<Done> read(const HttpAnswer &answer);
};

//! PATCH /credential/{credentialId}/label: sets the label, or clears it when \a label is nullopt.
struct SetPasskeyLabel
{
    using Value = Done;
    static ApiRequest request(const QString &passkeyId, const std::optional<QString> &label);
    static Result<Done> read(const HttpAnswer &answer);
};

//! What PlainKey returns to begin adding a passkey: the WebAuthn creation options for the
//! browser and the authentication token that completes the ceremony (a secret).
struct PasskeyRegistration
{
    //! PublicKeyCredentialCreationOptionsJSON, indented, as PlainKey sent it.
    QString optionsJson;
    QString authenticationToken;
    //! The options' main points for people ("Relying party", "example.com"), in order.
    QList<QPair<QString, QString>> summary;
};

//! POST /user/credential/begin
struct BeginPasskeyRegistration
{
    using Value = PasskeyRegistration;
    static ApiRequest request(const UserIdentifier &user);
    static Result<PasskeyRegistration> read(const HttpAnswer &answer);
};

} // namespace plainkey
