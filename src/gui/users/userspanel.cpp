#include "gui/users/userspanel.h"

#include "core/api/plainkeyclient.h"
#include "core/net/transport.h"
#include "gui/theme/theme.h"
#include "core/users/aaguidcatalog.h"
#include "gui/users/importusersdialog.h"
#include "gui/users/passkeylabeldialog.h"
#include "core/users/passkeyops.h"
#include "gui/users/passkeyregistrationdialog.h"
#include "core/users/passkeysummary.h"
#include "gui/users/passkeytablemodel.h"
#include "core/users/usersession.h"
#include "core/users/userops.h"
#include "gui/users/usersconfirmdialog.h"
#include "gui/users/usersnamedialog.h"
#include "gui/text/wording.h"
#include "ui_userspanel.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>

#include <algorithm>
#include <utility>

namespace plainkey::gui {

namespace {

constexpr int kStatusTimeoutMs = 6000;
constexpr int kErrorTimeoutMs = 12000;

QString lockedTip()
{
    return ChangeGuard::lockedReason();
}

QString row(const QString &name, const QString &value)
{
    return QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(name.toHtmlEscaped(), value.toHtmlEscaped());
}

} // namespace

UsersPanel::UsersPanel(PlainKeyClient *client, QWidget *parent)
    : QWidget(parent),
      m_ui(std::make_unique<Ui::UsersPanel>()),
      m_client(client),
      m_model(new PasskeyTableModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_guard(new ChangeGuard(this)),
      m_session(new UserSession(client, this))
{
    m_ui->setupUi(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(PasskeyTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_ui->passkeysView->setModel(m_proxy);
    m_ui->passkeysView->sortByColumn(PasskeyTableModel::LastUsed, Qt::DescendingOrder);
    m_ui->passkeysView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_ui->passkeysView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_ui->splitter->setStretchFactor(0, 3);
    m_ui->splitter->setStretchFactor(1, 1);
    // Compact rows, as in the request log: six passkeys in view on a 768 px high laptop. The
    // details pane keeps a few lines until the person drags it taller.
    m_ui->passkeysView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_ui->detailsBrowser->setMinimumHeight(2 * fontMetrics().lineSpacing() + 2 * m_ui->detailsBrowser->frameWidth() + 8);

    connect(m_ui->findButton, &QPushButton::clicked, this, &UsersPanel::find);
    connect(m_ui->findEdit, &QLineEdit::returnPressed, this, &UsersPanel::find);
    connect(m_ui->findEdit, &QLineEdit::textChanged, this, &UsersPanel::updateActions);
    connect(m_ui->refreshButton, &QPushButton::clicked, this, &UsersPanel::refresh);
    connect(m_ui->createButton, &QPushButton::clicked, this, &UsersPanel::createUser);
    connect(m_ui->importButton, &QPushButton::clicked, this, &UsersPanel::openImport);
    connect(m_ui->renameButton, &QPushButton::clicked, this, &UsersPanel::renameUser);
    connect(m_ui->deleteUserButton, &QPushButton::clicked, this, &UsersPanel::deleteUser);
    connect(m_ui->beginButton, &QPushButton::clicked, this, &UsersPanel::beginRegistration);
    connect(m_ui->relabelButton, &QPushButton::clicked, this, &UsersPanel::relabelSelectedPasskey);
    connect(m_ui->deletePasskeyButton, &QPushButton::clicked, this, &UsersPanel::deleteSelectedPasskey);
    connect(m_guard, &ChangeGuard::changed, this, &UsersPanel::updateLock);
    connect(m_session, &UserSession::busyChanged, this, [this](bool busy) {
        if (busy)
            beginBusy();
        else
            endBusy();
    });
    connect(m_session, &UserSession::userChanged, this, &UsersPanel::onUserChanged);
    connect(m_session, &UserSession::userFound, this, [this](const User &user) { showStatus(tr("Showing %1.").arg(userText(user))); });
    connect(m_session, &UserSession::passkeyFound, this, [this](const Passkey &passkey) {
        // Its owner next, with this passkey selected once the list is in.
        m_passkeyToSelect = passkey.id;
        showStatus(tr("Looking up user ID %1\u2026").arg(passkey.userId));
    });
    connect(m_session, &UserSession::lookupFailed, this, &UsersPanel::showError);
    connect(m_session, &UserSession::passkeysListed, this, &UsersPanel::onPasskeysLoaded);
    connect(m_session, &UserSession::passkeysFailed, this, [this](const ApiError &error) {
        m_ui->passkeyCountValue->setText(tr("could not be listed"));
        showError(error);
    });
    connect(m_ui->unlockButton, &QPushButton::clicked, this, [this] {
        if (m_guard->isUnlocked())
            lockChanges();
        else
            requestUnlock();
    });
    connect(m_ui->passkeyFilterEdit, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_ui->passkeysView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateActions();
        updateDetails();
    });
    connect(m_ui->passkeysView, &QAbstractItemView::doubleClicked, this, &UsersPanel::relabelSelectedPasskey);
    connect(m_model, &QAbstractItemModel::modelReset, this, &UsersPanel::updateDetails);

    // Keys for what has no free Alt+letter; the table's keys work where the table has focus.
    auto shortcut = [](const QKeySequence &key, QWidget *where, Qt::ShortcutContext context) {
        auto *s = new QShortcut(key, where);
        s->setContext(context);
        return s;
    };
    connect(shortcut(QKeySequence(Qt::Key_F2), m_ui->passkeysView, Qt::WidgetShortcut), &QShortcut::activated, this,
            &UsersPanel::relabelSelectedPasskey);
    connect(shortcut(QKeySequence::Delete, m_ui->passkeysView, Qt::WidgetShortcut), &QShortcut::activated, this,
            &UsersPanel::deleteSelectedPasskey);
    connect(shortcut(QKeySequence::New, this, Qt::WidgetWithChildrenShortcut), &QShortcut::activated, this, [this] {
        if (m_ui->createButton->isEnabled())
            createUser();
        else
            refuseIfLocked(tr("create a user"));
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &UsersPanel::updateDetails);

    connect(m_ui->findKindCombo, &QComboBox::currentIndexChanged, this, &UsersPanel::updateFindPlaceholder);
    updateFindPlaceholder();

    onUserChanged();
    updateLock();
}

UsersPanel::~UsersPanel() = default;

const std::optional<User> &UsersPanel::currentUser() const
{
    return m_session->user();
}

// ---- finding and showing ----------------------------------------------------------------

void UsersPanel::showUser(const QString &userId)
{
    m_passkeyToSelect.clear();
    m_ui->findKindCombo->setCurrentIndex(1);
    m_ui->findEdit->setText(userId);
    findUser(UserIdentifier::byId(userId.trimmed()));
}

void UsersPanel::focusFind()
{
    m_ui->findEdit->setFocus(Qt::ShortcutFocusReason);
    m_ui->findEdit->selectAll();
}

void UsersPanel::find()
{
    m_passkeyToSelect.clear();
    const QString text = m_ui->findEdit->text().trimmed();
    if (text.isEmpty()) {
        showRefusal(tr("Enter a user name, a user ID or a passkey ID to find."));
        return;
    }
    switch (m_ui->findKindCombo->currentIndex()) {
    case 1: findUser(UserIdentifier::byId(text)); break;
    case 2: findPasskey(text); break;
    default: findUser(UserIdentifier::byName(text)); break;
    }
}

void UsersPanel::updateFindPlaceholder()
{
    static const char *const placeholders[] = {QT_TR_NOOP("User name, e.g. ada@example.com"), QT_TR_NOOP("User ID"),
                                               QT_TR_NOOP("Passkey (credential) ID, e.g. from a server log")};
    const int kind = std::clamp(m_ui->findKindCombo->currentIndex(), 0, 2);
    m_ui->findEdit->setPlaceholderText(tr(placeholders[kind]));
}

void UsersPanel::findPasskey(const QString &passkeyId)
{
    showStatus(tr("Looking up passkey %1\u2026").arg(passkeyId));
    m_session->findByPasskey(passkeyId);
}

void UsersPanel::findUser(const UserIdentifier &who)
{
    if (!who.problem().isEmpty()) {
        showRefusal(tr("Cannot look the user up: %1.").arg(who.problem()));
        return;
    }
    showStatus(who.isId() ? tr("Looking up user ID %1\u2026").arg(who.value) : tr("Looking up \u201c%1\u201d\u2026").arg(who.value));
    m_session->find(who);
}

void UsersPanel::refresh()
{
    m_session->refresh();
}

void UsersPanel::onUserChanged()
{
    const std::optional<User> &user = m_session->user();
    m_model->clear();
    m_ui->userBox->setEnabled(user.has_value());
    if (user) {
        m_ui->userBox->setTitle(tr("User %1").arg(user->displayName()));
        m_ui->userNameValue->setText(user->userName ? *user->userName : tr("(none: signs in without a user name)"));
        m_ui->userIdValue->setText(user->id);
        m_ui->passkeyCountValue->setText(tr("loading\u2026"));
    } else {
        m_ui->userBox->setTitle(tr("User"));
        m_ui->userNameValue->setText(tr("\u2014"));
        m_ui->userIdValue->setText(tr("\u2014"));
        m_ui->passkeyCountValue->setText(tr("\u2014"));
    }
    updateActions();
    updateDetails();
    emit userShown(user ? user->id : QString());
}

void UsersPanel::onPasskeysLoaded()
{
    const QList<Passkey> &passkeys = m_session->passkeys();
    m_model->setPasskeys(passkeys);
    if (!m_passkeyToSelect.isEmpty()) {
        const QString wanted = std::exchange(m_passkeyToSelect, QString());
        if (selectPasskey(wanted) && m_session->user())
            showStatus(tr("Showing passkey %1 of %2.").arg(wanted, userText(*m_session->user())));
    }
    // Sizing to contents reads every row: fine for a few hundred, skipped beyond.
    if (passkeys.size() <= 500)
        m_ui->passkeysView->resizeColumnsToContents();
    updatePasskeySummary();
    updateActions();
    emit passkeysLoaded(int(passkeys.size()));
}

void UsersPanel::updatePasskeySummary()
{
    if (!m_session->user() || !m_session->passkeysLoaded())
        return;
    const PasskeySummary summary = m_session->summary();
    m_ui->passkeyCountValue->setText(summary.coverage == PasskeySummary::Coverage::None
                                             ? tr("none: this user cannot sign in with a passkey until one is added (Add passkey).")
                                             : summary.text());
}

const Passkey *UsersPanel::selectedPasskey() const
{
    const QModelIndexList rows = m_ui->passkeysView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return nullptr;
    return m_model->passkeyAt(m_proxy->mapToSource(rows.first()).row());
}

bool UsersPanel::selectPasskey(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_ui->passkeysView->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_ui->passkeysView->scrollTo(index);
    return true;
}

void UsersPanel::updateDetails()
{
    const Passkey *p = selectedPasskey();
    if (!p) {
        m_ui->detailsBrowser->setPlainText(m_session->user() ? tr("Select a passkey to see all its fields.") : QString());
        return;
    }
    QString html = QStringLiteral("<table cellspacing=\"2\" cellpadding=\"2\">");
    html += row(tr("Passkey ID"), p->id);
    html += row(tr("Label"), p->labelText());
    html += row(tr("Authenticator"), AaguidCatalog::instance().describe(p->aaguid));
    html += row(tr("AAGUID"), p->aaguid.value_or(tr("(none)")));
    html += row(tr("Authenticator type"), p->authenticatorType.value_or(tr("(none)")));
    html += row(tr("Device type"), p->credentialDeviceType ? p->deviceTypeText() : tr("unknown"));
    html += row(tr("Backed up"), p->backedUpText());
    html += row(tr("Transports"), p->transportsText());
    auto time = [](const PasskeyTime &t) {
        const QString r = t.relativeText();
        return r.isEmpty() || r == tr("never") ? t.absoluteText() : QStringLiteral("%1 (%2)").arg(t.absoluteText(), r);
    };
    html += row(tr("Created"), time(p->createdAt));
    html += row(tr("Updated"), time(p->updatedAt));
    html += row(tr("Last used"), time(p->lastUsedAt));
    html += row(tr("Counter"), p->counter ? QString::number(*p->counter) : tr("unknown"));
    html += row(tr("WebAuthn ID"), p->webAuthnId.value_or(tr("(none)")));
    html += row(tr("User ID"), p->userId);
    html += QStringLiteral("</table>");
    m_ui->detailsBrowser->setHtml(html);
}

// ---- production lock ---------------------------------------------------------------------

void UsersPanel::setProductionProfile(bool production)
{
    m_guard->setProduction(production);
}

void UsersPanel::requestUnlock()
{
    if (!m_guard->isProduction() || m_guard->isUnlocked())
        return;
    auto *dialog = new UsersConfirmDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("unlockDialog"));
    dialog->setMessage(tr("Unlock changes"),
                       tr("<p>This is a <b>production</b> profile: creating, renaming and deleting users and passkeys "
                          "here changes real people's sign-in.</p><p>Unlock changes until the profile changes or the "
                          "console closes? Each deletion still asks first.</p>"),
                       tr("Unlock changes"));
    connect(dialog, &QDialog::accepted, this, &UsersPanel::unlockChanges);
    dialog->open();
}

void UsersPanel::unlockChanges()
{
    if (!m_guard->isProduction())
        return;
    m_guard->unlock();
    showStatus(tr("Changes to production users are unlocked for this session."));
}

void UsersPanel::lockChanges()
{
    m_guard->lock();
    showStatus(tr("Changes are locked again."));
}

void UsersPanel::updateLock()
{
    m_ui->lockBanner->setVisible(m_guard->isProduction());
    if (m_guard->isUnlocked()) {
        m_ui->lockLabel->setText(tr("<b>Production profile:</b> changes are unlocked for this session. Every change affects real users."));
        m_ui->unlockButton->setText(tr("Lock chan&ges"));
    } else {
        m_ui->lockLabel->setText(tr("<b>Production profile:</b> you can look users up; changes are locked."));
        m_ui->unlockButton->setText(tr("Unlock chan&ges\u2026"));
    }
    // An import dialog opened while unlocked must not start once changes lock again.
    for (ImportUsersDialog *dialog : findChildren<ImportUsersDialog *>(Qt::FindDirectChildrenOnly))
        dialog->setChangesAllowed(changesAllowed());
    updateActions();
}

bool UsersPanel::refuseIfLocked(const QString &what)
{
    const QString refusal = m_guard->refusal(what);
    if (refusal.isEmpty())
        return false;
    showRefusal(refusal);
    return true;
}

void UsersPanel::updateActions()
{
    const bool allowed = changesAllowed();
    const bool hasUser = m_session->user().has_value();
    const bool hasPasskey = selectedPasskey() != nullptr;
    m_ui->findButton->setEnabled(!m_ui->findEdit->text().trimmed().isEmpty());
    m_ui->refreshButton->setEnabled(hasUser);
    m_ui->createButton->setEnabled(allowed);
    m_ui->importButton->setEnabled(allowed);
    m_ui->renameButton->setEnabled(hasUser && allowed);
    m_ui->deleteUserButton->setEnabled(hasUser && allowed);
    m_ui->beginButton->setEnabled(hasUser && allowed);
    m_ui->relabelButton->setEnabled(hasPasskey && allowed);
    m_ui->deletePasskeyButton->setEnabled(hasPasskey && allowed);
    const QString tip = allowed ? QString() : lockedTip();
    for (QPushButton *b : {m_ui->importButton, m_ui->renameButton, m_ui->deleteUserButton, m_ui->beginButton})
        b->setToolTip(tip);
    auto keyTip = [&tip](const QKeySequence &key) {
        const QString keys = key.toString(QKeySequence::NativeText);
        return tip.isEmpty() ? keys : QStringLiteral("%1 (%2)").arg(tip, keys);
    };
    m_ui->createButton->setToolTip(keyTip(QKeySequence::New));
    m_ui->relabelButton->setToolTip(keyTip(QKeySequence(Qt::Key_F2)));
    m_ui->deletePasskeyButton->setToolTip(keyTip(QKeySequence::Delete));
}

// ---- changes -----------------------------------------------------------------------------

void UsersPanel::createUser()
{
    if (refuseIfLocked(tr("create a user")))
        return;
    auto *dialog = new UsersNameDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setForCreate();
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const std::optional<QString> name = dialog->name();
        if (refuseIfLocked(tr("create a user")))
            return;
        beginBusy();
        m_client->call<CreateUser>(this, [this](const Result<User> &result) {
            endBusy();
            if (!result) {
                showError(result.error());
                return;
            }
            m_session->show(result.value());
            m_ui->findKindCombo->setCurrentIndex(1);
            m_ui->findEdit->setText(result->id);
            showStatus(tr("Created %1.").arg(userText(result.value())));
        }, name);
    });
    dialog->open();
}

void UsersPanel::renameUser()
{
    if (!m_session->user() || refuseIfLocked(tr("rename the user")))
        return;
    auto *dialog = new UsersNameDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setForRename(userText(*m_session->user()), m_session->user()->userName);
    const QString userId = m_session->user()->id;
    connect(dialog, &QDialog::accepted, this, [this, dialog, userId] {
        const std::optional<QString> name = dialog->name();
        if (refuseIfLocked(tr("rename the user")))
            return;
        beginBusy();
        m_client->call<UpdateUserName>(this, [this, userId](const Result<User> &result) {
            endBusy();
            if (!result) {
                showError(result.error());
                return;
            }
            if (m_session->updateUser(result.value())) {
                const User &user = *m_session->user();
                m_ui->userBox->setTitle(tr("User %1").arg(user.displayName()));
                m_ui->userNameValue->setText(user.userName ? *user.userName : tr("(none: signs in without a user name)"));
            }
            showStatus(result->userName ? tr("Renamed user ID %1 to \u201c%2\u201d.").arg(result->id, *result->userName)
                                        : tr("Removed the user name of user ID %1.").arg(result->id));
        }, UserIdentifier::byId(userId), name);
    });
    dialog->open();
}

void UsersPanel::deleteUser()
{
    if (!m_session->user() || refuseIfLocked(tr("delete the user")))
        return;
    const User user = *m_session->user();
    const int count = int(m_model->passkeys().size());
    auto *dialog = new UsersConfirmDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("deleteUserDialog"));
    const QString passkeys = !m_session->passkeysLoaded() ? tr("all their passkeys") : tr("their %1").arg(countOf(count, tr("passkey"), tr("passkeys")));
    dialog->setMessage(tr("Delete user"),
                       tr("<p>Delete <b>%1</b> (user ID %2) and %3?</p><p>They will no longer be able to sign in. "
                          "This cannot be undone.</p>")
                               .arg(user.displayName().toHtmlEscaped(), user.id.toHtmlEscaped(), passkeys),
                       tr("Delete user"));
    // The name they see is the one they type; a usernameless user is confirmed by ID.
    dialog->setRequiredText(user.userName && !user.userName->isEmpty() ? *user.userName : user.id);
    connect(dialog, &QDialog::accepted, this, [this, user] {
        if (refuseIfLocked(tr("delete the user")))
            return;
        beginBusy();
        m_client->call<DeleteUser>(this, [this, user](const Result<Done> &result) {
            endBusy();
            if (!result) {
                showError(result.error());
                return;
            }
            if (m_session->user() && m_session->user()->id == user.id)
                m_session->clear();
            showStatus(tr("Deleted %1 and their passkeys.").arg(userText(user)));
        }, UserIdentifier::byId(user.id));
    });
    dialog->open();
}

