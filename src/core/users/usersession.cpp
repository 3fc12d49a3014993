#include "core/users/usersession.h"

#include "core/api/apicall.h"
#include "core/api/plainkeyclient.h"
#include "core/users/passkeyops.h"
#include "core/users/userlookup.h"

#include <QTimer>

namespace plainkey {

UserSession::UserSession(PlainKeyClient *client, QObject *parent) : QObject(parent), m_client(client) {}

UserSession::~UserSession() = default;

void UserSession::find(const UserIdentifier &who)
{
    if (!who.problem().isEmpty()) {
        // Refused before sending: what is on show stays. Asynchronous like every answer.
        const ApiError error(ApiError::Kind::InvalidInput, QStringLiteral("Cannot look the user up: %1.").arg(who.problem()));
        QTimer::singleShot(0, this, [this, error] { emit lookupFailed(error); });
        return;
    }
    if (m_lookup)
        m_lookup->cancel();
    const quint64 serial = ++m_serial;
    beginBusy();
    m_lookup = lookUpUser(*m_client, who, this, [this, serial](const Result<User> &result) {
        endBusy();
        if (serial != m_serial)
            return; // a newer lookup replaced this one
        if (!result) {
            if (result.error().kind() != ApiError::Kind::Cancelled) {
                setUser(std::nullopt);
                emit lookupFailed(result.error());
            }
            return;
        }
        setUser(result.value());
        emit userFound(result.value());
        loadPasskeys();
    });
}

void UserSession::findByPasskey(const QString &passkeyId)
{
    if (m_lookup)
        m_lookup->cancel();
    const quint64 serial = ++m_serial;
    beginBusy();
    m_lookup = m_client->call<GetPasskey>(this, [this, serial](const Result<Passkey> &result) {
        endBusy();
        if (serial != m_serial)
            return;
        if (!result) {
            if (result.error().kind() != ApiError::Kind::Cancelled) {
                setUser(std::nullopt);
                emit lookupFailed(result.error());
            }
            return;
        }
        emit passkeyFound(result.value());
        find(UserIdentifier::byId(result->userId));
    }, passkeyId);
}

void UserSession::refresh()
{
    if (m_user)
        find(UserIdentifier::byId(m_user->id));
}

void UserSession::show(const User &user)
{
    ++m_serial;
    setUser(user);
    loadPasskeys();
}

void UserSession::clear()
{
    ++m_serial;
    setUser(std::nullopt);
}

bool UserSession::updateUser(const User &user)
{
    if (!m_user || m_user->id != user.id)
        return false;
    m_user = user;
    return true;
}

void UserSession::forgetPasskey(const QString &passkeyId)
{
    m_passkeys.removeIf([&passkeyId](const Passkey &p) { return p.id == passkeyId; });
}

void UserSession::relabelPasskey(const QString &passkeyId, const std::optional<QString> &label)
{
    for (Passkey &p : m_passkeys) {
        if (p.id == passkeyId)
            p.label = label;
    }
}

void UserSession::setUser(const std::optional<User> &user)
{
    m_user = user;
    m_passkeys.clear();
    m_passkeysLoaded = false;
    emit userChanged();
}

void UserSession::loadPasskeys()
{
    if (!m_user)
        return;
    const quint64 serial = m_serial;
    const QString userId = m_user->id;
    beginBusy();
    m_client->call<ListPasskeys>(this, [this, serial, userId](const Result<QList<Passkey>> &result) {
        endBusy();
        if (serial != m_serial || !m_user || m_user->id != userId)
            return;
        if (!result) {
            emit passkeysFailed(result.error());
            return;
        }
        m_passkeys = result.value();
        m_passkeysLoaded = true;
        emit passkeysListed();
    }, userId);
}

void UserSession::beginBusy()
{
    if (m_busy++ == 0)
        emit busyChanged(true);
}

void UserSession::endBusy()
{
    if (m_busy > 0 && --m_busy == 0)
        emit busyChanged(false);
}

} // namespace plainkey
