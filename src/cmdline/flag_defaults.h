// Defaults for flags a session of commands need not repeat (a directory, a
// password file): from the environment or from a settings file found in
// the current directory or the nearest one above it. A flag on the command
// line wins over the environment, the environment over the file. Every
// default used is said on stderr with its source, so that a command never
// acts on a directory unseen. Which flags, variables and file: the
// program's DefaultsSpec.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace certmint::cmdline {

// A flag that takes a default where the command line leaves it out.
struct DefaultedFlag {
  std::string_view flag = {};               // "--dir"
  std::string_view key = {};                // its key in the settings file: "dir"
  const char* env_value = nullptr;          // the variable that gives the flag's value
  const char* env_password = nullptr;       // the variable holding the password itself: when
                                            // it is set, the file's key is not used
  std::vector<std::string_view> only = {};  // the commands (CommandPath) where the flag takes a
                                            // default; empty: every command that has it
  std::string_view unless = {};             // a flag that, given, leaves this one without default
};

// The program's defaulted flags and where their defaults come from.
struct DefaultsSpec {
  std::string_view file_name = {};  // the settings file: "certmint.yaml"
  std::string_view file_env = {};   // the variable naming another file instead
  std::string_view example = {};    // a mapping, for the error of a file that is not one
  std::vector<DefaultedFlag> flags = {};
};

// The settings file: each key a path; a relative one is relative to the
// file's directory.
struct DefaultsFile {
  std::string path;                           // absolute
  std::map<std::string, std::string> values;  // key -> path, resolved
};

// Parses the settings file's text (read from `path`). Errors name the file
// and line: not a mapping, an unknown or repeated key, a value that is not
// a plain string.
Result<DefaultsFile> ParseDefaultsFile(const DefaultsSpec& spec, const std::string& path,
                                       std::string_view text);

// The file $file_env names, else the nearest file_name from the current
// directory upwards, else nullopt.
Result<std::optional<DefaultsFile>> LoadDefaultsFile(const DefaultsSpec& spec);

class FlagDefaults {
 public:
  // Finds, in every command of `app`, the flags that take a default there,
  // says in their help where the default comes from, and relaxes their
  // `required` until Apply checks it.
  FlagDefaults(CLI::App* app, DefaultsSpec spec);

  // Puts `required` back, for --help and for CLI11's own errors.
  void RestoreRequired();

  // After a successful parse: fills each such flag of the command given
  // that the command line left out, writing "PROGRAM: --dir pki (from
  // $CERTMINT_DIR)" to `notes`; kInvalidArgument for a required flag that
  // nothing supplied, and for a settings file that does not parse.
  Status Apply(std::ostream& notes);

 private:
  struct Slot {
    CLI::Option* option;
    CLI::App* command;
    size_t flag;  // in spec_.flags
    bool required;
  };
  void Collect(CLI::App* app);

  std::string program_;
  DefaultsSpec spec_;
  std::vector<Slot> slots_;
};

}  // namespace certmint::cmdline
