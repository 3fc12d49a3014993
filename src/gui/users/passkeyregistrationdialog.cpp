#include "gui/users/passkeyregistrationdialog.h"

#include "gui/clipboard/secretclipboard.h"
#include "core/log/redactor.h"
#include "ui_passkeyregistrationdialog.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLabel>

namespace plainkey::gui {

PasskeyRegistrationDialog::PasskeyRegistrationDialog(const QString &who, const PasskeyRegistration &registration, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::PasskeyRegistrationDialog>())
{
    m_ui->setupUi(this);
    m_ui->introLabel->setText(tr("PlainKey began adding a passkey to <b>%1</b>. Hand the options to the browser's "
                                 "<code>navigator.credentials.create()</code>; the token completes the registration. "
                                 "Nothing changes until a passkey is created with them.")
                                      .arg(who.toHtmlEscaped()));
    for (const auto &item : registration.summary) {
        auto *value = new QLabel(item.second, m_ui->summaryWidget);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        m_ui->summaryLayout->addRow(item.first + QLatin1Char(':'), value);
    }
    m_ui->optionsEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_ui->optionsEdit->setPlainText(registration.optionsJson);
    m_ui->tokenEdit->setText(registration.authenticationToken);
    m_ui->tokenEdit->setToolTip(tr("Fingerprint #%1").arg(QString::fromLatin1(Redactor::fingerprint(registration.authenticationToken.toUtf8()))));
    connect(m_ui->showTokenButton, &QPushButton::toggled, this, [this](bool show) {
        m_ui->tokenEdit->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password);
        m_ui->showTokenButton->setText(show ? tr("Hide") : tr("Show"));
    });
    connect(m_ui->copyTokenButton, &QPushButton::clicked, this, [this] {
        SecretClipboard::copy(m_ui->tokenEdit->text());
    });
    connect(m_ui->copyOptionsButton, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_ui->optionsEdit->toPlainText());
    });
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
}

PasskeyRegistrationDialog::~PasskeyRegistrationDialog() = default;

} // namespace plainkey::gui
