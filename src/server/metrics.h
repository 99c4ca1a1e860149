// certmint serve's metrics in the Prometheus text exposition format
// (version 0.0.4): what the service counted (answers by endpoint and
// outcome, refusals by reason, a latency histogram) and what the inventory
// says (certificates by status, seconds until the earliest expiry, tokens,
// whether the inventory answered), the latter cached for a few seconds so
// that a scrape never waits on ten thousand rows. docs/metrics.md names
// every series; examples/grafana and examples/prometheus use those names.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "core/encoding.h"
#include "inventory/inventory.h"
#include "report/inventory_report.h"
#include "x509/certificate.h"

namespace certmint {

// The latency histogram's upper bounds, in seconds (+Inf implied).
inline constexpr std::array<double, 10> kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1,
                                                        0.25,  0.5,  1,     2.5,  5};

// The service's own counters; every method is safe from any thread.
class ServiceMetrics {
 public:
  // Counts one answer to `path` with HTTP `status` that took `seconds`;
  // `refusal` is its error code when it was refused ("token_used",
  // "rate_limited", ...).
  void Observe(std::string_view path, int status, std::string_view refusal, double seconds);
  // The counters and the histogram, in exposition format.
  std::string Render() const;

 private:
  struct Histogram {
    std::array<long long, kLatencyBuckets.size()> buckets{};
    long long count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, long long> outcomes_;  // (endpoint, outcome)
  std::map<std::pair<std::string, std::string>, long long> refusals_;  // (endpoint, reason)
  std::map<std::string, Histogram> latency_;                           // by endpoint
};

// The endpoint label of a request path: "enroll", "renew", "ca", "crl",
// "health", "ui", "inventory", "metrics", or "other" (a path a client made
// up never becomes a label).
std::string_view EndpointLabel(std::string_view path);

// What the inventory says, for the gauges.
struct InventoryGauges {
  bool up = false;  // the queries below succeeded
  std::map<std::string, long long>
      by_status;  // valid, expiring, expired, pending, revoked, superseded
  std::optional<TimePoint> earliest_expiry;  // of the valid certificates
  TokenCounts tokens;
  TimePoint measured_at;
};

// Reads the gauges from `inventory` at `now`, `window_days` deciding
// "expiring"; up=false (and nothing else) when a query fails.
InventoryGauges MeasureInventory(Inventory& inventory, TimePoint now, int window_days);

// MeasureInventory, at most once per `ttl`, never on a scrape's time but
// the very first: a measurement older than `ttl` is still answered while a
// new one runs on a thread of its own. Safe from any thread.
class InventoryGaugeCache {
 public:
  InventoryGaugeCache(Inventory* inventory, std::chrono::milliseconds ttl)
      : inventory_(inventory), ttl_(ttl) {}
  // Waits for a measurement under way.
  ~InventoryGaugeCache();
  InventoryGaugeCache(const InventoryGaugeCache&) = delete;
  InventoryGaugeCache& operator=(const InventoryGaugeCache&) = delete;

  // The last measurement (the first call measures, at once).
  InventoryGauges Get(TimePoint now);

 private:
  Inventory* inventory_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::optional<InventoryGauges> last_;
  bool measuring_ = false;
  std::thread measurer_;
};

// The inventory gauges and the CA's (`ca`'s expiry, whether a rotation is
// in progress) at `now`, in exposition format.
std::string RenderInventoryGauges(const InventoryGauges& gauges, const Certificate& ca,
                                  bool rotation, TimePoint now);

// A label value escaped as the exposition format wants (\\, \", \n).
std::string EscapeLabelValue(std::string_view value);

}  // namespace certmint
