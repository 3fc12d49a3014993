// The Users tab against the embedded emulator over loopback HTTP: find a user by name and by
// ID, or in one click from a verified token; the passkeys table shows every field; relabel,
// delete a passkey and a user behind confirmations (cancel changes nothing, confirm deletes,
// checked in the emulator's own store); a production profile refuses changes until unlocked;
// create and rename users; begin adding a passkey (token masked); bulk import with a preview,
// progress and per-row results; hundreds of passkeys and 10,000 names without freezing the
// window; the keyboard reaches every action; errors say what failed and why.
//
// The store is read back with a plain QNetworkAccessManager (StoreProbe), never through the
// client under test.

#include "widgettesthelper.h"
#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "gui/connection/connectionpanel.h"
#include "gui/demo/demosession.h"
#include "emulator/emulatorconfig.h"
#include "core/log/exchangelog.h"
#include "gui/users/importrowmodel.h"
#include "gui/users/importusersdialog.h"
#include "gui/users/passkeylabeldialog.h"
#include "gui/users/passkeyregistrationdialog.h"
#include "gui/users/passkeytablemodel.h"
#include "core/users/userimporter.h"
#include "gui/users/usersconfirmdialog.h"
#include "gui/users/usersnamedialog.h"
#include "gui/users/userspanel.h"
#include "gui/verify/verifypanel.h"
#include "gui/window/mainwindow.h"

#include "httptesthelper.h"
#include "rawhttpserver.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrlQuery>

using namespace plainkey;
using namespace plainkey::gui;

namespace {

//! Reads the emulator's store over HTTP with its own access token: what is really there.
class StoreProbe
{
public:
    void setCredentials(const Credentials &c)
    {
        m_credentials = c;
        m_token.clear();
    }

    TestHttpAnswer get(const QString &path)
    {
        ensureToken();
        return testHttp("GET", url(path), {}, headers());
    }
    //! The user's passkeys as the store has them; empty with ok false when the user is unknown.
    QJsonArray passkeysOf(const QString &userId, bool *ok = nullptr)
    {
        const TestHttpAnswer a = get(QStringLiteral("/user/%1/credentials").arg(userId));
        if (ok)
            *ok = a.status == 200;
        return QJsonDocument::fromJson(a.body).array();
    }
    int userStatus(const QString &userId) { return get(QStringLiteral("/user/%1").arg(userId)).status; }
    //! The ID of the user called \a name, or empty.
    QString idOfName(const QString &name)
    {
        ensureToken();
        QUrl u = url(QStringLiteral("/user"));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("userName"), name);
        u.setQuery(q);
        const TestHttpAnswer a = testHttp("GET", u, {}, headers());
        return a.status == 200 ? a.json.value(QLatin1String("id")).toString() : QString();
    }
    //! Sets an emulator fault (PUT /emulator/faults).
    int setFault(const QJsonObject &fault) { return testHttp("PUT", url(QStringLiteral("/emulator/faults")), fault).status; }
    //! A new user with one simulated passkey; returns the user ID.
    QString signUp(const std::optional<QString> &name)
    {
        QJsonObject body{{QStringLiteral("label"), QStringLiteral("Test key")}};
        if (name)
            body.insert(QStringLiteral("userName"), *name);
        return testHttp("POST", url(QStringLiteral("/emulator/sign-up")), body)
                .json.value(QLatin1String("userId"))
                .toString();
    }

private:
    QUrl url(const QString &path) const
    {
        QUrl u = m_credentials.baseUrl;
        u.setPath(u.path() + path);
        return u;
    }
    QList<QPair<QByteArray, QByteArray>> headers() const
    {
        return {{"Authorization", "Bearer " + m_token}, {"x-project-id", m_credentials.projectId.toUtf8()}};
    }
    void ensureToken()
    {
        if (!m_token.isEmpty())
            return;
        QNetworkAccessManager nam;
        QNetworkRequest request(url(QStringLiteral("/access-token")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("client_id"), m_credentials.projectId);
        form.addQueryItem(QStringLiteral("client_secret"), m_credentials.clientSecret);
        QNetworkReply *reply = nam.post(request, form.toString(QUrl::FullyEncoded).toUtf8());
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        loop.exec();
        m_token = QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("access_token")).toString().toUtf8();
        delete reply;
    }

    Credentials m_credentials;
    QByteArray m_token;
};

//! The visible dialog of type T that \a parent opened, or nullptr.
template <typename T>
T *openDialog(QWidget *parent)
{
    for (T *d : parent->findChildren<T *>())
        if (d->isVisible())
            return d;
    return nullptr;
}

template <typename T>
T *waitForDialog(QWidget *parent)
{
    T *d = nullptr;
    return QTest::qWaitFor([&] { return (d = openDialog<T>(parent)) != nullptr; }, 5000) ? d : nullptr;
}

QPushButton *okButton(QDialog *d)
{
    return d->findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"))->button(QDialogButtonBox::Ok);
}

QPushButton *cancelButton(QDialog *d)
{
    return d->findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"))->button(QDialogButtonBox::Cancel);
}

//! The longest time the event loop went without running a 5 ms timer, while it ran.
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            m_worst = std::max(m_worst, m_clock.restart());
        });
        m_clock.start();
        m_timer.start();
    }
    qint64 worstMs() const { return m_worst; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_worst = 0;
};

struct Fixture
{
    explicit Fixture(bool production = false)
    {
        QVERIFY(demo.start());
        client.setCredentials(demo.credentials());
        store.setCredentials(demo.credentials());
        panel.resize(1000, 700);
        panel.setProductionProfile(production);
        panel.show();
    }
    template <typename T>
    T *child(const char *name)
    {
        return childOf<T>(&panel, name);
    }
    QString text(const char *label) { return child<QLabel>(label)->text(); }
    QPushButton *button(const char *name) { return child<QPushButton>(name); }
    bool idle() { return QTest::qWaitFor([&] { return !panel.isBusy(); }, 15000); }

    //! Finds \a what through the find field, as a person would, and waits for the passkeys.
    bool find(const QString &what, bool byId = false) { return findAs(what, byId ? 1 : 0); }
    //! \a kind: the find combo's entry (0 user name, 1 user ID, 2 passkey ID).
    bool findAs(const QString &what, int kind)
    {
        QSignalSpy loaded(&panel, &UsersPanel::passkeysLoaded);
        child<QComboBox>("findKindCombo")->setCurrentIndex(kind);
        child<QLineEdit>("findEdit")->setText(what);
        button("findButton")->click();
        return idle() && (loaded.count() > 0 || loaded.wait(15000));
    }
    QString firstPasskeyId()
    {
        return passkeysView()->model()->index(0, 0).data(PasskeyTableModel::PasskeyIdRole).toString();
    }
    QTableView *passkeysView() { return child<QTableView>("passkeysView"); }
    int exchanges() { return client.exchangeLog()->size(); }

    DemoSession demo;
    PlainKeyClient client;
    UsersPanel panel{&client};
    StoreProbe store;
};

ConsoleOptions demoOptions()
{
    ConsoleOptions o;
    o.start = ConsoleOptions::Start::Demo;
    o.useSettings = false;
    return o;
}

