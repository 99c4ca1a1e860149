// certmint list, renew, revoke and crl: keeping identities alive.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "ca/records.h"
#include "cli/commands.h"
#include "cli/crl_fetch.h"
#include "cli/hook_flags.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "core/confirm.h"
#include "core/fs.h"
#include "core/json_value.h"
#include "core/stop_signal.h"
#include "enroll/renewal_daemon.h"
#include "enroll/renewal_text.h"
#include "identity/renew_batch.h"
#include "identity/selection.h"
#include "identity/state.h"
#include "inventory/record_render.h"

namespace certmint::cli {
namespace {

struct ListArgs {
  std::string dir;
  InventoryFilter filter;  // --expiring and --revoked bound directly
  bool all = false;
  bool json = false;
};

Status RunList(ListArgs a) {
  CM_ASSIGN_OR_RETURN(auto inv, OpenCaInventoryReadOnly(a.dir));
  a.filter.current_only = !a.all && !a.filter.revoked_only;
  const TimePoint now = std::chrono::system_clock::now();
  CM_ASSIGN_OR_RETURN(auto rows, inv->List(a.filter, now));
  PrintResult(a.json, InventoryRecordsJson(rows, now), InventoryTableText(rows));
  return {};
}

struct RenewArgs {
  RenewFlags flags;
  std::string days;  // --days as given: ParseValidity reads it into flags.days
  std::string password_file;
  std::string ca_password_file;
  std::string new_password_file;
  std::string new_password_env;
  bool new_random_password = false;
  ReloadHookFlags hook;  // --exec, --exec-timeout
  bool json = false;
};

// --new-password-file, --new-password-env or --new-random-password: at most
// one; nullopt and no new password when none.
Result<std::optional<SecretString>> NewRenewalPassword(const RenewArgs& a) {
  if (!a.new_password_file.empty() + !a.new_password_env.empty() + a.new_random_password > 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "give one of --new-password-file, --new-password-env and "
                     "--new-random-password");
  }
  const char* env = a.new_password_env.empty() ? nullptr : std::getenv(a.new_password_env.c_str());
  if (!a.new_password_env.empty() && (env == nullptr || *env == '\0')) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("--new-password-env: {} is not set or empty",
                                 PrintableBytes(a.new_password_env, 64)));
  }
  return ReadNewStorePassword({a.new_password_file,
                               a.new_password_env.empty() ? nullptr : a.new_password_env.c_str(),
                               "", false, "--new-password-file"});
}

// renew --server: through the CA service, authenticated by each identity's
// current certificate. With --if-due only those two thirds into their
// lifetime; --daemon keeps doing that, sleeping until the next is due.
// With --json, `hook_outcomes` holds the reload hooks' outcomes by the time
// it prints.
Status RunRenewWithServer(const RenewFlags& f, const RenewOptions& options, bool json,
                          const nlohmann::json& hook_outcomes) {
  RenewalRun run;
  run.out_dir = f.out;
  run.names = f.names;
  run.options = options;
  CM_ASSIGN_OR_RETURN(run.url, ParseServerUrl(f.server));
  CM_RETURN_IF_ERROR(CheckIdentitiesExist(f.out, f.names));
  const auto report = [&](const RenewalEvent& e) {
    std::cout << RenewalEventText(e, run.url.ToString()) << std::flush;
  };
  if (!f.daemon && json) {
    nlohmann::json renewed = nlohmann::json::array();
    nlohmann::json not_due = nlohmann::json::array();
    nlohmann::json crl_updated = nlohmann::json::array();
    const auto collect = [&](const RenewalEvent& e) {
      if (e.kind == RenewalEvent::Kind::kRenewed) {
        renewed.push_back({{"name", e.name},
                           {"not_after", FormatUtc(e.valid_until)},
                           {"same_key", options.keep_key},
                           {"new_store_password", false}});
      } else if (e.kind == RenewalEvent::Kind::kCrlUpdated) {
        crl_updated.push_back({{"name", e.name},
                               {"number", e.crl_number},
                               {"next_update", FormatUtc(e.valid_until)}});
      } else {  // not due yet, or cut short by its CA: never due again
        not_due.push_back(
            {{"name", e.name},
             {"due", e.kind == RenewalEvent::Kind::kNotDue ? nlohmann::json(FormatUtc(e.due))
                                                           : nlohmann::json(nullptr)}});
      }
    };
    CM_RETURN_IF_ERROR(RenewDueIdentities(run, f.if_due, collect));
    PrintJson(nlohmann::json{{"dry_run", false},
                             {"renewed", renewed},
                             {"not_due", not_due},
                             {"crl_updated", crl_updated},
                             {"hooks", hook_outcomes}});
    return {};
  }
  if (!f.daemon) {
    return RenewDueIdentities(run, f.if_due, report).transform([](TimePoint) {});
  }
  if (json) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--json: not with --daemon, whose output is a log of events");
  }
  // Daemon: SIGTERM/SIGINT end the wait; failures are retried with backoff.
  RenewalDaemonHooks hooks;
  hooks.scheduled = [](TimePoint next) {
    std::cout << fmt::format("next renewal due at {}\n", FormatUtc(next)) << std::flush;
  };
  hooks.failed = [](const Error& e, std::chrono::seconds retry_in) {
    std::cerr << "certmint renew: " << e.message() << "; retrying in " << retry_in.count() << "s\n";
  };
  RunRenewalDaemon(run, StopOnTermination(), report, hooks);
  std::cout << "certmint renew: stopped\n";
  return {};
}

