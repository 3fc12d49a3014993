// plainkey-cli passkeys list, passkey get|delete|label|begin
#include "cli/cliapp.h"
#include "cli/commandsupport.h"

#include "core/log/redactor.h"
#include "core/net/transport.h"
#include "core/users/aaguidcatalog.h"
#include "core/users/passkeyops.h"
#include "core/users/passkeysummary.h"
#include "core/users/userops.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace plainkey::cli {

namespace {

QJsonObject passkeyJson(const Passkey &p)
{
    QJsonObject o = p.toJson();
    // Added by the CLI from its AAGUID table; not a PlainKey field.
    const auto name = p.authenticatorName();
    o.insert(QStringLiteral("authenticatorName"), name ? QJsonValue(*name) : QJsonValue(QJsonValue::Null));
    return o;
}

//! The summary the Users tab and the troubleshooter show, for scripts.
QJsonObject summaryJson(const PasskeySummary &s)
{
    QJsonArray anomalies;
    for (const auto &a : s.counterAnomalies)
        anomalies.append(QJsonObject{{QStringLiteral("passkeyId"), a.passkeyId},
                                     {QStringLiteral("counter"), double(a.counter)},
                                     {QStringLiteral("text"), a.text}});
    return QJsonObject{{QStringLiteral("coverage"), PasskeySummary::coverageName(s.coverage)},
                       {QStringLiteral("total"), s.total},
                       {QStringLiteral("synced"), s.synced},
                       {QStringLiteral("singleDevice"), s.singleDevice},
                       {QStringLiteral("unknownType"), s.unknownType},
                       {QStringLiteral("neverUsed"), s.neverUsed},
                       {QStringLiteral("lastUsedAt"), s.lastUsed ? QJsonValue(s.lastUsed->isoText()) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("lastUsedPasskeyId"), s.lastUsed ? QJsonValue(s.lastUsedPasskeyId) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("counterAnomalies"), anomalies}};
}

QString timeText(const PasskeyTime &t, const QDateTime &now)
{
    if (!t.isSet())
        return QStringLiteral("never");
    const QString relative = t.relativeText(now);
    return relative.isEmpty() ? t.absoluteText() : QStringLiteral("%1 (%2)").arg(t.absoluteText(), relative);
}

QString authenticatorText(const Passkey &p)
{
    QString s = AaguidCatalog::instance().describe(p.aaguid);
    if (p.authenticatorType && !p.authenticatorType->isEmpty())
        s += QStringLiteral(" [%1]").arg(*p.authenticatorType);
    return s;
}

void printPasskey(CliApp &app, const Passkey &p)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Labels and IDs come from PlainKey: a line break or terminal escape in one stays visible, inert.
    const auto line = [](const QString &value) { return CliApp::oneLine(value, 0) + QLatin1Char('\n'); };
    QTextStream &o = app.out();
    o << "Passkey ID:      " << line(p.id)
      << "User ID:         " << line(p.userId)
      << "Label:           " << line(p.labelText())
      << "Authenticator:   " << line(authenticatorText(p))
      << "AAGUID:          " << line(p.aaguid.value_or(QStringLiteral("(none)")))
      << "Device type:     " << line(p.credentialDeviceType ? p.deviceTypeText() : QStringLiteral("unknown"))
      << "Backed up:       " << line(p.backedUpText())
      << "Transports:      " << line(p.transportsText())
      << "Created:         " << line(timeText(p.createdAt, now))
      << "Updated:         " << line(timeText(p.updatedAt, now))
      << "Last used:       " << line(timeText(p.lastUsedAt, now))
      << "Counter:         " << line(p.counter ? QString::number(*p.counter) : QStringLiteral("unknown"))
      << "WebAuthn ID:     " << line(p.webAuthnId.value_or(QStringLiteral("(none)")));
    o.flush();
}

void printTable(CliApp &app, const QList<QStringList> &table)
{
    // A label or name must not break the table: cells on one line each.
    QList<QStringList> rows;
    for (const QStringList &r : table) {
        QStringList cells;
        for (const QString &c : r)
            cells.append(CliApp::oneLine(c, 0));
        rows.append(cells);
    }
    QList<int> widths;
    for (const QStringList &r : rows) {
        for (int i = 0; i < r.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], int(r.at(i).size()));
        }
    }
    for (const QStringList &r : rows) {
        QString line;
        for (int i = 0; i < r.size(); ++i)
            line += i + 1 < r.size() ? r.at(i).leftJustified(widths.at(i) + 2) : r.at(i);
        app.out() << line << '\n';
    }
    app.out().flush();
}

