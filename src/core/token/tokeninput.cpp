#include "token/tokeninput.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace plainkey {

namespace {
constexpr int kMaxTokenLength = 16 * 1024;

bool stripQuotes(QString &s)
{
    static const QString quotes = QStringLiteral("\"'`\u201c\u201d\u2018\u2019");
    bool stripped = false;
    while (s.size() >= 2 && quotes.contains(s.front()) && quotes.contains(s.back())) {
        s = s.mid(1, s.size() - 2).trimmed();
        stripped = true;
    }
    return stripped;
}
} // namespace

TokenInput TokenInput::normalize(const QString &raw)
{
    TokenInput out;
    QString s = raw.trimmed();
    if (s.isEmpty()) {
        out.problem = QStringLiteral("Paste an authentication token first.");
        return out;
    }
    if (s.size() > kMaxTokenLength) {
        out.problem = QStringLiteral("That is %1 characters, far longer than a token: check what was pasted.").arg(s.size());
        return out;
    }
    // A pasted JSON answer such as {"token": "..."} or {"authenticationToken": {"token": "..."}}.
    if (s.startsWith(QLatin1Char('{'))) {
        const QJsonObject o = QJsonDocument::fromJson(s.toUtf8()).object();
        QJsonValue v = o.value(QLatin1String("token"));
        if (!v.isString())
            v = o.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token"));
        if (!v.isString())
            v = o.value(QLatin1String("authenticationToken"));
        if (v.isString()) {
            s = v.toString().trimmed();
            out.notices.append(QStringLiteral("Took the token out of the pasted JSON."));
        }
    }
    if (stripQuotes(s))
        out.notices.append(QStringLiteral("Removed the quotes around the token."));
    if (s.startsWith(QLatin1String("bearer "), Qt::CaseInsensitive)) {
        s = s.mid(7).trimmed();
        out.notices.append(QStringLiteral("Removed the \u201cBearer\u201d prefix: paste the token alone."));
        if (stripQuotes(s))
            out.notices.append(QStringLiteral("Removed the quotes around the token."));
    }
    QString compact;
    compact.reserve(s.size());
    bool hadInnerSpace = false;
    for (QChar c : std::as_const(s)) {
        if (c.isSpace()) {
            hadInnerSpace = true;
            continue;
        }
        compact.append(c);
    }
    if (hadInnerSpace)
        out.notices.append(QStringLiteral("Removed line breaks and spaces inside the token (it was probably wrapped when copied)."));
    for (QChar c : std::as_const(compact)) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e) {
            out.problem = QStringLiteral("The token contains \u201c%1\u201d (U+%2), which no token has: copy it again as plain text.")
                                  .arg(c.isPrint() ? QString(c) : QStringLiteral("?"))
                                  .arg(c.unicode(), 4, 16, QLatin1Char('0'));
            return out;
        }
    }
    if (compact.isEmpty()) {
        out.problem = QStringLiteral("Paste an authentication token first.");
        return out;
    }
    out.token = compact;
    return out;
}

} // namespace plainkey
