#include "verify/verify_actions.h"

#include "identity/store_lookup.h"
#include "stores/store_passwords.h"
#include "tls/probe.h"
#include "tls/probe_report.h"
#include "verify/check_target.h"
#include "verify/crl_files.h"
#include "verify/identity_check.h"

namespace certmint {

Result<CheckReport> VerifyFromFlags(const VerifyFlags& f) {
  CM_ASSIGN_OR_RETURN(auto target, CheckTargetFor(f.dir, f.keystore, f.truststore));
  target.password_files = {f.password_file};  // its mode is checked too (empty: none)
  VerifyOptions options = f.options;
  CM_ASSIGN_OR_RETURN(options.crls, LoadCrlFiles(f.crls));
  if (!f.pki_dir.empty()) {
    CM_ASSIGN_OR_RETURN(options.revoked, LoadInventoryRevocations(f.pki_dir, options.now));
    options.revoked_source = "the inventory of " + f.pki_dir;
  }
  if (!f.role.empty()) {
    CM_ASSIGN_OR_RETURN(auto role, WithContext(ParseRole(f.role), "--role"));
    options.role = role;
  }
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(f.password_file));
  CM_ASSIGN_OR_RETURN(auto result, CheckIdentity(target, options, [&](const std::string& path) {
                        return PasswordOfStore(path, explicit_pw);
                      }));
  if (!f.metrics.empty()) {
    CM_RETURN_IF_ERROR(
        WithContext(WriteExpiryMetrics(f.metrics, result, options.now), "--metrics"));
  }
  const CheckStatus worst = WorstStatus(result.checks);
  return CheckReport{RenderIdentityCheckText(result), RenderIdentityCheckJson(result),
                     worst == CheckStatus::kFail   ? kExitFailures
                     : worst == CheckStatus::kWarn ? kExitWarnings
                                                   : 0};
}

Result<CheckReport> HandshakeFromFlags(const HandshakeFlags& f, bool json,
                                       const std::function<void(const std::string&)>& on_line) {
  IdentityHandshakeOptions options = f.options;
  CM_ASSIGN_OR_RETURN(options.versions, WithContext(ParseTlsVersionChoice(f.tls), "--tls"));
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(f.password_file));
  CM_ASSIGN_OR_RETURN(options.crls, LoadCrlFiles(f.crls));
  CM_ASSIGN_OR_RETURN(auto s, LoadHandshakeStores(f.server, f.client, f.truststore, explicit_pw));
  std::vector<HandshakeAttempt> attempts;
  CM_ASSIGN_OR_RETURN(
      bool all_ok,
      RunIdentityHandshakes({s.server.label, &s.server.store, &s.server_trust.store},
                            {s.client ? s.client->label : "client",
                             s.client ? &s.client->store : nullptr, &s.client_trust.store},
                            options, [&](const HandshakeAttempt& attempt) {
                              if (json) {
                                attempts.push_back(attempt);
                              } else {
                                on_line(RenderHandshakeAttemptText(attempt));
                              }
                            }));
  return CheckReport{"", json ? RenderHandshakesJson(attempts, all_ok) : "",
                     all_ok ? 0 : kExitFailures};
}

Result<CheckReport> ProbeFromFlags(const ProbeFlags& f) {
  CM_ASSIGN_OR_RETURN(auto hp, ParseHostPort(f.target));
  if (!(f.timeout > 0 && f.timeout <= 600)) {  // NaN too
    return MakeError(ErrorCode::kInvalidArgument, "--timeout: between 0 and 600 seconds");
  }
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(f.password_file));
  CM_ASSIGN_OR_RETURN(
      auto trust, WithContext(LoadTruststoreIfGiven(f.truststore, explicit_pw), "--truststore"));
  CM_ASSIGN_OR_RETURN(auto keys,
                      WithContext(LoadKeystoreIfGiven(f.keystore, explicit_pw), "--keystore"));
  ProbeOptions o;
  o.host = hp.first;
  o.port = hp.second;
  o.servername = f.servername;
  o.truststore = trust ? &trust->store : nullptr;
  o.keystore = keys ? &keys->store : nullptr;
  o.timeout_ms = static_cast<int>(f.timeout * 1000);
  CM_ASSIGN_OR_RETURN(auto r, Probe(o));
  return CheckReport{RenderProbeText(f.target, o, r), RenderProbeJson(f.target, o, r),
                     r.ok() ? 0 : kExitFailures};
}

}  // namespace certmint
