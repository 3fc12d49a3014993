// TokenInput: whatever a person pastes, the console gets the bare token or a reason why not.

#include "core/token/tokeninput.h"

#include <QTest>

using namespace plainkey;

namespace {

const QString kToken = QStringLiteral("tok_9f8E7d6C5b4A-3_2.1");
const QString kBearerNotice = QStringLiteral("Removed the \u201cBearer\u201d prefix: paste the token alone.");
const QString kQuotesNotice = QStringLiteral("Removed the quotes around the token.");
const QString kSpacesNotice = QStringLiteral("Removed line breaks and spaces inside the token (it was probably wrapped when copied).");
const QString kJsonNotice = QStringLiteral("Took the token out of the pasted JSON.");
const QString kEmptyProblem = QStringLiteral("Paste an authentication token first.");

} // namespace

class TestTokenInput : public QObject
{
    Q_OBJECT

private slots:
    void cleanInputComesBackUnchanged();
    void surroundingWhitespaceIsRemovedSilently_data();
    void surroundingWhitespaceIsRemovedSilently();
    void surroundingQuotesAreRemovedWithANotice_data();
    void surroundingQuotesAreRemovedWithANotice();
    void bearerPrefixIsRemovedWithANotice_data();
    void bearerPrefixIsRemovedWithANotice();
    void bearerAloneIsNotAToken_data();
    void bearerAloneIsNotAToken();
    void bearerInsideTheTokenIsKept();
    void emptyInputIsAProblem_data();
    void emptyInputIsAProblem();
    void lineBreaksInsideAreRemovedWithANotice_data();
    void lineBreaksInsideAreRemovedWithANotice();
    void pastedJsonGivesItsToken_data();
    void pastedJsonGivesItsToken();
    void pastedJsonWithoutATokenIsAProblem_data();
    void pastedJsonWithoutATokenIsAProblem();
    void characterNoTokenHasIsAProblem_data();
    void characterNoTokenHasIsAProblem();
    void veryLongInputIsRefused();
    void longestAcceptedTokenIsKept();
};

void TestTokenInput::cleanInputComesBackUnchanged()
{
    const TokenInput in = TokenInput::normalize(kToken);
    QVERIFY(in.ok());
    QCOMPARE(in.token, kToken);
    QCOMPARE(in.notices, QStringList());
    QCOMPARE(in.problem, QString());
}

void TestTokenInput::surroundingWhitespaceIsRemovedSilently_data()
{
    QTest::addColumn<QString>("raw");
    QTest::newRow("spaces") << QStringLiteral("   ") + kToken + QStringLiteral("  ");
    QTest::newRow("trailing newline") << kToken + QStringLiteral("\n");
    QTest::newRow("CRLF and tabs") << QStringLiteral("\t\r\n") + kToken + QStringLiteral("\r\n");
    QTest::newRow("no-break spaces") << QStringLiteral("\u00a0") + kToken + QStringLiteral("\u00a0");
}

void TestTokenInput::surroundingWhitespaceIsRemovedSilently()
{
    QFETCH(QString, raw);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY(in.ok());
    QCOMPARE(in.token, kToken);
    // Whitespace around a paste is expected; only changes a person should know about are noticed.
    QCOMPARE(in.notices, QStringList());
}

void TestTokenInput::surroundingQuotesAreRemovedWithANotice_data()
{
    QTest::addColumn<QString>("raw");
    QTest::newRow("straight double") << QLatin1Char('"') + kToken + QLatin1Char('"');
    QTest::newRow("straight single") << QLatin1Char('\'') + kToken + QLatin1Char('\'');
    QTest::newRow("backticks") << QLatin1Char('`') + kToken + QLatin1Char('`');
    QTest::newRow("typographic double") << QStringLiteral("\u201c") + kToken + QStringLiteral("\u201d");
    QTest::newRow("typographic single") << QStringLiteral("\u2018") + kToken + QStringLiteral("\u2019");
    QTest::newRow("quotes inside whitespace") << QStringLiteral("  \"") + kToken + QStringLiteral("\"\n");
    QTest::newRow("whitespace inside quotes") << QStringLiteral("\" ") + kToken + QStringLiteral(" \"");
    QTest::newRow("nested quotes") << QStringLiteral("'\"") + kToken + QStringLiteral("\"'");
}

