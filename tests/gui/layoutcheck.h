#pragma once

// Geometry checks on real widgets, for GUI tests at a given window size: what a person would
// see as broken. Each check returns one line per problem (empty: none), naming the widget by
// its object-name path, so a failure says where to look.
//
// - outsideParent: a visible widget that sticks out of its parent (cut off).
// - overlaps: two visible widgets of the same layout covering each other.
// - squeezed: a widget smaller than its minimum size hint, or a widget whose layout gets less
//   room than the layout's minimum (its children then overlap or are cut).
// - clippedLabels: a label whose text does not fit (one-line labels narrower than their text,
//   word-wrapped labels lower than their text needs).
// - visibleRows / allRowsVisible: rows of an item view wholly inside its viewport.
// - sidewaysScrolling: a form in a scroll area wider than its viewport (lines cut at the right).
// - elidedCombos: a combo box too narrow for its current item, which it then shows cut ("Demo (bu…").
// - fullyVisible: a widget shown whole, not cut by an ancestor.
//
// Internals of scroll areas (item views, text edits, a scroll area's scrolled content) are left
// alone: they scroll by design. Whether something must be seen without scrolling is asked with
// fullyVisible or needsScrolling.

#include <QAbstractItemView>
#include <QAbstractScrollArea>
#include <QComboBox>
#include <QLabel>
#include <QLayout>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QStyleOptionComboBox>
#include <QSplitter>
#include <QStringList>
#include <QTabBar>
#include <QTreeView>
#include <QWidget>

#include <functional>

