// CurlExporter, as the shell and curl see it: the command parses, each value reaches curl as
// exactly one unchanged argument whatever it holds, secrets come only from the environment,
// and the body curl would send is the body that was sent.

#include "core/export/curlexporter.h"
#include "core/log/redactor.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace plainkey;

namespace {

using Secrets = QList<QPair<SecretKind, QByteArray>>;

const QByteArray kClientSecret = "cs_live_9f8e7d6c5b4a";
const QByteArray kAccessToken = "at_opaque_0123456789abcdef";
const QByteArray kAuthToken = "pk_auth_fedcba9876543210";

// An exchange as Transport::record() builds one: every part redacted before it is kept.
Exchange recorded(const QByteArray &method, const QUrl &url, const HttpHeaders &headers, const QByteArray &body,
                  const Secrets &secrets = {})
{
    Redactor r;
    Exchange e;
    e.id = 7;
    e.operation = QStringLiteral("test");
    e.method = method;
    e.url = r.redactUrl(url, secrets);
    e.requestHeaders = r.redactHeaders(headers, secrets);
    e.requestBody = r.redactBody(body, secrets);
    e.startedAt = QDateTime::currentDateTimeUtc();
    return e;
}

Exchange accessTokenExchange()
{
    return recorded("POST", QUrl(QStringLiteral("https://api.plainkey.io/server/access-token")),
                    {{"Content-Type", "application/x-www-form-urlencoded"}, {"Content-Length", "52"}},
                    "client_id=proj-1&client_secret=" + kClientSecret, {{SecretKind::ClientSecret, kClientSecret}});
}

Exchange verifyExchange()
{
    return recorded("POST", QUrl(QStringLiteral("https://api.plainkey.io/server/authentication-token/verify")),
                    {{"Authorization", "Bearer " + kAccessToken},
                     {"x-project-id", "proj-1"},
                     {"Content-Type", "application/json"},
                     {"User-Agent", "PlainKeyConsole/1.0"},
                     {"Host", "api.plainkey.io"}},
                    R"({"token":")" + kAuthToken + R"("})",
                    {{SecretKind::AccessToken, kAccessToken}, {SecretKind::AuthenticationToken, kAuthToken}});
}

struct ShellRun
{
    int exitCode = -1;
    QByteArray stderrText;
    QList<QByteArray> args; //!< what "curl" was called with
};

// Runs the exported text with "curl" replaced by a function that prints its arguments, so the
// test sees exactly what the shell would hand to curl, without a network.
ShellRun runInBash(const QString &command, const QProcessEnvironment &env, const QString &workDir)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(workDir);
    const QString script = QStringLiteral("curl() { printf '%s\\0' \"$@\"; }\n") + command;
    p.start(QStringLiteral("/bin/bash"), {QStringLiteral("-c"), script});
    ShellRun r;
    if (!p.waitForFinished(20000))
        return r;
    r.exitCode = p.exitCode();
    r.stderrText = p.readAllStandardError();
    QByteArray out = p.readAllStandardOutput();
    if (out.endsWith('\0'))
        out.chop(1);
    r.args = out.isEmpty() ? QList<QByteArray>() : out.split('\0');
    return r;
}

bool bashParses(const QString &command, QByteArray *error)
{
    QProcess p;
    p.start(QStringLiteral("/bin/bash"), {QStringLiteral("-n")});
    p.write(command.toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(20000))
        return false;
    *error = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

QProcessEnvironment secretsEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PLAINKEY_CLIENT_SECRET"), QString::fromLatin1(kClientSecret));
    env.insert(QStringLiteral("PLAINKEY_ACCESS_TOKEN"), QString::fromLatin1(kAccessToken));
    env.insert(QStringLiteral("PLAINKEY_AUTH_TOKEN"), QString::fromLatin1(kAuthToken));
    return env;
}

