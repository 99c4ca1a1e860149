// Where an identity's files live and how they are written:
//
//   OUT/NAME/      0700
//     NAME.crt     0644  the node certificate (PEM)
//     NAME.key     0600  PKCS#8 PEM, encrypted with the store password
//                        (with format pem-plain: not encrypted)
//     chain.pem    0644  node certificate followed by the CA certificate
//     ca.crt       0644  the CA certificate, for truststores
//     password     0600  the store password, when certmint generated it
//     keystore.p12 / keystore.jks      0600  key entry NAME (chain: node, CA) + trusted caroot
//     truststore.p12 / truststore.jks  0644  trusted caroot
//     kafka.properties, librdkafka.properties 0600  settings pointing at the stores
//     server.properties 0600  a broker's or controller's SSL listener (role
//                             server or both, with p12 or jks)
//     secret.yaml  0600  a Kubernetes Secret (format k8s)
//     strimzi-ca.yaml 0644  Strimzi's CA certificate Secrets (k8s, with a
//                           Strimzi cluster)
//     crl.pem      0644  the CA's CRL, when one was at hand (issue and apply
//                        on the CA host; kept by renew, refreshed by
//                        `crl --server` and `renew --daemon`): then
//                        librdkafka.properties has ssl.crl.location
//     certmint.json 0644  what was asked for, to plan re-applies
// The PEM files come with format pem (or pem-plain), the stores with p12 and
// jks; NAME.crt and ca.crt are always written. Each visible name is a
// symlink into the current generation (`NAME.crt -> ..data/NAME.crt`,
// `..data -> ..2026_11_30_12_00_00.Ab3xYz/`): the atomic-writer layout of
// core/atomic_dir.h, so that a renewal replaces every file at once inside
// a directory that stays, and file watchers see it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "identity/identity.h"
#include "identity/kafka_settings.h"
#include "stores/keystore.h"
#include "stores/pkcs12.h"

namespace certmint {

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
  // A server identity's listener and the cluster's super users, for
  // server.properties.
  KafkaServerSettings kafka;
  // Format k8s: also a Kubernetes Secret manifest (identity/kubernetes.h)
  // in `kubernetes_namespace` (empty: none named, kubectl's current one).
  bool kubernetes = false;
  std::string kubernetes_namespace;
  // With k8s: the Strimzi Kafka cluster whose custom-CA Secrets to write
  // (strimzi-ca.yaml); empty: none.
  std::string strimzi_cluster;
  // Replace an existing OUT/NAME by a new generation of its files (one
  // rename; core/atomic_dir.h) instead of refusing.
  bool replace = false;
  // The CAs the truststores (and ca.crt) carry; empty: the root of the
  // identity's chain. Two during a CA rotation.
  std::vector<Certificate> trust;
  // The CA's current CRL (PEM): written as crl.pem, and librdkafka.properties
  // gets ssl.crl.location pointing at it. Empty: neither (librdkafka refuses
  // to start when the file named there is missing).
  std::string crl_pem;
  TimePoint now = std::chrono::system_clock::now();
};

// The CRL file in an identity directory.
inline constexpr std::string_view kIdentityCrlFile = "crl.pem";

// The output formats of an identity: its stores, and whether it gets a
// Kubernetes Secret too (format k8s, which is no store).
struct OutputFormats {
  std::vector<StoreFormat> stores;
  bool kubernetes = false;
};
inline constexpr std::string_view kKubernetesFormat = "k8s";
// Parses format names ("pem", "pem-plain", "p12", "jks", "k8s"; each once
// however often given), then CheckFormats; at least one is needed.
Result<OutputFormats> ParseFormatNames(const std::vector<std::string>& names);
// ParseFormatNames of "pem,p12,jks" (any subset, any order).
Result<OutputFormats> ParseFormatList(std::string_view text);
// The names of `output`'s formats, as certmint.json records them.
std::vector<std::string> FormatNames(const std::vector<StoreFormat>& stores, bool kubernetes);
// A Kubernetes object name (RFC 1123 subdomain, lower case) for the
// identity `name`: kInvalidArgument when lower-casing does not make one.
Result<std::string> KubernetesName(std::string_view name);
// Formats an identity can be written in: not pem with pem-plain (both are
// NAME.key), no JCEKS; kInvalidArgument otherwise.
Status CheckFormats(const std::vector<StoreFormat>& formats);

// An install directory (where the files will live on the node): no control
// character but tab, since it is written into librdkafka.properties, which
// has no escapes. kInvalidArgument otherwise.
Status CheckInstallDir(std::string_view install_dir);

struct IdentityFiles {
  std::string dir;
  std::string certificate;
  std::string ca_certificate;
  std::optional<std::string> key;
  bool plain_key = false;  // `key` is not encrypted (format pem-plain)
  std::optional<std::string> chain;
  std::optional<std::string> password_file;
  std::optional<std::string> keystore_p12;
  std::optional<std::string> truststore_p12;
  std::optional<std::string> keystore_jks;
  std::optional<std::string> truststore_jks;
  std::optional<std::string> kafka_properties;
  std::optional<std::string> librdkafka_properties;
  std::optional<std::string> server_properties;
  std::optional<std::string> kubernetes_secret;
  std::optional<std::string> strimzi_ca;
  std::optional<std::string> crl;  // crl.pem, with output.crl_pem
  std::string metadata;            // certmint.json: what was asked for, to plan re-applies
};

// Where WriteIdentity puts the files of `name` under `out_dir`; `role` is
// the certificate's (server.properties is for servers).
IdentityFiles IdentityPaths(const std::string& out_dir, const std::string& name,
                            const IdentityOutput& output, Role role = Role::kBoth);

// Writes OUT/NAME/ as a whole: a new directory is staged beside its final
// path and moved into place in one rename; with output.replace an existing
// one gets a new generation of its files, published in one rename of its
// `..data` link (core/atomic_dir.h). kAlreadyExists if OUT/NAME exists
// without output.replace; on any error before the commit point nothing is
// left behind and the old files stay whole.
Result<IdentityFiles> WriteIdentity(const std::string& out_dir, const Identity& identity,
                                    const SecretString& store_password,
                                    const IdentityOutput& output);

// Where an identity directory's stores are, per format: keystore.p12 with
// truststore.p12, keystore.jks with truststore.jks, NAME.key + chain.pem with
// ca.crt.
struct IdentityStoreFiles {
  std::string format;                       // "p12", "jks", "pem"
  std::vector<std::string> keystore_files;  // PEM: key and chain, read as one
  std::string truststore_file;
};
std::vector<IdentityStoreFiles> FindIdentityStores(const std::string& dir);

// The key, certificate and trusted entries of the identity in `dir`, read
// from its first keystore with `password`. kNotFound without a keystore,
// kInvalidData unless it holds exactly one key.
Result<KeyStore> LoadIdentityKeystore(const std::string& dir, const SecretString& password);

}  // namespace certmint
