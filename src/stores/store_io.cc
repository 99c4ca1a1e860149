#include "stores/store_io.h"

#include <fmt/format.h>

#include "core/fs.h"
#include "stores/jks.h"
#include "stores/pem_store.h"

namespace certmint {

Result<KeyStore> ReadStore(std::string_view data, const SecretString* password,
                           StoreFormat* detected, StoreWriteOptions* form) {
  auto format = DetectStoreFormat(data);
  if (!format) {
    return MakeError(ErrorCode::kInvalidData,
                     "not a key store (expected JKS, JCEKS, PKCS#12 or PEM)");
  }
  if (detected != nullptr) {
    *detected = *format;
  }
  if (form != nullptr && *format == StoreFormat::kPkcs12) {
    form->pkcs12 = Pkcs12FormOf(data);
  } else if (form != nullptr && *format == StoreFormat::kPem) {
    form->pem = PemProfileOf(data);
  }
  switch (*format) {
    case StoreFormat::kJks:
    case StoreFormat::kJceks:
      return ReadJavaKeyStore(data, password);
    case StoreFormat::kPkcs12:
      return ReadPkcs12(data, password);
    case StoreFormat::kPem:
    case StoreFormat::kPemPlain:
      return ReadPemStore(data, password);
  }
  return MakeError(ErrorCode::kInternal, "unreachable");
}

Result<std::string> WriteStore(const KeyStore& store, StoreFormat format,
                               const SecretString& password, const StoreWriteOptions& options) {
  CM_RETURN_IF_ERROR(CheckNamedCurves(store));
  switch (format) {
    case StoreFormat::kJks:
      return WriteJks(store, password, options.now);
    case StoreFormat::kPkcs12:
      return WritePkcs12(store, password, options.pkcs12);
    case StoreFormat::kPem:
      return store.keys.empty() ? WritePemTruststore(store)
                                : WritePemKeystore(store, password, options.pem);
    case StoreFormat::kPemPlain:
      return store.keys.empty() ? WritePemTruststore(store) : WritePlainPemKeystore(store);
    case StoreFormat::kJceks:
      return MakeError(ErrorCode::kInvalidArgument,
                       "certmint reads JCEKS but does not write it; use jks or p12");
  }
  return MakeError(ErrorCode::kInternal, "unreachable");
}

}  // namespace certmint

namespace certmint {

Result<StoreFormat> FormatForPath(const std::string& path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() &&
           NormalizeAlias(path.substr(path.size() - ext.size())) == ext;
  };
  if (ends(".jks")) {
    return StoreFormat::kJks;
  }
  if (ends(".p12") || ends(".pfx") || ends(".pkcs12")) {
    return StoreFormat::kPkcs12;
  }
  if (ends(".pem") || ends(".crt")) {
    return StoreFormat::kPem;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("cannot tell the store format from the name {}: give --type "
                               "jks, p12 or pem",
                               path));
}

Result<KeyStore> LoadStoreFile(const std::string& path, const SecretString* password,
                               StoreFormat* format, StoreWriteOptions* form) {
  CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(path));
  auto store = ReadStore(data, password, format, form);
  Cleanse(data);
  return WithContext(std::move(store), path);
}

Status SaveStoreFile(const std::string& path, const KeyStore& store, StoreFormat format,
                     const SecretString& password, const StoreWriteOptions& options) {
  CM_ASSIGN_OR_RETURN(auto data, WithContext(WriteStore(store, format, password, options), path));
  auto st =
      fs::WriteFileAtomic(path, data, store.keys.empty() ? fs::kPublicFile : fs::kPrivateFile);
  Cleanse(data);
  return st;
}

Status AddTrustedCertificate(KeyStore& store, std::string_view alias, const Certificate& cert,
                             TimePoint added) {
  CM_RETURN_IF_ERROR(ValidateAlias(alias));
  if (store.HasAlias(alias)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("alias '{}' already exists in the store", NormalizeAlias(alias)));
  }
  store.trusted.push_back({NormalizeAlias(alias), cert, added});
  return {};
}

Status AddKeyEntry(KeyStore& store, std::string_view alias, const PrivateKey& key,
                   std::vector<Certificate> chain, TimePoint added) {
  CM_RETURN_IF_ERROR(ValidateAlias(alias));
  if (store.HasAlias(alias)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("alias '{}' already exists in the store", NormalizeAlias(alias)));
  }
  if (chain.empty() || !chain[0].MatchesKey(key)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the first certificate of the chain does not belong to the key");
  }
  store.keys.push_back({NormalizeAlias(alias), key, std::move(chain), added});
  return {};
}

Status DeleteEntry(KeyStore& store, std::string_view alias) {
  const std::string a = NormalizeAlias(alias);
  auto match = [&](const auto& e) { return NormalizeAlias(e.alias) == a; };
  const size_t before = store.size();
  std::erase_if(store.keys, match);
  std::erase_if(store.trusted, match);
  if (store.size() == before) {
    return MakeError(ErrorCode::kNotFound, fmt::format("no entry with alias '{}'", a));
  }
  return {};
}

Result<KeyStore> LoadStoreFiles(const std::vector<std::string>& files,
                                const SecretString* password) {
  if (files.size() == 1) {
    return LoadStoreFile(files[0], password);
  }
  std::string all;
  for (const auto& f : files) {
    CM_ASSIGN_OR_RETURN(auto data, fs::ReadFile(f));
    all += data;
    all += "\n";
    Cleanse(data);
  }
  auto store = ReadStore(all, password);
  Cleanse(all);
  return WithContext(std::move(store), files[0]);
}

}  // namespace certmint