//! A Passkey object as PlainKey writes it.
QJsonObject passkeyJson(int i, const QString &userId)
{
    const QDateTime created = QDateTime(QDate(2024, 1, 1), QTime(12, 0), Qt::UTC).addSecs(i * 3600);
    return {{QStringLiteral("id"), QStringLiteral("cred_%1").arg(i, 4, 10, QLatin1Char('0'))},
            {QStringLiteral("userId"), userId},
            {QStringLiteral("webAuthnId"), QStringLiteral("wa%1").arg(i)},
            {QStringLiteral("label"), i % 3 ? QJsonValue(QStringLiteral("Key %1").arg(i)) : QJsonValue()},
            {QStringLiteral("authenticatorType"), QStringLiteral("platform")},
            {QStringLiteral("aaguid"), i % 2 ? QStringLiteral("fbfc3007-154e-4ecc-8c0b-6e020557d7bd")
                                             : QStringLiteral("cb69481e-8ff7-4039-93ec-0a2729a154a8")},
            {QStringLiteral("credentialDeviceType"), i % 2 ? QStringLiteral("multiDevice") : QStringLiteral("singleDevice")},
            {QStringLiteral("credentialBackedUp"), i % 2 == 1},
            {QStringLiteral("transports"), QJsonArray{QStringLiteral("internal"), QStringLiteral("hybrid")}},
            {QStringLiteral("counter"), i},
            {QStringLiteral("createdAt"), created.toString(Qt::ISODateWithMs)},
            {QStringLiteral("updatedAt"), QJsonValue()},
            {QStringLiteral("lastUsedAt"), i % 5 ? QJsonValue(created.addDays(30).toString(Qt::ISODateWithMs)) : QJsonValue()}};
}

} // namespace

class tst_UsersPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void findsAUserByNameAndById();
    void saysClearlyWhyAUserIsNotShown();
    void findsAPasskeyAndItsOwnerByPasskeyId();
    void showsTheUserOfAVerifiedTokenInOneClick();
    void passkeyTableShowsEveryField();
    void relabelsAPasskey();
    void deletesAPasskeyOnlyWhenConfirmed();
    void deletesAUserOnlyWhenConfirmed();
    void productionProfileRefusesChangesUntilUnlocked();
    void productionFollowsTheConnection();
    void createsAndRenamesUsers();
    void beginRegistrationShowsOptionsAndMasksTheToken();
    void importShowsPreviewProgressAndPerRowResults();
    void importsTenThousandNamesWithoutFreezing();
    void hundredsOfPasskeysStayResponsive();
    void keyboardReachesEveryAction();
};

void tst_UsersPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PlainKeyTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_userspanel"));
    QApplication::setStyle(QStringLiteral("Fusion"));
}

void tst_UsersPanel::findsAUserByNameAndById()
{
    Fixture f;
    QVERIFY(!f.panel.currentUser());
    QVERIFY(!f.button("findButton")->isEnabled()); // nothing to find yet
    QVERIFY(!f.child<QWidget>("userBox")->isEnabled());

    QVERIFY(f.find(QStringLiteral("ada@example.com")));
    QVERIFY(f.panel.currentUser());
    QCOMPARE(f.panel.currentUser()->userName, std::optional<QString>(QStringLiteral("ada@example.com")));
    const QString adaId = f.panel.currentUser()->id;
    QCOMPARE(adaId, f.store.idOfName(QStringLiteral("ada@example.com")));
    QCOMPARE(f.text("userIdValue"), adaId);
    QCOMPARE(f.text("userNameValue"), QStringLiteral("ada@example.com"));
    QVERIFY(f.child<QWidget>("userBox")->isEnabled());
    QCOMPARE(f.panel.passkeyModel()->rowCount(), 2);
    QVERIFY2(f.text("passkeyCountValue").startsWith(QStringLiteral("2 passkeys")), qPrintable(f.text("passkeyCountValue")));
    QVERIFY(f.text("statusLabel").contains(QStringLiteral("ada@example.com")));

    // By ID, with the spaces a paste brings.
    const QString graceId = f.store.idOfName(QStringLiteral("grace@example.com"));
    QVERIFY(!graceId.isEmpty());
    QSignalSpy shown(&f.panel, &UsersPanel::userShown);
    QVERIFY(f.find(QStringLiteral("  %1 \n").arg(graceId), true));
    QCOMPARE(f.panel.currentUser()->id, graceId);
    QCOMPARE(f.panel.currentUser()->userName, std::optional<QString>(QStringLiteral("grace@example.com")));
    QCOMPARE(f.panel.passkeyModel()->rowCount(), 1);
    QVERIFY(shown.contains(QVariantList{graceId}));

    // showUser() (the verify panel's way in) looks up by ID and says so in the find field.
    f.panel.showUser(adaId);
    QVERIFY(f.idle());
    QCOMPARE(f.panel.currentUser()->id, adaId);
    QCOMPARE(f.child<QComboBox>("findKindCombo")->currentIndex(), 1);
    QCOMPARE(f.child<QLineEdit>("findEdit")->text(), adaId);

    // A user without a user name is shown as such.
    const QString nameless = f.store.signUp(std::nullopt);
    QVERIFY(!nameless.isEmpty());
    QVERIFY(f.find(nameless, true));
    QVERIFY(!f.panel.currentUser()->userName);
    QVERIFY(f.text("userNameValue").startsWith(QStringLiteral("(none")));
    QCOMPARE(f.panel.passkeyModel()->rowCount(), 1);
}

void tst_UsersPanel::findsAPasskeyAndItsOwnerByPasskeyId()
{
    // A credential ID from a server log: the passkey (GET /credential/{id}), then its owner
    // with the passkey selected.
    Fixture f;
    QVERIFY(f.find(QStringLiteral("ada@example.com")));
    const QString adaId = f.panel.currentUser()->id;
    QCOMPARE(f.panel.passkeyModel()->rowCount(), 2);
    const QString second = f.passkeysView()->model()->index(1, 0).data(PasskeyTableModel::PasskeyIdRole).toString();
    QVERIFY(!second.isEmpty());
    QVERIFY(f.find(QStringLiteral("grace@example.com")));

    QVERIFY(f.findAs(QStringLiteral(" %1 ").arg(second), 2));
    QCOMPARE(f.panel.currentUser()->id, adaId);
    const QModelIndexList selected = f.passkeysView()->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(PasskeyTableModel::PasskeyIdRole).toString(), second);
    QVERIFY2(f.text("statusLabel").contains(second), qPrintable(f.text("statusLabel")));
    QVERIFY(f.child<QLineEdit>("findEdit")->placeholderText().contains(QStringLiteral("passkey"), Qt::CaseInsensitive));

    // An unknown passkey ID: PlainKey's 404 in words, and nobody shown.
    const int before = f.exchanges();
    f.child<QLineEdit>("findEdit")->setText(QStringLiteral("cred_does_not_exist"));
    f.button("findButton")->click();
    QVERIFY(f.idle());
    QVERIFY(f.exchanges() > before);
    QVERIFY(!f.panel.currentUser());
    QVERIFY2(f.text("statusLabel").contains(QStringLiteral("cred_does_not_exist")), qPrintable(f.text("statusLabel")));
    QVERIFY(f.text("statusLabel").contains(QStringLiteral("404")));
}

