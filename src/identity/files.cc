#include "identity/files.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "identity/properties.h"
#include "stores/jks.h"
#include "stores/store_io.h"

namespace certmint {

Result<std::vector<StoreFormat>> ParseFormatList(std::string_view text) {
  std::vector<StoreFormat> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    CM_ASSIGN_OR_RETURN(auto f, ParseStoreFormat(text.substr(start, end - start)));
    if (std::find(out.begin(), out.end(), f) == out.end()) {
      out.push_back(f);
    }
    start = end + 1;
  }
  return out;
}

namespace {
bool Has(const IdentityOutput& o, StoreFormat f) {
  return std::find(o.formats.begin(), o.formats.end(), f) != o.formats.end();
}
}  // namespace

IdentityFiles IdentityPaths(const std::string& out_dir, const std::string& name,
                            const IdentityOutput& output) {
  const std::string dir = out_dir + "/" + name;
  IdentityFiles f;
  f.dir = dir;
  f.certificate = dir + "/" + name + ".crt";
  f.ca_certificate = dir + "/ca.crt";
  if (Has(output, StoreFormat::kPem)) {
    f.key = dir + "/" + name + ".key";
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
  f.metadata = dir + "/certmint.json";
  return f;
}

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
  const IdentityFiles final_paths = IdentityPaths(out_dir, identity.name, output);
  if (!output.replace && fs::Exists(final_paths.dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", final_paths.dir));
  }
  CM_ASSIGN_OR_RETURN(auto staging, fs::StagingDir::Create(final_paths.dir));
  const std::vector<Certificate> trust = TrustOf(identity, output.trust);
  std::string trust_pem;
  for (const auto& c : trust) {
    trust_pem += c.ToPem();
  }
  CM_RETURN_IF_ERROR(staging.WriteFile(fs::Basename(final_paths.certificate),
                                         identity.certificate.ToPem(), fs::kPublicFile));
  CM_RETURN_IF_ERROR(
      staging.WriteFile(fs::Basename(final_paths.ca_certificate), trust_pem, fs::kPublicFile));
  if (final_paths.key) {
    CM_ASSIGN_OR_RETURN(auto key_pem, identity.key.ToEncryptedPkcs8Pem(
                                          store_password, Pkcs8Encryption{kNodeKeyIterations}));
    CM_RETURN_IF_ERROR(staging.WriteFile(fs::Basename(*final_paths.key), key_pem, fs::kPrivateFile));
    std::string chain = identity.certificate.ToPem();
    for (const auto& c : identity.ca_chain) {
      chain += c.ToPem();
    }
    CM_RETURN_IF_ERROR(staging.WriteFile(fs::Basename(*final_paths.chain), chain, fs::kPublicFile));
  }
  const KeyStore keystore = IdentityKeystore(identity, alias, trust);
  const KeyStore truststore = IdentityTruststore(identity, trust);
  if (final_paths.keystore_p12) {
    Pkcs12Options key_options = output.pkcs12;
    key_options.passwordless = false;
    CM_ASSIGN_OR_RETURN(auto p12, WritePkcs12(keystore, store_password, key_options));
    CM_RETURN_IF_ERROR(
        staging.WriteFile(fs::Basename(*final_paths.keystore_p12), p12, fs::kPrivateFile));
    CM_ASSIGN_OR_RETURN(auto t12, WritePkcs12(truststore, store_password, output.pkcs12));
    CM_RETURN_IF_ERROR(
        staging.WriteFile(fs::Basename(*final_paths.truststore_p12), t12, fs::kPublicFile));
  }
  if (final_paths.keystore_jks) {
    CM_ASSIGN_OR_RETURN(auto jks, WriteJks(keystore, store_password, output.now));
    CM_RETURN_IF_ERROR(
        staging.WriteFile(fs::Basename(*final_paths.keystore_jks), jks, fs::kPrivateFile));
    CM_ASSIGN_OR_RETURN(auto tjks, WriteJks(truststore, store_password, output.now));
    CM_RETURN_IF_ERROR(
        staging.WriteFile(fs::Basename(*final_paths.truststore_jks), tjks, fs::kPublicFile));
  }
  if (final_paths.password_file) {
    std::string line(store_password.reveal());
    line.push_back('\n');
    auto st = staging.WriteFile(fs::Basename(*final_paths.password_file), line, fs::kPrivateFile);
    Cleanse(line);
    CM_RETURN_IF_ERROR(st);
  }
  const std::string install_dir =
      output.install_dir.empty() ? fs::Absolute(final_paths.dir) : output.install_dir;
  const Role role = RoleOf(identity.certificate);
  if (final_paths.kafka_properties) {
    std::string props = KafkaProperties(final_paths, install_dir, role, store_password);
    auto st = staging.WriteFile(fs::Basename(*final_paths.kafka_properties), props,
                                  fs::kPrivateFile);
    Cleanse(props);
    CM_RETURN_IF_ERROR(st);
  }
  if (final_paths.librdkafka_properties) {
    std::string props = LibrdkafkaProperties(final_paths, install_dir, store_password);
    auto st = staging.WriteFile(fs::Basename(*final_paths.librdkafka_properties), props,
                                  fs::kPrivateFile);
    Cleanse(props);
    CM_RETURN_IF_ERROR(st);
  }
  nlohmann::json meta{
      {"name", identity.name},
      {"serial", identity.certificate.SerialHex()},
      {"install_dir", output.install_dir},
      {"formats", nlohmann::json::array()},
      {"alias", output.alias},
      {"p12_profile", Pkcs12ProfileName(output.pkcs12.profile)},
      {"passwordless_truststore", output.pkcs12.passwordless}};
  for (StoreFormat f : output.formats) {
    meta["formats"].push_back(f == StoreFormat::kPkcs12 ? "p12" : f == StoreFormat::kJks ? "jks"
                                                                                          : "pem");
  }
  CM_RETURN_IF_ERROR(
      staging.WriteFile(fs::Basename(final_paths.metadata), meta.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", fs::kPublicFile));
  CM_RETURN_IF_ERROR(output.replace ? staging.CommitReplacing() : staging.Commit());
  return final_paths;
}

std::vector<IdentityStoreFiles> FindIdentityStores(const std::string& dir) {
  std::vector<IdentityStoreFiles> out;
  auto in = [&](const std::string& f) { return dir + "/" + f; };
  if (fs::Exists(in("keystore.p12")) && fs::Exists(in("truststore.p12"))) {
    out.push_back({"p12", {in("keystore.p12")}, in("truststore.p12")});
  }
  if (fs::Exists(in("keystore.jks")) && fs::Exists(in("truststore.jks"))) {
    out.push_back({"jks", {in("keystore.jks")}, in("truststore.jks")});
  }
  const std::string name = fs::Basename(fs::Absolute(dir));
  if (fs::Exists(in(name + ".key")) && fs::Exists(in("chain.pem")) && fs::Exists(in("ca.crt"))) {
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
