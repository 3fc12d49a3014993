#include "gui/troubleshoot/troubleshooterpanel.h"
#include "ui_troubleshooterpanel.h"

#include "gui/troubleshoot/findingview.h"

#include "core/api/plainkeyclient.h"
#include "core/log/redactor.h"
#include "core/net/transport.h"
#include "core/token/tokeninput.h"
#include "gui/theme/theme.h"

#include "gui/text/wording.h"

#include <QClipboard>
#include <QGuiApplication>

namespace plainkey::gui {

TroubleshooterPanel::TroubleshooterPanel(PlainKeyClient *client, QWidget *parent)
    : QWidget(parent), ui(std::make_unique<Ui::TroubleshooterPanel>()), m_client(client), m_diagnosis(new Diagnosis(client, this))
{
    ui->setupUi(this);
    QFont headline = ui->summaryLabel->font();
    headline.setPointSizeF(headline.pointSizeF() * 1.2);
    headline.setBold(true);
    ui->summaryLabel->setFont(headline);
    ui->summaryVerdictLabel->setFont(headline);
    Theme::setTextTone(ui->progressLabel, Theme::Tone::Muted);

    connect(ui->runButton, &QPushButton::clicked, this, &TroubleshooterPanel::run);
    connect(ui->userEdit, &QLineEdit::returnPressed, this, &TroubleshooterPanel::run);
    connect(ui->customerTokenEdit, &QLineEdit::returnPressed, this, &TroubleshooterPanel::run);
    connect(ui->customerTokenEdit, &QLineEdit::textChanged, this, &TroubleshooterPanel::updateTokenNotice);
    connect(ui->cancelChecksButton, &QPushButton::clicked, this, &TroubleshooterPanel::cancel);
    connect(ui->copySummaryButton, &QPushButton::clicked, this, &TroubleshooterPanel::copySummary);
    connect(ui->copyFindingsButton, &QPushButton::clicked, this, &TroubleshooterPanel::copyFindings);
    connect(ui->userKindCombo, &QComboBox::currentIndexChanged, this, [this](int kind) {
        ui->userEdit->setPlaceholderText(kind == 1 ? tr("PlainKey user ID") : tr("user name or e-mail, e.g. ada@example.com"));
    });
    connect(ui->summaryActionLabel, &QLabel::linkActivated, this, [this](const QString &link) {
        if (const quint64 id = FindingView::exchangeIdFromLink(link))
            emit showExchangeRequested(id);
    });

    connect(m_diagnosis, &Diagnosis::checkStarted, this, &TroubleshooterPanel::onCheckStarted);
    connect(m_diagnosis, &Diagnosis::findingAdded, this, &TroubleshooterPanel::onFindingAdded);
    connect(m_diagnosis, &Diagnosis::finished, this, &TroubleshooterPanel::onFinished);

    setSummary({}, int(Theme::Tone::Muted),
               tr("Why can't this person sign in? Name the user and/or paste the token from their session, then run the "
                  "checks. They only read: nothing on PlainKey is changed (verifying a single-use token uses it up)."),
               {});
    updateTokenNotice();
    updateBusy();
}

TroubleshooterPanel::~TroubleshooterPanel() = default;

bool TroubleshooterPanel::isRunning() const
{
    return m_diagnosis->isRunning();
}

QList<FindingView *> TroubleshooterPanel::findingViews() const
{
    QList<FindingView *> views;
    for (int i = 0; i < ui->findingsLayout->count(); ++i)
        if (auto *view = qobject_cast<FindingView *>(ui->findingsLayout->itemAt(i)->widget()))
            views.append(view);
    return views;
}

QString TroubleshooterPanel::summaryText() const
{
    return ui->summaryLabel->text();
}

void TroubleshooterPanel::setUser(const QString &user, bool byName)
{
    ui->userKindCombo->setCurrentIndex(byName ? 0 : 1);
    ui->userEdit->setText(user);
}

void TroubleshooterPanel::setToken(const QString &raw)
{
    ui->customerTokenEdit->setText(raw);
}

void TroubleshooterPanel::focusStart()
{
    ui->userEdit->setFocus(Qt::ShortcutFocusReason);
    ui->userEdit->selectAll();
}

void TroubleshooterPanel::focusRun()
{
    ui->runButton->setFocus(Qt::OtherFocusReason);
}

void TroubleshooterPanel::updateTokenNotice()
{
    const QString raw = ui->customerTokenEdit->text();
    if (raw.trimmed().isEmpty()) {
        ui->tokenNoticeLabel->setText(tr("No token: only the user is checked."));
        Theme::setTextTone(ui->tokenNoticeLabel, Theme::Tone::Muted);
        return;
    }
    const TokenInput input = TokenInput::normalize(raw);
    if (!input.ok()) {
        ui->tokenNoticeLabel->setText(input.problem);
        Theme::setTextTone(ui->tokenNoticeLabel, Theme::Tone::Error);
    } else {
        // Its fingerprint and length tell tokens apart without showing one.
        QStringList lines = input.notices;
        lines.prepend(tr("Token #%1, %2.")
                              .arg(QString::fromLatin1(Redactor::fingerprint(input.token.toUtf8())),
                                   countOf(input.token.size(), tr("character"), tr("characters"))));
        ui->tokenNoticeLabel->setText(lines.join(QLatin1Char(' ')));
        Theme::setTextTone(ui->tokenNoticeLabel, input.notices.isEmpty() ? Theme::Tone::Muted : Theme::Tone::Info);
    }
}

void TroubleshooterPanel::run()
{
    if (isRunning() || !m_client)
        return;
    DiagnosisInput input;
    input.user = ui->userEdit->text().trimmed();
    input.byName = ui->userKindCombo->currentIndex() == 0;
    input.token = ui->customerTokenEdit->text();
    if (input.user.isEmpty() && input.token.trimmed().isEmpty()) {
        const QString text = tr("Nothing to check yet: name the user, paste the token from their session, or both.");
        setSummary({}, int(Theme::Tone::Muted), text, {});
        emit statusMessage(text, 5000);
        focusStart();
        return;
    }
    if (m_client->credentials().projectId.isEmpty()) {
        const QString text = tr("Not connected: press Connect (Ctrl+O) first; the checks run against the connected project.");
        setSummary({}, int(Theme::Tone::Muted), text, {});
        emit statusMessage(text, 6000);
        return;
    }
    // The pasted token is a secret from now on: redacted by value wherever the log shows it.
    const TokenInput token = TokenInput::normalize(input.token);
    if (token.ok() && !token.token.isEmpty())
        m_client->transport()->addSecret(SecretKind::AuthenticationToken, token.token.toUtf8());

    clearFindings();
    setSummary(tr("\u2026 Running"), int(Theme::Tone::Muted), tr("Running the checks; each appears below as it finishes."), {});
    m_diagnosis->start(input);
    updateBusy();
    emit runningChanged(true);
}

void TroubleshooterPanel::cancel()
{
    if (!isRunning())
        return;
    m_diagnosis->cancel();
    const QString text = tr("Cancelled after %1: nothing more is checked, and nothing was changed.")
                                 .arg(countOf(findingViews().size(), tr("finding"), tr("findings")));
    setSummary(tr("\u2013 Cancelled"), int(Theme::Tone::Muted), text, {});
    const bool hadFocus = ui->cancelChecksButton->hasFocus();
    updateBusy();
    if (hadFocus)
        ui->runButton->setFocus(Qt::OtherFocusReason);
    emit statusMessage(tr("Troubleshooter cancelled."), 4000);
    emit runningChanged(false);
}

void TroubleshooterPanel::clearFindings()
{
    for (FindingView *view : findingViews())
        delete view;
    m_checksDone = 0;
}

void TroubleshooterPanel::onCheckStarted(const QString &, const QString &title)
{
    ui->progressLabel->setText(title);
}

void TroubleshooterPanel::onFindingAdded(const Finding &finding)
{
    if (finding.id == QLatin1String("summary"))
        return; // shown on top when the run finishes
    auto *view = new FindingView(finding, m_client ? m_client->exchangeLog() : nullptr, ui->findingsWidget);
    connect(view, &FindingView::showExchangeRequested, this, &TroubleshooterPanel::showExchangeRequested);
    // Before the spacer that keeps the cards at the top.
    ui->findingsLayout->insertWidget(ui->findingsLayout->count() - 1, view);
    ++m_checksDone;
    ui->progressLabel->setText(tr("%1 done\u2026").arg(countOf(m_checksDone, tr("check"), tr("checks"))));
}

void TroubleshooterPanel::onFinished()
{
    const Finding summary = m_diagnosis->summary();
    QStringList action;
    if (!summary.action.isEmpty())
        action.append(tr("<b>Next:</b> %1").arg(summary.action.toHtmlEscaped()));
    if (!summary.exchangeIds.isEmpty())
        action.append(tr("In the log: %1").arg(FindingView::exchangeLinks(summary.exchangeIds, m_client ? m_client->exchangeLog() : nullptr)));
    setSummary(outcomeText(m_diagnosis->outcome()), int(FindingView::verdictTone(summary.verdict)), summary.title,
               action.join(QStringLiteral(" \u00b7 ")));
    updateBusy();
    emit statusMessage(tr("Troubleshooter: %1").arg(summary.title), 8000);
    emit runningChanged(false);
}

QString TroubleshooterPanel::outcomeText(Diagnosis::Outcome outcome) const
{
    switch (outcome) {
    case Diagnosis::Outcome::Healthy: return tr("\u2714 Nothing wrong");
    case Diagnosis::Outcome::SignInFails: return tr("\u2718 Sign-in fails");
    case Diagnosis::Outcome::CredentialsRefused: return tr("\u2718 Credentials refused");
    case Diagnosis::Outcome::CouldNotCheck: return tr("? Could not check");
    case Diagnosis::Outcome::Running: return tr("\u2026 Running");
    }
    return {};
}

void TroubleshooterPanel::setSummary(const QString &verdictText, int tone, const QString &text, const QString &actionHtml)
{
    ui->summaryVerdictLabel->setText(verdictText);
    ui->summaryVerdictLabel->setVisible(!verdictText.isEmpty());
    Theme::setTextTone(ui->summaryVerdictLabel, Theme::Tone(tone));
    ui->summaryLabel->setText(text);
    ui->summaryActionLabel->setText(actionHtml);
    ui->summaryActionLabel->setVisible(!actionHtml.isEmpty());
    const bool finished = !m_diagnosis->isRunning() && !m_diagnosis->summary().title.isEmpty() && text == m_diagnosis->summary().title;
    ui->copySummaryButton->setEnabled(finished);
}

void TroubleshooterPanel::updateBusy()
{
    const bool running = isRunning();
    ui->cancelChecksButton->setVisible(running);
    ui->checksBusyBar->setVisible(running);
    // One line under the fields: what runs now, else what the token field holds.
    ui->progressLabel->setVisible(running);
    ui->tokenNoticeLabel->setVisible(!running);
    if (!running)
        ui->progressLabel->clear();
    // Stays enabled while running (disabling the focused button would throw the focus elsewhere);
    // a press is ignored until the run ends.
    ui->runButton->setText(running ? tr("Running\u2026") : tr("&Run checks"));
    ui->copyFindingsButton->setEnabled(!findingViews().isEmpty());
}

void TroubleshooterPanel::copySummary()
{
    const Finding summary = m_diagnosis->summary();
    if (isRunning() || summary.title.isEmpty()) {
        emit statusMessage(tr("No summary yet: run the checks first."), 4000);
        return;
    }
    QGuiApplication::clipboard()->setText(summary.title);
    emit statusMessage(tr("Summary copied."), 4000);
}

void TroubleshooterPanel::copyFindings()
{
    const QList<FindingView *> views = findingViews();
    if (views.isEmpty()) {
        emit statusMessage(tr("No findings yet: run the checks first."), 4000);
        return;
    }
    QStringList parts;
    const Finding summary = m_diagnosis->summary();
    if (!isRunning() && !summary.title.isEmpty())
        parts.append(tr("Summary (%1): %2").arg(Diagnosis::outcomeName(m_diagnosis->outcome()), summary.title));
    for (const FindingView *view : views)
        parts.append(FindingView::plainText(view->finding()));
    QGuiApplication::clipboard()->setText(parts.join(QLatin1Char('\n')) + QLatin1Char('\n'));
    emit statusMessage(tr("%1 copied as text.").arg(countOf(views.size(), tr("finding"), tr("findings"))), 4000);
}

} // namespace plainkey::gui
