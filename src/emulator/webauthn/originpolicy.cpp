#include "emulator/webauthn/originpolicy.h"

namespace plainkey::emulator {

OriginPolicy::OriginPolicy(const QStringList &patterns)
{
    for (QString pattern : patterns) {
        pattern = pattern.trimmed();
        if (pattern.endsWith(QLatin1Char('/')))
            pattern.chop(1);
        if (!pattern.isEmpty() && !m_patterns.contains(pattern))
            m_patterns.append(pattern);
    }
}

OriginPolicy OriginPolicy::localDefault(const QString &ownOrigin)
{
    QStringList patterns{QStringLiteral("http://localhost:*"), QStringLiteral("http://127.0.0.1:*")};
    if (!ownOrigin.isEmpty())
        patterns.append(ownOrigin);
    return OriginPolicy(patterns);
}

bool OriginPolicy::allows(const QString &origin) const
{
    if (origin.isEmpty())
        return false;
    for (const QString &pattern : m_patterns) {
        if (!pattern.endsWith(QLatin1String(":*"))) {
            if (origin == pattern)
                return true;
            continue;
        }
        const QStringView hostPart = QStringView(pattern).chopped(2); // scheme://host
        if (origin == hostPart)
            return true;
        if (!origin.startsWith(hostPart) || origin.size() <= hostPart.size() + 1 || origin.at(hostPart.size()) != QLatin1Char(':'))
            continue;
        const QStringView port = QStringView(origin).mid(hostPart.size() + 1);
        bool digits = port.size() <= 5;
        for (const QChar c : port)
            digits = digits && c >= QLatin1Char('0') && c <= QLatin1Char('9');
        if (digits)
            return true;
    }
    return false;
}

} // namespace plainkey::emulator
