#pragma once

#include "core/profile/profile.h"

#include <QDialog>
#include <QStringList>

#include <memory>

namespace Ui {
class ProfileDialog;
}

namespace plainkey::gui {

//! Adds or edits one profile: name, base URL, project ID, kind, colour, and optionally a new
//! client secret for the keychain. Save stays refused while the profile has problems.
class ProfileDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ProfileDialog(QWidget *parent = nullptr);
    ~ProfileDialog() override;

    //! Fills the form with \a profile.
    void setProfile(const Profile &profile);
    //! What the form holds now.
    Profile profile() const;
    //! A new client secret typed in the form; empty: keep the keychain's.
    QString secret() const;
    //! Names other profiles have already (a new name must be none of these).
    void setTakenNames(const QStringList &names);
    //! The profile's problems as the form shows them; empty when it can be saved.
    QStringList problems() const;

    void accept() override;

private:
    void showProblems();

    std::unique_ptr<Ui::ProfileDialog> ui;
    QStringList m_taken;
};

} // namespace plainkey::gui