// What curl posts for a list of -d style options, per curl's manual: options are joined with
// '&'; --data-urlencode "name=content" sends name (as given) '=' and the encoded content,
// "=content" and "content" send the encoded content, "name@file" reads a file.
QByteArray curlPostBody(const QList<QByteArray> &args, bool *readsAFile)
{
    QList<QByteArray> parts;
    for (int i = 0; i + 1 < args.size(); ++i) {
        const QByteArray opt = args[i];
        const QByteArray v = args[i + 1];
        if (opt == "--data-raw") {
            parts.append(v);
        } else if (opt == "--data-urlencode") {
            const int at = v.indexOf('@');
            const int eq = v.indexOf('=');
            if (at >= 0 && (eq < 0 || at < eq)) {
                *readsAFile = true;
                parts.append("<file>");
            } else if (eq > 0) {
                parts.append(v.left(eq) + '=' + QUrl::toPercentEncoding(QString::fromUtf8(v.mid(eq + 1))));
            } else if (eq == 0) {
                parts.append(QUrl::toPercentEncoding(QString::fromUtf8(v.mid(1))));
            } else {
                parts.append(QUrl::toPercentEncoding(QString::fromUtf8(v)));
            }
        } else {
            continue;
        }
        ++i;
    }
    return parts.join('&');
}

QList<QPair<QString, QString>> formFields(const QByteArray &body)
{
    QByteArray b = body;
    b.replace('+', "%20");
    return QUrlQuery(QString::fromLatin1(b)).queryItems(QUrl::FullyDecoded);
}

} // namespace

Q_DECLARE_METATYPE(plainkey::Exchange)

class TestCurlExporterShell : public QObject
{
    Q_OBJECT

private slots:
    void accessTokenCommandIsExact();
    void verifyCommandIsExact();
    void getHasNoMethodOptionAndNoBody();
    void secretsNeverAppearInTheCommand_data();
    void secretsNeverAppearInTheCommand();
    void variablesAreListedInOrderOfFirstUse();
    void shellWordQuotesAndExpands_data();
    void shellWordQuotesAndExpands();
    void everyCommandParsesInBash_data();
    void everyCommandParsesInBash();
    void hostileValuesReachCurlUnchanged_data();
    void hostileValuesReachCurlUnchanged();
    void hostileMethodIsOneArgument();
    void secretsComeFromTheEnvironmentWhenRun();
    void formBodyCurlSendsIsTheRecordedBody_data();
    void formBodyCurlSendsIsTheRecordedBody();
};

void TestCurlExporterShell::accessTokenCommandIsExact()
{
    QCOMPARE(CurlExporter::toCurl(accessTokenExchange()),
             QStringLiteral("# Secrets are read from the environment: set PLAINKEY_CLIENT_SECRET first.\n"
                            "curl -sS -i -X POST 'https://api.plainkey.io/server/access-token' \\\n"
                            "  -H 'Content-Type: application/x-www-form-urlencoded' \\\n"
                            "  --data-urlencode 'client_id=proj-1' \\\n"
                            "  --data-urlencode 'client_secret='\"$PLAINKEY_CLIENT_SECRET\"\n"));
}

void TestCurlExporterShell::verifyCommandIsExact()
{
    // Host and User-Agent are curl's business; the access token and the token come from the environment.
    QCOMPARE(CurlExporter::toCurl(verifyExchange()),
             QStringLiteral("# Secrets are read from the environment: set PLAINKEY_ACCESS_TOKEN, PLAINKEY_AUTH_TOKEN first"
                            " (plainkey-cli token --show-secrets prints an access token).\n"
                            "curl -sS -i -X POST 'https://api.plainkey.io/server/authentication-token/verify' \\\n"
                            "  -H 'Authorization: Bearer '\"$PLAINKEY_ACCESS_TOKEN\" \\\n"
                            "  -H 'x-project-id: proj-1' \\\n"
                            "  -H 'Content-Type: application/json' \\\n"
                            "  --data-raw '{\"token\":\"'\"$PLAINKEY_AUTH_TOKEN\"'\"}'\n"));
}

void TestCurlExporterShell::getHasNoMethodOptionAndNoBody()
{
    const Exchange e = recorded("GET", QUrl(QStringLiteral("https://api.plainkey.io/server/user?userName=alice%40example.com")),
                                {{"x-project-id", "proj-1"}}, {});
    QCOMPARE(CurlExporter::toCurl(e), QStringLiteral("curl -sS -i 'https://api.plainkey.io/server/user?userName=alice%40example.com' \\\n"
                                                     "  -H 'x-project-id: proj-1'\n"));
    QCOMPARE(CurlExporter::variables(e), QStringList());
}

