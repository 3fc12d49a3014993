// TokenSigner on its own: its HS256 signatures against Qt's HMAC as a reference (the emulator
// signs with OpenSSL, keyed once and reused), and what verify refuses.

#include "emulator/tokensigner.h"

#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace plainkey::emulator;

namespace {
constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray referenceMac(const QByteArray &input, const QByteArray &key)
{
    return QMessageAuthenticationCode::hash(input, key, QCryptographicHash::Sha256).toBase64(kB64);
}
} // namespace

class tst_TokenSigner : public QObject
{
    Q_OBJECT
private slots:
    void signaturesAreHs256_data();
    void signaturesAreHs256();
    void verifyRefusesWhatItDidNotSign_data();
    void verifyRefusesWhatItDidNotSign();
};

void tst_TokenSigner::signaturesAreHs256_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::newRow("demo secret") << QByteArray("demo-secret");
    QTest::newRow("empty key") << QByteArray();
    QTest::newRow("key longer than a SHA-256 block") << QByteArray(200, 'k');
    QTest::newRow("binary key") << QByteArray("\0\1\2\xff", 4);
}

void tst_TokenSigner::signaturesAreHs256()
{
    QFETCH(QByteArray, key);
    const TokenSigner signer(key);
    // Several tokens in a row: the reused keyed context must give each its own signature.
    for (int i = 0; i < 5; ++i) {
        const QJsonObject claims{{QStringLiteral("sub"), QStringLiteral("user-%1").arg(i)}, {QStringLiteral("n"), i}};
        const QByteArray token = signer.sign(claims);
        const QList<QByteArray> parts = token.split('.');
        QCOMPARE(parts.size(), 3);
        QCOMPARE(parts[2], referenceMac(parts[0] + '.' + parts[1], key));
        QVERIFY(signer.hasValidSignature(token));
        const auto verified = signer.verify(token);
        QVERIFY(verified);
        QCOMPARE(*verified, claims);
        QCOMPARE(TokenSigner::peek(token), std::optional<QJsonObject>(claims));
    }
}

void tst_TokenSigner::verifyRefusesWhatItDidNotSign_data()
{
    const TokenSigner signer("demo-secret");
    const QByteArray token = signer.sign(QJsonObject{{QStringLiteral("sub"), QStringLiteral("ada")}});
    const QList<QByteArray> parts = token.split('.');
    const QByteArray otherPayload = QByteArray(R"({"sub":"eve"})").toBase64(kB64);

    QTest::addColumn<QByteArray>("token");
    QTest::newRow("other key") << TokenSigner("other-secret").sign(QJsonObject{{QStringLiteral("sub"), QStringLiteral("ada")}});
    QTest::newRow("payload swapped") << parts[0] + '.' + otherPayload + '.' + parts[2];
    QTest::newRow("last character changed") << token.chopped(1) + (token.endsWith('A') ? "B" : "A");
    QTest::newRow("signature cut") << token.chopped(1);
    QTest::newRow("signature doubled") << token + parts[2];
    QTest::newRow("no signature") << parts[0] + '.' + parts[1] + '.';
    QTest::newRow("two parts") << parts[0] + '.' + parts[1];
    QTest::newRow("four parts") << token + '.' + parts[2];
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("dots only") << QByteArray("..");
    // A valid signature over a payload that is not JSON is still not a token.
    const QByteArray notJson = parts[0] + '.' + QByteArray("not json").toBase64(kB64);
    QTest::newRow("signed non-JSON payload") << notJson + '.' + referenceMac(notJson, "demo-secret");
}

void tst_TokenSigner::verifyRefusesWhatItDidNotSign()
{
    QFETCH(QByteArray, token);
    const TokenSigner signer("demo-secret");
    QVERIFY(!signer.verify(token));
}

QTEST_GUILESS_MAIN(tst_TokenSigner)
#include "tst_tokensigner.moc"
