#include "gui/users/passkeylabeldialog.h"

#include "ui_passkeylabeldialog.h"

#include <QPushButton>

namespace plainkey::gui {

PasskeyLabelDialog::PasskeyLabelDialog(const QString &what, const std::optional<QString> &current, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::PasskeyLabelDialog>()), m_current(current)
{
    m_ui->setupUi(this);
    m_ui->introLabel->setText(tr("New label for %1:").arg(what));
    m_ui->labelEdit->setText(current.value_or(QString()));
    m_ui->labelEdit->selectAll();
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("Set label"));
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->labelEdit, &QLineEdit::textChanged, this, &PasskeyLabelDialog::validate);
    connect(m_ui->clearCheck, &QCheckBox::toggled, this, [this](bool on) {
        m_ui->labelEdit->setEnabled(!on);
        m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(on ? tr("Remove label") : tr("Set label"));
        validate();
    });
    validate();
}

PasskeyLabelDialog::~PasskeyLabelDialog() = default;

std::optional<QString> PasskeyLabelDialog::label() const
{
    if (m_ui->clearCheck->isChecked())
        return std::nullopt;
    return m_ui->labelEdit->text().trimmed();
}

void PasskeyLabelDialog::validate()
{
    const auto l = label();
    const bool ok = (!l || !l->isEmpty()) && l != m_current;
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

} // namespace plainkey::gui
