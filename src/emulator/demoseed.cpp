#include "emulator/demoseed.h"

#include "emulator/answers.h"
#include "emulator/emulatorstore.h"

namespace plainkey::emulator {

void seedDemoData(EmulatorStore &store)
{
    const QDateTime now = store.clock().now();
    struct Seed
    {
        const char *userName;
        struct Key
        {
            const char *label;
            const char *aaguid;
            const char *type;
            const char *deviceType;
            bool backedUp;
            QStringList transports;
            qint64 counter;
            qint64 createdDaysAgo;
            qint64 lastUsedMinutesAgo; // -1: never
        };
        QList<Key> keys;
    };
    const QList<Seed> seeds = {
            {"ada@example.com",
             {{"iPhone", "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "platform", "multiDevice", true, {QStringLiteral("internal"), QStringLiteral("hybrid")}, 0, 120, 12},
              {"YubiKey 5 NFC", "cb69481e-8ff7-4039-93ec-0a2729a154a8", "cross-platform", "singleDevice", false, {QStringLiteral("usb"), QStringLiteral("nfc")}, 57, 300, 60 * 24 * 9}}},
            {"grace@example.com",
             {{"Pixel", "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", "platform", "multiDevice", true, {QStringLiteral("internal"), QStringLiteral("hybrid")}, 0, 400, 60 * 24 * 140}}},
            {"linus@example.com",
             {{"Work laptop", "08987058-cadc-4b81-b6e1-30de50dcbe96", "platform", "singleDevice", false, {QStringLiteral("internal")}, 213, 60, 60 * 3}}},
            {"margaret@example.com", {}},
            {nullptr,
             {{"Usernameless", "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "platform", "multiDevice", true, {QStringLiteral("internal")}, 0, 10, -1}}},
    };
    // Seeding twice adds nobody twice: named users are found by name, the nameless one by the
    // first seed's presence. One transaction with --data.
    EmulatorStore::Change change(store);
    const bool seededBefore = store.userByName(QString::fromLatin1(seeds.first().userName)) != nullptr;
    for (const Seed &s : seeds) {
        QString why;
        const std::optional<QString> name = s.userName ? std::optional<QString>(QString::fromLatin1(s.userName)) : std::nullopt;
        if (name ? store.userByName(*name) != nullptr : seededBefore)
            continue;
        // A full store gets the users that fit, each with all their passkeys or not at all.
        if (!store.roomFor(1, s.keys.size()).isEmpty())
            continue;
        const auto user = store.createUser(name, &why);
        if (!user)
            continue;
        for (const auto &k : s.keys) {
            StoredPasskey p;
            p.userId = user->id;
            p.webAuthnId = QString::fromLatin1(randomToken(16));
            p.label = QString::fromLatin1(k.label);
            p.aaguid = QString::fromLatin1(k.aaguid);
            p.authenticatorType = QString::fromLatin1(k.type);
            p.deviceType = QString::fromLatin1(k.deviceType);
            p.backedUp = k.backedUp;
            p.transports = k.transports;
            p.counter = k.counter;
            p.createdAt = now.addDays(-k.createdDaysAgo);
            if (k.lastUsedMinutesAgo >= 0)
                p.lastUsedAt = now.addSecs(-60 * k.lastUsedMinutesAgo);
            store.addPasskey(p);
        }
    }
}

} // namespace plainkey::emulator
