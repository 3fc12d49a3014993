#pragma once

#include "core/diagnose/finding.h"
#include "gui/theme/theme.h"

#include <QFrame>

class QLabel;

namespace plainkey {
class ExchangeLog;
}

namespace plainkey::gui {

//! One troubleshooter finding as a card: its verdict in a glyph and a word (coloured, never by
//! colour alone), the title, the evidence, the next action, and links to its exchanges in the log.
class FindingView : public QFrame
{
    Q_OBJECT
public:
    //! \a log names the linked exchanges ("Verify token, HTTP 200"); may be null.
    explicit FindingView(const Finding &finding, const ExchangeLog *log, QWidget *parent = nullptr);

    const Finding &finding() const { return m_finding; }

    //! "✔ Pass", "✘ Fail", "⚠ Warning"…: the glyph and the word a person reads.
    static QString verdictText(Finding::Verdict verdict);
    static Theme::Tone verdictTone(Finding::Verdict verdict);
    //! The links to \a ids as rich text ("exchange:ID" links), each named from \a log when it knows it.
    static QString exchangeLinks(const QList<quint64> &ids, const ExchangeLog *log);
    //! The exchange ID an "exchange:ID" link names, or 0.
    static quint64 exchangeIdFromLink(const QString &link);
    //! The finding as plain text lines, for the clipboard and tickets.
    static QString plainText(const Finding &finding);

signals:
    void showExchangeRequested(quint64 exchangeId);

private:
    Finding m_finding;
};

} // namespace plainkey::gui
