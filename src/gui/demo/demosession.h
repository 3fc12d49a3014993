#pragma once

#include "core/api/credentials.h"
#include "core/api/result.h"
#include "core/net/transport.h"
#include "core/time/timestamp.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace plainkey::emulator {
class EmulatorThread;
struct EmulatorConfig;
}

namespace plainkey::gui {

//! What the emulator's simulated passkey sign-in gave, or what it issued to a browser.
struct DemoSignIn
{
    QString userId;
    QString userName;
    //! The authentication token: a secret, shown only when the person asks.
    QString token;
    std::optional<Timestamp> expiresAt;
    //! For a browser: "sign-up", "sign-in" or "add-passkey"; empty for a simulated sign-in.
    QString ceremony;
};

//! The demo: PlainKey's emulator running in this process on a free loopback port, with demo
//! users and passkeys, its credentials, the "PlainKey is slow" switch, and simulated sign-ins
//! sent over HTTP through the client's transport so they appear in the request log.
class DemoSession : public QObject
{
    Q_OBJECT
public:
    using SignInHandler = std::function<void(const Result<DemoSignIn> &result)>;

    explicit DemoSession(QObject *parent = nullptr);
    ~DemoSession() override;

    //! Starts the emulator (on its own thread) and seeds the demo users. False when it could not.
    bool start();
    bool start(const emulator::EmulatorConfig &config);
    bool isRunning() const;
    QString errorString() const { return m_error; }

    QUrl baseUrl() const { return m_baseUrl; }
    //! The demo project's credentials (demo ones, not secrets of anyone's project).
    Credentials credentials() const { return m_credentials; }
    //! True when \a credentials point at this emulator.
    bool owns(const Credentials &credentials) const;
    //! The seeded demo users, by name.
    QStringList userNames() const { return m_userNames; }
    //! The emulator's sample sign-in page, for the system browser; empty when not running.
    QUrl signInPageUrl() const;

    //! "PlainKey is slow": every emulator answer waits this long.
    static constexpr int slowLatencyMs = 3000;
    bool isSlow() const { return m_slow; }

    //! Signs \a userName in with their demo passkey on the emulator, through \a transport; the
    //! handler gets the minted authentication token. The result can be cancelled.
    PendingHttp *signIn(Transport *transport, const QString &userName, QObject *context, SignInHandler handler,
                        std::optional<int> ttlSeconds = std::nullopt);

public slots:
    void setSlow(bool slow);

signals:
    void slowChanged(bool slow);
    //! The emulator issued an authentication token to a browser (its sample page, or any
    //! frontend using the Browser API): the token is the browser's, offered for verifying.
    void browserSignedIn(const plainkey::gui::DemoSignIn &signIn);

private:
    std::unique_ptr<emulator::EmulatorThread> m_thread;
    QUrl m_baseUrl;
    Credentials m_credentials;
    QStringList m_userNames;
    QString m_error;
    bool m_slow = false;
};

} // namespace plainkey::gui
