// PKCS#11 URIs (RFC 7512) naming a private key in a token:
// `pkcs11:token=CA%20token;object=certmint-ca` or `...;id=%01%02`.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace certmint {

// Longest URI accepted.
inline constexpr size_t kMaxPkcs11UriLength = 1024;

struct Pkcs11Uri {
  std::string token;   // the token's label (CK_TOKEN_INFO.label, RFC 7512 §2.3 "token")
  std::string object;  // the key's CKA_LABEL; empty: any
  std::string id;      // the key's CKA_ID (raw bytes); empty: any
  friend bool operator==(const Pkcs11Uri&, const Pkcs11Uri&) = default;
};

// ParsePkcs11Uri reads a `pkcs11:` URI naming one private key: the path
// attributes token (required), object and/or id (at least one), and
// optionally type=private; values are percent-decoded (RFC 7512 §2.3).
// kInvalidArgument naming `flag` for anything else. The query attributes
// pin-value and pin-source are refused: the PIN is never taken from a URI,
// which ends up in shell history and in the CA directory (a pin-source file
// would be followed by every command that loads the CA, whoever wrote it);
// module-name and module-path too (the module is --pkcs11-module).
Result<Pkcs11Uri> ParsePkcs11Uri(std::string_view text, std::string_view flag = "--pkcs11");

// The canonical text of `uri` (attributes in the order token, object, id,
// type=private; everything outside RFC 7512's unreserved set
// percent-encoded), which ParsePkcs11Uri reads back to the same value.
std::string FormatPkcs11Uri(const Pkcs11Uri& uri);

}  // namespace certmint
