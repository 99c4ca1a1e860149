// certmint list, renew, revoke and crl: keeping identities alive.
#include <iostream>
#include <nlohmann/json.hpp>

#include "ca/crl_file.h"
#include "ca/records.h"
#include "ca/revocation.h"
#include "cli/commands.h"
#include "cli/hook_flags.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "core/confirm.h"
#include "core/stop_signal.h"
#include "enroll/crl_refresh.h"
#include "enroll/renew_run.h"
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
  NewPasswordFlags new_password;
  ReloadHookFlags hook;  // --exec, --exec-timeout
  bool json = false;
};

Status RunRenew(RenewArgs a) {
  RenewJob r;
  r.flags = a.flags;
  r.new_password = a.new_password;
  r.hook = a.hook;
  r.json = a.json;
  r.flags.ca_password_given = !a.ca_password_file.empty();
  if (!a.days.empty()) {
    CM_ASSIGN_OR_RETURN(r.flags.days, ParseValidity(a.days, "--days"));
  }
  r.now = std::chrono::system_clock::now();
  r.store_password = [&] { return ExplicitPassword(a.password_file); };
  r.ca_password = CaPasswordFrom(a.ca_password_file);
  r.stop = StopOnTermination;
  CM_ASSIGN_OR_RETURN(auto done, RenewIdentities(r, PrintConsole));
  PrintResult(a.json, done.json, done.text);
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

// Has the operator confirm what `revoke` is about to do (or --yes, or
// --dry-run); kRefused when nobody confirmed.
Status ConfirmRevocation(const RevokeArgs& a, int reason) {
  if (a.yes || a.dry_run) {
    return {};
  }
  const auto answer = AskYesNo(RevocationQuestion(reason));
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
  CM_ASSIGN_OR_RETURN(auto target, SelectRevocationTarget(*inventory, a.target, a.serial, now));
  std::cerr << RevocationConfirmText(target, now);
  CM_RETURN_IF_ERROR(ConfirmRevocation(a, reason));
  if (!a.dry_run) {  // by serial: what was shown, even if a renewal came in between
    CM_ASSIGN_OR_RETURN(target, inventory->Revoke(target.serial, reason, now));
  }
  PrintResult(a.json, RevocationJson(target, a.dry_run, now),
              RevocationText(target, reason, a.dry_run, a.dir));
  return {};
}

struct CrlArgs {
  std::string dir;
  std::string out;
  int days = kDefaultCrlDays;
  bool der = false;
  std::string ca_password_file;
  bool dry_run = false;
  bool json = false;
  std::string server;   // --server: fetch the service's CRL instead
  std::string ca_file;  // --ca-file: the CAs that may sign it
};

Result<CrlFileReport> MakeCrlFile(const CrlArgs& a) {
  const TimePoint now = std::chrono::system_clock::now();
  if (!a.server.empty()) {
    CM_RETURN_IF_ERROR(CheckCrlFetchFlags(a.der, a.dry_run, !a.ca_password_file.empty(), a.days));
    return FetchCrlFile(a.server, a.ca_file, a.out, now);
  }
  if (a.dry_run) {  // no key, no CRL number taken
    return CountCrlEntries(a.dir, a.out, a.days);
  }
  CM_ASSIGN_OR_RETURN(auto ca, UnlockCa(a.dir, CaPasswordFrom(a.ca_password_file)));
  return WriteCrlFile(ca, a.dir, a.out, a.days, a.der, now);
}

Status RunCrl(const CrlArgs& a) {
  CM_ASSIGN_OR_RETURN(auto report, MakeCrlFile(a));
  PrintResult(a.json, CrlFileReportJson(report), CrlFileReportText(report));
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
  renew->add_option("--new-password-file", r->new_password.file,
                    "Give the renewed stores this new password (first line of FILE; the "
                    "identity's password file, if any, is rewritten with it)");
  renew->add_option("--new-password-env", r->new_password.env,
                    "The same, from the environment variable VAR");
  renew->add_flag("--new-random-password", r->new_password.random,
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
  crl->add_option("--server", c->server,
                  "Instead: fetch the CA service's current CRL from https://HOST[:PORT] (no "
                  "--dir), check it and replace --out atomically (cron; docs/kafka.md)");
  crl->add_option("--ca-file", c->ca_file,
                  "With --server: the CA certificate(s) the CRL must be signed by (ca.crt)");
  return {crl, FromStatus([c] { return RunCrl(*c); })};
}

}  // namespace

Runner RegisterLifecycleCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  return Dispatch({RegisterList(app), RegisterRenew(app), RegisterRevoke(app), RegisterCrl(app)});
}

}  // namespace certmint::cli
