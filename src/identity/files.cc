#include "identity/files.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/atomic_dir.h"
#include "core/encoding.h"
#include "core/fs.h"
#include "identity/kubernetes.h"
#include "identity/properties.h"
#include "stores/jks.h"
#include "stores/store_io.h"

namespace certmint {

Result<OutputFormats> ParseFormatNames(const std::vector<std::string>& names) {
  OutputFormats out;
  for (const auto& name : names) {
    if (name == kKubernetesFormat) {
      out.kubernetes = true;
      continue;
    }
    auto f = ParseStoreFormat(name);
    if (!f) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("unknown format '{}' (expected pem, pem-plain, p12, jks or k8s)",
                                   PrintableBytes(name, 80)));
    }
    if (std::find(out.stores.begin(), out.stores.end(), *f) == out.stores.end()) {
      out.stores.push_back(*f);
    }
  }
  if (out.stores.empty() && !out.kubernetes) {
    return MakeError(ErrorCode::kInvalidArgument, "at least one format is needed");
  }
  CM_RETURN_IF_ERROR(CheckFormats(out.stores));
  return out;
}

Result<OutputFormats> ParseFormatList(std::string_view text) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    names.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return ParseFormatNames(names);
}

std::vector<std::string> FormatNames(const std::vector<StoreFormat>& stores, bool kubernetes) {
  std::vector<std::string> out;
  for (StoreFormat f : stores) {
    out.push_back(f == StoreFormat::kPkcs12     ? "p12"
                  : f == StoreFormat::kJks      ? "jks"
                  : f == StoreFormat::kPemPlain ? "pem-plain"
                                                : "pem");
  }
  if (kubernetes) {
    out.emplace_back(kKubernetesFormat);
  }
  return out;
}

Result<std::string> KubernetesName(std::string_view name) {
  // RFC 1123 subdomain: at most 253 characters, labels of lower-case
  // letters, digits and '-' that start and end with a letter or digit.
  std::string out = AsciiLower(name);
  bool ok = !out.empty() && out.size() <= 253;
  char prev = '.';
  for (char c : out) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    ok &= alnum || c == '-' || c == '.';
    ok &= !(c == '.' && (prev == '.' || prev == '-')) && !(c == '-' && prev == '.');
    prev = c;
  }
  ok &= prev != '.' && prev != '-';
  if (!ok) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("'{}' cannot name a Kubernetes Secret (lower-case letters, digits, "
                    "'-' and '.', starting and ending with a letter or digit)",
                    PrintableBytes(name, 80)));
  }
  return out;
}

Status CheckFormats(const std::vector<StoreFormat>& formats) {
  const auto has = [&](StoreFormat f) {
    return std::find(formats.begin(), formats.end(), f) != formats.end();
  };
  if (has(StoreFormat::kPem) && has(StoreFormat::kPemPlain)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "pem and pem-plain both write NAME.key: choose one");
  }
  if (has(StoreFormat::kJceks)) {
    return MakeError(ErrorCode::kInvalidArgument, "certmint does not write JCEKS");
  }
  return {};
}

Status CheckInstallDir(std::string_view install_dir) {
  // The install directory goes into kafka.properties (escaped) and
  // librdkafka.properties, which has no escapes: a line break there would
  // add a setting of its own (enable.ssl.certificate.verification=false).
  // A tab stays part of the value in both.
  for (unsigned char c : install_dir) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("install_dir '{}': control characters are not allowed",
                                   PrintableBytes(install_dir, 200)));
    }
  }
  return {};
}

namespace {
bool Has(const IdentityOutput& o, StoreFormat f) {
  return std::find(o.formats.begin(), o.formats.end(), f) != o.formats.end();
}
}  // namespace