void tst_UsersPanel::saysClearlyWhyAUserIsNotShown()
{
    Fixture f;
    // Nothing typed: refused before anything is sent, with what to do.
    const int before = f.exchanges();
    f.panel.find();
    QVERIFY(f.text("statusLabel").contains(QStringLiteral("Enter a user name")));
    QCOMPARE(f.exchanges(), before);

    // An unknown name: the name, and PlainKey's own words.
    QVERIFY(f.find(QStringLiteral("ada@example.com")));
    f.find(QStringLiteral("nobody@example.com"));
    QVERIFY(f.idle());
    QVERIFY(!f.panel.currentUser());
    QVERIFY(f.panel.passkeyModel()->rowCount() == 0);
    const QString notFound = f.text("statusLabel");
    QVERIFY2(notFound.contains(QStringLiteral("nobody@example.com")), qPrintable(notFound));
    QVERIFY2(notFound.contains(QStringLiteral("404")) || notFound.contains(QStringLiteral("not found"), Qt::CaseInsensitive),
             qPrintable(notFound));

    // PlainKey failing is not "no such user".
    QCOMPARE(f.store.setFault({{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("status"), 503},
                               {QStringLiteral("remaining"), 1}, {QStringLiteral("pathPrefix"), QStringLiteral("/user")}}),
             200);
    f.find(QStringLiteral("ada@example.com"));
    QVERIFY(f.idle());
    const QString failed = f.text("statusLabel");
    QVERIFY2(failed.contains(QStringLiteral("503")), qPrintable(failed));
    QVERIFY2(failed.contains(QStringLiteral("Injected fault")), qPrintable(failed));
    QVERIFY2(!failed.contains(QStringLiteral("not found"), Qt::CaseInsensitive), qPrintable(failed));
    QVERIFY(f.find(QStringLiteral("ada@example.com"))); // the fault was for one answer only
}

