// SecretClipboard: a copied secret carries the password-manager hint and leaves the clipboard
// after the delay, unless the user copied something else since.

#include "gui/clipboard/secretclipboard.h"

#include <QApplication>
#include <QClipboard>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>

using namespace plainkey::gui;
using namespace std::chrono_literals;

class tst_SecretClipboard : public QObject
{
    Q_OBJECT
private slots:
    void copyCarriesThePasswordManagerHint();
    void secretIsClearedAfterTheDelay();
    void whatTheUserCopiedSinceStays();
    void aSecondCopyRestartsTheDelay();
    void defaultDelayIsAMinute();
};

void tst_SecretClipboard::copyCarriesThePasswordManagerHint()
{
    SecretClipboard clipboard;
    clipboard.copySecret(QStringLiteral("secret-value-1"));
    const QMimeData *data = QGuiApplication::clipboard()->mimeData();
    QVERIFY(data);
    QCOMPARE(data->text(), QStringLiteral("secret-value-1"));
    QVERIFY(data->hasFormat(QStringLiteral("text/plain")));
    QVERIFY(data->hasFormat(QStringLiteral("x-kde-passwordManagerHint")));
    QCOMPARE(data->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArray("secret"));
    QVERIFY(clipboard.isPending());
}

void tst_SecretClipboard::secretIsClearedAfterTheDelay()
{
    SecretClipboard clipboard;
    clipboard.setClearAfter(50ms);
    QSignalSpy cleared(&clipboard, &SecretClipboard::cleared);
    clipboard.copySecret(QStringLiteral("secret-value-2"));
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("secret-value-2"));
    QVERIFY(cleared.wait(5000));
    QCOMPARE(QGuiApplication::clipboard()->text(), QString());
    QVERIFY(!clipboard.isPending());
}

void tst_SecretClipboard::whatTheUserCopiedSinceStays()
{
    SecretClipboard clipboard;
    clipboard.setClearAfter(50ms);
    QSignalSpy cleared(&clipboard, &SecretClipboard::cleared);
    clipboard.copySecret(QStringLiteral("secret-value-3"));
    QGuiApplication::clipboard()->setText(QStringLiteral("something the user copied"));
    QTRY_VERIFY_WITH_TIMEOUT(!clipboard.isPending(), 5000);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("something the user copied"));
    QCOMPARE(cleared.count(), 0);

    // The same text copied by the user (no hint) is theirs too.
    clipboard.copySecret(QStringLiteral("secret-value-4"));
    QGuiApplication::clipboard()->setText(QStringLiteral("secret-value-4"));
    QTRY_VERIFY_WITH_TIMEOUT(!clipboard.isPending(), 5000);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("secret-value-4"));
    QCOMPARE(cleared.count(), 0);
}

void tst_SecretClipboard::aSecondCopyRestartsTheDelay()
{
    SecretClipboard clipboard;
    clipboard.setClearAfter(50ms);
    QSignalSpy cleared(&clipboard, &SecretClipboard::cleared);
    clipboard.copySecret(QStringLiteral("secret-value-5"));
    clipboard.copySecret(QStringLiteral("secret-value-6"));
    QVERIFY(cleared.wait(5000));
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(QGuiApplication::clipboard()->text(), QString());
}

void tst_SecretClipboard::defaultDelayIsAMinute()
{
    QCOMPARE(SecretClipboard().clearAfter(), std::chrono::milliseconds(60000));
    QVERIFY(SecretClipboard::instance());
    QCOMPARE(SecretClipboard::instance(), SecretClipboard::instance());
}

QTEST_MAIN(tst_SecretClipboard)
#include "tst_secretclipboard.moc"
