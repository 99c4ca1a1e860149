// Runs a real program (certmint itself, openssl, keytool) and captures what
// it printed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace certmint::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

struct RunOptions {
  // Added to (or, with an empty value, removed from) the environment.
  std::map<std::string, std::string> env = {};
  std::optional<std::string> cwd = {};
  std::optional<unsigned> umask = {};
  std::string stdin_data = {};
};

ProcessResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options = {});

}  // namespace certmint::testing
