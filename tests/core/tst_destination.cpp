// Destination: where requests go, decided from the credentials in use, the demo emulator's URL
// and (while nothing is connected) the form's credentials.

#include "core/net/destination.h"

#include <QTest>

using namespace plainkey;

namespace {

Credentials credentials(const QString &url, const QString &projectId)
{
    Credentials c;
    c.baseUrl = QUrl(url);
    c.projectId = projectId;
    c.clientSecret = QStringLiteral("sk_test_51Hx");
    return c;
}

} // namespace

Q_DECLARE_METATYPE(plainkey::Destination::Kind)
Q_DECLARE_METATYPE(plainkey::Tone)

class tst_Destination : public QObject
{
    Q_OBJECT
private slots:
    void classify_data();
    void classify();
    void sentenceNamesWhereAndNeverTheSecret();
    void kindNamesAreStable();
};

void tst_Destination::classify_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("projectId");
    QTest::addColumn<QString>("demoUrl"); // empty: no demo running
    QTest::addColumn<QString>("enteredUrl");
    QTest::addColumn<Destination::Kind>("kind");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<Tone>("tone");
    QTest::addColumn<QString>("shownUrl");

    using K = Destination::Kind;
    const QString demo = QStringLiteral("http://127.0.0.1:41873/server");
    QTest::newRow("PlainKey") << "https://api.plainkey.io/server" << "proj_live" << QString() << QString() << K::Live << false
                              << Tone::Warning << "https://api.plainkey.io/server";
    QTest::newRow("PlainKey, trailing slash") << "https://api.plainkey.io/server/" << "proj_live" << demo << QString() << K::Live
                                              << false << Tone::Warning << "https://api.plainkey.io/server";
    QTest::newRow("plain http to another machine") << "http://10.0.4.17:8080/server" << "proj_live" << QString() << QString() << K::Live
                                                   << true << Tone::Bad << "http://10.0.4.17:8080/server";
    QTest::newRow("the demo") << demo << "proj_demo" << demo << QString() << K::Demo << false << Tone::Good << demo;
    QTest::newRow("the demo, trailing slash") << demo + QLatin1Char('/') << "proj_demo" << demo << QString() << K::Demo << false
                                              << Tone::Good << demo;
    QTest::newRow("another emulator on this machine") << "http://127.0.0.1:8484/server" << "proj_demo" << demo << QString() << K::Local
                                                      << false << Tone::Neutral << "http://127.0.0.1:8484/server";
    QTest::newRow("localhost") << "http://localhost:8484/server" << "proj_dev" << QString() << QString() << K::Local << false
                               << Tone::Neutral << "http://localhost:8484/server";
    QTest::newRow("IPv6 loopback") << "http://[::1]:8484/server" << "proj_dev" << QString() << QString() << K::Local << false
                                   << Tone::Neutral << "http://[::1]:8484/server";
    QTest::newRow("127.0.0.0/8") << "http://127.8.9.10/server" << "proj_dev" << QString() << QString() << K::Local << false
                                 << Tone::Neutral << "http://127.8.9.10/server";
    QTest::newRow("not connected") << "https://api.plainkey.io/server" << QString() << QString() << QString() << K::NotConnected << false
                                   << Tone::Neutral << QString();
    QTest::newRow("not connected, demo in the form") << "https://api.plainkey.io/server" << QString() << demo << demo << K::Demo << false
                                                     << Tone::Good << demo;
    QTest::newRow("not connected, demo stopped") << "https://api.plainkey.io/server" << QString() << QString() << demo << K::NotConnected
                                                 << false << Tone::Neutral << QString();
}

void tst_Destination::classify()
{
    QFETCH(QString, url);
    QFETCH(QString, projectId);
    QFETCH(QString, demoUrl);
    QFETCH(QString, enteredUrl);
    QFETCH(Destination::Kind, kind);
    QFETCH(bool, insecure);
    QFETCH(Tone, tone);
    QFETCH(QString, shownUrl);

    const std::optional<QUrl> demo = demoUrl.isEmpty() ? std::nullopt : std::optional<QUrl>(QUrl(demoUrl));
    const Credentials entered = enteredUrl.isEmpty() ? Credentials{} : credentials(enteredUrl, QStringLiteral("proj_demo"));
    const Destination d = Destination::classify(credentials(url, projectId), demo, entered);
    QCOMPARE(d.kind, kind);
    QCOMPARE(d.insecure, insecure);
    QCOMPARE(d.tone(), tone);
    QCOMPARE(d.baseUrl.toString(), shownUrl);
    QCOMPARE(d.isProduction(), kind == Destination::Kind::Live);
}

void tst_Destination::sentenceNamesWhereAndNeverTheSecret()
{
    const Destination live = Destination::classify(credentials(QStringLiteral("http://10.0.4.17:8080/server"), QStringLiteral("proj_live")));
    QVERIFY2(live.sentence().startsWith(QStringLiteral("LIVE: requests go to PlainKey at http://10.0.4.17:8080/server (project proj_live).")),
             qPrintable(live.sentence()));
    QVERIFY(live.sentence().contains(QStringLiteral("Unencrypted")));
    QVERIFY(!live.sentence().contains(QStringLiteral("sk_test")));
    QVERIFY(!live.sentence().contains(QLatin1Char('<')));

    const Destination local = Destination::classify(credentials(QStringLiteral("http://localhost:8484/server"), QStringLiteral("proj_dev")));
    QVERIFY(local.sentence().startsWith(QStringLiteral("LOCAL: ")));
    QVERIFY(Destination().sentence().startsWith(QStringLiteral("NOT CONNECTED")));
}

void tst_Destination::kindNamesAreStable()
{
    QCOMPARE(Destination::kindName(Destination::Kind::NotConnected), QStringLiteral("not-connected"));
    QCOMPARE(Destination::kindName(Destination::Kind::Demo), QStringLiteral("demo"));
    QCOMPARE(Destination::kindName(Destination::Kind::Local), QStringLiteral("local"));
    QCOMPARE(Destination::kindName(Destination::Kind::Live), QStringLiteral("live"));
}

QTEST_GUILESS_MAIN(tst_Destination)
#include "tst_destination.moc"
