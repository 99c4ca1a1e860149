// The cluster manifest: one YAML file describing the CA and every identity.
//
//   ca:
//     subject: "CN=Kafka CA,O=Acme"
//     key_type: ec:p256
//     days: 3650
//     renewal_window_days: 30     # re-issue identities this close to expiry
//     url: http://ca.example.com:8080  # the status listener (docs/revocation.md)
//   defaults:                     # for every identity; each may override
//     key_type: ec:p256
//     days: 365                 # or 90d, or hours: 24h (short-lived, renewed at 2/3)
//     role: both
//     formats: [pem, p12, jks]    # pem-plain instead of pem: an unencrypted key;
//                                 # k8s: also a Kubernetes Secret (secret.yaml)
//     install_dir: /etc/kafka/ssl # where the files will live on the node
//     p12_profile: modern         # or legacy, for Java before 8u301 / 11.0.12
//     passwordless_truststore: false  # true: Kafka needs no ssl.truststore.password
//     subject: "CN={name},OU=Kafka,O=Acme"  # default CN={name}; {n}: the group number
//     alias: "{name}"             # the key entry's alias (default: the name)
//     exec: /etc/kafka/reload.sh  # reload hook after a renewal (identity/reload_hook.h)
//     exec_timeout: 60            # seconds before the hook is killed
//     kafka:                      # server.properties of role server/both
//       listener: SSL             # default SSL, CONTROLLER for controllers
//       port: 9093                # default 9093, 9094 for controllers
//       controller: false         # true: a KRaft controller
//   kubernetes:                   # for format k8s
//     namespace: kafka            # the Secrets' namespace (default: none)
//     strimzi_cluster: my-cluster # also Strimzi's CA Secrets (strimzi-ca.yaml)
//   identities:
//     - name: broker-{n}          # a group: {n} runs from start to start+count-1
//       count: 12
//       start: 1
//       dns: [broker-{n}.kafka.example.com]
//       ip: [10.0.0.{n}]
//     - name: client-app
//       role: client
//
// Unknown keys and keys given twice in one mapping are errors, reported with
// file:line:column and the field.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/ca_settings.h"
#include "core/error.h"
#include "identity/kafka_settings.h"
#include "keys/key_spec.h"
#include "stores/keystore.h"
#include "stores/pkcs12.h"
#include "x509/general_names.h"
#include "x509/issue.h"
#include "x509/name.h"

namespace certmint {

struct CaSpec {
  DistinguishedName subject;
  KeySpec key_type = DefaultKeySpec();
  Validity days = 3650;
  int renewal_window_days = 30;
  // The status listener's base URL (ParseStatusUrl): `apply` gives it to the
  // CA before issuing; empty (no `url`): the CA's setting is left as it is.
  std::string url;
};

// What the manifest's servers (role server or both) share in their
// server.properties: the principals of them all as super users, and the
// KRaft controllers' listener name and HOST:PORTs.
struct KafkaCluster {
  std::vector<std::string> super_users;
  std::vector<std::string> controllers;
  std::string controller_listener;
};

// One identity after group expansion.
struct IdentitySpec {
  std::string name;
  SubjectAltNames sans;  // as written; the name is added at issuance
  Role role = Role::kBoth;
  KeySpec key_type = DefaultKeySpec();
  Validity days = 365;  // days (365, 365d) or hours (24h): short-lived
  std::vector<StoreFormat> formats{StoreFormat::kPem, StoreFormat::kPkcs12, StoreFormat::kJks};
  bool kubernetes = false;  // format k8s
  // The `kubernetes` section: the Secrets' namespace, the Strimzi cluster.
  std::string kubernetes_namespace;
  std::string strimzi_cluster;
  // server.properties: its `kafka` settings (listener, port, controller)...
  KafkaServerSettings kafka;
  // ...and, for role server or both, what every server of the manifest
  // shares (one copy: a large manifest would otherwise hold its list of
  // principals once per identity); null for clients.
  std::shared_ptr<const KafkaCluster> kafka_cluster;
  std::string install_dir;  // empty: the identity's own output directory
  Pkcs12Options pkcs12;     // p12_profile, passwordless_truststore
  // The certificate's subject (Kafka's principal); nullopt: CN=NAME.
  std::optional<DistinguishedName> subject;
  // The key entry's alias in the stores (lower-cased); empty: NAME
  // lower-cased.
  std::string alias;
  // The reload hook run after apply renewed the identity or updated its
  // trust (`exec`, `exec_timeout`); an empty command: `apply --exec`, if any.
  std::string exec;
  int exec_timeout = 60;
  std::string where;  // "file:line:column" of its entry, for messages
};

struct Manifest {
  std::string path;
  CaSpec ca;
  std::vector<IdentitySpec> identities;
};

// Bounds on what a manifest may expand to, so that a small file cannot make
// `apply` (or a dry run) take unbounded time or memory: YAML aliases let a
// few hundred kilobytes name the same list of names for every identity of a
// large group. Below them, parsing and planning take time linear in the
// expanded manifest. Each is refused with file:line:column, the field and
// the bound.
//
// The manifest file itself (LoadManifest).
inline constexpr size_t kMaxManifestBytes = 16 * 1024 * 1024;
// Largest group certmint expands (count), to bound memory and typos.
inline constexpr int kMaxGroupCount = 100000;
// Identities in a manifest, after group expansion.
inline constexpr size_t kMaxManifestIdentities = 100000;
// `dns` and `ip` entries of one identity (a certificate with more names than
// this is beyond what TLS peers handle well).
inline constexpr size_t kMaxNamesPerIdentity = 1000;
// `dns` and `ip` entries of all identities together, after group expansion
// (each name is at most 253 characters, so this bounds the memory too).
inline constexpr size_t kMaxManifestNames = 1000000;
// Characters of any one value (a name, a subject, an install_dir).
inline constexpr size_t kMaxManifestValue = 1024;
// YAML nodes (scalars, lists, mappings; an alias counts as the nodes it
// names) in the file, counted by a streaming pass before the tree is built:
// yaml-cpp spends several microseconds and about 450 bytes on each node of
// its tree, so the byte bound alone lets 16 MiB of "a," take half a minute
// and gigabytes. The largest manifest the bounds above allow needs far
// fewer when it uses groups; written out one identity at a time, the most
// identities with a name and a DNS name each (a mapping, two keys, two
// values) take 5 nodes apiece, 500,000 in all, with 1,000 more for the
// other sections.
inline constexpr size_t kMaxManifestNodes = 5 * kMaxManifestIdentities + 1000;

// The settings an identity's server.properties is written from: its `kafka`
// settings with what the cluster's servers share.
KafkaServerSettings KafkaSettingsOf(const IdentitySpec& spec);

Result<Manifest> LoadManifest(const std::string& path);
Result<Manifest> ParseManifest(const std::string& text, const std::string& path);

}  // namespace certmint
