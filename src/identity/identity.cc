#include "identity/identity.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

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

Result<Identity> IssueIdentity(const CertificateAuthority& ca, const IdentityRequest& request) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(request.name));
  LeafProfile profile;
  if (request.subject) {
    profile.subject = *request.subject;
  } else {
    CM_ASSIGN_OR_RETURN(profile.subject, DistinguishedName::CommonName(request.name));
  }
  if (IsValidHostName(request.name, /*allow_wildcard=*/false)) {
    CM_ASSIGN_OR_RETURN(auto dns, ParseDnsName(request.name));
    profile.sans.AddDns(dns);
  }
  for (const auto& d : request.sans.dns) {
    profile.sans.AddDns(d);
  }
  for (const auto& ip : request.sans.ips) {
    profile.sans.AddIp(ip);
  }
  profile.role = request.role;
  profile.days = request.days;
  profile.now = request.now;
  CM_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(request.key_spec));
  CM_ASSIGN_OR_RETURN(auto cert,
                      SignLeaf(ca.certificate(), ca.key(), key.native(), profile));
  return Identity{request.name, std::move(key), std::move(cert), {ca.certificate()}};
}

KeyStore IdentityKeystore(const Identity& identity, const std::string& alias) {
  KeyStore store;
  std::vector<Certificate> chain{identity.certificate};
  chain.insert(chain.end(), identity.ca_chain.begin(), identity.ca_chain.end());
  store.keys.push_back({alias, identity.key, std::move(chain), TimePoint{}});
  if (!identity.ca_chain.empty()) {
    store.trusted.push_back({kCaAlias, identity.ca_chain.back(), TimePoint{}});
  }
  return store;
}

KeyStore IdentityTruststore(const Identity& identity) {
  KeyStore store;
  if (!identity.ca_chain.empty()) {
    store.trusted.push_back({kCaAlias, identity.ca_chain.back(), TimePoint{}});
  }
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
  const std::string alias = output.alias.empty() ? NormalizeAlias(identity.name) : output.alias;
  CM_RETURN_IF_ERROR(ValidateAlias(alias));
  const IdentityFiles final_paths = IdentityPaths(out_dir, identity.name, output);
  if (fs::Exists(final_paths.dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", final_paths.dir));
  }
  CM_ASSIGN_OR_RETURN(auto staging, fs::StagingDir::Create(final_paths.dir));
  auto in_staging = [&](const std::string& final_path) {
    return staging.File(fs::Basename(final_path));
  };
  const Certificate& root = identity.ca_chain.empty() ? identity.certificate
                                                       : identity.ca_chain.back();
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(in_staging(final_paths.certificate),
                                         identity.certificate.ToPem(), fs::kPublicFile));
  CM_RETURN_IF_ERROR(
      fs::WriteFileAtomic(in_staging(final_paths.ca_certificate), root.ToPem(), fs::kPublicFile));
  if (final_paths.key) {
    CM_ASSIGN_OR_RETURN(auto key_pem, identity.key.ToEncryptedPkcs8Pem(
                                          store_password, Pkcs8Encryption{kNodeKeyIterations}));
    CM_RETURN_IF_ERROR(fs::WriteFileAtomic(in_staging(*final_paths.key), key_pem, fs::kPrivateFile));
    std::string chain = identity.certificate.ToPem();
    for (const auto& c : identity.ca_chain) {
      chain += c.ToPem();
    }
    CM_RETURN_IF_ERROR(fs::WriteFileAtomic(in_staging(*final_paths.chain), chain, fs::kPublicFile));
  }
  const KeyStore keystore = IdentityKeystore(identity, alias);
  const KeyStore truststore = IdentityTruststore(identity);
  if (final_paths.keystore_p12) {
    Pkcs12Options key_options = output.pkcs12;
    key_options.passwordless = false;
    CM_ASSIGN_OR_RETURN(auto p12, WritePkcs12(keystore, store_password, key_options));
    CM_RETURN_IF_ERROR(
        fs::WriteFileAtomic(in_staging(*final_paths.keystore_p12), p12, fs::kPrivateFile));
    CM_ASSIGN_OR_RETURN(auto t12, WritePkcs12(truststore, store_password, output.pkcs12));
    CM_RETURN_IF_ERROR(
        fs::WriteFileAtomic(in_staging(*final_paths.truststore_p12), t12, fs::kPublicFile));
  }
  if (final_paths.keystore_jks) {
    CM_ASSIGN_OR_RETURN(auto jks, WriteJks(keystore, store_password, output.now));
    CM_RETURN_IF_ERROR(
        fs::WriteFileAtomic(in_staging(*final_paths.keystore_jks), jks, fs::kPrivateFile));
    CM_ASSIGN_OR_RETURN(auto tjks, WriteJks(truststore, store_password, output.now));
    CM_RETURN_IF_ERROR(
        fs::WriteFileAtomic(in_staging(*final_paths.truststore_jks), tjks, fs::kPublicFile));
  }
  if (final_paths.password_file) {
    std::string line(store_password.reveal());
    line.push_back('\n');
    auto st = fs::WriteFileAtomic(in_staging(*final_paths.password_file), line, fs::kPrivateFile);
    Cleanse(line);
    CM_RETURN_IF_ERROR(st);
  }
  CM_RETURN_IF_ERROR(staging.Commit());
  return final_paths;
}

}  // namespace certmint