void TestCurlExporterShell::secretsNeverAppearInTheCommand_data()
{
    QTest::addColumn<Exchange>("exchange");
    QTest::addColumn<QByteArray>("secret");
    QTest::newRow("client secret in a form") << accessTokenExchange() << kClientSecret;
    QTest::newRow("access token in a header") << verifyExchange() << kAccessToken;
    QTest::newRow("auth token in JSON") << verifyExchange() << kAuthToken;
    QTest::newRow("access token in the query")
            << recorded("GET", QUrl(QStringLiteral("https://h.example/cb?access_token=") + QString::fromLatin1(kAccessToken) + QStringLiteral("&state=ok")),
                        {}, {})
            << kAccessToken;
    QTest::newRow("auth token in a DELETE body")
            << recorded("DELETE", QUrl(QStringLiteral("https://api.plainkey.io/browser/credential/c1/label")),
                        {{"Content-Type", "application/json"}}, R"({"authenticationToken":")" + kAuthToken + R"(","label":null})")
            << kAuthToken;
}

void TestCurlExporterShell::secretsNeverAppearInTheCommand()
{
    QFETCH(Exchange, exchange);
    QFETCH(QByteArray, secret);
    const QString cmd = CurlExporter::toCurl(exchange);
    QVERIFY2(!cmd.contains(QString::fromLatin1(secret)), qPrintable(cmd));
    QVERIFY2(!cmd.contains(QLatin1String("[redacted")), qPrintable(cmd));
    QVERIFY(cmd.startsWith(QLatin1String("# Secrets are read from the environment: set PLAINKEY_")));
    // The secret reaches curl through one of the three variables, always inside double quotes.
    QVERIFY(cmd.contains(QLatin1String("\"$PLAINKEY_")));
}

void TestCurlExporterShell::variablesAreListedInOrderOfFirstUse()
{
    QCOMPARE(CurlExporter::variables(verifyExchange()),
             (QStringList{QStringLiteral("PLAINKEY_ACCESS_TOKEN"), QStringLiteral("PLAINKEY_AUTH_TOKEN")}));
    QCOMPARE(CurlExporter::variables(accessTokenExchange()), QStringList{QStringLiteral("PLAINKEY_CLIENT_SECRET")});
    QCOMPARE(CurlExporter::variableFor(QStringLiteral("client_secret")), QStringLiteral("PLAINKEY_CLIENT_SECRET"));
    QCOMPARE(CurlExporter::variableFor(QStringLiteral("access_token")), QStringLiteral("PLAINKEY_ACCESS_TOKEN"));
    QCOMPARE(CurlExporter::variableFor(QStringLiteral("auth_token")), QStringLiteral("PLAINKEY_AUTH_TOKEN"));
    // The same token twice is one variable.
    Exchange e = verifyExchange();
    e.requestHeaders.append({"x-debug", e.requestHeaders.first().second});
    QCOMPARE(CurlExporter::variables(e).size(), 2);
}

void TestCurlExporterShell::shellWordQuotesAndExpands_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("word");
    QTest::addColumn<QStringList>("variables");
    const QString marker = QString::fromLatin1(Redactor::marker(SecretKind::AccessToken, "x-token-123"));
    QTest::newRow("empty") << "" << "''" << QStringList();
    QTest::newRow("plain") << "abc" << "'abc'" << QStringList();
    QTest::newRow("single quote") << "it's" << R"('it'\''s')" << QStringList();
    QTest::newRow("only quotes") << "''" << R"(''\'''\''')" << QStringList();
    QTest::newRow("dollar and backticks stay literal") << "$(id) `id` $HOME" << "'$(id) `id` $HOME'" << QStringList();
    QTest::newRow("marker alone") << marker << "\"$PLAINKEY_ACCESS_TOKEN\"" << QStringList{"PLAINKEY_ACCESS_TOKEN"};
    QTest::newRow("marker between text") << "a " + marker + " b" << "'a '\"$PLAINKEY_ACCESS_TOKEN\"' b'" << QStringList{"PLAINKEY_ACCESS_TOKEN"};
    QTest::newRow("marker-like text with a bad fingerprint") << "[redacted access_token #zz]" << "'[redacted access_token #zz]'"
                                                             << QStringList();
}