int passkeysList(CliApp &app, const QStringList &args)
{
    const auto who = takeUserArgument(app, args, QStringLiteral("passkeys list"));
    if (!who)
        return ExitUsage;
    // The list is by user ID only: a name is looked up first.
    QString userId = who->value;
    QString whose = QStringLiteral("user ID %1").arg(userId);
    if (who->isName()) {
        const Result<User> user = waitLookUp(app, *who);
        if (!user)
            return app.fail(user.error());
        userId = user->id;
        whose = QStringLiteral("\u201c%1\u201d (ID %2)").arg(CliApp::oneLine(who->value, 0), userId);
    }
    const Result<QList<Passkey>> passkeys = app.wait<ListPasskeys>(userId);
    if (!passkeys)
        return app.fail(passkeys.error());
    const PasskeySummary summary = PasskeySummary::of(passkeys.value());
    if (app.json()) {
        QJsonArray list;
        for (const Passkey &p : passkeys.value())
            list.append(passkeyJson(p));
        app.printJson(QJsonObject{{QStringLiteral("userId"), userId}, {QStringLiteral("passkeys"), list},
                                  {QStringLiteral("summary"), summaryJson(summary)}});
        return ExitOk;
    }
    // Standard output keeps to the table; what cannot be right goes beside it.
    for (const auto &a : summary.counterAnomalies)
        app.err() << "Warning: " << CliApp::oneLine(a.text, 0) << '\n';
    app.err().flush();
    if (summary.coverage == PasskeySummary::Coverage::None) {
        app.out() << "No passkeys: " << whose << " cannot sign in with a passkey until one is added (passkey begin).\n";
        app.out().flush();
        return ExitOk;
    }
    app.out() << passkeys->size() << (passkeys->size() == 1 ? " passkey of " : " passkeys of ") << whose << ":\n";
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("LABEL"), QStringLiteral("AUTHENTICATOR"), QStringLiteral("DEVICE TYPE"),
                             QStringLiteral("BACKED UP"), QStringLiteral("TRANSPORTS"), QStringLiteral("CREATED"), QStringLiteral("LAST USED"),
                             QStringLiteral("COUNTER")}};
    for (const Passkey &p : passkeys.value()) {
        rows.append({p.id, p.labelText(), authenticatorText(p),
                     p.credentialDeviceType.value_or(QStringLiteral("unknown")), p.backedUpText(), p.transportsText(),
                     timeText(p.createdAt, now), timeText(p.lastUsedAt, now),
                     p.counter ? QString::number(*p.counter) : QStringLiteral("-")});
    }
    printTable(app, rows);
    return ExitOk;
}

int passkeyGet(CliApp &app, const QStringList &args)
{
    const auto id = takePasskeyArgument(app, args, QStringLiteral("passkey get"));
    if (!id)
        return ExitUsage;
    const Result<Passkey> passkey = app.wait<GetPasskey>(*id);
    if (!passkey)
        return app.fail(passkey.error());
    if (app.json())
        app.printJson(passkeyJson(passkey.value()));
    else
        printPasskey(app, passkey.value());
    return ExitOk;
}

int passkeyDelete(CliApp &app, const QStringList &args)
{
    const auto id = takePasskeyArgument(app, args, QStringLiteral("passkey delete"));
    if (!id)
        return ExitUsage;
    // Say which passkey of whom goes, before asking.
    const Result<Passkey> passkey = app.wait<GetPasskey>(*id);
    if (!passkey)
        return app.fail(passkey.error());
    const Result<User> owner = app.wait<GetUser>(passkey->userId);
    const QString whose = owner && owner->userName ? QStringLiteral("\u201c%1\u201d").arg(CliApp::oneLine(*owner->userName, 0))
                                                   : QStringLiteral("user ID %1").arg(passkey->userId);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString question = QStringLiteral("Delete passkey %1 \u201c%2\u201d (%3, last used %4) of %5? They can no longer sign in with it.")
                                     .arg(passkey->id, CliApp::oneLine(passkey->labelText(), 0), AaguidCatalog::instance().describe(passkey->aaguid),
                                          passkey->lastUsedAt.isSet() ? passkey->lastUsedAt.relativeText(now) : QStringLiteral("never"), whose);
    if (!app.confirm(question, QStringLiteral("nothing was deleted")))
        return ExitUsage;
    const Result<Done> done = app.wait<DeletePasskey>(passkey->id);
    if (!done)
        return app.fail(done.error());
    if (app.json()) {
        app.printJson(QJsonObject{{QStringLiteral("deleted"), true}, {QStringLiteral("passkey"), passkeyJson(passkey.value())}});
    } else {
        app.out() << "Deleted passkey " << passkey->id << " \u201c" << CliApp::oneLine(passkey->labelText(), 0) << "\u201d of " << whose << ".\n";
        app.out().flush();
    }
    return ExitOk;
}

