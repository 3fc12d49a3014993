// The sample sign-in page in a real browser: Debian's chromium, headless, with virtual
// authenticators added through the Chrome DevTools Protocol, drives /demo/ on an in-process
// emulator: sign up, sign out, sign in with and without a user name, add a second
// authenticator's passkey, relabel it. Then the core client verifies every token the page got
// and lists the user's passkeys. Skipped only when no chromium is installed.
// Then the library PlainKey's browser SDK is built on, @simplewebauthn/browser (pinned in
// package.json beside this file), in a customer's page on another origin, called as the SDK
// calls it; that part skips itself when `npm ci --prefix tests/browser` has not run.

#include "cdpsession.h"
#include "chromiumprocess.h"
#include "emulatorcredentials.h"

#include "core/api/plainkeyclient.h"
#include "core/api/verifytoken.h"
#include "emulator/emulator.h"
#include "rawhttpserver.h"
#include "core/users/passkeyops.h"

#include <QCborMap>
#include <QCborValue>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace plainkey;
using emulator::Emulator;

namespace {

//! What the page said after an action: its message box's kind ("ok", "error", "info") and text.
struct Outcome
{
    QString kind;
    QString text;
};

//! A token the page showed, with the step that got it (tokens themselves never reach test output).
struct PageToken
{
    QString step;
    QString token;
};

QByteArray fromBase64Url(const QString &text)
{
    return QByteArray::fromBase64(text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString jsString(const QString &text)
{
    // A JSON string is a JavaScript string literal.
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

Result<VerifyResult> verify(PlainKeyClient &client, const QString &token)
{
    std::optional<Result<VerifyResult>> result;
    client.verifyToken(token, nullptr, [&](const Result<VerifyResult> &r) { result.emplace(r); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
        return ApiError(ApiError::Kind::None, QStringLiteral("the test got no verify result in time"));
    return *result;
}

Result<QList<Passkey>> listPasskeys(PlainKeyClient &client, const QString &userId)
{
    std::optional<Result<QList<Passkey>>> result;
    client.call<ListPasskeys>(nullptr, [&](const Result<QList<Passkey>> &r) { result.emplace(r); }, userId);
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
        return ApiError(ApiError::Kind::None, QStringLiteral("the test got no passkey list in time"));
    return *result;
}

// Clicks a button (or presses Enter, see pressEnterIn) and waits for the page's message box to
// report the outcome: its data-seq changes and the page is no longer busy.
const char *waitForOutcomeJs = R"((async (before) => {
  const box = document.getElementById('message');
  const started = Date.now();
  while (box.dataset.seq === before || document.body.dataset.state !== 'ready') {
    if (Date.now() - started > 45000)
      return {kind: 'timeout', text: 'the page reported nothing within 45 s; it is ' + document.body.dataset.state};
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {kind: box.dataset.kind, text: box.textContent};
}))";

// A customer's page with @simplewebauthn/browser's UMD bundle, and what PlainKey's browser SDK
// does with it (the contract's Browser API part): a begin call for WebAuthn options, the
// library's startRegistration/startAuthentication({optionsJSON}), a complete call with what it
// returned. Requests go across origins, with x-project-id, as from a real customer's site.
const char *customerPageHtml = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A customer's page</title>
<link rel="icon" href="data:,">
<script src="/simplewebauthn-browser.js"></script>
<script>
function plainKey(baseUrl, projectId) {
  async function post(path, body) {
    const response = await fetch(baseUrl + path, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'x-project-id': projectId},
      body: JSON.stringify(body)});
    const text = await response.text();
    let answer;
    try {
      answer = JSON.parse(text);
    } catch (e) {
      throw new Error(`${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok)
      throw new Error(`${path}: HTTP ${response.status}: ${answer.error}`);
    return answer;
  }
  return {
    async register(userName) {
      const begin = await post('/user/register/begin', {userName});
      const credential = await SimpleWebAuthnBrowser.startRegistration({optionsJSON: begin.options});
      const complete = await post('/user/register/complete', {userId: begin.userId, credential});
      return {beginUserId: begin.userId, credential, complete};
    },
    async authenticate(userIdentifier) {
      const begin = await post('/authenticate/begin', userIdentifier ? {userIdentifier} : {});
      const authenticationResponse = await SimpleWebAuthnBrowser.startAuthentication({optionsJSON: begin.options});
      const complete = await post('/authenticate/complete', {loginSessionId: begin.loginSession.id, authenticationResponse});
      return {projectId: begin.projectId, allowed: (begin.options.allowCredentials || []).length,
              authenticationResponse, complete};
    },
  };
}
</script>
</head>
<body><p>A customer's page signing in with passkeys through @simplewebauthn/browser.</p></body>
</html>
)";

} // namespace

class tst_BrowserSignIn : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void pageExplainsMissingAuthenticator();
    void virtualAuthenticatorCreatesPasskey();
    void signUpSignInAndAddPasskey();
    void simpleWebAuthnLibrary();

private:
    QString pageUrl(const QString &path = QStringLiteral("/demo/")) const;
    bool waitUntilReady();
    QJsonValue js(const QString &expression);
    bool navigate(const QString &url, QString *why);
    QString addAuthenticator();
    void removeAuthenticator(const QString &id);
    void removeAllAuthenticators();
    QString messageSeq();
    Outcome outcomeAfter(const QString &seqBefore);
    Outcome press(const QString &buttonId);
    Outcome pressEnterIn(const QString &inputId, const QString &text);
    void setField(const QString &id, const QString &value);
    QString text(const QString &id);
    bool visible(const QString &id);
    QString revealToken();
    void screenshot(const QString &name);
    QString problems() const;

    std::unique_ptr<Emulator> m_emu;
    std::unique_ptr<ChromiumProcess> m_chromium;
    std::unique_ptr<CdpSession> m_cdp;
    QString m_page;
    //! The AAGUID the virtual authenticator writes into its attested credential data.
    QString m_virtualAaguid;
    //! The virtual authenticators added and not removed yet.
    QStringList m_authenticators;
};

void tst_BrowserSignIn::initTestCase()
{
    const QString executable = ChromiumProcess::findExecutable();
    if (executable.isEmpty())
        QSKIP("chromium is not installed (Debian package chromium; packaging/setup.sh deps installs it), "
              "so the sign-in page cannot be driven in a real browser");

    m_emu = std::make_unique<Emulator>();
    QVERIFY2(m_emu->listen(), qPrintable(m_emu->errorString()));

    m_chromium = std::make_unique<ChromiumProcess>();
    QVERIFY2(m_chromium->start(executable), qPrintable(m_chromium->errorString()));
    m_cdp = std::make_unique<CdpSession>();
    QString why;
    QVERIFY2(m_cdp->open(m_chromium->browserWebSocketUrl(), 15000, &why), qPrintable(why));
    m_page = m_cdp->openPage(&why);
    QVERIFY2(!m_page.isEmpty(), qPrintable(why));

    for (const char *domain : {"Runtime.enable", "Log.enable", "Page.enable"}) {
        const auto r = m_cdp->call(QString::fromLatin1(domain), {}, m_page);
        QVERIFY2(r.ok(), qPrintable(r.error));
    }
    // The size the README's screenshots are taken at; focus as if the window were in front, so
    // keyboard input reaches the page.
    auto r = m_cdp->call(QStringLiteral("Emulation.setDeviceMetricsOverride"),
                         {{QStringLiteral("width"), 1366}, {QStringLiteral("height"), 768},
                          {QStringLiteral("deviceScaleFactor"), 1}, {QStringLiteral("mobile"), false}},
                         m_page);
    QVERIFY2(r.ok(), qPrintable(r.error));
    r = m_cdp->call(QStringLiteral("Emulation.setFocusEmulationEnabled"), {{QStringLiteral("enabled"), true}}, m_page);
    QVERIFY2(r.ok(), qPrintable(r.error));
    // No browser UI for WebAuthn: the virtual authenticators answer on their own.
    r = m_cdp->call(QStringLiteral("WebAuthn.enable"), {{QStringLiteral("enableUI"), false}}, m_page);
    QVERIFY2(r.ok(), qPrintable(r.error));
}

void tst_BrowserSignIn::cleanupTestCase()
{
    m_cdp.reset();
    m_chromium.reset();
    m_emu.reset();
}

QString tst_BrowserSignIn::pageUrl(const QString &path) const
{
    // localhost, not 127.0.0.1: the emulator's RP ID is localhost, and only a page whose origin
    // is localhost may use it.
    return QStringLiteral("http://localhost:%1%2").arg(m_emu->port()).arg(path);
}

//! The page's script has started and is waiting for the person.
bool tst_BrowserSignIn::waitUntilReady()
{
    return QTest::qWaitFor([&] { return js(QStringLiteral("document.body.dataset.state")).toString() == QLatin1String("ready"); }, 20000);
}

QJsonValue tst_BrowserSignIn::js(const QString &expression)
{
    QString why;
    const QJsonValue value = m_cdp->evaluate(m_page, expression, &why);
    if (!why.isEmpty())
        qWarning("%s\n  while evaluating: %s", qPrintable(why), qPrintable(expression.left(300)));
    return value;
}

bool tst_BrowserSignIn::navigate(const QString &url, QString *why)
{
    const auto r = m_cdp->call(QStringLiteral("Page.navigate"), {{QStringLiteral("url"), url}}, m_page);
    if (!r.ok()) {
        *why = r.error;
        return false;
    }
    if (r.result.contains(QLatin1String("errorText"))) {
        *why = QStringLiteral("%1 did not load: %2").arg(url, r.result.value(QLatin1String("errorText")).toString());
        return false;
    }
    // Evaluating during the navigation can hit the old document: wait for the new one.
    const QString check = QStringLiteral("location.href === %1 && document.readyState === 'complete'").arg(jsString(url));
    const bool loaded = QTest::qWaitFor([&] {
        QString ignored;
        return m_cdp->evaluate(m_page, check, &ignored, 5000).toBool();
    }, 20000);
    if (!loaded)
        *why = QStringLiteral("%1 did not finish loading within 20 s").arg(url);
    return loaded;
}

QString tst_BrowserSignIn::addAuthenticator()
{
    const auto r = m_cdp->call(QStringLiteral("WebAuthn.addVirtualAuthenticator"),
                               {{QStringLiteral("options"), QJsonObject{{QStringLiteral("protocol"), QStringLiteral("ctap2")},
                                                                        {QStringLiteral("transport"), QStringLiteral("internal")},
                                                                        {QStringLiteral("hasResidentKey"), true},
                                                                        {QStringLiteral("hasUserVerification"), true},
                                                                        {QStringLiteral("isUserVerified"), true},
                                                                        {QStringLiteral("automaticPresenceSimulation"), true}}}},
                               m_page);
    if (!r.ok())
        qWarning("%s", qPrintable(r.error));
    const QString id = r.result.value(QLatin1String("authenticatorId")).toString();
    if (!id.isEmpty())
        m_authenticators.append(id);
    return id;
}

void tst_BrowserSignIn::removeAuthenticator(const QString &id)
{
    const auto r = m_cdp->call(QStringLiteral("WebAuthn.removeVirtualAuthenticator"), {{QStringLiteral("authenticatorId"), id}}, m_page);
    if (!r.ok())
        qWarning("%s", qPrintable(r.error));
    m_authenticators.removeAll(id);
}

//! A test that needs to know which authenticator answers starts with none left by another.
void tst_BrowserSignIn::removeAllAuthenticators()
{
    const QStringList ids = m_authenticators;
    for (const QString &id : ids)
        removeAuthenticator(id);
}

QString tst_BrowserSignIn::messageSeq()
{
    return js(QStringLiteral("document.getElementById('message').dataset.seq")).toString();
}

Outcome tst_BrowserSignIn::outcomeAfter(const QString &seqBefore)
{
    const QJsonObject o = js(QStringLiteral("%1(%2)").arg(QLatin1String(waitForOutcomeJs), jsString(seqBefore))).toObject();
    return {o.value(QLatin1String("kind")).toString(), o.value(QLatin1String("text")).toString()};
}

Outcome tst_BrowserSignIn::press(const QString &buttonId)
{
    const QString before = messageSeq();
    js(QStringLiteral("document.getElementById(%1).click()").arg(jsString(buttonId)));
    return outcomeAfter(before);
}

Outcome tst_BrowserSignIn::pressEnterIn(const QString &inputId, const QString &typed)
{
    // Real key events, as a person at the keyboard: focus, type, Enter submits the form.
    js(QStringLiteral("(() => { const i = document.getElementById(%1); i.value = ''; i.focus(); })()").arg(jsString(inputId)));
    if (!typed.isEmpty())
        m_cdp->call(QStringLiteral("Input.insertText"), {{QStringLiteral("text"), typed}}, m_page);
    const QString before = messageSeq();
    const QJsonObject enter{{QStringLiteral("key"), QStringLiteral("Enter")},
                            {QStringLiteral("code"), QStringLiteral("Enter")},
                            {QStringLiteral("windowsVirtualKeyCode"), 13},
                            {QStringLiteral("nativeVirtualKeyCode"), 13}};
    QJsonObject down = enter;
    down.insert(QStringLiteral("type"), QStringLiteral("keyDown"));
    down.insert(QStringLiteral("text"), QStringLiteral("\r"));
    QJsonObject up = enter;
    up.insert(QStringLiteral("type"), QStringLiteral("keyUp"));
    m_cdp->call(QStringLiteral("Input.dispatchKeyEvent"), down, m_page);
    m_cdp->call(QStringLiteral("Input.dispatchKeyEvent"), up, m_page);
    return outcomeAfter(before);
}

void tst_BrowserSignIn::setField(const QString &id, const QString &value)
{
    js(QStringLiteral("document.getElementById(%1).value = %2").arg(jsString(id), jsString(value)));
}

QString tst_BrowserSignIn::text(const QString &id)
{
    return js(QStringLiteral("document.getElementById(%1).textContent").arg(jsString(id))).toString();
}

bool tst_BrowserSignIn::visible(const QString &id)
{
    return js(QStringLiteral("(() => { const e = document.getElementById(%1); return !!e && !e.hidden && e.getClientRects().length > 0; })()")
                      .arg(jsString(id)))
            .toBool();
}

QString tst_BrowserSignIn::revealToken()
{
    // As a person would: Reveal, read, Hide again.
    const QJsonObject o = js(QStringLiteral(R"((async () => {
  const text = document.getElementById('token-text');
  const button = document.getElementById('reveal-button');
  const masked = text.textContent;
  button.click();
  const token = text.textContent;
  const pressed = button.getAttribute('aria-pressed');
  button.click();
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {masked, token, pressed, maskedAgain: text.textContent};
})())"))
                                     .toObject();
    const QString token = o.value(QLatin1String("token")).toString();
    const QString masked = o.value(QLatin1String("masked")).toString();
    const QString fingerprint = QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex().left(8));
    // Masked, the page shows the token's fingerprint (as the console does) and nothing of the token.
    if (token.isEmpty() || masked.contains(token) || !masked.startsWith(QLatin1Char('#') + fingerprint)
        || o.value(QLatin1String("pressed")).toString() != QLatin1String("true") || o.value(QLatin1String("maskedAgain")).toString() != masked) {
        qWarning("the token display misbehaves: masked \"%s\", shown %lld characters, aria-pressed %s", qPrintable(masked),
                 qint64(token.size()), qPrintable(o.value(QLatin1String("pressed")).toString()));
        return {};
    }
    return token;
}

void tst_BrowserSignIn::screenshot(const QString &name)
{
    // Only on request: PLAINKEY_DEMO_SCREENSHOTS=resources/screenshots refreshes the README's.
    const QString dir = qEnvironmentVariable("PLAINKEY_DEMO_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    // Focus rings and caret off the picture; the page is what it shows.
    js(QStringLiteral("document.activeElement && document.activeElement.blur()"));
    const auto r = m_cdp->call(QStringLiteral("Page.captureScreenshot"), {{QStringLiteral("format"), QStringLiteral("png")}}, m_page);
    QFile file(QDir(dir).filePath(name));
    if (!r.ok() || !file.open(QIODevice::WriteOnly)
        || file.write(QByteArray::fromBase64(r.result.value(QLatin1String("data")).toString().toLatin1())) <= 0)
        qWarning("could not save the screenshot %s: %s %s", qPrintable(file.fileName()), qPrintable(r.error), qPrintable(file.errorString()));
    else
        qInfo("screenshot: %s", qPrintable(file.fileName()));
}

QString tst_BrowserSignIn::problems() const
{
    return m_cdp->pageProblems().join(QLatin1Char('\n'));
}

// The page as served: its script runs under the strict policy, learns the project, and tells
// the person when there is no authenticator, or no WebAuthn at all.
void tst_BrowserSignIn::pageExplainsMissingAuthenticator()
{
    m_cdp->clearEvents();
    QString why;
    QVERIFY2(navigate(pageUrl(), &why), qPrintable(why));
    QVERIFY2(waitUntilReady(), qPrintable(problems()));
    QCOMPARE(js(QStringLiteral("document.getElementById('project-id').value")).toString(), m_emu->config().projectId);
    QCOMPARE(text(QStringLiteral("api-base")), pageUrl(QStringLiteral("/browser")));
    QVERIFY(visible(QStringLiteral("signed-out")));
    QVERIFY(!visible(QStringLiteral("signed-in")));
    QCOMPARE(js(QStringLiteral("document.activeElement.id")).toString(), QStringLiteral("signup-name"));
    // No virtual authenticator yet: no platform authenticator, and the page says what still works.
    QVERIFY(visible(QStringLiteral("notice")));
    QVERIFY2(text(QStringLiteral("notice")).contains(QLatin1String("No built-in authenticator")), qPrintable(text(QStringLiteral("notice"))));
    QVERIFY2(problems().isEmpty(), qPrintable(problems()));

    // A browser without WebAuthn: said on load, and again when the person tries.
    const auto hidden = m_cdp->call(QStringLiteral("Page.addScriptToEvaluateOnNewDocument"),
                                    {{QStringLiteral("source"), QStringLiteral("delete window.PublicKeyCredential;")}}, m_page);
    QVERIFY2(hidden.ok(), qPrintable(hidden.error));
    QVERIFY2(navigate(pageUrl(), &why), qPrintable(why));
    QVERIFY2(waitUntilReady(), qPrintable(problems()));
    QCOMPARE(js(QStringLiteral("document.body.dataset.webauthn")).toString(), QStringLiteral("missing"));
    QVERIFY2(text(QStringLiteral("notice")).contains(QLatin1String("no WebAuthn")), qPrintable(text(QStringLiteral("notice"))));
    setField(QStringLiteral("signup-name"), QStringLiteral("nobody@example.com"));
    const Outcome o = press(QStringLiteral("signup-button"));
    QCOMPARE(o.kind, QStringLiteral("error"));
    QVERIFY2(o.text.contains(QLatin1String("not possible in this browser")), qPrintable(o.text));
    const auto restored = m_cdp->call(QStringLiteral("Page.removeScriptToEvaluateOnNewDocument"),
                                      {{QStringLiteral("identifier"), hidden.result.value(QLatin1String("identifier"))}}, m_page);
    QVERIFY2(restored.ok(), qPrintable(restored.error));

    // At 127.0.0.1 no passkey can work (WebAuthn takes no IP address as RP ID): the page says
    // so and links to its localhost address.
    const QString onIp = QStringLiteral("http://127.0.0.1:%1/demo/").arg(m_emu->port());
    QVERIFY2(navigate(onIp, &why), qPrintable(why));
    QVERIFY2(waitUntilReady(), qPrintable(problems()));
    QVERIFY2(text(QStringLiteral("notice")).contains(QLatin1String("IP address")), qPrintable(text(QStringLiteral("notice"))));
    QCOMPARE(js(QStringLiteral("document.querySelector('#notice a').href")).toString(), pageUrl());
    QCOMPARE(m_emu->userCount(), 0);
}

// The DevTools part on its own: a virtual authenticator answers navigator.credentials.create
// for a fixed challenge on a localhost page, and what it made is a well-formed attested
// credential. Also learns the AAGUID the virtual authenticator reports.
void tst_BrowserSignIn::virtualAuthenticatorCreatesPasskey()
{
    const QString authenticator = addAuthenticator();
    QVERIFY(!authenticator.isEmpty());
    QString why;
    QVERIFY2(navigate(pageUrl(), &why), qPrintable(why));

    const QByteArray challenge = QByteArrayLiteral("fixed challenge for the CDP check");
    const QJsonObject made = js(QStringLiteral(R"((async () => {
  const credential = await navigator.credentials.create({publicKey: {
    rp: {id: 'localhost', name: 'CDP check'},
    user: {id: new TextEncoder().encode('cdp-user'), name: 'cdp@example.com', displayName: 'CDP'},
    challenge: new TextEncoder().encode(%1),
    pubKeyCredParams: [{type: 'public-key', alg: -7}],
    authenticatorSelection: {residentKey: 'required', userVerification: 'required'},
    attestation: 'none'}});
  const b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
  return {id: credential.id, attachment: credential.authenticatorAttachment,
          transports: credential.response.getTransports(),
          clientData: new TextDecoder().decode(credential.response.clientDataJSON),
          attestation: b64(credential.response.attestationObject)};
})())")
                                        .arg(jsString(QString::fromLatin1(challenge))))
                                .toObject();
    QVERIFY2(!made.isEmpty(), qPrintable(problems()));
    QCOMPARE(made.value(QLatin1String("attachment")).toString(), QStringLiteral("platform"));
    QVERIFY(made.value(QLatin1String("transports")).toArray().contains(QStringLiteral("internal")));

    const QJsonObject clientData = QJsonDocument::fromJson(made.value(QLatin1String("clientData")).toString().toUtf8()).object();
    QCOMPARE(clientData.value(QLatin1String("type")).toString(), QStringLiteral("webauthn.create"));
    QCOMPARE(fromBase64Url(clientData.value(QLatin1String("challenge")).toString()), challenge);
    QCOMPARE(clientData.value(QLatin1String("origin")).toString(), pageUrl(QString()));

    // authData: rpIdHash (32) | flags (1) | signCount (4) | AAGUID (16) | id length | id | key
    const QCborMap attestation = QCborValue::fromCbor(QByteArray::fromBase64(made.value(QLatin1String("attestation")).toString().toLatin1())).toMap();
    QCOMPARE(attestation.value(QStringLiteral("fmt")).toString(), QStringLiteral("none"));
    const QByteArray authData = attestation.value(QStringLiteral("authData")).toByteArray();
    QVERIFY(authData.size() > 55);
    QCOMPARE(authData.left(32), QCryptographicHash::hash("localhost", QCryptographicHash::Sha256));
    const auto flags = quint8(authData.at(32));
    QVERIFY2(flags & 0x01, "user present");
    QVERIFY2(flags & 0x04, "user verified");
    QVERIFY2(flags & 0x40, "attested credential data");
    const QUuid aaguid = QUuid::fromRfc4122(authData.mid(37, 16));
    QVERIFY(!aaguid.isNull());
    m_virtualAaguid = aaguid.toString(QUuid::WithoutBraces);
    qInfo("the virtual authenticator's AAGUID: %s", qPrintable(m_virtualAaguid));
    const int idLength = (quint8(authData.at(53)) << 8) | quint8(authData.at(54));
    QCOMPARE(authData.mid(55, idLength), fromBase64Url(made.value(QLatin1String("id")).toString()));

    // The authenticator holds it as a discoverable credential for localhost.
    const auto held = m_cdp->call(QStringLiteral("WebAuthn.getCredentials"), {{QStringLiteral("authenticatorId"), authenticator}}, m_page);
    QVERIFY2(held.ok(), qPrintable(held.error));
    const QJsonArray credentials = held.result.value(QLatin1String("credentials")).toArray();
    QCOMPARE(credentials.size(), 1);
    const QJsonObject c = credentials.first().toObject();
    QVERIFY(c.value(QLatin1String("isResidentCredential")).toBool());
    QCOMPARE(c.value(QLatin1String("rpId")).toString(), QStringLiteral("localhost"));
    QCOMPARE(QByteArray::fromBase64(c.value(QLatin1String("userHandle")).toString().toLatin1()), QByteArrayLiteral("cdp-user"));

    // Its passkey must not answer the scenario's usernameless sign-in.
    removeAuthenticator(authenticator);
}

void tst_BrowserSignIn::signUpSignInAndAddPasskey()
{
    const QString userName = QStringLiteral("ada-e2e@example.com");
    QVERIFY2(!m_virtualAaguid.isEmpty(), "virtualAuthenticatorCreatesPasskey runs first and learns the AAGUID");

    const QString first = addAuthenticator();
    QVERIFY(!first.isEmpty());
    m_cdp->clearEvents();
    QString why;
    QVERIFY2(navigate(pageUrl(), &why), qPrintable(why));
    QVERIFY2(waitUntilReady(), qPrintable(problems()));
    // With an authenticator, the page has nothing to warn about.
    QCOMPARE(js(QStringLiteral("document.getElementById('project-id').value")).toString(), m_emu->config().projectId);
    QCOMPARE(js(QStringLiteral("document.body.dataset.webauthn")).toString(), QStringLiteral("present"));
    QVERIFY2(!visible(QStringLiteral("notice")), qPrintable(text(QStringLiteral("notice"))));
    QVERIFY2(problems().isEmpty(), qPrintable(problems()));
    screenshot(QStringLiteral("demo-page.png"));

    QList<PageToken> tokens;

    // Sign up with a passkey.
    setField(QStringLiteral("signup-name"), userName);
    Outcome o = press(QStringLiteral("signup-button"));
    QVERIFY2(o.kind == QLatin1String("ok"), qPrintable(o.text + QLatin1Char('\n') + problems()));
    QVERIFY(visible(QStringLiteral("signed-in")));
    QCOMPARE(text(QStringLiteral("who-name")), userName);
    const QString userId = text(QStringLiteral("who-id"));
    QVERIFY(!userId.isEmpty());
    tokens.append({QStringLiteral("sign-up"), revealToken()});
    screenshot(QStringLiteral("demo-signed-in.png"));

    // Copy puts the token itself on the clipboard (the browser lets this page use it).
    const auto granted = m_cdp->call(QStringLiteral("Browser.grantPermissions"),
                                     {{QStringLiteral("origin"), pageUrl(QString())},
                                      {QStringLiteral("permissions"), QJsonArray{QStringLiteral("clipboardReadWrite"), QStringLiteral("clipboardSanitizedWrite")}}});
    QVERIFY2(granted.ok(), qPrintable(granted.error));
    o = press(QStringLiteral("copy-button"));
    QVERIFY2(o.kind == QLatin1String("ok"), qPrintable(o.text));
    QVERIFY(js(QStringLiteral("navigator.clipboard.readText()")).toString() == tokens.constLast().token);

    // The same authenticator cannot add a second passkey for the account: the page says so.
    o = press(QStringLiteral("add-passkey-button"));
    QCOMPARE(o.kind, QStringLiteral("error"));
    QVERIFY2(o.text.contains(QLatin1String("already holds a passkey")), qPrintable(o.text));

    // Sign out, then sign in with the user name, from the keyboard (Enter submits).
    o = press(QStringLiteral("signout-button"));
    QCOMPARE(o.kind, QStringLiteral("info"));
    QVERIFY(visible(QStringLiteral("signed-out")));
    QVERIFY(!visible(QStringLiteral("signed-in")));
    QCOMPARE(js(QStringLiteral("document.getElementById('token-text').textContent")).toString(), QString());
    o = pressEnterIn(QStringLiteral("signin-name"), userName);
    QVERIFY2(o.kind == QLatin1String("ok"), qPrintable(o.text + QLatin1Char('\n') + problems()));
    QCOMPARE(text(QStringLiteral("who-id")), userId);
    QCOMPARE(text(QStringLiteral("who-name")), userName);
    tokens.append({QStringLiteral("sign-in with the user name"), revealToken()});

    // Sign out, then sign in without a user name: the discoverable credential names the user.
    QCOMPARE(press(QStringLiteral("signout-button")).kind, QStringLiteral("info"));
    setField(QStringLiteral("signin-name"), QString());
    o = press(QStringLiteral("signin-button"));
    QVERIFY2(o.kind == QLatin1String("ok"), qPrintable(o.text + QLatin1Char('\n') + problems()));
    QCOMPARE(text(QStringLiteral("who-id")), userId);
    tokens.append({QStringLiteral("sign-in without a user name"), revealToken()});

    // Add a second authenticator's passkey (the first one is put away, as a person would use
    // their other device), and give it a label.
    removeAuthenticator(first);
    const QString second = addAuthenticator();
    QVERIFY(!second.isEmpty());
    o = press(QStringLiteral("add-passkey-button"));
    QVERIFY2(o.kind == QLatin1String("ok"), qPrintable(o.text + QLatin1Char('\n') + problems()));
    tokens.append({QStringLiteral("add a passkey"), revealToken()});
    const QString addedId = js(QStringLiteral("document.getElementById('relabel-id').value")).toString();
    QVERIFY(!addedId.isEmpty());
    setField(QStringLiteral("relabel-label"), QStringLiteral("Second laptop"));
    o = press(QStringLiteral("relabel-button"));
    QVERIFY2(o.kind == QLatin1String("ok"), qPrintable(o.text + QLatin1Char('\n') + problems()));

    // The new passkey signs in on its own.
    QCOMPARE(press(QStringLiteral("signout-button")).kind, QStringLiteral("info"));
    o = press(QStringLiteral("signin-button"));
    QVERIFY2(o.kind == QLatin1String("ok"), qPrintable(o.text + QLatin1Char('\n') + problems()));
    QCOMPARE(text(QStringLiteral("who-id")), userId);
    tokens.append({QStringLiteral("sign-in with the added passkey"), revealToken()});

    // A device with none of the account's passkeys: the authenticator refuses, as when a person
    // cancels the prompt, and the page says nothing changed.
    QCOMPARE(press(QStringLiteral("signout-button")).kind, QStringLiteral("info"));
    removeAuthenticator(second);
    const QString empty = addAuthenticator();
    QVERIFY(!empty.isEmpty());
    setField(QStringLiteral("signin-name"), userName);
    o = press(QStringLiteral("signin-button"));
    QCOMPARE(o.kind, QStringLiteral("error"));
    QVERIFY2(o.text.contains(QLatin1String("was cancelled")) && o.text.contains(QLatin1String("Nothing changed")), qPrintable(o.text));
    QVERIFY(visible(QStringLiteral("signed-out")));

    // An API error reaches the person with its words and status: a project the emulator does
    // not serve.
    setField(QStringLiteral("project-id"), QStringLiteral("no-such-project"));
    o = press(QStringLiteral("signin-button"));
    QCOMPARE(o.kind, QStringLiteral("error"));
    QVERIFY2(o.text.contains(QLatin1String("the server said")) && o.text.contains(QLatin1String("(HTTP 4")), qPrintable(o.text));
    setField(QStringLiteral("project-id"), m_emu->config().projectId);

    // Every token the page got verifies through the Server API, for the user who signed up.
    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(*m_emu));
    for (const PageToken &t : std::as_const(tokens)) {
        QVERIFY2(!t.token.isEmpty(), qPrintable(t.step + QStringLiteral(": the page showed no token")));
        const auto verdict = verify(client, t.token);
        QVERIFY2(verdict.ok(), qPrintable(t.step + QStringLiteral(": ") + verdict.error().message()));
        QVERIFY2(verdict->valid, qPrintable(t.step + QStringLiteral(": ") + verdict->error));
        QCOMPARE(verdict->userId, userId);
        QCOMPARE(verdict->projectId, m_emu->config().projectId);
    }

    // Two passkeys, both made by the virtual authenticator model, one with its new label.
    const auto passkeys = listPasskeys(client, userId);
    QVERIFY2(passkeys.ok(), qPrintable(passkeys.error().message()));
    QCOMPARE(passkeys->size(), 2);
    int labelled = 0;
    for (const Passkey &p : passkeys.value()) {
        QCOMPARE(p.aaguid.value_or(QString()).toLower(), m_virtualAaguid);
        QVERIFY2(p.transports.value_or(QStringList()).contains(QStringLiteral("internal")), qPrintable(p.transportsText()));
        labelled += p.label.value_or(QString()) == QLatin1String("Second laptop");
    }
    QCOMPARE(labelled, 1);
    // The refused sign-in above is the only thing the browser may have logged.
    QVERIFY2(!problems().contains(QLatin1String("exception:")), qPrintable(problems()));
}

// The library PlainKey's browser SDK hands the Browser API's options to, @simplewebauthn/browser
// as npm ships it, in a customer's page on another localhost origin: sign up, then sign in by
// user name, by user ID and with no identifier (the discoverable passkey names the user), as
// the SDK does it. Every token verifies through the Server API.
void tst_BrowserSignIn::simpleWebAuthnLibrary()
{
    QFile library(QStringLiteral(PLAINKEY_BROWSER_TESTS_DIR "/node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js"));
    if (!library.open(QIODevice::ReadOnly))
        QSKIP(qPrintable(QStringLiteral("@simplewebauthn/browser is not installed (%1: %2); `npm ci --prefix tests/browser` "
                                        "installs the version package-lock.json pins (packaging/setup.sh test does it where npm is)")
                                 .arg(library.fileName(), library.errorString())));
    const QByteArray bundle = library.readAll();
    qInfo("library: %s", bundle.left(bundle.indexOf('\n')).constData());

    // The customer's site: its page and the library, from a second loopback server.
    RawHttpServer site([&](const RawHttpServer::Request &r, QTcpSocket *socket) {
        if (r.method == "GET" && r.path == "/")
            socket->write(RawHttpServer::response(200, customerPageHtml, "text/html; charset=utf-8"));
        else if (r.method == "GET" && r.path == "/simplewebauthn-browser.js")
            socket->write(RawHttpServer::response(200, bundle, "text/javascript; charset=utf-8"));
        else
            socket->write(RawHttpServer::response(404, "not found", "text/plain"));
    });
    QVERIFY2(site.isListening(), qPrintable(site.errorString()));
    const QString siteUrl = QStringLiteral("http://localhost:%1/").arg(site.serverPort());

    removeAllAuthenticators();
    QVERIFY(!addAuthenticator().isEmpty());
    m_cdp->clearEvents();
    QString why;
    QVERIFY2(navigate(siteUrl, &why), qPrintable(why));
    QVERIFY2(js(QStringLiteral("typeof SimpleWebAuthnBrowser.startRegistration")).toString() == QLatin1String("function"), qPrintable(problems()));
    const QString sdk = QStringLiteral("plainKey(%1, %2)").arg(jsString(pageUrl(QStringLiteral("/browser"))), jsString(m_emu->config().projectId));
    const auto run = [&](const QString &call, QString *error) {
        return m_cdp->evaluate(m_page, sdk + QLatin1Char('.') + call, error).toObject();
    };

    // Sign up.
    const QString userName = QStringLiteral("grace-sdk@example.com");
    const QJsonObject signUp = run(QStringLiteral("register(%1)").arg(jsString(userName)), &why);
    QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("sign-up: ") + why + QLatin1Char('\n') + problems()));
    const QString userId = signUp.value(QLatin1String("beginUserId")).toString();
    QVERIFY(!userId.isEmpty());
    const QJsonObject credential = signUp.value(QLatin1String("credential")).toObject();
    const QString credentialId = credential.value(QLatin1String("id")).toString();
    QVERIFY(!credentialId.isEmpty());
    QCOMPARE(credential.value(QLatin1String("rawId")).toString(), credentialId);
    QCOMPARE(credential.value(QLatin1String("authenticatorAttachment")).toString(), QStringLiteral("platform"));
    QVERIFY(credential.value(QLatin1String("response")).toObject().value(QLatin1String("transports")).toArray().contains(QStringLiteral("internal")));
    const QJsonObject registered = signUp.value(QLatin1String("complete")).toObject();
    QVERIFY(registered.value(QLatin1String("success")).toBool());
    QCOMPARE(registered.value(QLatin1String("userId")).toString(), userId);
    QCOMPARE(registered.value(QLatin1String("credential")).toObject().value(QLatin1String("userId")).toString(), userId);
    QVERIFY(registered.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("expiresAt")).isDouble());
    QList<PageToken> tokens{{QStringLiteral("sign-up"), registered.value(QLatin1String("authenticationToken")).toObject().value(QLatin1String("token")).toString()}};

    // Sign in three ways; a named user's begin allows exactly the passkey made above.
    struct SignIn
    {
        QString step;
        QString identifier; // JavaScript for the userIdentifier argument
        int allowed;
    };
    const QList<SignIn> signIns{
            {QStringLiteral("sign-in by user name"), QStringLiteral("{userName: %1}").arg(jsString(userName)), 1},
            {QStringLiteral("sign-in by user ID"), QStringLiteral("{userId: %1}").arg(jsString(userId)), 1},
            {QStringLiteral("sign-in with no identifier"), QStringLiteral("undefined"), 0},
    };
    for (const SignIn &s : signIns) {
        const QJsonObject signIn = run(QStringLiteral("authenticate(%1)").arg(s.identifier), &why);
        QVERIFY2(why.isEmpty(), qPrintable(s.step + QStringLiteral(": ") + why + QLatin1Char('\n') + problems()));
        QCOMPARE(signIn.value(QLatin1String("projectId")).toString(), m_emu->config().projectId);
        QCOMPARE(signIn.value(QLatin1String("allowed")).toInt(-1), s.allowed);
        const QJsonObject response = signIn.value(QLatin1String("authenticationResponse")).toObject();
        QCOMPARE(response.value(QLatin1String("id")).toString(), credentialId);
        // The discoverable passkey carries the user handle the emulator gave it at sign-up.
        QCOMPARE(fromBase64Url(response.value(QLatin1String("response")).toObject().value(QLatin1String("userHandle")).toString()), userId.toUtf8());
        const QJsonObject token = signIn.value(QLatin1String("complete")).toObject().value(QLatin1String("authenticationToken")).toObject();
        QVERIFY(token.value(QLatin1String("expiresAt")).isDouble());
        tokens.append({s.step, token.value(QLatin1String("token")).toString()});
    }

    PlainKeyClient client;
    client.setCredentials(emulatorCredentials(*m_emu));
    for (const PageToken &t : std::as_const(tokens)) {
        QVERIFY2(!t.token.isEmpty(), qPrintable(t.step + QStringLiteral(": the Browser API gave no token")));
        const auto verdict = verify(client, t.token);
        QVERIFY2(verdict.ok(), qPrintable(t.step + QStringLiteral(": ") + verdict.error().message()));
        QVERIFY2(verdict->valid, qPrintable(t.step + QStringLiteral(": ") + verdict->error));
        QCOMPARE(verdict->userId, userId);
        QCOMPARE(verdict->projectId, m_emu->config().projectId);
    }
    const auto passkeys = listPasskeys(client, userId);
    QVERIFY2(passkeys.ok(), qPrintable(passkeys.error().message()));
    QCOMPARE(passkeys->size(), 1);
    // Nothing went wrong quietly: no exception, and no console warning from the library.
    QVERIFY2(problems().isEmpty(), qPrintable(problems()));
}

QTEST_GUILESS_MAIN(tst_BrowserSignIn)
#include "tst_browser_signin.moc"
