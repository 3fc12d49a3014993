// plainkey-cli profile add, list, remove, set-secret, import, export; and --profile.
#include "cli/cliapp.h"
#include "cli/profileoptions.h"

#include "core/profile/profilestore.h"
#include "core/profile/secretstore.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSaveFile>

namespace plainkey::cli {

namespace {

const QCommandLineOption kindOption(QStringLiteral("kind"), QStringLiteral("profile add: demo, local, staging or production "
                                                                          "(default: local for this machine, else production)."),
                                    QStringLiteral("kind"));
const QCommandLineOption colorOption(QStringLiteral("color"), QStringLiteral("profile add: the console's colour for it, #rrggbb."),
                                     QStringLiteral("color"));

//! The keychain service: PLAINKEY_KEYCHAIN_SERVICE (tests use their own), else the console's.
QString keychainService()
{
    const QString fromEnv = qEnvironmentVariable("PLAINKEY_KEYCHAIN_SERVICE");
    return fromEnv.isEmpty() ? QStringLiteral("PlainKey Console") : fromEnv;
}

SecretStore::Outcome waitWrite(const QString &key, const QString &secret)
{
    SecretStore store(keychainService());
    SecretStore::Outcome out;
    QEventLoop loop;
    store.write(key, secret, nullptr, [&](const SecretStore::Outcome &o) {
        out = o;
        loop.quit();
    });
    loop.exec();
    return out;
}

SecretStore::Outcome waitRemove(const QString &key)
{
    SecretStore store(keychainService());
    SecretStore::Outcome out;
    QEventLoop loop;
    store.remove(key, nullptr, [&](const SecretStore::Outcome &o) {
        out = o;
        loop.quit();
    });
    loop.exec();
    return out;
}

QString describeKnown(const ProfileStore &store)
{
    if (store.profiles().isEmpty())
        return QStringLiteral("there are no profiles yet (add one with: plainkey-cli profile add NAME --base-url URL --project-id ID)");
    return QStringLiteral("the profiles are: %1").arg(store.names().join(QLatin1String(", ")));
}

//! The store, loaded; nullopt after a usage error when its file cannot be read.
std::optional<ProfileStore> loadStore(CliApp &app)
{
    ProfileStore store;
    if (!store.load()) {
        app.usage(store.errorString());
        return std::nullopt;
    }
    return store;
}

//! The profile named \a name, or nullopt after a usage error that names it and the known ones.
std::optional<Profile> findOrFail(CliApp &app, const ProfileStore &store, const QString &name)
{
    auto p = store.find(name);
    if (!p)
        app.usage(QStringLiteral("unknown profile \u201c%1\u201d; %2").arg(name, describeKnown(store)));
    return p;
}

int saveOrFail(CliApp &app, ProfileStore &store)
{
    if (store.save())
        return ExitOk;
    app.err() << "plainkey-cli: " << CliApp::oneLine(store.errorString()) << '\n';
    app.err().flush();
    return ExitFailure;
}

int addCommand(CliApp &app, const QStringList &args)
{
    if (args.size() != 1)
        return app.usage(QStringLiteral("profile add takes one NAME (quote it if it has spaces)"));
    QCommandLineParser &parser = app.parser();
    if (!parser.isSet(QStringLiteral("base-url")) || !parser.isSet(QStringLiteral("project-id")))
        return app.usage(QStringLiteral("profile add needs --base-url URL and --project-id ID"));
    Profile p;
    p.name = args.first();
    p.baseUrl = QUrl(parser.value(QStringLiteral("base-url")), QUrl::StrictMode);
    p.projectId = parser.value(QStringLiteral("project-id"));
    p.kind = Profile::guessKind(p.baseUrl);
    if (parser.isSet(kindOption)) {
        const auto kind = Profile::kindFromName(parser.value(kindOption));
        if (!kind)
            return app.usage(QStringLiteral("--kind takes %1, not \u201c%2\u201d").arg(Profile::kindNames().join(QLatin1String(", ")),
                                                                                      parser.value(kindOption)));
        p.kind = *kind;
    }
    p.color = parser.value(colorOption);
    auto store = loadStore(app);
    if (!store)
        return ExitUsage;
    if (!store->put(p))
        return app.usage(store->errorString());
    if (const int code = saveOrFail(app, *store))
        return code;
    if (app.json()) {
        app.printJson(p.toJson());
    } else {
        app.out() << "Added profile \u201c" << p.name << "\u201d (" << Profile::kindName(p.kind) << "). Save its client secret in the "
                  << "system keychain with: plainkey-cli profile set-secret \"" << p.name << "\" --secret-stdin\n";
        app.out().flush();
    }
    return ExitOk;
}

int listCommand(CliApp &app, const QStringList &args)
{
    if (!args.isEmpty())
        return app.usage(QStringLiteral("profile list takes no arguments"));
    auto store = loadStore(app);
    if (!store)
        return ExitUsage;
    if (app.json()) {
        QJsonArray list;
        for (const Profile &p : store->profiles())
            list.append(p.toJson());
        app.printJson(QJsonObject{{QStringLiteral("file"), store->path()}, {QStringLiteral("profiles"), list}});
        return ExitOk;
    }
    if (store->profiles().isEmpty()) {
        app.out() << "No profiles in " << store->path() << ". Add one with: plainkey-cli profile add NAME --base-url URL --project-id ID\n";
        app.out().flush();
        return ExitOk;
    }
    int nameWidth = 4;
    for (const Profile &p : store->profiles())
        nameWidth = qMax(nameWidth, int(p.name.size()));
    QTextStream &out = app.out();
    out << QStringLiteral("NAME").leftJustified(nameWidth) << "  " << QStringLiteral("KIND").leftJustified(10) << "  "
        << QStringLiteral("PROJECT").leftJustified(16) << "  BASE URL\n";
    for (const Profile &p : store->profiles()) {
        out << CliApp::oneLine(p.name).leftJustified(nameWidth) << "  " << Profile::kindName(p.kind).leftJustified(10) << "  "
            << CliApp::oneLine(p.projectId).leftJustified(16) << "  " << p.baseUrl.toString() << '\n';
    }
    out.flush();
    return ExitOk;
}

int removeCommand(CliApp &app, const QStringList &args)
{
    if (args.size() != 1)
        return app.usage(QStringLiteral("profile remove takes one NAME"));
    auto store = loadStore(app);
    if (!store)
        return ExitUsage;
    const auto p = findOrFail(app, *store, args.first());
    if (!p)
        return ExitUsage;
    store->remove(p->name);
    if (const int code = saveOrFail(app, *store))
        return code;
    // Its secret goes with it: a secret nobody can name any more is one nobody will remove.
    const SecretStore::Outcome o = waitRemove(p->secretKey());
    if (!o.ok) {
        app.err() << "plainkey-cli: the profile was removed, but its secret could not be removed from the keychain: "
                  << CliApp::oneLine(o.message) << '\n';
        app.err().flush();
    }
    if (!app.json()) {
        app.out() << "Removed profile \u201c" << p->name << "\u201d" << (o.ok ? " and its secret in the system keychain" : "") << ".\n";
        app.out().flush();
    } else {
        app.printJson(QJsonObject{{QStringLiteral("removed"), p->name}, {QStringLiteral("secretRemoved"), o.ok}});
    }
    return ExitOk;
}

int setSecretCommand(CliApp &app, const QStringList &args)
{
    if (args.size() != 1)
        return app.usage(QStringLiteral("profile set-secret takes one NAME"));
    if (!app.parser().isSet(QStringLiteral("secret-stdin")))
        return app.usage(QStringLiteral("profile set-secret reads the secret from standard input only: pass --secret-stdin "
                                        "(a secret as an argument would be visible to other users)"));
    auto store = loadStore(app);
    if (!store)
        return ExitUsage;
    const auto p = findOrFail(app, *store, args.first());
    if (!p)
        return ExitUsage;
    const auto data = app.readStdin(QStringLiteral("the client secret"), CliApp::maxSecretBytes);
    if (!data)
        return ExitUsage;
    const QString secret = QString::fromUtf8(data->left(data->indexOf('\n'))).trimmed();
    if (secret.isEmpty())
        return app.usage(QStringLiteral("--secret-stdin was given but standard input had no secret on its first line"));
    const SecretStore::Outcome o = waitWrite(p->secretKey(), secret);
    if (!o.ok) {
        app.err() << "plainkey-cli: " << CliApp::oneLine(o.message) << '\n';
        app.err().flush();
        return ExitFailure;
    }
    app.out() << "The client secret of profile \u201c" << p->name << "\u201d is saved in the system keychain.\n";
    app.out().flush();
    return ExitOk;
}

int importCommand(CliApp &app, const QStringList &args)
{
    if (args.size() != 1)
        return app.usage(QStringLiteral("profile import takes one FILE (- for standard input)"));
    QByteArray data;
    if (args.first() == QLatin1String("-")) {
        const auto in = app.readStdin(QStringLiteral("the profiles"), 4 * 1024 * 1024);
        if (!in)
            return ExitUsage;
        data = *in;
    } else {
        QFile file(args.first());
        if (!file.open(QIODevice::ReadOnly))
            return app.usage(QStringLiteral("cannot read %1: %2").arg(args.first(), file.errorString()));
        data = file.read(4 * 1024 * 1024 + 1);
    }
    QStringList notes;
    QString error;
    const auto imported = ProfileStore::parseImport(data, &notes, &error);
    if (!imported)
        return app.usage(QStringLiteral("%1: %2; nothing was imported").arg(args.first(), error));
    for (const QString &note : std::as_const(notes))
        app.err() << "plainkey-cli: " << CliApp::oneLine(note) << '\n';
    app.err().flush();
    auto store = loadStore(app);
    if (!store)
        return ExitUsage;
    QStringList taken;
    for (const Profile &p : *imported) {
        if (store->contains(p.name))
            taken.append(p.name);
    }
    if (!taken.isEmpty())
        return app.usage(QStringLiteral("profiles with these names exist already: %1; remove them first (nothing was imported)")
                                 .arg(taken.join(QLatin1String(", "))));
    for (const Profile &p : *imported)
        store->put(p);
    if (const int code = saveOrFail(app, *store))
        return code;
    app.out() << "Imported " << imported->size() << (imported->size() == 1 ? " profile" : " profiles")
              << ". Secrets are not imported: set them with plainkey-cli profile set-secret NAME --secret-stdin.\n";
    app.out().flush();
    return ExitOk;
}

int exportCommand(CliApp &app, const QStringList &args)
{
    if (args.isEmpty())
        return app.usage(QStringLiteral("profile export takes a FILE (- for standard output), then the profiles to export (all if none)"));
    auto store = loadStore(app);
    if (!store)
        return ExitUsage;
    const QStringList names = args.mid(1);
    for (const QString &name : names) {
        if (!findOrFail(app, *store, name))
            return ExitUsage;
    }
    const QByteArray json = store->exportJson(names);
    if (args.first() == QLatin1String("-")) {
        app.out() << json;
        app.out().flush();
        return ExitOk;
    }
    QSaveFile file(args.first());
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
        app.err() << "plainkey-cli: could not write " << args.first() << ": " << file.errorString() << '\n';
        app.err().flush();
        return ExitFailure;
    }
    app.out() << "Exported " << (names.isEmpty() ? store->profiles().size() : names.size()) << " profile(s) to " << args.first()
              << " (no secrets).\n";
    app.out().flush();
    return ExitOk;
}

const CommandRegistration registration({
        {{QStringLiteral("profile"), QStringLiteral("add")}, QStringLiteral("NAME"),
         QStringLiteral("Save a profile (--base-url, --project-id, [--kind], [--color])."), addCommand, {kindOption, colorOption}},
        {{QStringLiteral("profile"), QStringLiteral("list")}, QString(), QStringLiteral("List the saved profiles."), listCommand},
        {{QStringLiteral("profile"), QStringLiteral("remove")}, QStringLiteral("NAME"),
         QStringLiteral("Remove a profile and its secret in the keychain."), removeCommand},
        {{QStringLiteral("profile"), QStringLiteral("set-secret")}, QStringLiteral("NAME"),
         QStringLiteral("Save a profile's client secret in the system keychain (--secret-stdin)."), setSecretCommand},
        {{QStringLiteral("profile"), QStringLiteral("import")}, QStringLiteral("FILE"),
         QStringLiteral("Add the profiles of a JSON file (secrets in it are left out)."), importCommand},
        {{QStringLiteral("profile"), QStringLiteral("export")}, QStringLiteral("FILE [NAME...]"),
         QStringLiteral("Write profiles as JSON, without secrets."), exportCommand},
});

} // namespace

const QCommandLineOption &profileOption()
{
    static const QCommandLineOption option(QStringLiteral("profile"),
            QStringLiteral("Use a saved profile's base URL, project ID and keychain secret (the PLAINKEY_* variables and the "
                           "options above win); with history: only that profile's exchanges."),
            QStringLiteral("name"));
    return option;
}

std::optional<Profile> profileFromOption(CliApp &app, bool *ok)
{
    *ok = true;
    if (!app.parser().isSet(profileOption()))
        return std::nullopt;
    auto store = loadStore(app);
    const auto p = store ? findOrFail(app, *store, app.parser().value(profileOption())) : std::nullopt;
    *ok = p.has_value();
    return p;
}

QString profileSecret(const Profile &profile, QString *why)
{
    SecretStore store(keychainService());
    QString secret;
    QEventLoop loop;
    store.read(profile.secretKey(), nullptr, [&](const std::optional<QString> &s, const SecretStore::Outcome &o) {
        if (s)
            secret = *s;
        else if (why)
            *why = o.notFound ? QString() : o.message;
        loop.quit();
    });
    loop.exec();
    return secret;
}

} // namespace plainkey::cli
