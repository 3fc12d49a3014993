#include "gui/token/accesstokenpanel.h"
#include "ui_accesstokenpanel.h"

#include "core/api/accesstokenmanager.h"
#include "core/time/timestamp.h"
#include "gui/clipboard/secretclipboard.h"
#include "gui/theme/theme.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QTimer>

using namespace std::chrono;

namespace plainkey::gui {

namespace {

QString localTime(const QDateTime &utc)
{
    return utc.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

AccessTokenPanel::AccessTokenPanel(QWidget *parent)
    : QWidget(parent), ui(std::make_unique<Ui::AccessTokenPanel>()), m_tickTimer(new QTimer(this)), m_hideTimer(new QTimer(this))
{
    ui->setupUi(this);
    QFont big = ui->countdownLabel->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    ui->countdownLabel->setFont(big);
    QFont bold = ui->stateLabel->font();
    bold.setBold(true);
    ui->stateLabel->setFont(bold);

    m_tickTimer->setSingleShot(true);
    m_tickTimer->setTimerType(Qt::PreciseTimer);
    connect(m_tickTimer, &QTimer::timeout, this, &AccessTokenPanel::tick);
    m_hideTimer->setSingleShot(true);
    m_hideTimer->setInterval(duration_cast<milliseconds>(revealDuration));
    connect(m_hideTimer, &QTimer::timeout, this, [this] { setTokenRevealed(false); });

    connect(ui->refreshButton, &QPushButton::clicked, this, &AccessTokenPanel::refreshNow);
    connect(ui->revealButton, &QToolButton::toggled, this, &AccessTokenPanel::setTokenRevealed);
    connect(ui->copyButton, &QToolButton::clicked, this, &AccessTokenPanel::copyToken);
    connect(ui->autoRefreshCheck, &QCheckBox::toggled, this, [this](bool on) {
        if (m_tokens)
            m_tokens->setAutoRefresh(on);
    });
    updateAll();
}

AccessTokenPanel::~AccessTokenPanel() = default;

void AccessTokenPanel::setTokenManager(AccessTokenManager *tokens)
{
    if (m_tokens)
        m_tokens->disconnect(this);
    m_tokens = tokens;
    if (tokens) {
        connect(tokens, &AccessTokenManager::stateChanged, this, &AccessTokenPanel::updateAll);
        connect(tokens, &AccessTokenManager::expiresAtChanged, this, &AccessTokenPanel::updateAll);
        connect(tokens, &AccessTokenManager::tokenRefreshed, this, &AccessTokenPanel::onTokenRefreshed);
        connect(tokens, &AccessTokenManager::fetchFailed, this, &AccessTokenPanel::updateAll);
        connect(tokens, &AccessTokenManager::clockSkewChanged, this, &AccessTokenPanel::updateAll);
        connect(tokens, &AccessTokenManager::gracePeriodChanged, this, &AccessTokenPanel::updateAll);
        connect(tokens, &AccessTokenManager::autoRefreshChanged, ui->autoRefreshCheck, &QCheckBox::setChecked);
        ui->autoRefreshCheck->setChecked(tokens->autoRefresh());
    }
    updateAll();
}

QString AccessTokenPanel::formatCountdown(qint64 seconds)
{
    seconds = std::llabs(seconds);
    const qint64 h = seconds / 3600;
    const qint64 m = (seconds % 3600) / 60;
    const qint64 s = seconds % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

QString AccessTokenPanel::countdownText() const
{
    return ui->countdownLabel->text();
}

bool AccessTokenPanel::isTokenRevealed() const
{
    return ui->revealButton->isChecked();
}

void AccessTokenPanel::tick()
{
    if (m_tokens)
        m_tokens->updateState(); // may emit stateChanged, which updates the rest
    updateCountdown();
    scheduleTick();
}

void AccessTokenPanel::scheduleTick()
{
    if (!m_tokens || !m_tokens->hasToken()) {
        m_tickTimer->stop();
        return;
    }
    // Fire just after the shown second changes, so the countdown moves in even steps.
    const qint64 left = m_tokens->remaining().count();
    qint64 next = left % 1000;
    if (next <= 0)
        next += 1000;
    m_tickTimer->start(int(next + 5));
}

void AccessTokenPanel::updateAll()
{
    using State = AccessTokenManager::State;
    const AccessTokenManager *t = m_tokens;
    const State state = t ? t->state() : State::None;
    const QString grace = t ? describeDuration(duration_cast<seconds>(t->effectiveGracePeriod()).count()) : QString();

    QString stateText;
    Theme::Tone tone = Theme::Tone::Muted;
    switch (state) {
    case State::None: stateText = tr("None \u2014 press Connect to fetch one"); break;
    case State::Fetching:
        stateText = tr("Fetching\u2026");
        tone = Theme::Tone::Info;
        break;
    case State::Valid:
        stateText = tr("Valid");
        tone = Theme::Tone::Success;
        break;
    case State::ExpiringSoon:
        stateText = tr("Expiring soon (less than %1 left)").arg(grace);
        tone = Theme::Tone::Warning;
        break;
    case State::Expired:
        stateText = tr("Expired");
        tone = Theme::Tone::Error;
        break;
    case State::Failed:
        stateText = tr("Failed");
        tone = Theme::Tone::Error;
        break;
    }
    if (t && t->isFetching() && state != State::Fetching)
        stateText += tr(" \u00b7 refreshing\u2026");
    ui->stateLabel->setText(QStringLiteral("\u25cf ") + stateText);
    Theme::setTextTone(ui->stateLabel, tone);

    const ApiError error = t ? t->lastError() : ApiError();
    if (error && error.kind() != ApiError::Kind::Cancelled) {
        QString text = state == State::Failed ? error.summary() : tr("The last refresh failed: %1").arg(error.summary());
        if (!error.hint().isEmpty())
            text += QLatin1Char(' ') + error.hint();
        ui->errorLabel->setText(text);
        Theme::setTextTone(ui->errorLabel, state == State::Failed ? Theme::Tone::Error : Theme::Tone::Warning);
        ui->errorLabel->setVisible(true);
    } else {
        ui->errorLabel->setVisible(false);
    }

    const bool has = t && t->hasToken();
    ui->typeLabel->setText(has ? t->tokenType() : QStringLiteral("\u2014"));
    const std::optional<seconds> skew = t ? t->clockSkew() : std::nullopt;
    if (skew && std::abs(skew->count()) >= skewWarningThreshold.count()) {
        ui->skewLabel->setText(tr("PlainKey's clock (its Date header) is %1 %2 this computer's. The countdown is measured here "
                                  "and is unaffected, but times from the server will look off by that much.")
                                       .arg(describeDuration(skew->count()), skew->count() > 0 ? tr("ahead of") : tr("behind")));
        Theme::setTextTone(ui->skewLabel, Theme::Tone::Warning);
        ui->skewLabel->setVisible(true);
    } else {
        ui->skewLabel->setVisible(false);
    }

    ui->refreshButton->setEnabled(t && !t->isFetching() && !t->credentials().projectId.isEmpty());
    ui->refreshButton->setText(t && t->isFetching() ? tr("Refreshing\u2026") : tr("&Refresh now"));
    ui->revealButton->setEnabled(has);
    ui->copyButton->setEnabled(has);
    if (!has)
        setTokenRevealed(false);
    updateTokenField();
    updateCountdown();
    scheduleTick();
}

void AccessTokenPanel::updateCountdown()
{
    const AccessTokenManager *t = m_tokens;
    if (!t || !t->hasToken()) {
        ui->issuedLabel->setText(QStringLiteral("\u2014"));
        ui->expiresLabel->setText(QStringLiteral("\u2014"));
        ui->countdownLabel->setText(QStringLiteral("\u2014"));
        ui->lifetimeBar->setValue(0);
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ui->issuedLabel->setText(QStringLiteral("%1 (%2)").arg(localTime(t->issuedAt()), describeRelative(t->issuedAt(), now)));
    ui->issuedLabel->setToolTip(t->issuedAt().toString(Qt::ISODateWithMs));
    ui->expiresLabel->setToolTip(t->expiresAt().toString(Qt::ISODateWithMs));

    const qint64 leftMs = t->remaining().count();
    const qint64 lifeMs = qMax<qint64>(1, duration_cast<milliseconds>(t->lifetime()).count());
    Theme::Tone tone;
    if (leftMs > 0) {
        const qint64 shownSeconds = (leftMs + 999) / 1000;
        ui->countdownLabel->setText(formatCountdown(shownSeconds));
        ui->expiresLabel->setText(tr("%1 (in %2)").arg(localTime(t->expiresAt()), describeDuration(shownSeconds)));
        const bool inGrace = t->remaining() <= t->effectiveGracePeriod();
        tone = inGrace ? Theme::Tone::Warning : Theme::Tone::Success;
        ui->countdownLabel->setToolTip(inGrace ? tr("Inside the refresh grace period: the next call fetches a new token")
                                               : tr("Measured on this computer's boot clock: right after sleep and clock changes"));
    } else {
        const qint64 ago = -leftMs / 1000;
        ui->countdownLabel->setText(tr("expired %1 ago").arg(formatCountdown(ago)));
        ui->expiresLabel->setText(tr("%1 (%2 ago)").arg(localTime(t->expiresAt()), describeDuration(ago)));
        tone = Theme::Tone::Error;
    }
    Theme::setTextTone(ui->countdownLabel, tone);
    ui->lifetimeBar->setValue(int(std::clamp<qint64>(leftMs * 1000 / lifeMs, 0, 1000)));
    QPalette p = ui->lifetimeBar->palette();
    p.setColor(QPalette::Highlight, Theme::color(tone, QGuiApplication::palette()));
    ui->lifetimeBar->setPalette(p);
}

void AccessTokenPanel::updateTokenField()
{
    const AccessTokenManager *t = m_tokens;
    if (!t || !t->hasToken()) {
        ui->tokenEdit->setText(QString());
        ui->tokenEdit->setPlaceholderText(tr("no token"));
        return;
    }
    if (isTokenRevealed())
        ui->tokenEdit->setText(t->token());
    else
        ui->tokenEdit->setText(QStringLiteral("#%1 \u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022").arg(t->fingerprint()));
    ui->tokenEdit->setCursorPosition(0);
}

void AccessTokenPanel::onTokenRefreshed()
{
    // A new token is a new secret: it is not on screen until asked for.
    setTokenRevealed(false);
    updateAll();
}

void AccessTokenPanel::refreshNow()
{
    if (!m_tokens)
        return;
    m_tokens->refresh();
    updateAll();
    emit statusMessage(tr("Fetching a new access token\u2026"), 3000);
}

void AccessTokenPanel::setTokenRevealed(bool revealed)
{
    if (revealed && (!m_tokens || !m_tokens->hasToken()))
        revealed = false;
    if (ui->revealButton->isChecked() != revealed) {
        const QSignalBlocker block(ui->revealButton);
        ui->revealButton->setChecked(revealed);
    }
    ui->revealButton->setText(revealed ? tr("Hid&e") : tr("R&eveal"));
    if (revealed) {
        m_hideTimer->start();
        emit statusMessage(tr("The access token is on screen; it hides again in %1 s.").arg(revealDuration.count()), 5000);
    } else {
        m_hideTimer->stop();
    }
    updateTokenField();
}

void AccessTokenPanel::copyToken()
{
    if (!m_tokens || !m_tokens->hasToken())
        return;
    SecretClipboard::copy(m_tokens->token());
    emit statusMessage(tr("Access token #%1 copied; it leaves the clipboard in %3 s. It can call the Server API for this project until %2: paste it only where you mean to.")
                               .arg(m_tokens->fingerprint(), localTime(m_tokens->expiresAt()))
                               .arg(std::chrono::duration_cast<std::chrono::seconds>(SecretClipboard::instance()->clearAfter()).count()),
                       8000);
}

} // namespace plainkey::gui