Status RunRenew(RenewArgs a) {
  const RenewFlags& f = a.flags;
  a.flags.ca_password_given = !a.ca_password_file.empty();
  if (!a.days.empty()) {
    CM_ASSIGN_OR_RETURN(a.flags.days, ParseValidity(a.days, "--days"));
  }
  CM_RETURN_IF_ERROR(CheckRenewFlags(f));
  const auto now = std::chrono::system_clock::now();
  CM_ASSIGN_OR_RETURN(const ReloadHook hook, ParseReloadHookFlags(a.hook));
  nlohmann::json hooks = nlohmann::json::array();
  const HookReport on_hook = [&](const HookOutcome& outcome) {
    hooks.push_back(HookOutcomeJson(outcome));
    PrintHookOutcome(outcome, a.json);
  };
  std::vector<std::string> names;
  if (f.server.empty()) {
    CM_ASSIGN_OR_RETURN(names, SelectIdentities(f.out, f.names, f.expiring, now));
    if (names.empty()) {  // only with --expiring: names were required otherwise
      if (!f.dry_run) {
        RetryPendingHooks(hook, f.out, ListIdentities(f.out), on_hook);
      }
      nlohmann::json none{{"dry_run", f.dry_run}, {"renew", nlohmann::json::array()}};
      if (!f.dry_run) {
        none = {{"dry_run", false},
                {"renewed", nlohmann::json::array()},
                {"not_due", nlohmann::json::array()},
                {"crl_updated", nlohmann::json::array()},
                {"hooks", hooks}};
      }
      PrintResult(a.json, none,
                  fmt::format("No identity in {} expires within {} days.\n", f.out, *f.expiring));
      return {};
    }
  }
  if (f.dry_run) {
    PrintResult(a.json, nlohmann::json{{"dry_run", true}, {"renew", names}},
                fmt::format("Dry run: would renew {}\n", fmt::join(names, ", ")));
    return {};
  }
  CM_ASSIGN_OR_RETURN(auto store_pw, ExplicitPassword(a.password_file));
  CM_ASSIGN_OR_RETURN(auto new_pw, NewRenewalPassword(a));
  RenewOptions o;
  o.keep_key = f.keep_key;
  o.days = f.days;
  o.store_password = store_pw ? &*store_pw : nullptr;
  o.new_store_password = new_pw ? &*new_pw : nullptr;
  o.new_random_password = a.new_random_password;
  o.now = now;
  o.hook = hook;
  o.on_hook = on_hook;
  if (!f.server.empty()) {
    return RunRenewWithServer(f, o, a.json, hooks);
  }
  CM_ASSIGN_OR_RETURN(auto ca, UnlockCa(f.dir, CaPasswordFrom(a.ca_password_file)));
  const char* password_note = a.new_random_password ? ", new random store password in its "
                                                      "password file"
                              : new_pw              ? ", new store password"
                                                    : "";
  nlohmann::json renewed = nlohmann::json::array();
  CM_RETURN_IF_ERROR(RenewWithLocalCa(
      ca, f.dir, f.out, names, o, [&](const std::string& n, std::optional<TimePoint> until) {
        const std::string valid_until = until ? FormatUtc(*until) : "";
        renewed.push_back({{"name", n},
                           {"not_after", NullIfEmpty(valid_until)},
                           {"same_key", f.keep_key},
                           {"new_store_password", new_pw || a.new_random_password}});
        if (!a.json) {
          std::cout << fmt::format("Renewed {}{}{}: valid until {}\n", n,
                                   f.keep_key ? " (same key)" : "", password_note, valid_until);
        }
      }));
  if (a.json) {
    PrintJson(nlohmann::json{{"dry_run", false},
                             {"renewed", renewed},
                             {"not_due", nlohmann::json::array()},
                             {"crl_updated", nlohmann::json::array()},
                             {"hooks", hooks}});
  }
  return {};
}