IdentityFiles IdentityPaths(const std::string& out_dir, const std::string& name,
                            const IdentityOutput& output, Role role) {
  const std::string dir = out_dir + "/" + name;
  IdentityFiles f;
  f.dir = dir;
  f.certificate = dir + "/" + name + ".crt";
  f.ca_certificate = dir + "/ca.crt";
  if (Has(output, StoreFormat::kPem) || Has(output, StoreFormat::kPemPlain)) {
    f.key = dir + "/" + name + ".key";
    f.plain_key = Has(output, StoreFormat::kPemPlain);
    f.chain = dir + "/chain.pem";
  }
  if (Has(output, StoreFormat::kPkcs12)) {
    f.keystore_p12 = dir + "/keystore.p12";
    f.truststore_p12 = dir + "/truststore.p12";
  }
  if (Has(output, StoreFormat::kJks)) {
    f.keystore_jks = dir + "/keystore.jks";
    f.truststore_jks = dir + "/truststore.jks";
  }
  if (output.write_password_file) {
    f.password_file = dir + "/password";
  }
  if (f.keystore_p12 || f.keystore_jks) {
    f.kafka_properties = dir + "/kafka.properties";
  }
  if (f.key || f.keystore_p12) {
    f.librdkafka_properties = dir + "/librdkafka.properties";
  }
  if (!output.crl_pem.empty()) {
    f.crl = dir + "/" + std::string(kIdentityCrlFile);
  }
  if (f.kafka_properties && HasServerAuth(role)) {
    f.server_properties = dir + "/server.properties";
  }
  if (output.kubernetes) {
    f.kubernetes_secret = dir + "/secret.yaml";
    if (!output.strimzi_cluster.empty()) {
      f.strimzi_ca = dir + "/strimzi-ca.yaml";
    }
  }
  f.metadata = dir + "/certmint.json";
  return f;
}

