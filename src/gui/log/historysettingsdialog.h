#pragma once

#include "core/history/historystore.h"

#include <QDialog>

#include <memory>

namespace Ui {
class HistorySettingsDialog;
}

namespace plainkey::gui {

//! How long the request history keeps exchanges and how large its file may grow (Log >
//! History settings…). Zero turns a limit off.
class HistorySettingsDialog : public QDialog
{
    Q_OBJECT
public:
    //! \a path is the history file, named in the dialog so the person knows what is kept where.
    HistorySettingsDialog(const QString &path, int maxAgeDays, int maxMegabytes, QWidget *parent = nullptr);
    ~HistorySettingsDialog() override;

    int maxAgeDays() const;
    int maxMegabytes() const;

    //! The history's own defaults, in the dialog's units.
    static constexpr int kDefaultMaxAgeDays = int(HistoryStore::kDefaultMaxAge.count() / 24);
    static constexpr int kDefaultMaxMegabytes = int(HistoryStore::kDefaultMaxBytes / (1024 * 1024));

private:
    std::unique_ptr<Ui::HistorySettingsDialog> m_ui;
};

} // namespace plainkey::gui