struct RevokeArgs {
  std::string target;
  std::string dir;
  std::string reason;
  std::string serial;
  bool yes = false;
  bool dry_run = false;
  bool json = false;
};

// Shows what `revoke` would act on and has the operator confirm it (or
// --yes); kRefused when nobody confirmed.
Status ConfirmRevocation(const RevokeArgs& a, const InventoryRecord& target, int reason,
                         TimePoint now) {
  std::cerr << "certmint revoke: this certificate:\n" << RenderRevocationTargetText(target, now);
  const auto issued = ParseUtc(target.not_before);
  if (issued && now - *issued < kFreshCertificateAge) {
    std::cerr << "warning: it was issued within the last hour: if it replaced the one you mean "
                 "(a renewal), give that one's --serial\n";
  }
  if (a.yes || a.dry_run) {
    return {};
  }
  const auto answer = AskYesNo(fmt::format("Revoke it ({})?", RevocationReasonName(reason)));
  if (!answer) {
    return MakeError(ErrorCode::kRefused,
                     "revoke asks before it acts: run it on a terminal, or give --yes");
  }
  return *answer ? Status{} : MakeError(ErrorCode::kRefused, "not revoked: not confirmed");
}

Status RunRevoke(const RevokeArgs& a) {
  CM_ASSIGN_OR_RETURN(int reason, WithContext(ParseRevocationReason(a.reason), "--reason"));
  const auto now = std::chrono::system_clock::now();
  CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventory(a.dir));
  CM_ASSIGN_OR_RETURN(auto target, FindRevocationTarget(*inventory, a.target, now));
  if (!a.serial.empty()) {
    CM_ASSIGN_OR_RETURN(auto pinned, WithContext(NormalizeSerialHex(a.serial), "--serial"));
    if (pinned != target.serial) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("--serial {}: {} means serial {} (issued {}); nothing revoked", pinned,
                      PrintableBytes(a.target, 80), target.serial, target.not_before));
    }
  }
  if (target.status == CertStatus::kRevoked) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} (serial {}) is already revoked",
                                 PrintableBytes(target.name, 80), target.serial));
  }
  CM_RETURN_IF_ERROR(ConfirmRevocation(a, target, reason, now));
  if (!a.dry_run) {  // by serial: what was shown, even if a renewal came in between
    CM_ASSIGN_OR_RETURN(target, inventory->Revoke(target.serial, reason, now));
  }
  nlohmann::json j = InventoryRecordJson(target, now);
  j["dry_run"] = a.dry_run;
  PrintResult(
      a.json, j,
      fmt::format("{} {} (serial {}, {}). Publish a new CRL: certmint crl --dir {} "
                  "--out FILE\n",
                  a.dry_run ? "Dry run: would revoke" : "Revoked", PrintableBytes(target.name, 80),
                  target.serial, RevocationReasonName(reason), a.dir));
  return {};
}

