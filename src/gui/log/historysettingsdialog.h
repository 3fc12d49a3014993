#pragma once

#include "core/history/historyretention.h"

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
    HistorySettingsDialog(const QString &path, const HistoryRetention &retention, QWidget *parent = nullptr);
    ~HistorySettingsDialog() override;

    HistoryRetention retention() const;

private:
    std::unique_ptr<Ui::HistorySettingsDialog> m_ui;
};

} // namespace plainkey::gui
