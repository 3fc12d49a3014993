#include "core/token/tokeninput.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

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
        if (!v.isString()) {
            // No token starts with a brace: passing the JSON on as one would only earn a 401.
            out.problem = QStringLiteral("That looks like JSON without a \u201ctoken\u201d field: paste the token itself.");
            return out;
        }
        s = v.toString().trimmed();
        out.notices.append(QStringLiteral("Took the token out of the pasted JSON."));
    }
    if (stripQuotes(s))
        out.notices.append(QStringLiteral("Removed the quotes around the token."));
    // The scheme ends at any whitespace (a tab or line break when copied from a table or a
    // wrapped header), or at the end: "Bearer" alone is the scheme without its token.
    static const QRegularExpression bearer(QStringLiteral("^bearer(\\s+|$)"), QRegularExpression::CaseInsensitiveOption);
    if (const auto m = bearer.match(s); m.hasMatch()) {
        s = s.mid(m.capturedEnd()).trimmed();
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
