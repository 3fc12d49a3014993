#pragma once

#include "core/users/userimportlist.h"

#include <QDialog>

#include <memory>

class QSortFilterProxyModel;

namespace Ui {
class ImportUsersDialog;
}

namespace plainkey {
class PlainKeyClient;
class UserImporter;
}

namespace plainkey::gui {

class ImportRowModel;

//! Bulk import: read a file, preview every row, create the users in chunks with a progress
//! bar, and show each row's result (created with its ID, or why not); save it as a CSV report.
class ImportUsersDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ImportUsersDialog(PlainKeyClient *client, QWidget *parent = nullptr);
    ~ImportUsersDialog() override;

    //! Starts reading \a path for the preview on a worker thread (a list may be 64 MiB), the
    //! window staying responsive; listLoaded() follows. False when an import or a load is running.
    bool loadFile(const QString &path);
    //! True from loadFile() until listLoaded().
    bool isLoading() const { return m_loading; }
    //! Reads names from \a data as if from a file called \a name.
    bool loadData(const QByteArray &data, const QString &name);
    //! Starts creating the previewed names (what the Import button does).
    void startImport();
    //! False while a production profile's changes are locked: Import stays off and says why.
    void setChangesAllowed(bool allowed);

    UserImporter *importer() const { return m_importer; }
    ImportRowModel *rowModel() const { return m_model; }

signals:
    //! A loadFile() finished: \a ok false when the file could not be read (the reason is shown).
    void listLoaded(bool ok);
    //! The import finished; \a created users were created.
    void importFinished(int created);

protected:
    void reject() override;

private:
    void chooseFile();
    void showList(const UserImportList &list, const QString &source);
    void onProgress(int processed, int total);
    void onFinished();
    void saveReport();
    void updateCounts();
    void updateButtons();
    void applyFilter(int which);

    std::unique_ptr<Ui::ImportUsersDialog> m_ui;
    UserImporter *m_importer;
    ImportRowModel *m_model;
    QSortFilterProxyModel *m_proxy;
    bool m_loaded = false;
    bool m_started = false;
    bool m_closeWhenDone = false;
    bool m_changesAllowed = true;
    bool m_loading = false;
};

} // namespace plainkey::gui
