#include "gui/log/historyscopebar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>

namespace plainkey::gui {

HistoryScopeBar::HistoryScopeBar(QWidget *parent)
    : QWidget(parent), m_scope(new QComboBox(this)), m_profile(new QLineEdit(this)), m_since(new QComboBox(this)),
      m_clear(new QToolButton(this)), m_note(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    m_scope->setObjectName(QStringLiteral("historyScopeCombo"));
    m_scope->addItem(tr("This session"));
    m_scope->addItem(tr("All history"));
    m_scope->setToolTip(tr("Show this session's exchanges, or every exchange the console and plainkey-cli recorded"));
    m_profile->setObjectName(QStringLiteral("historyProfileEdit"));
    m_profile->setPlaceholderText(tr("Any profile"));
    m_profile->setClearButtonEnabled(true);
    m_profile->setToolTip(tr("Show only the exchanges made under this profile"));
    m_since->setObjectName(QStringLiteral("historySinceCombo"));
    m_since->setToolTip(tr("Show only exchanges this recent"));
    m_since->addItem(tr("Any time"), 0);
    m_since->addItem(tr("Last hour"), 3600);
    m_since->addItem(tr("Last 24 hours"), 24 * 3600);
    m_since->addItem(tr("Last 7 days"), 7 * 24 * 3600);
    m_since->addItem(tr("Last 30 days"), 30 * 24 * 3600);
    m_clear->setObjectName(QStringLiteral("clearHistoryButton"));
    m_clear->setText(tr("Clear history\u2026"));
    m_clear->setToolTip(tr("Delete every recorded exchange from the history file (asks first)"));
    m_clear->setToolButtonStyle(Qt::ToolButtonTextOnly);
    // The scope combo goes in the log's own toolbar (see scopeCombo()); this bar is the row of
    // history filters, shown only while the whole history is.
    m_scope->setVisible(false);
    m_note->setObjectName(QStringLiteral("historyNote"));
    layout->addWidget(m_profile, 1);
    layout->addWidget(m_since);
    layout->addWidget(m_note, 1);
    layout->addWidget(m_clear);

    auto *profileTimer = new QTimer(this);
    profileTimer->setSingleShot(true);
    profileTimer->setInterval(250);
    connect(m_profile, &QLineEdit::textChanged, profileTimer, qOverload<>(&QTimer::start));
    connect(profileTimer, &QTimer::timeout, this, &HistoryScopeBar::queryChanged);
    connect(m_profile, &QLineEdit::returnPressed, this, [this, profileTimer] {
        profileTimer->stop();
        emit queryChanged();
    });
    connect(m_since, &QComboBox::currentIndexChanged, this, &HistoryScopeBar::queryChanged);
    connect(m_clear, &QToolButton::clicked, this, &HistoryScopeBar::clearHistoryRequested);
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this](int index) { emit scopeChanged(index == 1); });
}

bool HistoryScopeBar::historyScope() const
{
    return m_scope->currentIndex() == 1;
}

void HistoryScopeBar::setHistoryScope(bool history)
{
    m_scope->setCurrentIndex(history ? 1 : 0);
}

HistoryQuery HistoryScopeBar::query() const
{
    HistoryQuery q;
    q.profile = m_profile->text().trimmed();
    const int seconds = m_since->currentData().toInt();
    if (seconds > 0)
        q.from = QDateTime::currentDateTimeUtc().addSecs(-seconds);
    q.limit = 10000;
    return q;
}

void HistoryScopeBar::setNote(const QString &text)
{
    m_note->setText(text);
}

} // namespace plainkey::gui
