#include "gui/theme/theme.h"

#include <QApplication>
#include <QStyle>
#include <QWidget>

namespace plainkey::gui {

namespace {
const char kToneProperty[] = "plainkeyTextTone";
Theme::Mode g_mode = Theme::Mode::System;
bool g_haveSystemPalette = false;
QPalette g_systemPalette;

QColor pick(const QPalette &palette, QColor light, QColor dark)
{
    return Theme::isDark(palette) ? dark : light;
}
} // namespace

void Theme::apply(Mode mode)
{
    if (!g_haveSystemPalette) {
        g_systemPalette = QApplication::palette();
        g_haveSystemPalette = true;
    }
    g_mode = mode;
    switch (mode) {
    case Mode::System: QApplication::setPalette(g_systemPalette); break;
    case Mode::Light: QApplication::setPalette(lightPalette()); break;
    case Mode::Dark: QApplication::setPalette(darkPalette()); break;
    }
    const auto widgets = QApplication::allWidgets();
    for (QWidget *w : widgets) {
        const QVariant tone = w->property(kToneProperty);
        if (tone.isValid())
            setTextTone(w, Tone(tone.toInt()));
    }
}

Theme::Tone Theme::toneOf(plainkey::Tone tone)
{
    switch (tone) {
    case plainkey::Tone::Good: return Tone::Success;
    case plainkey::Tone::Warning: return Tone::Warning;
    case plainkey::Tone::Bad: return Tone::Error;
    case plainkey::Tone::Neutral: return Tone::Muted;
    }
    return Tone::Muted;
}

void Theme::setTextTone(QWidget *widget, Tone tone)
{
    widget->setProperty(kToneProperty, int(tone));
    QPalette p = widget->palette();
    const QColor c = color(tone, QApplication::palette());
    p.setColor(QPalette::WindowText, c);
    p.setColor(QPalette::Text, c);
    widget->setPalette(p);
}

void Theme::clearTextTone(QWidget *widget)
{
    widget->setProperty(kToneProperty, QVariant());
    widget->setPalette(QPalette());
}

Theme::Mode Theme::current()
{
    return g_mode;
}

QString Theme::modeName(Mode mode)
{
    switch (mode) {
    case Mode::System: return QStringLiteral("system");
    case Mode::Light: return QStringLiteral("light");
    case Mode::Dark: return QStringLiteral("dark");
    }
    return QStringLiteral("system");
}

Theme::Mode Theme::modeFromName(const QString &name)
{
    if (name == QLatin1String("light"))
        return Mode::Light;
    if (name == QLatin1String("dark"))
        return Mode::Dark;
    return Mode::System;
}

QPalette Theme::lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xf4, 0xf5, 0xf7));
    p.setColor(QPalette::WindowText, QColor(0x1d, 0x20, 0x26));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf2, 0xf5));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe8));
    p.setColor(QPalette::ToolTipText, QColor(0x1d, 0x20, 0x26));
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x86, 0x90));
    p.setColor(QPalette::Text, QColor(0x1d, 0x20, 0x26));
    p.setColor(QPalette::Button, QColor(0xe9, 0xeb, 0xef));
    p.setColor(QPalette::ButtonText, QColor(0x1d, 0x20, 0x26));
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, QColor(0xe3, 0xe5, 0xe9));
    p.setColor(QPalette::Mid, QColor(0xb8, 0xbc, 0xc4));
    p.setColor(QPalette::Dark, QColor(0x9a, 0x9f, 0xa8));
    p.setColor(QPalette::Shadow, QColor(0x60, 0x64, 0x6c));
    p.setColor(QPalette::Highlight, QColor(0x2a, 0x6f, 0xdb));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x1a, 0x5f, 0xc8));
    p.setColor(QPalette::LinkVisited, QColor(0x6a, 0x3f, 0xb8));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x9a, 0x9f, 0xa8));
    return p;
}

QPalette Theme::darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x25, 0x27, 0x2c));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::Base, QColor(0x1b, 0x1d, 0x21));
    p.setColor(QPalette::AlternateBase, QColor(0x23, 0x25, 0x2a));
    p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x36, 0x3c));
    p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x99));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::Button, QColor(0x32, 0x35, 0x3b));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x50));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x44));
    p.setColor(QPalette::Mid, QColor(0x2c, 0x2f, 0x35));
    p.setColor(QPalette::Dark, QColor(0x16, 0x18, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xe6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7a, 0xb0, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb8, 0x9a, 0xf0));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x70, 0x75, 0x7d));
    return p;
}

bool Theme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor Theme::color(Tone tone, const QPalette &palette)
{
    switch (tone) {
    case Tone::Success: return pick(palette, QColor(0x1a, 0x7f, 0x37), QColor(0x5f, 0xd0, 0x7e));
    case Tone::Warning: return pick(palette, QColor(0x9a, 0x5b, 0x00), QColor(0xf0, 0xb4, 0x4c));
    case Tone::Error: return pick(palette, QColor(0xc0, 0x1c, 0x28), QColor(0xff, 0x7b, 0x72));
    case Tone::Muted: return pick(palette, QColor(0x68, 0x6e, 0x78), QColor(0x9a, 0xa0, 0xa8));
    case Tone::Info: return pick(palette, QColor(0x1a, 0x5f, 0xc8), QColor(0x7a, 0xb0, 0xff));
    case Tone::Demo: return pick(palette, QColor(0x0b, 0x6e, 0x79), QColor(0x5f, 0xc9, 0xd4));
    case Tone::Live: return pick(palette, QColor(0xa3, 0x3a, 0x00), QColor(0xff, 0x9e, 0x5e));
    case Tone::Redacted: return pick(palette, QColor(0x8a, 0x3f, 0xb8), QColor(0xc9, 0x9c, 0xf5));
    }
    return palette.color(QPalette::Text);
}

QColor Theme::tint(Tone tone, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor c = color(tone, palette);
    const qreal a = isDark(palette) ? 0.22 : 0.13;
    return QColor::fromRgbF(base.redF() * (1 - a) + c.redF() * a, base.greenF() * (1 - a) + c.greenF() * a,
                            base.blueF() * (1 - a) + c.blueF() * a);
}

QColor Theme::banner(Tone tone, const QPalette &palette)
{
    switch (tone) {
    case Tone::Demo: return pick(palette, QColor(0x0b, 0x6e, 0x79), QColor(0x0d, 0x5b, 0x64));
    case Tone::Live: return pick(palette, QColor(0xb3, 0x40, 0x00), QColor(0x9a, 0x3a, 0x05));
    case Tone::Error: return pick(palette, QColor(0xb4, 0x1c, 0x28), QColor(0x8e, 0x1c, 0x24));
    default: return pick(palette, QColor(0x55, 0x5b, 0x66), QColor(0x45, 0x4a, 0x53));
    }
}

} // namespace plainkey::gui
