#include "gui/layout/scrollwidthkeeper.h"

#include <QEvent>
#include <QScrollArea>
#include <QScrollBar>

namespace plainkey::gui {

void ScrollWidthKeeper::keep(QScrollArea *area)
{
    Q_ASSERT(area->widget());
    auto *keeper = new ScrollWidthKeeper(area);
    area->widget()->installEventFilter(keeper);
    keeper->update();
}

ScrollWidthKeeper::ScrollWidthKeeper(QScrollArea *area) : QObject(area), m_area(area), m_content(area->widget()) {}

bool ScrollWidthKeeper::eventFilter(QObject *watched, QEvent *event)
{
    // The content's layout asks again after any change of text, font or visibility inside it.
    // The event type first and the content remembered: while the scroll area is being destroyed
    // its content still gets events, and the area is no longer a QScrollArea to ask (UBSan's vptr
    // check caught exactly that call).
    if ((event->type() == QEvent::LayoutRequest || event->type() == QEvent::Show) && watched == m_content)
        update();
    return QObject::eventFilter(watched, event);
}

void ScrollWidthKeeper::update()
{
    const QWidget *content = m_area->widget();
    if (!content)
        return;
    // Room for the vertical scroll bar too, so that its appearing does not push the content wider.
    const int width = content->minimumSizeHint().width() + m_area->verticalScrollBar()->sizeHint().width() + 2 * m_area->frameWidth();
    if (m_area->minimumWidth() != width)
        m_area->setMinimumWidth(width);
}

} // namespace plainkey::gui
