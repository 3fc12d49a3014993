#include "core/profile/profilestore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

namespace plainkey {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("plainkey::ProfileStore", text);
}

constexpr int kFormatVersion = 1;
// A profiles file is a few kilobytes; anything this large is not one.
constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024;

//! Field names that would carry a secret: compared without case, '_' and '-'.
bool looksSecret(const QString &key)
{
    QString k = key.toLower();
    k.remove(QLatin1Char('_'));
    k.remove(QLatin1Char('-'));
    for (const char *word : {"secret", "token", "password", "passwd", "apikey", "authorization", "credential"}) {
        if (k.contains(QLatin1String(word)))
            return true;
    }
    return false;
}

} // namespace

ProfileStore::ProfileStore(const QString &path) : m_path(path.isEmpty() ? defaultPath() : path) {}

QString ProfileStore::defaultPath()
{
    const QString fromEnv = qEnvironmentVariable("PLAINKEY_PROFILES_FILE");
    if (!fromEnv.isEmpty())
        return fromEnv;
    // Not AppConfigLocation: the console and plainkey-cli are two applications with two
    // such folders, and both must read the same file.
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/PlainKey/profiles.json");
}

bool ProfileStore::load()
{
    m_profiles.clear();
    m_error.clear();
    m_damaged = false;
    QFile file(m_path);
    if (!file.exists())
        return true;
    auto damaged = [this](const QString &why) {
        m_damaged = true;
        m_error = tr("The profiles file %1 could not be read: %2. It was left as it is; move it aside (or fix it) "
                     "to save profiles again.")
                          .arg(QDir::toNativeSeparators(m_path), why);
        return false;
    };
    if (!file.open(QIODevice::ReadOnly)) {
        // Unreadable is not damaged: saving could still destroy what it holds.
        m_damaged = true;
        m_error = tr("The profiles file %1 could not be opened: %2. Check its permissions.")
                          .arg(QDir::toNativeSeparators(m_path), file.errorString());
        return false;
    }
    if (file.size() > kMaxFileBytes)
        return damaged(tr("it is larger than 4 MiB, which no profiles file is"));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return damaged(tr("it is not valid JSON (%1 at byte %2)").arg(parseError.errorString()).arg(parseError.offset));
    const QJsonObject root = doc.object();
    if (!doc.isObject() || !root.value(QLatin1String("profiles")).isArray())
        return damaged(tr("it has no \u201cprofiles\u201d list"));
    const int version = root.value(QLatin1String("version")).toInt(0);
    if (version > kFormatVersion)
        return damaged(tr("it was written by a newer PlainKey Console (format %1; this one reads %2)").arg(version).arg(kFormatVersion));
    QList<Profile> read;
    for (const QJsonValue &v : root.value(QLatin1String("profiles")).toArray()) {
        QString why;
        const auto p = Profile::fromJson(v.toObject(), &why);
        if (!p)
            return damaged(why);
        for (const Profile &other : std::as_const(read)) {
            if (other.name == p->name)
                return damaged(tr("two profiles are named \u201c%1\u201d").arg(p->name));
        }
        read.append(*p);
    }
    m_profiles = read;
    return true;
}

bool ProfileStore::save()
{
    if (m_damaged) {
        m_error = tr("Not saved: the profiles file %1 could not be read when it was loaded, and saving would replace "
                     "what it holds. Move it aside first.")
                          .arg(QDir::toNativeSeparators(m_path));
        return false;
    }
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        m_error = tr("Could not create the folder %1 for the profiles file.").arg(QDir::toNativeSeparators(info.absolutePath()));
        return false;
    }
    QJsonArray list;
    for (const Profile &p : std::as_const(m_profiles))
        list.append(p.toJson());
    const QByteArray data = QJsonDocument(QJsonObject{{QStringLiteral("version"), kFormatVersion}, {QStringLiteral("profiles"), list}})
                                    .toJson(QJsonDocument::Indented);
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit()) {
        m_error = tr("Could not save the profiles file %1: %2. The previous file is unchanged.")
                          .arg(QDir::toNativeSeparators(m_path), file.errorString());
        return false;
    }
    // Not a secret in it, but which projects someone works on is nobody else's business.
    QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    m_error.clear();
    return true;
}

QString ProfileStore::moveDamagedAside()
{
    const QString aside = m_path + QStringLiteral(".damaged-") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    if (QFile::exists(m_path) && !QFile::rename(m_path, aside)) {
        m_error = tr("Could not move the damaged profiles file %1 aside to %2.").arg(QDir::toNativeSeparators(m_path), QDir::toNativeSeparators(aside));
        return {};
    }
    m_damaged = false;
    m_profiles.clear();
    m_error.clear();
    return aside;
}