struct CrlArgs {
  std::string dir;
  std::string out;
  int days = 7;
  bool der = false;
  std::string ca_password_file;
  bool dry_run = false;
  bool json = false;
  CrlFetchArgs fetch;  // --server and --ca-file: fetch the service's CRL instead
};

Status RunCrl(const CrlArgs& a) {
  if (!a.fetch.server.empty()) {
    if (a.der || a.dry_run || !a.ca_password_file.empty() || a.days != 7) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--server fetches the service's CRL: --der, --dry-run, --days and "
                       "--ca-password-file do not apply (librdkafka reads PEM)");
    }
    return RunCrlFetch({a.fetch.server, a.fetch.ca_file, a.out, a.json});
  }
  if (a.dry_run) {  // no key, no CRL number taken
    CM_ASSIGN_OR_RETURN(auto ca_cert, CertificateAuthority::LoadCertificate(a.dir));
    CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventoryReadOnly(a.dir));
    CM_ASSIGN_OR_RETURN(auto revoked, inventory->RevokedBy(ca_cert.Sha256Fingerprint()));
    PrintResult(
        a.json,
        nlohmann::json{{"dry_run", true},
                       {"out", a.out},
                       {"replaced", nullptr},
                       {"number", nullptr},  // none taken
                       {"revoked", revoked.size()},
                       {"next_update", nullptr},
                       {"next_update_days", a.days}},
        fmt::format("Dry run: {} would list {} revoked certificates\n", a.out, revoked.size()));
    return {};
  }
  CM_ASSIGN_OR_RETURN(auto ca, UnlockCa(a.dir, CaPasswordFrom(a.ca_password_file)));
  const TimePoint now = std::chrono::system_clock::now();
  CM_ASSIGN_OR_RETURN(auto published, PublishCrl(ca, a.dir, a.days, now));
  const EncodedCrl& crl = published.crl;
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(a.out, a.der ? crl.der : crl.pem, fs::kPublicFile));
  PrintResult(a.json,
              nlohmann::json{{"dry_run", false},
                             {"out", a.out},
                             {"replaced", true},
                             {"number", published.number},
                             {"revoked", published.revoked},
                             {"next_update", FormatUtc(now + std::chrono::hours(24) * a.days)},
                             {"next_update_days", a.days}},
              fmt::format("Wrote {}: CRL number {}, {} revoked, next update in {} days\n", a.out,
                          published.number, published.revoked, a.days));
  return {};
}

Subcommand RegisterList(CLI::App* app) {
  auto l = std::make_shared<ListArgs>();
  CLI::App* list = app->add_subcommand("list", "List the certificates the CA issued (inventory)");
  AddCaDir(list, &l->dir);
  list->add_option("--expiring", l->filter.expiring_within_days,
                   "Only valid certificates expiring within DAYS");
  list->add_flag("--revoked", l->filter.revoked_only, "Only revoked certificates");
  list->add_flag("--all", l->all, "Include superseded certificates");
  AddJson(list, &l->json, "the certificates");
  return {list, FromStatus([l] { return RunList(*l); })};
}

