#include "identity/identity.h"

#include <cctype>

#include <fmt/format.h>

#include "core/fs.h"

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

IdentityFiles IdentityPaths(const std::string& out_dir, const std::string& name,
                            bool with_password_file) {
  const std::string dir = out_dir + "/" + name;
  IdentityFiles f;
  f.dir = dir;
  f.certificate = dir + "/" + name + ".crt";
  f.key = dir + "/" + name + ".key";
  f.chain = dir + "/chain.pem";
  f.ca_certificate = dir + "/ca.crt";
  if (with_password_file) {
    f.password_file = dir + "/password";
  }
  return f;
}

Result<IdentityFiles> WriteIdentity(const std::string& out_dir, const Identity& identity,
                                    const SecretString& store_password,
                                    bool write_password_file) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(identity.name));
  if (store_password.size() < kMinStorePasswordLength) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the store password must have at least {} characters "
                                 "(keytool refuses shorter ones)",
                                 kMinStorePasswordLength));
  }
  const IdentityFiles final_paths = IdentityPaths(out_dir, identity.name, write_password_file);
  if (fs::Exists(final_paths.dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", final_paths.dir));
  }
  CM_ASSIGN_OR_RETURN(auto staging, fs::StagingDir::Create(final_paths.dir));
  const std::string name = identity.name;

  CM_ASSIGN_OR_RETURN(auto key_pem, identity.key.ToEncryptedPkcs8Pem(
                                        store_password, Pkcs8Encryption{kNodeKeyIterations}));
  std::string chain = identity.certificate.ToPem();
  for (const auto& c : identity.ca_chain) {
    chain += c.ToPem();
  }
  const Certificate& root = identity.ca_chain.empty() ? identity.certificate
                                                       : identity.ca_chain.back();
  CM_RETURN_IF_ERROR(
      fs::WriteFileAtomic(staging.File(name + ".crt"), identity.certificate.ToPem(), fs::kPublicFile));
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(staging.File(name + ".key"), key_pem, fs::kPrivateFile));
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(staging.File("chain.pem"), chain, fs::kPublicFile));
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(staging.File("ca.crt"), root.ToPem(), fs::kPublicFile));
  if (write_password_file) {
    std::string line(store_password.reveal());
    line.push_back('\n');
    auto st = fs::WriteFileAtomic(staging.File("password"), line, fs::kPrivateFile);
    Cleanse(line);
    CM_RETURN_IF_ERROR(st);
  }
  CM_RETURN_IF_ERROR(staging.Commit());
  return final_paths;
}

}  // namespace certmint
