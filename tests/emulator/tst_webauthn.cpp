// The emulator's WebAuthn verifier against credentials made here by a software authenticator
// (softauthenticator.h, real OpenSSL keys): the happy paths for ES256, RS256 and EdDSA with
// attestation "none" and "packed" self-attestation, and a forged or malformed input for each
// check, each refused with the status and the message that names that check.

#include "softauthenticator.h"

#include "emulator/webauthn/authenticatordata.h"
#include "emulator/webauthn/base64url.h"
#include "emulator/webauthn/challengestore.h"
#include "emulator/webauthn/cosekey.h"
#include "emulator/webauthn/originpolicy.h"
#include "emulator/webauthn/webauthnoptions.h"
#include "emulator/webauthn/webauthnverifier.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <openssl/x509.h>

using namespace plainkey::emulator;
using namespace webauthntest;

namespace {
const QString kOrigin = QStringLiteral("http://localhost:5173");
const QString kUser = QStringLiteral("usr_test");
const QString kSession = QStringLiteral("ls_test");
} // namespace

class TestWebAuthn : public QObject
{
    Q_OBJECT

private:
    QDateTime m_now = QDateTime(QDate(2026, 11, 30), QTime(12, 0), Qt::UTC);
    std::unique_ptr<ChallengeStore> m_challenges;
    std::unique_ptr<WebAuthnVerifier> m_verifier;

    QString issueRegistration(bool uvRequired = false, const QString &session = kUser)
    {
        return m_challenges->issue(Ceremony::Registration, session, uvRequired).challenge;
    }
    QString issueSignIn(bool uvRequired = false, std::optional<QString> userId = std::nullopt)
    {
        return m_challenges->issue(Ceremony::Authentication, kSession, uvRequired, std::move(userId)).challenge;
    }
    //! Registers \a authenticator and returns what the server stores for it.
    CredentialRecord enrol(SoftAuthenticator &authenticator, const QString &fmt = QStringLiteral("none"))
    {
        const auto result = m_verifier->verifyRegistration(authenticator.registration(issueRegistration(), fmt).toJson(), kUser);
        if (!result) {
            qWarning() << result.error().message;
            return {};
        }
        return CredentialRecord{result->credentialId, result->publicKey, kUser, authenticator.userHandle, result->counter};
    }
    WebAuthnVerifier::CredentialLookup lookupOf(const CredentialRecord &record)
    {
        return [record](const QByteArray &id) -> std::optional<CredentialRecord> {
            if (id == record.credentialId)
                return record;
            return std::nullopt;
        };
    }
    static bool refusedWith(const WebAuthnError &error, int status, const QString &fragment)
    {
        if (error.httpStatus == status && error.message.contains(fragment, Qt::CaseInsensitive))
            return true;
        qWarning().noquote() << "expected" << status << fragment << "got" << error.httpStatus << error.message;
        return false;
    }

private slots:
    void init()
    {
        m_challenges = std::make_unique<ChallengeStore>(std::chrono::minutes(5), [this] { return m_now; });
        m_verifier = std::make_unique<WebAuthnVerifier>(m_challenges.get(), QStringLiteral("localhost"), OriginPolicy::localDefault());
    }

    void originPolicy_data()
    {
        QTest::addColumn<QStringList>("patterns");
        QTest::addColumn<QString>("origin");
        QTest::addColumn<bool>("allowed");
        const QStringList local{QStringLiteral("http://localhost:*"), QStringLiteral("http://127.0.0.1:*")};
        QTest::newRow("localhost any port") << local << "http://localhost:5173" << true;
        QTest::newRow("localhost no port") << local << "http://localhost" << true;
        QTest::newRow("loopback address") << local << "http://127.0.0.1:8080" << true;
        QTest::newRow("https not in pattern") << local << "https://localhost:5173" << false;
        QTest::newRow("host with localhost prefix") << local << "http://localhost.evil.com:80" << false;
        QTest::newRow("port not digits") << local << "http://localhost:80@evil.com" << false;
        QTest::newRow("port too long") << local << "http://localhost:123456" << false;
        QTest::newRow("empty origin") << local << "" << false;
        QTest::newRow("null origin") << local << "null" << false;
        QTest::newRow("exact") << QStringList{QStringLiteral("https://app.example.com/")} << "https://app.example.com" << true;
        QTest::newRow("exact, other port") << QStringList{QStringLiteral("https://app.example.com")} << "https://app.example.com:8443" << false;
        QTest::newRow("exact, subdomain") << QStringList{QStringLiteral("https://example.com")} << "https://evil.example.com" << false;
    }
    void originPolicy()
    {
        QFETCH(QStringList, patterns);
        QFETCH(QString, origin);
        QFETCH(bool, allowed);
        QCOMPARE(OriginPolicy(patterns).allows(origin), allowed);
    }

