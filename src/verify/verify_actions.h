// What `certmint verify` and `certmint handshake` do, from their flags as
// given: which stores and passwords, which checks (role, CRLs, the CA's
// inventory, metrics), and the report with verify's exit codes. Nothing
// here prints.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "tls/identity_handshake.h"
#include "verify/verify.h"

namespace certmint {

// verify's and handshake's exit codes beyond 0: warnings, failed checks.
inline constexpr int kExitWarnings = 1;
inline constexpr int kExitFailures = 2;

// A result to print (text, or JSON with --json) and the exit code it means.
struct CheckReport {
  std::string text;
  std::string json;
  int exit_code = 0;
};

struct VerifyFlags {
  std::string dir;  // an identity directory; else keystore and truststore
  std::string keystore;
  std::string truststore;
  VerifyOptions options;      // hosts, warn days and the time
  std::string role;           // EKU to require; empty: none
  std::string password_file;  // else $CERTMINT_PASSWORD, else the file beside each store
  std::string metrics;        // Prometheus gauges written here; empty: none
  std::vector<std::string> crls;
  std::string pki_dir;  // the CA whose inventory's revocations count; empty: none
};

// VerifyFromFlags checks the identity the flags name (CheckIdentity), writes
// the metrics file when asked (errors in the context "--metrics") and
// reports: exit code kExitFailures for a failed check, kExitWarnings for a
// warning, else 0. Flag errors name the flag (--role).
Result<CheckReport> VerifyFromFlags(const VerifyFlags& flags);

struct HandshakeFlags {
  std::string server;
  std::string client;                // empty: a client without certificate
  std::string truststore;            // empty: each side's own
  IdentityHandshakeOptions options;  // hosts
  std::string password_file;
  std::string tls = "both";  // 1.2, 1.3 or both
  std::vector<std::string> crls;
};

// HandshakeFromFlags runs the handshakes (RunIdentityHandshakes). Without
// `json` each attempt's line goes to `on_line` as it comes; with it the
// report's json holds them all. Exit code kExitFailures unless all
// succeeded.
Result<CheckReport> HandshakeFromFlags(const HandshakeFlags& flags, bool json,
                                       const std::function<void(const std::string&)>& on_line);

struct ProbeFlags {
  std::string target;      // HOST:PORT ([v6]:PORT)
  std::string truststore;  // file or identity directory; empty: the chain is not verified
  std::string keystore;    // a client keystore; empty: none
  std::string servername;  // SNI and the name verified; empty: HOST
  std::string password_file;
  double timeout = 5;  // seconds
};

// ProbeFromFlags connects to the server (tls/probe.h's Probe) and reports
// what it presents; exit code kExitFailures unless the chain verified.
// kInvalidArgument for a bad target or a timeout outside (0, 600] seconds;
// store errors in the context "--truststore" or "--keystore".
Result<CheckReport> ProbeFromFlags(const ProbeFlags& flags);

}  // namespace certmint
