#include "cli/passwords.h"

#include <fmt/format.h>

#include "core/encoding.h"

namespace certmint::cli {
namespace {

// Whether a flag named `name` (without dashes and value) would carry a secret.
bool NamesASecret(std::string_view name) {
  if (name.size() >= 5 && name.substr(name.size() - 5) == "-file") {
    return false;
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("-_", start);
    const std::string part = AsciiLower(name.substr(start, end - start));
    if (part.find("pass") != std::string::npos || part.find("secret") != std::string::npos ||
        part == "pin" || part == "token") {
      return true;
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return false;
}

struct CaSecretCommands {
  std::vector<CLI::App*> commands;
  std::string pin_file;
};

CaSecretCommands& Registry() {
  static CaSecretCommands r;
  return r;
}

// The --dir given to the command that ran, if it is one AddCaPasswordFile
// registered; empty otherwise.
std::string ParsedCaDir() {
  for (CLI::App* cmd : Registry().commands) {
    const CLI::Option* dir = cmd->parsed() ? cmd->get_option_no_throw("--dir") : nullptr;
    if (dir != nullptr && dir->count() > 0 && !dir->results().empty()) {
      return dir->results().back();
    }
  }
  return "";
}

}  // namespace

std::string& PinFileFlag() { return Registry().pin_file; }

void NoteCaSecretCommand(CLI::App* cmd) { Registry().commands.push_back(cmd); }

Result<SecretString> ReadCaPassword(const std::string& file, bool is_new) {
  return ReadCaSecret({file, PinFileFlag()}, ParsedCaDir(), is_new);
}

CaPasswordSource CaPasswordFrom(const std::string& file) {
  return [file] { return ReadCaPassword(file, /*is_new=*/false); };
}

Result<SecretString> ReadCaReloadSecret(const std::string& dir, const std::string& password_file) {
  return certmint::ReadCaReloadSecret(dir, {password_file, PinFileFlag()});
}

Status RefuseSecretsOnArgv(const std::vector<std::string>& args,
                           const std::set<std::string>& known) {
  for (const std::string& arg : args) {
    if (arg == "--") {
      break;  // operands from here on
    }
    if (arg.size() < 2 || arg[0] != '-') {
      continue;
    }
    const std::string flag = arg.substr(0, arg.find('='));
    const std::string_view name = std::string_view(flag).substr(flag[1] == '-' ? 2 : 1);
    if (known.count(flag) == 0 && NamesASecret(name)) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("{}: passwords are never taken from the command line, where other users "
                      "and shell history can see them; use --password-file/--ca-password-file, "
                      "the {} or {} environment variables, or the terminal prompt",
                      PrintableBytes(flag, 64), kStorePasswordEnv, kCaPasswordEnv));
    }
  }
  return {};
}

}  // namespace certmint::cli
