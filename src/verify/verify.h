// Proves, before deployment, that a keystore and truststore will work: one
// result per check, each naming what it looked at, instead of a bool.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "core/secret.h"
#include "inventory/inventory.h"
#include "stores/keystore.h"
#include "x509/crl.h"
#include "x509/issue.h"

namespace certmint {

enum class CheckStatus { kOk, kWarn, kFail };
std::string_view CheckStatusName(CheckStatus s);

struct Check {
  std::string scope;  // "keystore.p12", "truststore.jks", "files"
  // Stable, for scripts: "certificate_validity" (docs/json.md lists them).
  std::string id;
  // What the check is about when it runs once per thing ("CN=broker-1", a
  // host, a file); empty otherwise.
  std::string subject;
  std::string name;  // for people: "validity of CN=broker-1"
  CheckStatus status = CheckStatus::kOk;
  std::string detail;
};

struct VerifyOptions {
  // Host names or IPs the certificate must cover (SAN rules as Kafka's
  // https endpoint identification applies them).
  std::vector<std::string> hosts;
  // The role to check EKU against; nullopt: reported, not checked.
  std::optional<Role> role;
  int warn_days = 30;
  TimePoint now = std::chrono::system_clock::now();
  // With CRLs, the node certificate must not be revoked.
  std::vector<Crl> crls;
  // The certificates the CA's inventory records as revoked (verify --dir):
  // the node certificate must not be one of them. nullopt: not checked.
  std::optional<std::vector<InventoryRecord>> revoked = std::nullopt;
  // Where `revoked` comes from, for the report ("the inventory of pki").
  std::string revoked_source = {};
};

// A keystore and the truststore it is deployed with.
struct StorePair {
  std::string keystore_label;
  std::string truststore_label;
  KeyStore keystore;
  KeyStore truststore;
};

std::vector<Check> VerifyStorePair(const StorePair& pair, const VerifyOptions& options);

// Private files (keys, keystores, passwords, properties) must not be readable
// by group or others.
std::vector<Check> CheckPrivateFileModes(const std::vector<std::string>& paths);

// Password files given for a check (--password-file), which may live
// anywhere and be shared with a service's group: a warning for each that
// other users (not the owner, not the group) may read or write; a missing
// one is no finding.
std::vector<Check> CheckPasswordFileModes(const std::vector<std::string>& paths);

// Prometheus text format (node_exporter textfile collector): seconds to
// expiry of every certificate of the keystore's chains.
std::string ExpiryMetrics(const std::string& identity, const KeyStore& keystore, TimePoint now);

CheckStatus WorstStatus(const std::vector<Check>& checks);

}  // namespace certmint
