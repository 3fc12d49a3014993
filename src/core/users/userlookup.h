#pragma once

#include "core/api/plainkeyclient.h"
#include "core/users/user.h"
#include "core/users/useridentifier.h"

namespace plainkey {

//! Fetches the user \a who names: GET /user/{id} for an ID, GET /user?userName= for a name.
//! An empty identifier fails with InvalidInput, asynchronously like every call, and returns nullptr.
ApiCall *lookUpUser(PlainKeyClient &client, const UserIdentifier &who, QObject *context,
                    PlainKeyClient::Handler<User> handler);

} // namespace plainkey