QStringList ProfileStore::names() const
{
    QStringList out;
    for (const Profile &p : m_profiles)
        out.append(p.name);
    return out;
}

std::optional<Profile> ProfileStore::find(const QString &name) const
{
    for (const Profile &p : m_profiles) {
        if (p.name == name)
            return p;
    }
    return std::nullopt;
}

bool ProfileStore::put(const Profile &profile, const QString &replacing)
{
    const QStringList problems = profile.problems();
    if (!problems.isEmpty()) {
        m_error = problems.join(QLatin1Char(' '));
        return false;
    }
    if (profile.name != replacing && contains(profile.name)) {
        m_error = tr("A profile named \u201c%1\u201d already exists: choose another name, or remove that one first.").arg(profile.name);
        return false;
    }
    for (Profile &p : m_profiles) {
        if (!replacing.isEmpty() && p.name == replacing) {
            p = profile;
            return true;
        }
    }
    m_profiles.append(profile);
    return true;
}

bool ProfileStore::remove(const QString &name)
{
    return m_profiles.removeIf([&name](const Profile &p) { return p.name == name; }) > 0;
}

QString ProfileStore::freeName(const QString &name) const
{
    if (!contains(name))
        return name;
    for (int n = 2;; ++n) {
        const QString candidate = QStringLiteral("%1 (%2)").arg(name).arg(n);
        if (!contains(candidate))
            return candidate;
    }
}

QByteArray ProfileStore::exportJson(const QStringList &names) const
{
    QJsonArray list;
    for (const Profile &p : m_profiles) {
        if (names.isEmpty() || names.contains(p.name))
            list.append(p.toJson()); // toJson() has no secret field to leak
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("version"), kFormatVersion}, {QStringLiteral("profiles"), list}})
            .toJson(QJsonDocument::Indented);
}

std::optional<QList<Profile>> ProfileStore::parseImport(const QByteArray &json, QStringList *notes, QString *error)
{
    auto fail = [error](const QString &text) {
        if (error)
            *error = text;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(tr("the file is not valid JSON (%1 at byte %2)").arg(parseError.errorString()).arg(parseError.offset));
    QJsonArray list;
    if (doc.isArray())
        list = doc.array();
    else if (doc.object().value(QLatin1String("profiles")).isArray())
        list = doc.object().value(QLatin1String("profiles")).toArray();
    else
        return fail(tr("the file holds neither a list of profiles nor an object with a \u201cprofiles\u201d list"));
    QList<Profile> out;
    for (const QJsonValue &v : std::as_const(list)) {
        if (!v.isObject())
            return fail(tr("an entry of the profiles list is not an object"));
        QJsonObject o = v.toObject();
        const QStringList keys = o.keys();
        for (const QString &key : keys) {
            if (looksSecret(key)) {
                o.remove(key);
                if (notes)
                    notes->append(tr("Profile \u201c%1\u201d: the field \u201c%2\u201d was left out; secrets are never "
                                     "imported from a file. Enter the client secret in the console or with "
                                     "plainkey-cli profile set-secret.")
                                          .arg(o.value(QLatin1String("name")).toString(), key));
            }
        }
        QString why;
        const auto p = Profile::fromJson(o, &why);
        if (!p)
            return fail(why);
        for (const Profile &other : std::as_const(out)) {
            if (other.name == p->name)
                return fail(tr("two profiles in the file are named \u201c%1\u201d").arg(p->name));
        }
        out.append(*p);
    }
    return out;
}

std::optional<Profile> ProfileStore::migrateSavedConnection(QSettings &settings)
{
    static const QString migratedKey = QStringLiteral("profiles/migratedConnection");
    const QString url = settings.value(QStringLiteral("connection/baseUrl")).toString();
    const QString projectId = settings.value(QStringLiteral("connection/projectId")).toString();
    if (settings.value(migratedKey, false).toBool() || url.isEmpty() || projectId.isEmpty() || m_damaged)
        return std::nullopt;
    Profile p;
    p.baseUrl = QUrl(url, QUrl::StrictMode);
    p.projectId = projectId;
    p.kind = Profile::guessKind(p.baseUrl);
    p.name = freeName(tr("%1 on %2").arg(projectId, p.baseUrl.authority()).left(64).trimmed());
    for (const Profile &existing : std::as_const(m_profiles)) {
        if (existing.matches(p.credentials())) {
            settings.setValue(migratedKey, true);
            return std::nullopt;
        }
    }
    if (!put(p) || !save())
        return std::nullopt; // errorString() says why; the next start tries again
    settings.setValue(migratedKey, true);
    return p;
}

} // namespace plainkey
