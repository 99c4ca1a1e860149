// certmint apply MANIFEST: the whole cluster in one idempotent command.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "cluster/apply_session.h"
#include "cluster/apply_text.h"
#include "cluster/manifest.h"
#include "cluster/plan.h"
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
  bool json = false;
  std::string password_file;
  std::string ca_password_file;
};

Result<size_t> Prune(ApplySession& session, const ApplyArgs& args) {
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
  CM_ASSIGN_OR_RETURN(auto session, ApplySession::Open(std::move(manifest), settings));
  if (!args.json) {
    std::cout << RenderPlanText(*session, settings.pki_dir, args.prune);
  }
  size_t removed = 0;
  if (!settings.dry_run && args.prune && !session->unlisted().empty()) {
    CM_ASSIGN_OR_RETURN(removed, Prune(*session, args));
  }
  const size_t todo = session->todo();
  if (settings.dry_run || todo == 0) {
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
    if (!args.json) std::cout << fmt::format("Created CA in {}\n", settings.pki_dir);
  };
  CM_ASSIGN_OR_RETURN(
      auto summary,
      session->Execute(ca_password, store_password ? &*store_password : nullptr, created_ca, done));
  ca_password.clear();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
                "manifest no longer names; without it they are only listed");
  AddJson(cmd, &a->json, "the plan and summary");
  cmd->add_option("--password-file", a->password_file,
                  "One store password for every identity, 6+ printable ASCII characters (else "
                  "$CERTMINT_PASSWORD, else each identity keeps or gets its own generated "
                  "password)");
  AddCaPasswordFile(cmd, &a->ca_password_file);
  cmd->footer(
      "Creates the CA if absent; issues every identity that is missing; re-issues one whose SANs,\n"
      "role, key type, formats, subject, alias or PKCS#12 options changed, that is incomplete,\n"
      "issued by another CA, or inside the renewal window; leaves the rest untouched, byte for\n"
      "byte. Each identity is replaced in one atomic exchange, so a killed apply leaves every\n"
      "identity old or new, never half; the next apply finishes the job. Nothing to do needs no\n"
      "password.\n"
      "Identities under --out that the manifest does not name are listed as unlisted (their\n"
      "certificates still work until they expire); --prune revokes them in the inventory\n"
      "(cessationOfOperation) and removes their directories. Check with --dry-run first.\n\n"
      "Example:\n  certmint apply examples/kafka-cluster.yaml --dir pki --out certs "
      "--ca-password-file ca.pass");
  return FromStatus([a] { return RunApply(*a); });
}

}  // namespace certmint::cli
