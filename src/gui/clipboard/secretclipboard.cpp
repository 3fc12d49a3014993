#include "gui/clipboard/secretclipboard.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QMimeData>
#include <QTimer>

namespace plainkey::gui {

SecretClipboard::SecretClipboard(QObject *parent) : QObject(parent), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &SecretClipboard::clearIfStillThere);
}

SecretClipboard *SecretClipboard::instance()
{
    static QPointer<SecretClipboard> one;
    if (!one)
        one = new SecretClipboard(QCoreApplication::instance());
    return one;
}

void SecretClipboard::copySecret(const QString &secret)
{
    if (secret.isEmpty())
        return;
    auto *data = new QMimeData;
    data->setText(secret);
    data->setData(hintMimeType(), QByteArrayLiteral("secret"));
    QGuiApplication::clipboard()->setMimeData(data);
    m_copied = secret;
    m_timer->start(m_clearAfter);
}

bool SecretClipboard::isPending() const
{
    return m_timer->isActive();
}

void SecretClipboard::clearIfStillThere()
{
    const QString copied = std::exchange(m_copied, QString());
    QClipboard *clipboard = QGuiApplication::clipboard();
    const QMimeData *now = clipboard->mimeData();
    // Only our own copy: whatever the user copied since stays.
    if (copied.isEmpty() || !now || !now->hasFormat(hintMimeType()) || now->text() != copied)
        return;
    clipboard->clear();
    emit cleared();
}

} // namespace plainkey::gui
