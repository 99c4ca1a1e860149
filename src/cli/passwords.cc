#include "cli/passwords.h"

#include <fmt/format.h>

namespace certmint::cli {
namespace {

constexpr const char* kTrapNames[] = {"--password",    "--ca-password", "--pass",
                                      "--storepass",   "--keypass",     "--store-password",
                                      "--key-password"};

}  // namespace

Result<std::optional<SecretString>> ExplicitPassword(const std::string& password_file) {
  return ReadSecret({password_file, kStorePasswordEnv, "", false, "--password-file"});
}

Result<std::optional<SecretString>> ExplicitNewPassword(const std::string& password_file) {
  return ReadNewStorePassword({password_file, kStorePasswordEnv, "", false, "--password-file"});
}

Result<SecretString> Required(Result<std::optional<SecretString>> read, std::string_view missing) {
  CM_ASSIGN_OR_RETURN(auto secret, std::move(read));
  if (!secret) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(missing));
  }
  return std::move(*secret);
}

Result<SecretString> ReadCaPassword(const std::string& file, bool is_new) {
  return Required(ReadSecret({file, kCaPasswordEnv, is_new ? "New CA password" : "CA password",
                              is_new, "--ca-password-file"}),
                  fmt::format("no CA password: give --ca-password-file FILE, set {}, or run on "
                              "a terminal to be prompted (the CA key is always encrypted)",
                              kCaPasswordEnv));
}

CaPasswordSource CaPasswordFrom(const std::string& file) {
  return [file] { return ReadCaPassword(file, /*is_new=*/false); };
}

void AddArgvPasswordTraps(CLI::App* app) {
  for (const char* name : kTrapNames) {
    app->add_option(name, "")->group("")->expected(0, 1)->allow_extra_args(false);
  }
}

Status CheckArgvPasswordTraps(const CLI::App* app) {
  for (const char* name : kTrapNames) {
    if (app->count(name) > 0) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("{}: passwords are never taken from the command line, where other users "
                      "and shell history can see them; use --password-file/--ca-password-file, "
                      "the {} or {} environment variables, or the terminal prompt",
                      name, kStorePasswordEnv, kCaPasswordEnv));
    }
  }
  return {};
}

}  // namespace certmint::cli