void TestCurlExporterShell::shellWordQuotesAndExpands()
{
    QFETCH(QString, text);
    QFETCH(QString, word);
    QFETCH(QStringList, variables);
    QStringList vars;
    QCOMPARE(CurlExporter::shellWord(text, &vars), word);
    QCOMPARE(vars, variables);
}

namespace {
const QList<QPair<const char *, QByteArray>> &hostileValues()
{
    static const QList<QPair<const char *, QByteArray>> values = {
        {"single quotes", "it's 'quoted' ''"},
        {"command substitution", "$(touch pwned-subst)"},
        {"backticks", "`touch pwned-tick`"},
        {"variables", "$HOME ${PATH} $1 $@ $$"},
        {"newlines", "line1\nline2\n\nline4"},
        {"carriage return and tab", "a\rb\tc"},
        {"backslashes", "a\\b\\\\c\\"},
        {"double quotes", "say \"hi\" \"\"\""},
        {"semicolons and pipes", "x; touch pwned-semi | cat && touch pwned-and"},
        {"history and globs", "!! !-1 * ? [a] ~"},
        {"trailing backslash-newline", "end\\\n"},
        {"UTF-8", "Zo\xc3\xab \xf0\x9f\x9a\x80 \xd9\x85\xd8\xb1"},
        {"empty", ""},
    };
    return values;
}
} // namespace

void TestCurlExporterShell::everyCommandParsesInBash_data()
{
    QTest::addColumn<Exchange>("exchange");
    QTest::newRow("access token") << accessTokenExchange();
    QTest::newRow("verify") << verifyExchange();
    for (const auto &v : hostileValues()) {
        QTest::addRow("JSON body: %s", v.first)
                << recorded("POST", QUrl(QStringLiteral("https://h.example/server/user")), {{"Content-Type", "application/json"}},
                            R"({"userName":")" + v.second + R"("})");
        QTest::addRow("header: %s", v.first) << recorded("GET", QUrl(QStringLiteral("https://h.example/")), {{"x-note", v.second}}, {});
    }
}

void TestCurlExporterShell::everyCommandParsesInBash()
{
    QFETCH(Exchange, exchange);
    const QString cmd = CurlExporter::toCurl(exchange);
    QByteArray error;
    QVERIFY2(bashParses(cmd, &error), qPrintable(cmd + QLatin1Char('\n') + QString::fromUtf8(error)));
}

void TestCurlExporterShell::hostileValuesReachCurlUnchanged_data()
{
    QTest::addColumn<QByteArray>("value");
    for (const auto &v : hostileValues())
        QTest::newRow(v.first) << v.second;
}

