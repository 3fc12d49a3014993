// The sample sign-in page as the emulator serves it at /demo/: each file with its type, the
// strict Content-Security-Policy and no caching; nothing else reachable through the route; and
// a page that can run under that policy (no inline script, style or handlers).

#include "emulatortesthelper.h"

#include "emulator/demopage.h"

#include <QRegularExpression>
#include <QTest>

using namespace plainkey::emulator;

namespace {

//! One GET or HEAD without following redirects (Qt 6 follows them by default).
emutest::Answer fetch(const QUrl &url, const QByteArray &method = "GET")
{
    QNetworkAccessManager nam;
    nam.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    // head(): as a custom verb, QNetworkAccessManager would wait for the body Content-Length promises.
    QNetworkReply *reply = method == "HEAD" ? nam.head(QNetworkRequest(url)) : nam.sendCustomRequest(QNetworkRequest(url), method);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, [reply] { reply->abort(); });
    if (!reply->isFinished())
        loop.exec();
    emutest::Answer a;
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen())
        a.body = reply->readAll();
    a.headers = reply->rawHeaderPairs();
    a.json = QJsonDocument::fromJson(a.body).object();
    delete reply;
    return a;
}

} // namespace

class tst_DemoPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY2(m_emu.listen(), qPrintable(m_emu.errorString())); }
    void servesFiles_data();
    void servesFiles();
    void redirectsToTheSlash();
    void refusesEverythingElse_data();
    void refusesEverythingElse();
    void headHasNoBody();
    void pageRunsUnderItsPolicy();

private:
    QUrl url(const QString &path) const { return emutest::at(m_emu.baseUrl(), path); }
    Emulator m_emu;
};

void tst_DemoPage::servesFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("sample");
    QTest::newRow("page") << "/demo/" << QByteArray("text/html; charset=utf-8") << QByteArray("<title>PlainKey sample sign-in</title>");
    QTest::newRow("script") << "/demo/demo.js" << QByteArray("text/javascript; charset=utf-8") << QByteArray("navigator.credentials.create");
    QTest::newRow("style") << "/demo/demo.css" << QByteArray("text/css; charset=utf-8") << QByteArray("prefers-color-scheme: dark");
    QTest::newRow("icon") << "/demo/favicon.svg" << QByteArray("image/svg+xml") << QByteArray("<svg");
    QTest::newRow("under /server") << "/server/demo/" << QByteArray("text/html; charset=utf-8") << QByteArray("demo.js");
}

void tst_DemoPage::servesFiles()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, sample);
    const auto a = fetch(url(path));
    QCOMPARE(a.status, 200);
    QCOMPARE(a.header("Content-Type"), type);
    QCOMPARE(a.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(a.header("Content-Security-Policy"), DemoPage::contentSecurityPolicy());
    QVERIFY(DemoPage::contentSecurityPolicy().startsWith("default-src 'self';"));
    QCOMPARE(a.header("X-Content-Type-Options"), QByteArray("nosniff"));
    QVERIFY2(a.body.contains(sample), a.body.left(200).constData());
}

void tst_DemoPage::redirectsToTheSlash()
{
    // Without the slash, the page's relative links would point at the root.
    for (const QString &path : {QStringLiteral("/demo"), QStringLiteral("//demo")}) {
        const auto a = fetch(url(path));
        QCOMPARE(a.status, 308);
        QCOMPARE(a.header("Location"), QByteArray("/demo/"));
    }
}

void tst_DemoPage::refusesEverythingElse_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::newRow("unknown file") << QByteArray("GET") << "/demo/missing.js" << 404;
    QTest::newRow("unknown type") << QByteArray("GET") << "/demo/index" << 404;
    QTest::newRow("encoded climb") << QByteArray("GET") << "/demo/..%2F..%2Faaguids.json" << 404;
    QTest::newRow("dot file") << QByteArray("GET") << "/demo/.hidden.js" << 404;
    QTest::newRow("deeper path") << QByteArray("GET") << "/demo/a/demo.js" << 404;
    QTest::newRow("POST") << QByteArray("POST") << "/demo/" << 405;
    QTest::newRow("DELETE a file") << QByteArray("DELETE") << "/demo/demo.js" << 405;
}

void tst_DemoPage::refusesEverythingElse()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    const auto a = fetch(url(path), method);
    QCOMPARE(a.status, status);
    QVERIFY2(!a.json.value(QLatin1String("error")).toString().isEmpty(), a.body.constData());
    if (status == 405)
        QCOMPARE(a.header("Allow"), QByteArray("GET, HEAD"));
}

void tst_DemoPage::headHasNoBody()
{
    const auto get = fetch(url(QStringLiteral("/demo/demo.js")));
    const auto head = fetch(url(QStringLiteral("/demo/demo.js")), "HEAD");
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(head.header("Content-Length").toLongLong(), qint64(get.body.size()));
    QCOMPARE(head.header("Content-Type"), get.header("Content-Type"));
}

void tst_DemoPage::pageRunsUnderItsPolicy()
{
    // default-src 'self' refuses inline script, inline style and on* handlers: the page must
    // need none of them (the browser test sees it run; this says why, if it ever does not).
    const QString html = QString::fromUtf8(fetch(url(QStringLiteral("/demo/"))).body);
    QVERIFY(html.contains(QLatin1String("<script src=\"demo.js\" defer></script>")));
    const QRegularExpression scriptTag(QStringLiteral("<script(?![^>]*\\ssrc=)[^>]*>"), QRegularExpression::CaseInsensitiveOption);
    QVERIFY2(!scriptTag.match(html).hasMatch(), qPrintable(scriptTag.match(html).captured()));
    const QRegularExpression inlineAttribute(QStringLiteral("\\s(style|on[a-z]+)\\s*="), QRegularExpression::CaseInsensitiveOption);
    QVERIFY2(!inlineAttribute.match(html).hasMatch(), qPrintable(inlineAttribute.match(html).captured()));
    QVERIFY(!html.contains(QLatin1String("<style"), Qt::CaseInsensitive));
    // Nothing from another origin: it works offline and on a projector with no network.
    const QRegularExpression remote(QStringLiteral("(src|href)=\"(https?:)?//"), QRegularExpression::CaseInsensitiveOption);
    QVERIFY2(!remote.match(html).hasMatch(), qPrintable(remote.match(html).captured()));
    // The script reaches only its own origin (connect-src falls back to 'self').
    const QString script = QString::fromUtf8(fetch(url(QStringLiteral("/demo/demo.js"))).body);
    const QRegularExpression fetchCall(QStringLiteral("fetch\\(([^,)]*)"));
    int fetches = 0;
    for (auto it = fetchCall.globalMatch(script); it.hasNext(); ++fetches) {
        const QString target = it.next().captured(1).trimmed();
        QVERIFY2(target.startsWith(QLatin1String("apiBase")) || target.startsWith(QLatin1String("window.location.origin")), qPrintable(target));
    }
    QCOMPARE(fetches, 2); // the Browser API and /emulator/info
    QVERIFY(!script.contains(QLatin1String("eval(")) && !script.contains(QLatin1String("new Function")));
    QVERIFY(!script.contains(QLatin1String("localStorage")) && !script.contains(QLatin1String("sessionStorage")));
}

QTEST_GUILESS_MAIN(tst_DemoPage)
#include "tst_demopage.moc"
