// A node's TLS identity: its key and its CA-signed certificate, how one is
// issued, and the keystore and truststore it is deployed in. Where the files
// go is identity/files.h; what an existing directory holds, identity/state.h;
// its Kafka and librdkafka settings, identity/properties.h; renewing it,
// identity/renew.h.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ca/authority.h"
#include "ca/identity_name.h"
#include "ca/issuer.h"
#include "core/error.h"
#include "keys/key_spec.h"
#include "keys/private_key.h"
#include "stores/keystore.h"
#include "x509/certificate.h"
#include "x509/issue.h"

namespace certmint {

struct IdentityRequest {
  std::string name;
  // Subject; CN=name when unset.
  std::optional<DistinguishedName> subject;
  SubjectAltNames sans;
  Role role = Role::kBoth;
  Validity days = 365;
  KeySpec key_spec = DefaultKeySpec();
  TimePoint now = std::chrono::system_clock::now();
  // Reuse this key instead of making one (renew --keep-key, signing a CSR's key).
  std::optional<PrivateKey> key;
  // The CA service's own certificate (kServiceIdentityName); refused for
  // every other caller.
  bool service_identity = false;
};

struct Identity {
  std::string name;
  PrivateKey key;
  Certificate certificate;
  // The certificates above the node's own, up to and including the root.
  std::vector<Certificate> ca_chain;
};

// The SANs an identity's certificate carries: `sans` plus `name` as a DNS
// name when it is a valid host name (first).
SubjectAltNames EffectiveSans(const std::string& name, const SubjectAltNames& sans);

// Puts a freshly signed identity in place (writes its directory); an error
// leaves its certificate pending in the inventory.
using IdentityDeploy = std::function<Status(const Identity&)>;

// Makes a key (or takes request.key) and issues it through `issuer`: signed,
// recorded pending, deployed, activated (ca/issuer.h).
Result<Identity> IssueIdentity(const Issuer& issuer, const IdentityRequest& request,
                               const IdentityDeploy& deploy = nullptr);
// The same without an inventory: nothing recorded (tests, previews).
Result<Identity> IssueIdentity(const CertificateAuthority& ca, const IdentityRequest& request);

// The anchors an identity's stores trust: `trust` when given, else the root
// of its chain.
std::vector<Certificate> TrustOf(const Identity& identity, const std::vector<Certificate>& trust);

// The node's keystore: its key under `alias` with the chain, and the trust
// anchors as trusted entries (as the seed imports CARoot into it): the first
// is kCaAlias ("caroot"), others "caroot-2", "caroot-3" (during a CA
// rotation). Without `trust`, the root of the identity's chain.
KeyStore IdentityKeystore(const Identity& identity, const std::string& alias,
                          const std::vector<Certificate>& trust = {});
// The truststore: the trust anchors (default: the root of the chain).
KeyStore IdentityTruststore(const Identity& identity, const std::vector<Certificate>& trust = {});

// The alias of an identity's key entry: `alias`, else the name lower-cased.
std::string KeyAliasFor(std::string_view name, std::string_view alias);
// A key entry's alias must be a valid alias and not one the CA certificates
// take in the same stores (caroot, caroot-2, ...): Java keeps one entry per
// alias, and the key would vanish.
Status ValidateKeyAlias(std::string_view alias);

}  // namespace certmint
