#include "emulator/controlapi.h"

#include <QJsonArray>

#include "emulator/answers.h"
#include "emulator/authtokenissuer.h"
#include "emulator/emulator.h"
#include "emulator/emulatorclock.h"
#include "emulator/hostpolicy.h"
#include "emulator/projectdocument.h"

#include <cmath>

namespace plainkey::emulator {

ControlApi::ControlApi(Emulator &emulator, AuthTokenIssuer &tokens, const HostPolicy &hosts)
    : m_emulator(emulator), m_tokens(tokens), m_hosts(hosts)
{
}

void ControlApi::addRoutes(Router::Group &g)
{
    using B = Router::Body;
    auto to = [this](EmuResponse (ControlApi::*handler)(const RouteCall &)) {
        return [this, handler](const RouteCall &call) { return (this->*handler)(call); };
    };
    // Whoever reaches these can mint tokens and break the service: local callers only, even
    // when the Server API is offered to other machines (--allow-non-loopback).
    // A web page the developer browses can make the browser send requests here: a
    // cross-origin one carries its Origin (refused, reads included), and one without a
    // preflight cannot carry Content-Type: application/json (writes need it).
    g.screen = [this](const EmuRequest &r) -> std::optional<EmuResponse> {
        if (!isLoopbackPeer(r.peer))
            return error(403, QStringLiteral("The /emulator/ endpoints answer loopback clients only"));
        if (auto refused = m_hosts.checkSameOrigin(r, m_emulator.port()))
            return refused;
        return HostPolicy::checkJsonWrite(r);
    };
    // The bodies here are optional: no body is an empty object.
    g.add("GET", QStringLiteral("/info"), to(&ControlApi::info))
            .add("GET", QStringLiteral("/faults"), to(&ControlApi::faults))
            .add("PUT", QStringLiteral("/faults"), to(&ControlApi::putFaults), B::OptionalJson)
            .add("POST", QStringLiteral("/sign-up"), to(&ControlApi::signUp), B::OptionalJson)
            .add("POST", QStringLiteral("/sign-in"), to(&ControlApi::signIn), B::OptionalJson)
            .add("POST", QStringLiteral("/seed"), to(&ControlApi::seed), B::OptionalJson)
            .add("POST", QStringLiteral("/reset"), to(&ControlApi::reset), B::OptionalJson)
            .add("POST", QStringLiteral("/revoke-access-tokens"), to(&ControlApi::revokeAccessTokens), B::OptionalJson)
            .add("POST", QStringLiteral("/export"), to(&ControlApi::exportProject), B::OptionalJson);
}

EmuResponse ControlApi::info(const RouteCall &)
{
    const EmulatorConfig &config = m_emulator.config();
    QUrl server = m_emulator.baseUrl();
    server.setPath(QStringLiteral("/server"));
    QUrl browser = m_emulator.baseUrl();
    browser.setPath(QStringLiteral("/browser"));
    const char *format = config.expiresAtFormat == EmulatorConfig::ExpiresAtFormat::Iso8601        ? "iso"
                         : config.expiresAtFormat == EmulatorConfig::ExpiresAtFormat::EpochSeconds ? "seconds"
                                                                                                 : "millis";
    return json(200, QJsonObject{{QStringLiteral("projectId"), config.projectId},
                                 {QStringLiteral("baseUrl"), m_emulator.baseUrl().toString()},
                                 {QStringLiteral("serverApiUrl"), server.toString()},
                                 {QStringLiteral("browserApiUrl"), browser.toString()},
                                 {QStringLiteral("rpId"), config.rpId},
                                 {QStringLiteral("allowedOrigins"), QJsonArray::fromStringList(m_emulator.browserOrigins())},
                                 {QStringLiteral("accessTokenTtlSeconds"), qint64(config.accessTokenTtl.count())},
                                 {QStringLiteral("authTokenTtlSeconds"), qint64(config.authTokenTtl.count())},
                                 {QStringLiteral("tokenFormat"), config.tokenFormat == EmulatorConfig::TokenFormat::Jwt ? QStringLiteral("jwt") : QStringLiteral("opaque")},
                                 {QStringLiteral("expiresAtFormat"), QLatin1String(format)},
                                 {QStringLiteral("singleUseTokens"), config.singleUseTokens},
                                 {QStringLiteral("maxBodyBytes"), double(config.maxBodyBytes)},
                                 {QStringLiteral("users"), m_emulator.userCount()}});
}

EmuResponse ControlApi::seed(const RouteCall &)
{
    m_emulator.seedDemoData();
    return json(200, QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("users"), m_emulator.userCount()}});
}

