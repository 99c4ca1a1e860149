// certmint apply MANIFEST: the whole cluster in one idempotent command.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "cli/commands.h"
#include "cli/passwords.h"
#include "cluster/apply.h"
#include "cluster/manifest.h"
#include "cluster/plan.h"
#include "core/fs.h"
#include "inventory/inventory.h"
#include "identity/identity.h"

namespace certmint::cli {
namespace {

struct ApplyArgs {
  std::string manifest;
  std::string dir = "pki";
  std::string out = "certs";
  // Four workers per hardware thread: while some identities wait for their
  // fsyncs, others' keys are being made, so the cores stay busy (measured in
  // docs/performance.md: 4x beat 2x; 8x was within the run-to-run noise).
  // Capped, so that a large machine does not start thousands of threads.
  int jobs = static_cast<int>(std::min(4 * std::max(1u, std::thread::hardware_concurrency()), 256u));
  bool dry_run = false;
  bool prune = false;
  bool json = false;
  std::string password_file;
  std::string ca_password_file;
};

// done/total, rate and ETA on one terminal line.
class Progress {
 public:
  Progress(size_t total, bool tty, bool quiet) : total_(total), tty_(tty), quiet_(quiet) {}

  void Done(const PlanItem& item, const Status& st) {
    ++done_;
    if (quiet_) {
      return;
    }
    if (!tty_) {
      std::cout << fmt::format("{} {}{}\n",
                               st ? (item.action == PlanAction::kCreate  ? "created"
                                     : item.action == PlanAction::kTrust ? "trust updated"
                                                                         : "renewed")
                                  : "FAILED",
                               item.spec->name, st ? "" : ": " + st.error().ToString());
      return;
    }
    if (!st) {
      std::cerr << fmt::format("\r\033[Kfailed {}: {}\n", item.spec->name, st.error().ToString());
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = secs > 0 ? done_ / secs : 0;
    const double eta = rate > 0 ? (total_ - done_) / rate : 0;
    const int width = 30;
    const int filled = total_ ? static_cast<int>(width * done_ / total_) : width;
    std::cerr << fmt::format("\r\033[K[{}{}] {}/{} {:.1f}/s ETA {:.0f}s", std::string(filled, '#'),
                             std::string(width - filled, ' '), done_, total_, rate, eta)
              << std::flush;
    if (done_ == total_) {
      std::cerr << "\n";
    }
  }

 private:
  size_t total_;
  size_t done_ = 0;
  bool tty_;
  bool quiet_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

Status RunApply(const ApplyArgs& args) {
  CM_ASSIGN_OR_RETURN(auto manifest, LoadManifest(args.manifest));
  if (args.jobs < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "--jobs: must be at least 1");
  }
  const auto now = std::chrono::system_clock::now();
  std::optional<fs::FileLock> lock;
  if (!args.dry_run) {
    CM_RETURN_IF_ERROR(fs::EnsureDir(args.out));
    CM_ASSIGN_OR_RETURN(auto l, fs::FileLock::Acquire(args.out + "/.certmint.lock"));
    lock.emplace(std::move(l));
    fs::RemoveStaleStaging(args.out);
  }
  std::optional<Certificate> ca_cert;
  PlanContext context;
  context.now = now;
  if (auto c = CertificateAuthority::LoadCertificate(args.dir); c) {
    ca_cert = *c;
    context.ca = *c;
    CM_ASSIGN_OR_RETURN(context.trust, TrustAnchors(args.dir));
    if (RotationInProgress(args.dir)) {
      CM_ASSIGN_OR_RETURN(auto prev, CertificateAuthority::LoadCertificate(PreviousCaDir(args.dir)));
      context.previous_ca = prev;
    }
  } else if (c.error().code() != ErrorCode::kNotFound) {
    return tl::unexpected(c.error());
  }
  CM_ASSIGN_OR_RETURN(auto plan, MakePlan(manifest, args.out, context));
  // A run killed between recording a certificate and deploying it leaves a
  // pending record: whatever is on disk is the valid one.
  if (!args.dry_run && ca_cert && fs::Exists(InventoryPath(args.dir))) {
    CM_ASSIGN_OR_RETURN(auto inv, OpenInventory(args.dir));
    CM_ASSIGN_OR_RETURN(auto pending, inv->List({}, now));
    for (const auto& rec : pending) {
      if (rec.status != CertStatus::kPending) {
        continue;
      }
      auto state = ReadIdentityState(args.out, rec.name);
      if (state && *state && (*state)->certificate.SerialHex() == rec.serial) {
        CM_RETURN_IF_ERROR(inv->Activate(rec.name, rec.serial));
      }
    }
  }
  // Identity directories the manifest does not name: listed, and with
  // --prune revoked and removed.
  const std::vector<UnlistedIdentity> unlisted = FindUnlisted(manifest, args.out);
  const auto unlisted_reason = [&](const UnlistedIdentity& u) {
    const std::string cert =
        u.certificate ? fmt::format("serial {}, valid until {}", u.certificate->SerialHex(),
                                    FormatUtc(u.certificate->NotAfter()))
                      : "unreadable";
    return args.prune ? fmt::format("not in the manifest ({}): revoke, remove the directory",
                                    cert)
                      : fmt::format("not in the manifest ({}); --prune revokes and removes it",
                                    cert);
  };
  const char* unlisted_action = args.prune ? "remove" : "unlisted";
  // A CA that ends before the certificates it would issue: they are cut
  // short, and only a rotation gives them their full validity.
  std::vector<std::string> warnings;
  if (ca_cert && !RotationInProgress(args.dir)) {
    int longest = 0;
    for (const auto& spec : manifest.identities) {
      longest = std::max(longest, spec.days);
    }
    if (ca_cert->NotAfter() < now + std::chrono::hours(24) * longest) {
      const auto left =
          std::chrono::duration_cast<std::chrono::hours>(ca_cert->NotAfter() - now).count() / 24;
      warnings.push_back(fmt::format(
          "the CA expires on {} ({} days left): certificates end with it, and once they are "
          "inside the renewal window apply cannot renew them; rotate the CA: certmint ca rotate "
          "--dir {} (docs/ca-rotation.md)",
          FormatUtc(ca_cert->NotAfter()), std::max<long long>(left, 0), args.dir));
    }
  }
  int counts[4] = {0, 0, 0, 0};
  nlohmann::json plan_json = nlohmann::json::array();
  for (const auto& item : plan) {
    ++counts[static_cast<int>(item.action)];
    if (args.json) {
      plan_json.push_back({{"name", item.spec->name},
                           {"action", PlanActionName(item.action)},
                           {"reason", item.reason}});
    }
  }
  for (const auto& u : unlisted) {
    if (args.json) {
      plan_json.push_back(
          {{"name", u.name}, {"action", unlisted_action}, {"reason", unlisted_reason(u)}});
    }
  }
  if (!args.json) {
    for (const auto& w : warnings) {
      std::cout << "warning: " << w << "\n";
    }
    if (!ca_cert) {
      std::cout << fmt::format("  create  CA in {} ({}, {})\n", args.dir,
                               manifest.ca.subject.ToString(), manifest.ca.key_type.ToString());
    }
    for (const auto& item : plan) {
      std::cout << fmt::format("  {:<6}  {}  ({})\n", PlanActionName(item.action), item.spec->name,
                               item.reason);
    }
    for (const auto& u : unlisted) {
      std::cout << fmt::format("  {:<6}  {}  ({})\n", unlisted_action, u.name, unlisted_reason(u));
    }
    std::cout << fmt::format("Plan: {} to create, {} to renew, {} to keep", counts[0], counts[1],
                             counts[2]);
    std::cout << (counts[3] ? fmt::format(", {} truststores to update", counts[3]) : "");
    std::cout << (unlisted.empty() ? "\n"
                  : args.prune     ? fmt::format(", {} to remove\n", unlisted.size())
                                   : fmt::format(", {} not in the manifest\n", unlisted.size()));
  }
  const size_t todo = static_cast<size_t>(counts[0] + counts[1] + counts[3]);
  size_t removed = 0;
  if (!args.dry_run && args.prune && !unlisted.empty()) {
    std::unique_ptr<Inventory> inv;
    if (ca_cert && fs::Exists(InventoryPath(args.dir))) {
      CM_ASSIGN_OR_RETURN(inv, OpenInventory(args.dir));
    }
    for (const auto& u : unlisted) {
      CM_RETURN_IF_ERROR(WithContext(PruneIdentity(u, args.out, inv.get(), now),
                                     "removing " + u.name));
      ++removed;
      if (!args.json) {
        std::cout << fmt::format("removed {}\n", u.name);
      }
    }
    if (!args.json && inv) {
      std::cout << fmt::format("Revoked in the inventory; publish a new CRL where your clients "
                               "check one: certmint crl --dir {} --out FILE\n",
                               args.dir);
    }
  }
  if (args.dry_run || todo == 0) {
    if (args.json) {
      PrintJson(nlohmann::json{{"dry_run", args.dry_run},
                               {"create_ca", !ca_cert.has_value()},
                               {"warnings", warnings},
                               {"plan", plan_json},
                               {"summary",
                                {{"created", 0},
                                 {"renewed", 0},
                                 {"kept", counts[2]},
                                 {"removed", removed},
                                 {"failed", 0}}}}
                    .dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      std::cout << (args.dry_run ? "Dry run: nothing written.\n"
                    : removed > 0 ? "Nothing else to do.\n"
                                  : "Nothing to do.\n");
    }
    return {};
  }

  CM_ASSIGN_OR_RETURN(auto ca_password, ReadCaPassword(args.ca_password_file, !ca_cert));
  std::optional<CertificateAuthority> ca;
  if (ca_cert) {
    CM_ASSIGN_OR_RETURN(auto loaded, CertificateAuthority::Load(args.dir, ca_password));
    ca.emplace(std::move(loaded));
  } else {
    CaInitOptions init{manifest.ca.subject, manifest.ca.key_type, manifest.ca.days, now,
                       kCaKeyIterations};
    CM_ASSIGN_OR_RETURN(auto created, WithContext(CertificateAuthority::Init(args.dir, init,
                                                                             ca_password),
                                                  fmt::format("creating CA in {}", args.dir)));
    ca.emplace(std::move(created));
    if (!args.json) {
      std::cout << fmt::format("Created CA in {}\n", args.dir);
    }
  }
  CM_ASSIGN_OR_RETURN(auto trust, TrustAnchors(args.dir));
  ca_password.clear();
  CM_ASSIGN_OR_RETURN(auto store_password, ExplicitNewPassword(args.password_file));

  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(args.dir));
  Progress progress(todo, isatty(STDERR_FILENO) == 1, args.json);
  ApplyOptions options;
  options.out_dir = args.out;
  options.jobs = args.jobs;
  options.now = now;
  options.store_password = store_password ? &*store_password : nullptr;
  options.inventory = inventory.get();
  options.trust = trust;
  options.on_done = [&](const PlanItem& item, const Status& st) { progress.Done(item, st); };
  const auto start = std::chrono::steady_clock::now();
  ApplySummary summary = ApplyPlan(*ca, plan, options);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.json) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& [name, err] : summary.failures) {
      failures.push_back({{"name", name}, {"error", err.ToString()}});
    }
    PrintJson(nlohmann::json{{"dry_run", false},
                             {"create_ca", !ca_cert.has_value()},
                             {"warnings", warnings},
                             {"plan", plan_json},
                             {"summary",
                              {{"created", summary.created},
                               {"renewed", summary.renewed},
                               {"trust_updated", summary.trust_updated},
                               {"kept", summary.kept},
                               {"removed", removed},
                               {"failed", summary.failures.size()},
                               {"seconds", secs}}},
                             {"failures", failures}}
                  .dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    std::cout << fmt::format("Done in {:.1f}s: {} created, {} renewed, {} kept, {} failed", secs,
                             summary.created, summary.renewed, summary.kept,
                             summary.failures.size());
    std::cout << (removed > 0 ? fmt::format(", {} removed", removed) : "");
    std::cout << (summary.trust_updated
                      ? fmt::format(", {} truststores updated\n", summary.trust_updated)
                      : "\n");
    if (RotationInProgress(args.dir)) {
      std::cout << (counts[3] > 0 && counts[1] == 0
                        ? "CA rotation, step 1 done: deploy the new truststores to every node "
                          "(rolling restart), then run apply again.\n"
                        : "CA rotation: when every node runs its new keystore, retire the old "
                          "CA: certmint ca retire --dir " + args.dir + " --out " + args.out +
                              "\n");
    }
  }
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
  cmd->add_option("--dir", a->dir, "The CA's directory (created if absent)")->capture_default_str();
  cmd->add_option("--out", a->out, "Where the identity directories live")->capture_default_str();
  cmd->add_option("--jobs,-j", a->jobs, "Identities issued in parallel (default: four per hardware thread, at most 256)")->capture_default_str();
  cmd->add_flag("--dry-run", a->dry_run, "Print the plan; write nothing");
  cmd->add_flag("--prune", a->prune,
                "Revoke (in the inventory) and remove identity directories under --out that the "
                "manifest no longer names; without it they are only listed");
  cmd->add_flag("--json", a->json, "Print the plan and summary as JSON");
  cmd->add_option("--password-file", a->password_file,
                  "One store password for every identity, 6+ printable ASCII characters (else "
                  "$CERTMINT_PASSWORD, else each identity keeps or gets its own generated "
                  "password)");
  cmd->add_option("--ca-password-file", a->ca_password_file,
                  "File whose first line is the CA key password (else $CERTMINT_CA_PASSWORD, "
                  "else a prompt)");
  AddArgvPasswordTraps(cmd);
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
  return FromStatus([cmd, a]() -> Status {
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(cmd));
    return RunApply(*a);
  });
}

}  // namespace certmint::cli
