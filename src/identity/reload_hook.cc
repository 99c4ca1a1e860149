#include "identity/reload_hook.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/encoding.h"
#include "core/fs.h"
#include "identity/files.h"
#include "identity/state.h"

extern char** environ;

namespace certmint {
namespace {

using Steady = std::chrono::steady_clock;

// certmint's environment without its own CERTMINT_* variables, plus the
// identity's.
std::vector<std::string> HookEnvironment(const std::vector<std::string>& ours) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "CERTMINT_", 9) != 0) {
      env.emplace_back(*e);
    }
  }
  env.insert(env.end(), ours.begin(), ours.end());
  return env;
}

std::vector<std::string> IdentityVariables(const std::string& out_dir, const std::string& name,
                                           HookEvent event) {
  const std::string dir = fs::Absolute(out_dir + "/" + name);
  std::string keystore;
  std::string truststore;
  if (auto stores = FindIdentityStores(dir); !stores.empty()) {
    keystore = stores[0].keystore_files[0];
    truststore = stores[0].truststore_file;
  }
  std::string serial;
  std::string not_after;
  std::string install_dir = dir;
  if (auto state = ReadIdentityState(out_dir, name); state && *state) {
    serial = (*state)->certificate.SerialHex();
    not_after = FormatUtc((*state)->certificate.NotAfter());
    if (!(*state)->install_dir.empty()) {
      install_dir = (*state)->install_dir;
    }
  }
  return {
      "CERTMINT_IDENTITY=" + name,           "CERTMINT_DIR=" + dir,
      "CERTMINT_INSTALL_DIR=" + install_dir, "CERTMINT_KEYSTORE=" + keystore,
      "CERTMINT_TRUSTSTORE=" + truststore,   "CERTMINT_SERIAL=" + serial,
      "CERTMINT_NOT_AFTER=" + not_after,     "CERTMINT_EVENT=" + std::string(HookEventName(event))};
}

// posix_spawn of /bin/sh -c COMMAND: stdin /dev/null, stdout onto stderr,
// its own process group, default signal handling and an empty mask (the
// daemon blocks SIGTERM in its threads).
Result<pid_t> SpawnShell(const std::string& command, const std::vector<std::string>& env) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, 2, 1);
  sigset_t none;
  sigset_t defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> envp;
  for (const auto& e : env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = -1;
  const int err =
      posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    return MakeError(ErrorCode::kIo, fmt::format("/bin/sh: {}", std::strerror(err)));
  }
  return pid;
}

// Waits for `pid` until `deadline`; nullopt when it is still running.
std::optional<int> WaitUntil(pid_t pid, Steady::time_point deadline) {
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) {
      return r == pid ? status : 0;
    }
    if (Steady::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void RecordOutcome(HookOutcome& out, int status) {
  if (WIFEXITED(status)) {
    out.exit_code = WEXITSTATUS(status);
    out.ok = out.exit_code == 0;
  } else if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  }
}

void RunCommand(const ReloadHook& hook, const std::vector<std::string>& env, HookOutcome& out) {
  const auto start = Steady::now();
  auto pid = SpawnShell(hook.command, env);
  if (!pid) {
    out.error = pid.error().message();
    return;
  }
  auto status = WaitUntil(*pid, start + hook.timeout);
  if (!status) {
    out.timed_out = true;
    ::kill(-*pid, SIGTERM);  // the whole group: the shell and what it started
    status = WaitUntil(*pid, Steady::now() + std::chrono::seconds(5));
    if (!status) {
      ::kill(-*pid, SIGKILL);
      status = WaitUntil(*pid, Steady::now() + std::chrono::seconds(5));
    }
  }
  if (status) {
    RecordOutcome(out, *status);
  }
  out.ok = out.ok && !out.timed_out;
  out.seconds = std::chrono::duration<double>(Steady::now() - start).count();
}

std::string PendingPath(const std::string& out_dir, const std::string& name) {
  return out_dir + "/" + name + "/" + std::string(kHookPendingFile);
}

}  // namespace

Result<ReloadHook> ParseReloadHookFlags(const ReloadHookFlags& flags) {
  ReloadHook hook{flags.exec, std::chrono::seconds(flags.timeout_seconds)};
  if (flags.exec.empty()) {
    if (flags.timeout_seconds != kDefaultHookTimeout.count()) {
      return MakeError(ErrorCode::kInvalidArgument, "--exec-timeout: only with --exec");
    }
    return ReloadHook{};
  }
  CM_RETURN_IF_ERROR(CheckReloadHook(hook));
  return hook;
}

