// Coloured text stays readable on both palettes: the theme's tones, and the import dialog's
// per-row statuses, keep at least WCAG's 3:1 contrast against the background they sit on.

#include "gui/theme/theme.h"
#include "gui/users/importrowmodel.h"

#include <QApplication>
#include <QBrush>
#include <QTest>

#include <cmath>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

double luminance(const QColor &c)
{
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a) + 0.05;
    const double lb = luminance(b) + 0.05;
    return std::max(la, lb) / std::min(la, lb);
}

} // namespace

class tst_ThemeContrast : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QApplication::setStyle(QStringLiteral("Fusion")); }
    void tonesAreReadable_data();
    void tonesAreReadable();
    void importStatusesAreReadable_data();
    void importStatusesAreReadable();
};

void tst_ThemeContrast::tonesAreReadable_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("light") << int(Theme::Mode::Light);
    QTest::newRow("dark") << int(Theme::Mode::Dark);
}

void tst_ThemeContrast::tonesAreReadable()
{
    QFETCH(int, mode);
    Theme::apply(Theme::Mode(mode));
    const QPalette p = QApplication::palette();
    for (Theme::Tone tone : {Theme::Tone::Success, Theme::Tone::Warning, Theme::Tone::Error}) {
        for (QPalette::ColorRole background : {QPalette::Window, QPalette::Base}) {
            const double ratio = contrast(Theme::color(tone, p), p.color(background));
            QVERIFY2(ratio >= 3.0, qPrintable(QStringLiteral("tone %1 on role %2: %3:1").arg(int(tone)).arg(int(background)).arg(ratio)));
        }
    }
}

void tst_ThemeContrast::importStatusesAreReadable_data()
{
    tonesAreReadable_data();
}

void tst_ThemeContrast::importStatusesAreReadable()
{
    QFETCH(int, mode);
    Theme::apply(Theme::Mode(mode));
    const QPalette p = QApplication::palette();
    ImportRowModel model;
    QList<ImportRow> rows;
    for (auto status : {ImportRow::Status::Created, ImportRow::Status::Failed, ImportRow::Status::Invalid, ImportRow::Status::Uncertain}) {
        ImportRow r;
        r.line = int(rows.size()) + 2;
        r.userName = QStringLiteral("user%1@example.com").arg(rows.size());
        r.status = status;
        rows.append(r);
    }
    model.setRows(rows);
    for (int row = 0; row < model.rowCount(); ++row) {
        const QVariant brush = model.data(model.index(row, ImportRowModel::Status), Qt::ForegroundRole);
        QVERIFY2(brush.canConvert<QBrush>(), "a finished row's status is coloured");
        const double ratio = contrast(brush.value<QBrush>().color(), p.color(QPalette::Base));
        QVERIFY2(ratio >= 3.0, qPrintable(QStringLiteral("row %1: %2:1").arg(row).arg(ratio)));
    }
}

QTEST_MAIN(tst_ThemeContrast)
#include "tst_themecontrast.moc"