namespace {

// NAME.crt and ca.crt; with PEM the encrypted key and chain.pem.
Status StagePemFiles(fs::DirectoryUpdate& staging, const IdentityFiles& paths,
                     const Identity& identity, const std::vector<Certificate>& trust,
                     const SecretString& password) {
  std::string trust_pem;
  for (const auto& c : trust) {
    trust_pem += c.ToPem();
  }
  CM_RETURN_IF_ERROR(staging.WriteFile(fs::Basename(paths.certificate),
                                       identity.certificate.ToPem(), fs::kPublicFile));
  CM_RETURN_IF_ERROR(
      staging.WriteFile(fs::Basename(paths.ca_certificate), trust_pem, fs::kPublicFile));
  if (!paths.key) {
    return {};
  }
  // pem-plain: for peers that take no passphrase; still 0600.
  CM_ASSIGN_OR_RETURN(auto key_pem, paths.plain_key
                                        ? identity.key.ToPkcs8Pem()
                                        : identity.key.ToEncryptedPkcs8Pem(
                                              password, Pkcs8Encryption{kNodeKeyIterations}));
  auto written = staging.WriteFile(fs::Basename(*paths.key), key_pem, fs::kPrivateFile);
  Cleanse(key_pem);
  CM_RETURN_IF_ERROR(written);
  std::string chain = identity.certificate.ToPem();
  for (const auto& c : identity.ca_chain) {
    chain += c.ToPem();
  }
  return staging.WriteFile(fs::Basename(*paths.chain), chain, fs::kPublicFile);
}

// A file holding a secret (the password, a key): written 0600, the copy wiped.
Status StageSecretFile(fs::DirectoryUpdate& staging, const std::string& path, std::string text) {
  auto st = staging.WriteFile(fs::Basename(path), text, fs::kPrivateFile);
  Cleanse(text);
  return st;
}

// The PKCS#12 and JKS keystores and truststores; each also into `stores`
// (the Secret's data, for format k8s).
Status StageStores(fs::DirectoryUpdate& staging, const IdentityFiles& paths,
                   const KeyStore& keystore, const KeyStore& truststore,
                   const SecretString& password, const IdentityOutput& output,
                   std::vector<SecretEntry>& stores) {
  const auto stage = [&](const std::string& path, std::string bytes, mode_t mode) -> Status {
    CM_RETURN_IF_ERROR(staging.WriteFile(fs::Basename(path), bytes, mode));
    stores.push_back({fs::Basename(path), std::move(bytes)});
    return {};
  };
  if (paths.keystore_p12) {
    Pkcs12Options key_options = output.pkcs12;
    key_options.passwordless = false;
    CM_ASSIGN_OR_RETURN(auto p12, WritePkcs12(keystore, password, key_options));
    CM_RETURN_IF_ERROR(stage(*paths.keystore_p12, std::move(p12), fs::kPrivateFile));
    CM_ASSIGN_OR_RETURN(auto t12, WritePkcs12(truststore, password, output.pkcs12));
    CM_RETURN_IF_ERROR(stage(*paths.truststore_p12, std::move(t12), fs::kPublicFile));
  }
  if (paths.keystore_jks) {
    CM_ASSIGN_OR_RETURN(auto jks, WriteJks(keystore, password, output.now));
    CM_RETURN_IF_ERROR(stage(*paths.keystore_jks, std::move(jks), fs::kPrivateFile));
    CM_ASSIGN_OR_RETURN(auto tjks, WriteJks(truststore, password, output.now));
    CM_RETURN_IF_ERROR(stage(*paths.truststore_jks, std::move(tjks), fs::kPublicFile));
  }
  return {};
}

// Format k8s: secret.yaml (0600: it holds the key and the password) and,
// with a Strimzi cluster, strimzi-ca.yaml.
Status StageKubernetes(fs::DirectoryUpdate& staging, const IdentityFiles& paths,
                       const Identity& identity, const std::vector<Certificate>& trust,
                       const SecretString& password, const IdentityOutput& output,
                       std::vector<SecretEntry> stores) {
  if (!paths.kubernetes_secret) {
    return {};
  }
  CM_ASSIGN_OR_RETURN(auto name, KubernetesName(identity.name));
  std::string chain = identity.certificate.ToPem();
  for (const auto& c : identity.ca_chain) {
    chain += c.ToPem();
  }
  std::string anchors;
  for (const auto& c : trust) {
    anchors += c.ToPem();
  }
  CM_ASSIGN_OR_RETURN(auto key, identity.key.ToPkcs8Pem());
  std::vector<SecretEntry> data{
      {"tls.crt", chain}, {"tls.key", std::move(key)}, {"ca.crt", anchors}};
  for (auto& s : stores) {
    data.push_back(std::move(s));
  }
  if (paths.keystore_p12 || paths.keystore_jks) {
    data.push_back({"password", std::string(password.reveal())});
  }
  std::string yaml =
      "# Written by certmint for " + identity.name +
      ": kubectl apply -f this file. It holds the private key\n# and the store password.\n" +
      SecretManifest(name, output.kubernetes_namespace, "kubernetes.io/tls", data,
                     {{"app.kubernetes.io/managed-by", "certmint"}}, {});
  for (auto& d : data) {
    Cleanse(d.value);
  }
  CM_RETURN_IF_ERROR(StageSecretFile(staging, *paths.kubernetes_secret, std::move(yaml)));
  if (paths.strimzi_ca) {
    CM_RETURN_IF_ERROR(staging.WriteFile(
        fs::Basename(*paths.strimzi_ca),
        StrimziCaSecrets(output.strimzi_cluster, output.kubernetes_namespace, trust),
        fs::kPublicFile));
  }
  return {};
}

// The password file, kafka.properties and librdkafka.properties.
Status StageSettings(fs::DirectoryUpdate& staging, const IdentityFiles& paths,
                     const Identity& identity, const SecretString& password,
                     const IdentityOutput& output) {
  if (paths.password_file) {
    CM_RETURN_IF_ERROR(
        StageSecretFile(staging, *paths.password_file, std::string(password.reveal()) + "\n"));
  }
  const std::string install_dir =
      output.install_dir.empty() ? fs::Absolute(paths.dir) : output.install_dir;
  if (paths.kafka_properties) {
    CM_RETURN_IF_ERROR(StageSecretFile(
        staging, *paths.kafka_properties,
        KafkaProperties(paths, install_dir, RoleOf(identity.certificate), password)));
  }
  if (paths.kafka_properties && CarriesStatusLocations(identity.certificate)) {
    CM_RETURN_IF_ERROR(staging.WriteFile(std::string(kRevocationSecurityFile),
                                         RevocationSecurityText(), fs::kPublicFile));
    CM_RETURN_IF_ERROR(staging.WriteFile(
        std::string(kKafkaOptsFile),
        KafkaOptsText(install_dir, paths.dir, RoleOf(identity.certificate)), fs::kPublicFile));
  }
  if (paths.crl) {
    CM_RETURN_IF_ERROR(
        staging.WriteFile(fs::Basename(*paths.crl), output.crl_pem, fs::kPublicFile));
  }
  if (paths.librdkafka_properties) {
    CM_ASSIGN_OR_RETURN(auto librdkafka, LibrdkafkaProperties(paths, install_dir, password));
    CM_RETURN_IF_ERROR(
        StageSecretFile(staging, *paths.librdkafka_properties, std::move(librdkafka)));
  }
  if (paths.server_properties) {
    CM_ASSIGN_OR_RETURN(auto server, KafkaServerProperties(paths, install_dir, identity.certificate,
                                                           identity.name, output.kafka, password));
    CM_RETURN_IF_ERROR(StageSecretFile(staging, *paths.server_properties, std::move(server)));
  }
  return {};
}

// certmint.json: what was asked for, so that a re-apply or a renewal writes
// the identity the same way.
Status StageMetadata(fs::DirectoryUpdate& staging, const IdentityFiles& paths,
                     const Identity& identity, const IdentityOutput& output) {
  nlohmann::json meta{{"name", identity.name},
                      {"serial", identity.certificate.SerialHex()},
                      {"install_dir", output.install_dir},
                      {"formats", FormatNames(output.formats, output.kubernetes)},
                      {"alias", output.alias},
                      {"p12_profile", Pkcs12ProfileName(output.pkcs12.profile)},
                      {"passwordless_truststore", output.pkcs12.passwordless},
                      {"kafka", KafkaSettingsJson(output.kafka)},
                      {"kubernetes_namespace", output.kubernetes_namespace},
                      {"strimzi_cluster", output.strimzi_cluster}};
  return staging.WriteFile(
      fs::Basename(paths.metadata),
      meta.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", fs::kPublicFile);
}

}  // namespace

Result<IdentityFiles> WriteIdentity(const std::string& out_dir, const Identity& identity,
                                    const SecretString& store_password,
                                    const IdentityOutput& output) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(identity.name));
  if (store_password.size() < kMinStorePasswordLength) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the store password must have at least {} characters "
                                 "(keytool refuses shorter ones)",
                                 kMinStorePasswordLength));
  }
  const std::string alias = KeyAliasFor(identity.name, output.alias);
  CM_RETURN_IF_ERROR(ValidateKeyAlias(alias));
  CM_RETURN_IF_ERROR(CheckFormats(output.formats));
  CM_RETURN_IF_ERROR(CheckInstallDir(output.install_dir));
  const IdentityFiles paths =
      IdentityPaths(out_dir, identity.name, output, RoleOf(identity.certificate));
  if (!output.replace && fs::Exists(paths.dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", paths.dir));
  }
  CM_ASSIGN_OR_RETURN(auto staging,
                      fs::DirectoryUpdate::Begin(paths.dir, output.replace, output.now));
  const std::vector<Certificate> trust = TrustOf(identity, output.trust);
  CM_RETURN_IF_ERROR(StagePemFiles(staging, paths, identity, trust, store_password));
  std::vector<SecretEntry> stores;
  CM_RETURN_IF_ERROR(StageStores(staging, paths, IdentityKeystore(identity, alias, trust),
                                 IdentityTruststore(identity, trust), store_password, output,
                                 stores));
  CM_RETURN_IF_ERROR(StageSettings(staging, paths, identity, store_password, output));
  CM_RETURN_IF_ERROR(
      StageKubernetes(staging, paths, identity, trust, store_password, output, std::move(stores)));
  CM_RETURN_IF_ERROR(StageMetadata(staging, paths, identity, output));
  CM_RETURN_IF_ERROR(staging.Publish());
  return paths;
}

