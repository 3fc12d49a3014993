#include "core/export/curlexporter.h"

#include "core/log/redactor.h"

#include <QRegularExpression>
#include <QUrl>

namespace plainkey {

namespace {

QString singleQuoted(const QString &s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

bool isHopHeader(const QByteArray &name)
{
    static const QByteArrayList skip = {"content-length", "host", "connection", "accept-encoding", "user-agent"};
    return skip.contains(name.toLower());
}

} // namespace

QString CurlExporter::variableFor(const QString &kindName)
{
    if (kindName == QLatin1String("client_secret"))
        return QStringLiteral("PLAINKEY_CLIENT_SECRET");
    if (kindName == QLatin1String("access_token"))
        return QStringLiteral("PLAINKEY_ACCESS_TOKEN");
    return QStringLiteral("PLAINKEY_AUTH_TOKEN");
}

QString CurlExporter::shellWord(const QString &text, QStringList *variables)
{
    static const QRegularExpression marker(Redactor::markerPattern());
    QString out;
    qsizetype pos = 0;
    auto it = marker.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedStart() > pos)
            out += singleQuoted(text.mid(pos, m.capturedStart() - pos));
        const QString var = variableFor(m.captured(1));
        out += QStringLiteral("\"$%1\"").arg(var);
        if (variables && !variables->contains(var))
            variables->append(var);
        pos = m.capturedEnd();
    }
    if (pos < text.size() || out.isEmpty())
        out += singleQuoted(text.mid(pos));
    return out;
}

QStringList CurlExporter::variables(const Exchange &exchange)
{
    QStringList vars;
    QString headers;
    for (const auto &h : exchange.requestHeaders)
        headers += QString::fromUtf8(h.second);
    shellWord(exchange.url, &vars);
    shellWord(headers, &vars);
    shellWord(QString::fromUtf8(exchange.requestBody), &vars);
    return vars;
}

QString CurlExporter::toCurl(const Exchange &e)
{
    QStringList vars;
    QStringList lines;
    QString first = QStringLiteral("curl -sS -i");
    // An empty method is a GET; anything else goes as one quoted word, whatever it contains.
    const QByteArray method = e.method.isEmpty() ? QByteArray("GET") : e.method;
    if (method != "GET") {
        static const QRegularExpression plainWord(QStringLiteral("^[A-Za-z]+$"));
        const QString m = QString::fromUtf8(method);
        first += QStringLiteral(" -X ") + (plainWord.match(m).hasMatch() ? m : shellWord(m));
    }
    // curl expands [1-3] and {a,b} in a URL into several requests.
    static const QRegularExpression globChars(QStringLiteral("[\\[\\]{}]"));
    if (e.url.contains(globChars))
        first += QStringLiteral(" -g");
    first += QLatin1Char(' ') + shellWord(e.url, &vars);
    lines.append(first);

    bool form = false;
    for (const auto &h : e.requestHeaders) {
        if (isHopHeader(h.first))
            continue;
        if (h.first.compare("content-type", Qt::CaseInsensitive) == 0 && h.second.startsWith("application/x-www-form-urlencoded"))
            form = true;
        lines.append(QStringLiteral("-H %1").arg(shellWord(QString::fromUtf8(h.first + ": " + h.second), &vars)));
    }
    if (!e.requestBody.isEmpty()) {
        if (form) {
            // One --data-urlencode per field: curl encodes the value, so a secret from the
            // environment needs no escaping of its own.
            for (const QByteArray &pair : e.requestBody.split('&')) {
                const int eq = pair.indexOf('=');
                if (eq <= 0) {
                    // --data-urlencode reads "value" and "=value" as a value without a name:
                    // such a pair goes as it was recorded.
                    lines.append(QStringLiteral("--data-raw %1").arg(shellWord(QString::fromUtf8(pair), &vars)));
                    continue;
                }
                // curl takes the name as already encoded, and "name@file" as a file to send:
                // the name stays encoded, with any '@' encoded too.
                QByteArray encodedName = pair.left(eq);
                encodedName.replace('@', "%40");
                const QString name = QString::fromUtf8(encodedName);
                QByteArray raw = pair.mid(eq + 1);
                raw.replace('+', ' ');
                const QString value = raw.startsWith("[redacted ") ? QString::fromUtf8(raw) : QUrl::fromPercentEncoding(raw);
                lines.append(QStringLiteral("--data-urlencode %1").arg(shellWord(name + QLatin1Char('=') + value, &vars)));
            }
        } else {
            lines.append(QStringLiteral("--data-raw %1").arg(shellWord(QString::fromUtf8(e.requestBody), &vars)));
        }
    }
    QString out;
    if (e.requestBodyTruncated) {
        out += QStringLiteral("# The request body was cut in the log after %1 bytes: this command sends only that part.\n")
                       .arg(e.requestBody.size());
    }
    if (!vars.isEmpty()) {
        out += QStringLiteral("# Secrets are read from the environment: set %1 first%2\n")
                       .arg(vars.join(QLatin1String(", ")),
                            vars.contains(QLatin1String("PLAINKEY_ACCESS_TOKEN"))
                                    ? QStringLiteral(" (plainkey-cli token --show-secrets prints an access token).")
                                    : QStringLiteral("."));
    }
    out += lines.join(QLatin1String(" \\\n  "));
    out += QLatin1Char('\n');
    return out;
}

} // namespace plainkey
