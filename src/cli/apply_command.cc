// certmint apply MANIFEST: the whole cluster in one idempotent command.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "cli/commands.h"
#include "cli/hook_flags.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "cluster/apply_session.h"
#include "cluster/apply_text.h"
#include "cluster/manifest.h"
#include "cluster/plan.h"
#include "core/confirm.h"
#include "core/fs.h"

namespace certmint::cli {
namespace {

ApplySettings DefaultSettings() {
  ApplySettings s;
  s.pki_dir = "pki";
  s.out_dir = "certs";
  return s;
}

struct ApplyArgs {
  std::string manifest;
  ApplySettings settings = DefaultSettings();  // --dir, --out, --jobs, --dry-run
  bool prune = false;
  bool yes = false;  // --prune without asking
  bool json = false;
  std::string password_file;
  std::string ca_password_file;
  ReloadHookFlags hook;  // --exec, --exec-timeout
};

// --prune cannot be undone: the operator sees what goes and says yes on a
// terminal, or gives --yes; a script without --yes is refused.
Status ConfirmPrune(const ApplySession& session, const ApplyArgs& args) {
  if (args.yes) {
    return {};
  }
  const size_t n = session.unlisted().size();
  const auto answer =
      AskYesNo(RenderPruneText(session, args.settings.out_dir) +
               fmt::format("Revoke and remove {} identit{}?", n, n == 1 ? "y" : "ies"));
  if (!answer) {
    return MakeError(ErrorCode::kRefused,
                     fmt::format("--prune: {} identit{} to revoke and remove, and no terminal to "
                                 "confirm on: give --yes (check first with --dry-run --prune)",
                                 n, n == 1 ? "y" : "ies"));
  }
  if (!*answer) {
    return MakeError(ErrorCode::kRefused, "--prune: not confirmed; nothing pruned or issued");
  }
  return {};
}

Result<size_t> Prune(ApplySession& session, const ApplyArgs& args) {
  CM_RETURN_IF_ERROR(ConfirmPrune(session, args));
  size_t removed = 0;
  CM_ASSIGN_OR_RETURN(bool revoked, session.Prune([&](const std::string& name) {
    ++removed;
    if (!args.json) {
      std::cout << fmt::format("removed {}\n", name);
    }
  }));
  if (!args.json && revoked) {
    std::cout << fmt::format(
        "Revoked in the inventory; publish a new CRL where your clients "
        "check one: certmint crl --dir {} --out FILE\n",
        args.settings.pki_dir);
  }
  return removed;
}

Status RunApply(const ApplyArgs& args) {
  CM_ASSIGN_OR_RETURN(auto manifest, LoadManifest(args.manifest));
  ApplySettings settings = args.settings;
  settings.now = std::chrono::system_clock::now();
  CM_ASSIGN_OR_RETURN(settings.hook, ParseReloadHookFlags(args.hook));
  const HookReport print_hook = [&](const HookOutcome& o) { PrintHookOutcome(o, args.json); };
  CM_ASSIGN_OR_RETURN(auto session, ApplySession::Open(std::move(manifest), settings));
  if (!args.json) {
    std::cout << RenderPlanText(*session, settings.pki_dir, args.prune);
    if (settings.dry_run && args.prune) {
      std::cout << RenderPruneText(*session, settings.out_dir);
    }
  }
  if (session->refusal()) {
    // Shown in full (a dry run too), then refused before anything is written.
    if (args.json) {
      PrintJson(session->ReportJson(args.prune, 0, nullptr));
    }
    return tl::unexpected(session->refusal()->error);
  }
  size_t removed = 0;
  if (!settings.dry_run && args.prune && !session->unlisted().empty()) {
    CM_ASSIGN_OR_RETURN(removed, Prune(*session, args));
  }
  const size_t todo = session->todo();
  if (settings.dry_run || todo == 0) {
    if (!settings.dry_run) {
      session->RunHooks(nullptr, print_hook);  // pending ones
    }
    PrintResult(args.json, session->ReportJson(args.prune, removed, nullptr),
                settings.dry_run ? "Dry run: nothing written.\n"
                : removed > 0    ? "Nothing else to do.\n"
                                 : "Nothing to do.\n");
    return {};
  }
  CM_ASSIGN_OR_RETURN(auto ca_password,
                      ReadCaPassword(args.ca_password_file, session->creates_ca()));
  CM_ASSIGN_OR_RETURN(auto store_password, ExplicitNewPassword(args.password_file));
  const auto start = std::chrono::steady_clock::now();
  ApplyProgress progress(todo, isatty(STDERR_FILENO) == 1, start);
  const auto done = [&](const PlanItem& item, const Status& st) {
    if (!args.json) {
      auto printed = progress.Done(item, st, std::chrono::steady_clock::now());
      std::cout << printed.out;
      std::cerr << printed.err << std::flush;
    }
  };
  const auto created_ca = [&] {
    if (!args.json) std::cout << RenderCreatedCaText(*session, settings.pki_dir) << std::flush;
  };
  CM_ASSIGN_OR_RETURN(
      auto summary,
      session->Execute(ca_password, store_password ? &*store_password : nullptr, created_ca, done));
  ca_password.clear();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  session->RunHooks(&summary, print_hook);
  const ApplyOutcome outcome{summary, secs};
  PrintResult(args.json, session->ReportJson(args.prune, removed, &outcome),
              RenderApplySummaryText(*session, settings, summary, removed, secs));
  if (!summary.failures.empty()) {
    Error e = summary.failures.front().second;
    return tl::unexpected(
        e.AddContext(fmt::format("{} of {} identities failed", summary.failures.size(), todo)));
  }
  return {};
}

}  // namespace

Runner RegisterApplyCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ApplyArgs>();
  CLI::App* cmd = app->add_subcommand(
      "apply", "Bring a whole cluster's identities in line with a manifest (idempotent)");
  cmd->add_option("MANIFEST", a->manifest, "The cluster manifest (YAML; see examples/)")
      ->required();
  cmd->add_option("--dir", a->settings.pki_dir, "The CA's directory (created if absent)");
  cmd->add_option("--out", a->settings.out_dir, "Where the identity directories live");
  cmd->add_option("--jobs,-j", a->settings.jobs,
                  "Identities issued in parallel (default: four per hardware thread, at most 256)");
  cmd->add_flag("--dry-run", a->settings.dry_run, "Print the plan; write nothing");
  cmd->add_flag("--prune", a->prune,
                "Revoke (in the inventory) and remove identity directories under --out that the "
                "manifest no longer names, after showing them and asking on a terminal; without "
                "it they are only listed");
  cmd->add_flag("--yes", a->yes, "--prune without asking (scripts: there is no terminal to ask)");
  cmd->add_flag("--reissue-foreign", a->settings.reissue_foreign,
                "Re-issue identities under --out that another CA issued (not the --dir CA, nor "
                "its predecessor during a rotation); without it apply refuses them");
  cmd->add_flag("--new-ca", a->settings.new_ca,
                "Create a CA in --dir although --out holds identities from another CA, and "
                "re-issue them all under it (implies --reissue-foreign)");
  AddJson(cmd, &a->json, "the plan and summary");
  cmd->add_option("--password-file", a->password_file,
                  "One store password for every identity, 6+ printable ASCII characters (else "
                  "$CERTMINT_PASSWORD, else each identity keeps or gets its own generated "
                  "password)");
  AddCaPasswordFile(cmd, &a->ca_password_file);
  AddReloadHookFlags(cmd, &a->hook);
  return FromStatus([a] { return RunApply(*a); });
}

}  // namespace certmint::cli
