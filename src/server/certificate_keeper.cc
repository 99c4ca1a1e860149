#include "server/certificate_keeper.h"

#include <algorithm>

#include "enroll/enroll.h"

namespace certmint {

TimePoint ServerCertificateKeeper::Due(const Certificate& certificate) {
  return RenewalDue(certificate, std::chrono::seconds(0));
}

ServerCertificateKeeper::ServerCertificateKeeper(const Certificate& current, IssueFn issue,
                                                 Clock clock)
    : issue_(std::move(issue)), clock_(std::move(clock)), due_(Due(current)) {}

ServerCertificateKeeper::Step ServerCertificateKeeper::StepAt(TimePoint now) {
  Step step;
  if (now < due_) {
    step.next = due_;
    return step;
  }
  auto renewed = issue_(now);
  if (!renewed) {
    step.error = tl::unexpected<Error>(renewed.error());
    step.next = now + kRetryInterval;
    return step;
  }
  due_ = std::max(Due(renewed->certificate), now + kRetryInterval);
  step.renewed = std::move(*renewed);
  step.next = due_;
  return step;
}

void ServerCertificateKeeper::Run(const InstallFn& install, const ReportFn& report) {
  std::unique_lock<std::mutex> lock(mu_);
  TimePoint next = due_;
  while (true) {
    // Waits on the steady clock, at most an hour at a time: the wall clock
    // may jump (suspend, NTP) while the wait's does not.
    const auto wait = std::clamp<std::chrono::system_clock::duration>(
        next - clock_(), std::chrono::seconds(0), std::chrono::hours(1));
    if (wake_.wait_for(lock, wait, [this] { return stop_ || renew_now_; })) {
      if (stop_) {
        return;
      }
      renew_now_ = false;
      due_ = TimePoint::min();
    }
    const auto now = clock_();
    Step step = StepAt(now);
    next = step.next;
    if (step.renewed) {
      step.error = install(*step.renewed);
    }
    if (step.renewed || !step.error.has_value()) {
      report(step, now);
    }
  }
}

void ServerCertificateKeeper::RenewNow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    renew_now_ = true;
  }
  wake_.notify_all();
}

void ServerCertificateKeeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
}

}  // namespace certmint
