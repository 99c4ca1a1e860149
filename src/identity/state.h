// What an existing identity directory holds, for `apply`, `renew` and
// `list` to decide what to do with it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "identity/kafka_settings.h"
#include "keys/key_spec.h"
#include "stores/pkcs12.h"
#include "x509/certificate.h"
#include "x509/issue.h"

namespace certmint {

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
  // Format k8s (a Kubernetes Secret) and its namespace.
  bool kubernetes = false;
  std::string kubernetes_namespace;
  std::string strimzi_cluster;
  // The settings of server.properties; nullopt when certmint.json predates
  // them (written by an older certmint).
  std::optional<KafkaServerSettings> kafka;
};

// The identities certmint wrote under `out_dir` (directories holding a
// certmint.json), sorted by name.
std::vector<std::string> ListIdentities(const std::string& out_dir);

// Reads OUT/NAME; nullopt when it does not exist.
Result<std::optional<IdentityState>> ReadIdentityState(const std::string& out_dir,
                                                       const std::string& name);

}  // namespace certmint
