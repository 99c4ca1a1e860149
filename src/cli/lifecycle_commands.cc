// certmint list, renew, revoke and crl: keeping identities alive.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "ca/records.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "core/fs.h"
#include "core/stop_signal.h"
#include "enroll/renewal_daemon.h"
#include "enroll/renewal_text.h"
#include "identity/renew_batch.h"
#include "identity/selection.h"
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
  CM_ASSIGN_OR_RETURN(auto inv, OpenCaInventory(a.dir));
  a.filter.current_only = !a.all && !a.filter.revoked_only;
  CM_ASSIGN_OR_RETURN(auto rows, inv->List(a.filter, std::chrono::system_clock::now()));
  PrintResult(a.json, InventoryRecordsJson(rows), InventoryTableText(rows));
  return {};
}

struct RenewArgs {
  RenewFlags flags;
  std::string password_file;
  std::string ca_password_file;
};

// renew --server: through the CA service, authenticated by each identity's
// current certificate. With --if-due only those two thirds into their
// lifetime; --daemon keeps doing that, sleeping until the next is due.
Status RunRenewWithServer(const RenewFlags& f, const SecretString* store_password) {
  RenewalRun run{{}, f.out, f.names};
  CM_ASSIGN_OR_RETURN(run.url, ParseServerUrl(f.server));
  CM_RETURN_IF_ERROR(CheckIdentitiesExist(f.out, f.names));
  run.options.keep_key = f.keep_key;
  run.options.store_password = store_password;
  const auto report = [&](const RenewalEvent& e) {
    std::cout << RenewalEventText(e, run.url.ToString()) << std::flush;
  };
  if (!f.daemon) {
    return RenewDueIdentities(run, f.if_due, report).transform([](TimePoint) {});
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
  CM_RETURN_IF_ERROR(CheckRenewFlags(f));
  const auto now = std::chrono::system_clock::now();
  std::vector<std::string> names;
  if (f.server.empty()) {
    CM_ASSIGN_OR_RETURN(names, SelectIdentities(f.out, f.names, f.expiring, now));
    if (names.empty()) {  // only with --expiring: names were required otherwise
      std::cout << fmt::format("No identity in {} expires within {} days.\n", f.out, *f.expiring);
      return {};
    }
  }
  CM_ASSIGN_OR_RETURN(auto store_pw, ExplicitPassword(a.password_file));
  if (!f.server.empty()) {
    return RunRenewWithServer(f, store_pw ? &*store_pw : nullptr);
  }
  CM_ASSIGN_OR_RETURN(auto ca, UnlockCa(f.dir, CaPasswordFrom(a.ca_password_file)));
  RenewOptions o;
  o.keep_key = f.keep_key;
  o.days = f.days;
  o.store_password = store_pw ? &*store_pw : nullptr;
  o.now = now;
  return RenewWithLocalCa(ca, f.dir, f.out, names, o,
                          [&](const std::string& n, std::optional<TimePoint> valid_until) {
                            std::cout << fmt::format("Renewed {}{}: valid until {}\n", n,
                                                     f.keep_key ? " (same key)" : "",
                                                     valid_until ? FormatUtc(*valid_until) : "?");
                          });
}

struct RevokeArgs {
  std::string target;
  std::string dir;
  std::string reason = "unspecified";
};

Status RunRevoke(const RevokeArgs& a) {
  CM_ASSIGN_OR_RETURN(int reason, WithContext(ParseRevocationReason(a.reason), "--reason"));
  CM_ASSIGN_OR_RETURN(auto r,
                      RevokeIssued(a.dir, a.target, reason, std::chrono::system_clock::now()));
  std::cout << fmt::format(
      "Revoked {} (serial {}, {}). Publish a new CRL: certmint crl --dir {} "
      "--out FILE\n",
      r.name, r.serial, RevocationReasonName(reason), a.dir);
  return {};
}

struct CrlArgs {
  std::string dir;
  std::string out;
  int days = 7;
  bool der = false;
  std::string ca_password_file;
};

Status RunCrl(const CrlArgs& a) {
  CM_ASSIGN_OR_RETURN(auto ca, UnlockCa(a.dir, CaPasswordFrom(a.ca_password_file)));
  CM_ASSIGN_OR_RETURN(auto published,
                      PublishCrl(ca, a.dir, a.days, std::chrono::system_clock::now()));
  const EncodedCrl& crl = published.crl;
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(a.out, a.der ? crl.der : crl.pem, fs::kPublicFile));
  std::cout << fmt::format("Wrote {}: CRL number {}, {} revoked, next update in {} days\n", a.out,
                           published.number, published.revoked, a.days);
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
  list->footer("Example:\n  certmint list --dir pki --expiring 30");
  return {list, FromStatus([l] { return RunList(*l); })};
}

