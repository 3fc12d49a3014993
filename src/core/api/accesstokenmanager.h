#pragma once

#include "core/api/apierror.h"
#include "core/api/credentials.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <functional>
#include <optional>

class QTimer;

namespace plainkey {

class PendingHttp;
class Transport;

//! The one owner of the project's access token: fetches it with the project credentials,
//! keeps its absolute expiry, refreshes it inside the grace period, and fetches once
//! however many calls wait for it. A failed refresh keeps a still-valid token.
class AccessTokenManager : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QDateTime expiresAt READ expiresAt NOTIFY expiresAtChanged)
    Q_PROPERTY(QDateTime issuedAt READ issuedAt NOTIFY expiresAtChanged)
    Q_PROPERTY(bool autoRefresh READ autoRefresh WRITE setAutoRefresh NOTIFY autoRefreshChanged)
public:
    enum class State {
        None,         //!< no token and none asked for
        Fetching,     //!< the first token is on its way (a refresh keeps the old state)
        Valid,        //!< usable, outside the grace period
        ExpiringSoon, //!< usable, inside the grace period: the next call fetches a new one
        Expired,      //!< past its expiry
        Failed,       //!< the last fetch failed and no usable token is left; see lastError()
    };
    Q_ENUM(State)

    using TokenCallback = std::function<void(const QString &token, const ApiError &error)>;

    explicit AccessTokenManager(Transport *transport, QObject *parent = nullptr);
    ~AccessTokenManager() override;

    //! New credentials drop the current token (it belongs to the old project).
    void setCredentials(const Credentials &credentials);
    const Credentials &credentials() const { return m_credentials; }
    //! Allow plain http to a non-loopback host (the user consented).
    void setAllowInsecureHttp(bool allow) { m_allowInsecureHttp = allow; }

    State state() const { return m_state; }
    static QString stateName(State state);
    bool hasToken() const { return !m_token.isEmpty(); }
    //! The token itself: only for the Authorization header, or when the user asks to see it.
    QString token() const { return m_token; }
    //! A short fingerprint of the token, safe to show and log.
    QString fingerprint() const;
    QString tokenType() const { return m_tokenType; }
    QDateTime issuedAt() const { return m_issuedAt; }
    QDateTime expiresAt() const { return m_expiresAt; }
    //! The lifetime PlainKey gave (expires_in).
    std::chrono::seconds lifetime() const { return m_lifetime; }
    //! Time left on the boot clock (negative once expired). Unaffected by wall-clock changes and sleep.
    std::chrono::milliseconds remaining() const;

    //! Fetch a new token when less than this is left. Default 10 minutes, as PlainKey's SDK.
    std::chrono::seconds gracePeriod() const { return m_gracePeriod; }
    void setGracePeriod(std::chrono::seconds grace);
    //! The grace period in force for the current token: the configured one, but never more
    //! than half the token's lifetime, so a token shorter than the grace period is not
    //! "expiring soon" from birth (which would make every call, and automatic refresh, fetch
    //! again at once).
    std::chrono::milliseconds effectiveGracePeriod() const;
    //! Refresh by itself when the grace period starts, not only before a call. Default off.
    bool autoRefresh() const { return m_autoRefresh; }
    void setAutoRefresh(bool on);

    //! Server clock minus local clock, from the token answer's Date header; empty when unknown.
    std::optional<std::chrono::seconds> clockSkew() const { return m_clockSkew; }
    //! The last fetch's error; cleared by a successful fetch.
    const ApiError &lastError() const { return m_lastError; }
    bool isFetching() const;

    //! Calls back with a usable token, fetching first when there is none or it is inside the
    //! grace period (a still-valid token is used if that fetch fails). Never calls back synchronously
    //! with a fetch; the callback is dropped if \a context is destroyed first.
    void requestToken(QObject *context, TokenCallback callback, bool forceFetch = false);
    //! Fetches a new token now (coalesced with a fetch in flight).
    void refresh();
    //! The server refused \a token: forget it, if it is still the current one.
    void invalidate(const QString &token);
    //! Cancels the fetch in flight, if any, keeping the current token. Waiting calls get the
    //! token if it is still usable, else a Cancelled error; fetchFailed reports the cancel, and
    //! automatic refresh waits before trying again.
    void cancelFetch();
    //! Forgets the token and cancels a fetch in flight.
    void clear();

public slots:
    //! Recomputes the state from the boot clock (called by a timer; a view may call it on its tick).
    void updateState();

signals:
    void stateChanged(plainkey::AccessTokenManager::State state);
    void expiresAtChanged();
    //! A new token arrived.
    void tokenRefreshed();
    //! A fetch failed; the state says whether a usable token is left.
    void fetchFailed(const plainkey::ApiError &error);
    void clockSkewChanged();
    void autoRefreshChanged(bool on);
    void gracePeriodChanged();

private:
    struct Waiter
    {
        QPointer<QObject> context;
        bool hasContext;
        TokenCallback callback;
    };

    void startFetch();
    void onFetchFinished(PendingHttp *pending);
    void setState(State state);
    void scheduleCheck();
    void deliver(const QString &token, const ApiError &error);
    bool usable() const { return hasToken() && remaining().count() > 0; }

    Transport *m_transport;
    Credentials m_credentials;
    bool m_allowInsecureHttp = false;
    QString m_token;
    QString m_tokenType;
    QDateTime m_issuedAt;
    QDateTime m_expiresAt;
    std::chrono::milliseconds m_expiresOnBootClock{0};
    std::chrono::milliseconds m_lastAttempt{0};
    std::chrono::seconds m_lifetime{0};
    std::chrono::seconds m_gracePeriod{600};
    std::optional<std::chrono::seconds> m_clockSkew;
    bool m_autoRefresh = false;
    State m_state = State::None;
    ApiError m_lastError;
    QPointer<PendingHttp> m_fetch;
    QList<Waiter> m_waiters;
    QTimer *m_checkTimer;
};

} // namespace plainkey