void TestCurlExporterShell::hostileValuesReachCurlUnchanged()
{
    QFETCH(QByteArray, value);
    const QTemporaryDir dir; // one per test: a file left by one case must not fail the next
    QVERIFY(dir.isValid());
    const QByteArray body = R"({"userName":")" + value + R"("})";
    Exchange e = recorded("PATCH", QUrl(QStringLiteral("https://h.example/server/user")),
                          {{"Content-Type", "application/json"}, {"x-note", value}}, body);
    // The URL keeps what the log keeps: a redacted string, which may hold anything.
    e.url = QStringLiteral("https://h.example/p?q=") + QString::fromUtf8(value);
    const QString cmd = CurlExporter::toCurl(e);
    const ShellRun run = runInBash(cmd, secretsEnvironment(), dir.path());
    QVERIFY2(run.exitCode == 0, run.stderrText.constData());
    QList<QByteArray> expected = {"-sS", "-i", "-X", "PATCH", "https://h.example/p?q=" + value,
                                  "-H", "Content-Type: application/json", "-H", "x-note: " + value,
                                  "--data-raw", body};
    // Brackets and braces in a URL are curl's globbing syntax unless -g turns it off.
    if (value.contains('[') || value.contains('{'))
        expected.insert(4, "-g");
    if (run.args != expected)
        qWarning().noquote() << cmd << run.args;
    QCOMPARE(run.args, expected);
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

void TestCurlExporterShell::hostileMethodIsOneArgument()
{
    // Methods come from core today, but an exchange is data: the exporter must not trust it.
    const QTemporaryDir dir; // one per test: a file left by one case must not fail the next
    QVERIFY(dir.isValid());
    Exchange e = recorded("GET", QUrl(QStringLiteral("https://h.example/")), {}, {});
    e.method = "PURGE; touch pwned-method";
    const QString cmd = CurlExporter::toCurl(e);
    const ShellRun run = runInBash(cmd, secretsEnvironment(), dir.path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.args, (QList<QByteArray>{"-sS", "-i", "-X", "PURGE; touch pwned-method", "https://h.example/"}));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
    // An ordinary method stays unquoted, as a person would type it.
    e.method = "DELETE";
    QVERIFY(CurlExporter::toCurl(e).startsWith(QLatin1String("curl -sS -i -X DELETE 'https://h.example/'")));
}

void TestCurlExporterShell::secretsComeFromTheEnvironmentWhenRun()
{
    const QTemporaryDir dir; // one per test: a file left by one case must not fail the next
    QVERIFY(dir.isValid());
    const ShellRun run = runInBash(CurlExporter::toCurl(verifyExchange()), secretsEnvironment(), dir.path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.args, (QList<QByteArray>{"-sS", "-i", "-X", "POST", "https://api.plainkey.io/server/authentication-token/verify",
                                          "-H", "Authorization: Bearer " + kAccessToken, "-H", "x-project-id: proj-1",
                                          "-H", "Content-Type: application/json",
                                          "--data-raw", R"({"token":")" + kAuthToken + R"("})"}));
    // A variable holding shell syntax stays data: "$VAR" in double quotes is not evaluated again.
    QProcessEnvironment env = secretsEnvironment();
    env.insert(QStringLiteral("PLAINKEY_CLIENT_SECRET"), QStringLiteral("a b'$(touch pwned-env)`x`"));
    const ShellRun form = runInBash(CurlExporter::toCurl(accessTokenExchange()), env, dir.path());
    QCOMPARE(form.exitCode, 0);
    QCOMPARE(form.args.last(), QByteArray("client_secret=a b'$(touch pwned-env)`x`"));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

void TestCurlExporterShell::formBodyCurlSendsIsTheRecordedBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("access token") << "client_id=proj-1&client_secret=" + kClientSecret;
    QTest::newRow("encoded value") << QByteArray("client_id=a%26b%3Dc%2Bd&note=x%20y");
    QTest::newRow("plus for space") << QByteArray("client_id=my+project&note=a+b");
    QTest::newRow("encoded name") << QByteArray("user%40name=alice&a%3Db=c");
    QTest::newRow("literal @ in a name") << QByteArray("user@name=alice");
    QTest::newRow("name with a space") << QByteArray("first+name=Zo%C3%AB");
    QTest::newRow("value with @") << QByteArray("email=alice@example.com");
    QTest::newRow("empty value") << QByteArray("client_id=&x=1");
    QTest::newRow("hostile value") << QByteArray("note=%27%24(touch%20pwned-form)%60x%60%0A");
}

void TestCurlExporterShell::formBodyCurlSendsIsTheRecordedBody()
{
    QFETCH(QByteArray, body);
    const QTemporaryDir dir; // one per test: a file left by one case must not fail the next
    QVERIFY(dir.isValid());
    const Exchange e = recorded("POST", QUrl(QStringLiteral("https://h.example/server/access-token")),
                                {{"Content-Type", "application/x-www-form-urlencoded"}}, body,
                                {{SecretKind::ClientSecret, kClientSecret}});
    const ShellRun run = runInBash(CurlExporter::toCurl(e), secretsEnvironment(), dir.path());
    QVERIFY2(run.exitCode == 0, run.stderrText.constData());
    bool readsAFile = false;
    const QByteArray sent = curlPostBody(run.args, &readsAFile);
    QVERIFY2(!readsAFile, "a --data-urlencode argument makes curl read a file");
    if (formFields(sent) != formFields(body))
        qWarning().noquote() << CurlExporter::toCurl(e) << run.args;
    QCOMPARE(formFields(sent), formFields(body));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

QTEST_GUILESS_MAIN(TestCurlExporterShell)
#include "tst_curlexporter_shell.moc"
