#pragma once

#include "core/log/personaldatamasker.h"

#include <QFont>
#include <QObject>
#include <QPointer>

#include <optional>

class QWidget;

namespace plainkey {
class ExchangeLog;
class Redactor;
}

namespace plainkey::gui {

//! Presenter mode, for demos and screen sharing: while on, every secret, token, user ID, user
//! name, e-mail and IP address in the window (and its dialogs) is shown masked, the font is 25%
//! larger, and copying tells the person that the real value went to the clipboard.
//!
//! It needs no help from the panels: an event filter masks labels, buttons and group boxes
//! just before they paint, forces read-only text panes to masked text and line edits that show
//! such data to a password echo, draws combo boxes (and their drop-down lists) with masked
//! text, and item views get a delegate that masks what they display (their models keep the
//! real data, so Copy copies it).
//! Turning it off restores what was masked. A panel that draws its own text can still ask:
//! isOn(), mask() and toggled().
class PresenterMode : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool on READ isOn WRITE setOn NOTIFY toggled)
public:
    //! Masks \a window and every widget and dialog under it.
    explicit PresenterMode(QWidget *window, QObject *parent = nullptr);
    ~PresenterMode() override;

    //! The session's redactor (it knows the secrets in use) and log (user names and IDs are
    //! learned from it). Both must outlive this object.
    void setSession(const Redactor *redactor, ExchangeLog *log);

    bool isOn() const { return m_on; }
    //! \a text as presenter mode shows it: secrets redacted and personal data masked when on,
    //! unchanged when off.
    QString mask(const QString &text);
    //! How much larger the font is while on.
    static constexpr double kFontScale = 1.25;

public slots:
    void setOn(bool on);

signals:
    void toggled(bool on);
    //! Something to tell the person ("Copied the real value; it is not shown on screen").
    void notice(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QString maskAlways(const QString &text);
    bool belongsToWindow(const QWidget *widget) const;
    //! Masks \a widget now; returns true when the event that asked should be eaten (a combo
    //! box painted here).
    bool maskWidget(QWidget *widget, bool painting);
    void restoreWidget(QWidget *widget);
    void learnAll();
    void onClipboardChanged();

    QPointer<QWidget> m_window;
    const Redactor *m_redactor = nullptr;
    QPointer<ExchangeLog> m_log;
    std::optional<PersonalDataMasker> m_masker;
    bool m_on = false;
    bool m_busy = false; // masking in progress: the changes it makes must not be masked again
    QFont m_savedFont;
    bool m_hadOwnFont = false;
};

} // namespace plainkey::gui
