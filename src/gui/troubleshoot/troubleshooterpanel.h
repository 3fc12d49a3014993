#pragma once

#include "core/diagnose/diagnosis.h"

#include <QPointer>
#include <QWidget>

#include <memory>

namespace Ui {
class TroubleshooterPanel;
}

namespace plainkey {
class PlainKeyClient;
}

namespace plainkey::gui {

class FindingView;

//! The Troubleshooter tab, "Why can't this person sign in?": a user and/or a token from the
//! customer's session in, the Diagnosis engine's checks out, each shown as it finishes, and the
//! one-sentence answer on top. The token stays masked; nothing on PlainKey is changed.
class TroubleshooterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TroubleshooterPanel(PlainKeyClient *client, QWidget *parent = nullptr);
    ~TroubleshooterPanel() override;

    Diagnosis *diagnosis() const { return m_diagnosis; }
    bool isRunning() const;
    //! The findings on show, in order (the summary is shown above them, not among them).
    QList<FindingView *> findingViews() const;
    //! The one-sentence answer on show, or what the panel says instead (idle, running, cancelled).
    QString summaryText() const;

public slots:
    //! Fills the user field: a user name (\a byName) or a PlainKey user ID.
    void setUser(const QString &user, bool byName);
    //! Fills the (masked) token field.
    void setToken(const QString &raw);
    //! Starts the checks with what the fields hold (the Run button, Enter in a field).
    void run();
    void cancel();
    //! Puts the keyboard focus in the first field (Ctrl+4).
    void focusStart();
    //! Puts the keyboard focus on Run checks (after the fields were filled from another tab).
    void focusRun();
    void copySummary();
    //! The summary and every finding as plain text, for a ticket.
    void copyFindings();

signals:
    void showExchangeRequested(quint64 exchangeId);
    void statusMessage(const QString &text, int timeoutMs);
    void runningChanged(bool running);

private:
    void updateTokenNotice();
    void updateBusy();
    void clearFindings();
    void onCheckStarted(const QString &id, const QString &title);
    void onFindingAdded(const plainkey::Finding &finding);
    void onFinished();
    void setSummary(const QString &verdictText, int tone, const QString &text, const QString &actionHtml);
    QString outcomeText(Diagnosis::Outcome outcome) const;

    std::unique_ptr<Ui::TroubleshooterPanel> ui;
    QPointer<PlainKeyClient> m_client;
    Diagnosis *m_diagnosis;
    int m_checksDone = 0;
};

} // namespace plainkey::gui
