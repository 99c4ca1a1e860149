// A key in a PKCS#11 token as the --pkcs11 and --pkcs11-module flags name it
// (`ca init`, `ca rotate`; docs/hsm.md).
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "pkcs11/token_key.h"

namespace certmint {

struct TokenFlags {
  std::string uri;     // --pkcs11: 'pkcs11:token=LABEL;object=LABEL' (RFC 7512); empty: none
  std::string module;  // --pkcs11-module; empty: DefaultPkcs11Module()
};

// ParseTokenFlags: the token key the flags name, nullopt without --pkcs11;
// the module path made absolute. kInvalidArgument for --pkcs11-module alone
// or a URI ParsePkcs11Uri refuses.
Result<std::optional<TokenKeyRef>> ParseTokenFlags(const TokenFlags& flags);

}  // namespace certmint