void tst_UsersPanel::showsTheUserOfAVerifiedTokenInOneClick()
{
    MainWindow w(demoOptions());
    w.resize(1200, 760);
    w.show();
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    w.connectionPanel()->connectToProject();
    QVERIFY(refreshed.count() > 0 || refreshed.wait(15000));
    VerifyPanel *verify = w.verifyPanel();
    verify->findChild<QPushButton *>(QStringLiteral("simulateButton"))->click();
    QTRY_VERIFY_WITH_TIMEOUT(!verify->normalizedToken().isEmpty(), 15000);
    verify->findChild<QPushButton *>(QStringLiteral("verifyButton"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(verify->outcome(), VerifyPanel::Outcome::Valid, 15000);
    const QString userId = verify->lastResult()->userId;

    UsersPanel *users = w.usersPanel();
    QSignalSpy loaded(users, &UsersPanel::passkeysLoaded);
    verify->findChild<QToolButton *>(QStringLiteral("showUserButton"))->click(); // the one click
    auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("tabWidget"));
    QCOMPARE(tabs->currentWidget(), w.findChild<QWidget *>(QStringLiteral("usersTab")));
    QVERIFY(loaded.count() > 0 || loaded.wait(15000));
    QVERIFY(users->currentUser());
    QCOMPARE(users->currentUser()->id, userId);
    QVERIFY(users->passkeyModel()->rowCount() >= 1);
    // The sign-in just happened: the passkey used is the most recently used one, on top.
    auto *view = users->findChild<QTableView *>(QStringLiteral("passkeysView"));
    const QString lastUsed = view->model()->index(0, PasskeyTableModel::LastUsed).data().toString();
    QVERIFY2(lastUsed.contains(QStringLiteral("ago")) || lastUsed.startsWith(QStringLiteral("now \u2014 ")), qPrintable(lastUsed));
}

void tst_UsersPanel::passkeyTableShowsEveryField()
{
    Fixture f;
    QAbstractItemModelTester tester(f.panel.passkeyModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(f.find(QStringLiteral("ada@example.com")));
    QAbstractItemModel *m = f.passkeysView()->model();
    QStringList headers;
    for (int c = 0; c < m->columnCount(); ++c)
        headers << m->headerData(c, Qt::Horizontal).toString();
    QCOMPARE(headers, (QStringList{QStringLiteral("Label"), QStringLiteral("Authenticator"), QStringLiteral("Device type"),
                                   QStringLiteral("Backed up"), QStringLiteral("Transports"), QStringLiteral("Created"),
                                   QStringLiteral("Last used"), QStringLiteral("Counter")}));
    QCOMPARE(m->rowCount(), 2);
    auto cell = [&](int row, int column) { return m->index(row, column).data().toString(); };
    // Most recently used first: the iCloud Keychain passkey, used minutes ago.
    QCOMPARE(cell(0, PasskeyTableModel::Authenticator), QStringLiteral("iCloud Keychain"));
    QVERIFY2(cell(0, PasskeyTableModel::DeviceType).contains(QStringLiteral("synced")), qPrintable(cell(0, 2)));
    QCOMPARE(cell(0, PasskeyTableModel::BackedUp), QStringLiteral("yes"));
    QCOMPARE(cell(0, PasskeyTableModel::Transports), QStringLiteral("internal, hybrid"));
    const QString used = cell(0, PasskeyTableModel::LastUsed);
    QVERIFY2(used.contains(QStringLiteral(" ago \u2014 ")) && used.endsWith(QStringLiteral(" UTC")), qPrintable(used));
    QVERIFY2(cell(0, PasskeyTableModel::Created).contains(QStringLiteral("UTC")), qPrintable(cell(0, 5)));
    bool isNumber = false;
    cell(0, PasskeyTableModel::Counter).toLongLong(&isNumber);
    QVERIFY(isNumber);
    // The YubiKey: a single device, over USB and NFC.
    QVERIFY2(cell(1, PasskeyTableModel::Authenticator).contains(QStringLiteral("YubiKey 5")), qPrintable(cell(1, 1)));
    QVERIFY2(cell(1, PasskeyTableModel::DeviceType).contains(QStringLiteral("single")), qPrintable(cell(1, 2)));
    QVERIFY(cell(1, PasskeyTableModel::Transports).contains(QStringLiteral("usb")));
    QVERIFY(cell(1, PasskeyTableModel::Transports).contains(QStringLiteral("nfc")));
    // The label column falls back to "(no label)", and its tooltip gives the ID.
    QVERIFY(!cell(0, PasskeyTableModel::Label).isEmpty());
    QVERIFY(m->index(0, PasskeyTableModel::Label).data(Qt::ToolTipRole).toString().contains(f.firstPasskeyId()));

    // Relative times follow the clock.
    const Passkey *p = f.panel.passkeyModel()->passkeyAt(f.panel.passkeyModel()->rowOf(f.firstPasskeyId()));
    QVERIFY(p && p->lastUsedAt.when);
    f.panel.passkeyModel()->setNow(p->lastUsedAt.when->utc.addDays(3));
    QVERIFY2(cell(0, PasskeyTableModel::LastUsed).startsWith(QStringLiteral("3 days ago \u2014 ")), qPrintable(cell(0, 6)));

    // Selecting a passkey shows all its fields, the AAGUID included.
    QVERIFY(f.panel.selectPasskey(f.firstPasskeyId()));
    const QString details = f.child<QTextBrowser>("detailsBrowser")->toPlainText();
    QVERIFY2(details.contains(QStringLiteral("fbfc3007-154e-4ecc-8c0b-6e020557d7bd")), qPrintable(details));
    QVERIFY(details.contains(f.firstPasskeyId()));

    // Grace's passkey was last used months ago.
    QVERIFY(f.find(QStringLiteral("grace@example.com")));
    QVERIFY2(cell(0, PasskeyTableModel::LastUsed).contains(QStringLiteral("months ago")), qPrintable(cell(0, 6)));
    QCOMPARE(cell(0, PasskeyTableModel::Authenticator), QStringLiteral("Google Password Manager"));
}

void tst_UsersPanel::relabelsAPasskey()
{
    Fixture f;
    QVERIFY(f.find(QStringLiteral("ada@example.com")));
    QVERIFY(!f.button("relabelButton")->isEnabled()); // nothing selected
    const QString id = f.firstPasskeyId();
    QVERIFY(f.panel.selectPasskey(id));
    QVERIFY(f.button("relabelButton")->isEnabled());

    // Cancel sends nothing.
    int before = f.exchanges();
    f.button("relabelButton")->click();
    auto *dialog = waitForDialog<PasskeyLabelDialog>(&f.panel);
    QVERIFY(dialog);
    cancelButton(dialog)->click();
    QTRY_VERIFY(!openDialog<PasskeyLabelDialog>(&f.panel));
    QCOMPARE(f.exchanges(), before);

    f.button("relabelButton")->click();
    dialog = waitForDialog<PasskeyLabelDialog>(&f.panel);
    QVERIFY(dialog);
    auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("labelEdit"));
    edit->clear();
    QVERIFY(!okButton(dialog)->isEnabled()); // an empty label is "remove", said with the box
    QTest::keyClicks(edit, QStringLiteral("  Ada's work Mac  "));
    QVERIFY(okButton(dialog)->isEnabled());
    okButton(dialog)->click();
    QVERIFY(f.idle());
    const int row = f.panel.passkeyModel()->rowOf(id);
    QCOMPARE(f.panel.passkeyModel()->passkeyAt(row)->label, std::optional<QString>(QStringLiteral("Ada's work Mac")));
    QVERIFY(f.text("statusLabel").contains(QStringLiteral("Ada's work Mac")));
    auto labelInStore = [&] {
        for (const QJsonValue &v : f.store.passkeysOf(f.panel.currentUser()->id))
            if (v[QLatin1String("id")].toString() == id)
                return v[QLatin1String("label")];
        return QJsonValue(QJsonValue::Undefined);
    };
    QCOMPARE(labelInStore(), QJsonValue(QStringLiteral("Ada's work Mac")));

    // Remove the label.
    f.button("relabelButton")->click();
    dialog = waitForDialog<PasskeyLabelDialog>(&f.panel);
    QVERIFY(dialog);
    dialog->findChild<QCheckBox *>(QStringLiteral("clearCheck"))->setChecked(true);
    QCOMPARE(okButton(dialog)->text(), QStringLiteral("Remove label"));
    okButton(dialog)->click();
    QVERIFY(f.idle());
    QCOMPARE(labelInStore(), QJsonValue(QJsonValue::Null));
    QVERIFY(!f.panel.passkeyModel()->passkeyAt(row)->label);
}

void tst_UsersPanel::deletesAPasskeyOnlyWhenConfirmed()
{
    Fixture f;
    QVERIFY(f.find(QStringLiteral("ada@example.com")));
    const QString userId = f.panel.currentUser()->id;
    QCOMPARE(f.store.passkeysOf(userId).size(), 2);
    const QString id = f.firstPasskeyId();
    QVERIFY(f.panel.selectPasskey(id));

    const int before = f.exchanges();
    f.button("deletePasskeyButton")->click();
    auto *dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    QCOMPARE(dialog->objectName(), QStringLiteral("deletePasskeyDialog"));
    const QString message = dialog->findChild<QLabel *>(QStringLiteral("messageLabel"))->text();
    QVERIFY2(message.contains(QStringLiteral("iCloud Keychain")) && message.contains(QStringLiteral("ada@example.com")), qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("cannot be undone")));
    QVERIFY(cancelButton(dialog)->isDefault()); // Enter does not delete
    cancelButton(dialog)->click();
    QTRY_VERIFY(!openDialog<UsersConfirmDialog>(&f.panel));
    QCOMPARE(f.exchanges(), before);
    QCOMPARE(f.store.passkeysOf(userId).size(), 2);
    QCOMPARE(f.panel.passkeyModel()->rowCount(), 2);

    f.button("deletePasskeyButton")->click();
    dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    dialog->acceptButton()->click();
    QVERIFY(f.idle());
    const QJsonArray left = f.store.passkeysOf(userId);
    QCOMPARE(left.size(), 1);
    QVERIFY(left.at(0)[QLatin1String("id")].toString() != id);
    QCOMPARE(f.panel.passkeyModel()->rowCount(), 1);
    QCOMPARE(f.panel.passkeyModel()->rowOf(id), -1);
    QVERIFY(f.text("statusLabel").startsWith(QStringLiteral("Deleted passkey")));
    QVERIFY(f.text("passkeyCountValue").startsWith(QStringLiteral("1 passkey")));
    QVERIFY(!f.button("deletePasskeyButton")->isEnabled()); // the selection went with it

    // The last one: the dialog says they will have none.
    QVERIFY(f.panel.selectPasskey(f.firstPasskeyId()));
    f.button("deletePasskeyButton")->click();
    dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("messageLabel"))->text().contains(QStringLiteral("only passkey")));
    dialog->acceptButton()->click();
    QVERIFY(f.idle());
    QCOMPARE(f.store.passkeysOf(userId).size(), 0);
    QVERIFY(f.text("passkeyCountValue").startsWith(QStringLiteral("none")));
}

void tst_UsersPanel::deletesAUserOnlyWhenConfirmed()
{
    Fixture f;
    QVERIFY(f.find(QStringLiteral("linus@example.com")));
    const QString userId = f.panel.currentUser()->id;
    const int before = f.exchanges();

    f.button("deleteUserButton")->click();
    auto *dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    QCOMPARE(dialog->objectName(), QStringLiteral("deleteUserDialog"));
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("messageLabel"))->text().contains(QStringLiteral("1 passkey")));
    auto *confirm = dialog->findChild<QLineEdit *>(QStringLiteral("confirmEdit"));
    QVERIFY(confirm->isVisible());
    QVERIFY(!dialog->acceptButton()->isEnabled());
    QTest::keyClicks(confirm, QStringLiteral("linus@example.co"));
    QVERIFY(!dialog->acceptButton()->isEnabled());
    cancelButton(dialog)->click();
    QTRY_VERIFY(!openDialog<UsersConfirmDialog>(&f.panel));
    QCOMPARE(f.exchanges(), before);
    QCOMPARE(f.store.userStatus(userId), 200);
    QCOMPARE(f.panel.currentUser()->id, userId);

    f.button("deleteUserButton")->click();
    dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    confirm = dialog->findChild<QLineEdit *>(QStringLiteral("confirmEdit"));
    QTest::keyClicks(confirm, QStringLiteral("linus@example.com"));
    QVERIFY(dialog->acceptButton()->isEnabled());
    dialog->acceptButton()->click();
    QVERIFY(f.idle());
    QCOMPARE(f.store.userStatus(userId), 404);
    bool listed = true;
    f.store.passkeysOf(userId, &listed);
    QVERIFY(!listed);
    QVERIFY(!f.panel.currentUser());
    QCOMPARE(f.panel.passkeyModel()->rowCount(), 0);
    QVERIFY2(f.text("statusLabel").contains(QStringLiteral("Deleted \u201clinus@example.com\u201d")), qPrintable(f.text("statusLabel")));
}

