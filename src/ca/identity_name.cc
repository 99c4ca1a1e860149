#include "ca/identity_name.h"

#include <fmt/format.h>

#include <cctype>

#include "core/encoding.h"

namespace certmint {

Status ValidateIdentityName(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("invalid identity name '{}': {}", PrintableBytes(name, 80), why));
  };
  if (name.empty()) {
    return bad("it is empty");
  }
  if (name.size() > 64) {
    return bad("longer than 64 characters");
  }
  if (name.front() == '.' || name.front() == '-') {
    return bad("it must not start with '.' or '-'");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return bad("only letters, digits, '.', '_' and '-' are allowed");
    }
  }
  return {};
}

Status ValidateNodeName(std::string_view name) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(name));
  if (name == kServiceIdentityName || name == kOcspResponderIdentityName) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("invalid identity name '{}': reserved for the CA service's own "
                                 "certificate{}",
                                 name, name == kOcspResponderIdentityName ? " (OCSP)" : ""));
  }
  return {};
}

}  // namespace certmint
