// Prints the emulator's server-side cost of WebAuthn: verifying a registration (attestation
// "none" and "packed" self-attestation) and a sign-in assertion, per algorithm, in µs per
// operation. Credentials come from the software authenticator of the tests
// (tests/emulator/softauthenticator.h) and are all made before the clock starts, so only the
// verifier is timed: JSON and base64url decoding, CBOR, the challenge store, OpenSSL.
// Nothing here passes or fails.
//
//   bench_webauthn [--count N]     (default 500 operations per figure)

#include "softauthenticator.h"

#include "emulator/webauthn/challengestore.h"
#include "emulator/webauthn/webauthnverifier.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <ctime>
#include <vector>

using namespace plainkey::emulator;
using namespace webauthntest;

namespace {

const QString kUser = QStringLiteral("usr_bench");

//! The thread's CPU time: on a machine shared with other jobs it is the verifier's own cost,
//! which wall time is not.
struct CpuClock
{
    qint64 startNs = now();
    static qint64 now()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }
    double microsecondsPer(int count) const { return double(now() - startNs) / 1000.0 / count; }
};

struct Cost
{
    double cpuUs = -1;
    double wallUs = -1;
};

QByteArray cell(const Cost &cost)
{
    if (cost.cpuUs < 0)
        return "refused";
    return QByteArray::number(cost.cpuUs, 'f', 1) + " (" + QByteArray::number(cost.wallUs, 'f', 0) + ")";
}
const QString kSession = QStringLiteral("ls_bench");

//! µs per verifyRegistration over \a count fresh registrations; negative if one was refused.
Cost registrations(SoftAuthenticator &authenticator, const QString &fmt, int count)
{
    ChallengeStore challenges;
    WebAuthnVerifier verifier(&challenges);
    std::vector<QJsonObject> inputs;
    for (int i = 0; i < count; ++i)
        inputs.push_back(authenticator.registration(challenges.issue(Ceremony::Registration, kUser).challenge, fmt).toJson());
    QElapsedTimer clock;
    clock.start();
    const CpuClock cpu;
    for (const QJsonObject &input : inputs) {
        const auto result = verifier.verifyRegistration(input, kUser);
        if (!result) {
            std::fprintf(stderr, "refused: %s\n", qPrintable(result.error().message));
            return {};
        }
    }
    return Cost{cpu.microsecondsPer(count), double(clock.nsecsElapsed()) / 1000.0 / count};
}

//! µs per verifyAuthentication over \a count fresh assertions; negative if one was refused.
Cost assertions(SoftAuthenticator &authenticator, int count)
{
    ChallengeStore challenges;
    WebAuthnVerifier verifier(&challenges);
    const auto registered = verifier.verifyRegistration(
            authenticator.registration(challenges.issue(Ceremony::Registration, kUser).challenge).toJson(), kUser);
    if (!registered)
        return {};
    CredentialRecord record{registered->credentialId, registered->publicKey, kUser, authenticator.userHandle, registered->counter};
    const auto lookup = [&record](const QByteArray &id) -> std::optional<CredentialRecord> {
        return id == record.credentialId ? std::optional(record) : std::nullopt;
    };
    std::vector<QJsonObject> inputs;
    for (int i = 0; i < count; ++i)
        inputs.push_back(authenticator.assertion(challenges.issue(Ceremony::Authentication, kSession, true).challenge).toJson());
    QElapsedTimer clock;
    clock.start();
    const CpuClock cpu;
    for (const QJsonObject &input : inputs) {
        const auto result = verifier.verifyAuthentication(input, kSession, lookup);
        if (!result) {
            std::fprintf(stderr, "refused: %s\n", qPrintable(result.error().message));
            return {};
        }
        record.counter = result->newCounter;
    }
    return Cost{cpu.microsecondsPer(count), double(clock.nsecsElapsed()) / 1000.0 / count};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Server-side cost of verifying WebAuthn registrations and assertions."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("count"), QStringLiteral("Operations per figure (default 500)."), QStringLiteral("N"), QStringLiteral("500")});
    parser.process(app);
    const int count = qBound(10, parser.value(QStringLiteral("count")).toInt(), 100000);

    std::printf("WebAuthn verification, server side, %d operations per figure\n"
                "µs of CPU per operation (µs of wall time in brackets; it includes waiting for the CPU on a busy machine)\n\n",
                count);
    std::printf("%-7s %20s %20s %20s\n", "alg", "register (none)", "register (packed)", "sign-in");
    for (const auto &[alg, name] : {std::pair{int(SoftAuthenticator::ES256), "ES256"}, {int(SoftAuthenticator::RS256), "RS256"},
                                    {int(SoftAuthenticator::EdDSA), "EdDSA"}}) {
        SoftAuthenticator authenticator(alg);
        const Cost none = registrations(authenticator, QStringLiteral("none"), count);
        const Cost packed = registrations(authenticator, QStringLiteral("packed"), count);
        const Cost signIn = assertions(authenticator, count);
        std::printf("%-7s %20s %20s %20s\n", name, cell(none).constData(), cell(packed).constData(), cell(signIn).constData());
    }
    return 0;
}
