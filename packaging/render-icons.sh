#!/usr/bin/env bash
# Renders the application icon's PNG sizes for the hicolor theme from its SVG, which is the
# source: resources/icons/hicolor/scalable/apps/ID.svg -> resources/icons/hicolor/NxN/apps/ID.png.
# The PNGs are committed (a build needs no SVG renderer); run this after changing the SVG.
# Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
id=io.plainkey.Console
svg=resources/icons/hicolor/scalable/apps/$id.svg
for size in 16 22 24 32 48 64 128 256; do
    mkdir -p "resources/icons/hicolor/${size}x${size}/apps"
    rsvg-convert --width "$size" --height "$size" "$svg" -o "resources/icons/hicolor/${size}x${size}/apps/$id.png"
done
