#include "cli/store_args.h"

#include <fmt/format.h>

#include "cli/passwords.h"
#include "core/fs.h"
#include "identity/files.h"
#include "stores/store_io.h"
#include "verify/verify.h"

namespace certmint::cli {

Result<SubjectAltNames> ParseSanFlags(const std::vector<std::string>& dns,
                                      const std::vector<std::string>& ips) {
  SubjectAltNames out;
  for (const auto& d : dns) {
    CM_ASSIGN_OR_RETURN(auto v, WithContext(ParseDnsName(d), "--dns"));
    out.AddDns(v);
  }
  for (const auto& i : ips) {
    CM_ASSIGN_OR_RETURN(auto v, WithContext(ParseIpAddress(i), "--ip"));
    out.AddIp(v);
  }
  return out;
}

Result<std::optional<SecretString>> PasswordFor(const std::string& path,
                                                const std::optional<SecretString>& explicit_pw) {
  if (explicit_pw) {
    return std::optional<SecretString>(SecretString(explicit_pw->reveal()));
  }
  const std::string dir = fs::IsDirectory(path) ? path : fs::Dirname(path);
  const std::string file = dir + "/password";
  if (!fs::Exists(file)) {
    return std::optional<SecretString>();
  }
  return ReadSecret({file, nullptr, "", false, "password file"});
}

Result<NamedStore> LoadKeystoreArg(const std::string& arg,
                                   const std::optional<SecretString>& explicit_pw) {
  CM_ASSIGN_OR_RETURN(auto pw, PasswordFor(arg, explicit_pw));
  const SecretString* p = pw ? &*pw : nullptr;
  if (!fs::IsDirectory(arg)) {
    CM_ASSIGN_OR_RETURN(auto store, LoadStoreFile(arg, p));
    return NamedStore{arg, std::move(store)};
  }
  auto found = FindIdentityStores(arg);
  if (found.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{}: no keystore (keystore.p12, keystore.jks or NAME.key with "
                                 "chain.pem)",
                                 arg));
  }
  CM_ASSIGN_OR_RETURN(auto store, LoadStoreFiles(found[0].keystore_files, p));
  return NamedStore{found[0].keystore_files[0], std::move(store)};
}

Result<NamedStore> LoadTruststoreArg(const std::string& arg,
                                     const std::optional<SecretString>& explicit_pw) {
  CM_ASSIGN_OR_RETURN(auto pw, PasswordFor(arg, explicit_pw));
  const SecretString* p = pw ? &*pw : nullptr;
  std::string file = arg;
  if (fs::IsDirectory(arg)) {
    auto found = FindIdentityStores(arg);
    if (found.empty()) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("{}: no truststore (truststore.p12, truststore.jks or ca.crt)",
                                   arg));
    }
    file = found[0].truststore_file;
  }
  CM_ASSIGN_OR_RETURN(auto store, LoadStoreFile(file, p));
  return NamedStore{file, std::move(store)};
}

}  // namespace certmint::cli
