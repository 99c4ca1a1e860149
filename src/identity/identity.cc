#include "identity/identity.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "stores/jks.h"

namespace certmint {

Status ValidateIdentityName(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("invalid identity name '{}': {}", name, why));
  };
  if (name.empty()) {
    return bad("it is empty");
  }
  if (name.size() > 64) {
    return bad("longer than 64 characters");
  }
  if (name.front() == '.' || name.front() == '-') {
    return bad("it must not start with '.' or '-'");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return bad("only letters, digits, '.', '_' and '-' are allowed");
    }
  }
  return {};
}

SubjectAltNames EffectiveSans(const std::string& name, const SubjectAltNames& sans) {
  SubjectAltNames out;
  if (auto dns = ParseDnsName(name); dns && IsValidHostName(name, /*allow_wildcard=*/false)) {
    out.AddDns(*dns);
  }
  for (const auto& d : sans.dns) {
    out.AddDns(d);
  }
  for (const auto& ip : sans.ips) {
    out.AddIp(ip);
  }
  return out;
}

Result<Identity> IssueIdentity(const CertificateAuthority& ca, const IdentityRequest& request) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(request.name));
  LeafProfile profile;
  if (request.subject) {
    profile.subject = *request.subject;
  } else {
    CM_ASSIGN_OR_RETURN(profile.subject, DistinguishedName::CommonName(request.name));
  }
  profile.sans = EffectiveSans(request.name, request.sans);
  profile.role = request.role;
  profile.days = request.days;
  profile.now = request.now;
  std::optional<PrivateKey> generated;
  if (!request.key) {
    CM_ASSIGN_OR_RETURN(auto k, PrivateKey::Generate(request.key_spec));
    generated.emplace(std::move(k));
  }
  const PrivateKey key = request.key ? *request.key : *generated;
  CM_ASSIGN_OR_RETURN(auto cert,
                      SignLeaf(ca.certificate(), ca.key(), key.native(), profile));
  return Identity{request.name, key, std::move(cert), ca.Chain()};
}

namespace {

std::vector<Certificate> TrustOf(const Identity& identity, const std::vector<Certificate>& trust) {
  if (!trust.empty()) {
    return trust;
  }
  return identity.ca_chain.empty() ? std::vector<Certificate>{}
                                   : std::vector<Certificate>{identity.ca_chain.back()};
}

void AddTrusted(KeyStore& store, const std::vector<Certificate>& trust) {
  for (size_t i = 0; i < trust.size(); ++i) {
    store.trusted.push_back({i == 0 ? std::string(kCaAlias) : fmt::format("{}-{}", kCaAlias, i + 1),
                             trust[i], TimePoint{}});
  }
}

}  // namespace

std::string KeyAliasFor(std::string_view name, std::string_view alias) {
  return NormalizeAlias(alias.empty() ? name : alias);
}

Status ValidateKeyAlias(std::string_view alias) {
  CM_RETURN_IF_ERROR(ValidateAlias(alias));
  const std::string a = NormalizeAlias(alias);
  const std::string ca = kCaAlias;
  const bool numbered = a.size() > ca.size() + 1 && a.compare(0, ca.size() + 1, ca + "-") == 0 &&
                        std::all_of(a.begin() + static_cast<long>(ca.size()) + 1, a.end(),
                                    [](unsigned char c) { return std::isdigit(c) != 0; });
  if (a == ca || numbered) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("alias '{}' is taken by the CA certificates in the stores ({}, "
                                 "{}-2, ...): give the key entry another one",
                                 a, ca, ca));
  }
  return {};
}

KeyStore IdentityKeystore(const Identity& identity, const std::string& alias,
                          const std::vector<Certificate>& trust) {
  KeyStore store;
  std::vector<Certificate> chain{identity.certificate};
  chain.insert(chain.end(), identity.ca_chain.begin(), identity.ca_chain.end());
  store.keys.push_back({alias, identity.key, std::move(chain), TimePoint{}});
  AddTrusted(store, TrustOf(identity, trust));
  return store;
}

KeyStore IdentityTruststore(const Identity& identity, const std::vector<Certificate>& trust) {
  KeyStore store;
  AddTrusted(store, TrustOf(identity, trust));
  return store;
}

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