namespace layoutcheck {

//! "MainWindow/centralWidget/…/userNameValue (QLabel)": where a widget is.
inline QString describe(const QWidget *w)
{
    QStringList parts;
    for (const QWidget *p = w; p; p = p->parentWidget()) {
        parts.prepend(p->objectName().isEmpty() ? QString::fromLatin1(p->metaObject()->className()) : p->objectName());
        if (p->isWindow())
            break;
    }
    return parts.join(QLatin1Char('/')) + QStringLiteral(" (%1)").arg(QLatin1String(w->metaObject()->className()));
}

inline QString rectText(const QRect &r)
{
    return QStringLiteral("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

//! True when \a layout (or a layout nested in it) manages \a w.
inline bool manages(const QLayout *layout, const QWidget *w)
{
    if (!layout)
        return false;
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem *item = layout->itemAt(i);
        if (item->widget() == w)
            return true;
        if (item->layout() && manages(item->layout(), w))
            return true;
    }
    return false;
}

//! True when \a w is managed by its parent's layout or splitter (placed by the window's layout, not by hand).
inline bool laidOut(const QWidget *w)
{
    const QWidget *parent = w->parentWidget();
    if (!parent)
        return false;
    if (qobject_cast<const QSplitter *>(parent))
        return qobject_cast<const QSplitter *>(parent)->indexOf(const_cast<QWidget *>(w)) >= 0;
    return manages(parent->layout(), w);
}

//! Widgets the checks look at: visible, below \a root, not a window of their own, and not the
//! inside of something that scrolls or draws itself (item views, text edits, tab bars), except
//! the scrolled content of a QScrollArea, which is a form like any other.
inline QList<QWidget *> checkedWidgets(QWidget *root)
{
    QList<QWidget *> out;
    const auto all = root->findChildren<QWidget *>();
    for (QWidget *w : all) {
        if (!w->isVisible() || w->isWindow())
            continue;
        // A bare placeholder (an empty title bar, say): nothing in it to cut or squeeze.
        if (!w->layout() && !w->sizeHint().isValid() && !w->minimumSizeHint().isValid() && w->children().isEmpty()
            && QLatin1String(w->metaObject()->className()) == QLatin1String("QWidget"))
            continue;
        bool skip = false;
        for (QWidget *p = w->parentWidget(); p && p != root && !skip; p = p->parentWidget()) {
            if (p->isWindow())
                skip = true; // inside a dialog or popup
            else if (auto *scroll = qobject_cast<QScrollArea *>(p))
                skip = !(scroll->widget() && (scroll->widget() == w || scroll->widget()->isAncestorOf(w)));
            else if (qobject_cast<QAbstractScrollArea *>(p) || qobject_cast<QTabBar *>(p))
                skip = true;
        }
        if (!skip)
            out.append(w);
    }
    return out;
}

//! Visible widgets that stick out of their parent's rectangle.
inline QStringList outsideParent(QWidget *root)
{
    QStringList problems;
    for (QWidget *w : checkedWidgets(root)) {
        QWidget *parent = w->parentWidget();
        if (!parent || w->isWindow())
            continue;
        if (auto *scroll = qobject_cast<QScrollArea *>(parent->parentWidget()); scroll && scroll->widget() == w)
            continue; // a scroll area's content is larger than its viewport by design
        if (!parent->rect().contains(w->geometry()))
            problems << QStringLiteral("%1 at %2 sticks out of its parent (%3)").arg(describe(w), rectText(w->geometry()), rectText(parent->rect()));
    }
    return problems;
}

//! Visible siblings in one layout whose rectangles intersect.
inline QStringList overlaps(QWidget *root)
{
    QStringList problems;
    const QList<QWidget *> widgets = checkedWidgets(root);
    for (int i = 0; i < widgets.size(); ++i) {
        QWidget *a = widgets[i];
        QLayout *layout = a->parentWidget() ? a->parentWidget()->layout() : nullptr;
        if (!manages(layout, a))
            continue;
        for (int j = i + 1; j < widgets.size(); ++j) {
            QWidget *b = widgets[j];
            if (b->parentWidget() != a->parentWidget() || !manages(layout, b))
                continue;
            const QRect common = a->geometry() & b->geometry();
            if (!common.isEmpty())
                problems << QStringLiteral("%1 (%2) and %3 (%4) overlap")
                                    .arg(describe(a), rectText(a->geometry()), QString::fromLatin1(b->metaObject()->className()) + QLatin1Char(' ') + b->objectName(),
                                         rectText(b->geometry()));
        }
    }
    return problems;
}

//! The smallest size \a w may have in a layout: its minimum size where one is set, else its
//! minimum size hint (what QLayout itself uses, for the directions its size policy lets shrink).
inline QSize effectiveMinimum(const QWidget *w)
{
    const QSize hint = w->sizeHint();
    const QSize minHint = w->minimumSizeHint();
    const QSizePolicy policy = w->sizePolicy();
    QSize s(0, 0);
    if (policy.horizontalPolicy() != QSizePolicy::Ignored)
        s.setWidth((policy.horizontalPolicy() & QSizePolicy::ShrinkFlag) ? minHint.width() : hint.width());
    if (policy.verticalPolicy() != QSizePolicy::Ignored)
        s.setHeight((policy.verticalPolicy() & QSizePolicy::ShrinkFlag) ? minHint.height() : hint.height());
    if (w->minimumWidth() > 0)
        s.setWidth(w->minimumWidth());
    if (w->minimumHeight() > 0)
        s.setHeight(w->minimumHeight());
    return s.boundedTo(w->maximumSize()).expandedTo(QSize(0, 0));
}

//! Laid-out widgets smaller than their minimum, and widgets whose layout has less room than it needs.
inline QStringList squeezed(QWidget *root)
{
    QStringList problems;
    for (QWidget *w : checkedWidgets(root)) {
        if (laidOut(w)) {
            const QSize min = effectiveMinimum(w);
            if (w->width() < min.width() || w->height() < min.height())
                problems << QStringLiteral("%1 is %2x%3, below its minimum %4x%5")
                                    .arg(describe(w))
                                    .arg(w->width())
                                    .arg(w->height())
                                    .arg(min.width())
                                    .arg(min.height());
        }
        if (QLayout *layout = w->layout(); layout && layout->isEnabled() && !qobject_cast<QAbstractScrollArea *>(w)) {
            const QSize need = layout->totalMinimumSize();
            if (w->width() < need.width() || w->height() < need.height())
                problems << QStringLiteral("%1 is %2x%3 but its layout needs %4x%5")
                                    .arg(describe(w))
                                    .arg(w->width())
                                    .arg(w->height())
                                    .arg(need.width())
                                    .arg(need.height());
        }
    }
    return problems;
}

//! Labels whose text does not fit: cut on the right, or lines cut at the bottom.
inline QStringList clippedLabels(QWidget *root)
{
    QStringList problems;
    for (QWidget *w : checkedWidgets(root)) {
        auto *label = qobject_cast<QLabel *>(w);
        if (!label || label->text().isEmpty())
            continue;
        if (label->wordWrap()) {
            const int need = label->heightForWidth(label->width());
            if (need > label->height())
                problems << QStringLiteral("%1 is %2 px high, its text needs %3 px at width %4: \"%5\"")
                                    .arg(describe(label))
                                    .arg(label->height())
                                    .arg(need)
                                    .arg(label->width())
                                    .arg(label->text().left(60));
        } else {
            const QSize need = label->sizeHint();
            if (need.width() > label->width() || need.height() > label->height())
                problems << QStringLiteral("%1 is %2x%3, its text needs %4x%5: \"%6\"")
                                    .arg(describe(label))
                                    .arg(label->width())
                                    .arg(label->height())
                                    .arg(need.width())
                                    .arg(need.height())
                                    .arg(label->text().left(60));
        }
    }
    return problems;
}

//! Forms in scroll areas that scroll sideways: their lines are cut at the right edge until the
//! person scrolls (text should wrap instead). Item views and text edits may scroll sideways.
inline QStringList sidewaysScrolling(QWidget *root)
{
    QStringList problems;
    const auto areas = root->findChildren<QScrollArea *>();
    for (const QScrollArea *area : areas) {
        if (area->isVisible() && area->widget() && area->horizontalScrollBar()->maximum() > 0)
            problems << QStringLiteral("%1 scrolls sideways: its content is %2 px wide in a %3 px viewport")
                                .arg(describe(area))
                                .arg(area->widget()->width())
                                .arg(area->viewport()->width());
    }
    return problems;
}

//! Combo boxes whose current item is wider than the room for it: the style elides it.
inline QStringList elidedCombos(QWidget *root)
{
    QStringList problems;
    for (QWidget *w : checkedWidgets(root)) {
        auto *combo = qobject_cast<QComboBox *>(w);
        if (!combo || combo->currentText().isEmpty())
            continue;
        QStyleOptionComboBox option;
        option.initFrom(combo);
        option.editable = combo->isEditable();
        option.currentText = combo->currentText();
        option.currentIcon = combo->itemIcon(combo->currentIndex());
        option.iconSize = combo->iconSize();
        QRect field = combo->style()->subControlRect(QStyle::CC_ComboBox, &option, QStyle::SC_ComboBoxEditField, combo);
        if (!option.currentIcon.isNull())
            field.setLeft(field.left() + option.iconSize.width() + 4);
        const int need = combo->fontMetrics().horizontalAdvance(option.currentText);
        if (need > field.width())
            problems << QStringLiteral("%1 shows \"%2\" in %3 px, it needs %4 px").arg(describe(combo), option.currentText).arg(field.width()).arg(need);
    }
    return problems;
}

//! Everything above at once.
inline QStringList allProblems(QWidget *root)
{
    return outsideParent(root) + overlaps(root) + squeezed(root) + clippedLabels(root) + sidewaysScrolling(root) + elidedCombos(root);
}

//! True when \a w is shown whole: visible, and inside every ancestor up to its window (a scroll
//! area's viewport, a squeezed parent, a tab page). Siblings covering it are overlaps' business.
inline bool fullyVisible(const QWidget *w)
{
    if (!w->isVisible())
        return false;
    for (const QWidget *p = w->parentWidget(); p; p = p->parentWidget()) {
        if (!p->rect().contains(QRect(w->mapTo(p, QPoint(0, 0)), w->size())))
            return false;
        if (p->isWindow())
            break;
    }
    return true;
}

//! Rows (and, in trees, expanded children) of \a view whose cells lie wholly inside its viewport.
inline int visibleRows(const QAbstractItemView *view)
{
    const QAbstractItemModel *model = view->model();
    if (!model)
        return 0;
    const QRect area = view->viewport()->rect();
    const auto *tree = qobject_cast<const QTreeView *>(view);
    int count = 0;
    std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
        for (int r = 0; r < model->rowCount(parent); ++r) {
            const QModelIndex index = model->index(r, 0, parent);
            const QRect rect = view->visualRect(index);
            if (rect.isValid() && area.contains(QRect(area.left(), rect.top(), 1, rect.height())))
                ++count;
            if (tree && tree->isExpanded(index))
                walk(index);
        }
    };
    walk(QModelIndex());
    return count;
}

//! Rows an item view has to show: every row, and in trees the children of expanded rows.
inline int shownRows(const QAbstractItemView *view)
{
    const QAbstractItemModel *model = view->model();
    if (!model)
        return 0;
    const auto *tree = qobject_cast<const QTreeView *>(view);
    int count = 0;
    std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
        for (int r = 0; r < model->rowCount(parent); ++r) {
            ++count;
            const QModelIndex index = model->index(r, 0, parent);
            if (tree && tree->isExpanded(index))
                walk(index);
        }
    };
    walk(QModelIndex());
    return count;
}

//! True when a scroll area (item view, text edit, scroll area) has anything out of view.
inline bool needsScrolling(const QAbstractScrollArea *area)
{
    return area->verticalScrollBar()->maximum() > 0 || area->horizontalScrollBar()->maximum() > 0;
}

} // namespace layoutcheck
