#include "gui/users/importusersdialog.h"

#include "gui/users/importrowmodel.h"
#include "core/users/userimporter.h"
#include "ui_importusersdialog.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QtConcurrent/QtConcurrentRun>

namespace plainkey::gui {

namespace {

//! Shows rows by status: all, problems (failed, not sent, uncertain) or created.
class ImportFilterModel : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setMode(int mode)
    {
        m_mode = mode;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        if (m_mode == 0)
            return true;
        const auto status = ImportRow::Status(sourceModel()->index(row, 0, parent).data(ImportRowModel::StatusRole).toInt());
        if (m_mode == 2)
            return status == ImportRow::Status::Created;
        return status == ImportRow::Status::Failed || status == ImportRow::Status::Invalid || status == ImportRow::Status::Uncertain;
    }

private:
    int m_mode = 0;
};

} // namespace

ImportUsersDialog::ImportUsersDialog(PlainKeyClient *client, QWidget *parent)
    : QDialog(parent),
      m_ui(std::make_unique<Ui::ImportUsersDialog>()),
      m_importer(new UserImporter(client, this)),
      m_model(new ImportRowModel(this)),
      m_proxy(new ImportFilterModel(this))
{
    m_ui->setupUi(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ImportRowModel::SortRole);
    m_ui->rowsView->setModel(m_proxy);
    // Fixed widths: sizing to contents would measure every one of 10,000 rows on each change.
    QHeaderView *header = m_ui->rowsView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->resizeSection(ImportRowModel::Line, 60);
    header->resizeSection(ImportRowModel::UserName, 240);
    header->resizeSection(ImportRowModel::Status, 90);
    m_ui->rowsView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_ui->rowsView->sortByColumn(ImportRowModel::Line, Qt::AscendingOrder);

    connect(m_ui->chooseFileButton, &QPushButton::clicked, this, &ImportUsersDialog::chooseFile);
    connect(m_ui->importButton, &QPushButton::clicked, this, &ImportUsersDialog::startImport);
    connect(m_ui->cancelImportButton, &QPushButton::clicked, m_importer, &UserImporter::cancel);
    connect(m_ui->saveReportButton, &QPushButton::clicked, this, &ImportUsersDialog::saveReport);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &ImportUsersDialog::reject);
    connect(m_ui->filterCombo, &QComboBox::currentIndexChanged, this, &ImportUsersDialog::applyFilter);
    connect(m_importer, &UserImporter::progressChanged, this, &ImportUsersDialog::onProgress);
    connect(m_importer, &UserImporter::rowsChanged, this, [this](int first, int last) {
        m_model->updateRows(m_importer->rows(), first, last);
    });
    connect(m_importer, &UserImporter::finished, this, &ImportUsersDialog::onFinished);
    m_ui->progressBar->setRange(0, 1);
    m_ui->progressBar->setValue(0);
    updateCounts();
    updateButtons();
}

ImportUsersDialog::~ImportUsersDialog() = default;