namespace {

// Java properties escaping (java.util.Properties#store), for a file that
// Kafka reads with Properties.load(InputStream), which decodes ISO 8859-1:
// backslash, the separators, comment starters and a leading space get a
// backslash; tab, line breaks and form feed their escapes; every UTF-16 unit
// outside ASCII (a UTF-8 install path) a \uXXXX escape, so that Java sees the
// same characters. Bytes that are not UTF-8 are taken as ISO 8859-1.
std::string EscapeProperty(std::string_view v) {
  std::vector<uint16_t> units;
  if (auto utf16 = Utf16Be(v)) {
    for (size_t i = 0; i + 1 < utf16->size(); i += 2) {
      units.push_back(static_cast<uint16_t>(static_cast<unsigned char>((*utf16)[i]) << 8 |
                                            static_cast<unsigned char>((*utf16)[i + 1])));
    }
  } else {
    units.assign(v.begin(), v.end());
    for (auto& u : units) {
      u &= 0xFF;
    }
  }
  std::string out;
  for (size_t i = 0; i < units.size(); ++i) {
    const uint16_t c = units[i];
    if (c >= 0x80) {
      out += fmt::format("\\u{:04X}", c);
      continue;
    }
    switch (c) {
      case '\t': out += "\\t"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (c == '\\' || c == '=' || c == ':' || c == '#' || c == '!' || (c == ' ' && i == 0)) {
      out.push_back('\\');
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string InstalledPath(const std::string& install_dir, const std::string& file) {
  return install_dir + "/" + fs::Basename(file);
}

}  // namespace

std::string KafkaProperties(const IdentityFiles& files, const std::string& install_dir,
                            Role role, const SecretString& password) {
  const bool p12 = files.keystore_p12.has_value();
  const std::string type = p12 ? "PKCS12" : "JKS";
  const std::string ks = InstalledPath(install_dir, p12 ? *files.keystore_p12 : *files.keystore_jks);
  const std::string ts =
      InstalledPath(install_dir, p12 ? *files.truststore_p12 : *files.truststore_jks);
  const std::string pw = EscapeProperty(password.reveal());
  std::string out =
      "# Written by certmint. It holds the store password: keep it readable by Kafka only.\n"
      "security.protocol=SSL\n";
  out += "ssl.keystore.type=" + type + "\n";
  out += "ssl.keystore.location=" + EscapeProperty(ks) + "\n";
  out += "ssl.keystore.password=" + pw + "\n";
  out += "ssl.key.password=" + pw + "\n";
  out += "ssl.truststore.type=" + type + "\n";
  out += "ssl.truststore.location=" + EscapeProperty(ts) + "\n";
  out += "ssl.truststore.password=" + pw + "\n";
  out += "ssl.endpoint.identification.algorithm=https\n";
  if (role != Role::kClient) {
    out += "# Brokers: require a client certificate (mTLS).\nssl.client.auth=required\n";
  }
  return out;
}

std::string LibrdkafkaProperties(const IdentityFiles& files, const std::string& install_dir,
                                 const SecretString& password) {
  std::string out =
      "# Written by certmint for librdkafka (C/C++, Python, Go, .NET clients). It holds the "
      "store\n# password: keep it private.\n"
      "security.protocol=ssl\n";
  out += "ssl.ca.location=" + InstalledPath(install_dir, files.ca_certificate) + "\n";
  if (files.key) {
    out += "ssl.certificate.location=" + InstalledPath(install_dir, *files.chain) + "\n";
    out += "ssl.key.location=" + InstalledPath(install_dir, *files.key) + "\n";
    out += "ssl.key.password=" + std::string(password.reveal()) + "\n";
  } else {
    out += "ssl.keystore.location=" + InstalledPath(install_dir, *files.keystore_p12) + "\n";
    out += "ssl.keystore.password=" + std::string(password.reveal()) + "\n";
  }
  out += "ssl.endpoint.identification.algorithm=https\n";
  return out;
}

std::vector<std::string> ListIdentities(const std::string& out_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(out_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name[0] != '.' && fs::Exists(e.path().string() + "/certmint.json")) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool IssuedBy(const Certificate& cert, const Certificate& ca) {
  bool ok = X509_check_issued(ca.native(), cert.native()) == X509_V_OK &&
            X509_verify(cert.native(), X509_get0_pubkey(ca.native())) == 1;
  ClearOpenSslErrors();
  return ok;
}

int ValidityDays(const Certificate& cert) {
  const auto validity = cert.NotAfter() - cert.NotBefore();
  return std::max<int>(
      1, static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(validity).count() / 24));
}

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
  IdentityState state{cert, Role::kBoth, KeySpec{}, cert.Sans(), {}, "", false, std::nullopt, {},
                      Pkcs12Options{}, ""};
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
    auto meta = nlohmann::json::parse(*meta_text);
    for (const auto& f : meta.at("formats")) {
      CM_ASSIGN_OR_RETURN(auto fmt, ParseStoreFormat(f.get<std::string>()));
      state.formats.push_back(fmt);
    }
    state.install_dir = meta.value("install_dir", "");
    state.alias = meta.value("alias", "");
    if (meta.contains("p12_profile")) {
      CM_ASSIGN_OR_RETURN(
          state.pkcs12.profile,
          WithContext(ParsePkcs12Profile(meta.at("p12_profile").get<std::string>()),
                      paths.metadata));
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
  } catch (const nlohmann::json::exception&) {
    return std::optional<IdentityState>(std::move(state));
  }
  IdentityOutput as_written;
  as_written.formats = state.formats;
  as_written.write_password_file = fs::Exists(dir + "/password");
  IdentityFiles expected = IdentityPaths(out_dir, name, as_written);
  state.complete = true;
  for (const auto& f : {std::optional<std::string>(expected.certificate),
                        std::optional<std::string>(expected.ca_certificate), expected.key,
                        expected.chain, expected.keystore_p12, expected.truststore_p12,
                        expected.keystore_jks, expected.truststore_jks, expected.kafka_properties,
                        expected.librdkafka_properties}) {
    if (f && !fs::Exists(*f)) {
      state.complete = false;
    }
  }
  state.password_file = expected.password_file;
  return std::optional<IdentityState>(std::move(state));
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

}  // namespace certmint
