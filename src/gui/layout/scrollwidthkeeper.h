#pragma once

#include <QObject>

class QScrollArea;
class QWidget;

namespace plainkey::gui {

//! Keeps a vertically scrolling QScrollArea at least as wide as its content needs, whenever that
//! content changes (a long word in a wrapped label, say): the form then scrolls down, never
//! sideways with its lines cut at the right edge. Owned by the scroll area.
class ScrollWidthKeeper : public QObject
{
    Q_OBJECT
public:
    //! Starts keeping \a area's minimum width; \a area must have its widget set.
    static void keep(QScrollArea *area);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit ScrollWidthKeeper(QScrollArea *area);
    void update();

    QScrollArea *m_area;
    QWidget *m_content; //!< the area's widget when keeping started
};

} // namespace plainkey::gui
