// CAs and identities for unit tests, made quickly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ca/authority.h"
#include "identity/identity.h"
#include "stores/keystore.h"

namespace certmint::testing {

// A CA named CN=`cn` whose key is encrypted with 1,000 KDF iterations (the
// real count is covered by the CLI tests); set `now` and the rest as needed.
CaInitOptions FastCaOptions(std::string_view cn);

// The password of the CAs InitTestCa makes.
inline constexpr const char* kTestCaPassword = "ca-password";
// A root CA CN=`cn` in `dir`, made at `now` for `days` (FastCaOptions).
// Throws (and so fails the test) when it cannot be made.
CertificateAuthority InitTestCa(const std::string& dir, std::string_view cn, TimePoint now,
                                int days = 3650);

// What `ca` issues for `request` (IssueIdentity, the one way unit tests get
// a node certificate); a failure fails the test and yields nullopt.
std::optional<Identity> IssueForTest(const CertificateAuthority& ca,
                                     const IdentityRequest& request);

// A request for NAME with `role` and SANs (each "DNS:..." or "IP:..."),
// issued at `now` for `days`.
IdentityRequest NodeRequest(const std::string& name, Role role,
                            const std::vector<std::string>& sans = {}, TimePoint now = {},
                            int days = 365);

// A node's stores as certmint writes them: the keystore with its key entry
// (alias: the name lower-cased) and the truststore with `trust` (default:
// the root of the identity's chain).
struct NodeStores {
  KeyStore keystore;
  KeyStore truststore;
};
NodeStores StoresOf(const Identity& identity, const std::vector<Certificate>& trust = {});

}  // namespace certmint::testing
