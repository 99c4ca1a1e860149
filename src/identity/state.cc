#include "identity/state.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "identity/files.h"

namespace certmint {

std::vector<std::string> ListIdentities(const std::string& out_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(out_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name[0] != '.' && fs::IsFile(e.path().string() + "/certmint.json")) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

// What certmint.json says was asked for (formats, settings, install_dir,
// alias, PKCS#12 profile), into `state`; errors name the file.
Status ReadMetadata(const nlohmann::json& meta, const std::string& dir, const IdentityFiles& paths,
                    IdentityState& state) {
  CM_ASSIGN_OR_RETURN(
      auto formats,
      WithContext(ParseFormatNames(meta.at("formats").get<std::vector<std::string>>()),
                  paths.metadata));
  state.formats = std::move(formats.stores);
  state.kubernetes = formats.kubernetes;
  state.kubernetes_namespace = meta.value("kubernetes_namespace", "");
  state.strimzi_cluster = meta.value("strimzi_cluster", "");
  if (meta.contains("kafka")) {
    CM_ASSIGN_OR_RETURN(state.kafka,
                        WithContext(ParseKafkaSettingsJson(meta.at("kafka")), paths.metadata));
  }
  state.install_dir = meta.value("install_dir", "");
  state.alias = meta.value("alias", "");
  if (meta.contains("p12_profile")) {
    CM_ASSIGN_OR_RETURN(
        state.pkcs12.profile,
        WithContext(ParsePkcs12Profile(meta.at("p12_profile").get<std::string>()), paths.metadata));
    state.pkcs12.passwordless = meta.value("passwordless_truststore", false);
  } else {
    // Written by an older certmint: the stores themselves say.
    if (auto ks = fs::ReadFile(dir + "/keystore.p12")) {
      state.pkcs12.profile = Pkcs12FormOf(*ks).profile;
    }
    if (auto ts = fs::ReadFile(dir + "/truststore.p12")) {
      state.pkcs12.passwordless = Pkcs12FormOf(*ts).passwordless;
    }
  }
  return {};
}

}  // namespace

Result<std::optional<IdentityState>> ReadIdentityState(const std::string& out_dir,
                                                       const std::string& name) {
  const std::string dir = out_dir + "/" + name;
  if (!fs::Exists(dir)) {
    return std::optional<IdentityState>();
  }
  IdentityOutput probe;
  IdentityFiles paths = IdentityPaths(out_dir, name, probe);
  CM_ASSIGN_OR_RETURN(auto pem, fs::ReadFile(paths.certificate));
  CM_ASSIGN_OR_RETURN(auto cert, WithContext(Certificate::FromPem(pem), paths.certificate));
  IdentityState state{cert, Role::kBoth, KeySpec{},    cert.Sans(), {},
                      "",   false,       std::nullopt, {},          Pkcs12Options{},
                      "",   false,       "",           "",          std::nullopt};
  if (auto bundle = fs::ReadFile(paths.ca_certificate)) {
    if (auto certs = Certificate::ChainFromPem(*bundle)) {
      for (const auto& c : *certs) {
        state.trusted.push_back(c.Sha256Fingerprint());
      }
    }
  }
  ossl::EvpPkeyPtr pub(X509_get_pubkey(cert.native()));
  KeyDescription d = DescribePublicKey(pub.get());
  state.key_type = d.algorithm == "RSA"       ? KeySpec{KeyAlgorithm::kRsa, d.bits, ""}
                   : d.algorithm == "Ed25519" ? KeySpec{KeyAlgorithm::kEd25519, 0, ""}
                                              : KeySpec{KeyAlgorithm::kEc, 0, d.curve};
  state.role = RoleOf(cert);

  // certmint.json says which formats and install_dir were asked for; without
  // it (an identity from an older or foreign tool) nothing can be trusted.
  auto meta_text = fs::ReadFile(paths.metadata);
  if (!meta_text) {
    return std::optional<IdentityState>(std::move(state));
  }
  try {
    CM_RETURN_IF_ERROR(ReadMetadata(nlohmann::json::parse(*meta_text), dir, paths, state));
  } catch (const nlohmann::json::exception&) {
    return std::optional<IdentityState>(std::move(state));
  }
  IdentityOutput as_written;
  as_written.formats = state.formats;
  as_written.kubernetes = state.kubernetes;
  as_written.write_password_file = fs::IsFile(dir + "/password");
  IdentityFiles expected = IdentityPaths(out_dir, name, as_written, state.role);
  if (!state.kafka) {
    expected.server_properties.reset();  // an older certmint wrote none
  }
  state.complete = true;
  for (const auto& f :
       {std::optional<std::string>(expected.certificate),
        std::optional<std::string>(expected.ca_certificate), expected.key, expected.chain,
        expected.keystore_p12, expected.truststore_p12, expected.keystore_jks,
        expected.truststore_jks, expected.kafka_properties, expected.librdkafka_properties,
        expected.server_properties, expected.kubernetes_secret}) {
    if (f && !fs::IsFile(*f)) {
      state.complete = false;
    }
  }
  state.password_file = expected.password_file;
  return std::optional<IdentityState>(std::move(state));
}

}  // namespace certmint
