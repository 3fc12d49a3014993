// CurlExporter: a recorded exchange as a cURL command. Secrets stay redacted and come from
// environment variables; every other value is quoted so that a POSIX shell hands curl
// exactly the recorded bytes. The commands are run through /bin/sh with a stand-in curl
// that prints its arguments, so the tests check what the shell makes of them.

#include "core/export/curlexporter.h"
#include "core/log/redactor.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

using namespace plainkey;

namespace {

const QByteArray kClientSecret = "cs_live_9f8e7d6c5b4a";
const QByteArray kAccessToken = "at_4c3b2a1f0e9d8c7b";
const QByteArray kAuthToken = "plainkey_auth_0123456789abcdef";

QString marker(SecretKind kind, const QByteArray &value)
{
    return QString::fromLatin1(Redactor::marker(kind, value));
}

Exchange tokenExchange()
{
    Exchange e;
    e.operation = QStringLiteral("Fetching the access token");
    e.method = "POST";
    e.url = QStringLiteral("https://api.plainkey.io/server/access-token");
    e.requestHeaders = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Content-Length", "62"},
                        {"Host", "api.plainkey.io"}, {"User-Agent", "PlainKeyConsole/0.1"}};
    e.requestBody = "client_id=proj_123&client_secret=" + Redactor::marker(SecretKind::ClientSecret, kClientSecret);
    return e;
}

Exchange verifyExchange()
{
    Exchange e;
    e.operation = QStringLiteral("Verifying the authentication token");
    e.method = "POST";
    e.url = QStringLiteral("https://api.plainkey.io/server/authentication-token/verify");
    e.requestHeaders = {{"Authorization", "Bearer " + Redactor::marker(SecretKind::AccessToken, kAccessToken)},
                        {"x-project-id", "proj_123"},
                        {"Content-Type", "application/json"}};
    e.requestBody = R"({"token":")" + Redactor::marker(SecretKind::AuthenticationToken, kAuthToken) + R"("})";
    return e;
}

//! Runs \a script in /bin/sh with \a env added; returns standard output.
QByteArray runShell(const QString &script, const QMap<QString, QString> &env = {}, int *exitCode = nullptr)
{
    QProcess sh;
    QProcessEnvironment pe = QProcessEnvironment::systemEnvironment();
    for (auto it = env.begin(); it != env.end(); ++it)
        pe.insert(it.key(), it.value());
    sh.setProcessEnvironment(pe);
    sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    if (!sh.waitForFinished(10000))
        return "<sh did not finish>";
    if (exitCode)
        *exitCode = sh.exitCode();
    return sh.readAllStandardOutput();
}

//! What the shell passes to curl: each argument NUL-terminated, split into a list.
QStringList curlArguments(const QString &command, const QMap<QString, QString> &env = {})
{
    const QString script = QStringLiteral("curl() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }\n") + command;
    QByteArray out = runShell(script, env);
    QStringList args;
    if (out.endsWith('\0'))
        out.chop(1);
    else if (!out.isEmpty())
        return {QStringLiteral("<unterminated output: %1>").arg(QString::fromUtf8(out))};
    if (out.isEmpty())
        return args;
    for (const QByteArray &a : out.split('\0'))
        args.append(QString::fromUtf8(a));
    return args;
}

//! What the shell makes of one word from shellWord().
QString shellValue(const QString &word, const QMap<QString, QString> &env = {})
{
    return QString::fromUtf8(runShell(QStringLiteral("printf '%s' ") + word, env));
}

} // namespace

class TestCurlExporter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void variableForEveryKind_data();
    void variableForEveryKind();

    void shellWordSurvivesTheShell_data();
    void shellWordSurvivesTheShell();
    void shellWordTurnsMarkersIntoVariables();
    void shellWordOfEmptyTextIsAnEmptyWord();

    void tokenRequestReadsTheSecretFromTheEnvironment();
    void verifyRequestReadsBothTokensFromTheEnvironment();
    void variablesAreListedOnceInOrderOfUse();
    void getHasNoMethodFlagAndNoBody();
    void noSecretNoComment();
    void hopHeadersAreLeftToCurl();
    void formValuesAreDecodedForCurlToEncode();
    void formFieldNameWithAtSignIsNotAFileToRead();
    void formPairsCurlCannotSplitAreSentRaw();
    void hostileValuesReachCurlUnchanged();
    void hostileMethodIsOneQuotedWord();
    void urlBracketsAndBracesAreNotGlobbed();
    void truncatedRequestBodyIsSaid();
};