Status CheckReloadHook(const ReloadHook& hook, std::string_view flag) {
  if (hook.command.find('\0') != std::string::npos ||
      hook.command.find_first_not_of(" \t\r\n") == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: give a command (run with /bin/sh -c)", flag));
  }
  if (hook.timeout < std::chrono::seconds(1) || hook.timeout > kMaxHookTimeout) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} timeout: {} s is not between 1 and {} seconds", flag,
                                 hook.timeout.count(), kMaxHookTimeout.count()));
  }
  return {};
}

std::string_view HookEventName(HookEvent event) {
  switch (event) {
    case HookEvent::kIssued:
      return "issued";
    case HookEvent::kRenewed:
      return "renewed";
    case HookEvent::kTrustUpdated:
      return "trust-updated";
    case HookEvent::kRetry:
      return "retry";
  }
  return "renewed";
}

std::string HookOutcome::Describe() const {
  if (ok) {
    return "succeeded";
  }
  if (!error.empty()) {
    return "could not start: " + error;
  }
  if (timed_out) {
    return fmt::format("timed out after {:.0f} s and was killed", seconds);
  }
  if (exit_code) {
    return fmt::format("exited with status {}", *exit_code);
  }
  return fmt::format("killed by signal {}", signal);
}

std::string HookOutcomeText(const HookOutcome& o) {
  const std::string head =
      fmt::format("reload hook for {} ({})", PrintableBytes(o.name, 80), HookEventName(o.event));
  if (o.ok) {
    return fmt::format("{}: succeeded in {:.1f} s\n", head, o.seconds);
  }
  return fmt::format("{}: {}; pending: it runs again at the next renewal run\n", head,
                     o.Describe());
}

ConsoleText HookOutcomeConsoleText(const HookOutcome& outcome, bool json) {
  if (!outcome.ok) {
    return {"", "certmint: warning: " + HookOutcomeText(outcome)};
  }
  return {json ? "" : HookOutcomeText(outcome), ""};
}

nlohmann::json HookOutcomeJson(const HookOutcome& o) {
  return {{"name", o.name},
          {"event", HookEventName(o.event)},
          {"ok", o.ok},
          {"exit_code", o.exit_code ? nlohmann::json(*o.exit_code) : nlohmann::json(nullptr)},
          {"signal", o.signal != 0 ? nlohmann::json(o.signal) : nlohmann::json(nullptr)},
          {"timed_out", o.timed_out},
          {"result", o.Describe()},
          {"pending", !o.ok},
          {"seconds", o.seconds}};
}

HookOutcome RunReloadHook(const ReloadHook& hook, const std::string& out_dir,
                          const std::string& name, HookEvent event) {
  HookOutcome out;
  out.name = name;
  out.event = event;
  const std::string pending = PendingPath(out_dir, name);
  const nlohmann::json mark{{"command", hook.command}, {"event", HookEventName(event)}};
  if (auto st = fs::WriteFileAtomic(pending, mark.dump() + "\n", fs::kPrivateFile); !st) {
    out.error = st.error().message();
    return out;
  }
  RunCommand(hook, HookEnvironment(IdentityVariables(out_dir, name, event)), out);
  if (out.ok) {
    ::unlink(pending.c_str());
    (void)fs::SyncDir(fs::Dirname(pending));
  }
  return out;
}

bool ReloadHookPending(const std::string& out_dir, const std::string& name) {
  return fs::Exists(PendingPath(out_dir, name));
}

int RetryPendingHooks(const ReloadHook& hook, const std::string& out_dir,
                      const std::vector<std::string>& names, const HookReport& report) {
  int still_pending = 0;
  if (hook.empty()) {
    return 0;
  }
  for (const auto& name : names) {
    if (!ReloadHookPending(out_dir, name)) {
      continue;
    }
    HookOutcome outcome = RunReloadHook(hook, out_dir, name, HookEvent::kRetry);
    still_pending += outcome.ok ? 0 : 1;
    if (report) {
      report(outcome);
    }
  }
  return still_pending;
}

}  // namespace certmint
