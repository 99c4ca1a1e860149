// A node's TLS identity: its key, its CA-signed certificate and the files a
// TLS stack loads them from.
//
//   OUT/NAME/      0700
//     NAME.crt     0644  the node certificate (PEM)
//     NAME.key     0600  PKCS#8 PEM, encrypted with the store password
//     chain.pem    0644  node certificate followed by the CA certificate
//     ca.crt       0644  the CA certificate, for truststores
//     password     0600  the store password, when certmint generated it
//     keystore.p12 / keystore.jks      0600  key entry NAME (chain: node, CA) + trusted caroot
//     truststore.p12 / truststore.jks  0644  trusted caroot
// The PEM files come with format pem, the stores with p12 and jks; NAME.crt
// and ca.crt are always written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ca/authority.h"
#include "core/error.h"
#include "core/secret.h"
#include "keys/key_spec.h"
#include "keys/private_key.h"
#include "stores/keystore.h"
#include "stores/pkcs12.h"
#include "x509/certificate.h"
#include "x509/issue.h"

namespace certmint {

// NAME becomes a directory and file name: letters, digits, '.', '_' and '-',
// not starting with '.' or '-', at most 64 characters.
Status ValidateIdentityName(std::string_view name);

struct IdentityRequest {
  std::string name;
  // Subject; CN=name when unset.
  std::optional<DistinguishedName> subject;
  SubjectAltNames sans;
  Role role = Role::kBoth;
  int days = 365;
  KeySpec key_spec = DefaultKeySpec();
  TimePoint now = std::chrono::system_clock::now();
  // Reuse this key instead of making one (renew --keep-key, signing a CSR's key).
  std::optional<PrivateKey> key;
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

// Makes a key and has the CA sign it. The SANs are the request's, plus the
// name itself as a DNS name when it is a valid host name.
Result<Identity> IssueIdentity(const CertificateAuthority& ca, const IdentityRequest& request);

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

struct IdentityOutput {
  // Which formats to write; default all three.
  std::vector<StoreFormat> formats{StoreFormat::kPem, StoreFormat::kPkcs12, StoreFormat::kJks};
  // Alias of the key entry; the name lower-cased when empty.
  std::string alias;
  // Profile of keystore.p12 and truststore.p12; `passwordless` applies to
  // truststore.p12 only.
  Pkcs12Options pkcs12;
  bool write_password_file = false;
  // Where the files will live on the node, for the paths in
  // kafka.properties and librdkafka.properties; empty: OUT/NAME as given
  // (made absolute).
  std::string install_dir;
  // Replace an existing OUT/NAME in one atomic exchange instead of refusing.
  bool replace = false;
  // The CAs the truststores (and ca.crt) carry; empty: the root of the
  // identity's chain. Two during a CA rotation.
  std::vector<Certificate> trust;
  TimePoint now = std::chrono::system_clock::now();
};

// Parses "pem,p12,jks" (any subset, any order).
Result<std::vector<StoreFormat>> ParseFormatList(std::string_view text);

struct IdentityFiles {
  std::string dir;
  std::string certificate;
  std::string ca_certificate;
  std::optional<std::string> key;
  std::optional<std::string> chain;
  std::optional<std::string> password_file;
  std::optional<std::string> keystore_p12;
  std::optional<std::string> truststore_p12;
  std::optional<std::string> keystore_jks;
  std::optional<std::string> truststore_jks;
  std::optional<std::string> kafka_properties;
  std::optional<std::string> librdkafka_properties;
  std::string metadata;  // certmint.json: what was asked for, to plan re-applies
};

// What an existing OUT/NAME holds, for `apply` to decide whether to keep it.
struct IdentityState {
  Certificate certificate;
  Role role = Role::kBoth;
  KeySpec key_type;
  SubjectAltNames sans;
  std::vector<StoreFormat> formats;
  std::string install_dir;
  // Every file the formats call for is there.
  bool complete = false;
  // The password file, when certmint generated the password.
  std::optional<std::string> password_file;
  // SHA-256 fingerprints of the CAs in ca.crt (what the truststores trust).
  std::vector<std::string> trusted;
  // How the PKCS#12 stores were written and the key entry's alias (empty:
  // the default), so that a renewal writes them the same way.
  Pkcs12Options pkcs12;
  std::string alias;
};

// The identities certmint wrote under `out_dir` (directories holding a
// certmint.json), sorted by name.
std::vector<std::string> ListIdentities(const std::string& out_dir);

// Reads OUT/NAME; nullopt when it does not exist.
Result<std::optional<IdentityState>> ReadIdentityState(const std::string& out_dir,
                                                       const std::string& name);

// Whether `cert` was signed by `ca` (issuer name and signature).
bool IssuedBy(const Certificate& cert, const Certificate& ca);

// A certificate's validity in whole days (at least 1): what a renewal that
// keeps the lifetime asks for.
int ValidityDays(const Certificate& cert);

// Lines for Kafka (Java properties, escaped) and librdkafka, pointing at the
// identity's files under `install_dir`.
std::string KafkaProperties(const IdentityFiles& files, const std::string& install_dir,
                            Role role, const SecretString& password);
std::string LibrdkafkaProperties(const IdentityFiles& files, const std::string& install_dir,
                                 const SecretString& password);

// Where WriteIdentity puts the files of `name` under `out_dir`.
IdentityFiles IdentityPaths(const std::string& out_dir, const std::string& name,
                            const IdentityOutput& output);

// Writes OUT/NAME/ as a whole: into a staging directory first, moved into
// place in one rename. kAlreadyExists if OUT/NAME exists; nothing is left
// behind on any error.
Result<IdentityFiles> WriteIdentity(const std::string& out_dir, const Identity& identity,
                                    const SecretString& store_password,
                                    const IdentityOutput& output);

}  // namespace certmint
