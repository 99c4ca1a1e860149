// Reload hooks: a command run after an identity's files were replaced, so
// that the running process picks them up (kafka-configs.sh --alter, a
// systemctl reload, a signal). Its failure never hides the renewal: the
// identity is renewed either way, the failure is reported, and the hook is
// marked pending in the identity directory (.certmint-hook-pending) so that
// the next renew run or daemon tick runs it again, renewal due or not,
// until it succeeds. docs/renewal.md documents all of it.
//
// The command is run as `/bin/sh -c COMMAND` (like cron and systemd's
// ExecStart with a shell), stdin from /dev/null, its stdout and stderr on
// certmint's stderr (so that --json output stays clean), in a process group
// of its own that is killed (SIGTERM, then SIGKILL after 5 s) when the
// timeout runs out. Its environment is certmint's without certmint's own
// CERTMINT_* variables (they may carry passwords), plus:
//   CERTMINT_IDENTITY     the identity's name
//   CERTMINT_DIR          its directory (absolute)
//   CERTMINT_INSTALL_DIR  where its files live on the node (--install-dir;
//                         else CERTMINT_DIR)
//   CERTMINT_KEYSTORE     its keystore (keystore.p12, else keystore.jks,
//                         else NAME.key); empty without one
//   CERTMINT_TRUSTSTORE   its truststore, likewise
//   CERTMINT_SERIAL       the new certificate's serial (hex)
//   CERTMINT_NOT_AFTER    its notAfter, UTC (2026-11-30T12:00:00Z)
//   CERTMINT_EVENT        issued, renewed, trust-updated, or retry
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/console_text.h"
#include "core/error.h"

namespace certmint {

inline constexpr std::chrono::seconds kDefaultHookTimeout{60};
inline constexpr std::chrono::seconds kMaxHookTimeout{86400};
// How soon a daemon retries a failed hook when no renewal is due before.
inline constexpr std::chrono::seconds kHookRetryInterval{60};
inline constexpr std::string_view kHookPendingFile = ".certmint-hook-pending";

struct ReloadHook {
  std::string command;  // empty: no hook
  std::chrono::seconds timeout = kDefaultHookTimeout;
  bool empty() const { return command.empty(); }
};

// What the command line says (--exec CMD, --exec-timeout SECONDS).
struct ReloadHookFlags {
  std::string exec;
  int timeout_seconds = static_cast<int>(kDefaultHookTimeout.count());
};
// ParseReloadHookFlags: an empty hook without --exec; else CheckReloadHook.
Result<ReloadHook> ParseReloadHookFlags(const ReloadHookFlags& flags);

// CheckReloadHook: kInvalidArgument, naming `flag`, for a command with a NUL
// byte or only blanks, or a timeout outside 1 s .. 24 h.
Status CheckReloadHook(const ReloadHook& hook, std::string_view flag = "--exec");

enum class HookEvent { kIssued, kRenewed, kTrustUpdated, kRetry };
std::string_view HookEventName(HookEvent event);

struct HookOutcome {
  std::string name;  // the identity
  HookEvent event = HookEvent::kRenewed;
  bool ok = false;
  std::optional<int> exit_code;  // when it exited
  int signal = 0;                // when a signal ended it
  bool timed_out = false;
  std::string error;  // when it could not be started
  double seconds = 0;
  // "exited with status 3", "timed out after 60 s", "killed by signal 9",
  // "could not start: ...", "succeeded".
  std::string Describe() const;
};
nlohmann::json HookOutcomeJson(const HookOutcome& outcome);
// One line: "reload hook for NAME (renewed): succeeded in 0.2 s", or for a
// failure "... exited with status 3; pending: it runs again at the next
// renewal run".
std::string HookOutcomeText(const HookOutcome& outcome);
// HookOutcomeConsoleText: a success on stdout (not with `json`, whose
// document carries it), a failure on stderr always, as a warning.
ConsoleText HookOutcomeConsoleText(const HookOutcome& outcome, bool json);
using HookReport = std::function<void(const HookOutcome&)>;

// RunReloadHook runs `hook` for OUT/NAME after `event`: marks it pending
// first (so that a certmint killed meanwhile retries it too), runs it, and
// clears the mark when it succeeded (exit status 0 within the timeout).
HookOutcome RunReloadHook(const ReloadHook& hook, const std::string& out_dir,
                          const std::string& name, HookEvent event);

// Whether OUT/NAME has a hook that failed (or was interrupted) since its
// last renewal.
bool ReloadHookPending(const std::string& out_dir, const std::string& name);

// RetryPendingHooks runs `hook` (event kRetry) for each of `names` whose
// hook is pending, reporting each outcome; returns how many are still
// pending. Nothing without a hook.
int RetryPendingHooks(const ReloadHook& hook, const std::string& out_dir,
                      const std::vector<std::string>& names, const HookReport& report);

}  // namespace certmint
