// Redactor regressions found by the fuzz target tests/fuzz/fuzz_redactor.cpp: each test feeds
// the unit what the fuzzer found (made readable) and checks the promise that was broken.

#include "log/redactor.h"

#include <QTest>

using namespace plainkey;

class TestRedactorFuzz : public QObject
{
    Q_OBJECT

private slots:
    void knownSecretInHeaderNameIsRedacted_data();
    void knownSecretInHeaderNameIsRedacted();
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

QTEST_GUILESS_MAIN(TestRedactorFuzz)
#include "tst_redactor_fuzz.moc"
