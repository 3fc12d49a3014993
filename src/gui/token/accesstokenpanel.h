#pragma once

#include "core/api/accesstokenmanager.h"

#include <QPointer>
#include <QWidget>

#include <chrono>
#include <memory>

class QTimer;

namespace Ui {
class AccessTokenPanel;
}

namespace plainkey::gui {

//! The project's access token as the AccessTokenManager reports it: state, type, issue and
//! expiry times, a countdown on the boot clock that ticks every second, a bar that empties
//! over the token's life, clock skew, and explicit reveal and copy of the token itself.
class AccessTokenPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AccessTokenPanel(QWidget *parent = nullptr);
    ~AccessTokenPanel() override;

    void setTokenManager(AccessTokenManager *tokens);
    AccessTokenManager *tokenManager() const { return m_tokens; }

    //! The countdown as shown ("59:42"), for tests and accessibility.
    QString countdownText() const;
    bool isTokenRevealed() const;
    //! How long a revealed token stays on screen.
    static constexpr std::chrono::seconds revealDuration{30};
    //! |clock skew| from this value up is shown.
    static constexpr std::chrono::seconds skewWarningThreshold{5};
    //! "59:42", "1:02:03"
    static QString formatCountdown(qint64 seconds);

public slots:
    void refreshNow();
    void setTokenRevealed(bool revealed);
    void copyToken();

signals:
    void statusMessage(const QString &text, int timeoutMs);

private:
    void tick();
    void scheduleTick();
    void updateAll();
    void updateCountdown();
    void updateTokenField();
    void onTokenRefreshed();

    std::unique_ptr<Ui::AccessTokenPanel> ui;
    QPointer<AccessTokenManager> m_tokens;
    QTimer *m_tickTimer;
    QTimer *m_hideTimer;
};

} // namespace plainkey::gui