int passkeyLabel(CliApp &app, const QStringList &args)
{
    const bool clear = app.parser().isSet(clearOption());
    if ((clear && args.size() != 1) || (!clear && args.size() != 2))
        return app.usage(QStringLiteral("passkey label takes a passkey ID and a LABEL, or a passkey ID and --clear"));
    if (args.first().trimmed().isEmpty())
        return app.usage(QStringLiteral("the passkey ID is empty"));
    std::optional<QString> label;
    if (!clear) {
        label = args.at(1).trimmed();
        if (label->isEmpty())
            return app.usage(QStringLiteral("the label is empty; pass --clear to remove the label"));
    }
    if (!app.prepareCredentials())
        return ExitUsage;
    const Result<Done> done = app.wait<SetPasskeyLabel>(args.first(), label);
    if (!done)
        return app.fail(done.error());
    if (app.json()) {
        app.printJson(QJsonObject{{QStringLiteral("id"), args.first()},
                                  {QStringLiteral("label"), label ? QJsonValue(*label) : QJsonValue(QJsonValue::Null)}});
    } else {
        if (label)
            app.out() << "Labelled passkey " << args.first() << " \u201c" << *label << "\u201d.\n";
        else
            app.out() << "Removed the label of passkey " << args.first() << ".\n";
        app.out().flush();
    }
    return ExitOk;
}

int passkeyBegin(CliApp &app, const QStringList &args)
{
    const auto who = takeUserArgument(app, args, QStringLiteral("passkey begin"));
    if (!who)
        return ExitUsage;
    const Result<PasskeyRegistration> reg = app.wait<BeginPasskeyRegistration>(*who);
    if (!reg)
        return app.fail(reg.error());
    const QString token = reg->authenticationToken;
    app.client().transport()->addSecret(SecretKind::AuthenticationToken, token.toUtf8());
    const QString fingerprint = QString::fromLatin1(Redactor::fingerprint(token.toUtf8()));
    if (app.json()) {
        QJsonObject o{{QStringLiteral("options"), QJsonDocument::fromJson(reg->optionsJson.toUtf8()).object()},
                      {QStringLiteral("authenticationTokenFingerprint"), fingerprint}};
        if (app.showSecrets())
            o.insert(QStringLiteral("authenticationToken"), token);
        app.printJson(o);
        return ExitOk;
    }
    QTextStream &o = app.out();
    o << "Registration begun for " << who->describe() << ". Hand the options to the browser's navigator.credentials.create().\n";
    for (const auto &item : reg->summary)
        o << "  " << (item.first + QLatin1Char(':')).leftJustified(20) << item.second << '\n';
    if (app.showSecrets())
        o << "Authentication token: " << token << '\n';
    else
        o << "Authentication token: hidden (fingerprint #" << fingerprint << "); pass --show-secrets to print it.\n";
    o << "Options:\n" << reg->optionsJson << '\n';
    o.flush();
    return ExitOk;
}

const CommandRegistration registration({
        {{QStringLiteral("passkeys"), QStringLiteral("list")}, QStringLiteral("USER"),
         QStringLiteral("List a user's passkeys (USER by ID, or by name with --by-name)."), passkeysList, {byNameOption()}},
        {{QStringLiteral("passkey"), QStringLiteral("get")}, QStringLiteral("PASSKEY-ID"),
         QStringLiteral("Show one passkey."), passkeyGet},
        {{QStringLiteral("passkey"), QStringLiteral("delete")}, QStringLiteral("PASSKEY-ID"),
         QStringLiteral("Delete a passkey (asks first; --yes to skip)."), passkeyDelete},
        {{QStringLiteral("passkey"), QStringLiteral("label")}, QStringLiteral("PASSKEY-ID LABEL|--clear"),
         QStringLiteral("Set or remove a passkey's label."), passkeyLabel, {clearOption()}},
        {{QStringLiteral("passkey"), QStringLiteral("begin")}, QStringLiteral("USER"),
         QStringLiteral("Begin adding a passkey: print the WebAuthn options (--show-secrets: the token)."), passkeyBegin, {byNameOption()}},
});

} // namespace

} // namespace plainkey::cli
