#include "cliapp.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("plainkey-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKey Console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION_STRING));
    plainkey::cli::CliApp cli;
    return cli.run(QCoreApplication::arguments());
}
