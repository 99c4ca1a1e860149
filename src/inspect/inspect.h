// Reads any file certmint understands and describes what is in it: PEM or DER
// certificates, chains, certificate requests, private keys (plain or
// encrypted PKCS#8, traditional RSA/EC) and public keys.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "core/secret.h"
#include "keys/private_key.h"
#include "stores/keystore.h"
#include "x509/certificate.h"

namespace certmint {

struct KeyInfo {
  bool is_private = true;
  bool encrypted = false;
  // Whether the key could be opened (false: encrypted, no password given).
  bool opened = false;
  std::string format;      // "PKCS#8", "PKCS#1 (traditional)", "SubjectPublicKeyInfo"
  std::string encryption;  // e.g. "PBES2 (PBKDF2-HMAC-SHA256, 600000 iterations, AES-256-CBC)"
  std::optional<KeyDescription> key;
  std::string public_key_sha256;
};

struct CsrInfo {
  std::string subject;
  KeyDescription key;
  std::string public_key_sha256;
  bool signature_valid = false;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::vector<std::string> extensions;  // short names of every requested extension
};

struct InspectedItem {
  enum class Kind { kCertificate, kCertificateRequest, kPrivateKey, kPublicKey };
  Kind kind;
  std::optional<CertificateInfo> certificate;
  std::optional<CsrInfo> request;
  std::optional<KeyInfo> key;
};

std::string_view KindName(InspectedItem::Kind kind);

// Describes every object in `data`. An encrypted key is opened when
// `password` is given (kBadPassword if it is wrong) and described from its
// outer structure otherwise. kInvalidData when nothing is recognised.
Result<std::vector<InspectedItem>> InspectData(std::string_view data, const SecretString* password,
                                               TimePoint now);

// A person's view, in the spirit of `keytool -list -v` and `openssl x509 -text`.
std::string RenderText(const std::string& source, const std::vector<InspectedItem>& items);
nlohmann::json RenderJson(const std::string& source, const std::vector<InspectedItem>& items);

// A key store's entries, like `keytool -list -v`: alias, entry type, chain
// length and each certificate's details; warnings for what Java would not
// see (certificates without the trust attribute, unchecked integrity).
std::string RenderStoreText(const std::string& source, StoreFormat format, const KeyStore& store,
                            TimePoint now);
nlohmann::json RenderStoreJson(const std::string& source, StoreFormat format, const KeyStore& store,
                               TimePoint now);

}  // namespace certmint
