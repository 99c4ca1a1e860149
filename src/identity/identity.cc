#include "identity/identity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "stores/jks.h"

namespace certmint {

SubjectAltNames EffectiveSans(const std::string& name, const SubjectAltNames& sans) {
  SubjectAltNames out;
  if (auto dns = ParseDnsName(name); dns && IsValidHostName(name, /*allow_wildcard=*/false)) {
    out.dns.push_back(*dns);
  }
  out.dns.insert(out.dns.end(), sans.dns.begin(), sans.dns.end());
  out.ips = sans.ips;
  out.RemoveDuplicates();  // linear: a manifest may list many names
  return out;
}

Result<Identity> IssueIdentity(const Issuer& issuer, const IdentityRequest& request,
                               const IdentityDeploy& deploy) {
  CertificateOrder order;
  order.name = request.name;
  order.service_identity = request.service_identity;
  if (request.subject) {
    order.profile.subject = *request.subject;
  } else {
    CM_ASSIGN_OR_RETURN(order.profile.subject, DistinguishedName::CommonName(request.name));
  }
  order.profile.sans = EffectiveSans(request.name, request.sans);
  order.profile.role = request.role;
  order.profile.days = request.days;
  order.profile.now = request.now;
  std::optional<PrivateKey> generated;
  if (!request.key) {
    CM_ASSIGN_OR_RETURN(auto k, PrivateKey::Generate(request.key_spec));
    generated.emplace(std::move(k));
  }
  const PrivateKey key = request.key ? *request.key : *generated;
  order.public_key = key.native();
  std::optional<Identity> identity;
  CM_RETURN_IF_ERROR(issuer.Issue(order, [&](const Certificate& cert) -> Status {
    identity.emplace(Identity{request.name, key, cert, issuer.ca().Chain()});
    return deploy ? deploy(*identity) : Status{};
  }));
  return std::move(*identity);
}

Result<Identity> IssueIdentity(const CertificateAuthority& ca, const IdentityRequest& request) {
  return IssueIdentity(Issuer(ca, nullptr), request);
}

std::vector<Certificate> TrustOf(const Identity& identity, const std::vector<Certificate>& trust) {
  if (!trust.empty()) {
    return trust;
  }
  return identity.ca_chain.empty() ? std::vector<Certificate>{}
                                   : std::vector<Certificate>{identity.ca_chain.back()};
}

namespace {

void AddTrusted(KeyStore& store, const std::vector<Certificate>& trust) {
  for (size_t i = 0; i < trust.size(); ++i) {
    store.trusted.push_back({i == 0 ? std::string(kCaAlias) : fmt::format("{}-{}", kCaAlias, i + 1),
                             trust[i], TimePoint{}});
  }
}

}  // namespace

std::string KeyAliasFor(std::string_view name, std::string_view alias) {
  return NormalizeAlias(alias.empty() ? name : alias);
}

Status ValidateKeyAlias(std::string_view alias) {
  CM_RETURN_IF_ERROR(ValidateAlias(alias));
  const std::string a = NormalizeAlias(alias);
  const std::string ca = kCaAlias;
  const bool numbered = a.size() > ca.size() + 1 && a.compare(0, ca.size() + 1, ca + "-") == 0 &&
                        std::all_of(a.begin() + static_cast<long>(ca.size()) + 1, a.end(),
                                    [](unsigned char c) { return std::isdigit(c) != 0; });
  if (a == ca || numbered) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("alias '{}' is taken by the CA certificates in the stores ({}, "
                                 "{}-2, ...): give the key entry another one",
                                 a, ca, ca));
  }
  return {};
}

KeyStore IdentityKeystore(const Identity& identity, const std::string& alias,
                          const std::vector<Certificate>& trust) {
  KeyStore store;
  std::vector<Certificate> chain{identity.certificate};
  chain.insert(chain.end(), identity.ca_chain.begin(), identity.ca_chain.end());
  store.keys.push_back({alias, identity.key, std::move(chain), TimePoint{}});
  AddTrusted(store, TrustOf(identity, trust));
  return store;
}

KeyStore IdentityTruststore(const Identity& identity, const std::vector<Certificate>& trust) {
  KeyStore store;
  AddTrusted(store, TrustOf(identity, trust));
  return store;
}

}  // namespace certmint
