#include "gui/bundle/supportbundledialog.h"
#include "ui_supportbundledialog.h"

#include "core/log/redactor.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPushButton>
#include <QSaveFile>
#include <QStandardPaths>
#include <QtConcurrent>

namespace plainkey::gui {

SupportBundleDialog::SupportBundleDialog(QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::SupportBundleDialog>()), m_watcher(new QFutureWatcher<QByteArray>(this))
{
    m_ui->setupUi(this);
    m_ui->progressBar->setVisible(false);
    m_ui->statusLabel->setVisible(false);
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QDir(folder).exists())
        folder = QDir::homePath();
    m_ui->pathEdit->setText(QDir(folder).filePath(SupportBundle::suggestedFileName()));
    connect(m_ui->browseButton, &QPushButton::clicked, this, &SupportBundleDialog::browse);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &SupportBundleDialog::save);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->pathEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_ui->buttonBox->button(QDialogButtonBox::Save)->setEnabled(!text.trimmed().isEmpty() && !isWriting());
    });
    connect(m_watcher, &QFutureWatcher<QByteArray>::finished, this, &SupportBundleDialog::finishWrite);
}

SupportBundleDialog::~SupportBundleDialog()
{
    // The worker reads m_content and m_redactor: it must be done before they go.
    m_watcher->waitForFinished();
}

void SupportBundleDialog::setContent(const SupportBundleContent &content, std::shared_ptr<const Redactor> redactor)
{
    m_content = content;
    m_redactor = std::move(redactor);
    m_content.redactor = m_redactor.get();
}

QString SupportBundleDialog::path() const
{
    return m_ui->pathEdit->text().trimmed();
}

void SupportBundleDialog::setPath(const QString &path)
{
    m_ui->pathEdit->setText(path);
}

bool SupportBundleDialog::maskPersonalData() const
{
    return m_ui->maskCheck->isChecked();
}

void SupportBundleDialog::setMaskPersonalData(bool mask)
{
    m_ui->maskCheck->setChecked(mask);
}

QString SupportBundleDialog::errorText() const
{
    return m_ui->statusLabel->isVisibleTo(this) ? m_ui->statusLabel->text() : QString();
}

bool SupportBundleDialog::isWriting() const
{
    return m_writing;
}

void SupportBundleDialog::browse()
{
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Save support bundle"), path(), tr("Support bundle (*.html)"));
    if (!chosen.isEmpty())
        setPath(chosen);
}

void SupportBundleDialog::save()
{
    if (isWriting())
        return;
    const QString target = path();
    if (target.isEmpty()) {
        showError(tr("Choose where to save the support bundle."));
        return;
    }
    m_writingPath = target;
    m_content.maskPersonalData = maskPersonalData();
    setWriting(true);
    // Masking and formatting a long session takes a while: off the GUI thread, which keeps
    // painting the progress bar. The content is copied; the worker touches nothing else.
    const SupportBundleContent content = m_content;
    const auto redactor = m_redactor;
    m_watcher->setFuture(QtConcurrent::run([content, redactor] { return SupportBundle::toHtml(content); }));
}

void SupportBundleDialog::finishWrite()
{
    const QByteArray html = m_watcher->result();
    QSaveFile file(m_writingPath);
    QString error;
    bool ok = file.open(QIODevice::WriteOnly);
    if (ok) {
        ok = file.write(html) == html.size();
        if (ok)
            ok = file.commit();
        else
            file.cancelWriting();
    }
    setWriting(false);
    if (!ok) {
        const QFileInfo info(m_writingPath);
        QString why = file.errorString();
        if (!info.absoluteDir().exists())
            why = tr("the folder %1 does not exist").arg(QDir::toNativeSeparators(info.absolutePath()));
        showError(tr("Could not save the support bundle to %1: %2. Choose another place (Choose…) and save again; "
                     "nothing was written.")
                          .arg(QDir::toNativeSeparators(m_writingPath), why));
        return;
    }
    emit saved(m_writingPath, int(m_content.exchanges.size()), m_content.maskPersonalData);
    accept();
}

void SupportBundleDialog::setWriting(bool writing)
{
    m_writing = writing;
    m_ui->progressBar->setVisible(writing);
    m_ui->pathEdit->setEnabled(!writing);
    m_ui->browseButton->setEnabled(!writing);
    m_ui->maskCheck->setEnabled(!writing);
    m_ui->buttonBox->button(QDialogButtonBox::Save)->setEnabled(!writing);
    if (writing) {
        m_ui->statusLabel->setText(tr("Writing the support bundle (%n exchange(s))…", nullptr, int(m_content.exchanges.size())));
        m_ui->statusLabel->setVisible(true);
    } else {
        m_ui->statusLabel->setVisible(false);
    }
}

void SupportBundleDialog::showError(const QString &text)
{
    m_ui->statusLabel->setText(text);
    m_ui->statusLabel->setVisible(true);
    m_ui->pathEdit->setFocus();
}

} // namespace plainkey::gui