void TestTokenInput::surroundingQuotesAreRemovedWithANotice()
{
    QFETCH(QString, raw);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY2(in.ok(), qPrintable(in.problem));
    QCOMPARE(in.token, kToken);
    QCOMPARE(in.notices, QStringList{kQuotesNotice});
}

void TestTokenInput::bearerPrefixIsRemovedWithANotice_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QStringList>("notices");
    QTest::newRow("Bearer") << QStringLiteral("Bearer ") + kToken << QStringList{kBearerNotice};
    QTest::newRow("lowercase") << QStringLiteral("bearer ") + kToken << QStringList{kBearerNotice};
    QTest::newRow("uppercase, two spaces") << QStringLiteral("BEARER  ") + kToken << QStringList{kBearerNotice};
    QTest::newRow("tab after Bearer") << QStringLiteral("Bearer\t") + kToken << QStringList{kBearerNotice};
    QTest::newRow("line break after Bearer") << QStringLiteral("Bearer\n") + kToken << QStringList{kBearerNotice};
    QTest::newRow("quoted as a whole") << QStringLiteral("\"Bearer ") + kToken + QLatin1Char('"')
                                       << QStringList{kQuotesNotice, kBearerNotice};
    QTest::newRow("token quoted after Bearer") << QStringLiteral("Bearer '") + kToken + QLatin1Char('\'')
                                               << QStringList{kBearerNotice, kQuotesNotice};
}

void TestTokenInput::bearerPrefixIsRemovedWithANotice()
{
    QFETCH(QString, raw);
    QFETCH(QStringList, notices);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY2(in.ok(), qPrintable(in.problem));
    QCOMPARE(in.token, kToken);
    QCOMPARE(in.notices, notices);
}

void TestTokenInput::bearerAloneIsNotAToken_data()
{
    QTest::addColumn<QString>("raw");
    QTest::newRow("Bearer") << QStringLiteral("Bearer");
    QTest::newRow("Bearer and space") << QStringLiteral("Bearer   ");
    QTest::newRow("quoted Bearer") << QStringLiteral("\"Bearer \"");
    QTest::newRow("Bearer and empty quotes") << QStringLiteral("Bearer ''");
}

void TestTokenInput::bearerAloneIsNotAToken()
{
    // "Bearer" is the scheme, never the token: sending it to PlainKey would only earn a 401.
    QFETCH(QString, raw);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY(!in.ok());
    QCOMPARE(in.token, QString());
    QCOMPARE(in.problem, kEmptyProblem);
}

void TestTokenInput::bearerInsideTheTokenIsKept()
{
    // Only a prefix followed by whitespace is the scheme: a token may start with the letters.
    const TokenInput in = TokenInput::normalize(QStringLiteral("BearerXYZ123"));
    QVERIFY(in.ok());
    QCOMPARE(in.token, QStringLiteral("BearerXYZ123"));
    QCOMPARE(in.notices, QStringList());
}

void TestTokenInput::emptyInputIsAProblem_data()
{
    QTest::addColumn<QString>("raw");
    QTest::newRow("null") << QString();
    QTest::newRow("empty") << QStringLiteral("");
    QTest::newRow("whitespace") << QStringLiteral(" \t\r\n ");
    QTest::newRow("empty quotes") << QStringLiteral("\"\"");
    QTest::newRow("empty typographic quotes") << QStringLiteral("\u201c \u201d");
}

void TestTokenInput::emptyInputIsAProblem()
{
    QFETCH(QString, raw);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY(!in.ok());
    QCOMPARE(in.problem, kEmptyProblem);
    QCOMPARE(in.token, QString());
}

void TestTokenInput::lineBreaksInsideAreRemovedWithANotice_data()
{
    QTest::addColumn<QString>("raw");
    QTest::newRow("LF") << kToken.left(5) + QStringLiteral("\n") + kToken.mid(5);
    QTest::newRow("CRLF twice") << kToken.left(3) + QStringLiteral("\r\n") + kToken.mid(3, 6) + QStringLiteral("\r\n") + kToken.mid(9);
    QTest::newRow("spaces and tabs") << kToken.left(4) + QStringLiteral(" \t ") + kToken.mid(4);
    QTest::newRow("wrapped inside quotes") << QLatin1Char('"') + kToken.left(7) + QStringLiteral("\n  ") + kToken.mid(7) + QLatin1Char('"');
}

void TestTokenInput::lineBreaksInsideAreRemovedWithANotice()
{
    QFETCH(QString, raw);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY2(in.ok(), qPrintable(in.problem));
    QCOMPARE(in.token, kToken);
    QVERIFY(in.notices.contains(kSpacesNotice));
}

