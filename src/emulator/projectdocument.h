#pragma once

#include "emulator/emulatorstore.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace plainkey::emulator {

//! A project as JSON: what `--export FILE` and `POST /emulator/export` write and `--seed FILE`
//! reads (format "plainkey-emulator-project", version 1; see the emulator's README). Users with
//! their passkeys nested, public keys and user handles in base64url, times in ISO 8601 UTC.
//! Authentication and access tokens are never in it.
class ProjectDocument
{
public:
    static constexpr int kVersion = 1;

    //! The project in \a store, users oldest first, passkeys in the order they were added.
    static ProjectDocument fromStore(const EmulatorStore &store, const QString &projectId);
    //! Reads a document; nullopt with \a error naming the entry and what is wrong with it.
    static std::optional<ProjectDocument> fromJson(const QByteArray &json, QString *error);
    QJsonObject toJson() const;

    //! Adds the document's users and passkeys to \a store as one change. Users whose ID is
    //! already there are skipped with their passkeys (a seed given at every start adds them
    //! once); a user name or passkey ID taken by someone else refuses the whole document.
    bool addTo(EmulatorStore &store, QString *error, int *skipped = nullptr) const;

    QString projectId() const { return m_projectId; }
    const QList<StoredUser> &users() const { return m_users; }
    //! Every passkey, grouped by user in the users' order.
    const QList<StoredPasskey> &passkeys() const { return m_passkeys; }

private:
    QString m_projectId;
    QList<StoredUser> m_users;
    QList<StoredPasskey> m_passkeys;
};

} // namespace plainkey::emulator
