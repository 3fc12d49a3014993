#pragma once

#include "core/api/credentials.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <optional>

namespace plainkey {

//! The project's client secret in the system keychain (Secret Service, KWallet, macOS
//! Keychain or Windows Credential Manager, through QtKeychain), only when the user asks for
//! it. Never falls back to a plain-text file. Every call is asynchronous; a callback is
//! dropped if its context is destroyed first.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    //! What a finished call says: ok, or a sentence a person can act on.
    struct Outcome
    {
        bool ok = false;
        //! Read only: nothing is stored under the key (not an error).
        bool notFound = false;
        //! The keychain itself cannot be used (no backend, locked, refused).
        bool unavailable = false;
        QString message;
    };
    using ReadCallback = std::function<void(const std::optional<QString> &secret, const Outcome &outcome)>;
    using Callback = std::function<void(const Outcome &outcome)>;

    //! \a service names the entries in the keychain ("PlainKey Console"); tests use their own.
    explicit SecretStore(const QString &service = QStringLiteral("PlainKey Console"), QObject *parent = nullptr);

    //! The entry's key for a project: its normalized base URL and project ID, so the same
    //! project ID on two servers keeps two secrets.
    static QString keyFor(const Credentials &credentials);

    void read(const QString &key, QObject *context, ReadCallback callback);
    void write(const QString &key, const QString &secret, QObject *context, Callback callback);
    //! Removing an entry that is not there succeeds.
    void remove(const QString &key, QObject *context, Callback callback);

    QString service() const { return m_service; }

private:
    QString m_service;
};

} // namespace plainkey
