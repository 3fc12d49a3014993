// SupportBundle: a real session against the emulator over loopback, with known secrets and
// personal data, written as a bundle and searched for every one of them in every form.

#include "emulatorcredentials.h"
#include "httptesthelper.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "emulator/emulator.h"
#include "core/export/supportbundle.h"
#include "core/log/exchangelog.h"
#include "core/net/transport.h"
#include "core/users/userops.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace plainkey;
using emulator::Emulator;
using emulator::EmulatorConfig;

namespace {

// Every form in which a value could leak: clear, JSON-escaped, percent-encoded (both hex cases,
// '+' for a space), HTML-escaped, base64 and base64url.
QList<QByteArray> leakForms(const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    json = json.mid(2, json.size() - 4);
    const QByteArray percent = QUrl::toPercentEncoding(value);
    QByteArray lower = percent;
    for (qsizetype i = 0; i + 2 < lower.size(); ++i) {
        if (lower[i] == '%') {
            lower[i + 1] = char(tolower(lower[i + 1]));
            lower[i + 2] = char(tolower(lower[i + 2]));
        }
    }
    QList<QByteArray> forms{utf8, json, percent, lower, QUrl::toPercentEncoding(value, " ").replace(' ', '+'),
                            value.toHtmlEscaped().toUtf8(), utf8.toBase64(),
                            utf8.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)};
    forms.removeIf([](const QByteArray &f) { return f.size() < 4; });
    return forms;
}

// The first form of \a value found in \a bundle, or empty.
QByteArray findLeak(const QByteArray &bundle, const QString &value)
{
    for (const QByteArray &form : leakForms(value)) {
        if (bundle.contains(form))
            return form;
    }
    return {};
}

template<typename Op, typename... Args>
std::optional<typename Op::Value> run(PlainKeyClient &client, Args &&...args)
{
    std::optional<Result<typename Op::Value>> result;
    client.call<Op>(nullptr, [&](const Result<typename Op::Value> &r) { result.emplace(r); }, std::forward<Args>(args)...);
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 15000) || !result->ok())
        return std::nullopt;
    return result->value();
}

struct SignedUp
{
    QString userId;
    QString token;
};

SignedUp signUp(const Emulator &emu, const QString &userName)
{
    const auto a = testHttp("POST", emu.baseUrl().resolved(QUrl(QStringLiteral("/emulator/sign-up"))),
                            QJsonObject{{QStringLiteral("userName"), userName}});
    return {a.json.value(QLatin1String("userId")).toString(),
            a.json.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString()};
}

bool verify(PlainKeyClient &client, const QString &token)
{
    bool done = false;
    client.verifyToken(token, nullptr, [&done](const Result<VerifyResult> &) { done = true; });
    return QTest::qWaitFor([&done] { return done; }, 15000);
}

} // namespace

class TestSupportBundle : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void noSecretAndNoPersonalDataWhenMasked();
    void personalDataButNoSecretWhenUnmasked();
    void harInsideIsHar12WithEveryExchange();
    void selfContainedAndReadable();
    void findingsVersionsDestinationAndSkewAreShown();
    void writeFailureSaysWhy();

private:
    QByteArray bundle(bool mask);

    std::unique_ptr<Emulator> m_emu;
    std::unique_ptr<PlainKeyClient> m_client;
    QStringList m_secrets;
    QStringList m_personal;
    QString m_userId;
    QString m_email;
};

void TestSupportBundle::initTestCase()
{
    EmulatorConfig config;
    // Characters that JSON, percent and base64 encodings all change.
    config.clientSecret = QStringLiteral("cs+Very/Secret=Value\"42");
    m_emu = std::make_unique<Emulator>(config);
    QVERIFY2(m_emu->listen(), qPrintable(m_emu->errorString()));
    m_client = std::make_unique<PlainKeyClient>();
    m_client->setCredentials(emulatorCredentials(*m_emu));

    m_email = QStringLiteral("ada.lovelace@example.org");
    const SignedUp ada = signUp(*m_emu, m_email);
    const SignedUp grace = signUp(*m_emu, QStringLiteral("Grace Hopper"));
    QVERIFY(!ada.token.isEmpty() && !grace.token.isEmpty());
    m_userId = ada.userId;

    // A session as a support engineer has it: verify both tokens, look both users up by ID
    // and by name, and create one whose name holds an IP address.
    QVERIFY(verify(*m_client, ada.token));
    QVERIFY(verify(*m_client, grace.token));
    QVERIFY(run<GetUser>(*m_client, ada.userId));
    QVERIFY(run<FindUserByName>(*m_client, QStringLiteral("Grace Hopper")));
    QVERIFY(run<FindUserByName>(*m_client, m_email));
    const auto kiosk = run<CreateUser>(*m_client, std::optional<QString>(QStringLiteral("kiosk 203.0.113.77")));
    QVERIFY(kiosk);
    QVERIFY(run<GetUser>(*m_client, kiosk->id));

    const QString accessToken = m_client->accessToken()->token();
    QVERIFY(!accessToken.isEmpty());
    m_secrets = {config.clientSecret, accessToken, ada.token, grace.token};
    m_personal = {m_email, QStringLiteral("Grace Hopper"), ada.userId, grace.userId, kiosk->id, QStringLiteral("203.0.113.77")};
    QVERIFY(m_client->exchangeLog()->size() >= 7);
}

