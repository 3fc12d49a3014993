#pragma once

#include "core/text/tone.h"

#include <QColor>
#include <QPalette>
#include <QString>

class QWidget;

namespace plainkey::gui {

//! The console's light and dark palettes, and the few colours that carry meaning
//! (success, warning, error, demo, live), chosen to read well on either.
class Theme
{
public:
    enum class Mode { System, Light, Dark };
    //! Colours with a meaning; the palette decides their light or dark variant.
    enum class Tone { Success, Warning, Error, Muted, Info, Demo, Live, Redacted };
    //! The colour of a core decision's tone: Good, Warning, Bad, Neutral.
    static Tone toneOf(plainkey::Tone tone);

    //! Applies \a mode to the application (Fusion style, so both palettes look the same everywhere).
    static void apply(Mode mode);
    static Mode current();
    static QString modeName(Mode mode);
    static Mode modeFromName(const QString &name);

    static QPalette lightPalette();
    static QPalette darkPalette();
    //! True when \a palette has light text on a dark window.
    static bool isDark(const QPalette &palette);
    //! Text colour of \a tone on \a palette's window or base.
    static QColor color(Tone tone, const QPalette &palette);
    //! A faint background tint of \a tone, for table rows and banners.
    static QColor tint(Tone tone, const QPalette &palette);
    //! A strong background colour of \a tone with readable text on it (for the banner).
    static QColor banner(Tone tone, const QPalette &palette);

    //! Colours \a widget's text with \a tone, and again whenever the theme changes.
    static void setTextTone(QWidget *widget, Tone tone);
    //! Back to the palette's own text colour.
    static void clearTextTone(QWidget *widget);
};

} // namespace plainkey::gui