Subcommand RegisterRenew(CLI::App* app) {
  auto r = std::make_shared<RenewArgs>();
  CLI::App* renew = app->add_subcommand(
      "renew", "Re-issue identities: new key (or --keep-key), new certificate, same names");
  renew->add_option("NAME", r->flags.names, "Identities to renew");
  renew->add_option("--dir", r->flags.dir, "The CA's directory (without --server)");
  renew->add_option("--out", r->flags.out, "Where the identity directories live");
  renew->add_option("--expiring", r->flags.expiring, "Renew every identity expiring within DAYS");
  renew->add_option("--days", r->flags.days, "Validity (default: as before)");
  renew->add_flag("--keep-key", r->flags.keep_key, "Reuse the identity's key");
  AddStorePasswordFile(renew, &r->password_file, StorePasswordUse::kBesideStore);
  AddCaPasswordFile(renew, &r->ca_password_file);
  renew->add_option("--server", r->flags.server,
                    "Renew through certmint serve at https://HOST[:PORT], authenticating with "
                    "the current certificate (mTLS)");
  renew->add_flag("--if-due", r->flags.if_due,
                  "With --server: only identities two thirds into their lifetime and an hour "
                  "past their last renewal (for cron)");
  renew->add_flag("--daemon", r->flags.daemon,
                  "With --server: keep running, renewing each identity when it is due");
  renew->footer(
      "Every file is rewritten as it was written (formats, PKCS#12 profile, passwordless\n"
      "truststore, alias) and the directory swapped in atomically; the old certificate is\n"
      "recorded as superseded. `certmint apply` renews the same way inside its renewal window.\n\n"
      "Example:\n  certmint renew broker-1 broker-2 --dir pki --out certs --ca-password-file "
      "ca.pass\n"
      "  certmint renew --expiring 30 --dir pki --out certs --ca-password-file ca.pass\n"
      "  certmint renew broker-4 --server https://ca.kafka.example.com:8443 --out /etc/kafka/ssl "
      "--if-due");
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
  revoke->add_option("--reason", v->reason,
                     "unspecified, key-compromise, ca-compromise, affiliation-changed, "
                     "superseded, cessation-of-operation, certificate-hold, privilege-withdrawn");
  revoke->footer(
      "Example:\n  certmint revoke broker-3 --dir pki --reason key-compromise\n"
      "  certmint crl --dir pki --out pki/crl.pem");
  return {revoke, FromStatus([v] { return RunRevoke(*v); })};
}

Subcommand RegisterCrl(CLI::App* app) {
  auto c = std::make_shared<CrlArgs>();
  CLI::App* crl = app->add_subcommand("crl", "Write a signed CRL of every revoked certificate");
  AddCaDir(crl, &c->dir);
  crl->add_option("--out", c->out, "File to write")->required();
  crl->add_option("--days", c->days, "Days until nextUpdate");
  crl->add_flag("--der", c->der, "DER instead of PEM");
  AddCaPasswordFile(crl, &c->ca_password_file);
  crl->footer(
      "An RFC 5280 v2 CRL with cRLNumber and authorityKeyIdentifier; check it with\n"
      "openssl crl -CAfile pki/ca.crt -in crl.pem -noout, and use it with certmint verify\n"
      "--crl and certmint handshake --crl.\n\n"
      "Example:\n  certmint crl --dir pki --out pki/crl.pem --ca-password-file ca.pass");
  return {crl, FromStatus([c] { return RunCrl(*c); })};
}

}  // namespace

Runner RegisterLifecycleCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  return Dispatch({RegisterList(app), RegisterRenew(app), RegisterRevoke(app), RegisterCrl(app)});
}

}  // namespace certmint::cli
