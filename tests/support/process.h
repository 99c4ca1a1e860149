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

namespace certmint::testing {

// A server started for a test (openssl s_server, a Java server), killed when
// the object goes away. Its stdout and stderr are read line by line.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv,
                             const std::optional<std::string>& cwd = std::nullopt,
                             const std::map<std::string, std::string>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // The first output line containing `needle` (of those starting at or
  // after offset `from` of output()), waiting up to `timeout_ms`; empty if
  // none came.
  std::string WaitForLine(const std::string& needle, int timeout_ms = 15000, size_t from = 0);
  // Sends `sig` and lets the process run on.
  void Signal(int sig);
  const std::string& output() const { return output_; }
  int pid() const { return pid_; }
  // Sends `sig`, reads the rest of the output and waits for the exit; the
  // exit code (128 + signal when killed by one), or -1 after `timeout_ms`
  // (then it is killed).
  int Stop(int sig, int timeout_ms = 15000);

 private:
  int pid_ = -1;
  int fd_ = -1;
  int stdin_fd_ = -1;  // held open: some servers (openssl s_server) quit on EOF
  std::string output_;
};

}  // namespace certmint::testing
