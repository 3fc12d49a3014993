#include "gui/verify/verifypanel.h"
#include "ui_verifypanel.h"
#include "core/verify/verifyverdict.h"

#include "core/api/accesstokenmanager.h"
#include "core/time/timestamp.h"
#include "core/token/jwtinspector.h"
#include "core/token/tokeninput.h"
#include "gui/layout/scrollwidthkeeper.h"
#include "gui/theme/theme.h"

#include "gui/text/wording.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace plainkey::gui {

namespace {

QString fingerprintOf(const QString &token)
{
    return VerifyHistory::fingerprintOf(token);
}

QString localTime(const QDateTime &utc)
{
    return utc.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

VerifyPanel::VerifyPanel(QWidget *parent)
    : QWidget(parent), ui(std::make_unique<Ui::VerifyPanel>()), m_inputTimer(new QTimer(this))
{
    ui->setupUi(this);
    QFont headline = ui->headlineLabel->font();
    headline.setPointSizeF(headline.pointSizeF() * 1.25);
    headline.setBold(true);
    ui->headlineLabel->setFont(headline);
    ui->claimsTree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    // Values whole (IDs, times); their meaning takes the rest and says it all in its tooltip.
    ui->claimsTree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    ui->claimsTree->header()->setStretchLastSection(true);
    // Halves: the decoded claims need about as much width as the result's wrapped sentences.
    ui->resultSplitter->setStretchFactor(0, 1);
    ui->resultSplitter->setStretchFactor(1, 1);
    // The result scrolls down when it must, never sideways: never narrower than its widest word.
    ScrollWidthKeeper::keep(ui->resultScroll);
    ui->demoControls->setVisible(false);

    m_inputTimer->setSingleShot(true);
    m_inputTimer->setInterval(120);
    connect(m_inputTimer, &QTimer::timeout, this, &VerifyPanel::updateInput);
    connect(ui->tokenEdit, &QLineEdit::textChanged, this, &VerifyPanel::onTokenEdited);
    connect(ui->tokenEdit, &QLineEdit::returnPressed, this, &VerifyPanel::verify);
    connect(ui->revealTokenButton, &QToolButton::toggled, this, [this](bool shown) {
        ui->tokenEdit->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        ui->revealTokenButton->setText(shown ? tr("Hide") : tr("Show"));
    });
    connect(ui->verifyButton, &QPushButton::clicked, this, &VerifyPanel::verify);
    connect(ui->cancelButton, &QPushButton::clicked, this, &VerifyPanel::cancel);
    connect(ui->simulateButton, &QPushButton::clicked, this, &VerifyPanel::simulateSignIn);
    connect(ui->openPageButton, &QPushButton::clicked, this, &VerifyPanel::signInPageRequested);
    connect(ui->offerVerifyButton, &QPushButton::clicked, this, &VerifyPanel::acceptOffer);
    connect(ui->offerDismissButton, &QToolButton::clicked, this, &VerifyPanel::dismissOffer);
    connect(ui->tamperButton, &QPushButton::clicked, this, &VerifyPanel::changeOneCharacter);
    connect(ui->copyUserIdButton, &QToolButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(ui->userIdEdit->text());
        emit statusMessage(tr("User ID %1 copied.").arg(ui->userIdEdit->text()), 4000);
    });
    connect(ui->showUserButton, &QToolButton::clicked, this, [this] { emit showUserRequested(ui->userIdEdit->text()); });
    connect(ui->exchangeLink, &QLabel::linkActivated, this, [this] {
        if (m_exchangeId)
            emit showExchangeRequested(m_exchangeId);
    });
    clearResult(tr("Paste a token and press Verify."));
    updateInput();
    updateBusy();
}

VerifyPanel::~VerifyPanel() = default;

void VerifyPanel::setClient(PlainKeyClient *client)
{
    m_client = client;
}

void VerifyPanel::setDemoSession(DemoSession *demo)
{
    if (!demo)
        dismissOffer();
    m_demo = demo;
    ui->demoControls->setVisible(demo != nullptr);
    ui->demoUserCombo->clear();
    if (demo)
        ui->demoUserCombo->addItems(demo->userNames());
}

QString VerifyPanel::normalizedToken() const
{
    const TokenInput input = TokenInput::normalize(ui->tokenEdit->text());
    return input.ok() ? input.token : QString();
}

bool VerifyPanel::isBusy() const
{
    return !m_call.isNull();
}

void VerifyPanel::setToken(const QString &raw)
{
    ui->tokenEdit->setText(raw);
    m_inputTimer->stop();
    updateInput();
}

void VerifyPanel::focusToken()
{
    ui->tokenEdit->setFocus(Qt::ShortcutFocusReason);
    ui->tokenEdit->selectAll();
}

void VerifyPanel::onTokenEdited()
{
    if (m_history.isAwaitingConfirmation()) {
        m_history.cancelConfirmation();
        ui->reverifyLabel->setVisible(false);
        ui->verifyButton->setText(tr("&Verify"));
    }
    m_inputTimer->start();
}

void VerifyPanel::updateInput()
{
    const QString raw = ui->tokenEdit->text();
    ui->tamperButton->setEnabled(!raw.trimmed().isEmpty());
    if (raw.trimmed().isEmpty()) {
        ui->noticeLabel->setVisible(false);
        showJwt({});
        return;
    }
    const TokenInput input = TokenInput::normalize(raw);
    if (!input.ok()) {
        ui->noticeLabel->setText(input.problem);
        Theme::setTextTone(ui->noticeLabel, Theme::Tone::Error);
        ui->noticeLabel->setVisible(true);
        showJwt({});
        return;
    }
    QStringList lines = input.notices;
    lines.prepend(tr("Token #%1, %2.").arg(fingerprintOf(input.token), countOf(input.token.size(), tr("character"), tr("characters"))));
    ui->noticeLabel->setText(lines.join(QLatin1Char(' ')));
    Theme::setTextTone(ui->noticeLabel, input.notices.isEmpty() ? Theme::Tone::Muted : Theme::Tone::Info);
    ui->noticeLabel->setVisible(true);
    showJwt(input.token);
}

void VerifyPanel::verify()
{
    if (isBusy())
        return;
    m_inputTimer->stop();
    updateInput();
    const TokenInput input = TokenInput::normalize(ui->tokenEdit->text());
    if (!input.ok()) {
        emit statusMessage(input.problem, 5000);
        focusToken();
        return;
    }
    if (!m_client)
        return;

    const QString fingerprint = fingerprintOf(input.token);
    if (const auto seen = m_history.checkBeforeSending(fingerprint)) {
        ui->reverifyLabel->setText(VerifyHistory::reverifyWarning(*seen) + QLatin1Char(' ') + tr("Press Verify again to send it anyway."));
        Theme::setTextTone(ui->reverifyLabel, Theme::Tone::Warning);
        ui->reverifyLabel->setVisible(true);
        ui->verifyButton->setText(tr("&Verify again"));
        emit statusMessage(tr("This token was verified before: press Verify again to send it anyway."), 6000);
        return;
    }
    ui->reverifyLabel->setVisible(false);
    ui->verifyButton->setText(tr("&Verify"));

    m_verifyingFingerprint = fingerprint;
    m_exchangeId = 0;
    clearResult(tr("Verifying token #%1\u2026").arg(fingerprint));
    showJwt(input.token);
    const std::optional<QDateTime> jwtExpiry = JwtInspection::inspect(input.token).expiresAt;
    m_call = m_client->verifyToken(input.token, this, [this, jwtExpiry](const Result<VerifyResult> &result) {
        const QList<quint64> ids = m_call ? m_call->exchangeIds() : QList<quint64>();
        m_call.clear(); // finished: it deletes itself later
        updateBusy();
        m_exchangeId = ids.isEmpty() ? 0 : ids.last();
        if (m_exchangeId) {
            // The request reached the network: PlainKey may have used the token up.
            const VerifyVerdict verdict = result ? VerifyVerdict::fromResult(result.value()) : VerifyVerdict::fromError(result.error());
            m_history.record(m_verifyingFingerprint, {QDateTime::currentDateTimeUtc(), verdict.historyText});
        }
        if (result)
            showResult(result.value(), jwtExpiry);
        else
            showError(result.error());
    });
    connect(m_call, &ApiCall::finished, this, &VerifyPanel::updateBusy, Qt::QueuedConnection);
    updateBusy();
}

void VerifyPanel::cancel()
{
    if (m_call)
        m_call->cancel();
    if (m_signIn)
        m_signIn->cancel();
}

void VerifyPanel::simulateSignIn()
{
    if (!m_demo || !m_client || m_signIn)
        return;
    const QString userName = ui->demoUserCombo->currentText();
    if (userName.isEmpty())
        return;
    m_signIn = m_demo->signIn(m_client->transport(), userName, this, [this, userName](const Result<DemoSignIn> &result) {
        m_signIn.clear();
        updateBusy();
        if (!result) {
            if (result.error().kind() != ApiError::Kind::Cancelled) {
                clearResult(tr("The simulated sign-in failed."));
                ui->reasonLabel->setText(result.error().message());
                ui->reasonLabel->setVisible(true);
            }
            emit statusMessage(result.error().summary(), 6000);
            return;
        }
        const DemoSignIn &s = result.value();
        setToken(s.token);
        clearResult(tr("%1 signed in with a passkey. Press Verify to ask PlainKey about the token.").arg(userName));
        emit statusMessage(tr("Demo user %1 signed in; their authentication token #%2 is in the token field (masked).")
                                   .arg(userName, fingerprintOf(s.token)),
                           6000);
        ui->verifyButton->setFocus(Qt::OtherFocusReason);
    });
    connect(m_signIn, &PendingHttp::finished, this, &VerifyPanel::updateBusy, Qt::QueuedConnection);
    updateBusy();
}

void VerifyPanel::offerBrowserToken(const DemoSignIn &signIn)
{
    if (signIn.token.isEmpty())
        return;
    m_offer = signIn;
    const QString who = signIn.userName.isEmpty() ? tr("User %1").arg(signIn.userId) : signIn.userName;
    QString what;
    if (signIn.ceremony == QLatin1String("sign-up"))
        what = tr("%1 just signed up with a new passkey in the browser").arg(who);
    else if (signIn.ceremony == QLatin1String("add-passkey"))
        what = tr("%1 just added a passkey in the browser").arg(who);
    else
        what = tr("%1 just signed in with a passkey in the browser").arg(who);
    ui->offerLabel->setText(tr("<b>%1</b> (%2): verify this token #%3?")
                                    .arg(what.toHtmlEscaped(), localTime(QDateTime::currentDateTimeUtc()), fingerprintOf(signIn.token)));
    Theme::setTextTone(ui->offerLabel, Theme::Tone::Info);
    ui->offerFrame->setVisible(true);
    emit statusMessage(tr("%1: the token is offered on the Verify tab.").arg(what), 6000);
}

void VerifyPanel::acceptOffer()
{
    if (!m_offer)
        return;
    const DemoSignIn signIn = *std::exchange(m_offer, std::nullopt);
    ui->offerFrame->setVisible(false);
    setToken(signIn.token);
    verify();
}

void VerifyPanel::dismissOffer()
{
    m_offer.reset();
    ui->offerFrame->setVisible(false);
    ui->offerLabel->clear();
}

void VerifyPanel::changeOneCharacter()
{
    QString token = normalizedToken();
    if (token.isEmpty()) {
        emit statusMessage(tr("There is no token to change: paste one or simulate a sign-in first."), 5000);
        return;
    }
    // In a JWT, change the signature: the claims still decode, but PlainKey must refuse it.
    const qsizetype lastDot = token.lastIndexOf(QLatin1Char('.'));
    const qsizetype start = lastDot >= 0 && lastDot + 2 < token.size() ? lastDot + 1 : 0;
    const qsizetype pos = start + (token.size() - start) / 2;
    const QChar old = token.at(pos);
    token[pos] = old == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    setToken(token);
    emit statusMessage(tr("Changed character %1 of %2 in the token. Verify it: PlainKey should refuse it.").arg(pos + 1).arg(token.size()),
                       6000);
}

void VerifyPanel::updateBusy()
{
    const bool verifying = !m_call.isNull();
    const bool signingIn = !m_signIn.isNull();
    ui->busyBar->setVisible(verifying || signingIn);
    ui->cancelButton->setVisible(verifying || signingIn);
    // Buttons stay enabled while busy (disabling the focused one would throw the keyboard
    // focus elsewhere); presses are ignored until the call in flight ends.
    ui->simulateButton->setText(signingIn ? tr("Signing in\u2026") : tr("S&imulate sign-in"));
    ui->verifyButton->setText(verifying ? tr("Verifying\u2026") : isAwaitingReverifyConfirmation() ? tr("&Verify again") : tr("&Verify"));
}

void VerifyPanel::setHeadline(const QString &text, int tone)
{
    ui->headlineLabel->setText(text);
    if (tone < 0)
        Theme::clearTextTone(ui->headlineLabel);
    else
        Theme::setTextTone(ui->headlineLabel, Theme::Tone(tone));
}

void VerifyPanel::clearResult(const QString &headline)
{
    m_outcome = Outcome::None;
    m_result.reset();
    setHeadline(headline, int(Theme::Tone::Muted));
    for (QWidget *w : {static_cast<QWidget *>(ui->reasonLabel), static_cast<QWidget *>(ui->adviceLabel),
                       static_cast<QWidget *>(ui->detailsLabel), static_cast<QWidget *>(ui->exchangeLink),
                       static_cast<QWidget *>(ui->userIdCaption), static_cast<QWidget *>(ui->userIdEdit),
                       static_cast<QWidget *>(ui->copyUserIdButton), static_cast<QWidget *>(ui->showUserButton)})
        w->setVisible(false);
}

void VerifyPanel::showResult(const VerifyResult &v, const std::optional<QDateTime> &jwtExpiry)
{
    clearResult({});
    m_result = v;
    m_outcome = v.valid ? Outcome::Valid : Outcome::NotValid;
    const bool hasUser = !v.userId.isEmpty();
    ui->userIdEdit->setText(v.userId);
    for (QWidget *w : {static_cast<QWidget *>(ui->userIdCaption), static_cast<QWidget *>(ui->userIdEdit),
                       static_cast<QWidget *>(ui->copyUserIdButton), static_cast<QWidget *>(ui->showUserButton)})
        w->setVisible(hasUser);

    const VerifyVerdict verdict = VerifyVerdict::fromResult(v, jwtExpiry, m_client ? m_client->accessToken()->clockSkew() : std::nullopt);
    setHeadline(verdict.headline, int(Theme::toneOf(verdict.tone)));
    ui->reasonLabel->setText(verdict.reason);
    ui->reasonLabel->setVisible(true);
    ui->adviceLabel->setText(verdict.advice);
    ui->adviceLabel->setVisible(true);

    QStringList details;
    details << tr("HTTP %1").arg(v.httpStatus);
    if (!v.projectId.isEmpty())
        details << tr("project %1").arg(v.projectId);
    if (v.expiresAt)
        details << tr("expiresAt %1 (%2)").arg(v.expiresAtRaw, Timestamp::formatName(v.expiresAt->format));
    else if (!v.expiresAtRaw.isEmpty())
        details << tr("expiresAt %1 (unreadable)").arg(v.expiresAtRaw);
    if (!v.payload.isEmpty())
        details << tr("payload %1").arg(QString::fromUtf8(QJsonDocument(QJsonObject::fromVariantMap(v.payload)).toJson(QJsonDocument::Compact)));
    ui->detailsLabel->setText(details.join(QStringLiteral(" \u00b7 ")));
    ui->detailsLabel->setVisible(true);
    ui->exchangeLink->setVisible(m_exchangeId != 0);
    emit statusMessage(verdict.statusText, 6000);
}

void VerifyPanel::showError(const ApiError &error)
{
    clearResult({});
    const VerifyVerdict verdict = VerifyVerdict::fromError(error);
    setHeadline(verdict.headline, int(Theme::toneOf(verdict.tone)));
    ui->exchangeLink->setVisible(m_exchangeId != 0);
    if (verdict.outcome == VerifyVerdict::Outcome::Cancelled) {
        m_outcome = Outcome::Cancelled;
        emit statusMessage(verdict.statusText, 4000);
        return;
    }
    m_outcome = Outcome::Failed;
    ui->reasonLabel->setText(verdict.reason);
    ui->reasonLabel->setVisible(!verdict.reason.isEmpty());
    ui->adviceLabel->setText(verdict.advice);
    ui->adviceLabel->setVisible(true);
    emit statusMessage(verdict.statusText, 8000);
}

void VerifyPanel::showJwt(const QString &token)
{
    ui->claimsTree->clear();
    if (token.isEmpty()) {
        ui->jwtStatusLabel->setText(tr("Nothing to decode yet."));
        Theme::setTextTone(ui->jwtStatusLabel, Theme::Tone::Muted);
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const JwtInspection jwt = JwtInspection::inspect(token, now);
    if (!jwt.isJwt) {
        ui->jwtStatusLabel->setText(tr("Not a JWT (%1), so there is nothing to decode: only PlainKey can read this token.").arg(jwt.notJwtReason));
        Theme::setTextTone(ui->jwtStatusLabel, Theme::Tone::Muted);
        return;
    }
    QString status = tr("A JWT signed with %1.").arg(jwt.algorithm.isEmpty() ? tr("an unnamed algorithm") : jwt.algorithm);
    if (!jwt.expiresAt)
        status += QLatin1Char(' ') + tr("It has no expiry claim.");
    else if (jwt.isExpired(now))
        status += QLatin1Char(' ') + tr("By this computer's clock it expired %1.").arg(describeRelative(*jwt.expiresAt, now));
    else
        status += QLatin1Char(' ') + tr("By this computer's clock it expires %1.").arg(describeRelative(*jwt.expiresAt, now));
    status += QLatin1Char(' ') + tr("The signature is not checked here: only PlainKey's answer says whether the token is valid.");
    ui->jwtStatusLabel->setText(status);
    Theme::setTextTone(ui->jwtStatusLabel, jwt.isExpired(now) ? Theme::Tone::Warning : Theme::Tone::Muted);

    auto addSection = [this](const QString &title, const QList<JwtInspection::Claim> &claims) {
        auto *section = new QTreeWidgetItem(ui->claimsTree, {title});
        QFont bold = section->font(0);
        bold.setBold(true);
        section->setFont(0, bold);
        for (const auto &c : claims) {
            auto *item = new QTreeWidgetItem(section, {c.name, c.value, c.readable});
            item->setToolTip(1, c.value);
            item->setToolTip(2, c.readable);
        }
        section->setExpanded(true);
    };
    addSection(tr("Header"), jwt.header);
    addSection(tr("Claims"), jwt.claims);
}

QByteArray VerifyPanel::saveLayout() const
{
    return ui->resultSplitter->saveState();
}

void VerifyPanel::restoreLayout(const QByteArray &state)
{
    if (!state.isEmpty())
        ui->resultSplitter->restoreState(state);
}

} // namespace plainkey::gui
