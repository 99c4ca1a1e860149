#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace certmint {

bool RateLimiter::Allow(const std::string& key, Clock::time_point now) {
  if (rate_ <= 0) {
    return true;
  }
  std::lock_guard<std::mutex> lock(mu_);
  // Forget addresses whose bucket has refilled: the map stays bounded by the
  // addresses seen in the last burst/rate seconds.
  const auto refill = std::chrono::duration<double>(burst_ / rate_);
  if (now - last_prune_ > std::chrono::seconds(10)) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = now - it->second.last > refill ? buckets_.erase(it) : std::next(it);
    }
    last_prune_ = now;
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
    b.last = now;
  }
  if (b.tokens < 1) {
    return false;
  }
  b.tokens -= 1;
  return true;
}

int RateLimiter::RetryAfterSeconds() const {
  return rate_ <= 0 ? 1 : std::max(1, static_cast<int>(std::ceil(1.0 / rate_)));
}

}  // namespace certmint
