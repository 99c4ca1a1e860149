// The service's own TLS certificate exists only in the service's memory, so
// nothing outside the process can renew it: the service does, while it runs,
// at two thirds of the certificate's lifetime (as nodes renew theirs).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/error.h"
#include "server/http_server.h"

namespace certmint {

class ServerCertificateKeeper {
 public:
  // Makes and records a new certificate and key for the service.
  using IssueFn = std::function<Result<ServerIdentity>(TimePoint now)>;
  // After a failed renewal, and never sooner after a renewal (a certificate
  // cut short by the CA's own expiry is due at once).
  static constexpr std::chrono::minutes kRetryInterval{10};

  ServerCertificateKeeper(const Certificate& current, IssueFn issue, Clock clock = SystemNow);

  // When the keeper renews `certificate`: two thirds into its lifetime,
  // without the hour nodes keep between renewals (RenewalDue): renewing
  // in-process sends the service no request, and kRetryInterval already keeps
  // a certificate the CA cut short from being renewed in a loop.
  static TimePoint Due(const Certificate& certificate);

  struct Step {
    std::optional<ServerIdentity> renewed;  // a new certificate to present
    Status error;                           // why renewing failed
    TimePoint next;                         // when to step again
  };
  // Renews when the current certificate is due; otherwise does nothing.
  Step StepAt(TimePoint now);

  TimePoint due() const { return due_; }

  // Steps whenever due until Stop(), on the calling thread. `install` puts a
  // new certificate in service (its error becomes the step's); `report`
  // hears of every step that renewed or failed.
  using InstallFn = std::function<Status(const ServerIdentity&)>;
  using ReportFn = std::function<void(const Step&, TimePoint now)>;
  void Run(const InstallFn& install, const ReportFn& report);
  // From any thread; Run returns after its current step.
  void Stop();
  // From any thread: Run renews at once (after its current step, if any),
  // whenever the certificate is due; used when the service's CA changed.
  void RenewNow();

 private:
  IssueFn issue_;
  Clock clock_;
  TimePoint due_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool renew_now_ = false;
};

}  // namespace certmint
