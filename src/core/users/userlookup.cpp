#include "core/users/userlookup.h"

#include "core/users/userops.h"

#include <QTimer>

namespace plainkey {

ApiCall *lookUpUser(PlainKeyClient &client, const UserIdentifier &who, QObject *context, PlainKeyClient::Handler<User> handler)
{
    const QString problem = who.problem();
    if (!problem.isEmpty()) {
        const ApiError error(ApiError::Kind::InvalidInput, problem,
                             who.isId() ? QStringLiteral("Fetching the user") : QStringLiteral("Finding the user"));
        QTimer::singleShot(0, context ? context : &client, [handler = std::move(handler), error] { handler(error); });
        return nullptr;
    }
    if (who.isId())
        return client.call<GetUser>(context, std::move(handler), who.value);
    return client.call<FindUserByName>(context, std::move(handler), who.value);
}

} // namespace plainkey