void UsersPanel::relabelSelectedPasskey()
{
    const Passkey *selected = selectedPasskey();
    if (!selected || refuseIfLocked(tr("relabel the passkey")))
        return;
    const Passkey passkey = *selected;
    const QString what = tr("the %1 passkey of %2").arg(AaguidCatalog::instance().describe(passkey.aaguid),
                                                         m_session->user() ? m_session->user()->displayName() : passkey.userId);
    auto *dialog = new PasskeyLabelDialog(what, passkey.label, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, passkey] {
        const std::optional<QString> label = dialog->label();
        if (refuseIfLocked(tr("relabel the passkey")))
            return;
        beginBusy();
        m_client->call<SetPasskeyLabel>(this, [this, passkey, label](const Result<Done> &result) {
            endBusy();
            if (!result) {
                showError(result.error());
                return;
            }
            m_model->setLabel(passkey.id, label);
            m_session->relabelPasskey(passkey.id, label);
            showStatus(label ? tr("Labelled passkey %1 \u201c%2\u201d.").arg(passkey.id, *label)
                             : tr("Removed the label of passkey %1.").arg(passkey.id));
        }, passkey.id, label);
    });
    dialog->open();
}

void UsersPanel::deleteSelectedPasskey()
{
    const Passkey *selected = selectedPasskey();
    if (!selected || refuseIfLocked(tr("delete the passkey")))
        return;
    const Passkey passkey = *selected;
    const QString owner = m_session->user() ? userText(*m_session->user()) : tr("user ID %1").arg(passkey.userId);
    const bool last = m_model->passkeys().size() == 1;
    auto *dialog = new UsersConfirmDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("deletePasskeyDialog"));
    QString html = tr("<p>Delete the passkey <b>%1</b> (%2, created %3, last used %4) of <b>%5</b>?</p>"
                      "<p>They will no longer be able to sign in with it. This cannot be undone.</p>")
                           .arg(passkey.labelText().toHtmlEscaped(), AaguidCatalog::instance().describe(passkey.aaguid).toHtmlEscaped(),
                                passkey.createdAt.absoluteText().toHtmlEscaped(),
                                passkey.lastUsedAt.isSet() ? passkey.lastUsedAt.relativeText().toHtmlEscaped() : tr("never"),
                                owner.toHtmlEscaped());
    if (last)
        html += tr("<p><b>This is their only passkey:</b> they cannot sign in with a passkey until they add another.</p>");
    dialog->setMessage(tr("Delete passkey"), html, tr("Delete passkey"));
    connect(dialog, &QDialog::accepted, this, [this, passkey] {
        if (refuseIfLocked(tr("delete the passkey")))
            return;
        beginBusy();
        m_client->call<DeletePasskey>(this, [this, passkey](const Result<Done> &result) {
            endBusy();
            if (!result) {
                showError(result.error());
                return;
            }
            m_model->remove(passkey.id);
            m_session->forgetPasskey(passkey.id);
            updatePasskeySummary();
            updateActions();
            showStatus(tr("Deleted passkey %1 \u201c%2\u201d.").arg(passkey.id, passkey.labelText()));
        }, passkey.id);
    });
    dialog->open();
}

