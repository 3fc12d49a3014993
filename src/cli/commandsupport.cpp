#include "cli/commandsupport.h"

#include "cli/cliapp.h"
#include "core/users/userlookup.h"

#include <QEventLoop>

namespace plainkey::cli {

const QCommandLineOption &byNameOption()
{
    static const QCommandLineOption option(QStringLiteral("by-name"),
            QStringLiteral("USER is a user name, not a user ID (user, passkeys and passkey commands)."));
    return option;
}

const QCommandLineOption &clearOption()
{
    static const QCommandLineOption option(QStringLiteral("clear"),
            QStringLiteral("user rename: remove the user name; passkey label: remove the label."));
    return option;
}

UserIdentifier userArgument(CliApp &app, const QString &text)
{
    return app.parser().isSet(byNameOption()) ? UserIdentifier::byName(text) : UserIdentifier::byId(text);
}

std::optional<UserIdentifier> takeUserArgument(CliApp &app, const QStringList &args, const QString &command)
{
    if (args.size() != 1) {
        app.usage(QStringLiteral("%1 takes one USER: a user ID, or a user name with --by-name").arg(command));
        return std::nullopt;
    }
    const UserIdentifier who = userArgument(app, args.first());
    if (!who.problem().isEmpty()) {
        app.usage(who.problem());
        return std::nullopt;
    }
    if (!app.prepareCredentials())
        return std::nullopt;
    return who;
}

std::optional<QString> takePasskeyArgument(CliApp &app, const QStringList &args, const QString &command)
{
    if (args.size() != 1 || args.first().trimmed().isEmpty()) {
        app.usage(QStringLiteral("%1 takes one passkey ID").arg(command));
        return std::nullopt;
    }
    if (!app.prepareCredentials())
        return std::nullopt;
    return args.first();
}

Result<User> waitLookUp(CliApp &app, const UserIdentifier &who)
{
    std::optional<Result<User>> result;
    QEventLoop loop;
    lookUpUser(app.client(), who, nullptr, [&](const Result<User> &r) {
        result.emplace(r);
        loop.quit();
    });
    loop.exec();
    return *result;
}

} // namespace plainkey::cli