std::vector<IdentityStoreFiles> FindIdentityStores(const std::string& dir) {
  std::vector<IdentityStoreFiles> out;
  auto in = [&](const std::string& f) { return dir + "/" + f; };
  // IsFile follows the links of the atomic-writer layout (core/atomic_dir.h).
  if (fs::IsFile(in("keystore.p12")) && fs::IsFile(in("truststore.p12"))) {
    out.push_back({"p12", {in("keystore.p12")}, in("truststore.p12")});
  }
  if (fs::IsFile(in("keystore.jks")) && fs::IsFile(in("truststore.jks"))) {
    out.push_back({"jks", {in("keystore.jks")}, in("truststore.jks")});
  }
  const std::string name = fs::Basename(fs::Absolute(dir));
  if (fs::IsFile(in(name + ".key")) && fs::IsFile(in("chain.pem")) && fs::IsFile(in("ca.crt"))) {
    out.push_back({"pem", {in(name + ".key"), in("chain.pem")}, in("ca.crt")});
  }
  return out;
}

Result<KeyStore> LoadIdentityKeystore(const std::string& dir, const SecretString& password) {
  auto stores = FindIdentityStores(dir);
  if (stores.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{}: no keystore holding the current key", dir));
  }
  CM_ASSIGN_OR_RETURN(auto ks, LoadStoreFiles(stores[0].keystore_files, &password));
  if (ks.keys.size() != 1) {
    return MakeError(ErrorCode::kInvalidData, "the keystore must hold exactly one key");
  }
  return ks;
}

}  // namespace certmint
