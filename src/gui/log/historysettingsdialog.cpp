#include "gui/log/historysettingsdialog.h"

#include "ui_historysettingsdialog.h"

#include <QDir>
#include <QPushButton>

namespace plainkey::gui {

HistorySettingsDialog::HistorySettingsDialog(const QString &path, int maxAgeDays, int maxMegabytes, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::HistorySettingsDialog>())
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("historySettingsDialog"));
    m_ui->introLabel->setText(tr("The console and plainkey-cli record every exchange, redacted (no secret is kept), in %1. "
                                 "What is past these limits is deleted when you press OK, and every hour after.")
                                      .arg(QDir::toNativeSeparators(path)));
    m_ui->maxAgeSpin->setValue(maxAgeDays);
    m_ui->maxSizeSpin->setValue(maxMegabytes);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->buttonBox->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        m_ui->maxAgeSpin->setValue(kDefaultMaxAgeDays);
        m_ui->maxSizeSpin->setValue(kDefaultMaxMegabytes);
    });
}

HistorySettingsDialog::~HistorySettingsDialog() = default;

int HistorySettingsDialog::maxAgeDays() const
{
    return m_ui->maxAgeSpin->value();
}

int HistorySettingsDialog::maxMegabytes() const
{
    return m_ui->maxSizeSpin->value();
}

} // namespace plainkey::gui
