#include "pkcs11/token_flags.h"

#include "core/fs.h"
#include "pkcs11/uri.h"

namespace certmint {

Result<std::optional<TokenKeyRef>> ParseTokenFlags(const TokenFlags& flags) {
  if (flags.uri.empty()) {
    if (!flags.module.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "--pkcs11-module goes with --pkcs11");
    }
    return std::optional<TokenKeyRef>();
  }
  TokenKeyRef ref;
  CM_ASSIGN_OR_RETURN(ref.uri, ParsePkcs11Uri(flags.uri, "--pkcs11"));
  ref.module = flags.module.empty() ? DefaultPkcs11Module() : fs::Absolute(flags.module);
  return std::optional<TokenKeyRef>(std::move(ref));
}

}  // namespace certmint