void TestCurlExporter::initTestCase()
{
    if (!QFile::exists(QStringLiteral("/bin/sh")))
        QSKIP("no /bin/sh to check the quoting with");
}

void TestCurlExporter::variableForEveryKind_data()
{
    QTest::addColumn<SecretKind>("kind");
    QTest::addColumn<QString>("variable");
    QTest::newRow("client secret") << SecretKind::ClientSecret << "PLAINKEY_CLIENT_SECRET";
    QTest::newRow("access token") << SecretKind::AccessToken << "PLAINKEY_ACCESS_TOKEN";
    QTest::newRow("authentication token") << SecretKind::AuthenticationToken << "PLAINKEY_AUTH_TOKEN";
}

void TestCurlExporter::variableForEveryKind()
{
    QFETCH(SecretKind, kind);
    QFETCH(QString, variable);
    QCOMPARE(CurlExporter::variableFor(QString::fromLatin1(Redactor::kindName(kind))), variable);
}

void TestCurlExporter::shellWordSurvivesTheShell_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << "https://api.plainkey.io/server/user";
    QTest::newRow("single quote") << "O'Brien";
    QTest::newRow("only quotes") << "'''";
    QTest::newRow("double quotes") << R"({"userName":"a \"b\""})";
    QTest::newRow("command substitution") << "$(touch /tmp/plainkey-pwned) `id`";
    QTest::newRow("variable") << "$HOME ${PATH} $1 $@";
    QTest::newRow("backslashes") << R"(a\b\\c\'d\)";
    QTest::newRow("newlines") << "line one\nline two\r\n";
    QTest::newRow("globs and separators") << "* ? [a-z] ; && || | > < & ~ #";
    QTest::newRow("history and braces") << "!! {a,b} !$";
    QTest::newRow("unicode") << "Zoë \u2019 \U0001F511";
    QTest::newRow("tab") << "a\tb";
    QTest::newRow("lookalike marker") << "[redacted password #12345678]";
}

void TestCurlExporter::shellWordSurvivesTheShell()
{
    QFETCH(QString, text);
    QStringList vars;
    const QString word = CurlExporter::shellWord(text, &vars);
    QVERIFY(vars.isEmpty());
    QCOMPARE(shellValue(word), text);
}

void TestCurlExporter::shellWordTurnsMarkersIntoVariables()
{
    const QString text = QStringLiteral("Bearer ") + marker(SecretKind::AccessToken, kAccessToken)
            + QStringLiteral(" and ") + marker(SecretKind::ClientSecret, kClientSecret) + QStringLiteral("'s");
    QStringList vars;
    const QString word = CurlExporter::shellWord(text, &vars);
    QCOMPARE(vars, QStringList({"PLAINKEY_ACCESS_TOKEN", "PLAINKEY_CLIENT_SECRET"}));
    QVERIFY(!word.contains(QLatin1String("redacted")));
    // A value with shell syntax in the variable is not evaluated again.
    const QMap<QString, QString> env{{QStringLiteral("PLAINKEY_ACCESS_TOKEN"), QStringLiteral("tok$(id)`x`")},
                                     {QStringLiteral("PLAINKEY_CLIENT_SECRET"), QStringLiteral("s p a c e *")}};
    QCOMPARE(shellValue(word, env), QStringLiteral("Bearer tok$(id)`x` and s p a c e *'s"));
}

void TestCurlExporter::shellWordOfEmptyTextIsAnEmptyWord()
{
    const QString word = CurlExporter::shellWord(QString());
    QCOMPARE(word, QStringLiteral("''"));
    QCOMPARE(curlArguments(QStringLiteral("curl a ") + word + QStringLiteral(" b")), QStringList({"a", "", "b"}));
}

void TestCurlExporter::tokenRequestReadsTheSecretFromTheEnvironment()
{
    const QString command = CurlExporter::toCurl(tokenExchange());
    QVERIFY2(!command.contains(QString::fromLatin1(kClientSecret)), qPrintable(command));
    QVERIFY2(command.startsWith(QLatin1String("# Secrets are read from the environment: set PLAINKEY_CLIENT_SECRET first.\n")),
             qPrintable(command));
    const QStringList args = curlArguments(command, {{QStringLiteral("PLAINKEY_CLIENT_SECRET"), QStringLiteral("s3cr&t=+%")}});
    QCOMPARE(args, QStringList({"-sS", "-i", "-X", "POST", "https://api.plainkey.io/server/access-token",
                                "-H", "Content-Type: application/x-www-form-urlencoded",
                                "--data-urlencode", "client_id=proj_123",
                                "--data-urlencode", "client_secret=s3cr&t=+%"}));
}

