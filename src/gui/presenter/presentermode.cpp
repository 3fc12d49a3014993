#include "gui/presenter/presentermode.h"

#include "core/log/exchangelog.h"
#include "core/log/redactor.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QGroupBox>
#include <QHelpEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QStyledItemDelegate>
#include <QStylePainter>
#include <QTextDocument>
#include <QTextEdit>
#include <QTimer>
#include <QToolTip>

namespace plainkey::gui {

namespace {

// What a widget showed before presenter mode masked it, kept on the widget itself so that
// turning presenter mode off puts it back, unless the panel has shown something new since.
const char *const kReal = "_plainkey_presenterReal";
const char *const kMasked = "_plainkey_presenterMasked";
const char *const kEcho = "_plainkey_presenterEcho";
const char *const kSecretField = "_plainkey_presenterSecretField";
const char *const kRevision = "_plainkey_presenterRevision";
const char *const kFont = "_plainkey_presenterFont";
const char *const kDelegate = "_plainkey_presenterDelegate";

//! Shows what an item view's model holds, masked while presenter mode is on; the model keeps
//! the real data, so copying from it copies the real value.
class MaskingDelegate : public QStyledItemDelegate
{
public:
    MaskingDelegate(PresenterMode *mode, QObject *parent) : QStyledItemDelegate(parent), m_mode(mode) {}

    QString displayText(const QVariant &value, const QLocale &locale) const override
    {
        const QString text = QStyledItemDelegate::displayText(value, locale);
        return m_mode ? m_mode->mask(text) : text;
    }

    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option, const QModelIndex &index) override
    {
        if (!m_mode || !m_mode->isOn() || event->type() != QEvent::ToolTip)
            return QStyledItemDelegate::helpEvent(event, view, option, index);
        const QString tip = index.data(Qt::ToolTipRole).toString();
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPos(), m_mode->mask(tip), view);
        return true;
    }

private:
    QPointer<PresenterMode> m_mode;
};

const char *textPropertyOf(const QWidget *w)
{
    if (qobject_cast<const QLabel *>(w) || qobject_cast<const QAbstractButton *>(w))
        return "text";
    if (qobject_cast<const QGroupBox *>(w))
        return "title";
    return nullptr;
}

// The text edit whose viewport \a w is, if it is one.
QAbstractScrollArea *textEditOfViewport(QWidget *w)
{
    auto *area = qobject_cast<QAbstractScrollArea *>(w->parentWidget());
    if (!area || area->viewport() != w)
        return nullptr;
    if (qobject_cast<QPlainTextEdit *>(area) || qobject_cast<QTextEdit *>(area))
        return area;
    return nullptr;
}

QTextDocument *documentOf(QAbstractScrollArea *edit)
{
    if (auto *plain = qobject_cast<QPlainTextEdit *>(edit))
        return plain->document();
    return static_cast<QTextEdit *>(edit)->document();
}

} // namespace

PresenterMode::PresenterMode(QWidget *window, QObject *parent) : QObject(parent), m_window(window)
{
    m_masker.emplace();
    connect(QGuiApplication::clipboard(), &QClipboard::dataChanged, this, &PresenterMode::onClipboardChanged);
}

PresenterMode::~PresenterMode()
{
    if (m_on)
        qApp->removeEventFilter(this);
}

void PresenterMode::setSession(const Redactor *redactor, ExchangeLog *log)
{
    m_redactor = redactor;
    if (m_log)
        disconnect(m_log, nullptr, this, nullptr);
    m_log = log;
    if (!log)
        return;
    const auto learn = [this](int index) {
        if (m_on && m_log && index >= 0 && index < m_log->size())
            m_masker->learnFromExchange(m_log->at(index));
    };
    connect(log, &ExchangeLog::exchangeAppended, this, learn);
    connect(log, &ExchangeLog::exchangeChanged, this, learn);
    if (m_on)
        learnAll();
}

void PresenterMode::learnAll()
{
    if (!m_log)
        return;
    for (int i = 0; i < m_log->size(); ++i)
        m_masker->learnFromExchange(m_log->at(i));
}

QString PresenterMode::mask(const QString &text)
{
    return m_on ? maskAlways(text) : text;
}

QString PresenterMode::maskAlways(const QString &text)
{
    if (text.isEmpty())
        return text;
    static const Redactor byStructure;
    const QString redacted = (m_redactor ? m_redactor : &byStructure)->redactText(text);
    return m_masker->maskText(redacted);
}

bool PresenterMode::belongsToWindow(const QWidget *widget) const
{
    for (const QWidget *w = widget; w; w = w->parentWidget()) {
        if (w == m_window)
            return true;
    }
    return false;
}

