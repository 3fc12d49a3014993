#pragma once

#include "core/profile/profile.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class QSettings;

namespace plainkey {

//! The named profiles in one JSON file that the console and plainkey-cli share
//! (defaultPath()). Written whole and atomically; never holds a secret. A file that cannot
//! be read is left as it is: the store refuses to save over it until it is moved aside.
class ProfileStore
{
public:
    //! \a path: the file; empty for defaultPath().
    explicit ProfileStore(const QString &path = {});

    //! $PLAINKEY_PROFILES_FILE if set, else profiles.json in the PlainKey folder of the user's
    //! configuration folder (~/.config/PlainKey/profiles.json on Linux).
    static QString defaultPath();
    QString path() const { return m_path; }

    //! Reads the file. A missing file is an empty store (true). A damaged one gives false,
    //! errorString() says why and what to do, and save() refuses until moveDamagedAside().
    bool load();
    //! Writes every profile (QSaveFile: the old file stays whole if writing fails). False
    //! with errorString() when it could not, or when the file on disk was damaged.
    bool save();
    QString errorString() const { return m_error; }
    //! True after a load() that found a file it could not read.
    bool isDamaged() const { return m_damaged; }
    //! Renames the damaged file to "<path>.damaged-<time>" and starts empty; returns the new
    //! name, or empty with errorString() when the rename failed.
    QString moveDamagedAside();

    const QList<Profile> &profiles() const { return m_profiles; }
    QStringList names() const;
    std::optional<Profile> find(const QString &name) const;
    bool contains(const QString &name) const { return find(name).has_value(); }
    //! Adds \a profile, or replaces the one named \a replacing (its name may change). False
    //! with errorString() when the profile has problems or its name is taken.
    bool put(const Profile &profile, const QString &replacing = {});
    bool remove(const QString &name);
    //! "NAME (2)", "NAME (3)", ...: the first name not taken.
    QString freeName(const QString &name) const;

    //! The profiles named \a names (all when empty) as JSON to share: no secret, ever.
    QByteArray exportJson(const QStringList &names = {}) const;
    //! What an import file holds: {"profiles": [...]} or a bare array. A field that looks like a
    //! secret (a client secret, a token, a password) is left out and named in \a notes.
    //! Nullopt with \a error when the file is not such JSON or a profile in it is not valid.
    static std::optional<QList<Profile>> parseImport(const QByteArray &json, QStringList *notes, QString *error);

    //! The console's one saved connection before profiles (QSettings "connection/baseUrl" and
    //! "connection/projectId") as a first profile, once: adds and saves it when \a settings
    //! has one that no profile matches and it was not migrated before. Returns the profile
    //! added, so the caller can move its keychain secret under the profile's key.
    std::optional<Profile> migrateSavedConnection(QSettings &settings);

private:
    QString m_path;
    QList<Profile> m_profiles;
    QString m_error;
    bool m_damaged = false;
};

} // namespace plainkey
