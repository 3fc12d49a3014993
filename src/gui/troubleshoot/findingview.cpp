#include "gui/troubleshoot/findingview.h"

#include "core/log/exchangelog.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace plainkey::gui {

namespace {

const QString kExchangeScheme = QStringLiteral("exchange:");

QLabel *wrappedLabel(QWidget *parent, const QString &name, Qt::TextFormat format)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextFormat(format);
    label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    return label;
}

} // namespace

FindingView::FindingView(const Finding &finding, const ExchangeLog *log, QWidget *parent) : QFrame(parent), m_finding(finding)
{
    setObjectName(QStringLiteral("finding-%1").arg(finding.id));
    setFrameShape(QFrame::StyledPanel);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    setAccessibleName(tr("%1: %2").arg(verdictText(finding.verdict), finding.title));

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(6, 3, 6, 3);
    layout->setHorizontalSpacing(8);
    layout->setVerticalSpacing(1);

    auto *verdict = new QLabel(verdictText(finding.verdict), this);
    verdict->setObjectName(QStringLiteral("verdictLabel"));
    QFont bold = verdict->font();
    bold.setBold(true);
    verdict->setFont(bold);
    Theme::setTextTone(verdict, verdictTone(finding.verdict));
    // One width for every card's verdict, so the titles line up under each other.
    verdict->setMinimumWidth(verdict->fontMetrics().horizontalAdvance(verdictText(Finding::Verdict::CouldNotCheck)) + 4);
    layout->addWidget(verdict, 0, 0, Qt::AlignTop);

    auto *texts = new QVBoxLayout;
    texts->setSpacing(1);
    auto *title = wrappedLabel(this, QStringLiteral("titleLabel"), Qt::PlainText);
    title->setText(finding.title);
    title->setFont(bold);
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    texts->addWidget(title);

    if (!finding.detail.isEmpty()) {
        auto *detail = wrappedLabel(this, QStringLiteral("detailLabel"), Qt::PlainText);
        detail->setText(finding.detail);
        detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
        texts->addWidget(detail);
    }
    if (!finding.action.isEmpty()) {
        auto *action = wrappedLabel(this, QStringLiteral("actionLabel"), Qt::RichText);
        action->setText(tr("<b>Next:</b> %1").arg(finding.action.toHtmlEscaped()));
        action->setTextInteractionFlags(Qt::TextSelectableByMouse);
        texts->addWidget(action);
    }
    if (!finding.exchangeIds.isEmpty()) {
        auto *links = wrappedLabel(this, QStringLiteral("exchangesLabel"), Qt::RichText);
        links->setText(tr("In the log: %1").arg(exchangeLinks(finding.exchangeIds, log)));
        // Tab reaches each link, Enter follows it.
        links->setTextInteractionFlags(Qt::TextBrowserInteraction);
        links->setToolTip(tr("Show this exchange in the request log"));
        connect(links, &QLabel::linkActivated, this, [this](const QString &link) {
            if (const quint64 id = exchangeIdFromLink(link))
                emit showExchangeRequested(id);
        });
        texts->addWidget(links);
    }
    layout->addLayout(texts, 0, 1);
    layout->setColumnStretch(1, 1);
}

QString FindingView::verdictText(Finding::Verdict verdict)
{
    switch (verdict) {
    case Finding::Verdict::Pass: return tr("\u2714 Pass");
    case Finding::Verdict::Info: return tr("\u2139 Info");
    case Finding::Verdict::Warning: return tr("\u26a0 Warning");
    case Finding::Verdict::Fail: return tr("\u2718 Fail");
    case Finding::Verdict::Skipped: return tr("\u2013 Skipped");
    case Finding::Verdict::CouldNotCheck: return tr("? Could not check");
    }
    return {};
}

Theme::Tone FindingView::verdictTone(Finding::Verdict verdict)
{
    switch (verdict) {
    case Finding::Verdict::Pass: return Theme::Tone::Success;
    case Finding::Verdict::Info: return Theme::Tone::Info;
    case Finding::Verdict::Warning: return Theme::Tone::Warning;
    case Finding::Verdict::Fail: return Theme::Tone::Error;
    case Finding::Verdict::Skipped: return Theme::Tone::Muted;
    case Finding::Verdict::CouldNotCheck: return Theme::Tone::Warning;
    }
    return Theme::Tone::Muted;
}

QString FindingView::exchangeLinks(const QList<quint64> &ids, const ExchangeLog *log)
{
    QStringList links;
    for (const quint64 id : ids) {
        QString name = tr("exchange #%1").arg(id);
        if (const Exchange *e = log ? log->find(id) : nullptr) {
            const QString what = e->operation.isEmpty() ? QStringLiteral("%1 %2").arg(QString::fromLatin1(e->method), e->path()) : e->operation;
            name = e->status > 0 ? tr("%1, HTTP %2 (#%3)").arg(what).arg(e->status).arg(id) : tr("%1, no answer (#%2)").arg(what).arg(id);
        }
        links.append(QStringLiteral("<a href=\"%1%2\">%3</a>").arg(kExchangeScheme).arg(id).arg(name.toHtmlEscaped()));
    }
    return links.join(QStringLiteral(" \u00b7 "));
}

quint64 FindingView::exchangeIdFromLink(const QString &link)
{
    if (!link.startsWith(kExchangeScheme))
        return 0;
    bool ok = false;
    const quint64 id = link.mid(kExchangeScheme.size()).toULongLong(&ok);
    return ok ? id : 0;
}

QString FindingView::plainText(const Finding &finding)
{
    QString text = QStringLiteral("[%1] %2").arg(Finding::verdictName(finding.verdict), finding.title);
    if (!finding.detail.isEmpty())
        text += QStringLiteral("\n    %1").arg(finding.detail);
    if (!finding.action.isEmpty())
        text += QStringLiteral("\n    Next: %1").arg(finding.action);
    if (!finding.exchangeIds.isEmpty()) {
        QStringList ids;
        for (const quint64 id : finding.exchangeIds)
            ids.append(QStringLiteral("#%1").arg(id));
        text += QStringLiteral("\n    Exchanges: %1").arg(ids.join(QStringLiteral(", ")));
    }
    return text;
}

} // namespace plainkey::gui
