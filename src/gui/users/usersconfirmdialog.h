#pragma once

#include <QDialog>

#include <memory>

class QPushButton;

namespace Ui {
class UsersConfirmDialog;
}

namespace plainkey::gui {

//! Asks before a destructive action: says what goes, and can require typing a name to go on.
class UsersConfirmDialog : public QDialog
{
    Q_OBJECT
public:
    explicit UsersConfirmDialog(QWidget *parent = nullptr);
    ~UsersConfirmDialog() override;

    //! \a html names exactly what will be changed; \a acceptText labels the button ("Delete user").
    void setMessage(const QString &title, const QString &html, const QString &acceptText);
    //! The text the person must type to enable the button; empty: none needed.
    void setRequiredText(const QString &text);
    QPushButton *acceptButton() const;

private:
    void updateButton();

    std::unique_ptr<Ui::UsersConfirmDialog> m_ui;
    QString m_required;
};

} // namespace plainkey::gui
