#include "core/profile/profile.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <algorithm>

namespace plainkey {

namespace {

struct KindEntry
{
    Profile::Kind kind;
    const char *name;
};
const KindEntry kKinds[] = {{Profile::Kind::Demo, "demo"},
                            {Profile::Kind::Local, "local"},
                            {Profile::Kind::Staging, "staging"},
                            {Profile::Kind::Production, "production"}};

QString tr(const char *text)
{
    return QCoreApplication::translate("plainkey::Profile", text);
}

} // namespace

QString Profile::kindName(Kind kind)
{
    for (const auto &k : kKinds) {
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    }
    return QStringLiteral("production");
}

std::optional<Profile::Kind> Profile::kindFromName(const QString &name)
{
    const QString wanted = name.trimmed().toLower();
    for (const auto &k : kKinds) {
        if (wanted == QLatin1String(k.name))
            return k.kind;
    }
    return std::nullopt;
}

QStringList Profile::kindNames()
{
    QStringList names;
    for (const auto &k : kKinds)
        names.append(QString::fromLatin1(k.name));
    return names;
}

Profile::Kind Profile::guessKind(const QUrl &baseUrl)
{
    Credentials c;
    c.baseUrl = baseUrl;
    return c.isLoopback() ? Kind::Local : Kind::Production;
}

QString Profile::secretKey(const QString &name)
{
    // Its own prefix: never the same entry as the per-project keys of SecretStore::keyFor().
    return QStringLiteral("profile:") + name;
}

Credentials Profile::credentials() const
{
    Credentials c;
    c.baseUrl = baseUrl;
    c.projectId = projectId;
    return c;
}

bool Profile::matches(const Credentials &c) const
{
    return c.projectId == projectId && c.normalizedBaseUrl() == credentials().normalizedBaseUrl();
}

QStringList Profile::problems() const
{
    QStringList out;
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        out.append(tr("A profile needs a name."));
    else if (trimmed != name)
        out.append(tr("The profile name \u201c%1\u201d starts or ends with spaces: remove them.").arg(name));
    else if (name.size() > 64)
        out.append(tr("The profile name is longer than 64 characters: choose a shorter one."));
    else if (std::any_of(name.cbegin(), name.cend(), [](QChar ch) { return ch.category() == QChar::Other_Control; }))
        out.append(tr("The profile name contains a control character: use letters, digits, spaces and punctuation."));
    Credentials c = credentials();
    c.clientSecret = QStringLiteral("x"); // the secret is not the profile's business
    // Plain http to another machine is the user's call at connect time, not a reason to refuse the profile.
    for (const auto &p : c.problems(true))
        out.append(p.message);
    static const QRegularExpression hex(QStringLiteral("^#[0-9a-fA-F]{6}$"));
    if (!color.isEmpty() && !hex.match(color).hasMatch())
        out.append(tr("The colour \u201c%1\u201d is not of the form #rrggbb (for example #2a7ab0).").arg(color));
    return out;
}

QJsonObject Profile::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name},
                  {QStringLiteral("baseUrl"), baseUrl.toString()},
                  {QStringLiteral("projectId"), projectId},
                  {QStringLiteral("kind"), kindName(kind)}};
    if (!color.isEmpty())
        o.insert(QStringLiteral("color"), color);
    return o;
}

std::optional<Profile> Profile::fromJson(const QJsonObject &object, QString *error)
{
    auto fail = [error](const QString &text) {
        if (error)
            *error = text;
        return std::nullopt;
    };
    Profile p;
    for (const char *key : {"name", "baseUrl", "projectId"}) {
        if (!object.value(QLatin1String(key)).isString())
            return fail(tr("a profile has no \u201c%1\u201d text").arg(QLatin1String(key)));
    }
    p.name = object.value(QLatin1String("name")).toString();
    p.baseUrl = QUrl(object.value(QLatin1String("baseUrl")).toString(), QUrl::StrictMode);
    p.projectId = object.value(QLatin1String("projectId")).toString();
    const QJsonValue kind = object.value(QLatin1String("kind"));
    if (kind.isUndefined()) {
        p.kind = guessKind(p.baseUrl);
    } else {
        const auto k = kindFromName(kind.toString());
        if (!k)
            return fail(tr("profile \u201c%1\u201d has the kind \u201c%2\u201d; the kinds are %3")
                                .arg(p.name, kind.toString(), kindNames().join(QLatin1String(", "))));
        p.kind = *k;
    }
    p.color = object.value(QLatin1String("color")).toString();
    const QStringList problems = p.problems();
    if (!problems.isEmpty())
        return fail(tr("profile \u201c%1\u201d: %2").arg(p.name, problems.join(QLatin1Char(' '))));
    return p;
}

} // namespace plainkey
