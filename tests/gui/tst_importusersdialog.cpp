// The import dialog reads a list file off the GUI thread: the window keeps handling events
// while a big list is read and parsed, and the preview arrives when it is done.

#include "core/api/plainkeyclient.h"
#include "gui/users/importrowmodel.h"
#include "gui/users/importusersdialog.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace plainkey;
using namespace plainkey::gui;

class tst_ImportUsersDialog : public QObject
{
    Q_OBJECT
private slots:
    void bigListIsReadOffTheGuiThread();
    void listOverTheLimitIsRefusedWhole();
};

void tst_ImportUsersDialog::bigListIsReadOffTheGuiThread()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("names.txt"));
    constexpr int kNames = 200000;
    {
        QByteArray data;
        data.reserve(kNames * 32);
        for (int i = 0; i < kNames; ++i)
            data += "person-" + QByteArray::number(i) + "@example.com\n";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(data), qint64(data.size()));
    }
    PlainKeyClient client;
    ImportUsersDialog dialog(&client);
    dialog.show();
    QSignalSpy loaded(&dialog, &ImportUsersDialog::listLoaded);

    QVERIFY(dialog.loadFile(path));
    // loadFile() returned before the list was read: the parse runs elsewhere, and the dialog says so.
    QVERIFY(dialog.isLoading());
    QCOMPARE(dialog.rowModel()->rowCount(), 0);
    auto *status = dialog.findChild<QLabel *>(QStringLiteral("statusLabel"));
    QVERIFY(status);
    QVERIFY2(status->text().contains(QLatin1String("Reading names.txt")), qPrintable(status->text()));
    auto *choose = dialog.findChild<QPushButton *>(QStringLiteral("chooseFileButton"));
    QVERIFY(choose && !choose->isEnabled());
    QVERIFY2(!dialog.loadFile(path), "a second load while one runs is refused");

    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 60000);
    QCOMPARE(loaded.at(0).at(0).toBool(), true);
    QVERIFY(!dialog.isLoading());
    QCOMPARE(dialog.rowModel()->rowCount(), kNames);
    QCOMPARE(dialog.rowModel()->rows().last().userName, QStringLiteral("person-%1@example.com").arg(kNames - 1));
    QVERIFY(choose->isEnabled());
}

void tst_ImportUsersDialog::listOverTheLimitIsRefusedWhole()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("huge.txt"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(UserImportList::maxBytes + 1)); // sparse: no 64 MiB written to disk
    }
    PlainKeyClient client;
    ImportUsersDialog dialog(&client);
    QSignalSpy loaded(&dialog, &ImportUsersDialog::listLoaded);
    QVERIFY(dialog.loadFile(path));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 60000);
    QCOMPARE(loaded.at(0).at(0).toBool(), false);
    QCOMPARE(dialog.rowModel()->rowCount(), 0);
    auto *file = dialog.findChild<QLabel *>(QStringLiteral("fileLabel"));
    QVERIFY2(file->text().contains(QLatin1String("under 64 MiB")), qPrintable(file->text()));
}

QTEST_MAIN(tst_ImportUsersDialog)
#include "tst_importusersdialog.moc"
