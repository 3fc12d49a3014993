#include "core/export/supportbundle.h"

#include "core/export/harexporter.h"
#include "core/log/personaldatamasker.h"
#include "core/log/redactor.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QLocale>
#include <QSysInfo>

#include <cmath>

namespace plainkey {

namespace {

const QByteArray kHarOpen = QByteArrayLiteral("<script type=\"application/json\" id=\"har\">");
const QByteArray kHarClose = QByteArrayLiteral("</script>");

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString escBytes(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes).toHtmlEscaped();
}

// Every text on its way out: secrets the session knows and anything shaped like one, then
// personal data.
class Scrubber
{
public:
    Scrubber(const SupportBundleContent &content) : m_redactor(content.redactor ? content.redactor : &m_ownRedactor)
    {
        if (!content.maskPersonalData)
            return;
        m_masker.emplace();
        for (const QString &id : content.knownUserIds)
            m_masker->addKnown(PersonalDataMasker::Kind::UserId, id);
        for (const QString &name : content.knownUserNames)
            m_masker->addKnown(PersonalDataMasker::Kind::UserName, name);
        // Learn from everything first, so that a name seen only in a later answer is masked in
        // earlier requests too.
        for (const Exchange &e : content.exchanges)
            m_masker->learnFromExchange(e);
    }

    bool masking() const { return m_masker.has_value(); }

    QString text(const QString &t)
    {
        const QString redacted = m_redactor->redactText(t);
        return m_masker ? m_masker->maskText(redacted) : redacted;
    }

    Exchange exchange(const Exchange &e)
    {
        Exchange out = e;
        out.operation = m_redactor->redactText(e.operation);
        out.url = m_redactor->redactText(e.url);
        out.requestHeaders = m_redactor->redactHeaders(e.requestHeaders);
        out.requestBody = m_redactor->redactBody(e.requestBody);
        out.responseHeaders = m_redactor->redactHeaders(e.responseHeaders);
        out.responseBody = m_redactor->redactBody(e.responseBody);
        out.reasonPhrase = m_redactor->redactBody(e.reasonPhrase);
        out.errorText = m_redactor->redactText(e.errorText);
        out.redirectUrl = m_redactor->redactText(e.redirectUrl);
        return m_masker ? m_masker->maskExchange(out) : out;
    }

private:
    Redactor m_ownRedactor;
    const Redactor *m_redactor;
    std::optional<PersonalDataMasker> m_masker;
};

QString verdictLabel(Finding::Verdict v)
{
    switch (v) {
    case Finding::Verdict::Pass: return QStringLiteral("Pass");
    case Finding::Verdict::Info: return QStringLiteral("Info");
    case Finding::Verdict::Warning: return QStringLiteral("Warning");
    case Finding::Verdict::Fail: return QStringLiteral("Fail");
    case Finding::Verdict::Skipped: return QStringLiteral("Skipped");
    case Finding::Verdict::CouldNotCheck: return QStringLiteral("Could not check");
    }
    return {};
}

QString headersHtml(const HttpHeaders &headers)
{
    QString out;
    for (const auto &h : headers)
        out += QStringLiteral("<b>%1:</b> %2\n").arg(escBytes(h.first), escBytes(h.second));
    return out;
}

QString bodyHtml(const QByteArray &body, bool truncated)
{
    if (body.isEmpty())
        return QStringLiteral("<i>(no body)</i>");
    QByteArray shown = body;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isNull())
        shown = doc.toJson(QJsonDocument::Indented).trimmed();
    QString out = escBytes(shown);
    if (truncated)
        out += QStringLiteral("\n<i>(cut in the log: only the start of the body was kept)</i>");
    return out;
}

