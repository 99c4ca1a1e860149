#include "identity/store_lookup.h"

#include <fmt/format.h>

#include "core/fs.h"
#include "core/secret_source.h"
#include "identity/files.h"
#include "stores/store_io.h"

namespace certmint {

Result<std::optional<SecretString>> PasswordOfStore(
    const std::string& path, const std::optional<SecretString>& explicit_password) {
  if (explicit_password) {
    return std::optional<SecretString>(SecretString(explicit_password->reveal()));
  }
  const std::string dir = fs::IsDirectory(path) ? path : fs::Dirname(path);
  const std::string file = dir + "/password";
  if (!fs::Exists(file)) {
    return std::optional<SecretString>();
  }
  CM_ASSIGN_OR_RETURN(auto password, ReadSecretFile(file, "password file"));
  return std::optional<SecretString>(std::move(password));
}

Result<NamedStore> LoadKeystoreAt(const std::string& path,
                                  const std::optional<SecretString>& explicit_password) {
  CM_ASSIGN_OR_RETURN(auto pw, PasswordOfStore(path, explicit_password));
  const SecretString* p = pw ? &*pw : nullptr;
  if (!fs::IsDirectory(path)) {
    CM_ASSIGN_OR_RETURN(auto store, LoadStoreFile(path, p));
    return NamedStore{path, std::move(store)};
  }
  auto found = FindIdentityStores(path);
  if (found.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("{}: no keystore (keystore.p12, keystore.jks or NAME.key with "
                                 "chain.pem)",
                                 path));
  }
  CM_ASSIGN_OR_RETURN(auto store, LoadStoreFiles(found[0].keystore_files, p));
  return NamedStore{found[0].keystore_files[0], std::move(store)};
}

Result<NamedStore> LoadTruststoreAt(const std::string& path,
                                    const std::optional<SecretString>& explicit_password) {
  CM_ASSIGN_OR_RETURN(auto pw, PasswordOfStore(path, explicit_password));
  const SecretString* p = pw ? &*pw : nullptr;
  std::string file = path;
  if (fs::IsDirectory(path)) {
    auto found = FindIdentityStores(path);
    if (found.empty()) {
      return MakeError(
          ErrorCode::kNotFound,
          fmt::format("{}: no truststore (truststore.p12, truststore.jks or ca.crt)", path));
    }
    file = found[0].truststore_file;
  }
  CM_ASSIGN_OR_RETURN(auto store, LoadStoreFile(file, p));
  return NamedStore{file, std::move(store)};
}

Result<std::optional<NamedStore>> LoadKeystoreIfGiven(
    const std::string& path, const std::optional<SecretString>& explicit_password) {
  if (path.empty()) {
    return std::nullopt;
  }
  return LoadKeystoreAt(path, explicit_password);
}

Result<std::optional<NamedStore>> LoadTruststoreIfGiven(
    const std::string& path, const std::optional<SecretString>& explicit_password) {
  if (path.empty()) {
    return std::nullopt;
  }
  return LoadTruststoreAt(path, explicit_password);
}

Result<HandshakeStores> LoadHandshakeStores(const std::string& server, const std::string& client,
                                            const std::string& truststore,
                                            const std::optional<SecretString>& explicit_password) {
  CM_ASSIGN_OR_RETURN(auto server_ks,
                      WithContext(LoadKeystoreAt(server, explicit_password), "--server"));
  CM_ASSIGN_OR_RETURN(auto client_ks,
                      WithContext(LoadKeystoreIfGiven(client, explicit_password), "--client"));
  const std::string& server_trust = truststore.empty() ? server : truststore;
  const std::string& client_trust =
      !truststore.empty() ? truststore : (client.empty() ? server : client);
  CM_ASSIGN_OR_RETURN(auto st,
                      WithContext(LoadTruststoreAt(server_trust, explicit_password), "truststore"));
  CM_ASSIGN_OR_RETURN(auto ct,
                      WithContext(LoadTruststoreAt(client_trust, explicit_password), "truststore"));
  return HandshakeStores{std::move(server_ks), std::move(client_ks), std::move(st), std::move(ct)};
}

}  // namespace certmint
