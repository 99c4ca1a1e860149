// Defaults for --dir, --out, --ca-password-file and --password-file, so that
// a session of commands need not repeat them: from the environment
// ($CERTMINT_DIR, $CERTMINT_OUT) or from a certmint.yaml found in the
// current directory or the nearest one above it ($CERTMINT_CONFIG names
// another file). A flag on the command line wins over the environment, the
// environment over the file. Every default used is said on stderr with its
// source, so that a command never acts on a CA or a directory unseen.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace certmint::cli {

// certmint.yaml: the keys dir, out, ca_password_file, password_file, each a
// path; a relative one is relative to the file's directory.
struct CliConfig {
  std::string path;                           // absolute
  std::map<std::string, std::string> values;  // key -> path, resolved
};

// Parses certmint.yaml's text (read from `path`). Errors name the file and
// line: not a mapping, an unknown or repeated key, a value that is not a
// plain string.
Result<CliConfig> ParseCliConfig(const std::string& path, std::string_view text);

// The file $CERTMINT_CONFIG names, else the nearest certmint.yaml from the
// current directory upwards, else nullopt.
Result<std::optional<CliConfig>> LoadCliConfig();

class FlagDefaults {
 public:
  // Finds, in every command of `app`, the flags that take a default there
  // (--dir and --ca-password-file everywhere; --out and --password-file
  // where they name the identity directories and their store password),
  // says in their help where the default comes from, and relaxes their
  // `required` until Apply checks it.
  explicit FlagDefaults(CLI::App* app);

  // Puts `required` back, for --help and for CLI11's own errors.
  void RestoreRequired();

  // After a successful parse: fills each such flag of the command given
  // that the command line left out, writing "certmint: --dir pki (from
  // $CERTMINT_DIR)" to `notes`; kInvalidArgument for a required flag that
  // nothing supplied, and for a certmint.yaml that does not parse.
  Status Apply(std::ostream& notes);

 private:
  struct Slot {
    CLI::Option* option;
    CLI::App* command;
    std::string key;  // the certmint.yaml key
    bool required;
  };
  std::vector<Slot> slots_;
};

}  // namespace certmint::cli
