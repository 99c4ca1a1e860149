// `certmint renew` behind its flags: which identities, the local CA or the
// CA service, once or as a daemon, and what it reports. Nothing is printed:
// progress goes to a ConsoleSink as it happens, the closing document is
// returned.
#pragma once

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ca/unlock.h"
#include "core/console_text.h"
#include "core/encoding.h"
#include "core/error.h"
#include "core/secret.h"
#include "identity/reload_hook.h"
#include "identity/selection.h"
#include "stores/new_password.h"

namespace certmint {

struct RenewJob {
  RenewFlags flags;               // checked with CheckRenewFlags
  NewPasswordFlags new_password;  // ReadRenewalPassword, after the dry-run check
  ReloadHookFlags hook;           // --exec, --exec-timeout (ParseReloadHookFlags)
  bool json = false;              // the closing document is JSON; hook successes are not printed
  TimePoint now;
  // Read only when something is renewed (a dry run reads no password): the
  // identities' store password (nullopt: each one's password file), and the
  // local CA's password.
  std::function<Result<std::optional<SecretString>>()> store_password;
  CaPasswordSource ca_password;
  // --daemon: the flag that ends it (SIGTERM, SIGINT); asked for only then.
  std::function<const std::atomic<bool>&()> stop;
};

// What is left to print once renewing is done: `json` with --json, else
// `text` (often empty: the lines went to the sink as they happened).
struct RenewResult {
  nlohmann::json json;
  std::string text;
};

// RenewIdentities renews what `request` names, reporting each renewal,
// event and hook outcome to `print` as it happens. With --server, through
// the CA service (RenewDueIdentities; --daemon: RunRenewalDaemon until
// request.stop); else with the local CA (RenewWithLocalCa). Stops at the
// first failure; kInvalidArgument for flags that do not go together.
Result<RenewResult> RenewIdentities(const RenewJob& request, const ConsoleSink& print);

}  // namespace certmint
