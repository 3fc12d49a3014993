#include "gui/users/usersconfirmdialog.h"

#include "ui_usersconfirmdialog.h"

#include <QPushButton>

namespace plainkey::gui {

UsersConfirmDialog::UsersConfirmDialog(QWidget *parent) : QDialog(parent), m_ui(std::make_unique<Ui::UsersConfirmDialog>())
{
    m_ui->setupUi(this);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->confirmEdit, &QLineEdit::textChanged, this, &UsersConfirmDialog::updateButton);
    // A destructive default is one Enter away from an accident: Cancel is the default.
    acceptButton()->setAutoDefault(false);
    m_ui->buttonBox->button(QDialogButtonBox::Cancel)->setDefault(true);
    setRequiredText({});
}

UsersConfirmDialog::~UsersConfirmDialog() = default;

void UsersConfirmDialog::setMessage(const QString &title, const QString &html, const QString &acceptText)
{
    setWindowTitle(title);
    m_ui->messageLabel->setText(html);
    acceptButton()->setText(acceptText);
}

void UsersConfirmDialog::setRequiredText(const QString &text)
{
    m_required = text;
    m_ui->typeLabel->setVisible(!text.isEmpty());
    m_ui->confirmEdit->setVisible(!text.isEmpty());
    m_ui->typeLabel->setText(tr("Type \u201c%1\u201d to confirm:").arg(text));
    m_ui->confirmEdit->clear();
    // Keyboard focus never starts on the destructive button, where Space would press it.
    if (!text.isEmpty())
        m_ui->confirmEdit->setFocus();
    else
        m_ui->buttonBox->button(QDialogButtonBox::Cancel)->setFocus();
    updateButton();
}

QPushButton *UsersConfirmDialog::acceptButton() const
{
    return m_ui->buttonBox->button(QDialogButtonBox::Ok);
}

void UsersConfirmDialog::updateButton()
{
    acceptButton()->setEnabled(m_required.isEmpty() || m_ui->confirmEdit->text().trimmed() == m_required);
}

} // namespace plainkey::gui
