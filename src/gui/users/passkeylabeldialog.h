#pragma once

#include <QDialog>

#include <memory>
#include <optional>

namespace Ui {
class PasskeyLabelDialog;
}

namespace plainkey::gui {

//! Asks for a passkey's new label, or to remove it.
class PasskeyLabelDialog : public QDialog
{
    Q_OBJECT
public:
    //! \a what describes the passkey ("the iCloud Keychain passkey of ada@example.com").
    PasskeyLabelDialog(const QString &what, const std::optional<QString> &current, QWidget *parent = nullptr);
    ~PasskeyLabelDialog() override;

    //! The label entered (trimmed), or nullopt to remove it.
    std::optional<QString> label() const;

private:
    void validate();

    std::unique_ptr<Ui::PasskeyLabelDialog> m_ui;
    std::optional<QString> m_current;
};

} // namespace plainkey::gui
