// Renewing identities through the CA service, once or as a daemon: each is
// renewed when due (RenewalDue: two thirds into its lifetime, at least an
// hour after its issue), a failed pass is retried with exponential backoff.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "enroll/client.h"
#include "identity/renew.h"

namespace certmint {

struct RenewalRun {
  ServerUrl url;
  std::string out_dir;
  std::vector<std::string> names;
  RenewOptions options;  // `now` is taken from `clock` at each renewal
  Clock clock = SystemNow;
};

struct RenewalEvent {
  enum class Kind {
    kNotDue,      // waits until `due`
    kCutShort,    // its CA cut it to the CA's last hour: not renewed again
    kRenewed,     // renewed; the new certificate is due at `due`
    kCrlUpdated,  // OUT/NAME/crl.pem replaced: CRL `crl_number`, valid until `valid_until`
  };
  Kind kind;
  std::string name;
  TimePoint due;
  TimePoint valid_until;
  long long crl_number = 0;
};
using RenewalReport = std::function<void(const RenewalEvent&)>;

// How often a pass refreshes the CRL files of identities that have one
// (OUT/NAME/crl.pem, librdkafka's ssl.crl.location): the daemon wakes at
// least this often for them, so that a revocation reaches librdkafka
// clients within this interval (plus the client's restart: librdkafka reads
// the file when a client starts).
inline constexpr std::chrono::minutes kCrlRefreshInterval{15};

// One pass over run.names: renews each that is due (every one unless
// `only_due`), running run.options.hook after each renewal and again for
// each not renewed whose hook is pending (identity/reload_hook.h); outcomes
// go to run.options.on_hook; then refreshes the CRL of each that has a
// crl.pem from the service's GET /v1/crl (RefreshCrlFile, checked against
// the identity's ca.crt, replaced atomically). A hook still pending brings
// the next pass forward to kHookRetryInterval from now. Returns when the
// next renewal or CRL refresh is due (TimePoint::max() when none is). Stops
// at the first failure.
Result<TimePoint> RenewDueIdentities(const RenewalRun& run, bool only_due,
                                     const RenewalReport& report);

// Backoff after a failed pass: one minute, doubled up to an hour.
inline constexpr std::chrono::seconds kRenewalInitialBackoff{60};
inline constexpr std::chrono::seconds kRenewalMaxBackoff{3600};

struct RenewalDaemonHooks {
  std::function<void(TimePoint next)> scheduled;
  std::function<void(const Error& error, std::chrono::seconds retry_in)> failed;
  // Sleeps until `until` (on run.clock) or until `stop`; the default polls
  // every 200 ms.
  std::function<void(TimePoint until, const std::atomic<bool>& stop)> wait;
};

// Passes (only what is due) until `stop` is set, waiting between them until
// the next renewal is due, or for the backoff after a failure.
void RunRenewalDaemon(const RenewalRun& run, const std::atomic<bool>& stop,
                      const RenewalReport& report, const RenewalDaemonHooks& hooks);

}  // namespace certmint