void PresenterMode::setOn(bool on)
{
    if (on == m_on || !m_window)
        return;
    m_on = on;
    auto *status = m_window->findChild<QStatusBar *>();
    if (on) {
        learnAll();
        // Every font 25% larger: the window's, and those widgets set for themselves (monospace panes).
        m_hadOwnFont = m_window->testAttribute(Qt::WA_SetFont);
        m_savedFont = m_window->font();
        const auto scaled = [](QFont f) {
            if (f.pointSizeF() > 0)
                f.setPointSizeF(f.pointSizeF() * kFontScale);
            else if (f.pixelSize() > 0)
                f.setPixelSize(qRound(f.pixelSize() * kFontScale));
            return f;
        };
        const auto children = m_window->findChildren<QWidget *>();
        for (QWidget *w : children) {
            if (w->testAttribute(Qt::WA_SetFont) && !w->property(kFont).isValid()) {
                w->setProperty(kFont, w->font());
                w->setFont(scaled(w->font()));
            }
        }
        m_window->setFont(scaled(m_savedFont));
        qApp->installEventFilter(this);
        if (status) {
            connect(status, &QStatusBar::messageChanged, this, [this, status](const QString &message) {
                if (!m_on || m_busy || message.isEmpty())
                    return;
                const QString masked = maskAlways(message);
                if (masked != message) {
                    m_busy = true;
                    status->showMessage(masked, 10000);
                    m_busy = false;
                }
            });
        }
        // Everything now, hidden tabs and dialogs too; what changes later is masked as it paints.
        const auto widgets = QApplication::allWidgets();
        for (QWidget *w : widgets) {
            if (belongsToWindow(w))
                maskWidget(w, false);
        }
    } else {
        qApp->removeEventFilter(this);
        if (status)
            disconnect(status, &QStatusBar::messageChanged, this, nullptr);
        const auto widgets = QApplication::allWidgets();
        for (QWidget *w : widgets) {
            if (belongsToWindow(w))
                restoreWidget(w);
        }
        if (m_hadOwnFont)
            m_window->setFont(m_savedFont);
        else
            m_window->setFont(QFont());
    }
    emit toggled(on);
}

bool PresenterMode::eventFilter(QObject *watched, QEvent *event)
{
    const QEvent::Type type = event->type();
    if (type != QEvent::Paint && type != QEvent::ToolTip && type != QEvent::Show)
        return false;
    if (!m_on || m_busy || !watched->isWidgetType())
        return false;
    auto *w = static_cast<QWidget *>(watched);
    if (!belongsToWindow(w))
        return false;
    if (type == QEvent::ToolTip) {
        const QString tip = w->toolTip();
        const QString masked = maskAlways(tip);
        if (tip.isEmpty() || masked == tip)
            return false;
        QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(), masked, w);
        return true;
    }
    return maskWidget(w, type == QEvent::Paint);
}

