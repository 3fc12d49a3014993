// Log > History settings…: the retention a person sets is applied to the real history file at
// once (exchanges past it are deleted), kept for the next window, and Restore Defaults gives
// 30 days and 200 MB back.

#include "core/history/historystore.h"
#include "gui/log/historysettingsdialog.h"
#include "gui/window/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

HistoryEntry entry(const QString &path, int daysAgo)
{
    HistoryEntry h;
    h.exchange.method = "GET";
    h.exchange.url = QStringLiteral("http://127.0.0.1:9/server") + path;
    h.exchange.status = 200;
    h.exchange.outcome = Exchange::Outcome::Success;
    h.exchange.startedAt = QDateTime::currentDateTimeUtc().addDays(-daysAgo);
    h.profile = QStringLiteral("staging");
    return h;
}

QStringList urls(const QString &path)
{
    QStringList out;
    auto store = HistoryStore::open(path, nullptr, nullptr);
    if (!store)
        return {QStringLiteral("(could not open)")};
    HistoryQuery q;
    q.profile = QStringLiteral("staging");
    for (const HistoryEntry &h : store->query(q))
        out << h.exchange.url.section(QLatin1Char('/'), -1);
    out.sort();
    return out;
}

//! Runs \a fill on the history settings dialog once it is open, then presses \a button.
void answerDialog(QObject *context, std::function<void(QDialog *)> fill, QDialogButtonBox::StandardButton button)
{
    QTimer::singleShot(0, context, [fill = std::move(fill), button] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        if (!dialog || dialog->objectName() != QLatin1String("historySettingsDialog")) {
            qWarning("no history settings dialog");
            if (dialog)
                dialog->reject();
            return;
        }
        fill(dialog);
        // PLAINKEY_LAYOUT_SCREENSHOTS=DIR saves the dialog as a person sees it.
        if (const QString dir = qEnvironmentVariable("PLAINKEY_LAYOUT_SCREENSHOTS"); !dir.isEmpty())
            dialog->grab().save(dir + QStringLiteral("/history-settings.png"));
        dialog->findChild<QDialogButtonBox *>()->button(button)->click();
    });
}

} // namespace

class tst_HistorySettings : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void retentionIsAppliedKeptAndRestored();
};

void tst_HistorySettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_historysettings"));
    QSettings().clear();
}

void tst_HistorySettings::retentionIsAppliedKeptAndRestored()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    {
        auto store = HistoryStore::open(path, nullptr, nullptr);
        QVERIFY(store);
        QVERIFY(store->append({entry(QStringLiteral("/today"), 0), entry(QStringLiteral("/week"), 7), entry(QStringLiteral("/month"), 25)}));
    }
    qputenv("PLAINKEY_HISTORY_FILE", path.toLocal8Bit());

    ConsoleOptions options;
    options.start = ConsoleOptions::Start::Demo;
    options.keychainService.clear();
    {
        MainWindow w(options);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *action = w.findChild<QAction *>(QStringLiteral("actionHistorySettings"));
        QVERIFY(action);
        QVERIFY(action->isEnabled());
        // The defaults keep all three.
        QTest::qWait(600);
        QCOMPARE(urls(path), (QStringList{QStringLiteral("month"), QStringLiteral("today"), QStringLiteral("week")}));

        // Cancel changes nothing.
        answerDialog(this, [](QDialog *d) { d->findChild<QSpinBox *>(QStringLiteral("maxAgeSpin"))->setValue(1); }, QDialogButtonBox::Cancel);
        action->trigger();
        QTest::qWait(600);
        QCOMPARE(urls(path).size(), 3);

        // Ten days, typed as a person would: what is older goes at once.
        int shownDays = -1;
        answerDialog(this, [&shownDays](QDialog *d) {
            auto *days = d->findChild<QSpinBox *>(QStringLiteral("maxAgeSpin"));
            shownDays = days->value();
            days->setFocus();
            days->selectAll();
            QTest::keyClicks(days, QStringLiteral("10"));
        }, QDialogButtonBox::Ok);
        action->trigger();
        QCOMPARE(shownDays, 30);
        QTRY_COMPARE_WITH_TIMEOUT(urls(path), (QStringList{QStringLiteral("today"), QStringLiteral("week")}), 10000);
    }
    QCOMPARE(QSettings().value(QStringLiteral("history/maxAgeDays")).toInt(), 10);

    // The next window starts with ten days, and Restore Defaults gives 30 and 200 back.
    MainWindow w(options);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    int days = -1, megabytes = -1;
    answerDialog(this, [&](QDialog *d) {
        days = d->findChild<QSpinBox *>(QStringLiteral("maxAgeSpin"))->value();
        d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::RestoreDefaults)->click();
        megabytes = d->findChild<QSpinBox *>(QStringLiteral("maxSizeSpin"))->value();
    }, QDialogButtonBox::Ok);
    w.findChild<QAction *>(QStringLiteral("actionHistorySettings"))->trigger();
    QCOMPARE(days, 10);
    QCOMPARE(megabytes, 200);
    QCOMPARE(QSettings().value(QStringLiteral("history/maxAgeDays")).toInt(), 30);
    QCOMPARE(QSettings().value(QStringLiteral("history/maxMegabytes")).toInt(), 200);
    QSettings().clear();
}

QTEST_MAIN(tst_HistorySettings)
#include "tst_historysettings.moc"
