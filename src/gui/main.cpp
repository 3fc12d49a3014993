// plainkey-console: the PlainKey Console desktop program.
#include "theme/theme.h"
#include "window/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QStyleFactory>

using namespace plainkey::gui;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PlainKey"));
    QApplication::setOrganizationDomain(QStringLiteral("plainkey.io"));
    QApplication::setApplicationName(QStringLiteral("PlainKey Console"));
    QApplication::setApplicationVersion(QStringLiteral(PLAINKEY_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/plainkey/console/icons/plainkey.png")));
    // Fusion draws the light and dark palettes the same on every platform.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Connect to a PlainKey project, watch its access token, verify authentication tokens and read the request log.\n"
            "With no saved connection it starts in demo mode, on an emulator inside the program."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(QStringLiteral("demo"), QStringLiteral("Start in demo mode, whatever connection was saved."));
    const QCommandLineOption themeOption(QStringLiteral("theme"), QStringLiteral("Colours: system, light or dark (remembered)."),
                                         QStringLiteral("name"));
    const QCommandLineOption presenterOption(
            QStringLiteral("presenter"),
            QStringLiteral("Start in presenter mode: secrets, user IDs, e-mail and IP addresses masked on screen, a larger font."));
    parser.addOption(demoOption);
    parser.addOption(presenterOption);
    parser.addOption(themeOption);
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