bool PresenterMode::maskWidget(QWidget *w, bool painting)
{
    m_busy = true;
    bool eat = false;
    if (const char *property = textPropertyOf(w)) {
        const QString current = w->property(property).toString();
        if (!current.isEmpty() && w->property(kMasked).toString() != current) {
            const QString masked = maskAlways(current);
            if (masked != current) {
                w->setProperty(kReal, current);
                w->setProperty(kMasked, masked);
                w->setProperty(property, masked);
            }
        }
    } else if (auto *edit = qobject_cast<QLineEdit *>(w)) {
        // Line edits keep their text (panels read it; Copy copies it) and show bullets instead.
        if (edit->echoMode() == QLineEdit::Password) {
            edit->setProperty(kSecretField, true);
        } else if (!edit->text().isEmpty()
                   && (edit->property(kSecretField).toBool() || maskAlways(edit->text()) != edit->text())) {
            if (!edit->property(kEcho).isValid())
                edit->setProperty(kEcho, int(edit->echoMode()));
            edit->setEchoMode(QLineEdit::Password);
        }
    } else if (auto *combo = qobject_cast<QComboBox *>(w)) {
        // The current item is painted here with masked text; the items keep their real values.
        const QString text = combo->currentText();
        const QString masked = painting && !combo->isEditable() ? maskAlways(text) : text;
        if (masked != text) {
            QStylePainter painter(combo);
            QStyleOptionComboBox option;
            option.initFrom(combo);
            option.editable = false;
            option.frame = combo->hasFrame();
            option.currentText = masked;
            option.currentIcon = combo->itemIcon(combo->currentIndex());
            option.iconSize = combo->iconSize();
            option.subControls = QStyle::SC_All;
            painter.drawComplexControl(QStyle::CC_ComboBox, option);
            painter.drawControl(QStyle::CE_ComboBoxLabel, option);
            eat = true;
        }
        // Its drop-down list: styles draw it with a delegate of Qt's own (Fusion's looks like a
        // menu), which shows the model's text as it is. A masking delegate stands in while
        // presenter mode is on; the style's own comes back when it is turned off.
        if (QAbstractItemView *popup = combo->view(); popup && popup->itemDelegate()
            && !dynamic_cast<MaskingDelegate *>(popup->itemDelegate())) {
            popup->setProperty(kDelegate, QVariant::fromValue(QPointer<QObject>(popup->itemDelegate())));
            popup->setItemDelegate(new MaskingDelegate(this, popup));
        }
    } else if (auto *view = qobject_cast<QAbstractItemView *>(w)) {
        if (view->itemDelegate() && view->itemDelegate()->metaObject() == &QStyledItemDelegate::staticMetaObject)
            view->setItemDelegate(new MaskingDelegate(this, view));
        view->viewport()->update();
    }
    QAbstractScrollArea *textEdit = textEditOfViewport(w);
    if (!textEdit && (qobject_cast<QPlainTextEdit *>(w) || qobject_cast<QTextEdit *>(w)))
        textEdit = static_cast<QAbstractScrollArea *>(w);
    if (textEdit) {
        QTextDocument *doc = documentOf(textEdit);
        if (textEdit->property(kRevision).toInt() != doc->revision() || !textEdit->property(kRevision).isValid()) {
            const QString plain = doc->toPlainText();
            const bool maskedAlready = textEdit->property(kMasked).toString() == plain && textEdit->property(kMasked).isValid();
            if (!maskedAlready) {
                const QString maskedPlain = maskAlways(plain);
                if (maskedPlain != plain) {
                    if (auto *plainEdit = qobject_cast<QPlainTextEdit *>(textEdit)) {
                        textEdit->setProperty(kReal, plain);
                        plainEdit->setPlainText(maskedPlain);
                    } else {
                        auto *rich = static_cast<QTextEdit *>(textEdit);
                        textEdit->setProperty(kReal, rich->toHtml());
                        rich->setHtml(maskAlways(rich->toHtml()));
                        // An entity or a tag split a value: fall back to plain masked text.
                        if (maskAlways(rich->toPlainText()) != rich->toPlainText())
                            rich->setPlainText(maskedPlain);
                    }
                    textEdit->setProperty(kMasked, doc->toPlainText());
                }
            }
            textEdit->setProperty(kRevision, doc->revision());
        }
    }
    m_busy = false;
    return eat;
}

void PresenterMode::restoreWidget(QWidget *w)
{
    m_busy = true;
    if (const QVariant font = w->property(kFont); font.isValid()) {
        w->setFont(font.value<QFont>());
        w->setProperty(kFont, QVariant());
    }
    if (const char *property = textPropertyOf(w)) {
        if (w->property(kMasked).isValid() && w->property(property).toString() == w->property(kMasked).toString())
            w->setProperty(property, w->property(kReal));
    } else if (auto *edit = qobject_cast<QLineEdit *>(w)) {
        if (const QVariant echo = edit->property(kEcho); echo.isValid())
            edit->setEchoMode(QLineEdit::EchoMode(echo.toInt()));
        edit->setProperty(kEcho, QVariant());
    } else if (auto *combo = qobject_cast<QComboBox *>(w)) {
        QAbstractItemView *popup = combo->view();
        auto *original = popup ? qobject_cast<QAbstractItemDelegate *>(popup->property(kDelegate).value<QPointer<QObject>>().data()) : nullptr;
        if (auto *masking = popup ? dynamic_cast<MaskingDelegate *>(popup->itemDelegate()) : nullptr; masking && original) {
            popup->setItemDelegate(original);
            delete masking;
        }
        if (popup)
            popup->setProperty(kDelegate, QVariant());
    } else if (auto *view = qobject_cast<QAbstractItemView *>(w)) {
        view->viewport()->update();
    } else if (qobject_cast<QPlainTextEdit *>(w) || qobject_cast<QTextEdit *>(w)) {
        auto *edit = static_cast<QAbstractScrollArea *>(w);
        if (edit->property(kMasked).isValid() && documentOf(edit)->toPlainText() == edit->property(kMasked).toString()) {
            if (auto *plain = qobject_cast<QPlainTextEdit *>(edit))
                plain->setPlainText(edit->property(kReal).toString());
            else
                static_cast<QTextEdit *>(edit)->setHtml(edit->property(kReal).toString());
        }
        edit->setProperty(kRevision, QVariant());
    }
    w->setProperty(kReal, QVariant());
    w->setProperty(kMasked, QVariant());
    w->update();
    m_busy = false;
}

void PresenterMode::onClipboardChanged()
{
    if (!m_on)
        return;
    const QString text = QGuiApplication::clipboard()->text();
    if (text.isEmpty())
        return; // a copied secret being cleared, not a copy
    // After the copying panel's own message, so the notice is not overwritten by it.
    QTimer::singleShot(0, this, [this] {
        if (m_on)
            emit notice(tr("Copied the real value; it is not shown on screen."));
    });
}

} // namespace plainkey::gui
