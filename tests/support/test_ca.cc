#include "support/test_ca.h"

#include <gtest/gtest.h>

namespace certmint::testing {

CaInitOptions FastCaOptions(std::string_view cn) {
  CaInitOptions o;
  o.subject = DistinguishedName::CommonName(cn).value();
  o.kdf_iterations = 1000;
  return o;
}

CertificateAuthority InitTestCa(const std::string& dir, std::string_view cn, TimePoint now,
                                int days) {
  CaInitOptions o = FastCaOptions(cn);
  o.now = now;
  o.days = days;
  return CertificateAuthority::Init(dir, o, SecretString(kTestCaPassword)).value();
}

std::optional<Identity> IssueForTest(const CertificateAuthority& ca,
                                     const IdentityRequest& request) {
  auto identity = IssueIdentity(ca, request);
  if (!identity) {
    ADD_FAILURE() << "issuing " << request.name << ": " << identity.error().ToString();
    return std::nullopt;
  }
  return *std::move(identity);
}

IdentityRequest NodeRequest(const std::string& name, Role role,
                            const std::vector<std::string>& sans, TimePoint now, int days) {
  IdentityRequest request;
  request.name = name;
  request.role = role;
  for (const auto& san : sans) {
    if (san.starts_with("IP:")) {
      request.sans.AddIp(san.substr(3));
    } else if (san.starts_with("DNS:")) {
      request.sans.AddDns(san.substr(4));
    } else {
      ADD_FAILURE() << "a SAN is DNS:... or IP:..., not " << san;
    }
  }
  if (now != TimePoint{}) {
    request.now = now;
  }
  request.days = days;
  return request;
}

NodeStores StoresOf(const Identity& identity, const std::vector<Certificate>& trust) {
  return {IdentityKeystore(identity, KeyAliasFor(identity.name, ""), trust),
          IdentityTruststore(identity, trust)};
}

}  // namespace certmint::testing
