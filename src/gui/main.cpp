// plainkey-console: the PlainKey Console desktop program.
#include "core/log/slicedrelease.h"
#include "gui/theme/theme.h"
#include "gui/window/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QStyleFactory>

#include <cstdio>

using namespace plainkey::gui;

namespace {

void printAndFlush(const QString &text)
{
    std::fputs(qPrintable(text), stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    plainkey::SlicedRelease::tuneAllocator();
    QApplication::setOrganizationName(QStringLiteral("PlainKey"));
    QApplication::setOrganizationDomain(QStringLiteral("plainkey.io"));
    QApplication::setApplicationName(QStringLiteral("PlainKey Console"));
    QApplication::setApplicationVersion(QStringLiteral(PLAINKEY_VERSION));

    QCommandLineParser parser;
    // Qt's own options are single-dash words (-platform, -reverse): read as long options, never
    // as bundles of letters ("-reverse" would otherwise hold -v).
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(QStringLiteral(
            "Connect to a PlainKey project, watch its access token, verify authentication tokens and read the request log.\n"
            "With no saved connection it starts in demo mode, on an emulator inside the program."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption demoOption(QStringLiteral("demo"), QStringLiteral("Start in demo mode, whatever connection was saved."));
    const QCommandLineOption themeOption(QStringLiteral("theme"), QStringLiteral("Colours: system, light or dark (remembered)."),
                                         QStringLiteral("name"));
    const QCommandLineOption presenterOption(
            QStringLiteral("presenter"),
            QStringLiteral("Start in presenter mode: secrets, user IDs, e-mail and IP addresses masked on screen, a larger font."));
    parser.addOption(demoOption);
    parser.addOption(presenterOption);
    parser.addOption(themeOption);

    // --help and --version are answered before the GUI exists, so they work without a display
    // (in a terminal over ssh, for the man page made from this help at build time). Qt's own
    // options (-platform, -style...) are unknown to this first parse and removed by QApplication,
    // so errors wait for the second parse below. QCommandLineParser names the program after
    // QCoreApplication's first argument, which does not exist yet: the help says it itself.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    parser.parse(arguments);
    if (parser.isSet(helpOption) || parser.isSet(QStringLiteral("help-all"))) {
        QString help = parser.helpText();
        help.replace(QLatin1String("<executable_name>"), QLatin1String("plainkey-console"));
        printAndFlush(help);
        return 0;
    }
    if (parser.isSet(versionOption)) {
        printAndFlush(QStringLiteral("plainkey-console %1\n").arg(QStringLiteral(PLAINKEY_VERSION)));
        return 0;
    }

    QApplication app(argc, argv);
    // The desktop entry's name without .desktop: Wayland compositors and task bars match the
    // window to the menu entry (and its icon) by it.
    QGuiApplication::setDesktopFileName(QStringLiteral(PLAINKEY_APP_ID));
    // The installed theme icon when there is one, else the same picture from the resources.
    QIcon bundled;
    for (const int size : {16, 22, 24, 32, 48, 64, 128, 256})
        bundled.addFile(QStringLiteral(":/plainkey/console/icons/hicolor/%1x%1/apps/%2.png").arg(size).arg(QStringLiteral(PLAINKEY_APP_ID)),
                        QSize(size, size));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral(PLAINKEY_APP_ID), bundled));
    // Fusion draws the light and dark palettes the same on every platform.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    parser.process(app);

    ConsoleOptions options;
    if (parser.isSet(demoOption))
        options.start = ConsoleOptions::Start::Demo;
    options.presenter = parser.isSet(presenterOption);
    if (parser.isSet(themeOption)) {
        const QString name = parser.value(themeOption);
        if (name != QLatin1String("system") && name != QLatin1String("light") && name != QLatin1String("dark")) {
            qCritical("plainkey-console: --theme takes system, light or dark, not %s", qPrintable(name));
            return 2;
        }
        QSettings().setValue(QStringLiteral("view/theme"), name);
    }

    MainWindow window(options);
    window.show();
    return app.exec();
}
