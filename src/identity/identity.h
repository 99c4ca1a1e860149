// A node's TLS identity: its key, its CA-signed certificate and the files a
// TLS stack loads them from.
//
//   OUT/NAME/      0700
//     NAME.crt     0644  the node certificate (PEM)
//     NAME.key     0600  PKCS#8 PEM, encrypted with the store password
//     chain.pem    0644  node certificate followed by the CA certificate
//     ca.crt       0644  the CA certificate, for truststores
//     password     0600  the store password, when certmint generated it
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ca/authority.h"
#include "core/error.h"
#include "core/secret.h"
#include "keys/key_spec.h"
#include "keys/private_key.h"
#include "x509/certificate.h"
#include "x509/issue.h"

namespace certmint {

// Store passwords must be at least this long: keytool refuses shorter ones.
inline constexpr size_t kMinStorePasswordLength = 6;

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
};

struct Identity {
  std::string name;
  PrivateKey key;
  Certificate certificate;
  // The certificates above the node's own, up to and including the root.
  std::vector<Certificate> ca_chain;
};

// Makes a key and has the CA sign it. The SANs are the request's, plus the
// name itself as a DNS name when it is a valid host name.
Result<Identity> IssueIdentity(const CertificateAuthority& ca, const IdentityRequest& request);

struct IdentityFiles {
  std::string dir;
  std::string certificate;
  std::string key;
  std::string chain;
  std::string ca_certificate;
  std::optional<std::string> password_file;
};

// Where WriteIdentity puts the files of `name` under `out_dir`.
IdentityFiles IdentityPaths(const std::string& out_dir, const std::string& name,
                            bool with_password_file);

// Writes OUT/NAME/ as a whole: into a staging directory first, moved into
// place in one rename. kAlreadyExists if OUT/NAME exists; nothing is left
// behind on any error.
Result<IdentityFiles> WriteIdentity(const std::string& out_dir, const Identity& identity,
                                    const SecretString& store_password,
                                    bool write_password_file);

}  // namespace certmint
