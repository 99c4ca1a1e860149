#include "stores/convert.h"

#include <fmt/format.h>

#include "core/fs.h"

namespace certmint {

Result<const SecretString*> ConvertOutputPassword(const ConvertPasswords& passwords, StoreFormat to,
                                                  const KeyStore& store) {
  if (passwords.out) {
    return &*passwords.out;
  }
  if (!passwords.in) {
    // Only a PEM truststore (certificates alone) and a pem-plain file are
    // written without one.
    if (to != StoreFormat::kPemPlain && (to != StoreFormat::kPem || !store.keys.empty())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "no password for OUT: give --out-password-file or --password-file");
    }
    return nullptr;
  }
  CM_RETURN_IF_ERROR(WithContext(CheckNewStorePassword(passwords.in->reveal()), "--password-file"));
  return &*passwords.in;
}

Result<KeyStore> ConvertStoreFile(const ConvertRequest& request) {
  if (fs::Exists(request.out)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", request.out));
  }
  CM_ASSIGN_OR_RETURN(auto passwords, request.passwords());
  CM_ASSIGN_OR_RETURN(auto store,
                      LoadStoreFile(request.in, passwords.in ? &*passwords.in : nullptr));
  CM_RETURN_IF_ERROR(WithContext(CheckNamedCurves(store), request.in));
  CM_ASSIGN_OR_RETURN(const SecretString* pw, ConvertOutputPassword(passwords, request.to, store));
  const SecretString none;
  CM_RETURN_IF_ERROR(
      SaveStoreFile(request.out, store, request.to, pw ? *pw : none, request.options));
  return store;
}

}  // namespace certmint