    void base64url_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << "AQID_-8" << true;
        QTest::newRow("padded") << "AQID_-8=" << true;
        QTest::newRow("standard alphabet") << "AQID/+8" << false;
        QTest::newRow("space") << "AQ ID" << false;
        QTest::newRow("impossible length") << "AQIDB" << false;
        QTest::newRow("too much padding") << "AQ===" << false;
        QTest::newRow("padding inside") << "AQ=ID" << false;
        QTest::newRow("non-ASCII") << QString::fromUtf8("AQ\xc3\xa9") << false;
    }
    void base64url()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const auto decoded = base64url::decode(text);
        QCOMPARE(decoded.has_value(), valid);
        if (valid)
            QCOMPARE(*decoded, QByteArray::fromHex("010203ffef"));
    }

    void challengesAreRandomSingleUseAndBound()
    {
        QSet<QString> seen;
        for (int i = 0; i < 200; ++i) {
            const IssuedChallenge issued = m_challenges->issue(Ceremony::Registration, kUser);
            QCOMPARE(base64url::decode(issued.challenge)->size(), ChallengeStore::kChallengeBytes);
            QCOMPARE(issued.expiresAt, m_now.addSecs(300));
            seen.insert(issued.challenge);
        }
        QCOMPARE(seen.size(), 200);
        const QString challenge = *seen.begin();
        QVERIFY(refusedWith(m_challenges->consume(challenge, Ceremony::Authentication, kUser).error(), 401, QStringLiteral("issued for a registration")));
        QVERIFY(refusedWith(m_challenges->consume(challenge, Ceremony::Registration, QStringLiteral("usr_other")).error(), 401, QStringLiteral("another")));
        QVERIFY(m_challenges->consume(challenge, Ceremony::Registration, kUser).ok());
        QVERIFY(refusedWith(m_challenges->consume(challenge, Ceremony::Registration, kUser).error(), 401, QStringLiteral("already used")));
        QCOMPARE(m_challenges->outstanding(), 199);
    }

    void challengesExpireAndArePurged()
    {
        const QString challenge = issueRegistration();
        m_now = m_now.addSecs(299);
        const QString second = issueRegistration();
        QVERIFY(m_challenges->consume(second, Ceremony::Registration, kUser).ok());
        m_now = m_now.addSecs(1);
        QVERIFY(refusedWith(m_challenges->consume(challenge, Ceremony::Registration, kUser).error(), 401, QStringLiteral("expired")));
        // Long-expired challenges are dropped on a later issue, so memory does not grow.
        for (int i = 0; i < 10; ++i)
            issueRegistration();
        m_now = m_now.addSecs(3600);
        for (int i = 0; i < 300; ++i)
            issueRegistration();
        QVERIFY(m_challenges->outstanding() <= 300);
    }

    void registerAndSignIn_data()
    {
        QTest::addColumn<int>("alg");
        QTest::addColumn<QString>("fmt");
        for (const auto &[alg, name] : {std::pair{int(SoftAuthenticator::ES256), "ES256"}, {int(SoftAuthenticator::RS256), "RS256"},
                                        {int(SoftAuthenticator::EdDSA), "EdDSA"}}) {
            QTest::addRow("%s none", name) << alg << "none";
            QTest::addRow("%s packed", name) << alg << "packed";
        }
    }
    void registerAndSignIn()
    {
        QFETCH(int, alg);
        QFETCH(QString, fmt);
        SoftAuthenticator authenticator(alg);
        const auto registered = m_verifier->verifyRegistration(authenticator.registration(issueRegistration(), fmt).toJson(), kUser);
        QVERIFY2(registered.ok(), qPrintable(registered.ok() ? QString() : registered.error().message));
        QCOMPARE(registered->credentialId, authenticator.credentialId);
        QCOMPARE(registered->credentialIdBase64Url, b64url(authenticator.credentialId));
        QCOMPARE(registered->algorithm, alg);
        QCOMPARE(registered->publicKey, authenticator.coseKey());
        QCOMPARE(registered->aaguid, authenticator.aaguid.toString(QUuid::WithoutBraces));
        QCOMPARE(registered->attestationFormat, fmt);
        QCOMPARE(registered->transports, (QStringList{QStringLiteral("internal"), QStringLiteral("hybrid")}));
        QCOMPARE(registered->credentialDeviceType, QStringLiteral("singleDevice"));
        QCOMPARE(registered->credentialBackedUp, false);
        QCOMPARE(registered->userVerified, true);
        QCOMPARE(registered->authenticatorAttachment, QStringLiteral("platform"));
        QCOMPARE(registered->origin, kOrigin);
        const QByteArray spki = registered->subjectPublicKeyInfo;
        const auto *der = reinterpret_cast<const unsigned char *>(spki.constData());
        EVP_PKEY *parsed = d2i_PUBKEY(nullptr, &der, long(spki.size()));
        QVERIFY(parsed);
        EVP_PKEY_free(parsed);

        // What a persistence layer keeps is enough: a new verifier (a restarted emulator)
        // verifies sign-ins with the stored COSE bytes alone.
        CredentialRecord record{registered->credentialId, registered->publicKey, kUser, authenticator.userHandle, registered->counter};
        ChallengeStore restartedChallenges;
        WebAuthnVerifier restarted(&restartedChallenges);
        for (int i = 1; i <= 3; ++i) {
            const QString challenge = restartedChallenges.issue(Ceremony::Authentication, kSession, true, kUser).challenge;
            const auto signedIn = restarted.verifyAuthentication(authenticator.assertion(challenge).toJson(), kSession, lookupOf(record));
            QVERIFY2(signedIn.ok(), qPrintable(signedIn.ok() ? QString() : signedIn.error().message));
            QCOMPARE(signedIn->userId, kUser);
            QCOMPARE(signedIn->newCounter, quint32(i));
            QCOMPARE(signedIn->userVerified, true);
            record.counter = signedIn->newCounter;
        }
    }

    void backupFlagsGiveDeviceType_data()
    {
        QTest::addColumn<int>("flags");
        QTest::addColumn<QString>("deviceType");
        QTest::addColumn<bool>("backedUp");
        QTest::newRow("neither") << int(UP | AT) << "singleDevice" << false;
        QTest::newRow("eligible") << int(UP | AT | BE) << "multiDevice" << false;
        QTest::newRow("backed up") << int(UP | AT | BE | BS) << "multiDevice" << true;
    }
    void backupFlagsGiveDeviceType()
    {
        QFETCH(int, flags);
        QFETCH(QString, deviceType);
        QFETCH(bool, backedUp);
        SoftAuthenticator authenticator(SoftAuthenticator::ES256);
        const auto result = m_verifier->verifyRegistration(authenticator.registration(issueRegistration(), QStringLiteral("none"), quint8(flags)).toJson(), kUser);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->credentialDeviceType, deviceType);
        QCOMPARE(result->credentialBackedUp, backedUp);
        QCOMPARE(result->userVerified, false);
    }

    void extensionDataIsSkipped()
    {
        SoftAuthenticator authenticator(SoftAuthenticator::EdDSA);
        Registration r = authenticator.registration(issueRegistration(), QStringLiteral("packed"));
        QCborMap extensions;
        extensions.insert(QStringLiteral("credProtect"), 2);
        r.authData = authenticator.authData(QStringLiteral("localhost"), UP | UV | AT | ED, 0, {}, QCborValue(extensions).toCbor());
        authenticator.selfAttest(r);
        const auto result = m_verifier->verifyRegistration(r.toJson(), kUser);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->publicKey, authenticator.coseKey());
        const auto parsed = AuthenticatorData::parse(r.authData);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->extensions().value(QStringLiteral("credProtect")).toInteger(), 2);
    }

    void registrationRefused_data()
    {
        QTest::addColumn<QString>("forgery");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong origin") << "origin" << 401 << "origin \"https://evil.example\" is not allowed";
        QTest::newRow("cross-origin frame") << "crossOrigin" << 401 << "cross-origin";
        QTest::newRow("wrong RP ID") << "rpId" << 401 << "RP ID hash";
        QTest::newRow("wrong type") << "type" << 401 << "type is \"webauthn.get\"";
        QTest::newRow("challenge of another session") << "session" << 401 << "another registration session";
        QTest::newRow("challenge never issued") << "challenge" << 401 << "not issued";
        QTest::newRow("sign-in challenge") << "ceremony" << 401 << "issued for a sign-in";
        QTest::newRow("UP flag missing") << "noUP" << 401 << "user presence";
        QTest::newRow("UV missing when required") << "noUV" << 401 << "user verification was required";
        QTest::newRow("no attested credential data") << "noAT" << 400 << "no attested credential data";
        QTest::newRow("BS without BE") << "bsOnly" << 400 << "backed up (BS) but not backup eligible";
        QTest::newRow("credential ID mismatch") << "credentialId" << 401 << "not the credential's rawId";
        QTest::newRow("id differs from rawId") << "id" << 400 << "id and rawId";
        QTest::newRow("unsupported algorithm") << "es384" << 400 << "unsupported algorithm, ES384 (-35)";
        QTest::newRow("key type not matching algorithm") << "ktyMismatch" << 400 << "does not go with algorithm";
        QTest::newRow("EC point not on the curve") << "offCurve" << 400 << "not a point on the P-256 curve";
        QTest::newRow("truncated attestationObject") << "truncated" << 400 << "attestationObject is not valid CBOR";
        QTest::newRow("trailing attestationObject bytes") << "trailing" << 400 << "unexpected bytes after its CBOR map";
        QTest::newRow("attestationObject not a map") << "notMap" << 400 << "not a CBOR map";
        QTest::newRow("authData cut in the COSE key") << "authDataCut" << 400 << "credential public key that is not valid CBOR";
        QTest::newRow("authData cut in the credential ID") << "authDataShort" << 400 << "only";
        QTest::newRow("authData with trailing bytes") << "authDataTrailing" << 400 << "unexpected bytes after its credential public key";
        QTest::newRow("ED flag without extensions") << "edEmpty" << 400 << "no extension data";
        QTest::newRow("unknown attestation format") << "tpm" << 400 << "attestation format \"tpm\" is not supported";
        QTest::newRow("none with a statement") << "noneStatement" << 400 << "attStmt is not empty";
        QTest::newRow("packed with a certificate chain") << "x5c" << 400 << "x5c";
        QTest::newRow("packed bad signature") << "packedSig" << 401 << "self-attestation signature does not verify";
        QTest::newRow("packed algorithm mismatch") << "packedAlg" << 401 << "names algorithm RS256 (-257)";
        QTest::newRow("garbage base64url clientDataJSON") << "b64ClientData" << 400 << "response.clientDataJSON is not valid base64url";
        QTest::newRow("garbage base64url attestationObject") << "b64Attestation" << 400 << "response.attestationObject is not valid base64url";
        QTest::newRow("clientDataJSON not JSON") << "clientDataNotJson" << 400 << "not a JSON object";
        QTest::newRow("missing attestationObject") << "noAttestation" << 400 << "no response.attestationObject";
        QTest::newRow("wrong credential type") << "credType" << 400 << "not \"public-key\"";
    }
    void registrationRefused()
    {
        QFETCH(QString, forgery);
        QFETCH(int, status);
        QFETCH(QString, message);
        SoftAuthenticator authenticator(SoftAuthenticator::ES256);
        const bool uvRequired = forgery == QLatin1String("noUV");
        QString challenge = forgery == QLatin1String("session") ? issueRegistration(uvRequired, QStringLiteral("usr_other"))
                : forgery == QLatin1String("ceremony")          ? issueSignIn()
                                                                : issueRegistration(uvRequired);
        if (forgery == QLatin1String("challenge"))
            challenge = b64url(QByteArray(32, 'x'));
        const QString fmt = forgery.startsWith(QLatin1String("packed")) || forgery == QLatin1String("x5c") ? QStringLiteral("packed") : QStringLiteral("none");
        Registration r = authenticator.registration(challenge, fmt);
        QByteArray attestation;
        QJsonObject json;

        auto withKey = [&](const QCborMap &key) { r.authData = authenticator.authData(QStringLiteral("localhost"), UP | UV | AT, 0, QCborValue(key).toCbor()); };
        if (forgery == QLatin1String("origin"))
            r.clientDataJson = clientData(QStringLiteral("webauthn.create"), challenge, QStringLiteral("https://evil.example"));
        else if (forgery == QLatin1String("crossOrigin"))
            r.clientDataJson = clientData(QStringLiteral("webauthn.create"), challenge, kOrigin, true);
        else if (forgery == QLatin1String("rpId"))
            r = authenticator.registration(challenge, fmt, UP | UV | AT, kOrigin, QStringLiteral("example.com"));
        else if (forgery == QLatin1String("type"))
            r.clientDataJson = clientData(QStringLiteral("webauthn.get"), challenge, kOrigin);
        else if (forgery == QLatin1String("noUP"))
            r.authData = authenticator.authData(QStringLiteral("localhost"), UV | AT, 0);
        else if (forgery == QLatin1String("noUV"))
            r.authData = authenticator.authData(QStringLiteral("localhost"), UP | AT, 0);
        else if (forgery == QLatin1String("noAT"))
            r.authData = authenticator.authData(QStringLiteral("localhost"), UP | UV, 0);
        else if (forgery == QLatin1String("bsOnly"))
            r.authData = authenticator.authData(QStringLiteral("localhost"), UP | UV | AT | BS, 0);
        else if (forgery == QLatin1String("credentialId"))
            r.rawId = QByteArray(32, 'z');
        else if (forgery == QLatin1String("es384")) {
            QCborMap key;
            key[1] = 2, key[3] = -35, key[-1] = 2, key[-2] = QByteArray(48, 'x'), key[-3] = QByteArray(48, 'y');
            withKey(key);
        } else if (forgery == QLatin1String("ktyMismatch")) {
            QCborMap key;
            key[1] = 3, key[3] = -7, key[-1] = 1, key[-2] = QByteArray(32, 'x'), key[-3] = QByteArray(32, 'y');
            withKey(key);
        } else if (forgery == QLatin1String("offCurve")) {
            QCborMap key;
            key[1] = 2, key[3] = -7, key[-1] = 1, key[-2] = QByteArray(32, 'x'), key[-3] = QByteArray(32, 'y');
            withKey(key);
        } else if (forgery == QLatin1String("truncated"))
            attestation = r.attestationObject().chopped(5);
        else if (forgery == QLatin1String("trailing"))
            attestation = r.attestationObject() + QByteArray::fromHex("00");
        else if (forgery == QLatin1String("notMap"))
            attestation = QCborValue(QCborArray{1, 2}).toCbor();
        else if (forgery == QLatin1String("authDataCut"))
            r.authData.chop(3);
        else if (forgery == QLatin1String("authDataShort"))
            r.authData.truncate(37 + 18 + 10);
        else if (forgery == QLatin1String("authDataTrailing"))
            r.authData.append("\x01\x02", 2);
        else if (forgery == QLatin1String("edEmpty"))
            r.authData[32] = char(UP | UV | AT | ED);
        else if (forgery == QLatin1String("tpm"))
            r.fmt = QStringLiteral("tpm");
        else if (forgery == QLatin1String("noneStatement"))
            r.attStmt.insert(QStringLiteral("alg"), -7);
        else if (forgery == QLatin1String("x5c"))
            r.attStmt.insert(QStringLiteral("x5c"), QCborArray{QByteArray("cert")});
        else if (forgery == QLatin1String("packedSig"))
            r.clientDataJson = clientData(QStringLiteral("webauthn.create"), challenge, QStringLiteral("http://localhost:5174")); // signed over the old one
        else if (forgery == QLatin1String("packedAlg"))
            r.attStmt.insert(QStringLiteral("alg"), -257);

        json = r.toJson(attestation);
        QJsonObject response = json.value(QLatin1String("response")).toObject();
        if (forgery == QLatin1String("id"))
            json.insert(QStringLiteral("id"), b64url("other"));
        else if (forgery == QLatin1String("b64ClientData"))
            response.insert(QStringLiteral("clientDataJSON"), QStringLiteral("eyJ0eXBlIjoid2Vi*XV0aG4uY3JlYXRlIn0"));
        else if (forgery == QLatin1String("b64Attestation"))
            response.insert(QStringLiteral("attestationObject"), response.value(QLatin1String("attestationObject")).toString().replace(3, 1, QLatin1Char('+')));
        else if (forgery == QLatin1String("clientDataNotJson"))
            response.insert(QStringLiteral("clientDataJSON"), b64url("{\"type\":"));
        else if (forgery == QLatin1String("noAttestation"))
            response.remove(QStringLiteral("attestationObject"));
        else if (forgery == QLatin1String("credType"))
            json.insert(QStringLiteral("type"), QStringLiteral("password"));
        json.insert(QStringLiteral("response"), response);

        const auto result = m_verifier->verifyRegistration(json, kUser);
        QVERIFY2(!result.ok(), "a forged registration was accepted");
        QVERIFY(refusedWith(result.error(), status, message));
    }

    // Hostile CBOR: nesting deep enough to exhaust a recursive parser's stack, and lengths
    // declared far beyond the bytes present (a parser that trusts them allocates gigabytes).
    void hostileCborIsRefusedCheaply_data()
    {
        QTest::addColumn<QByteArray>("cbor");
        QTest::newRow("100000 nested arrays") << QByteArray(100000, '\x81') + '\0';
        QTest::newRow("array of 2^32 items") << QByteArray::fromHex("9b0000000100000000");
        QTest::newRow("map of 2^63 pairs") << QByteArray::fromHex("bb7fffffffffffffff");
        QTest::newRow("byte string of 2^62 bytes") << QByteArray::fromHex("a1646175746844617461" "5b4000000000000000");
        QTest::newRow("indefinite map never closed") << QByteArray::fromHex("bf63666d74646e6f6e65");
    }
    void hostileCborIsRefusedCheaply()
    {
        QFETCH(QByteArray, cbor);
        SoftAuthenticator authenticator(SoftAuthenticator::EdDSA);
        Registration r = authenticator.registration(issueRegistration());
        const auto registration = m_verifier->verifyRegistration(r.toJson(cbor), kUser);
        QVERIFY(!registration.ok());
        QCOMPARE(registration.error().httpStatus, 400);
        // The same bytes as the COSE key inside authData, and as a stored key.
        QVERIFY(!AuthenticatorData::parse(authenticator.authData(QStringLiteral("localhost"), UP | AT, 0, cbor)).ok());
        QVERIFY(!CoseKey::fromCbor(cbor).ok());
    }

    void registrationChallengeIsSingleUse()
    {
        SoftAuthenticator authenticator(SoftAuthenticator::ES256);
        const QJsonObject json = authenticator.registration(issueRegistration()).toJson();
        QVERIFY(m_verifier->verifyRegistration(json, kUser).ok());
        QVERIFY(refusedWith(m_verifier->verifyRegistration(json, kUser).error(), 401, QStringLiteral("already used")));
    }

    void registrationChallengeExpires()
    {
        SoftAuthenticator authenticator(SoftAuthenticator::ES256);
        const QJsonObject json = authenticator.registration(issueRegistration()).toJson();
        m_now = m_now.addSecs(301);
        QVERIFY(refusedWith(m_verifier->verifyRegistration(json, kUser).error(), 401, QStringLiteral("expired")));
        // Spent even though refused: it cannot be tried again.
        QVERIFY(refusedWith(m_verifier->verifyRegistration(json, kUser).error(), 401, QStringLiteral("already used")));
    }

    void assertionRefused_data()
    {
        QTest::addColumn<QString>("forgery");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong origin") << "origin" << 401 << "origin \"http://evil.localhost:5173\" is not allowed";
        QTest::newRow("wrong RP ID") << "rpId" << 401 << "RP ID hash";
        QTest::newRow("wrong type") << "type" << 401 << "type is \"webauthn.create\"";
        QTest::newRow("challenge of another session") << "session" << 401 << "another sign-in session";
        QTest::newRow("registration challenge") << "ceremony" << 401 << "issued for a registration";
        QTest::newRow("bad signature") << "signature" << 401 << "signature does not verify";
        QTest::newRow("signature of another key") << "otherKey" << 401 << "signature does not verify";
        QTest::newRow("signed data altered") << "altered" << 401 << "signature does not verify";
        QTest::newRow("signature not DER") << "notDer" << 401 << "signature does not verify";
        QTest::newRow("counter regression") << "counterDown" << 401 << "counter went from 7 to 3";
        QTest::newRow("counter repeated") << "counterSame" << 401 << "counter went from 7 to 7";
        QTest::newRow("counter reset to zero") << "counterZero" << 401 << "counter went from 7 to 0";
        QTest::newRow("UP flag missing") << "noUP" << 401 << "user presence";
        QTest::newRow("UV missing when required") << "noUV" << 401 << "user verification was required";
        QTest::newRow("user handle of another user") << "userHandle" << 401 << "user handle";
        QTest::newRow("unknown credential") << "unknown" << 401 << "no passkey with ID";
        QTest::newRow("passkey of another user") << "otherUser" << 401 << "belongs to another user";
        QTest::newRow("garbage base64url signature") << "b64Signature" << 400 << "response.signature is not valid base64url";
        QTest::newRow("garbage base64url rawId") << "b64RawId" << 400 << "rawId is not valid base64url";
        QTest::newRow("missing signature") << "noSignature" << 400 << "no response.signature";
        QTest::newRow("authenticatorData too short") << "shortAuthData" << 400 << "shorter than the 37 bytes";
        QTest::newRow("authenticatorData trailing bytes") << "authDataTrailing" << 400 << "unexpected bytes after its fixed part";
        QTest::newRow("stored key unreadable") << "storedKey" << 500 << "stored public key";
    }
    void assertionRefused()
    {
        QFETCH(QString, forgery);
        QFETCH(int, status);
        QFETCH(QString, message);
        SoftAuthenticator authenticator(SoftAuthenticator::ES256);
        CredentialRecord record = enrol(authenticator);
        QVERIFY(!record.credentialId.isEmpty());
        record.counter = 7;
        authenticator.counter = 7;

        const bool uvRequired = forgery == QLatin1String("noUV");
        QString challenge = forgery == QLatin1String("session")    ? m_challenges->issue(Ceremony::Authentication, QStringLiteral("ls_other")).challenge
                : forgery == QLatin1String("ceremony")             ? issueRegistration(false, kSession)
                : forgery == QLatin1String("otherUser")            ? issueSignIn(false, QStringLiteral("usr_other"))
                                                                   : issueSignIn(uvRequired, kUser);
        Assertion a = authenticator.assertion(challenge);
        if (forgery == QLatin1String("origin")) {
            a.clientDataJson = clientData(QStringLiteral("webauthn.get"), challenge, QStringLiteral("http://evil.localhost:5173"));
            authenticator.resign(a);
        } else if (forgery == QLatin1String("rpId")) {
            a.authData = authenticator.authData(QStringLiteral("evil.example"), UP | UV, 8);
            authenticator.resign(a);
        } else if (forgery == QLatin1String("type")) {
            a.clientDataJson = clientData(QStringLiteral("webauthn.create"), challenge, kOrigin);
            authenticator.resign(a);
        } else if (forgery == QLatin1String("signature")) {
            a.signature[a.signature.size() - 1] = char(a.signature.at(a.signature.size() - 1) ^ 0x01);
        } else if (forgery == QLatin1String("otherKey")) {
            SoftAuthenticator other(SoftAuthenticator::ES256);
            a.signature = other.sign(a.authData + sha256(a.clientDataJson));
        } else if (forgery == QLatin1String("altered")) {
            a.authData[32] = char(UP | UV | BE);
        } else if (forgery == QLatin1String("notDer")) {
            a.signature = QByteArray(64, '\x01');
        } else if (forgery.startsWith(QLatin1String("counter"))) {
            a.authData = authenticator.authData(QStringLiteral("localhost"), UP | UV,
                                                forgery == QLatin1String("counterDown") ? 3 : forgery == QLatin1String("counterSame") ? 7 : 0);
            authenticator.resign(a);
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("possible cloned authenticator")));
        } else if (forgery == QLatin1String("noUP")) {
            a.authData = authenticator.authData(QStringLiteral("localhost"), UV, 8);
            authenticator.resign(a);
        } else if (forgery == QLatin1String("noUV")) {
            a.authData = authenticator.authData(QStringLiteral("localhost"), UP, 8);
            authenticator.resign(a);
        } else if (forgery == QLatin1String("userHandle")) {
            a.userHandle = QByteArrayLiteral("usr_other");
        } else if (forgery == QLatin1String("unknown")) {
            record.credentialId = QByteArrayLiteral("another credential");
        } else if (forgery == QLatin1String("shortAuthData")) {
            a.authData.truncate(36);
        } else if (forgery == QLatin1String("authDataTrailing")) {
            a.authData.append('\0');
            authenticator.resign(a);
        } else if (forgery == QLatin1String("storedKey")) {
            record.publicKey.chop(1);
        }
        QJsonObject json = a.toJson();
        QJsonObject response = json.value(QLatin1String("response")).toObject();
        if (forgery == QLatin1String("b64Signature"))
            response.insert(QStringLiteral("signature"), QStringLiteral("MEUCIQ%%"));
        else if (forgery == QLatin1String("noSignature"))
            response.remove(QStringLiteral("signature"));
        else if (forgery == QLatin1String("b64RawId"))
            json.insert(QStringLiteral("rawId"), QStringLiteral("a b"));
        json.insert(QStringLiteral("response"), response);

        const auto result = m_verifier->verifyAuthentication(json, kSession, lookupOf(record));
        QVERIFY2(!result.ok(), "a forged assertion was accepted");
        QVERIFY(refusedWith(result.error(), status, message));
    }

    void assertionChallengeIsSingleUseAndExpires()
    {
        SoftAuthenticator authenticator(SoftAuthenticator::RS256);
        const CredentialRecord record = enrol(authenticator);
        QVERIFY(!record.credentialId.isEmpty());
        const QJsonObject json = authenticator.assertion(issueSignIn()).toJson();
        QVERIFY(m_verifier->verifyAuthentication(json, kSession, lookupOf(record)).ok());
        QVERIFY(refusedWith(m_verifier->verifyAuthentication(json, kSession, lookupOf(record)).error(), 401, QStringLiteral("already used")));

        const QJsonObject late = authenticator.assertion(issueSignIn()).toJson();
        m_now = m_now.addSecs(300);
        QVERIFY(refusedWith(m_verifier->verifyAuthentication(late, kSession, lookupOf(record)).error(), 401, QStringLiteral("expired")));
    }

    void counterRules()
    {
        // Authenticators that keep no counter (synced passkeys) send 0 every time: accepted.
        SoftAuthenticator synced(SoftAuthenticator::EdDSA);
        synced.countsSignatures = false;
        const CredentialRecord record = enrol(synced);
        QVERIFY(!record.credentialId.isEmpty());
        for (int i = 0; i < 2; ++i) {
            const auto result = m_verifier->verifyAuthentication(synced.assertion(issueSignIn()).toJson(), kSession, lookupOf(record));
            QVERIFY(result.ok());
            QCOMPARE(result->newCounter, quint32(0));
        }
        // A counter that starts after registration at 0 is fine; the answer carries it.
        synced.counter = 41;
        synced.countsSignatures = true;
        const auto result = m_verifier->verifyAuthentication(synced.assertion(issueSignIn()).toJson(), kSession, lookupOf(record));
        QVERIFY(result.ok());
        QCOMPARE(result->newCounter, quint32(42));
    }

    void optionsCarryTheChallenge()
    {
        const IssuedChallenge issued = m_challenges->issue(Ceremony::Registration, kUser, true);
        const QJsonObject creation = WebAuthnOptions::creation(issued, QStringLiteral("localhost"), QStringLiteral("PlainKey emulator"),
                                                               {QByteArrayLiteral("usr_test"), QStringLiteral("ada@example.com"), {}},
                                                               {{QByteArrayLiteral("cred"), {QStringLiteral("usb")}}});
        QCOMPARE(creation.value(QLatin1String("challenge")).toString(), issued.challenge);
        QCOMPARE(creation.value(QLatin1String("user")).toObject().value(QLatin1String("id")).toString(), b64url("usr_test"));
        QCOMPARE(creation.value(QLatin1String("user")).toObject().value(QLatin1String("displayName")).toString(), QStringLiteral("ada@example.com"));
        QCOMPARE(creation.value(QLatin1String("pubKeyCredParams")).toArray().size(), 3);
        QCOMPARE(creation.value(QLatin1String("excludeCredentials")).toArray().at(0).toObject().value(QLatin1String("id")).toString(), b64url("cred"));
        QCOMPARE(creation.value(QLatin1String("authenticatorSelection")).toObject().value(QLatin1String("userVerification")).toString(),
                 QStringLiteral("required"));
        const QJsonObject request = WebAuthnOptions::request(m_challenges->issue(Ceremony::Authentication, kSession), QStringLiteral("localhost"));
        QCOMPARE(request.value(QLatin1String("rpId")).toString(), QStringLiteral("localhost"));
        QCOMPARE(request.value(QLatin1String("userVerification")).toString(), QStringLiteral("preferred"));
        QVERIFY(request.value(QLatin1String("allowCredentials")).toArray().isEmpty());
    }

    // Every single-byte corruption of signed data must be refused, and no corruption of any
    // part may crash (the sanitizer build runs this too).
    void corruptedBytesNeverCrashNorPass()
    {
        SoftAuthenticator authenticator(SoftAuthenticator::ES256);
        const CredentialRecord record = enrol(authenticator);
        QVERIFY(!record.credentialId.isEmpty());
        const Assertion genuine = authenticator.assertion(issueSignIn());
        for (qsizetype i = 0; i < genuine.authData.size(); ++i) {
            Assertion a = authenticator.assertion(issueSignIn());
            a.authData[i] = char(a.authData.at(i) ^ 0x5a);
            const auto result = m_verifier->verifyAuthentication(a.toJson(), kSession, lookupOf(record));
            QVERIFY2(!result.ok(), qPrintable(QStringLiteral("corrupted authenticatorData byte %1 accepted").arg(i)));
            QVERIFY(!result.error().message.isEmpty());
        }
        const Registration sample = authenticator.registration(issueRegistration());
        const QByteArray attestation = sample.attestationObject();
        for (qsizetype i = 0; i < attestation.size(); ++i) {
            for (const char mask : {char(0x01), char(0x80), char(0xff)}) {
                Registration r = authenticator.registration(issueRegistration());
                QByteArray corrupted = r.attestationObject();
                corrupted[i] = char(corrupted.at(i) ^ mask);
                const auto result = m_verifier->verifyRegistration(r.toJson(corrupted), kUser);
                if (!result.ok())
                    QVERIFY(!result.error().message.isEmpty());
            }
            if (i > 0) { // every truncation is refused
                Registration r = authenticator.registration(issueRegistration());
                QVERIFY2(!m_verifier->verifyRegistration(r.toJson(r.attestationObject().left(i)), kUser).ok(),
                         qPrintable(QStringLiteral("attestationObject cut to %1 bytes accepted").arg(i)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestWebAuthn)
#include "tst_webauthn.moc"
