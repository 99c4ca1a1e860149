// The one rule for identity names: the name every certificate is recorded
// under in the inventory, and the directory and file names of its identity.
// Every path that names a certificate (issue, apply, sign, enroll, tokens, the
// CA service) checks it here, once, before anything is signed.
#pragma once

#include <string_view>

#include "core/error.h"

namespace certmint {

// The name `certmint serve` records its own TLS certificates under; no
// other path may issue under it.
inline constexpr std::string_view kServiceIdentityName = "certmint-serve";
// The name `certmint serve` records its delegated OCSP responder
// certificates under (RFC 6960 §4.2.2.2); no other path may issue under it.
inline constexpr std::string_view kOcspResponderIdentityName = "certmint-ocsp";

// Letters, digits, '.', '_' and '-', not starting with '.' or '-', at most
// 64 characters. kInvalidArgument naming the (escaped) name otherwise.
Status ValidateIdentityName(std::string_view name);

// ValidateIdentityName, and not a name certmint reserves for itself
// (kServiceIdentityName, kOcspResponderIdentityName).
Status ValidateNodeName(std::string_view name);

}  // namespace certmint