void ImportUsersDialog::chooseFile()
{
    auto *dialog = new QFileDialog(this, tr("Import users from"), QString(),
                                   tr("Name lists (*.csv *.tsv *.txt);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) { loadFile(path); });
    dialog->open();
}

bool ImportUsersDialog::loadFile(const QString &path)
{
    if (m_importer->isRunning() || m_loading)
        return false;
    m_loading = true;
    const QString name = QFileInfo(path).fileName();
    m_ui->statusLabel->setText(tr("Reading %1\u2026").arg(name));
    updateButtons();
    // Reading and parsing touch no widget and no QObject: only the path goes in and the plain
    // list comes out. The watcher is the dialog's child, so a result after close is dropped.
    auto *watcher = new QFutureWatcher<UserImportList>(this);
    connect(watcher, &QFutureWatcher<UserImportList>::finished, this, [this, watcher, name] {
        const UserImportList list = watcher->result();
        watcher->deleteLater();
        m_loading = false;
        showList(list, name);
        emit listLoaded(list.ok());
    });
    watcher->setFuture(QtConcurrent::run([path] { return UserImportList::load(path); }));
    return true;
}

bool ImportUsersDialog::loadData(const QByteArray &data, const QString &name)
{
    if (m_importer->isRunning())
        return false;
    const UserImportList list = UserImportList::parse(data, name);
    showList(list, name);
    return list.ok();
}

void ImportUsersDialog::showList(const UserImportList &list, const QString &source)
{
    m_started = false;
    if (!list.ok()) {
        m_loaded = false;
        m_model->setRows({});
        m_ui->fileLabel->setText(tr("<b>%1</b> cannot be imported: %2.").arg(source.toHtmlEscaped(), list.error.toHtmlEscaped()));
        m_ui->noticesLabel->clear();
        updateCounts();
        updateButtons();
        return;
    }
    m_loaded = true;
    m_model->setRows(list.rows);
    m_ui->fileLabel->setText(tr("<b>%1</b>: %2 names, read as %3.").arg(source.toHtmlEscaped()).arg(list.rows.size()).arg(list.format.toHtmlEscaped()));
    m_ui->noticesLabel->setText(list.notices.join(QLatin1Char(' ')));
    m_ui->progressBar->setRange(0, int(list.rows.size()));
    m_ui->progressBar->setValue(0);
    m_ui->statusLabel->setText(m_changesAllowed
                                       ? tr("Check the preview, then Import. Rows marked \u201cnot sent\u201d are skipped.")
                                       : tr("Changes are locked: this is a production profile. Unlock changes in the Users tab to import."));
    updateCounts();
    updateButtons();
}

void ImportUsersDialog::setChangesAllowed(bool allowed)
{
    if (allowed == m_changesAllowed)
        return;
    m_changesAllowed = allowed;
    if (m_loaded && !m_started)
        m_ui->statusLabel->setText(allowed ? tr("Check the preview, then Import. Rows marked \u201cnot sent\u201d are skipped.")
                                           : tr("Changes are locked: this is a production profile. Unlock changes in the Users tab to import."));
    updateButtons();
}

void ImportUsersDialog::startImport()
{
    if (!m_loaded || m_started || m_importer->isRunning() || !m_changesAllowed)
        return;
    m_started = true;
    m_ui->statusLabel->setText(tr("Importing\u2026"));
    m_importer->start(m_model->rows());
    updateButtons();
}

void ImportUsersDialog::onProgress(int processed, int total)
{
    m_ui->progressBar->setRange(0, std::max(total, 1));
    m_ui->progressBar->setValue(processed);
    updateCounts();
    if (m_importer->isRunning())
        m_ui->statusLabel->setText(tr("Importing: %1 of %2 done.").arg(processed).arg(total));
}

void ImportUsersDialog::onFinished()
{
    const int created = m_importer->count(ImportRow::Status::Created);
    const int problems = m_importer->total() - created;
    QString text = tr("Created %1 of %2 users in %3 s.").arg(created).arg(m_importer->total()).arg(m_importer->elapsedMs() / 1000.0, 0, 'f', 1);
    if (m_importer->stopReason())
        text += QLatin1Char(' ') + tr("The import stopped early: %1").arg(m_importer->stopReason().message());
    else if (problems)
        text += QLatin1Char(' ')
                + (problems == 1 ? tr("1 row was not created: choose \u201cProblems only\u201d to see why.")
                                 : tr("%1 rows were not created: choose \u201cProblems only\u201d to see why.").arg(problems));
    if (m_importer->count(ImportRow::Status::Uncertain))
        text += QLatin1Char(' ') + tr("Uncertain rows got no clear answer: look them up before importing them again.");
    m_ui->statusLabel->setText(text);
    updateCounts();
    updateButtons();
    emit importFinished(created);
    if (m_closeWhenDone)
        QDialog::reject();
}

void ImportUsersDialog::saveReport()
{
    auto *dialog = new QFileDialog(this, tr("Save the import report"), QStringLiteral("import-report.csv"), tr("CSV files (*.csv)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("csv"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(UserImportList::reportCsv(m_model->rows())) < 0 || !file.commit())
            m_ui->statusLabel->setText(tr("Could not save the report to %1: %2. Choose another folder.").arg(path, file.errorString()));
        else
            m_ui->statusLabel->setText(tr("Saved the report to %1.").arg(path));
    });
    dialog->open();
}

void ImportUsersDialog::updateCounts()
{
    const QList<ImportRow> &rows = m_model->rows();
    int counts[5] = {};
    for (const ImportRow &r : rows)
        ++counts[int(r.status)];
    if (rows.isEmpty()) {
        m_ui->countsLabel->clear();
        return;
    }
    m_ui->countsLabel->setText(tr("%1 rows: %2 to send, %3 created, %4 failed, %5 not sent, %6 uncertain")
                                       .arg(rows.size())
                                       .arg(counts[int(ImportRow::Status::Pending)])
                                       .arg(counts[int(ImportRow::Status::Created)])
                                       .arg(counts[int(ImportRow::Status::Failed)])
                                       .arg(counts[int(ImportRow::Status::Invalid)])
                                       .arg(counts[int(ImportRow::Status::Uncertain)]));
}

void ImportUsersDialog::updateButtons()
{
    const bool running = m_importer->isRunning();
    m_ui->chooseFileButton->setEnabled(!running && !m_loading);
    m_ui->importButton->setEnabled(m_loaded && !m_started && !running && !m_loading && m_changesAllowed);
    m_ui->cancelImportButton->setEnabled(running);
    m_ui->saveReportButton->setEnabled(m_loaded && m_started && !running);
}

void ImportUsersDialog::applyFilter(int which)
{
    static_cast<ImportFilterModel *>(m_proxy)->setMode(which);
}

void ImportUsersDialog::reject()
{
    if (m_importer->isRunning()) {
        // Let the request in flight finish so its rows are known, then close.
        m_closeWhenDone = true;
        m_ui->statusLabel->setText(tr("Stopping after the request in flight\u2026"));
        m_importer->cancel();
        return;
    }
    QDialog::reject();
}

} // namespace plainkey::gui
