// What a node certificate is for (extendedKeyUsage).
#pragma once

#include <string_view>

#include "core/error.h"
#include "x509/certificate.h"

namespace certmint {

// What a node certificate is for: extendedKeyUsage serverAuth, clientAuth or
// both. Kafka brokers need both: they are clients of each other.
enum class Role { kServer, kClient, kBoth };
Result<Role> ParseRole(std::string_view text);
std::string_view RoleName(Role role);
// The role a certificate's extendedKeyUsage grants (kBoth when it has both
// serverAuth and clientAuth, or no EKU at all).
Role RoleOf(const Certificate& cert);

}  // namespace certmint