void UsersPanel::beginRegistration()
{
    if (!m_session->user() || refuseIfLocked(tr("begin adding a passkey")))
        return;
    const User user = *m_session->user();
    beginBusy();
    m_client->call<BeginPasskeyRegistration>(this, [this, user](const Result<PasskeyRegistration> &result) {
        endBusy();
        if (!result) {
            showError(result.error());
            return;
        }
        // The token is a secret: keep it out of every exchange recorded from now on.
        m_client->transport()->addSecret(SecretKind::AuthenticationToken, result->authenticationToken.toUtf8());
        auto *dialog = new PasskeyRegistrationDialog(userText(user), result.value(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
        showStatus(tr("Began adding a passkey to %1.").arg(userText(user)));
    }, UserIdentifier::byId(user.id));
}

void UsersPanel::openImport()
{
    if (refuseIfLocked(tr("import users")))
        return;
    auto *dialog = new ImportUsersDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportUsersDialog::importFinished, this, [this](int created) {
        showStatus(tr("Import finished: %1 created.").arg(countOf(created, tr("user"), tr("users"))));
    });
    dialog->open();
}

// ---- messages ----------------------------------------------------------------------------

QString UsersPanel::userText(const User &user) const
{
    if (user.userName && !user.userName->isEmpty())
        return tr("\u201c%1\u201d (ID %2)").arg(*user.userName, user.id);
    return tr("user ID %1").arg(user.id);
}

void UsersPanel::showStatus(const QString &text)
{
    Theme::clearTextTone(m_ui->statusLabel);
    m_ui->statusLabel->setText(text);
    emit statusMessage(text, kStatusTimeoutMs);
}

void UsersPanel::showError(const ApiError &error)
{
    Theme::setTextTone(m_ui->statusLabel, Theme::Tone::Error);
    m_ui->statusLabel->setText(error.message());
    emit statusMessage(error.summary(), kErrorTimeoutMs);
}

void UsersPanel::showRefusal(const QString &text)
{
    Theme::setTextTone(m_ui->statusLabel, Theme::Tone::Error);
    m_ui->statusLabel->setText(text);
    emit statusMessage(text, kErrorTimeoutMs);
}

void UsersPanel::beginBusy()
{
    if (m_busy++ == 0) {
        setCursor(Qt::BusyCursor);
        emit busyChanged(true);
    }
}

void UsersPanel::endBusy()
{
    if (m_busy > 0 && --m_busy == 0) {
        unsetCursor();
        emit busyChanged(false);
    }
}

} // namespace plainkey::gui