EmuResponse ControlApi::exportProject(const RouteCall &)
{
    return json(200, ProjectDocument::fromStore(m_emulator.store(), m_emulator.config().projectId).toJson());
}

EmuResponse ControlApi::reset(const RouteCall &)
{
    m_emulator.reset();
    return json(200, QJsonObject{{QStringLiteral("success"), true}});
}

EmuResponse ControlApi::revokeAccessTokens(const RouteCall &)
{
    m_emulator.store().revokeAccessTokens();
    return json(200, QJsonObject{{QStringLiteral("success"), true}});
}

EmuResponse ControlApi::signUp(const RouteCall &call)
{
    const QJsonObject &body = call.body;
    EmulatorStore &store = m_emulator.store();
    const EmulatorConfig &config = m_emulator.config();
    std::optional<QString> name;
    QString why;
    if (!readUserName(body, QStringLiteral("userName"), &name, &why))
        return error(400, why);
    const QJsonValue label = body.value(QLatin1String("label"));
    if (!label.isUndefined() && !label.isNull() && !label.isString())
        return error(400, QStringLiteral("label must be a string"));
    // Room for both first, so that a refusal leaves no user without their passkey.
    if (const QString full = store.roomFor(1, 1); !full.isEmpty())
        return error(507, full);
    const auto user = store.createUser(name, &why);
    if (!user)
        return error(400, why);
    StoredPasskey p;
    p.userId = user->id;
    p.webAuthnId = QString::fromLatin1(randomToken(16));
    p.label = label.isString() ? std::optional<QString>(label.toString()) : std::optional<QString>(QStringLiteral("Emulated passkey"));
    p.authenticatorType = QStringLiteral("platform");
    p.aaguid = QStringLiteral("00000000-0000-0000-0000-000000000000");
    p.deviceType = QStringLiteral("multiDevice");
    p.backedUp = true;
    p.transports = QStringList{QStringLiteral("internal"), QStringLiteral("hybrid")};
    p.counter = 0;
    p.lastUsedAt = store.clock().now();
    p = store.addPasskey(p);
    QJsonObject answer{{QStringLiteral("userId"), user->id},
                       {QStringLiteral("passkey"), EmulatorStore::toJson(p)},
                       {QStringLiteral("authenticationToken"), m_tokens.mint(user->id, p.id, config.authTokenTtl)}};
    if (user->userName)
        answer.insert(QStringLiteral("userName"), *user->userName);
    return json(200, answer);
}

EmuResponse ControlApi::signIn(const RouteCall &call)
{
    const QJsonObject &body = call.body;
    EmulatorStore &store = m_emulator.store();
    const EmulatorConfig &config = m_emulator.config();
    const StoredUser *u = nullptr;
    if (body.value(QLatin1String("userId")).isString())
        u = store.user(body.value(QLatin1String("userId")).toString());
    else if (body.value(QLatin1String("userName")).isString())
        u = store.userByName(body.value(QLatin1String("userName")).toString());
    else
        return error(400, QStringLiteral("Name the user with userId or userName"));
    if (!u)
        return error(404, QStringLiteral("User not found"));
    std::chrono::seconds ttl = config.authTokenTtl;
    const QJsonValue ttlValue = body.value(QLatin1String("ttlSeconds"));
    if (!ttlValue.isUndefined()) {
        if (!ttlValue.isDouble() || ttlValue.toDouble() < 1 || ttlValue.toDouble() > 86400)
            return error(400, QStringLiteral("ttlSeconds must be a number from 1 to 86400"));
        ttl = std::chrono::seconds(qint64(ttlValue.toDouble()));
    }
    const QList<StoredPasskey> passkeys = store.passkeysOf(u->id);
    if (passkeys.isEmpty())
        return error(400, QStringLiteral("The user has no passkey to sign in with"));
    // Sign in with the passkey used most recently, as a browser offering its own first would.
    QString chosen = passkeys.first().id;
    QDateTime latest;
    for (const StoredPasskey &p : passkeys) {
        if (p.lastUsedAt && (!latest.isValid() || *p.lastUsedAt > latest)) {
            latest = *p.lastUsedAt;
            chosen = p.id;
        }
    }
    StoredPasskey used = *store.passkey(chosen);
    used.lastUsedAt = store.clock().now();
    if (used.counter)
        *used.counter += 1;
    store.updatePasskey(used);
    return json(200, QJsonObject{{QStringLiteral("userId"), u->id},
                                 {QStringLiteral("credentialId"), used.id},
                                 {QStringLiteral("authenticationToken"), m_tokens.mint(u->id, used.id, ttl)}});
}

