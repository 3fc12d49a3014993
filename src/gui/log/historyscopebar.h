#pragma once

#include "core/history/historystore.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace plainkey::gui {

//! The log's scope: this session (the default) or the whole request history, and for the
//! history its own filters (profile, time range) and Clear history. The log panel adds the
//! text, status and endpoint filters it already has.
//!
//! The scope combo is not in this bar's row: the log panel puts it in its toolbar, and shows
//! this row only while the history is shown, so the session's log keeps that line.
class HistoryScopeBar : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryScopeBar(QWidget *parent = nullptr);

    bool historyScope() const;
    void setHistoryScope(bool history);
    //! The profile and time range chosen here; limit 10,000.
    HistoryQuery query() const;
    //! Shows \a text beside the filters ("10,000 newest of the matches shown").
    void setNote(const QString &text);

    //! For the owner's toolbar: hidden until placed and shown there.
    QComboBox *scopeCombo() const { return m_scope; }
    QLineEdit *profileEdit() const { return m_profile; }
    QComboBox *sinceCombo() const { return m_since; }
    QToolButton *clearButton() const { return m_clear; }

signals:
    void scopeChanged(bool history);
    //! The profile or the time range changed.
    void queryChanged();
    void clearHistoryRequested();

private:
    QComboBox *m_scope;
    QLineEdit *m_profile;
    QComboBox *m_since;
    QToolButton *m_clear;
    QLabel *m_note;
};

} // namespace plainkey::gui
