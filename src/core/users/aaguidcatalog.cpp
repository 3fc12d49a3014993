#include "core/users/aaguidcatalog.h"

#include "core/users/userslogging.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace plainkey {

const AaguidCatalog &AaguidCatalog::instance()
{
    static const AaguidCatalog catalog = [] {
        QFile file(QStringLiteral(":/plainkey/aaguids.json"));
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcUsers) << "The AAGUID table is missing from the program's resources; authenticators are shown by AAGUID only";
            return AaguidCatalog();
        }
        QString error;
        AaguidCatalog c = fromJson(file.readAll(), &error);
        if (!error.isEmpty())
            qCWarning(lcUsers) << "The AAGUID table could not be read:" << error;
        return c;
    }();
    return catalog;
}

AaguidCatalog AaguidCatalog::fromJson(const QByteArray &json, QString *error)
{
    AaguidCatalog c;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    const QJsonObject table = doc.object().value(QLatin1String("authenticators")).toObject();
    if (parseError.error != QJsonParseError::NoError || table.isEmpty()) {
        if (error)
            *error = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                    : QStringLiteral("no \"authenticators\" object");
        return c;
    }
    for (auto it = table.begin(); it != table.end(); ++it) {
        const QString key = normalize(it.key());
        if (!key.isEmpty() && it.value().isString())
            c.m_names.insert(key, it.value().toString());
    }
    return c;
}

QString AaguidCatalog::normalize(const QString &aaguid)
{
    QString s = aaguid.trimmed().toLower();
    if (s.startsWith(QLatin1Char('{')) && s.endsWith(QLatin1Char('}')))
        s = s.mid(1, s.size() - 2);
    static const QRegularExpression dashed(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    static const QRegularExpression plain(QStringLiteral("^[0-9a-f]{32}$"));
    if (dashed.match(s).hasMatch())
        return s;
    if (plain.match(s).hasMatch())
        return s.left(8) + QLatin1Char('-') + s.mid(8, 4) + QLatin1Char('-') + s.mid(12, 4) + QLatin1Char('-') + s.mid(16, 4)
                + QLatin1Char('-') + s.mid(20);
    return {};
}

bool AaguidCatalog::isZero(const QString &aaguid)
{
    return normalize(aaguid) == QLatin1String("00000000-0000-0000-0000-000000000000");
}

std::optional<QString> AaguidCatalog::name(const QString &aaguid) const
{
    const auto it = m_names.constFind(normalize(aaguid));
    if (it == m_names.constEnd())
        return std::nullopt;
    return *it;
}

QString AaguidCatalog::describe(const std::optional<QString> &aaguid) const
{
    if (!aaguid || aaguid->trimmed().isEmpty())
        return QStringLiteral("not reported");
    if (const auto n = name(*aaguid))
        return *n;
    if (isZero(*aaguid))
        return QStringLiteral("not reported (all-zero AAGUID)");
    if (normalize(*aaguid).isEmpty())
        return QStringLiteral("unreadable AAGUID");
    return QStringLiteral("unknown model");
}

} // namespace plainkey
