#pragma once

#include <QDialog>

#include <memory>
#include <optional>

namespace Ui {
class UsersNameDialog;
}

namespace plainkey::gui {

//! Asks for a user name to create a user with or to rename one to; "no user name" is a choice.
class UsersNameDialog : public QDialog
{
    Q_OBJECT
public:
    explicit UsersNameDialog(QWidget *parent = nullptr);
    ~UsersNameDialog() override;

    //! For a new user.
    void setForCreate();
    //! For renaming the user described by \a who, whose name is now \a current.
    void setForRename(const QString &who, const std::optional<QString> &current);

    //! The name entered (trimmed), or nullopt for "no user name".
    std::optional<QString> name() const;

private:
    void validate();

    std::unique_ptr<Ui::UsersNameDialog> m_ui;
    std::optional<QString> m_current;
    bool m_rename = false;
};

} // namespace plainkey::gui
