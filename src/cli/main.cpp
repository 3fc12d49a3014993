#include "cli/cliapp.h"

#include <QCoreApplication>
#include <QLoggingCategory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("plainkey-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKey Console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION_STRING));
    // Diagnostics stay quiet unless asked for (QT_LOGGING_RULES); --verbose prints the exchanges.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("plainkey.*.info=false"));
    plainkey::cli::CliApp cli;
    return cli.run(QCoreApplication::arguments());
}