void TestCurlExporter::verifyRequestReadsBothTokensFromTheEnvironment()
{
    const QString command = CurlExporter::toCurl(verifyExchange());
    QVERIFY(!command.contains(QString::fromLatin1(kAccessToken)));
    QVERIFY(!command.contains(QString::fromLatin1(kAuthToken)));
    QVERIFY2(command.startsWith(QLatin1String(
                     "# Secrets are read from the environment: set PLAINKEY_ACCESS_TOKEN, PLAINKEY_AUTH_TOKEN first "
                     "(plainkey-cli token --show-secrets prints an access token).\n")),
             qPrintable(command));
    const QStringList args = curlArguments(command, {{QStringLiteral("PLAINKEY_ACCESS_TOKEN"), QStringLiteral("AT")},
                                                     {QStringLiteral("PLAINKEY_AUTH_TOKEN"), QStringLiteral("TOK")}});
    QCOMPARE(args, QStringList({"-sS", "-i", "-X", "POST", "https://api.plainkey.io/server/authentication-token/verify",
                                "-H", "Authorization: Bearer AT", "-H", "x-project-id: proj_123",
                                "-H", "Content-Type: application/json", "--data-raw", R"({"token":"TOK"})"}));
}

void TestCurlExporter::variablesAreListedOnceInOrderOfUse()
{
    Exchange e = verifyExchange();
    e.url += QStringLiteral("?t=") + marker(SecretKind::AuthenticationToken, kAuthToken);
    QCOMPARE(CurlExporter::variables(e), QStringList({"PLAINKEY_AUTH_TOKEN", "PLAINKEY_ACCESS_TOKEN"}));
    QCOMPARE(CurlExporter::variables(tokenExchange()), QStringList({"PLAINKEY_CLIENT_SECRET"}));
    Exchange plain;
    plain.url = QStringLiteral("https://api.plainkey.io/server/openapi");
    QVERIFY(CurlExporter::variables(plain).isEmpty());
}

void TestCurlExporter::getHasNoMethodFlagAndNoBody()
{
    Exchange e;
    e.method = "GET";
    e.url = QStringLiteral("https://api.plainkey.io/server/user/usr_1");
    e.requestHeaders = {{"x-project-id", "proj_123"}};
    QCOMPARE(curlArguments(CurlExporter::toCurl(e)),
             QStringList({"-sS", "-i", "https://api.plainkey.io/server/user/usr_1", "-H", "x-project-id: proj_123"}));
}

void TestCurlExporter::noSecretNoComment()
{
    Exchange e;
    e.method = "DELETE";
    e.url = QStringLiteral("https://api.plainkey.io/server/credential/cred_1");
    const QString command = CurlExporter::toCurl(e);
    QVERIFY2(command.startsWith(QLatin1String("curl ")), qPrintable(command));
    QVERIFY(command.endsWith(QLatin1Char('\n')));
    QVERIFY(!command.contains(QLatin1Char('#')));
}

void TestCurlExporter::hopHeadersAreLeftToCurl()
{
    Exchange e;
    e.url = QStringLiteral("https://h/x");
    e.requestHeaders = {{"HOST", "h"}, {"content-length", "3"}, {"Connection", "keep-alive"},
                        {"Accept-Encoding", "gzip"}, {"User-Agent", "x"}, {"Accept", "application/json"}};
    QCOMPARE(curlArguments(CurlExporter::toCurl(e)), QStringList({"-sS", "-i", "https://h/x", "-H", "Accept: application/json"}));
}

void TestCurlExporter::formValuesAreDecodedForCurlToEncode()
{
    // The log holds the encoded body; curl --data-urlencode encodes again, so the command
    // hands it the decoded value ('+' is a space in a form).
    Exchange e;
    e.method = "POST";
    e.url = QStringLiteral("https://h/access-token");
    e.requestHeaders = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
    e.requestBody = "client_id=proj+with%20space%26amp&note=%27quoted%27";
    QCOMPARE(curlArguments(CurlExporter::toCurl(e)),
             QStringList({"-sS", "-i", "-X", "POST", "https://h/access-token",
                          "-H", "content-type: application/x-www-form-urlencoded; charset=utf-8",
                          "--data-urlencode", "client_id=proj with space&amp",
                          "--data-urlencode", "note='quoted'"}));
}

