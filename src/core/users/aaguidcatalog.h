#pragma once

#include <QHash>
#include <QString>

#include <optional>

namespace plainkey {

//! Names authenticator models by AAGUID from the table shipped in resources/aaguids.json
//! (common passkey providers and security keys; a name, not a security statement).
class AaguidCatalog
{
public:
    //! The shipped table, loaded once.
    static const AaguidCatalog &instance();
    //! A table read from JSON text: {"authenticators": {"aaguid": "name", ...}}.
    static AaguidCatalog fromJson(const QByteArray &json, QString *error = nullptr);

    //! Lower case with dashes; accepts upper case, braces and the 32-digit form. Empty when not an AAGUID.
    static QString normalize(const QString &aaguid);
    //! True for the all-zero AAGUID that authenticators send when they do not say what they are.
    static bool isZero(const QString &aaguid);

    std::optional<QString> name(const QString &aaguid) const;
    //! The name, or words for an unknown, zero or malformed AAGUID, for a table cell.
    QString describe(const std::optional<QString> &aaguid) const;
    int size() const { return int(m_names.size()); }

private:
    QHash<QString, QString> m_names;
};

} // namespace plainkey
