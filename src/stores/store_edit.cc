#include "stores/store_edit.h"

#include <fmt/format.h>

#include "core/fs.h"

namespace certmint {

Status EditStoreFile(const std::string& path, const SecretString& password,
                     const StoreEditOptions& options, const StoreEdit& edit) {
  KeyStore store;
  StoreFormat format = StoreFormat::kPkcs12;
  StoreWriteOptions form;  // how the store was written: kept unless overridden
  if (options.create && !fs::Exists(path)) {
    if (options.type) {
      format = *options.type;
    } else {
      CM_ASSIGN_OR_RETURN(format, FormatForPath(path));
    }
  } else {
    CM_ASSIGN_OR_RETURN(store, LoadStoreFile(path, &password, &format, &form));
    if (format == StoreFormat::kJceks) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: certmint reads JCEKS but does not write it; convert it "
                                   "first: certmint convert {} OUT.p12 --to p12",
                                   path, path));
    }
  }
  if (options.pkcs12_profile) {
    form.pkcs12.profile = *options.pkcs12_profile;
  }
  if (options.pem_profile) {
    form.pem = *options.pem_profile;
  }
  CM_RETURN_IF_ERROR(WithContext(edit(store, password), path));
  return SaveStoreFile(path, store, format,
                       options.new_password != nullptr ? *options.new_password : password, form);
}

Result<Certificate> LoadCertificateFile(const std::string& path) {
  CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(path));
  auto cert = data.find("-----BEGIN") != std::string::npos ? Certificate::FromPem(data)
                                                           : Certificate::FromDer(data);
  return WithContext(std::move(cert), path);
}

Result<std::vector<Certificate>> LoadChainFile(const std::string& path) {
  CM_ASSIGN_OR_RETURN(auto pem, fs::ReadFile(path));
  return WithContext(Certificate::ChainFromPem(pem), path);
}

Result<PrivateKey> LoadPrivateKeyFile(const std::string& path, const SecretString* password) {
  CM_ASSIGN_OR_RETURN(auto pem, fs::ReadFile(path));
  auto key = PrivateKey::FromPem(pem, password);
  Cleanse(pem);
  if (key) {
    // The edge where keys enter stores: Java cannot read an EC key with
    // explicit curve parameters (RFC 5480 forbids them).
    CM_RETURN_IF_ERROR(WithContext(CheckNamedCurve(key->native()), path));
  }
  return WithContext(std::move(key), path);
}

}  // namespace certmint