QByteArray TestSupportBundle::bundle(bool mask)
{
    SupportBundleContent content;
    content.programVersion = QStringLiteral("9.9.9-test");
    content.baseUrl = m_client->credentials().baseUrl;
    content.projectId = m_client->credentials().projectId;
    content.destinationKind = QStringLiteral("local");
    content.clockSkewMs = -3200;
    content.exchanges = m_client->exchangeLog()->snapshot();
    content.redactor = &m_client->transport()->redactor();
    content.maskPersonalData = mask;
    // Findings that quote personal data, as the troubleshooter's may.
    Finding user;
    user.id = QStringLiteral("user");
    user.verdict = Finding::Verdict::Pass;
    user.title = QStringLiteral("The user %1 exists").arg(m_email);
    user.detail = QStringLiteral("User ID %1, signed in from 203.0.113.77.").arg(m_userId);
    user.exchangeIds = {m_client->exchangeLog()->at(1).id};
    Finding summary;
    summary.id = QStringLiteral("summary");
    summary.verdict = Finding::Verdict::Fail;
    summary.title = QStringLiteral("The token of %1 expired 3 minutes before it was verified").arg(m_email);
    content.findings = {user, summary};

    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!SupportBundle::write(content, &buffer, &error))
        qWarning("write failed: %s", qPrintable(error));
    return buffer.data();
}

void TestSupportBundle::noSecretAndNoPersonalDataWhenMasked()
{
    const QByteArray b = bundle(true);
    QVERIFY(b.size() > 1000);
    // To look at one: PLAINKEY_SUPPORTBUNDLE_SAMPLE=/tmp/bundle.html
    if (const QString sample = qEnvironmentVariable("PLAINKEY_SUPPORTBUNDLE_SAMPLE"); !sample.isEmpty()) {
        QFile f(sample);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(b) == b.size());
    }
    for (const QString &s : std::as_const(m_secrets)) {
        const QByteArray leak = findLeak(b, s);
        QVERIFY2(leak.isEmpty(), qPrintable(QStringLiteral("secret leaked as %1").arg(QString::fromUtf8(leak))));
    }
    for (const QString &p : std::as_const(m_personal)) {
        const QByteArray leak = findLeak(b, p);
        QVERIFY2(leak.isEmpty(), qPrintable(QStringLiteral("%1 leaked as %2").arg(p, QString::fromUtf8(leak))));
    }
    // Masked, not dropped: the same user keeps one placeholder.
    QVERIFY(b.contains("a\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2@e\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2.org"));
    QVERIFY(b.contains("user-1"));
    QVERIFY(b.contains("ip-1"));
    QVERIFY(b.contains("[redacted access_token #"));
}

void TestSupportBundle::personalDataButNoSecretWhenUnmasked()
{
    const QByteArray b = bundle(false);
    for (const QString &s : std::as_const(m_secrets)) {
        const QByteArray leak = findLeak(b, s);
        QVERIFY2(leak.isEmpty(), qPrintable(QStringLiteral("secret leaked as %1").arg(QString::fromUtf8(leak))));
    }
    for (const QString &p : std::as_const(m_personal))
        QVERIFY2(b.contains(p.toUtf8()), qPrintable(p + QLatin1String(" should be in an unmasked bundle")));
    QVERIFY(b.contains("not masked"));
}