void tst_UsersPanel::productionProfileRefusesChangesUntilUnlocked()
{
    Fixture f(true);
    QVERIFY(!f.panel.changesAllowed());
    QVERIFY(f.child<QWidget>("lockBanner")->isVisible());
    QVERIFY(f.find(QStringLiteral("ada@example.com"))); // looking up is allowed
    const QString userId = f.panel.currentUser()->id;
    QVERIFY(f.panel.selectPasskey(f.firstPasskeyId()));
    for (const char *name : {"createButton", "importButton", "renameButton", "deleteUserButton", "beginButton", "relabelButton",
                             "deletePasskeyButton"}) {
        QVERIFY2(!f.button(name)->isEnabled(), name);
        QVERIFY2(f.button(name)->toolTip().contains(QStringLiteral("production")), name);
    }
    // Even asked directly, nothing opens and nothing is sent.
    const int before = f.exchanges();
    f.panel.deleteUser();
    QVERIFY(f.text("statusLabel").startsWith(QStringLiteral("Refused to delete the user")));
    f.panel.deleteSelectedPasskey();
    f.panel.relabelSelectedPasskey();
    f.panel.createUser();
    f.panel.renameUser();
    f.panel.beginRegistration();
    f.panel.openImport();
    QVERIFY(f.text("statusLabel").contains(QStringLiteral("Unlock changes")));
    QTest::qWait(50);
    QVERIFY(!openDialog<QDialog>(&f.panel));
    QCOMPARE(f.exchanges(), before);

    // Unlocking asks; cancel keeps it locked.
    f.button("unlockButton")->click();
    auto *dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    QCOMPARE(dialog->objectName(), QStringLiteral("unlockDialog"));
    cancelButton(dialog)->click();
    QTRY_VERIFY(!openDialog<UsersConfirmDialog>(&f.panel));
    QVERIFY(!f.panel.changesAllowed());

    f.button("unlockButton")->click();
    dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    dialog->acceptButton()->click();
    QVERIFY(f.panel.changesAllowed());
    QVERIFY(f.text("lockLabel").contains(QStringLiteral("unlocked")));
    QVERIFY(f.button("deletePasskeyButton")->isEnabled());
    QVERIFY(!f.button("deletePasskeyButton")->toolTip().contains(QStringLiteral("production")));

    // A dialog opened while unlocked does nothing if changes were locked meanwhile.
    f.button("deletePasskeyButton")->click();
    dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    f.panel.lockChanges();
    dialog->acceptButton()->click();
    QVERIFY(f.idle());
    QCOMPARE(f.store.passkeysOf(userId).size(), 2);
    QVERIFY(f.text("statusLabel").startsWith(QStringLiteral("Refused")));

    // An import dialog opened while unlocked cannot start once changes are locked.
    f.panel.unlockChanges();
    f.button("importButton")->click();
    auto *import = waitForDialog<ImportUsersDialog>(&f.panel);
    QVERIFY(import);
    QVERIFY(import->loadData("locked-out@example.com\n", QStringLiteral("names.txt")));
    auto *startButton = import->findChild<QPushButton *>(QStringLiteral("importButton"));
    QVERIFY(startButton->isEnabled());
    f.panel.lockChanges();
    QVERIFY(!startButton->isEnabled());
    const QString why = import->findChild<QLabel *>(QStringLiteral("statusLabel"))->text();
    QVERIFY2(why.contains(QStringLiteral("locked")), qPrintable(why));
    import->startImport();
    QVERIFY(!import->importer()->isRunning());
    QTest::qWait(100);
    QVERIFY(f.store.idOfName(QStringLiteral("locked-out@example.com")).isEmpty());
    f.panel.unlockChanges();
    QVERIFY(startButton->isEnabled());
    static_cast<QDialog *>(import)->reject();

    // Unlocked, a deletion still asks, and then goes through.
    f.button("deletePasskeyButton")->click();
    dialog = waitForDialog<UsersConfirmDialog>(&f.panel);
    QVERIFY(dialog);
    dialog->acceptButton()->click();
    QVERIFY(f.idle());
    QCOMPARE(f.store.passkeysOf(userId).size(), 1);

    // "Lock changes", and a new profile session, lock again.
    QCOMPARE(f.button("unlockButton")->text().remove(QLatin1Char('&')), QStringLiteral("Lock changes"));
    f.button("unlockButton")->click();
    QVERIFY(!f.panel.changesAllowed());
    f.panel.unlockChanges();
    f.panel.setProductionProfile(true);
    QVERIFY(!f.panel.changesAllowed());
    f.panel.setProductionProfile(false);
    QVERIFY(f.panel.changesAllowed());
    QVERIFY(f.child<QWidget>("lockBanner")->isHidden());
}

void tst_UsersPanel::productionFollowsTheConnection()
{
    MainWindow w(demoOptions());
    w.show();
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    w.connectionPanel()->connectToProject();
    QVERIFY(refreshed.count() > 0 || refreshed.wait(15000));
    QVERIFY(w.usersPanel()->changesAllowed()); // the demo, on loopback

    Credentials live;
    live.baseUrl = QUrl(QStringLiteral("https://plainkey.example.invalid/server"));
    live.projectId = QStringLiteral("prod-project");
    live.clientSecret = QStringLiteral("prod-secret-value");
    w.connectionPanel()->setCredentials(live);
    w.connectionPanel()->connectToProject();
    QVERIFY(!w.usersPanel()->changesAllowed());
    QVERIFY(!w.usersPanel()->findChild<QPushButton *>(QStringLiteral("deleteUserButton"))->isEnabled());
    QVERIFY(w.usersPanel()->findChild<QWidget *>(QStringLiteral("lockBanner"))->isVisibleTo(w.usersPanel()));
    w.cancelAll();
}

