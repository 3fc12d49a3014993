#pragma once

#include "core/api/credentials.h"
#include "core/profile/profile.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QComboBox;
class QMenu;
class QToolButton;

namespace plainkey {
class ProfileStore;
class SecretStore;
}

namespace plainkey::gui {

//! The profile switcher: a combo with the demo and every saved profile, and a menu to add, edit,
//! duplicate, remove, import and export profiles. Changes are saved to the ProfileStore at
//! once; a secret typed in the profile dialog goes to the keychain, never to the file.
class ProfileBar : public QWidget
{
    Q_OBJECT
public:
    explicit ProfileBar(QWidget *parent = nullptr);

    //! The store it shows and changes, and the keychain for the profiles' secrets (may be
    //! null). Neither is owned.
    void setStores(ProfileStore *store, SecretStore *secrets);
    //! Where "Add…" takes its first values from (the connection form).
    void setTemplateSource(std::function<Credentials()> source);
    //! Fills the combo again from the store, keeping the current choice.
    void reload();
    //! Shows \a name as the current profile (empty: none), without emitting profileChosen.
    void setCurrent(const QString &name);
    //! Shows the demo as current, without emitting demoChosen.
    void setDemoCurrent();
    QString current() const;
    QComboBox *combo() const { return m_combo; }
    //! Add, edit, duplicate, remove, import, export: behind the bar's \u22EF button, and for the menu bar.
    QMenu *menu() const { return m_menu; }

    //! The banner colour of \a profile: production is always the error red, whatever colour it has.
    static QColor bannerColor(const Profile &profile, const QPalette &palette);

public slots:
    //! Puts the keyboard focus on the switcher and opens its list (Ctrl+P).
    void popup();
    void addProfile();
    void editProfile();
    void duplicateProfile();
    void removeProfile();
    void importProfiles();
    void exportProfiles();

signals:
    void profileChosen(const QString &name);
    void demoChosen();
    //! The profile named \a oldName was saved as \a profile (its name may have changed).
    void profileEdited(const QString &oldName, const plainkey::Profile &profile);
    //! A secret typed in the profile dialog for \a name reached the keychain (or failed: \a ok).
    void secretSaved(const QString &name, bool ok);
    void profileRemoved(const QString &name);
    void statusMessage(const QString &text, int timeoutMs);

private:
    void onActivated(int index);
    void openDialog(const Profile &initial, const QString &replacing);
    void saveSecret(const QString &name, const QString &secret);
    void copySecret(const QString &from, const QString &to, bool removeSource);
    bool saveStore();
    //! Emits statusMessage, with a notice saveStore() left for the next message, if any.
    void notify(const QString &text, int timeoutMs);
    void updateActions();

    QComboBox *m_combo;
    QToolButton *m_menuButton;
    QMenu *m_menu = nullptr;
    QAction *m_editAction = nullptr;
    QAction *m_duplicateAction = nullptr;
    QAction *m_removeAction = nullptr;
    ProfileStore *m_store = nullptr;
    QPointer<SecretStore> m_secrets;
    std::function<Credentials()> m_template;
    QString m_notice;
};

} // namespace plainkey::gui
