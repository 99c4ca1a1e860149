// A token bucket per client address: `rate` requests a second on average,
// bursts of up to `burst`. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace certmint {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // rate <= 0 turns the limit off.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst < 1 ? 1 : burst) {}

  // Whether `key` may make one more request at `now`; takes a token if so.
  bool Allow(const std::string& key, Clock::time_point now);

  // Seconds until `key` has a token again (at least 1), for Retry-After.
  int RetryAfterSeconds() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };

  double rate_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_prune_{};
};

}  // namespace certmint
