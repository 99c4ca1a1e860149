#include "stores/store_io.h"

#include <fmt/format.h>

#include "stores/jks.h"
#include "stores/pem_store.h"

namespace certmint {

Result<KeyStore> ReadStore(std::string_view data, const SecretString* password,
                           StoreFormat* detected) {
  auto format = DetectStoreFormat(data);
  if (!format) {
    return MakeError(ErrorCode::kInvalidData,
                     "not a key store (expected JKS, JCEKS, PKCS#12 or PEM)");
  }
  if (detected != nullptr) {
    *detected = *format;
  }
  switch (*format) {
    case StoreFormat::kJks:
    case StoreFormat::kJceks:
      return ReadJavaKeyStore(data, password);
    case StoreFormat::kPkcs12:
      return ReadPkcs12(data, password);
    case StoreFormat::kPem:
      return ReadPemStore(data, password);
  }
  return MakeError(ErrorCode::kInternal, "unreachable");
}

Result<std::string> WriteStore(const KeyStore& store, StoreFormat format,
                               const SecretString& password, const StoreWriteOptions& options) {
  switch (format) {
    case StoreFormat::kJks:
      return WriteJks(store, password, options.now);
    case StoreFormat::kPkcs12:
      return WritePkcs12(store, password, options.pkcs12);
    case StoreFormat::kPem:
      return store.keys.empty() ? WritePemTruststore(store) : WritePemKeystore(store, password);
    case StoreFormat::kJceks:
      return MakeError(ErrorCode::kInvalidArgument,
                       "certmint reads JCEKS but does not write it; use jks or p12");
  }
  return MakeError(ErrorCode::kInternal, "unreachable");
}

}  // namespace certmint
