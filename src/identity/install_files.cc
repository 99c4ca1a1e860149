#include "identity/install_files.h"

#include "core/fs.h"
#include "identity/install.h"
#include "stores/store_edit.h"

namespace certmint {

std::string KeyPasswordFileFor(const std::string& key_file, const std::string& given) {
  if (!given.empty()) {
    return given;
  }
  const std::string beside = fs::Dirname(key_file) + "/password";
  return fs::Exists(beside) ? beside : "";
}

Result<InstalledFiles> InstallFromFiles(const InstallFilesRequest& r) {
  CM_ASSIGN_OR_RETURN(auto chain, WithContext(LoadChainFile(r.chain_file), "--chain"));
  if (!r.ca_file.empty()) {
    CM_ASSIGN_OR_RETURN(auto ca, WithContext(LoadCertificateFile(r.ca_file), "--ca"));
    chain.push_back(ca);
  }
  CM_ASSIGN_OR_RETURN(auto key_pw, r.key_password());
  CM_ASSIGN_OR_RETURN(
      auto key, WithContext(LoadPrivateKeyFile(r.key_file, key_pw ? &*key_pw : nullptr), "--key"));
  CM_ASSIGN_OR_RETURN(auto store_pw, r.store_password());
  const SecretString* pw = store_pw ? &*store_pw : key_pw ? &*key_pw : nullptr;
  if (pw == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "no store password: give --password-file");
  }
  IdentityOutput output;
  CM_ASSIGN_OR_RETURN(auto formats, WithContext(ParseFormatList(r.formats), "--format"));
  output.formats = std::move(formats.stores);
  output.kubernetes = formats.kubernetes;
  // The key's own password, from its file: keep it beside the stores.
  output.write_password_file = !store_pw;
  const size_t length = chain.size();
  CM_ASSIGN_OR_RETURN(auto files, InstallIdentity({r.out_dir, r.name, std::move(key),
                                                   std::move(chain), std::move(output)},
                                                  *pw));
  return InstalledFiles{std::move(files), length};
}

}  // namespace certmint
