#include "core/profile/secretstore.h"

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

namespace {

// Jobs have no parent and delete themselves when finished: QtKeychain's backends call back
// into a job after their D-Bus answer arrives, so destroying one in flight (with its store or
// window) would crash. The caller's context decides whether \a onFinished still runs.
template <typename JobType, typename OnFinished>
void startJob(JobType *job, const QString &key, QObject *context, OnFinished onFinished)
{
    job->setKey(key);
    job->setInsecureFallback(false);
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    QObject::connect(job, &QKeychain::Job::finished, job, [=](QKeychain::Job *) {
        if (!hasContext || guard)
            onFinished(job);
    });
    job->start();
}

} // namespace

void SecretStore::read(const QString &key, QObject *context, ReadCallback callback)
{
    startJob(new QKeychain::ReadPasswordJob(m_service), key, context, [callback](QKeychain::ReadPasswordJob *job) {
        const Outcome o = outcomeOf(job, tr("read the secret from"));
        callback(o.ok ? std::optional<QString>(job->textData()) : std::nullopt, o);
    });
}

void SecretStore::write(const QString &key, const QString &secret, QObject *context, Callback callback)
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setTextData(secret);
    startJob(job, key, context, [callback](QKeychain::WritePasswordJob *job) { callback(outcomeOf(job, tr("save the secret in"))); });
}

void SecretStore::remove(const QString &key, QObject *context, Callback callback)
{
    startJob(new QKeychain::DeletePasswordJob(m_service), key, context, [callback](QKeychain::DeletePasswordJob *job) {
        Outcome o = outcomeOf(job, tr("remove the secret from"));
        if (o.notFound) {
            o = {};
            o.ok = true; // nothing to remove is what was asked for
        }
        callback(o);
    });
}

} // namespace plainkey
