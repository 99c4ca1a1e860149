#include "stores/new_password.h"

#include <fmt/format.h>

#include <cstdlib>

#include "core/encoding.h"
#include "core/random.h"
#include "stores/keystore.h"

namespace certmint {

Result<std::optional<SecretString>> ReadNewStorePassword(const SecretSource& source) {
  CM_ASSIGN_OR_RETURN(auto pw, ReadSecret(source));
  if (pw) {
    CM_RETURN_IF_ERROR(WithContext(CheckNewStorePassword(pw->reveal()), SecretOrigin(source)));
  }
  return pw;
}

Result<StorePassword> NewStorePassword(const SecretSource& source) {
  CM_ASSIGN_OR_RETURN(auto given, ReadNewStorePassword(source));
  if (!given) {
    CM_ASSIGN_OR_RETURN(auto random, RandomPassword());
    return StorePassword{std::move(random), true};
  }
  return StorePassword{std::move(*given), false};
}

Result<std::optional<SecretString>> ReadRenewalPassword(const NewPasswordFlags& flags) {
  if (!flags.file.empty() + !flags.env.empty() + flags.random > 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "give one of --new-password-file, --new-password-env and "
                     "--new-random-password");
  }
  // A variable's name, never a password given by mistake: a value that is
  // not a name is refused without being repeated.
  if (!flags.env.empty() &&
      (flags.env.find_first_not_of(
           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
           std::string::npos ||
       (flags.env[0] >= '0' && flags.env[0] <= '9'))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--new-password-env: not an environment variable's name (letters, digits "
                     "and _; the value itself goes in the variable, never on the command line)");
  }
  const char* env = flags.env.empty() ? nullptr : std::getenv(flags.env.c_str());
  if (!flags.env.empty() && (env == nullptr || *env == '\0')) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("--new-password-env: {} is not set or empty", PrintableBytes(flags.env, 64)));
  }
  return ReadNewStorePassword({flags.file, flags.env.empty() ? nullptr : flags.env.c_str(), "",
                               false, "--new-password-file"});
}

}  // namespace certmint
