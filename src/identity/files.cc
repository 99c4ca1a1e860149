#include "identity/files.h"

#include <fmt/format.h>

#include <algorithm>
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
  CM_RETURN_IF_ERROR(CheckFormats(out));
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
  f.metadata = dir + "/certmint.json";
  return f;
}

namespace {

// NAME.crt and ca.crt; with PEM the encrypted key and chain.pem.
Status StagePemFiles(fs::StagingDir& staging, const IdentityFiles& paths, const Identity& identity,
                     const std::vector<Certificate>& trust, const SecretString& password) {
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

// The PKCS#12 and JKS keystores and truststores.
Status StageStores(fs::StagingDir& staging, const IdentityFiles& paths, const KeyStore& keystore,
                   const KeyStore& truststore, const SecretString& password,
                   const IdentityOutput& output) {
  if (paths.keystore_p12) {
    Pkcs12Options key_options = output.pkcs12;
    key_options.passwordless = false;
    CM_ASSIGN_OR_RETURN(auto p12, WritePkcs12(keystore, password, key_options));
    CM_RETURN_IF_ERROR(staging.WriteFile(fs::Basename(*paths.keystore_p12), p12, fs::kPrivateFile));
    CM_ASSIGN_OR_RETURN(auto t12, WritePkcs12(truststore, password, output.pkcs12));
    CM_RETURN_IF_ERROR(
        staging.WriteFile(fs::Basename(*paths.truststore_p12), t12, fs::kPublicFile));
  }
  if (paths.keystore_jks) {
    CM_ASSIGN_OR_RETURN(auto jks, WriteJks(keystore, password, output.now));
    CM_RETURN_IF_ERROR(staging.WriteFile(fs::Basename(*paths.keystore_jks), jks, fs::kPrivateFile));
    CM_ASSIGN_OR_RETURN(auto tjks, WriteJks(truststore, password, output.now));
    CM_RETURN_IF_ERROR(
        staging.WriteFile(fs::Basename(*paths.truststore_jks), tjks, fs::kPublicFile));
  }
  return {};
}

// A file holding the password: written 0600, the copy wiped.
Status StageSecretFile(fs::StagingDir& staging, const std::string& path, std::string text) {
  auto st = staging.WriteFile(fs::Basename(path), text, fs::kPrivateFile);
  Cleanse(text);
  return st;
}

// The password file, kafka.properties and librdkafka.properties.
Status StageSettings(fs::StagingDir& staging, const IdentityFiles& paths, const Identity& identity,
                     const SecretString& password, const IdentityOutput& output) {
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
  if (paths.librdkafka_properties) {
    CM_ASSIGN_OR_RETURN(auto librdkafka, LibrdkafkaProperties(paths, install_dir, password));
    CM_RETURN_IF_ERROR(
        StageSecretFile(staging, *paths.librdkafka_properties, std::move(librdkafka)));
  }
  return {};
}

// certmint.json: what was asked for, so that a re-apply or a renewal writes
// the identity the same way.
Status StageMetadata(fs::StagingDir& staging, const IdentityFiles& paths, const Identity& identity,
                     const IdentityOutput& output) {
  nlohmann::json meta{{"name", identity.name},
                      {"serial", identity.certificate.SerialHex()},
                      {"install_dir", output.install_dir},
                      {"formats", nlohmann::json::array()},
                      {"alias", output.alias},
                      {"p12_profile", Pkcs12ProfileName(output.pkcs12.profile)},
                      {"passwordless_truststore", output.pkcs12.passwordless}};
  for (StoreFormat f : output.formats) {
    meta["formats"].push_back(f == StoreFormat::kPkcs12     ? "p12"
                              : f == StoreFormat::kJks      ? "jks"
                              : f == StoreFormat::kPemPlain ? "pem-plain"
                                                            : "pem");
  }
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
  // The install directory goes into kafka.properties (escaped) and
  // librdkafka.properties, which has no escapes: a line break there would
  // add a setting of its own (enable.ssl.certificate.verification=false).
  // A tab stays part of the value in both.
  for (unsigned char c : output.install_dir) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("install_dir '{}': control characters are not allowed",
                                   PrintableBytes(output.install_dir, 200)));
    }
  }
  CM_RETURN_IF_ERROR(CheckFormats(output.formats));
  const IdentityFiles paths = IdentityPaths(out_dir, identity.name, output);
  if (!output.replace && fs::Exists(paths.dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", paths.dir));
  }
  CM_ASSIGN_OR_RETURN(auto staging, fs::StagingDir::Create(paths.dir));
  const std::vector<Certificate> trust = TrustOf(identity, output.trust);
  CM_RETURN_IF_ERROR(StagePemFiles(staging, paths, identity, trust, store_password));
  CM_RETURN_IF_ERROR(StageStores(staging, paths, IdentityKeystore(identity, alias, trust),
                                 IdentityTruststore(identity, trust), store_password, output));
  CM_RETURN_IF_ERROR(StageSettings(staging, paths, identity, store_password, output));
  CM_RETURN_IF_ERROR(StageMetadata(staging, paths, identity, output));
  CM_RETURN_IF_ERROR(output.replace ? staging.CommitReplacing() : staging.Commit());
  return paths;
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
