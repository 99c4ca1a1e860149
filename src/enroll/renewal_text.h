// What happened to each identity in a renewal pass through the CA service
// (enroll/renewal_daemon.h), as one line for people: what `certmint renew
// --server` prints, and what a daemon would log.
#pragma once

#include <string>
#include <string_view>

#include "enroll/renewal_daemon.h"

namespace certmint {

// RenewalEventText describes `event` in one line ending in "\n"; `server`
// is the service's URL as given (ServerUrl::ToString).
std::string RenewalEventText(const RenewalEvent& event, std::string_view server);

}  // namespace certmint
