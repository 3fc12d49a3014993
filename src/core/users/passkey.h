#pragma once

#include "core/api/result.h"
#include "core/time/timestamp.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace plainkey {

//! A point in time as PlainKey wrote it and, when readable, as a timestamp.
struct PasskeyTime
{
    std::optional<Timestamp> when;
    //! The text PlainKey sent (ISO 8601 or an epoch number as text); empty when absent.
    QString raw;

    bool isSet() const { return !raw.isEmpty(); }
    //! UTC ISO 8601 with milliseconds when readable, else the raw text.
    QString isoText() const;
    //! "3 days ago", "5 months ago", "in 2 min"; "never" when not set; empty when unreadable.
    QString relativeText(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    //! "2024-05-01 12:00:00 UTC", or the raw text when unreadable; "never" when not set.
    QString absoluteText() const;
};

//! One passkey (WebAuthn credential) of a user, every field of the contract's Passkey object.
struct Passkey
{
    QString id;
    QString userId;
    std::optional<QString> webAuthnId;
    std::optional<QString> label;
    std::optional<QString> authenticatorType;
    std::optional<QString> aaguid;
    //! "singleDevice" or "multiDevice".
    std::optional<QString> credentialDeviceType;
    std::optional<bool> credentialBackedUp;
    std::optional<QStringList> transports;
    std::optional<qint64> counter;
    PasskeyTime createdAt;
    PasskeyTime updatedAt;
    PasskeyTime lastUsedAt;

    //! The authenticator's model name from its AAGUID, when known ("iCloud Keychain").
    std::optional<QString> authenticatorName() const;
    //! "synced (multi-device)", "one device (single-device)" or what PlainKey said.
    QString deviceTypeText() const;
    //! "yes", "no" or "unknown".
    QString backedUpText() const;
    //! "internal, hybrid", "none" or "unknown".
    QString transportsText() const;
    //! The label, or "(no label)".
    QString labelText() const;
    //! A name a person recognises: the label, else the authenticator's name, else the ID.
    QString displayName() const;

    //! Reads a Passkey object; \a what names it in errors ("passkey 3 of the answer").
    static Result<Passkey> fromJson(const QJsonObject &object, const QString &what = QStringLiteral("the passkey"));
    //! The contract's fields, nulls included; times normalised to UTC ISO 8601 where readable.
    QJsonObject toJson() const;
};

} // namespace plainkey

Q_DECLARE_METATYPE(plainkey::Passkey)
