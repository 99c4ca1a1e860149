#include "cluster/apply_run.h"

#include <fmt/format.h>

#include <chrono>

#include "cluster/apply_text.h"
#include "cluster/manifest.h"
#include "core/confirm.h"

namespace certmint {
namespace {

std::string Identities(size_t n) { return fmt::format("{} identit{}", n, n == 1 ? "y" : "ies"); }

// Prints `text` unless the report is JSON.
void Say(const ApplyRequest& r, const ApplyConsole& console, const std::string& text) {
  if (!r.json) {
    console.out(text);
  }
}

Result<size_t> Prune(ApplySession& session, const ApplyRequest& r, const ApplyConsole& console) {
  CM_RETURN_IF_ERROR(ConfirmApplyPrune(session, r.settings.out_dir, r.yes, AskYesNo));
  size_t removed = 0;
  CM_ASSIGN_OR_RETURN(bool revoked, session.Prune([&](const std::string& name) {
    ++removed;
    Say(r, console, fmt::format("removed {}\n", name));
  }));
  if (revoked) {
    Say(r, console,
        fmt::format("Revoked in the inventory; publish a new CRL where your clients "
                    "check one: certmint crl --dir {} --out FILE\n",
                    r.settings.pki_dir));
  }
  return removed;
}

// Gives the report: JSON with --json, else `text`.
void Report(const ApplyRequest& r, const ApplyConsole& console, const nlohmann::json& json,
            const std::string& text) {
  if (r.json) {
    console.json(json);
  } else {
    console.out(text);
  }
}

// Issues what the plan holds (`removed`: identities pruned before).
Status Execute(ApplySession& session, const ApplyRequest& r, const ApplyConsole& console,
               size_t removed) {
  const size_t todo = session.todo();
  CM_ASSIGN_OR_RETURN(auto ca_password, r.ca_password(session.creates_ca()));
  CM_ASSIGN_OR_RETURN(auto store_password, r.store_password());
  const auto start = std::chrono::steady_clock::now();
  ApplyProgress progress(todo, r.progress_tty, start);
  const auto done = [&](const PlanItem& item, const Status& st) {
    if (!r.json) {
      auto printed = progress.Done(item, st, std::chrono::steady_clock::now());
      console.out(printed.out);
      console.err(printed.err);
    }
  };
  const auto created_ca = [&] {
    Say(r, console, RenderCreatedCaText(session, r.settings.pki_dir));
  };
  CM_ASSIGN_OR_RETURN(
      auto summary,
      session.Execute(ca_password, store_password ? &*store_password : nullptr, created_ca, done));
  ca_password.clear();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  session.RunHooks(&summary, console.hook);
  const ApplyOutcome outcome{summary, secs};
  Report(r, console, session.ReportJson(r.prune, removed, &outcome),
         RenderApplySummaryText(session, r.settings, summary, removed, secs));
  if (!summary.failures.empty()) {
    Error e = summary.failures.front().second;
    return tl::unexpected(
        e.AddContext(fmt::format("{} of {} identities failed", summary.failures.size(), todo)));
  }
  return {};
}

}  // namespace

Status ConfirmApplyPrune(const ApplySession& session, const std::string& out_dir, bool yes,
                         const std::function<std::optional<bool>(const std::string&)>& ask) {
  if (yes) {
    return {};
  }
  const size_t n = session.unlisted().size();
  const auto answer =
      ask(RenderPruneText(session, out_dir) + fmt::format("Revoke and remove {}?", Identities(n)));
  if (!answer) {
    return MakeError(ErrorCode::kRefused,
                     fmt::format("--prune: {} to revoke and remove, and no terminal to "
                                 "confirm on: give --yes (check first with --dry-run --prune)",
                                 Identities(n)));
  }
  if (!*answer) {
    return MakeError(ErrorCode::kRefused, "--prune: not confirmed; nothing pruned or issued");
  }
  return {};
}

Status ApplyManifest(const ApplyRequest& r, const ApplyConsole& console) {
  CM_ASSIGN_OR_RETURN(auto manifest, LoadManifest(r.manifest));
  const ApplySettings& settings = r.settings;
  CM_ASSIGN_OR_RETURN(auto session, ApplySession::Open(std::move(manifest), settings));
  Say(r, console, RenderPlanText(*session, settings.pki_dir, r.prune));
  if (settings.dry_run && r.prune) {
    Say(r, console, RenderPruneText(*session, settings.out_dir));
  }
  if (session->refusal()) {
    // Shown in full (a dry run too), then refused before anything is written.
    if (r.json) {
      console.json(session->ReportJson(r.prune, 0, nullptr));
    }
    return tl::unexpected(session->refusal()->error);
  }
  size_t removed = 0;
  if (!settings.dry_run && r.prune && !session->unlisted().empty()) {
    CM_ASSIGN_OR_RETURN(removed, Prune(*session, r, console));
  }
  if (settings.dry_run || session->todo() == 0) {
    if (!settings.dry_run) {
      session->RunHooks(nullptr, console.hook);  // pending ones
    }
    Report(r, console, session->ReportJson(r.prune, removed, nullptr),
           settings.dry_run ? "Dry run: nothing written.\n"
           : removed > 0    ? "Nothing else to do.\n"
                            : "Nothing to do.\n");
    return {};
  }
  return Execute(*session, r, console, removed);
}

}  // namespace certmint
