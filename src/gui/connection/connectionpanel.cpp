#include "gui/connection/connectionpanel.h"
#include "ui_connectionpanel.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/net/transport.h"
#include "core/profile/secretstore.h"
#include "core/time/timestamp.h"
#include "gui/theme/theme.h"

namespace plainkey::gui {

ConnectionPanel::ConnectionPanel(QWidget *parent) : QWidget(parent), ui(std::make_unique<Ui::ConnectionPanel>())
{
    ui->setupUi(this);
    connect(ui->revealSecretButton, &QToolButton::toggled, this, [this](bool shown) {
        ui->secretEdit->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        ui->revealSecretButton->setText(shown ? tr("Hide") : tr("Show"));
    });
    for (QLineEdit *edit : {ui->baseUrlEdit, ui->projectIdEdit, ui->secretEdit}) {
        connect(edit, &QLineEdit::textChanged, this, [this] {
            updateInsecureOption();
            showProblems(m_attempted);
        });
        connect(edit, &QLineEdit::returnPressed, this, &ConnectionPanel::connectToProject);
    }
    connect(ui->insecureCheck, &QCheckBox::toggled, this, [this] { showProblems(m_attempted); });
    connect(ui->connectButton, &QPushButton::clicked, this, &ConnectionPanel::connectToProject);
    connect(ui->cancelButton, &QPushButton::clicked, this, &ConnectionPanel::cancel);
    connect(ui->demoButton, &QPushButton::clicked, this, &ConnectionPanel::demoRequested);
    ui->demoButton->setVisible(false);
    ui->rememberSecretCheck->setVisible(false);
    setStatus(tr("Not connected."), int(Theme::Tone::Muted));
}

ConnectionPanel::~ConnectionPanel() = default;

void ConnectionPanel::setClient(PlainKeyClient *client)
{
    if (m_client)
        m_client->disconnect(this);
    m_client = client;
    if (!client)
        return;
    AccessTokenManager *tokens = client->accessToken();
    connect(tokens, &AccessTokenManager::tokenRefreshed, this, &ConnectionPanel::onTokenRefreshed);
    connect(tokens, &AccessTokenManager::fetchFailed, this, &ConnectionPanel::onFetchFailed);
    connect(tokens, &AccessTokenManager::stateChanged, this, &ConnectionPanel::updateBusy);
    connect(client->transport(), &Transport::inFlightChanged, this, &ConnectionPanel::updateBusy);
    updateBusy();
}

void ConnectionPanel::setSecretStore(SecretStore *store)
{
    m_secrets = store;
    ui->rememberSecretCheck->setVisible(store != nullptr);
}

bool ConnectionPanel::rememberSecret() const
{
    return m_secrets && ui->rememberSecretCheck->isChecked();
}

void ConnectionPanel::loadSavedSecret()
{
    const Credentials entered = enteredCredentials();
    if (!m_secrets || entered.baseUrl.isEmpty() || entered.projectId.isEmpty() || !entered.clientSecret.isEmpty())
        return;
    const QString key = keychainKeyFor(entered);
    m_secrets->read(key, this, [this, key](const std::optional<QString> &secret, const SecretStore::Outcome &outcome) {
        // The user may have typed in the meantime: never overwrite what they entered.
        const Credentials now = enteredCredentials();
        if (keychainKeyFor(now) != key || !now.clientSecret.isEmpty()) {
            emit keychainFinished(false, tr("The form changed while the keychain was read; nothing was filled in."));
            return;
        }
        if (!secret) {
            if (!outcome.notFound)
                emit statusMessage(outcome.message, 10000);
            emit savedSecretLoaded(false, outcome.notFound ? QString() : outcome.message);
            emit keychainFinished(false, outcome.notFound ? QString() : outcome.message);
            return;
        }
        m_savedKey = key;
        ui->secretEdit->setText(*secret);
        ui->rememberSecretCheck->setChecked(true);
        const QString text = tr("The client secret of project %1 was filled in from the system keychain. Press Connect.")
                                     .arg(now.projectId);
        setStatus(text, int(Theme::Tone::Muted));
        emit savedSecretLoaded(true, text);
        emit keychainFinished(true, text);
    });
}

void ConnectionPanel::setKeychainKey(const QString &key)
{
    m_keychainKey = key;
}

QString ConnectionPanel::keychainKeyFor(const Credentials &credentials) const
{
    return m_keychainKey.isEmpty() ? SecretStore::keyFor(credentials) : m_keychainKey;
}

void ConnectionPanel::updateKeychain(const Credentials &connected)
{
    if (!m_secrets)
        return;
    const QString key = keychainKeyFor(connected);
    if (ui->rememberSecretCheck->isChecked()) {
        m_secrets->write(key, connected.clientSecret, this, [this, key](const SecretStore::Outcome &outcome) {
            if (outcome.ok)
                m_savedKey = key;
            const QString text = outcome.ok ? tr("The client secret is saved in the system keychain.") : outcome.message;
            emit statusMessage(text, outcome.ok ? 5000 : 10000);
            emit keychainFinished(outcome.ok, text);
        });
    } else if (key == m_savedKey) {
        m_secrets->remove(key, this, [this, key](const SecretStore::Outcome &outcome) {
            if (outcome.ok && m_savedKey == key)
                m_savedKey.clear();
            const QString text = outcome.ok ? tr("The client secret was removed from the system keychain.") : outcome.message;
            emit statusMessage(text, outcome.ok ? 5000 : 10000);
            emit keychainFinished(outcome.ok, text);
        });
    }
}

void ConnectionPanel::setDemoAvailable(bool available)
{
    ui->demoButton->setVisible(available);
}

void ConnectionPanel::setCredentials(const Credentials &credentials)
{
    ui->baseUrlEdit->setText(credentials.baseUrl.toString());
    ui->projectIdEdit->setText(credentials.projectId);
    ui->secretEdit->setText(credentials.clientSecret);
    ui->revealSecretButton->setChecked(false);
    ui->insecureCheck->setChecked(false);
    // Another project: whether to remember its secret is a new question.
    ui->rememberSecretCheck->setChecked(false);
    m_attempted = false;
    updateInsecureOption();
    showProblems(false);
}

Credentials ConnectionPanel::enteredCredentials() const
{
    Credentials c;
    const QString url = ui->baseUrlEdit->text().trimmed();
    c.baseUrl = url.isEmpty() ? QUrl() : QUrl(url, QUrl::StrictMode);
    c.projectId = ui->projectIdEdit->text();
    c.clientSecret = ui->secretEdit->text();
    return c;
}

bool ConnectionPanel::insecureHttpAllowed() const
{
    // isVisible() needs a shown window; the explicit hidden flag is what counts.
    return !ui->insecureCheck->isHidden() && ui->insecureCheck->isChecked();
}

bool ConnectionPanel::validate()
{
    showProblems(true);
    return enteredCredentials().problems(insecureHttpAllowed()).isEmpty();
}

bool ConnectionPanel::isConnecting() const
{
    return m_client && m_client->accessToken()->isFetching();
}

void ConnectionPanel::updateInsecureOption()
{
    const bool insecure = enteredCredentials().isInsecureRemote();
    if (insecure == !ui->insecureCheck->isHidden())
        return;
    ui->insecureCheck->setVisible(insecure);
    if (!insecure)
        ui->insecureCheck->setChecked(false);
}

void ConnectionPanel::showProblems(bool includeEmpty)
{
    const Credentials c = enteredCredentials();
    const bool allowInsecure = insecureHttpAllowed();
    const auto problems = c.problems(allowInsecure);
    auto problemFor = [&](Credentials::Field field, const QLineEdit *edit) {
        if (!includeEmpty && edit->text().isEmpty())
            return QString();
        for (const auto &p : problems) {
            if (p.field == field)
                return p.message;
        }
        return QString();
    };
    setProblem(ui->baseUrlProblem, problemFor(Credentials::Field::BaseUrl, ui->baseUrlEdit));
    setProblem(ui->projectIdProblem, problemFor(Credentials::Field::ProjectId, ui->projectIdEdit));
    setProblem(ui->secretProblem, problemFor(Credentials::Field::ClientSecret, ui->secretEdit));
}

void ConnectionPanel::setProblem(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
    Theme::setTextTone(label, Theme::Tone::Error);
}

void ConnectionPanel::connectToProject()
{
    if (isConnecting()) {
        emit statusMessage(tr("Already fetching an access token: wait for it, or press Cancel (Esc)."), 4000);
        return;
    }
    m_attempted = true;
    if (!validate()) {
        emit statusMessage(tr("Not connected: fix the fields marked in the Connection panel first."), 6000);
        focusForm();
        return;
    }
    if (!m_client)
        return;
    const Credentials c = enteredCredentials();
    m_client->setAllowInsecureHttp(insecureHttpAllowed());
    m_client->setCredentials(c);
    m_awaitingFirstToken = true;
    m_client->accessToken()->refresh();
    setStatus(tr("Connecting to %1\u2026").arg(c.baseUrl.authority()), int(Theme::Tone::Muted));
    emit connectionApplied(c);
    updateBusy();
}

void ConnectionPanel::cancel()
{
    if (!m_client)
        return;
    // Only the access-token request: a verification in flight has its own Cancel.
    m_client->accessToken()->cancelFetch();
}

void ConnectionPanel::focusForm()
{
    const Credentials c = enteredCredentials();
    const auto problems = c.problems(insecureHttpAllowed());
    QLineEdit *target = nullptr;
    for (const auto &p : problems) {
        QLineEdit *edit = p.field == Credentials::Field::BaseUrl ? ui->baseUrlEdit
                : p.field == Credentials::Field::ProjectId      ? ui->projectIdEdit
                                                                : ui->secretEdit;
        if (!target)
            target = edit;
    }
    if (!target)
        target = ui->baseUrlEdit;
    target->setFocus(Qt::ShortcutFocusReason);
    target->selectAll();
}

void ConnectionPanel::focusStart()
{
    const Credentials c = enteredCredentials();
    if (c.problems(insecureHttpAllowed()).isEmpty())
        ui->connectButton->setFocus(Qt::OtherFocusReason);
    else if (!c.baseUrl.isEmpty() && !c.projectId.isEmpty() && c.clientSecret.isEmpty())
        ui->secretEdit->setFocus(Qt::OtherFocusReason);
    else
        focusForm();
}

void ConnectionPanel::updateBusy()
{
    const bool busy = isConnecting();
    ui->busyBar->setVisible(busy);
    ui->cancelButton->setVisible(busy);
    // Not disabled while busy: that would throw the keyboard focus elsewhere.
    ui->connectButton->setText(busy ? tr("Connecting\u2026") : tr("Co&nnect"));
}

void ConnectionPanel::onTokenRefreshed()
{
    if (!m_client)
        return;
    const AccessTokenManager *tokens = m_client->accessToken();
    const QString host = m_client->credentials().baseUrl.authority();
    setStatus(tr("Connected to %1 as project %2. Access token received, valid for %3.")
                      .arg(host, m_client->credentials().projectId, describeDuration(tokens->lifetime().count())),
              int(Theme::Tone::Success));
    if (m_awaitingFirstToken) {
        emit statusMessage(tr("Connected to %1: access token received.").arg(host), 5000);
        // Only credentials that just worked are worth remembering.
        updateKeychain(m_client->credentials());
    }
    m_awaitingFirstToken = false;
    updateBusy();
}

void ConnectionPanel::onFetchFailed(const ApiError &error)
{
    m_awaitingFirstToken = false;
    const AccessTokenManager *tokens = m_client ? m_client->accessToken() : nullptr;
    const bool kept = tokens && tokens->hasToken() && tokens->remaining().count() > 0;
    if (error.kind() == ApiError::Kind::Cancelled) {
        setStatus(kept ? tr("Refresh cancelled; the current access token is still valid.")
                       : tr("Cancelled: no access token was fetched. Press Connect to try again."),
                  int(Theme::Tone::Warning));
    } else {
        QString text = error.summary();
        const QString hint = error.hint();
        if (!hint.isEmpty())
            text += QLatin1Char(' ') + hint;
        if (kept)
            text += QLatin1Char(' ') + tr("The current access token is kept until it expires.");
        setStatus(text, int(Theme::Tone::Error));
        emit statusMessage(error.summary(), 8000);
    }
    updateBusy();
}

void ConnectionPanel::setStatus(const QString &text, int tone)
{
    m_statusTone = tone;
    ui->statusLabel->setText(text);
    if (tone < 0)
        Theme::clearTextTone(ui->statusLabel);
    else
        Theme::setTextTone(ui->statusLabel, Theme::Tone(tone));
}

} // namespace plainkey::gui
