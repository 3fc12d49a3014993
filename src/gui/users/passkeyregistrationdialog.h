#pragma once

#include "core/users/passkeyops.h"

#include <QDialog>

#include <memory>

namespace Ui {
class PasskeyRegistrationDialog;
}

namespace plainkey::gui {

//! Shows what "begin adding a passkey" returned: the options' main points, the options as
//! JSON, and the authentication token, hidden until the person asks to see or copy it.
class PasskeyRegistrationDialog : public QDialog
{
    Q_OBJECT
public:
    PasskeyRegistrationDialog(const QString &who, const PasskeyRegistration &registration, QWidget *parent = nullptr);
    ~PasskeyRegistrationDialog() override;

private:
    std::unique_ptr<Ui::PasskeyRegistrationDialog> m_ui;
};

} // namespace plainkey::gui
