#include "gui/log/httpmessagehighlighter.h"

#include "core/log/redactor.h"
#include "gui/theme/theme.h"

#include <QGuiApplication>

namespace plainkey::gui {

namespace {
QTextCharFormat toneFormat(Theme::Tone tone, bool bold = false)
{
    QTextCharFormat f;
    f.setForeground(Theme::color(tone, QGuiApplication::palette()));
    if (bold)
        f.setFontWeight(QFont::Bold);
    return f;
}
} // namespace

HttpMessageHighlighter::HttpMessageHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document),
      // A string (then maybe a colon: a key), a number, or a literal.
      m_jsonToken(QStringLiteral(R"re(("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b)re")),
      m_marker(Redactor::markerPattern())
{
}

void HttpMessageHighlighter::highlightBlock(const QString &text)
{
    const int previous = previousBlockState();
    int state = previous < 0 ? StartLine : (previous == StartLine ? Headers : previous);
    if (state == Headers && text.isEmpty())
        state = Body;
    // The block after the start line starts the headers; an empty line ends them.
    if (previous < 0) {
        setFormat(0, int(text.size()), toneFormat(Theme::Tone::Info, true));
        setCurrentBlockState(StartLine);
        highlightMarkers(text);
        return;
    }
    if (state == Headers) {
        const int colon = int(text.indexOf(QLatin1Char(':')));
        if (colon > 0)
            setFormat(0, colon, toneFormat(Theme::Tone::Demo, true));
        else
            setFormat(0, int(text.size()), toneFormat(Theme::Tone::Muted));
    } else if (text.startsWith(QLatin1Char('(')) && text.endsWith(QLatin1Char(')'))) {
        setFormat(0, int(text.size()), toneFormat(Theme::Tone::Muted));
    } else {
        highlightJson(text);
    }
    setCurrentBlockState(state);
    highlightMarkers(text);
}

void HttpMessageHighlighter::highlightJson(const QString &text)
{
    const QTextCharFormat key = toneFormat(Theme::Tone::Info, true);
    const QTextCharFormat string = toneFormat(Theme::Tone::Success);
    const QTextCharFormat number = toneFormat(Theme::Tone::Warning);
    const QTextCharFormat literal = toneFormat(Theme::Tone::Live, true);
    auto it = m_jsonToken.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedLength(1) > 0)
            setFormat(int(m.capturedStart(1)), int(m.capturedLength(1)), m.capturedLength(2) > 0 ? key : string);
        else if (m.capturedLength(3) > 0)
            setFormat(int(m.capturedStart(3)), int(m.capturedLength(3)), number);
        else if (m.capturedLength(4) > 0)
            setFormat(int(m.capturedStart(4)), int(m.capturedLength(4)), literal);
    }
}

void HttpMessageHighlighter::highlightMarkers(const QString &text)
{
    QTextCharFormat f = toneFormat(Theme::Tone::Redacted, true);
    f.setFontItalic(true);
    auto it = m_marker.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), f);
    }
}

} // namespace plainkey::gui
