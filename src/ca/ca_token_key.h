// A CA directory whose key is in a PKCS#11 token (docs/hsm.md) says where:
//
//   DIR/ca-key.json  0644  {"pkcs11_uri": "pkcs11:token=...;object=...;id=...;type=private",
//                           "module": "/usr/lib/softhsm/libsofthsm2.so"}
//
// in place of ca.key. Never a PIN: that is asked for on each use.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "pkcs11/token_key.h"

namespace certmint {

std::string CaTokenKeyPath(const std::string& dir);

// DIR/ca-key.json, or nullopt when the directory has none (a file key).
// kInvalidData naming the file when it is not what SaveCaTokenKey writes.
Result<std::optional<TokenKeyRef>> LoadCaTokenKey(const std::string& dir);

// The text SaveCaTokenKey writes for `ref`.
std::string CaTokenKeyJson(const TokenKeyRef& ref);

// Whether the CA in `dir` keeps its key in a token (DIR/ca-key.json exists).
bool CaKeyInToken(const std::string& dir);

}  // namespace certmint