void tst_UsersPanel::createsAndRenamesUsers()
{
    Fixture f;
    f.button("createButton")->click();
    auto *dialog = waitForDialog<UsersNameDialog>(&f.panel);
    QVERIFY(dialog);
    QVERIFY(!okButton(dialog)->isEnabled());
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("nameEdit")), QStringLiteral(" new.person@example.com "));
    QVERIFY(okButton(dialog)->isEnabled());
    QSignalSpy loaded(&f.panel, &UsersPanel::passkeysLoaded);
    okButton(dialog)->click();
    QVERIFY(f.idle());
    QVERIFY(f.panel.currentUser());
    QCOMPARE(f.panel.currentUser()->userName, std::optional<QString>(QStringLiteral("new.person@example.com")));
    const QString id = f.panel.currentUser()->id;
    QCOMPARE(f.store.idOfName(QStringLiteral("new.person@example.com")), id);
    QVERIFY(f.text("statusLabel").startsWith(QStringLiteral("Created")));
    QTRY_COMPARE(loaded.count(), 1);
    QVERIFY(f.text("passkeyCountValue").startsWith(QStringLiteral("none")));

    // Rename: the current name is offered, and is not a change.
    f.button("renameButton")->click();
    dialog = waitForDialog<UsersNameDialog>(&f.panel);
    QVERIFY(dialog);
    auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("nameEdit"));
    QCOMPARE(edit->text(), QStringLiteral("new.person@example.com"));
    QVERIFY(!okButton(dialog)->isEnabled());
    edit->setText(QStringLiteral("renamed.person@example.com"));
    okButton(dialog)->click();
    QVERIFY(f.idle());
    QCOMPARE(f.store.idOfName(QStringLiteral("renamed.person@example.com")), id);
    QVERIFY(f.store.idOfName(QStringLiteral("new.person@example.com")).isEmpty());
    QCOMPARE(f.text("userNameValue"), QStringLiteral("renamed.person@example.com"));
    QVERIFY(f.text("statusLabel").contains(QStringLiteral("Renamed")));

    // A taken name: PlainKey's refusal, in its words; nothing changes.
    f.button("renameButton")->click();
    dialog = waitForDialog<UsersNameDialog>(&f.panel);
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(QStringLiteral("nameEdit"))->setText(QStringLiteral("ada@example.com"));
    okButton(dialog)->click();
    QVERIFY(f.idle());
    const QString refused = f.text("statusLabel");
    QVERIFY2(refused.contains(QStringLiteral("400")) || refused.contains(QStringLiteral("taken"), Qt::CaseInsensitive)
                     || refused.contains(QStringLiteral("exists"), Qt::CaseInsensitive),
             qPrintable(refused));
    QCOMPARE(f.store.idOfName(QStringLiteral("renamed.person@example.com")), id);
    QCOMPARE(f.text("userNameValue"), QStringLiteral("renamed.person@example.com"));

    // Remove the name.
    f.button("renameButton")->click();
    dialog = waitForDialog<UsersNameDialog>(&f.panel);
    QVERIFY(dialog);
    dialog->findChild<QCheckBox *>(QStringLiteral("noNameCheck"))->setChecked(true);
    okButton(dialog)->click();
    QVERIFY(f.idle());
    QVERIFY(!f.panel.currentUser()->userName);
    QVERIFY(f.store.get(QStringLiteral("/user/%1").arg(id)).json.value(QLatin1String("userName")).isUndefined());
    QVERIFY(f.text("userNameValue").startsWith(QStringLiteral("(none")));

    // A user without a name from the start.
    f.button("createButton")->click();
    dialog = waitForDialog<UsersNameDialog>(&f.panel);
    QVERIFY(dialog);
    dialog->findChild<QCheckBox *>(QStringLiteral("noNameCheck"))->setChecked(true);
    QVERIFY(okButton(dialog)->isEnabled());
    okButton(dialog)->click();
    QVERIFY(f.idle());
    QVERIFY(f.panel.currentUser()->id != id);
    QVERIFY(!f.panel.currentUser()->userName);
    QCOMPARE(f.store.userStatus(f.panel.currentUser()->id), 200);
}

void tst_UsersPanel::beginRegistrationShowsOptionsAndMasksTheToken()
{
    Fixture f;
    QVERIFY(f.find(QStringLiteral("margaret@example.com")));
    const QString userId = f.panel.currentUser()->id;
    QVERIFY(f.text("passkeyCountValue").startsWith(QStringLiteral("none")));
    f.button("beginButton")->click();
    auto *dialog = waitForDialog<PasskeyRegistrationDialog>(&f.panel);
    QVERIFY(dialog);
    const QString options = dialog->findChild<QPlainTextEdit *>(QStringLiteral("optionsEdit"))->toPlainText();
    QVERIFY2(options.contains(QStringLiteral("challenge")), qPrintable(options));
    QVERIFY(options.contains(QStringLiteral("margaret@example.com")));
    auto *token = dialog->findChild<QLineEdit *>(QStringLiteral("tokenEdit"));
    const QString secret = token->text();
    QVERIFY(secret.size() > 16);
    QCOMPARE(token->echoMode(), QLineEdit::Password);
    QVERIFY(token->toolTip().startsWith(QStringLiteral("Fingerprint #")));
    auto *show = dialog->findChild<QPushButton *>(QStringLiteral("showTokenButton"));
    show->click();
    QCOMPARE(token->echoMode(), QLineEdit::Normal);
    show->click();
    QCOMPARE(token->echoMode(), QLineEdit::Password);

    // The token is nowhere else: not in a label, not in the recorded exchanges.
    QString shown;
    for (const QLabel *l : dialog->findChildren<QLabel *>())
        shown += l->text() + l->toolTip();
    for (const QLabel *l : f.panel.findChildren<QLabel *>())
        shown += l->text();
    QVERIFY(!shown.contains(secret));
    for (int i = 0; i < f.client.exchangeLog()->size(); ++i) {
        const Exchange &e = f.client.exchangeLog()->at(i);
        QVERIFY2(!e.responseBody.contains(secret.toUtf8()) && !e.requestBody.contains(secret.toUtf8()), qPrintable(e.url));
    }
    // Beginning changes nothing until a passkey is created with it.
    QCOMPARE(f.store.passkeysOf(userId).size(), 0);
    dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"))->button(QDialogButtonBox::Close)->click();
    QTRY_VERIFY(!openDialog<PasskeyRegistrationDialog>(&f.panel));
}

