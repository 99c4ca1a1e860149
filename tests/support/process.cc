#include "support/process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace certmint::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int TempFd(std::string* path) {
  char tmpl[] = "/tmp/certmint-proc-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    throw std::runtime_error("mkstemp failed");
  }
  *path = tmpl;
  return fd;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options) {
  std::string out_path, err_path, in_path;
  int out_fd = TempFd(&out_path);
  int err_fd = TempFd(&err_path);
  int in_fd = TempFd(&in_path);
  if (!options.stdin_data.empty()) {
    if (write(in_fd, options.stdin_data.data(), options.stdin_data.size()) < 0) {
      throw std::runtime_error("write failed");
    }
    lseek(in_fd, 0, SEEK_SET);
  }
  pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    for (const auto& [k, v] : options.env) {
      if (v.empty()) {
        unsetenv(k.c_str());
      } else {
        setenv(k.c_str(), v.c_str(), 1);
      }
    }
    if (options.cwd && chdir(options.cwd->c_str()) != 0) {
      _exit(126);
    }
    if (options.umask) {
      ::umask(static_cast<mode_t>(*options.umask));
    }
    std::vector<char*> args;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(out_fd);
  close(err_fd);
  close(in_fd);
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out_path);
  r.err = Slurp(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  unlink(in_path.c_str());
  return r;
}

}  // namespace certmint::testing

#include <poll.h>
#include <signal.h>

#include <chrono>

namespace certmint::testing {

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::optional<std::string>& cwd,
                                     const std::map<std::string, std::string>& env) {
  int fds[2];
  int in[2];
  if (pipe(fds) != 0 || pipe(in) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    close(in[0]);
    close(in[1]);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    if (cwd && chdir(cwd->c_str()) != 0) {
      _exit(126);
    }
    for (const auto& [k, v] : env) {
      if (v.empty()) {
        unsetenv(k.c_str());
      } else {
        setenv(k.c_str(), v.c_str(), 1);
      }
    }
    std::vector<char*> args;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  close(in[0]);
  fd_ = fds[0];
  stdin_fd_ = in[1];
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (fd_ >= 0) {
    close(fd_);
  }
  if (stdin_fd_ >= 0) {
    close(stdin_fd_);
  }
}

std::string BackgroundProcess::WaitForLine(const std::string& needle, int timeout_ms, size_t from) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t scanned = from;
  for (;;) {
    size_t nl;
    while ((nl = output_.find('\n', scanned)) != std::string::npos) {
      std::string line = output_.substr(scanned, nl - scanned);
      scanned = nl + 1;
      if (line.find(needle) != std::string::npos) {
        return line;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      return {};
    }
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) {
      return {};
    }
    char buf[4096];
    ssize_t n = read(fd_, buf, sizeof(buf));
    if (n <= 0) {
      return {};
    }
    output_.append(buf, static_cast<size_t>(n));
  }
}

void BackgroundProcess::Signal(int sig) {
  if (pid_ > 0) {
    kill(pid_, sig);
  }
}

int BackgroundProcess::Stop(int sig, int timeout_ms) {
  if (pid_ <= 0) {
    return -1;
  }
  kill(pid_, sig);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      break;
    }
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) {
      break;
    }
    char buf[4096];
    ssize_t n = read(fd_, buf, sizeof(buf));
    if (n <= 0) {
      break;  // EOF: the process closed its output
    }
    output_.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    usleep(20000);
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace certmint::testing