void TestSupportBundle::harInsideIsHar12WithEveryExchange()
{
    const QByteArray b = bundle(true);
    const QByteArray har = SupportBundle::extractHar(b);
    QJsonParseError error{};
    const QJsonObject log = QJsonDocument::fromJson(har, &error).object().value(QLatin1String("log")).toObject();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(log.value(QLatin1String("version")).toString(), QStringLiteral("1.2"));
    QCOMPARE(log.value(QLatin1String("creator")).toObject().value(QLatin1String("version")).toString(), QStringLiteral("9.9.9-test"));
    const QJsonArray entries = log.value(QLatin1String("entries")).toArray();
    QCOMPARE(entries.size(), m_client->exchangeLog()->size());
    for (const QJsonValue &v : entries) {
        const QJsonObject e = v.toObject();
        QVERIFY(!e.value(QLatin1String("startedDateTime")).toString().isEmpty());
        const QJsonObject request = e.value(QLatin1String("request")).toObject();
        QVERIFY(!request.value(QLatin1String("method")).toString().isEmpty());
        QVERIFY(QUrl(request.value(QLatin1String("url")).toString()).isValid());
        QVERIFY(request.value(QLatin1String("headers")).isArray());
        const QJsonObject response = e.value(QLatin1String("response")).toObject();
        QVERIFY(response.value(QLatin1String("status")).toInt() > 0);
        QVERIFY(response.value(QLatin1String("content")).toObject().contains(QLatin1String("mimeType")));
        QVERIFY(e.value(QLatin1String("timings")).isObject());
    }
    // The "Save the HAR file" link carries the same archive.
    static const QRegularExpression link(QStringLiteral(R"re(id="save-har" download="[^"]+" href="data:application/json;base64,([A-Za-z0-9+/=]+)")re"));
    const auto m = link.match(QString::fromUtf8(b));
    QVERIFY(m.hasMatch());
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromBase64(m.captured(1).toLatin1())), QJsonDocument::fromJson(har));
}

void TestSupportBundle::selfContainedAndReadable()
{
    const QByteArray b = bundle(true);
    QVERIFY(b.startsWith("<!DOCTYPE html>"));
    QVERIFY(b.contains("<style>"));
    // One script element, and it is data: nothing runs, nothing loads.
    QCOMPARE(b.count("<script"), 1);
    QVERIFY(b.contains("<script type=\"application/json\" id=\"har\">"));
    for (const char *external : {" src=", "<link", "@import", "url(", "<iframe", "<object", "<img"})
        QVERIFY2(!b.contains(external), external);
    const QString text = QString::fromUtf8(b);
    // Every exchange has a readable row.
    for (int i = 0; i < m_client->exchangeLog()->size(); ++i)
        QVERIFY(text.contains(QStringLiteral("id=\"ex-%1\"").arg(m_client->exchangeLog()->at(i).id)));
}

void TestSupportBundle::findingsVersionsDestinationAndSkewAreShown()
{
    const QString text = QString::fromUtf8(bundle(true));
    QVERIFY(text.contains(QStringLiteral("id=\"summary\">The token of a\u2022\u2022\u2022@e\u2022\u2022\u2022.org expired 3 minutes")));
    QVERIFY(text.contains(QStringLiteral("id=\"finding-user\"")));
    QVERIFY(text.contains(QStringLiteral("<a href=\"#ex-%1\">").arg(m_client->exchangeLog()->at(1).id)));
    QVERIFY(text.contains(QStringLiteral("PlainKey Console 9.9.9-test")));
    QVERIFY(text.contains(QStringLiteral("<dd id=\"qt\">%1</dd>").arg(QString::fromLatin1(qVersion()))));
    QVERIFY(text.contains(QStringLiteral("<dd id=\"base-url\">%1</dd>").arg(m_client->credentials().baseUrl.toString())));
    QVERIFY(text.contains(QStringLiteral("<dd id=\"project-id\">%1</dd>").arg(m_client->credentials().projectId)));
    QVERIFY(text.contains(QStringLiteral("PlainKey's clock is 3.2 s behind this computer's.")));
}

void TestSupportBundle::writeFailureSaysWhy()
{
    SupportBundleContent content;
    QString error;
    QBuffer closed;
    QVERIFY(!SupportBundle::write(content, &closed, &error));
    QVERIFY2(error.contains(QLatin1String("could not be written")), qPrintable(error));

    // A file that cannot take the bytes (a full device).
    if (QFile::exists(QStringLiteral("/dev/full"))) {
        QFile full(QStringLiteral("/dev/full"));
        QVERIFY(full.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        error.clear();
        QVERIFY(!SupportBundle::write(content, &full, &error));
        QVERIFY2(error.contains(QLatin1String("space")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestSupportBundle)
#include "tst_supportbundle.moc"
