#include "gui/log/exchangeformatter.h"

#include "gui/log/exchangelogmodel.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QStringDecoder>

namespace plainkey::gui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("plainkey::gui::ExchangeFormatter", text);
}

QString headersText(const HttpHeaders &headers)
{
    QString out;
    for (const auto &h : headers)
        out += QString::fromLatin1(h.first) + QStringLiteral(": ") + QString::fromUtf8(h.second) + QLatin1Char('\n');
    return out;
}

} // namespace

QString ExchangeFormatter::summary(const Exchange &e)
{
    QString out = e.operation.isEmpty() ? QString::fromLatin1(e.method) + QLatin1Char(' ') + e.url : e.operation;
    out += QStringLiteral(" \u2014 ");
    switch (e.outcome) {
    case Exchange::Outcome::Pending: out += tr("waiting for the answer\u2026"); break;
    case Exchange::Outcome::Failed: out += tr("no answer: %1").arg(e.errorText); break;
    case Exchange::Outcome::Cancelled: out += tr("cancelled"); break;
    default:
        out += QStringLiteral("%1 %2").arg(e.status).arg(QString::fromLatin1(e.reasonPhrase)).trimmed();
        out += QStringLiteral(" (%1)").arg(Exchange::outcomeName(e.outcome));
        break;
    }
    if (e.durationMs >= 0)
        out += tr(" in %1").arg(ExchangeLogModel::formatDuration(e.durationMs));
    out += tr(", started %1").arg(e.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    return out;
}

QString ExchangeFormatter::requestText(const Exchange &e)
{
    QString out = QString::fromLatin1(e.method) + QLatin1Char(' ') + e.url + QLatin1Char('\n');
    out += headersText(e.requestHeaders);
    out += QLatin1Char('\n');
    out += e.requestBody.isEmpty() ? tr("(no body)") : bodyText(e.requestBody);
    return out;
}

QString ExchangeFormatter::responseText(const Exchange &e)
{
    switch (e.outcome) {
    case Exchange::Outcome::Pending: return tr("Waiting for the answer\u2026") + QStringLiteral("\n\n(no answer yet)");
    case Exchange::Outcome::Cancelled:
    case Exchange::Outcome::Failed:
        if (e.status == 0)
            return tr("No HTTP answer") + QStringLiteral("\n\n(") + (e.errorText.isEmpty() ? tr("cancelled") : e.errorText) + QLatin1Char(')');
        break;
    default: break;
    }
    QString out = QStringLiteral("HTTP %1 %2").arg(e.status).arg(QString::fromLatin1(e.reasonPhrase)).trimmed();
    out += QStringLiteral("  \u00b7  %1  \u00b7  %2").arg(ExchangeLogModel::formatDuration(e.durationMs), ExchangeLogModel::formatSize(e.responseBytes));
    out += QLatin1Char('\n');
    out += headersText(e.responseHeaders);
    out += QLatin1Char('\n');
    out += e.responseBody.isEmpty() ? tr("(empty body)") : bodyText(e.responseBody);
    if (e.responseBodyTruncated)
        out += QLatin1Char('\n') + tr("(the body was cut at %1 for the log)").arg(ExchangeLogModel::formatSize(e.responseBody.size()));
    return out;
}

QString ExchangeFormatter::bodyText(const QByteArray &body)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && !doc.isNull())
        return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
    auto decode = QStringDecoder(QStringDecoder::Utf8);
    const QString text = decode(body);
    if (decode.hasError())
        return tr("(%1 of binary data, not shown)").arg(ExchangeLogModel::formatSize(body.size()));
    return text;
}

} // namespace plainkey::gui
