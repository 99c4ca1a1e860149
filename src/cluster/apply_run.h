// One `certmint apply MANIFEST` run, from the manifest file to the report:
// the plan shown, a refusal, --prune confirmed and carried out, the
// identities issued with their progress, the reload hooks, and the summary.
// Nothing here prints: every line goes to an ApplyConsole.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cluster/apply_session.h"
#include "core/error.h"
#include "core/secret.h"

namespace certmint {

// Where an apply run's output goes, as it happens.
struct ApplyConsole {
  std::function<void(const std::string&)> out;      // text for stdout (never with --json)
  std::function<void(const std::string&)> err;      // the progress line on a terminal
  std::function<void(const nlohmann::json&)> json;  // the report, with --json
  HookReport hook;                                  // each reload hook's outcome
};

struct ApplyRequest {
  std::string manifest;    // the manifest file
  ApplySettings settings;  // with `now` and `hook` set
  bool prune = false;
  bool yes = false;  // --prune without asking
  bool json = false;
  bool progress_tty = false;  // the progress is one redrawn line (stderr is a terminal)
  // The CA's secret (`is_new`: the CA is to be created), asked for only
  // when there is something to issue.
  std::function<Result<SecretString>(bool is_new)> ca_password;
  // One password for every identity's stores; nullopt: each its own.
  std::function<Result<std::optional<SecretString>>()> store_password;
};

// ApplyManifest runs `request` (the plan, RenderPlanText; with --prune
// ConfirmApplyPrune first; then Execute and RunHooks) and reports to
// `console`. The session's refusal, a refused or unconfirmed prune
// (kRefused) and the first failed identity (in the context "N of M
// identities failed") are its errors, after the report was given.
Status ApplyManifest(const ApplyRequest& request, const ApplyConsole& console);

// --prune cannot be undone: with `yes` it goes ahead; else the operator sees
// what goes and is asked (`ask`, core/confirm.h's AskYesNo); kRefused when
// there is nobody to ask (`ask` returns nullopt) or the answer is no.
Status ConfirmApplyPrune(const ApplySession& session, const std::string& out_dir, bool yes,
                         const std::function<std::optional<bool>(const std::string&)>& ask);

}  // namespace certmint