void TestCurlExporter::formFieldNameWithAtSignIsNotAFileToRead()
{
    // curl reads "name@file" as "send the file": a field name with an '@' before the '='
    // would make the command upload a local file. The name stays percent-encoded.
    Exchange e;
    e.method = "POST";
    e.url = QStringLiteral("https://h/access-token");
    e.requestHeaders = {{"Content-Type", "application/x-www-form-urlencoded"}};
    e.requestBody = "a%40b=1&c@/etc/passwd=2";
    const QStringList args = curlArguments(CurlExporter::toCurl(e));
    QCOMPARE(args.mid(5), QStringList({"-H", "Content-Type: application/x-www-form-urlencoded",
                                       "--data-urlencode", "a%40b=1", "--data-urlencode", "c%40/etc/passwd=2"}));
}

void TestCurlExporter::formPairsCurlCannotSplitAreSentRaw()
{
    // "=value" and "value" mean something else to --data-urlencode ("value" alone, or no
    // '=' in the body): such pairs go as they were recorded.
    Exchange e;
    e.method = "POST";
    e.url = QStringLiteral("https://h/access-token");
    e.requestHeaders = {{"Content-Type", "application/x-www-form-urlencoded"}};
    e.requestBody = "=lonely&flag&ok=1";
    const QStringList args = curlArguments(CurlExporter::toCurl(e));
    QCOMPARE(args.mid(7), QStringList({"--data-raw", "=lonely", "--data-raw", "flag", "--data-urlencode", "ok=1"}));
}

void TestCurlExporter::hostileValuesReachCurlUnchanged()
{
    Exchange e;
    e.method = "PATCH";
    e.url = QStringLiteral("https://h/server/user?userName=%27%3B%20rm%20-rf%20~");
    e.requestHeaders = {{"X-Note", "it's $(id) `id` \"x\"; echo pwned"}, {"Content-Type", "application/json"}};
    e.requestBody = "{\"updates\":{\"userName\":\"Robert'); DROP TABLE users;--\\n$(reboot)\"}}\n";
    const QString command = CurlExporter::toCurl(e);
    const QStringList args = curlArguments(command);
    QCOMPARE(args, QStringList({"-sS", "-i", "-X", "PATCH", "https://h/server/user?userName=%27%3B%20rm%20-rf%20~",
                                "-H", "X-Note: it's $(id) `id` \"x\"; echo pwned", "-H", "Content-Type: application/json",
                                "--data-raw", QString::fromUtf8(e.requestBody)}));
}

void TestCurlExporter::hostileMethodIsOneQuotedWord()
{
    Exchange e;
    e.method = "GET; echo pwned >&2 #";
    e.url = QStringLiteral("https://h/x");
    const QStringList args = curlArguments(CurlExporter::toCurl(e));
    QCOMPARE(args, QStringList({"-sS", "-i", "-X", "GET; echo pwned >&2 #", "https://h/x"}));
}

void TestCurlExporter::urlBracketsAndBracesAreNotGlobbed()
{
    // curl expands [1-3] and {a,b} in URLs into several requests unless told not to.
    Exchange e;
    e.url = QStringLiteral("https://h/server/user?userName=a[1-3]{b,c}");
    const QStringList args = curlArguments(CurlExporter::toCurl(e));
    QVERIFY2(args.contains(QLatin1String("-g")) || args.contains(QLatin1String("--globoff")), qPrintable(args.join(QLatin1Char(' '))));
    QVERIFY(args.contains(e.url));
}

void TestCurlExporter::truncatedRequestBodyIsSaid()
{
    Exchange e = verifyExchange();
    e.requestBody = R"({"users":[{"userName":"a"},{"user)";
    e.requestBodyTruncated = true;
    const QString command = CurlExporter::toCurl(e);
    QVERIFY2(command.contains(QLatin1String("# The request body was cut in the log")), qPrintable(command));
    // The warning is a comment: the command itself still runs.
    QCOMPARE(curlArguments(command).last(), QString::fromUtf8(e.requestBody));
}

QTEST_GUILESS_MAIN(TestCurlExporter)
#include "tst_curlexporter.moc"