const char *kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.note{color:#555}.masked{background:#eef6ee;border:1px solid #9c9;padding:8px 12px;border-radius:6px}
.unmasked{background:#fff4e5;border:1px solid #e0a040;padding:8px 12px;border-radius:6px}
.summary{font-size:16px;padding:10px 14px;border-radius:6px;background:#f2f4f8;border-left:5px solid #4a6fa5;margin:12px 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #e5e5e5}
th{background:#f6f6f6;font-weight:600}dl.facts{display:grid;grid-template-columns:max-content auto;gap:4px 16px}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
.v{display:inline-block;min-width:90px;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;text-align:center}
.v-pass{background:#2e7d32}.v-info{background:#1565c0}.v-warning{background:#b26a00}.v-fail{background:#c62828}.v-skipped{background:#757575}.v-could-not-check{background:#6a1b9a}
pre{white-space:pre-wrap;word-break:break-all;background:#fafafa;border:1px solid #eee;padding:8px;margin:4px 0 10px;font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
details{margin:2px 0}summary{cursor:pointer}.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
.s2{color:#2e7d32}.s3{color:#1565c0}.s4{color:#b26a00}.s5,.sx{color:#c62828}
@media print{details{display:block}}
)css";

} // namespace

QString SupportBundle::describeClockSkew(std::optional<qint64> skewMs)
{
    if (!skewMs)
        return QStringLiteral("Unknown (no answer from PlainKey carried a readable Date header).");
    const qint64 ms = *skewMs;
    const double seconds = std::abs(double(ms)) / 1000.0;
    if (std::abs(ms) < 1000)
        return QStringLiteral("PlainKey's clock agrees with this computer's (within a second).");
    return QStringLiteral("PlainKey's clock is %1 s %2 this computer's.")
            .arg(QLocale::c().toString(seconds, 'f', 1), ms > 0 ? QStringLiteral("ahead of") : QStringLiteral("behind"));
}

QString SupportBundle::suggestedFileName(const QDateTime &when)
{
    return QStringLiteral("plainkey-support-%1.html").arg(when.toString(QStringLiteral("yyyy-MM-dd-HHmm")));
}

QByteArray SupportBundle::toHtml(const SupportBundleContent &content)
{
    Scrubber scrub(content);
    const QDateTime created = (content.createdAt.isValid() ? content.createdAt : QDateTime::currentDateTimeUtc()).toUTC();

    QList<Exchange> exchanges;
    exchanges.reserve(content.exchanges.size());
    for (const Exchange &e : content.exchanges)
        exchanges.append(scrub.exchange(e));
    const QByteArray har = HarExporter::toHar(exchanges, content.programVersion);

    QString h;
    h.reserve(64 * 1024 + int(har.size()) * 3);
    h += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<meta name=\"generator\" content=\"%1 %2\">\n<title>PlainKey support bundle, %3</title>\n<style>%4</style>\n</head>\n<body>\n")
                 .arg(esc(content.programName), esc(content.programVersion), created.toString(Qt::ISODate), QString::fromLatin1(kStyle));
    h += QStringLiteral("<h1>PlainKey support bundle</h1>\n<p class=\"note\">Written %1 by %2 %3. Open it in any browser; "
                        "nothing in it runs or loads anything.</p>\n")
                 .arg(created.toString(Qt::ISODate), esc(content.programName), esc(content.programVersion));
    if (scrub.masking())
        h += QStringLiteral("<p class=\"masked\" id=\"masking\">Secrets (client secret, access and authentication tokens) are "
                            "redacted. User names, e-mail addresses, user IDs and IP addresses are <b>masked</b>: each value "
                            "becomes the same placeholder everywhere in this file (user-1, name-1, a\u2022\u2022\u2022@e\u2022\u2022\u2022.com, ip-1), "
                            "so one user can still be followed.</p>\n");
    else
        h += QStringLiteral("<p class=\"unmasked\" id=\"masking\">Secrets (client secret, access and authentication tokens) are "
                            "redacted. User names, e-mail addresses, user IDs and IP addresses are <b>not masked</b>: this file "
                            "holds personal data; share it only where that is allowed.</p>\n");

    // The headline: the troubleshooter's summary, when it ran.
    for (const Finding &f : content.findings) {
        if (f.id == QLatin1String("summary")) {
            h += QStringLiteral("<p class=\"summary\" id=\"summary\">%1</p>\n").arg(esc(scrub.text(f.title)));
            break;
        }
    }

    h += QStringLiteral("<h2>Setup</h2>\n<dl class=\"facts\">\n");
    const auto fact = [&](const QString &name, const QString &value, const QString &id) {
        h += QStringLiteral("<dt>%1</dt><dd id=\"%3\">%2</dd>\n").arg(name, esc(value), id);
    };
    fact(QStringLiteral("Program"), content.programName + QLatin1Char(' ') + content.programVersion, QStringLiteral("program"));
    fact(QStringLiteral("Qt"), content.qtVersion.isEmpty() ? QString::fromLatin1(qVersion()) : content.qtVersion, QStringLiteral("qt"));
    fact(QStringLiteral("System"), QSysInfo::prettyProductName() + QStringLiteral(" (") + QSysInfo::currentCpuArchitecture() + QLatin1Char(')'),
         QStringLiteral("system"));
    fact(QStringLiteral("PlainKey base URL"),
         content.baseUrl.isEmpty() ? QStringLiteral("(not connected)") : scrub.text(content.baseUrl.toString(QUrl::RemoveUserInfo)),
         QStringLiteral("base-url"));
    fact(QStringLiteral("Project ID"), content.projectId.isEmpty() ? QStringLiteral("(none)") : scrub.text(content.projectId),
         QStringLiteral("project-id"));
    if (!content.destinationKind.isEmpty())
        fact(QStringLiteral("Destination"), content.destinationKind, QStringLiteral("destination"));
    fact(QStringLiteral("Clock skew"), describeClockSkew(content.clockSkewMs), QStringLiteral("clock-skew"));
    fact(QStringLiteral("Exchanges"), QString::number(exchanges.size()), QStringLiteral("exchange-count"));
    h += QStringLiteral("</dl>\n");

    h += QStringLiteral("<h2>Findings</h2>\n");
    if (content.findings.isEmpty()) {
        h += QStringLiteral("<p class=\"note\" id=\"no-findings\">The troubleshooter did not run in this session.</p>\n");
    } else {
        h += QStringLiteral("<table id=\"findings\">\n<tr><th>Verdict</th><th>Check</th><th>Evidence</th><th>Next action</th><th>Exchanges</th></tr>\n");
        for (const Finding &f : content.findings) {
            const QString name = Finding::verdictName(f.verdict);
            QStringList links;
            for (const quint64 id : f.exchangeIds)
                links.append(QStringLiteral("<a href=\"#ex-%1\">#%1</a>").arg(id));
            h += QStringLiteral("<tr id=\"finding-%1\"><td><span class=\"v v-%2\">%3</span></td><td><b>%4</b></td><td>%5</td><td>%6</td><td>%7</td></tr>\n")
                         .arg(esc(f.id), name, verdictLabel(f.verdict), esc(scrub.text(f.title)), esc(scrub.text(f.detail)),
                              esc(scrub.text(f.action)), links.join(QLatin1Char(' ')));
        }
        h += QStringLiteral("</table>\n");
    }

    h += QStringLiteral("<h2>Exchanges</h2>\n");
    if (exchanges.isEmpty()) {
        h += QStringLiteral("<p class=\"note\">No request was sent in this session.</p>\n");
    } else {
        h += QStringLiteral("<p class=\"note\">Every request of this session and its answer, oldest first. Open a row for its headers and bodies.</p>\n"
                            "<table id=\"exchanges\">\n<tr><th>#</th><th>Started (UTC)</th><th>Request</th><th>Answer</th><th>Time</th></tr>\n");
        for (const Exchange &e : std::as_const(exchanges)) {
            const QString statusClass = e.status >= 200 && e.status < 600 ? QStringLiteral("s%1").arg(e.status / 100) : QStringLiteral("sx");
            const QString answer = e.status > 0 ? QStringLiteral("%1 %2").arg(e.status).arg(escBytes(e.reasonPhrase))
                                                : esc(Exchange::outcomeName(e.outcome) + (e.errorText.isEmpty() ? QString() : QStringLiteral(": ") + e.errorText));
            h += QStringLiteral("<tr id=\"ex-%1\"><td>%1</td><td>%2</td><td><details><summary><b>%3</b> <span class=\"mono\">%4</span></summary>"
                                "%5<pre>%6</pre><pre>%7</pre>%8<pre>%9</pre><pre>%10</pre></details></td>")
                         .arg(QString::number(e.id), e.startedAt.toUTC().toString(Qt::ISODateWithMs), escBytes(e.method), esc(e.url),
                              e.operation.isEmpty() ? QString() : QStringLiteral("<div class=\"note\">%1</div>").arg(esc(e.operation)),
                              headersHtml(e.requestHeaders), bodyHtml(e.requestBody, e.requestBodyTruncated),
                              QStringLiteral("<div><b>Answer</b></div>"), headersHtml(e.responseHeaders),
                              bodyHtml(e.responseBody, e.responseBodyTruncated));
            h += QStringLiteral("<td class=\"%1\">%2%3</td><td>%4</td></tr>\n")
                         .arg(statusClass, answer,
                              e.redirectUrl.isEmpty() ? QString() : QStringLiteral("<div class=\"mono\">\u2192 %1</div>").arg(esc(e.redirectUrl)),
                              e.durationMs >= 0 ? QStringLiteral("%1 ms").arg(e.durationMs) : QStringLiteral("\u2014"));
        }
        h += QStringLiteral("</table>\n");
    }

    h += QStringLiteral("<h2>HAR archive</h2>\n<p>The same exchanges as an HTTP Archive (HAR 1.2), which browsers' developer tools "
                        "and HAR viewers open: <a id=\"save-har\" download=\"plainkey-session.har\" href=\"data:application/json;base64,%1\">"
                        "Save the HAR file</a>. Without a browser, it is the JSON between <code>&lt;script type=\"application/json\" "
                        "id=\"har\"&gt;</code> and the next <code>&lt;/script&gt;</code> in this file (where <code>\\u003c</code> stands for "
                        "<code>&lt;</code>, as JSON allows).</p>\n")
                 .arg(QString::fromLatin1(har.toBase64()));
    h += QStringLiteral("</body>\n</html>\n");

    QByteArray out = h.toUtf8();
    // The HAR as a data block, after the body's text so a reader never sees it. '<' only occurs
    // inside JSON strings, where \u003c means the same: "</script>" cannot end the block early.
    QByteArray block = har;
    block.replace('<', "\\u003c");
    const qsizetype end = out.lastIndexOf("</body>");
    out.insert(end, kHarOpen + '\n' + block + kHarClose + '\n');
    return out;
}

bool SupportBundle::write(const SupportBundleContent &content, QIODevice *device, QString *error)
{
    const auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!device || !device->isWritable())
        return fail(QStringLiteral("The support bundle could not be written: the file is not open for writing."));
    const QByteArray html = toHtml(content);
    qsizetype written = 0;
    while (written < html.size()) {
        const qint64 n = device->write(html.constData() + written, html.size() - written);
        if (n <= 0)
            return fail(QStringLiteral("The support bundle could not be written: %1. Check that the folder exists, is writable "
                                       "and has free space, or choose another place.")
                                .arg(device->errorString().isEmpty() ? QStringLiteral("the write failed") : device->errorString()));
        written += n;
    }
    return true;
}

QByteArray SupportBundle::extractHar(const QByteArray &html)
{
    const qsizetype open = html.indexOf(kHarOpen);
    if (open < 0)
        return {};
    const qsizetype start = open + kHarOpen.size();
    const qsizetype close = html.indexOf(kHarClose, start);
    if (close < 0)
        return {};
    // JSON reads \u003c back as '<'; re-serialized so the caller gets plain HAR text.
    const QJsonDocument doc = QJsonDocument::fromJson(html.mid(start, close - start));
    return doc.isNull() ? QByteArray() : doc.toJson(QJsonDocument::Indented);
}

} // namespace plainkey
