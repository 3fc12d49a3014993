#include "profile/secretstore.h"

#include <qt6keychain/keychain.h>

namespace plainkey {

namespace {

SecretStore::Outcome outcomeOf(const QKeychain::Job *job, const QString &action)
{
    SecretStore::Outcome o;
    switch (job->error()) {
    case QKeychain::NoError:
        o.ok = true;
        return o;
    case QKeychain::EntryNotFound:
        o.notFound = true;
        o.message = SecretStore::tr("No secret is saved in the system keychain for this project.");
        return o;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        o.unavailable = true;
        o.message = SecretStore::tr("Could not %1 the system keychain: no keychain service is running on this "
                                    "desktop (%2). Start one (GNOME Keyring, KWallet) or enter the secret each time.")
                            .arg(action, job->errorString());
        return o;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        o.unavailable = true;
        o.message = SecretStore::tr("Could not %1 the system keychain: access was refused (%2). Unlock the keychain "
                                    "and try again.")
                            .arg(action, job->errorString());
        return o;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    o.unavailable = true;
    o.message = SecretStore::tr("Could not %1 the system keychain: %2. Check that a keychain service (GNOME Keyring, "
                                "KWallet) is running and unlocked, or enter the secret each time.")
                        .arg(action, job->errorString());
    return o;
}

} // namespace

SecretStore::SecretStore(const QString &service, QObject *parent) : QObject(parent), m_service(service) {}

QString SecretStore::keyFor(const Credentials &credentials)
{
    return credentials.normalizedBaseUrl().toString(QUrl::FullyEncoded) + QLatin1Char(' ') + credentials.projectId;
}

// Jobs have no parent and delete themselves when finished: QtKeychain's backends call back
// into a job after their D-Bus answer arrives, so destroying one in flight (with its store or
// window) would crash. The caller's context decides whether the callback still runs.

void SecretStore::read(const QString &key, QObject *context, ReadCallback callback)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(key);
    job->setInsecureFallback(false);
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    QObject::connect(job, &QKeychain::Job::finished, job, [=](QKeychain::Job *) {
        if (hasContext && !guard)
            return;
        const Outcome o = outcomeOf(job, tr("read the secret from"));
        callback(o.ok ? std::optional<QString>(job->textData()) : std::nullopt, o);
    });
    job->start();
}

void SecretStore::write(const QString &key, const QString &secret, QObject *context, Callback callback)
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setTextData(secret);
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    QObject::connect(job, &QKeychain::Job::finished, job, [=](QKeychain::Job *) {
        if (hasContext && !guard)
            return;
        callback(outcomeOf(job, tr("save the secret in")));
    });
    job->start();
}

void SecretStore::remove(const QString &key, QObject *context, Callback callback)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(key);
    job->setInsecureFallback(false);
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    QObject::connect(job, &QKeychain::Job::finished, job, [=](QKeychain::Job *) {
        if (hasContext && !guard)
            return;
        Outcome o = outcomeOf(job, tr("remove the secret from"));
        if (o.notFound) {
            o = {};
            o.ok = true;
        }
        callback(o);
    });
    job->start();
}

} // namespace plainkey
