#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace plainkey::gui {

//! Colours an HTTP message as the log's detail pane shows it: the start line, header
//! names, then a JSON body (keys, strings, numbers, literals) and redaction markers.
class HttpMessageHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit HttpMessageHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;

private:
    enum BlockState { StartLine = 0, Headers = 1, Body = 2 };
    void highlightJson(const QString &text);
    void highlightMarkers(const QString &text);

    QRegularExpression m_jsonToken;
    QRegularExpression m_marker;
};

} // namespace plainkey::gui