EmuResponse ControlApi::faults(const RouteCall &)
{
    const Fault fault = m_emulator.fault();
    return json(200, QJsonObject{{QStringLiteral("mode"), Fault::modeName(fault.mode)},
                                 {QStringLiteral("status"), fault.status},
                                 {QStringLiteral("retryAfterSeconds"), fault.retryAfterSeconds},
                                 {QStringLiteral("remaining"), fault.remaining},
                                 {QStringLiteral("pathPrefix"), fault.pathPrefix},
                                 {QStringLiteral("latencyMs"), qint64(m_emulator.latency().count())},
                                 {QStringLiteral("clockSkewSeconds"), double(m_emulator.clockSkew().count())}});
}

EmuResponse ControlApi::putFaults(const RouteCall &call)
{
    const QJsonObject &body = call.body;
    // A new mode starts from the defaults (an exhausted "remaining" must not carry over);
    // without one, the fields given change the current fault.
    Fault f = body.contains(QLatin1String("mode")) ? Fault() : m_emulator.fault();
    auto integer = [&](const char *key, int min, int max, int *out) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (v.isUndefined())
            return true;
        if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()) || v.toDouble() < min || v.toDouble() > max)
            return false;
        *out = int(v.toDouble());
        return true;
    };
    const QJsonValue mode = body.value(QLatin1String("mode"));
    if (!mode.isUndefined() && (!mode.isString() || !Fault::modeFromName(mode.toString(), &f.mode)))
        return error(400, QStringLiteral("mode must be one of none, status, html, empty, truncated, stall, reset"));
    // 1xx answers are interim in HTTP: a client would keep waiting for the real one.
    if (!integer("status", 200, 599, &f.status))
        return error(400, QStringLiteral("status must be a whole number from 200 to 599"));
    if (!integer("retryAfterSeconds", 0, 86400, &f.retryAfterSeconds))
        return error(400, QStringLiteral("retryAfterSeconds must be a whole number from 0 to 86400"));
    if (!integer("remaining", -1, 1000000, &f.remaining))
        return error(400, QStringLiteral("remaining must be a whole number from -1 (until cleared) to 1000000"));
    const QJsonValue prefix = body.value(QLatin1String("pathPrefix"));
    if (!prefix.isUndefined() && !prefix.isNull() && !prefix.isString())
        return error(400, QStringLiteral("pathPrefix must be a string such as \"/user\" (empty for every path)"));
    if (prefix.isString() || prefix.isNull())
        f.pathPrefix = prefix.toString();
    int latencyMs = int(m_emulator.latency().count());
    if (!integer("latencyMs", 0, 600000, &latencyMs))
        return error(400, QStringLiteral("latencyMs must be a whole number from 0 to 600000"));
    // Like latency, the skew is kept until given again: a new mode does not reset the clock.
    const QJsonValue skew = body.value(QLatin1String("clockSkewSeconds"));
    const double maxSkew = double(EmulatorClock::kMaxSkew.count());
    if (!skew.isUndefined()
        && (!skew.isDouble() || skew.toDouble() != std::floor(skew.toDouble()) || std::fabs(skew.toDouble()) > maxSkew))
        return error(400, QStringLiteral("clockSkewSeconds must be a whole number of seconds from -%1 to %1 (ten years)").arg(qint64(maxSkew)));
    m_emulator.setLatency(std::chrono::milliseconds(latencyMs));
    if (skew.isDouble())
        m_emulator.setClockSkew(std::chrono::seconds(qint64(skew.toDouble())));
    m_emulator.setFault(f);
    return faults(call);
}

} // namespace plainkey::emulator
