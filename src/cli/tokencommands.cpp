// plainkey-cli token, verify
#include "cli/cliapp.h"

#include "core/api/accesstokenmanager.h"
#include "core/api/verifytoken.h"
#include "core/token/jwtinspector.h"
#include "core/token/tokeninput.h"
#include "core/verify/verifyverdict.h"

#include <QEventLoop>
#include <QJsonObject>

namespace plainkey::cli {

namespace {

int tokenCommand(CliApp &app, const QStringList &args)
{
    if (!args.isEmpty())
        return app.usage(QStringLiteral("token takes no arguments"));
    if (!app.prepareCredentials())
        return ExitUsage;
    AccessTokenManager *tokens = app.client().accessToken();
    ApiError error;
    QEventLoop loop;
    tokens->requestToken(nullptr, [&](const QString &, const ApiError &e) {
        error = e;
        loop.quit();
    }, true);
    loop.exec();
    if (error)
        return app.fail(error);

    const QString expires = tokens->expiresAt().toString(Qt::ISODate);
    if (app.json()) {
        QJsonObject o{{QStringLiteral("tokenType"), tokens->tokenType()},
                      {QStringLiteral("expiresIn"), qint64(tokens->lifetime().count())},
                      {QStringLiteral("issuedAt"), tokens->issuedAt().toString(Qt::ISODate)},
                      {QStringLiteral("expiresAt"), expires},
                      {QStringLiteral("fingerprint"), tokens->fingerprint()}};
        if (tokens->clockSkew())
            o.insert(QStringLiteral("clockSkewSeconds"), qint64(tokens->clockSkew()->count()));
        if (app.showSecrets())
            o.insert(QStringLiteral("accessToken"), tokens->token());
        app.printJson(o);
        return ExitOk;
    }
    QTextStream &summary = app.showSecrets() ? app.err() : app.out();
    summary << "Access token: " << tokens->tokenType() << ", valid for " << describeDuration(tokens->lifetime().count())
            << " (expires " << expires << "), fingerprint #" << tokens->fingerprint() << '\n';
    if (tokens->clockSkew() && std::abs(tokens->clockSkew()->count()) >= 5)
        summary << "Warning: PlainKey's clock is " << describeDuration(tokens->clockSkew()->count())
                << (tokens->clockSkew()->count() > 0 ? " ahead of" : " behind") << " this machine's.\n";
    summary.flush();
    if (app.showSecrets()) {
        // The token alone on standard output, for $(plainkey-cli token --show-secrets).
        app.out() << tokens->token() << '\n';
        app.out().flush();
    }
    return ExitOk;
}

int verifyCommand(CliApp &app, const QStringList &args)
{
    if (args.size() != 1)
        return app.usage(QStringLiteral("verify takes one token, or - to read it from standard input"));
    QString raw = args.first();
    if (!app.prepareCredentials())
        return ExitUsage;
    if (raw == QLatin1String("-")) {
        const auto in = app.readStdin(QStringLiteral("the token"), CliApp::maxSecretBytes);
        if (!in)
            return ExitUsage;
        raw = QString::fromUtf8(*in);
    }
    const TokenInput input = TokenInput::normalize(raw);
    if (!input.ok())
        return app.usage(input.problem);
    if (!app.json()) {
        for (const QString &n : input.notices)
            app.err() << "Note: " << n << '\n';
        app.err().flush();
    }

    const Result<VerifyResult> result = app.wait<VerifyToken>(input.token);
    if (!result)
        return app.fail(result.error());
    const VerifyResult &v = result.value();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // The same verdict as the console's Verify tab: what it means, when it expires, and what the backend should answer.
    const VerifyVerdict verdict = VerifyVerdict::fromResult(v, JwtInspection::inspect(input.token, now).expiresAt,
                                                            app.client().accessToken()->clockSkew(), now);
    if (app.json()) {
        QJsonObject o{{QStringLiteral("valid"), v.valid}};
        if (!v.userId.isEmpty())
            o.insert(QStringLiteral("userId"), v.userId);
        if (!v.projectId.isEmpty())
            o.insert(QStringLiteral("projectId"), v.projectId);
        if (v.expiresAt)
            o.insert(QStringLiteral("expiresAt"), v.expiresAt->utc.toString(Qt::ISODateWithMs));
        if (!v.valid) {
            o.insert(QStringLiteral("error"), v.error);
            o.insert(QStringLiteral("explanation"), VerifyResult::explainReason(v.error));
        }
        o.insert(QStringLiteral("payload"), QJsonObject::fromVariantMap(v.payload));
        o.insert(QStringLiteral("backendStatus"), verdict.backendStatus);
        o.insert(QStringLiteral("advice"), verdict.advicePlain());
        o.insert(QStringLiteral("clocksDisagree"), verdict.clocksDisagree);
        app.printJson(o);
        return v.valid ? ExitOk : ExitNotValid;
    }
    if (v.valid) {
        app.out() << "valid: user " << v.userId;
        if (!v.projectId.isEmpty())
            app.out() << " (project " << v.projectId << ')';
        if (v.expiresAt)
            app.out() << ", expires " << v.expiresAt->utc.toString(Qt::ISODate) << " (" << describeRelative(v.expiresAt->utc, now) << ')';
        app.out() << '\n';
    } else {
        app.out() << "not valid: " << (v.error.isEmpty() ? QStringLiteral("PlainKey gave no reason") : v.error) << '\n';
    }
    // The reason with when it expires (by PlainKey, else by the token's own claim, decoded
    // locally) and any clock disagreement, then the advice.
    app.out() << "  " << verdict.reason << '\n' << "  " << verdict.advicePlain() << '\n';
    app.out().flush();
    return v.valid ? ExitOk : ExitNotValid;
}

const CommandRegistration registration({
        {{QStringLiteral("token")}, {}, QStringLiteral("Fetch an access token and show its type and expiry (--show-secrets: the token itself)."), tokenCommand},
        {{QStringLiteral("verify")}, QStringLiteral("TOKEN|-"), QStringLiteral("Verify an authentication token; exit 0 when valid, 1 when not."), verifyCommand},
});

} // namespace

} // namespace plainkey::cli
