// VerifyHistory: the tokens verified in this session, by fingerprint only, and the rule that a
// token verified before needs a second request before it is sent again.

#include "core/verify/verifyhistory.h"

#include "core/log/redactor.h"

#include <QTest>

using namespace plainkey;

namespace {

// An authentication token as the emulator issues them (a JWT), and one changed in one character.
const QString kToken = QStringLiteral(
        "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyXzEiLCJwcm9qZWN0SWQiOiJwcm9qX2RlbW8iLCJpYXQiOjE3NjQ0MTc2MDAsImV4cCI6"
        "MTc2NDQxNzkwMH0.MEUCIQDx5sYw3H4yQ0mB1tI9VfZ2Kc8aL1pN6rT0uE7wXy2bAiAq9LmN3oP4rS5tU6vW7xY8zA9bC0dE1fG2hI3jK4lM5n");
const QDateTime kAt = QDateTime(QDate(2026, 11, 29), QTime(12, 0, 0), Qt::UTC);

QString changedToken()
{
    QString t = kToken;
    t[t.size() - 5] = QLatin1Char('A');
    return t;
}

} // namespace

class tst_VerifyHistory : public QObject
{
    Q_OBJECT
private slots:
    void fingerprintIsTheRedactorsAndNeverTheToken();
    void newTokenIsSentAtOnce();
    void verifiedTokenNeedsASecondRequest();
    void anotherTokenClearsThePendingConfirmation();
    void editingCancelsTheConfirmation();
    void warningSaysWhenAndWhat();
};

void tst_VerifyHistory::fingerprintIsTheRedactorsAndNeverTheToken()
{
    const QString fp = VerifyHistory::fingerprintOf(kToken);
    QCOMPARE(fp, QString::fromLatin1(Redactor::fingerprint(kToken.toUtf8())));
    QVERIFY(!fp.isEmpty());
    QVERIFY(fp.size() < 16);
    QVERIFY(VerifyHistory::fingerprintOf(changedToken()) != fp);
}

void tst_VerifyHistory::newTokenIsSentAtOnce()
{
    VerifyHistory h;
    QVERIFY(!h.checkBeforeSending(VerifyHistory::fingerprintOf(kToken)));
    QVERIFY(!h.isAwaitingConfirmation());
    QCOMPARE(h.size(), 0);
}

void tst_VerifyHistory::verifiedTokenNeedsASecondRequest()
{
    VerifyHistory h;
    const QString fp = VerifyHistory::fingerprintOf(kToken);
    h.record(fp, {kAt, QStringLiteral("it was valid")});
    QCOMPARE(h.size(), 1);

    const auto first = h.checkBeforeSending(fp);
    QVERIFY(first.has_value());
    QCOMPARE(first->at, kAt);
    QCOMPARE(first->outcome, QStringLiteral("it was valid"));
    QVERIFY(h.isAwaitingConfirmation());

    // The same request again is the confirmation: send.
    QVERIFY(!h.checkBeforeSending(fp));
    QVERIFY(!h.isAwaitingConfirmation());

    // After sending, the next attempt asks again.
    h.record(fp, {kAt.addSecs(30), QStringLiteral("it was not valid: Token has already been used")});
    const auto again = h.checkBeforeSending(fp);
    QVERIFY(again.has_value());
    QCOMPARE(again->outcome, QStringLiteral("it was not valid: Token has already been used"));
}

void tst_VerifyHistory::anotherTokenClearsThePendingConfirmation()
{
    VerifyHistory h;
    const QString fp = VerifyHistory::fingerprintOf(kToken);
    h.record(fp, {kAt, QStringLiteral("it was valid")});
    QVERIFY(h.checkBeforeSending(fp));
    QVERIFY(!h.checkBeforeSending(VerifyHistory::fingerprintOf(changedToken())));
    QVERIFY(!h.isAwaitingConfirmation());
    // Back to the first token: its confirmation was forgotten, so it asks again.
    QVERIFY(h.checkBeforeSending(fp));
}

void tst_VerifyHistory::editingCancelsTheConfirmation()
{
    VerifyHistory h;
    const QString fp = VerifyHistory::fingerprintOf(kToken);
    h.record(fp, {kAt, QStringLiteral("no verdict: network")});
    QVERIFY(h.checkBeforeSending(fp));
    h.cancelConfirmation();
    QVERIFY(!h.isAwaitingConfirmation());
    QVERIFY(h.checkBeforeSending(fp));
}

void tst_VerifyHistory::warningSaysWhenAndWhat()
{
    const QString text = VerifyHistory::reverifyWarning({kAt, QStringLiteral("it was valid")});
    QVERIFY2(text.startsWith(QStringLiteral("You verified this token at %1 (it was valid).")
                                     .arg(kAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")))),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("single use")));
    QVERIFY(!text.contains(kToken));
}

QTEST_GUILESS_MAIN(tst_VerifyHistory)
#include "tst_verifyhistory.moc"
