#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

#include <chrono>

class QTimer;

namespace plainkey::gui {

//! Copies secrets to the clipboard the way password managers do: the copy carries the
//! "x-kde-passwordManagerHint: secret" type, so clipboard histories (Klipper and others) skip
//! it, and it is cleared after a while if the clipboard still holds it. What the user copied
//! since is never cleared. One instance serves the whole console (see instance()).
class SecretClipboard : public QObject
{
    Q_OBJECT
public:
    //! How long a secret stays on the clipboard by default.
    static constexpr std::chrono::milliseconds kDefaultClearAfter{60000};

    explicit SecretClipboard(QObject *parent = nullptr);

    //! The console's one instance, parented to the application.
    static SecretClipboard *instance();
    //! Puts \a secret on the clipboard with the password-manager hint and schedules its clearing.
    static void copy(const QString &secret) { instance()->copySecret(secret); }

    void copySecret(const QString &secret);
    std::chrono::milliseconds clearAfter() const { return m_clearAfter; }
    //! For tests: a shorter delay than 60 s.
    void setClearAfter(std::chrono::milliseconds delay) { m_clearAfter = delay; }
    //! True while a copied secret waits to be cleared.
    bool isPending() const;

    //! The MIME type and value that ask clipboard managers not to keep an entry.
    static QString hintMimeType() { return QStringLiteral("x-kde-passwordManagerHint"); }

signals:
    //! The secret was removed from the clipboard (not emitted when something else replaced it).
    void cleared();

private:
    void clearIfStillThere();

    QTimer *m_timer;
    QString m_copied;
    std::chrono::milliseconds m_clearAfter = kDefaultClearAfter;
};

} // namespace plainkey::gui
