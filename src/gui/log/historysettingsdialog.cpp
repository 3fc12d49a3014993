#include "gui/log/historysettingsdialog.h"

#include "ui_historysettingsdialog.h"

#include <QDir>
#include <QPushButton>

namespace plainkey::gui {

HistorySettingsDialog::HistorySettingsDialog(const QString &path, const HistoryRetention &retention, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::HistorySettingsDialog>())
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("historySettingsDialog"));
    m_ui->introLabel->setText(tr("The console and plainkey-cli record every exchange, redacted (no secret is kept), in %1. "
                                 "What is past these limits is deleted when you press OK, and every hour after.")
                                      .arg(QDir::toNativeSeparators(path)));
    m_ui->maxAgeSpin->setMaximum(HistoryRetention::kLongestAgeDays);
    m_ui->maxSizeSpin->setMaximum(HistoryRetention::kLargestMegabytes);
    m_ui->maxAgeSpin->setValue(retention.maxAgeDays);
    m_ui->maxSizeSpin->setValue(retention.maxMegabytes);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->buttonBox->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        const HistoryRetention defaults;
        m_ui->maxAgeSpin->setValue(defaults.maxAgeDays);
        m_ui->maxSizeSpin->setValue(defaults.maxMegabytes);
    });
}

HistorySettingsDialog::~HistorySettingsDialog() = default;

HistoryRetention HistorySettingsDialog::retention() const
{
    HistoryRetention r;
    r.maxAgeDays = m_ui->maxAgeSpin->value();
    r.maxMegabytes = m_ui->maxSizeSpin->value();
    return r;
}

} // namespace plainkey::gui
