#include "gui/users/usersnamedialog.h"

#include "ui_usersnamedialog.h"

#include <QPushButton>

namespace plainkey::gui {

UsersNameDialog::UsersNameDialog(QWidget *parent) : QDialog(parent), m_ui(std::make_unique<Ui::UsersNameDialog>())
{
    m_ui->setupUi(this);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->nameEdit, &QLineEdit::textChanged, this, &UsersNameDialog::validate);
    connect(m_ui->noNameCheck, &QCheckBox::toggled, this, [this](bool on) {
        m_ui->nameEdit->setEnabled(!on);
        validate();
    });
    setForCreate();
}

UsersNameDialog::~UsersNameDialog() = default;

void UsersNameDialog::setForCreate()
{
    m_rename = false;
    m_current.reset();
    setWindowTitle(tr("New user"));
    m_ui->introLabel->setText(tr("Create a PlainKey user. Passkeys are added to the user afterwards (Add passkey)."));
    m_ui->noNameCheck->setText(tr("No user name (the user signs in without one)"));
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("Create user"));
    validate();
}

void UsersNameDialog::setForRename(const QString &who, const std::optional<QString> &current)
{
    m_rename = true;
    m_current = current;
    setWindowTitle(tr("Rename user"));
    m_ui->introLabel->setText(tr("New user name for %1:").arg(who));
    m_ui->nameEdit->setText(current.value_or(QString()));
    m_ui->nameEdit->selectAll();
    m_ui->noNameCheck->setText(tr("Remove the user name (the user signs in without one)"));
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("Rename"));
    validate();
}

std::optional<QString> UsersNameDialog::name() const
{
    if (m_ui->noNameCheck->isChecked())
        return std::nullopt;
    return m_ui->nameEdit->text().trimmed();
}

void UsersNameDialog::validate()
{
    QString problem;
    const std::optional<QString> n = name();
    if (n && n->isEmpty())
        problem = tr("Enter a user name, or tick \u201cno user name\u201d.");
    else if (m_rename && n == m_current)
        problem = m_current ? tr("That is the current name.") : tr("The user has no name already.");
    m_ui->problemLabel->setText(problem);
    m_ui->problemLabel->setVisible(!problem.isEmpty() && !(n && n->isEmpty() && m_ui->nameEdit->text().isEmpty()));
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace plainkey::gui
