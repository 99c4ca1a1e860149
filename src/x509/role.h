// What a node certificate is for (extendedKeyUsage).
#pragma once

#include <string_view>

#include "core/error.h"
#include "x509/certificate.h"

namespace certmint {

// What a node certificate is for: extendedKeyUsage serverAuth, clientAuth or
// both. Kafka brokers need both: they are clients of each other. kAdmin is a
// client (clientAuth) that may also read the CA service's inventory (/ui/,
// /v1/inventory, /metrics): its extendedKeyUsage carries kAdminEkuOid beside
// clientAuth (docs/certificate-profile.md).
enum class Role { kServer, kClient, kBoth, kAdmin };

// certmint's "inventory administrator" key purpose: an OID under 2.25 (ITU-T
// X.667, an OID from a UUID: unique without a registration).
inline constexpr std::string_view kAdminEkuOid = "2.25.238004730117647026982409007895486921402";

// Whether a certificate of `role` may serve TLS (serverAuth): server and
// both.
bool HasServerAuth(Role role);
Result<Role> ParseRole(std::string_view text);
std::string_view RoleName(Role role);
// The role a certificate's extendedKeyUsage grants (kBoth when it has both
// serverAuth and clientAuth, or no EKU at all; kAdmin when it has clientAuth
// and kAdminEkuOid but not serverAuth).
Role RoleOf(const Certificate& cert);
// RoleOf for a DER certificate, reading only its extendedKeyUsage (a report
// of ten thousand certificates need not decode each public key); kInvalidData
// when `der` is not a certificate's outer structure.
Result<Role> RoleOfDer(std::string_view der);

}  // namespace certmint
