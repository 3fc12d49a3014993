#pragma once

#include "core/api/apicall.h"
#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "core/token/jwtinspector.h"
#include "core/verify/verifyhistory.h"
#include "gui/demo/demosession.h"

#include <QDateTime>
#include <QPointer>
#include <QWidget>

#include <memory>

class QTimer;

namespace Ui {
class VerifyPanel;
}

namespace plainkey::gui {

//! Verify an authentication token: paste (or, in the demo, simulate a sign-in), verify, and
//! read the outcome in words with what a backend should answer; a JWT is decoded locally
//! beside it. Verifying the same token twice asks for a second press (tokens may be single use).
class VerifyPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Outcome { None, Valid, NotValid, Failed, Cancelled };
    Q_ENUM(Outcome)

    explicit VerifyPanel(QWidget *parent = nullptr);
    ~VerifyPanel() override;

    void setClient(PlainKeyClient *client);
    //! Offers Simulate sign-in with the demo's users; null hides it.
    void setDemoSession(DemoSession *demo);

    Outcome outcome() const { return m_outcome; }
    //! The last verify result, when there was one.
    const std::optional<VerifyResult> &lastResult() const { return m_result; }
    //! The token as it would be sent (normalized), or empty.
    QString normalizedToken() const;
    bool isBusy() const;
    //! True when the next Verify goes through although the token was verified before.
    bool isAwaitingReverifyConfirmation() const { return m_history.isAwaitingConfirmation(); }
    //! The browser sign-in on offer ("ada@example.com just signed in: verify this token"), if any.
    const std::optional<DemoSignIn> &offer() const { return m_offer; }

    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray &state);

public slots:
    void setToken(const QString &raw);
    void verify();
    void cancel();
    void simulateSignIn();
    //! Changes one character of the token, to show how PlainKey answers an altered token.
    void changeOneCharacter();
    void focusToken();
    //! Offers a token the emulator issued to a browser: one click puts it in the field and
    //! verifies it. A newer offer replaces an older one; nothing is verified without the click.
    void offerBrowserToken(const plainkey::gui::DemoSignIn &signIn);
    //! Takes the offered token: fills the field and verifies it.
    void acceptOffer();
    void dismissOffer();

signals:
    //! The person asked for the sample sign-in page (demo).
    void signInPageRequested();
    void showUserRequested(const QString &userId);
    void showExchangeRequested(quint64 exchangeId);
    void statusMessage(const QString &text, int timeoutMs);

private:
    void onTokenEdited();
    void updateInput();
    void updateBusy();
    void clearResult(const QString &headline);
    //! \a jwtExpiry: the verified token's own exp claim, decoded locally, when it has one.
    void showResult(const VerifyResult &result, const std::optional<QDateTime> &jwtExpiry);
    void showError(const ApiError &error);
    void setHeadline(const QString &text, int tone);
    void showJwt(const QString &token);

    std::unique_ptr<Ui::VerifyPanel> ui;
    QPointer<PlainKeyClient> m_client;
    QPointer<DemoSession> m_demo;
    QPointer<ApiCall> m_call;
    QPointer<PendingHttp> m_signIn;
    QTimer *m_inputTimer;
    Outcome m_outcome = Outcome::None;
    std::optional<VerifyResult> m_result;
    quint64 m_exchangeId = 0;
    //! Fingerprints of tokens verified in this session, never the tokens.
    VerifyHistory m_history;
    QString m_verifyingFingerprint;
    std::optional<DemoSignIn> m_offer;
};

} // namespace plainkey::gui
