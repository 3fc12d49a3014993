#pragma once

#include "core/export/supportbundle.h"

#include <QDialog>
#include <QPointer>

#include <memory>

template<typename T>
class QFutureWatcher;

namespace Ui {
class SupportBundleDialog;
}

namespace plainkey {
class Redactor;
}

namespace plainkey::gui {

//! File > Save support bundle…: where to save, whether to mask personal data, then writes the
//! bundle on a worker thread with a progress bar. A failed write keeps the dialog open with
//! the reason and every choice made, and never leaves a half-written file (QSaveFile).
class SupportBundleDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SupportBundleDialog(QWidget *parent = nullptr);
    ~SupportBundleDialog() override;

    //! What to write. \a redactor is a copy of the session's (the worker thread reads it while
    //! the transport keeps adding secrets to its own).
    void setContent(const SupportBundleContent &content, std::shared_ptr<const Redactor> redactor);
    QString path() const;
    void setPath(const QString &path);
    bool maskPersonalData() const;
    void setMaskPersonalData(bool mask);
    //! The last error shown, empty when none.
    QString errorText() const;
    //! True from Save until the file is written or the error is shown.
    bool isWriting() const;

public slots:
    //! Writes the bundle to path(); the dialog closes when it is written.
    void save();

signals:
    //! The bundle is on disk at \a path.
    void saved(const QString &path, int exchangeCount, bool masked);

private:
    void browse();
    void finishWrite();
    void setWriting(bool writing);
    void showError(const QString &text);

    std::unique_ptr<Ui::SupportBundleDialog> m_ui;
    SupportBundleContent m_content;
    std::shared_ptr<const Redactor> m_redactor;
    QFutureWatcher<QByteArray> *m_watcher;
    QString m_writingPath;
    bool m_writing = false; // from save() until the file is written or the error shown
};

} // namespace plainkey::gui
