// `certmint serve`'s composition root, apart from the command line: loads
// the CA, issues the service's own TLS certificate (in memory), binds the
// HTTPS front, keeps the certificate renewed, reloads the CA on SIGHUP and
// stops on SIGTERM/SIGINT.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/secret.h"
#include "server/http_server.h"
#include "server/service.h"
#include "x509/general_names.h"

namespace certmint {

struct ServeConfig {
  std::string dir;  // the CA's directory
  // Address, limits and access log of the HTTPS front; `log` also gets the
  // events below.
  ServerOptions server;
  // Names of the service's own certificate; empty: localhost, 127.0.0.1,
  // ::1, this host's name and the listen address.
  SubjectAltNames sans;
  int tls_days = 90;
  // Access-log lines off; events (renewal failures, reloads) are still
  // logged.
  bool quiet = false;
  // The CA key's password at start-up, and again when SIGHUP finds a new CA.
  CaPasswordFn ca_password;
  CaPasswordFn reload_password;
  // Event lines (JSON) on the service's log; must be set.
  std::function<void(std::string_view)> log;
  // Told once the service listens: the port, the CA fingerprint nodes pin,
  // and the service's certificate.
  std::function<void(int port, const std::string& fingerprint, const ServerIdentity& identity)>
      listening;
  // The plain-HTTP status listener (OCSP and the CRL; server/status_server.h),
  // when set: its host and port (0: any free port); its other limits are
  // `server`'s, its threads status_threads (0: one per core, at least 2).
  std::optional<std::pair<std::string, int>> status_listen;
  int status_threads = 0;
  // Told once the status listener listens: its port.
  std::function<void(int port)> status_listening;
  // The admin listener (plain HTTP, loopback addresses only: /ui/,
  // /v1/inventory and /metrics for whoever reaches it; server/admin_routes.h),
  // when set: its host and port (0: any free port). Its limits are
  // `server`'s, with two threads.
  std::optional<std::pair<std::string, int>> admin_listen;
  // Told once the admin listener listens: its port.
  std::function<void(int port)> admin_listening;
};

// Limits the service takes, named by their flags: --threads 1 to 1024,
// --max-body at least 1024 bytes, --admin-listen a loopback address, --rate-limit 0 (off) or more,
// --burst at least 1, --tls-days 1 to 397; and those without a flag: header limits of at least 1024
// bytes and 8 fields, connection caps of at least 1, positive deadlines.
Status ValidateServeConfig(const ServeConfig& config);

// Runs the service until SIGTERM or SIGINT; requests in flight are finished.
// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and so in every
// thread it starts) and takes them on a thread of its own.
Status Serve(const ServeConfig& config);

// The service's TLS certificate: a fresh key that lives in memory only,
// signed by the CA for `sans` (or the defaults above for `listen_host`) and
// recorded as kServiceIdentityName.
Result<ServerIdentity> MakeServerIdentity(const ServiceCa& ca, Inventory* inventory,
                                          const std::string& listen_host,
                                          const SubjectAltNames& sans, int days, TimePoint now);

}  // namespace certmint
