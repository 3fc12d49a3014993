#include "gui/profile/profilebar.h"

#include "core/profile/profilestore.h"
#include "core/profile/secretstore.h"
#include "gui/profile/profiledialog.h"
#include "gui/theme/theme.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QSaveFile>
#include <QToolButton>

#include <utility>

namespace plainkey::gui {

namespace {

//! The combo's data for the demo entry: no profile may have an empty name.
const QString kDemoEntry;

QIcon swatch(const QColor &color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawRoundedRect(QRectF(0, 0, 12, 12), 3, 3);
    return QIcon(pixmap);
}

} // namespace

ProfileBar::ProfileBar(QWidget *parent) : QWidget(parent), m_combo(new QComboBox(this)), m_menuButton(new QToolButton(this))
{
    setObjectName(QStringLiteral("profileBar"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(tr("P&rofile:"), this);
    label->setBuddy(m_combo);
    m_combo->setObjectName(QStringLiteral("profileCombo"));
    m_combo->setAccessibleName(tr("Profile"));
    m_combo->setPlaceholderText(tr("(no profile)"));
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_combo->setMinimumContentsLength(12);
    m_combo->setToolTip(tr("Where requests go: the demo or a saved profile (Ctrl+P)"));
    // The left column is a quarter of a 1024 px window: the button is one glyph wide, so the
    // combo keeps the room to show a whole profile name. The same menu is Connection > Profiles.
    m_menuButton->setObjectName(QStringLiteral("profileMenuButton"));
    m_menuButton->setText(QStringLiteral("\u22EF"));
    m_menuButton->setToolTip(tr("Add, edit, duplicate, remove, import or export profiles"));
    m_menuButton->setAccessibleName(tr("Manage profiles"));
    m_menuButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *menu = new QMenu(tr("&Profiles"), this);
    m_menu = menu;
    menu->addAction(tr("&Add profile\u2026"), this, &ProfileBar::addProfile);
    m_editAction = menu->addAction(tr("&Edit profile\u2026"), this, &ProfileBar::editProfile);
    m_duplicateAction = menu->addAction(tr("&Duplicate profile\u2026"), this, &ProfileBar::duplicateProfile);
    m_removeAction = menu->addAction(tr("&Remove profile\u2026"), this, &ProfileBar::removeProfile);
    menu->addSeparator();
    menu->addAction(tr("&Import profiles\u2026"), this, &ProfileBar::importProfiles);
    menu->addAction(tr("E&xport profiles\u2026"), this, &ProfileBar::exportProfiles);
    // Opened by hand rather than with setMenu(), which would draw an arrow wider than the glyph.
    connect(m_menuButton, &QToolButton::clicked, this, [this] {
        m_menu->popup(m_menuButton->mapToGlobal(QPoint(0, m_menuButton->height())));
    });
    layout->addWidget(label);
    layout->addWidget(m_combo, 1);
    layout->addWidget(m_menuButton);
    connect(m_combo, &QComboBox::activated, this, &ProfileBar::onActivated);
    reload();
}

void ProfileBar::setStores(ProfileStore *store, SecretStore *secrets)
{
    m_store = store;
    m_secrets = secrets;
    reload();
}

void ProfileBar::setTemplateSource(std::function<Credentials()> source)
{
    m_template = std::move(source);
}

QColor ProfileBar::bannerColor(const Profile &profile, const QPalette &palette)
{
    if (profile.kind == Profile::Kind::Production)
        return Theme::banner(Theme::Tone::Error, palette);
    const QColor chosen(profile.color);
    if (!profile.color.isEmpty() && chosen.isValid())
        return chosen;
    switch (profile.kind) {
    case Profile::Kind::Demo: return Theme::banner(Theme::Tone::Demo, palette);
    case Profile::Kind::Local: return Theme::banner(Theme::Tone::Info, palette);
    case Profile::Kind::Staging: return Theme::banner(Theme::Tone::Warning, palette);
    case Profile::Kind::Production: break;
    }
    return Theme::banner(Theme::Tone::Error, palette);
}

void ProfileBar::reload()
{
    const QString keep = current();
    const bool demo = m_combo->currentIndex() == 0;
    m_combo->clear();
    m_combo->addItem(swatch(Theme::banner(Theme::Tone::Demo, palette())), tr("Demo (emulator)"), kDemoEntry);
    if (m_store) {
        for (const Profile &p : m_store->profiles())
            m_combo->addItem(swatch(bannerColor(p, palette())), tr("%1 (%2)").arg(p.name, Profile::kindName(p.kind)), p.name);
    }
    if (demo)
        setDemoCurrent();
    else
        setCurrent(keep);
    updateActions();
}

void ProfileBar::setCurrent(const QString &name)
{
    const int index = name.isEmpty() ? -1 : m_combo->findData(name);
    m_combo->setCurrentIndex(index > 0 ? index : -1);
    updateActions();
}

void ProfileBar::setDemoCurrent()
{
    m_combo->setCurrentIndex(0);
    updateActions();
}

QString ProfileBar::current() const
{
    return m_combo->currentIndex() > 0 ? m_combo->currentData().toString() : QString();
}

void ProfileBar::updateActions()
{
    const bool haveProfile = !current().isEmpty();
    m_editAction->setEnabled(haveProfile);
    m_duplicateAction->setEnabled(haveProfile);
    m_removeAction->setEnabled(haveProfile);
    m_menuButton->setEnabled(m_store != nullptr);
    m_menu->setEnabled(m_store != nullptr);
}

void ProfileBar::popup()
{
    m_combo->setFocus(Qt::ShortcutFocusReason);
    m_combo->showPopup();
}

void ProfileBar::onActivated(int index)
{
    updateActions();
    if (index == 0)
        emit demoChosen();
    else if (index > 0)
        emit profileChosen(m_combo->itemData(index).toString());
}

void ProfileBar::notify(const QString &text, int timeoutMs)
{
    if (m_notice.isEmpty()) {
        emit statusMessage(text, timeoutMs);
        return;
    }
    emit statusMessage(text + QLatin1Char(' ') + std::exchange(m_notice, {}), 0);
}

bool ProfileBar::saveStore()
{
    if (m_store->save())
        return true;
    if (m_store->isDamaged()) {
        // Never over the user's file unasked: it is kept, renamed, for them to repair or delete.
        const auto answer = QMessageBox::question(this, tr("Profiles file damaged"),
                                                  m_store->errorString() + QStringLiteral("\n\n")
                                                          + tr("Move the damaged file aside (renamed, not deleted) and save this change in a new one?"),
                                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer == QMessageBox::Yes) {
            const QList<Profile> pending = m_store->profiles();
            const QString aside = m_store->moveDamagedAside();
            if (!aside.isEmpty()) {
                for (const Profile &p : pending)
                    m_store->put(p);
                if (m_store->save()) {
                    // Said with whatever the change itself reports next, so neither hides the other.
                    m_notice = tr("The damaged profiles file was moved to %1; a new one was started.").arg(aside);
                    return true;
                }
            }
        }
    }
    QMessageBox::warning(this, tr("Profiles not saved"), m_store->errorString());
    m_store->load();
    reload();
    return false;
}

void ProfileBar::addProfile()
{
    if (!m_store)
        return;
    Profile p;
    if (m_template) {
        const Credentials c = m_template();
        p.baseUrl = c.baseUrl;
        p.projectId = c.projectId;
    }
    p.kind = Profile::guessKind(p.baseUrl);
    openDialog(p, QString());
}

void ProfileBar::editProfile()
{
    const auto p = m_store ? m_store->find(current()) : std::nullopt;
    if (p)
        openDialog(*p, p->name);
}

void ProfileBar::duplicateProfile()
{
    auto p = m_store ? m_store->find(current()) : std::nullopt;
    if (!p)
        return;
    const QString from = p->name;
    p->name = m_store->freeName(from);
    if (!m_store->put(*p) || !saveStore()) {
        notify(m_store->errorString(), 8000);
        return;
    }
    copySecret(from, p->name, false);
    reload();
    notify(tr("Profile \u201c%1\u201d is a copy of \u201c%2\u201d: edit it from the Profiles menu.").arg(p->name, from), 6000);
}

void ProfileBar::removeProfile()
{
    const QString name = current();
    if (!m_store || name.isEmpty())
        return;
    const auto answer = QMessageBox::question(this, tr("Remove profile"),
                                              tr("Remove the profile \u201c%1\u201d and its client secret in the system keychain?").arg(name),
                                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    m_store->remove(name);
    if (!saveStore())
        return;
    if (m_secrets)
        m_secrets->remove(Profile::secretKey(name), this, [this, name](const SecretStore::Outcome &o) {
            if (!o.ok)
                notify(tr("Profile \u201c%1\u201d was removed, but not its secret: %2").arg(name, o.message), 10000);
        });
    reload();
    emit profileRemoved(name);
    notify(tr("Removed profile \u201c%1\u201d.").arg(name), 5000);
}

void ProfileBar::openDialog(const Profile &initial, const QString &replacing)
{
    auto *dialog = new ProfileDialog(this);
    dialog->setObjectName(QStringLiteral("profileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(replacing.isEmpty() ? tr("Add profile") : tr("Edit profile \u201c%1\u201d").arg(replacing));
    dialog->setProfile(initial);
    QStringList taken = m_store->names();
    taken.removeAll(replacing);
    dialog->setTakenNames(taken);
    connect(dialog, &QDialog::accepted, this, [this, dialog, replacing] {
        const Profile p = dialog->profile();
        const QString secret = dialog->secret();
        if (!m_store->put(p, replacing)) {
            notify(m_store->errorString(), 8000);
            return;
        }
        if (!saveStore())
            return;
        if (!replacing.isEmpty() && replacing != p.name)
            copySecret(replacing, p.name, true); // the secret follows a renamed profile
        if (!secret.isEmpty())
            saveSecret(p.name, secret);
        reload();
        if (replacing.isEmpty()) {
            notify(tr("Added profile \u201c%1\u201d.").arg(p.name), 5000);
        } else {
            emit profileEdited(replacing, p);
            notify(tr("Saved profile \u201c%1\u201d.").arg(p.name), 5000);
        }
    });
    dialog->open();
}

void ProfileBar::saveSecret(const QString &name, const QString &secret)
{
    if (!m_secrets) {
        notify(tr("No system keychain: the client secret of \u201c%1\u201d was not saved. Enter it when you connect.").arg(name), 10000);
        emit secretSaved(name, false);
        return;
    }
    m_secrets->write(Profile::secretKey(name), secret, this, [this, name](const SecretStore::Outcome &o) {
        notify(o.ok ? tr("The client secret of \u201c%1\u201d is saved in the system keychain.").arg(name) : o.message,
                           o.ok ? 5000 : 10000);
        emit secretSaved(name, o.ok);
    });
}

void ProfileBar::copySecret(const QString &from, const QString &to, bool removeSource)
{
    if (!m_secrets)
        return;
    const QPointer<SecretStore> secrets = m_secrets;
    m_secrets->read(Profile::secretKey(from), this, [this, secrets, from, to, removeSource](const std::optional<QString> &secret,
                                                                                              const SecretStore::Outcome &) {
        if (!secret || !secrets)
            return;
        secrets->write(Profile::secretKey(to), *secret, this, [this, secrets, from, removeSource](const SecretStore::Outcome &o) {
            if (o.ok && removeSource && secrets)
                secrets->remove(Profile::secretKey(from), this, [](const SecretStore::Outcome &) {});
            else if (!o.ok)
                notify(o.message, 10000);
        });
    });
}

void ProfileBar::importProfiles()
{
    if (!m_store)
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Import profiles"), QString(), tr("Profiles (*.json)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        notify(tr("Could not read %1: %2").arg(path, file.errorString()), 0);
        return;
    }
    QStringList notes;
    QString error;
    const auto imported = ProfileStore::parseImport(file.read(4 * 1024 * 1024 + 1), &notes, &error);
    if (!imported) {
        QMessageBox::warning(this, tr("Profiles not imported"), tr("%1: %2. Nothing was imported.").arg(path, error));
        return;
    }
    int added = 0;
    for (Profile p : *imported) {
        p.name = m_store->freeName(p.name); // never replaces a profile already here
        added += m_store->put(p) ? 1 : 0;
    }
    if (!saveStore())
        return;
    reload();
    QString text = tr("Imported %n profile(s). Secrets are never imported: enter each one when you connect.", nullptr, added);
    if (!notes.isEmpty())
        text += QStringLiteral("\n\n") + notes.join(QLatin1Char('\n'));
    QMessageBox::information(this, tr("Profiles imported"), text);
}

void ProfileBar::exportProfiles()
{
    if (!m_store || m_store->profiles().isEmpty()) {
        notify(tr("There are no profiles to export."), 4000);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export profiles"), QStringLiteral("plainkey-profiles.json"), tr("Profiles (*.json)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    const QByteArray json = m_store->exportJson();
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
        notify(tr("Could not write %1: %2").arg(path, file.errorString()), 0);
        return;
    }
    notify(tr("Exported %n profile(s) to %1 (no secrets).", nullptr, int(m_store->profiles().size())).arg(path), 6000);
}

} // namespace plainkey::gui