void TestTokenInput::pastedJsonGivesItsToken_data()
{
    QTest::addColumn<QString>("raw");
    QTest::newRow("verify request") << QStringLiteral(R"({"token": "%1"})").arg(kToken);
    QTest::newRow("sign-in complete answer")
            << QStringLiteral(R"({"authenticationToken": {"token": "%1", "expiresAt": 1700000000}})").arg(kToken);
    QTest::newRow("add-passkey request") << QStringLiteral(R"({"authenticationToken": "%1", "userName": "alice"})").arg(kToken);
    QTest::newRow("pretty-printed, with spaces around the value")
            << QStringLiteral("{\n  \"success\": true,\n  \"token\": \"  %1 \"\n}\n").arg(kToken);
}

void TestTokenInput::pastedJsonGivesItsToken()
{
    QFETCH(QString, raw);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY2(in.ok(), qPrintable(in.problem));
    QCOMPARE(in.token, kToken);
    QCOMPARE(in.notices, QStringList{kJsonNotice});
}

void TestTokenInput::pastedJsonWithoutATokenIsAProblem_data()
{
    QTest::addColumn<QString>("raw");
    QTest::newRow("verify answer") << QStringLiteral(R"({"valid": false, "error": "Token expired"})");
    QTest::newRow("token is a number") << QStringLiteral(R"({"token": 12345678})");
    QTest::newRow("token is null") << QStringLiteral(R"({"token": null})");
    QTest::newRow("empty object") << QStringLiteral("{}");
    QTest::newRow("token is empty") << QStringLiteral(R"({"token": ""})");
}

void TestTokenInput::pastedJsonWithoutATokenIsAProblem()
{
    // A JSON object is never a token itself: handing its text on as one hides the mistake.
    QFETCH(QString, raw);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY2(!in.ok(), qPrintable(in.token));
    QCOMPARE(in.token, QString());
    QVERIFY2(in.problem.contains(QLatin1String("JSON")) || in.problem == kEmptyProblem, qPrintable(in.problem));
}

void TestTokenInput::characterNoTokenHasIsAProblem_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<QString>("code");
    QTest::newRow("zero-width space") << kToken.left(4) + QChar(0x200b) + kToken.mid(4) << QStringLiteral("?") << QStringLiteral("U+200b");
    QTest::newRow("ellipsis from a shortened display") << kToken.left(8) + QChar(0x2026) << QStringLiteral("\u2026")
                                                       << QStringLiteral("U+2026");
    QTest::newRow("NUL") << kToken + QChar(0) << QStringLiteral("?") << QStringLiteral("U+0000");
    QTest::newRow("unbalanced typographic quote") << QStringLiteral("\u201c") + kToken << QStringLiteral("\u201c")
                                                  << QStringLiteral("U+201c");
    QTest::newRow("DEL") << kToken + QChar(0x7f) << QStringLiteral("?") << QStringLiteral("U+007f");
}

void TestTokenInput::characterNoTokenHasIsAProblem()
{
    QFETCH(QString, raw);
    QFETCH(QString, shown);
    QFETCH(QString, code);
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY(!in.ok());
    QCOMPARE(in.token, QString());
    QCOMPARE(in.problem, QStringLiteral("The token contains \u201c%1\u201d (%2), which no token has: copy it again as plain text.").arg(shown, code));
}

void TestTokenInput::veryLongInputIsRefused()
{
    const QString raw = QString(100000, QLatin1Char('a'));
    const TokenInput in = TokenInput::normalize(raw);
    QVERIFY(!in.ok());
    QCOMPARE(in.token, QString());
    QCOMPARE(in.problem, QStringLiteral("That is 100000 characters, far longer than a token: check what was pasted."));
}

void TestTokenInput::longestAcceptedTokenIsKept()
{
    // 16 KiB is the limit: a large JWT still fits, one more character does not.
    const QString atLimit = QString(16 * 1024, QLatin1Char('x'));
    const TokenInput ok = TokenInput::normalize(QStringLiteral("  ") + atLimit + QStringLiteral("\n"));
    QVERIFY(ok.ok());
    QCOMPARE(ok.token.size(), atLimit.size());
    QVERIFY(!TokenInput::normalize(atLimit + QLatin1Char('x')).ok());
}

QTEST_GUILESS_MAIN(TestTokenInput)
#include "tst_tokeninput.moc"