void tst_UsersPanel::importShowsPreviewProgressAndPerRowResults()
{
    Fixture f;
    QSignalSpy status(&f.panel, &UsersPanel::statusMessage);
    f.button("importButton")->click();
    auto *dialog = waitForDialog<ImportUsersDialog>(&f.panel);
    QVERIFY(dialog);
    ImportRowModel *rows = dialog->rowModel();
    QAbstractItemModelTester tester(rows, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(dialog->loadData("userName\n"
                             "imp-a@example.com\n"
                             "imp-b@example.com\n"
                             "imp-c@example.com\n"
                             "imp-d@example.com\n"
                             "ada@example.com\n" // exists already: PlainKey refuses it
                             "imp-e@example.com\n"
                             "imp-d@example.com\n" // twice in the file: never sent
                             "imp-f@example.com\n",
                             QStringLiteral("people.csv")));
    // The preview: every row, before anything is sent.
    QCOMPARE(rows->rowCount(), 8);
    QCOMPARE(f.client.exchangeLog()->size(), 0);
    auto statusOf = [&](int row) { return rows->index(row, ImportRowModel::Status).data().toString(); };
    QCOMPARE(statusOf(0), QStringLiteral("to send"));
    QCOMPARE(statusOf(6), QStringLiteral("not sent"));
    QVERIFY(!rows->index(6, ImportRowModel::Result).data().toString().isEmpty());
    auto *counts = dialog->findChild<QLabel *>(QStringLiteral("countsLabel"));
    QVERIFY2(counts->text().contains(QStringLiteral("7 to send")), qPrintable(counts->text()));
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("fileLabel"))->text().contains(QStringLiteral("people.csv")));
    auto *progress = dialog->findChild<QProgressBar *>(QStringLiteral("progressBar"));
    QCOMPARE(progress->value(), 0);

    // The first chunk meets a PlainKey outage; the second holds the taken name.
    dialog->importer()->setChunkSize(3);
    QCOMPARE(f.store.setFault({{QStringLiteral("mode"), QStringLiteral("status")}, {QStringLiteral("status"), 503},
                               {QStringLiteral("remaining"), 1}, {QStringLiteral("pathPrefix"), QStringLiteral("/user/bulk")}}),
             200);
    QSignalSpy finished(dialog, &ImportUsersDialog::importFinished);
    QList<int> steps;
    connect(dialog->importer(), &UserImporter::progressChanged, dialog, [&](int processed, int) { steps.append(processed); });
    auto *importButton = dialog->findChild<QPushButton *>(QStringLiteral("importButton"));
    QVERIFY(importButton->isEnabled());
    importButton->click();
    QVERIFY(!importButton->isEnabled());
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().first().toInt(), 3);

    // Row by row: what happened and why.
    auto resultOf = [&](int row) { return rows->index(row, ImportRowModel::Result).data().toString(); };
    for (int row : {0, 1, 2}) {
        QCOMPARE(statusOf(row), QStringLiteral("uncertain"));
        QVERIFY2(resultOf(row).contains(QStringLiteral("503")), qPrintable(resultOf(row)));
    }
    QCOMPARE(statusOf(4), QStringLiteral("failed"));
    QVERIFY2(resultOf(4).contains(QStringLiteral("PlainKey refused it (400)")), qPrintable(resultOf(4)));
    for (int row : {3, 5, 7}) {
        QCOMPARE(statusOf(row), QStringLiteral("created"));
        const QString name = rows->index(row, ImportRowModel::UserName).data().toString();
        QCOMPARE(f.store.idOfName(name), resultOf(row));
    }
    QCOMPARE(statusOf(6), QStringLiteral("not sent"));
    QVERIFY(f.store.idOfName(QStringLiteral("imp-a@example.com")).isEmpty()); // the outage created nobody

    QCOMPARE(progress->value(), progress->maximum());
    QVERIFY2(steps.size() >= 3, qPrintable(QString::number(steps.size())));
    QVERIFY(std::is_sorted(steps.cbegin(), steps.cend()));
    const QString summary = dialog->findChild<QLabel *>(QStringLiteral("statusLabel"))->text();
    QVERIFY2(summary.startsWith(QStringLiteral("Created 3 of 8 users")), qPrintable(summary));
    QVERIFY(summary.contains(QStringLiteral("Uncertain")));
    QVERIFY(counts->text().contains(QStringLiteral("3 created, 1 failed, 1 not sent, 3 uncertain")));
    QVERIFY(dialog->findChild<QPushButton *>(QStringLiteral("saveReportButton"))->isEnabled());
    QVERIFY(status.count() > 0);
    QVERIFY2(status.last().first().toString().contains(QStringLiteral("3 users created")), qPrintable(status.last().first().toString()));

    // "Problems only" shows the five rows that were not created.
    auto *filter = dialog->findChild<QComboBox *>(QStringLiteral("filterCombo"));
    filter->setCurrentIndex(1);
    QCOMPARE(dialog->findChild<QTableView *>(QStringLiteral("rowsView"))->model()->rowCount(), 5);
    filter->setCurrentIndex(2);
    QCOMPARE(dialog->findChild<QTableView *>(QStringLiteral("rowsView"))->model()->rowCount(), 3);
    static_cast<QDialog *>(dialog)->reject(); // the dialog's own reject(), as Esc or Close
    QTRY_VERIFY(!openDialog<ImportUsersDialog>(&f.panel));
}

void tst_UsersPanel::importsTenThousandNamesWithoutFreezing()
{
    Fixture f;
    f.button("importButton")->click();
    auto *dialog = waitForDialog<ImportUsersDialog>(&f.panel);
    QVERIFY(dialog);
    QByteArray names;
    for (int i = 0; i < 10000; ++i)
        names += "bulk-" + QByteArray::number(i) + "@example.com\n";
    QElapsedTimer clock;
    clock.start();
    QVERIFY(dialog->loadData(names, QStringLiteral("ten-thousand.txt")));
    const qint64 previewMs = clock.elapsed();
    QCOMPARE(dialog->rowModel()->rowCount(), 10000);

    QSignalSpy finished(dialog, &ImportUsersDialog::importFinished);
    auto *progress = dialog->findChild<QProgressBar *>(QStringLiteral("progressBar"));
    QSet<int> values;
    connect(progress, &QProgressBar::valueChanged, dialog, [&](int v) { values.insert(v); });
    StallMeter meter;
    clock.restart();
    dialog->findChild<QPushButton *>(QStringLiteral("importButton"))->click();
    QVERIFY(finished.wait(120000));
    const qint64 importMs = clock.elapsed();
    qInfo("10,000 names: preview %lld ms, import %lld ms, longest event-loop stall %lld ms", previewMs, importMs, meter.worstMs());
    QCOMPARE(finished.first().first().toInt(), 10000);
    QCOMPARE(dialog->importer()->count(ImportRow::Status::Created), 10000);
    QVERIFY2(values.size() >= 10, qPrintable(QString::number(values.size()))); // the bar moved in steps
    QVERIFY2(meter.worstMs() < 400, qPrintable(QString::number(meter.worstMs())));
    QVERIFY2(previewMs < 2000, qPrintable(QString::number(previewMs)));
    QVERIFY(!f.store.idOfName(QStringLiteral("bulk-0@example.com")).isEmpty());
    QVERIFY(!f.store.idOfName(QStringLiteral("bulk-9999@example.com")).isEmpty());
    static_cast<QDialog *>(dialog)->reject(); // the dialog's own reject(), as Esc or Close
}

