#include "core/users/passkeyops.h"

#include "core/api/jsonreader.h"
#include "core/users/userops.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace plainkey {

namespace {

QString passkeyPath(const QString &passkeyId)
{
    return QStringLiteral("/credential/") + ApiRequest::segment(passkeyId);
}

QString text(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    return {};
}

//! The creation options' main points; whatever is absent is left out, nothing is required.
QList<QPair<QString, QString>> summarize(const QJsonObject &options)
{
    QList<QPair<QString, QString>> s;
    auto add = [&s](const QString &name, const QString &value) {
        if (!value.isEmpty())
            s.append({name, value});
    };
    const QJsonObject rp = options.value(QLatin1String("rp")).toObject();
    const QString rpId = text(rp.value(QLatin1String("id")));
    const QString rpName = text(rp.value(QLatin1String("name")));
    add(QStringLiteral("Relying party"), rpId.isEmpty() ? rpName : (rpName.isEmpty() || rpName == rpId ? rpId : QStringLiteral("%1 (%2)").arg(rpId, rpName)));
    const QJsonObject user = options.value(QLatin1String("user")).toObject();
    const QString name = text(user.value(QLatin1String("name")));
    const QString display = text(user.value(QLatin1String("displayName")));
    add(QStringLiteral("User"), display.isEmpty() || display == name ? name : QStringLiteral("%1 (%2)").arg(name, display));
    add(QStringLiteral("User handle"), text(user.value(QLatin1String("id"))));
    add(QStringLiteral("Challenge"), text(options.value(QLatin1String("challenge"))));
    const QJsonValue timeout = options.value(QLatin1String("timeout"));
    if (timeout.isDouble())
        add(QStringLiteral("Timeout"), QStringLiteral("%1 s").arg(timeout.toDouble() / 1000.0, 0, 'g', 6));
    QStringList algorithms;
    for (const QJsonValue &p : options.value(QLatin1String("pubKeyCredParams")).toArray()) {
        const int alg = p.toObject().value(QLatin1String("alg")).toInt();
        algorithms.append(alg == -7 ? QStringLiteral("ES256") : alg == -257 ? QStringLiteral("RS256") : alg == -8 ? QStringLiteral("EdDSA") : QString::number(alg));
    }
    add(QStringLiteral("Algorithms"), algorithms.join(QLatin1String(", ")));
    const QJsonValue exclude = options.value(QLatin1String("excludeCredentials"));
    if (exclude.isArray())
        add(QStringLiteral("Excluded passkeys"), QString::number(exclude.toArray().size()));
    const QJsonObject selection = options.value(QLatin1String("authenticatorSelection")).toObject();
    add(QStringLiteral("Authenticator"), text(selection.value(QLatin1String("authenticatorAttachment"))));
    add(QStringLiteral("Resident key"), text(selection.value(QLatin1String("residentKey"))));
    add(QStringLiteral("User verification"), text(selection.value(QLatin1String("userVerification"))));
    add(QStringLiteral("Attestation"), text(options.value(QLatin1String("attestation"))));
    return s;
}

} // namespace

ApiRequest ListPasskeys::request(const QString &userId)
{
    ApiRequest r;
    r.path = QStringLiteral("/user/") + ApiRequest::segment(userId) + QStringLiteral("/credentials");
    r.operation = QStringLiteral("Listing the passkeys of user ID %1").arg(userId);
    return r;
}

Result<QList<Passkey>> ListPasskeys::read(const HttpAnswer &answer)
{
    const auto array = JsonReader::array(answer);
    if (!array)
        return array.error();
    QList<Passkey> passkeys;
    passkeys.reserve(array.value().size());
    int index = 0;
    for (const QJsonValue &v : array.value()) {
        ++index;
        if (!v.isObject())
            return ApiError(ApiError::Kind::InvalidResponse, QStringLiteral("passkey %1 of the answer is not an object").arg(index));
        auto passkey = Passkey::fromJson(v.toObject(), QStringLiteral("passkey %1 of the answer").arg(index));
        if (!passkey)
            return passkey.error();
        passkeys.append(std::move(passkey.value()));
    }
    return passkeys;
}

ApiRequest GetPasskey::request(const QString &passkeyId)
{
    ApiRequest r;
    r.path = passkeyPath(passkeyId);
    r.operation = QStringLiteral("Fetching passkey %1").arg(passkeyId);
    return r;
}

Result<Passkey> GetPasskey::read(const HttpAnswer &answer)
{
    const auto object = JsonReader::object(answer);
    if (!object)
        return object.error();
    return Passkey::fromJson(object.value());
}

ApiRequest DeletePasskey::request(const QString &passkeyId)
{
    ApiRequest r;
    r.method = "DELETE";
    r.path = passkeyPath(passkeyId);
    r.operation = QStringLiteral("Deleting passkey %1").arg(passkeyId);
    return r;
}

Result<Done> DeletePasskey::read(const HttpAnswer &answer)
{
    return readDeleteConfirmation(answer, QStringLiteral("the delete answer"));
}

ApiRequest SetPasskeyLabel::request(const QString &passkeyId, const std::optional<QString> &label)
{
    ApiRequest r;
    r.method = "PATCH";
    r.path = passkeyPath(passkeyId) + QStringLiteral("/label");
    r.body = QJsonObject{{QStringLiteral("label"), label ? QJsonValue(*label) : QJsonValue(QJsonValue::Null)}};
    r.operation = label ? QStringLiteral("Labelling passkey %1 \u201c%2\u201d").arg(passkeyId, *label)
                        : QStringLiteral("Clearing the label of passkey %1").arg(passkeyId);
    return r;
}

Result<Done> SetPasskeyLabel::read(const HttpAnswer &answer)
{
    // The contract promises a 200 and nothing about its body: accept any JSON or none, but not
    // a page from something that is not PlainKey.
    return readSuccess(answer, QStringLiteral("the label answer"));
}

ApiRequest BeginPasskeyRegistration::request(const UserIdentifier &user)
{
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/user/credential/begin");
    r.body = QJsonObject{{QStringLiteral("userIdentifier"), user.toJson()}};
    r.operation = QStringLiteral("Beginning to add a passkey to %1").arg(user.describe());
    return r;
}

Result<PasskeyRegistration> BeginPasskeyRegistration::read(const HttpAnswer &answer)
{
    const auto object = JsonReader::object(answer);
    if (!object)
        return object.error();
    JsonReader reader(object.value(), QStringLiteral("the answer"));
    PasskeyRegistration r;
    r.authenticationToken = reader.requiredString(QStringLiteral("authenticationToken"));
    const QJsonValue options = reader.value(QStringLiteral("options"));
    if (!reader.ok())
        return reader.error();
    if (!options.isObject())
        return ApiError(ApiError::Kind::InvalidResponse, options.isUndefined() || options.isNull()
                                ? QStringLiteral("the answer lacks options")
                                : QStringLiteral("the answer's options are not a JSON object"));
    r.optionsJson = QString::fromUtf8(QJsonDocument(options.toObject()).toJson(QJsonDocument::Indented)).trimmed();
    r.summary = summarize(options.toObject());
    return r;
}

} // namespace plainkey
