// Redactor regressions found by the fuzz target tests/fuzz/fuzz_redactor.cpp: each test feeds
// the unit what the fuzzer found (made readable) and checks the promise that was broken.

#include "core/log/redactor.h"

#include <QTest>

using namespace plainkey;

class TestRedactorFuzz : public QObject
{
    Q_OBJECT

private slots:
    void knownSecretInHeaderNameIsRedacted_data();
    void knownSecretInHeaderNameIsRedacted();
    void knownSecretInAuthorizationSchemeIsRedacted_data();
    void knownSecretInAuthorizationSchemeIsRedacted();
};

void TestRedactorFuzz::knownSecretInHeaderNameIsRedacted_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("secret");
    const QByteArray secret = QByteArrayLiteral("sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0");
    // A server that echoes the submitted form into its header names.
    QTest::newRow("echoed into a name") << QByteArray("X-Echo-client_secret-" + secret) << secret;
    QTest::newRow("the whole name") << secret << secret;
    // The fuzzer's input (corpus/redactor/crash-header-name): a binary secret as a header name.
    QTest::newRow("fuzzer's bytes") << QByteArray("\x18+\xff\xcd\xff\xff\xff\x18", 8)
                                    << QByteArray("\xff\xcd\xff\xff\xff\x18", 6);
}

void TestRedactorFuzz::knownSecretInHeaderNameIsRedacted()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, secret);
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, secret);
    const HttpHeaders out = r.redactHeaders({{name, QByteArrayLiteral("1")}});
    QCOMPARE(out.size(), 1);
    QVERIFY2(!out.first().first.contains(secret), out.first().first.constData());
    QVERIFY(out.first().first.contains(Redactor::marker(SecretKind::ClientSecret, secret)));
    QCOMPARE(out.first().second, QByteArray("1"));

    // Passed for one call only, not remembered: the same.
    const HttpHeaders once = Redactor().redactHeaders({{name, QByteArrayLiteral("1")}}, {{SecretKind::ClientSecret, secret}});
    QVERIFY(!once.first().first.contains(secret));
}

void TestRedactorFuzz::knownSecretInAuthorizationSchemeIsRedacted_data()
{
    QTest::addColumn<QByteArray>("value");
    const QByteArray secret = QByteArrayLiteral("sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0");
    // The first word of an Authorization value is kept as its scheme; here it is the secret.
    QTest::newRow("secret then a word") << QByteArray(secret + " extra");
    QTest::newRow("secret inside the first word") << QByteArray("Basic:" + secret + " x");
    // The fuzzer's line (corpus/redactor/crash-authorization-scheme.bin).
    QTest::newRow("fuzzer's value") << QByteArray("Be" + secret + "1a0: 1");
}

void TestRedactorFuzz::knownSecretInAuthorizationSchemeIsRedacted()
{
    QFETCH(QByteArray, value);
    const QByteArray secret = QByteArrayLiteral("sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0");
    Redactor r;
    r.addSecret(SecretKind::ClientSecret, secret);
    const HttpHeaders out = r.redactHeaders({{QByteArrayLiteral("Authorization"), value}});
    QVERIFY2(!out.first().second.contains(secret), out.first().second.constData());
    QVERIFY(out.first().second.contains("[redacted "));
    // The usual case is unchanged: the scheme stays readable.
    const HttpHeaders bearer = r.redactHeaders({{QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer abcdefgh")}});
    QVERIFY(bearer.first().second.startsWith("Bearer [redacted access_token #"));
}

QTEST_GUILESS_MAIN(TestRedactorFuzz)
#include "tst_redactor_fuzz.moc"