Subcommand RegisterRenew(CLI::App* app) {
  auto r = std::make_shared<RenewArgs>();
  CLI::App* renew = app->add_subcommand(
      "renew", "Re-issue identities: new key (or --keep-key), new certificate, same names");
  renew->add_option("NAME", r->flags.names, "Identities to renew");
  renew->add_option("--dir", r->flags.dir,
                    "The CA's directory (from 'certmint ca init'; not with --server)");
  AddIdentityOut(renew, &r->flags.out, IdentityOutUse::kRenew);
  renew->add_option("--expiring", r->flags.expiring, "Renew every identity expiring within DAYS");
  renew->add_option("--days", r->days,
                    "Validity: days (365 or 90d) or hours (24h: short-lived); default: as "
                    "before; 2h to 36500 days, never beyond the CA's");
  renew->add_flag("--keep-key", r->flags.keep_key, "Reuse the identity's key");
  AddStorePasswordFile(renew, &r->password_file, StorePasswordUse::kBesideStore);
  renew->add_option("--new-password-file", r->new_password_file,
                    "Give the renewed stores this new password (first line of FILE; the "
                    "identity's password file, if any, is rewritten with it)");
  renew->add_option("--new-password-env", r->new_password_env,
                    "The same, from the environment variable VAR");
  renew->add_flag("--new-random-password", r->new_random_password,
                  "Give the renewed stores a new random password, written to the identity's "
                  "password file (after a key or password leak)");
  renew->add_flag("--dry-run", r->flags.dry_run,
                  "Name the identities that would be renewed; sign and write nothing");
  AddJson(renew, &r->json, "the renewed identities");
  AddCaPasswordFile(renew, &r->ca_password_file);
  renew->add_option("--server", r->flags.server,
                    "Renew through certmint serve at https://HOST[:PORT] (or its replicas, "
                    "comma-separated), authenticating with "
                    "the current certificate (mTLS)");
  renew->add_flag("--if-due", r->flags.if_due,
                  "With --server: only identities two thirds into their lifetime and an hour "
                  "past their last renewal (for cron)");
  renew->add_flag("--daemon", r->flags.daemon,
                  "With --server: keep running, renewing each identity when it is due");
  AddReloadHookFlags(renew, &r->hook);
  return {renew, FromStatus([r] { return RunRenew(*r); })};
}

Subcommand RegisterRevoke(CLI::App* app) {
  auto v = std::make_shared<RevokeArgs>();
  CLI::App* revoke = app->add_subcommand("revoke", "Revoke a certificate by name or serial");
  revoke
      ->add_option("NAME_OR_SERIAL", v->target,
                   "Identity name (its current certificate) or "
                   "serial")
      ->required();
  AddCaDir(revoke, &v->dir);
  revoke
      ->add_option("--reason", v->reason,
                   "Why (required): key-compromise, ca-compromise, affiliation-changed, "
                   "superseded, cessation-of-operation, certificate-hold, privilege-withdrawn, "
                   "unspecified")
      ->required();
  revoke->add_option("--serial", v->serial,
                     "Revoke only if NAME's current certificate has this serial (pins the one "
                     "you mean across a renewal)");
  revoke->add_flag("--yes,-y", v->yes, "Do not ask for confirmation (for scripts)");
  revoke->add_flag("--dry-run", v->dry_run, "Show what would be revoked; change nothing");
  AddJson(revoke, &v->json, "the revoked certificate");
  return {revoke, FromStatus([v] { return RunRevoke(*v); })};
}

Subcommand RegisterCrl(CLI::App* app) {
  auto c = std::make_shared<CrlArgs>();
  CLI::App* crl = app->add_subcommand("crl", "Write a signed CRL of every revoked certificate");
  AddCaDir(crl, &c->dir);
  AddOutFile(crl, &c->out, "the CRL (PEM, or DER with --der)")->required();
  crl->add_option("--days", c->days, "Validity in days: until the CRL's nextUpdate");
  crl->add_flag("--der", c->der, "DER instead of PEM");
  crl->add_flag("--dry-run", c->dry_run,
                "Count what the CRL would list; sign nothing, write nothing (no password)");
  AddJson(crl, &c->json, "what was written");
  AddCaPasswordFile(crl, &c->ca_password_file);
  crl->add_option("--server", c->fetch.server,
                  "Instead: fetch the CA service's current CRL from https://HOST[:PORT] (no "
                  "--dir), check it and replace --out atomically (cron; docs/kafka.md)");
  crl->add_option("--ca-file", c->fetch.ca_file,
                  "With --server: the CA certificate(s) the CRL must be signed by (ca.crt)");
  return {crl, FromStatus([c] { return RunCrl(*c); })};
}

}  // namespace

Runner RegisterLifecycleCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  return Dispatch({RegisterList(app), RegisterRenew(app), RegisterRevoke(app), RegisterCrl(app)});
}

}  // namespace certmint::cli