void tst_UsersPanel::hundredsOfPasskeysStayResponsive()
{
    constexpr int kPasskeys = 800;
    QJsonArray all;
    for (int i = 0; i < kPasskeys; ++i)
        all.append(passkeyJson(i, QStringLiteral("usr_many")));
    const QByteArray list = QJsonDocument(all).toJson(QJsonDocument::Compact);
    RawHttpServer server([&](const RawHttpServer::Request &r, QTcpSocket *socket) {
        if (r.path.endsWith("/access-token"))
            socket->write(RawHttpServer::response(200, R"({"access_token":"at-many","token_type":"Bearer","expires_in":3600})"));
        else if (r.path.endsWith("/user/usr_many/credentials"))
            socket->write(RawHttpServer::response(200, list));
        else if (r.path.endsWith("/user/usr_many"))
            socket->write(RawHttpServer::response(200, R"({"id":"usr_many","userName":"many@example.com"})"));
        else
            socket->write(RawHttpServer::response(404, R"({"error":"not here"})"));
    });
    PlainKeyClient client;
    Credentials c;
    c.baseUrl = server.url();
    c.projectId = QStringLiteral("many-project");
    c.clientSecret = QStringLiteral("many-secret");
    client.setCredentials(c);
    UsersPanel panel(&client);
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QAbstractItemModelTester tester(panel.passkeyModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    QSignalSpy loaded(&panel, &UsersPanel::passkeysLoaded);
    StallMeter meter;
    panel.showUser(QStringLiteral("usr_many"));
    QVERIFY(loaded.wait(15000));
    QCOMPARE(loaded.first().first().toInt(), kPasskeys);
    QTest::qWait(50); // a paint of the table
    const qint64 loadStall = meter.worstMs();
    auto *view = panel.findChild<QTableView *>(QStringLiteral("passkeysView"));
    QCOMPARE(view->model()->rowCount(), kPasskeys);
    QVERIFY(panel.findChild<QLabel *>(QStringLiteral("passkeyCountValue"))->text().startsWith(QStringLiteral("800 passkeys")));
    // Every column readable: none squeezed to nothing.
    for (int column = 0; column < PasskeyTableModel::ColumnCount; ++column)
        QVERIFY2(view->columnWidth(column) >= 40, qPrintable(QString::number(column)));

    // Sorting and filtering 800 rows, then picking one.
    QElapsedTimer clock;
    clock.start();
    view->horizontalHeader()->setSortIndicator(PasskeyTableModel::Counter, Qt::DescendingOrder);
    QCOMPARE(view->model()->index(0, PasskeyTableModel::Counter).data().toString(), QString::number(kPasskeys - 1));
    auto *filter = panel.findChild<QLineEdit *>(QStringLiteral("passkeyFilterEdit"));
    QTest::keyClicks(filter, QStringLiteral("Key 79"));
    QCOMPARE(view->model()->rowCount(), 8); // Key 79 and Key 790 to 799, less 792, 795 and 798 (no label)
    const qint64 sortFilterMs = clock.elapsed();
    qInfo("%d passkeys: longest stall while loading %lld ms, sort and filter %lld ms", kPasskeys, loadStall, sortFilterMs);
    QVERIFY2(loadStall < 400, qPrintable(QString::number(loadStall)));
    QVERIFY2(sortFilterMs < 1000, qPrintable(QString::number(sortFilterMs)));
}

void tst_UsersPanel::keyboardReachesEveryAction()
{
    MainWindow w(demoOptions());
    w.resize(1200, 760);
    w.show();
    QApplication::setActiveWindow(&w);
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QSignalSpy refreshed(w.client()->accessToken(), &AccessTokenManager::tokenRefreshed);
    w.connectionPanel()->connectToProject();
    QVERIFY(refreshed.count() > 0 || refreshed.wait(15000));
    UsersPanel *users = w.usersPanel();
    auto *findEdit = users->findChild<QLineEdit *>(QStringLiteral("findEdit"));

    // Ctrl+3, type a name, Enter.
    QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), findEdit);
    QSignalSpy loaded(users, &UsersPanel::passkeysLoaded);
    QTest::keyClicks(findEdit, QStringLiteral("ada@example.com"));
    QTest::keyClick(findEdit, Qt::Key_Return);
    QVERIFY(loaded.wait(15000));
    QCOMPARE(users->currentUser()->userName, std::optional<QString>(QStringLiteral("ada@example.com")));

    // Tab goes through the panel in reading order, and reaches every action and the table.
    QStringList order;
    QWidget *at = findEdit;
    for (int i = 0; i < 30 && at; ++i) {
        if (users->isAncestorOf(at) && at->isVisible() && at->isEnabled())
            order << at->objectName();
        at = at->nextInFocusChain();
        while (at && !(at->focusPolicy() & Qt::TabFocus))
            at = at->nextInFocusChain();
        if (at == findEdit)
            break;
    }
    auto pos = [&](const char *name) { return order.indexOf(QLatin1String(name)); };
    for (const char *name : {"findKindCombo", "findButton", "createButton", "importButton", "renameButton", "beginButton",
                             "deleteUserButton", "refreshButton", "passkeyFilterEdit", "passkeysView"})
        QVERIFY2(pos(name) > 0, qPrintable(QStringLiteral("%1 not in %2").arg(QLatin1String(name), order.join(QLatin1Char(' ')))));
    QVERIFY2(pos("findKindCombo") < pos("findButton") && pos("findButton") < pos("renameButton")
                     && pos("renameButton") < pos("passkeyFilterEdit") && pos("passkeyFilterEdit") < pos("passkeysView"),
             qPrintable(order.join(QLatin1Char(' '))));

    // In the table: arrows select, F2 relabels, Delete asks to delete; Esc closes each.
    auto *view = users->findChild<QTableView *>(QStringLiteral("passkeysView"));
    view->setFocus(Qt::TabFocusReason);
    QTest::keyClick(view, Qt::Key_Down);
    QTest::keyClick(view, Qt::Key_Home);
    QVERIFY(users->selectedPasskey());
    QTest::keyClick(view, Qt::Key_F2);
    auto *label = waitForDialog<PasskeyLabelDialog>(users);
    QVERIFY2(label, "F2 in the passkeys table does not relabel");
    QTest::keyClick(label, Qt::Key_Escape);
    QTRY_VERIFY(!openDialog<PasskeyLabelDialog>(users));
    QTest::keyClick(view, Qt::Key_Delete);
    auto *confirm = waitForDialog<UsersConfirmDialog>(users);
    QVERIFY2(confirm, "Delete in the passkeys table does not offer to delete");
    QApplication::setActiveWindow(confirm); // offscreen does not activate a window-modal dialog by itself
    QVERIFY(QTest::qWaitForWindowActive(confirm));
    QVERIFY(confirm->isAncestorOf(QApplication::focusWidget()));
    QVERIFY(QApplication::focusWidget() != confirm->acceptButton());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return); // Cancel is the default
    QTRY_VERIFY(!openDialog<UsersConfirmDialog>(users));
    QCOMPARE(users->passkeyModel()->rowCount(), 2);

    // Ctrl+N: a new user, from anywhere in the tab.
    QApplication::setActiveWindow(&w);
    QVERIFY(QTest::qWaitForWindowActive(&w));
    findEdit->setFocus();
    QTest::keyClick(findEdit, Qt::Key_N, Qt::ControlModifier);
    auto *name = waitForDialog<UsersNameDialog>(users);
    QVERIFY2(name, "Ctrl+N does not offer a new user");
    QTest::keyClick(name, Qt::Key_Escape);
    QTRY_VERIFY(!openDialog<UsersNameDialog>(users));

    // Alt+letters: each one visible in the window leads to one place only.
    QHash<QChar, QStringList> mnemonics;
    auto add = [&](const QString &text, const QString &who) {
        const int amp = text.indexOf(QRegularExpression(QStringLiteral("&[^&]")));
        if (amp >= 0)
            mnemonics[text.at(amp + 1).toLower()].append(who);
    };
    for (QAbstractButton *b : w.findChildren<QAbstractButton *>())
        if (b->isVisible())
            add(b->text(), b->objectName());
    for (QLabel *l : w.findChildren<QLabel *>())
        if (l->isVisible() && l->buddy())
            add(l->text(), l->objectName());
    for (QAction *a : w.menuBar()->actions())
        add(a->text(), a->text());
    for (auto it = mnemonics.cbegin(); it != mnemonics.cend(); ++it)
        QVERIFY2(it.value().size() == 1, qPrintable(QStringLiteral("Alt+%1: %2").arg(it.key()).arg(it.value().join(QStringLiteral(", ")))));
    for (const char *action : {"importButton", "renameButton", "beginButton"}) {
        auto *b = users->findChild<QPushButton *>(QLatin1String(action));
        QVERIFY2(b->text().contains(QLatin1Char('&')), action);
    }
}

QTEST_MAIN(tst_UsersPanel)
#include "tst_userspanel.moc"
