#include "server/metrics.h"

#include <fmt/format.h>

#include "version.h"

namespace certmint {
namespace {

std::string_view Outcome(int status) {
  return status < 300 ? "issued" : status < 500 ? "refused" : "failed";
}

// One "# HELP" and "# TYPE" pair.
void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

double Seconds(TimePoint until, TimePoint now) {
  return std::chrono::duration<double>(until - now).count();
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view EndpointLabel(std::string_view path) {
  if (path == "/v1/enroll") return "enroll";
  if (path == "/v1/renew") return "renew";
  if (path == "/v1/ca") return "ca";
  if (path == "/v1/crl" || path == "/v1/crl.pem") return "crl";
  if (path == "/v1/health") return "health";
  if (path == "/ui" || path == "/ui/") return "ui";
  if (path == "/v1/inventory") return "inventory";
  if (path == "/metrics") return "metrics";
  return "other";
}

void ServiceMetrics::Observe(std::string_view path, int status, std::string_view refusal,
                             double seconds) {
  const std::string endpoint(EndpointLabel(path));
  std::lock_guard<std::mutex> lock(mu_);
  if (endpoint == "enroll" || endpoint == "renew") {
    ++outcomes_[{endpoint, std::string(Outcome(status))}];
  }
  if (!refusal.empty()) {
    ++refusals_[{endpoint, std::string(refusal)}];
  }
  Histogram& h = latency_[endpoint];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++h.buckets[i];
    }
  }
  ++h.count;
  h.sum += seconds;
}

std::string ServiceMetrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  Header(out, "certmint_build_info", "gauge", "The running certmint's version.");
  out += fmt::format("certmint_build_info{{version=\"{}\"}} 1\n", EscapeLabelValue(kVersion));
  for (const std::string_view kind : {"enrollments", "renewals"}) {
    const std::string name = fmt::format("certmint_{}_total", kind);
    Header(out, name, "counter",
           fmt::format("Answers to /v1/{} by outcome (issued, refused, failed).",
                       kind == "enrollments" ? "enroll" : "renew"));
    const std::string endpoint = kind == "enrollments" ? "enroll" : "renew";
    for (const std::string_view outcome : {"issued", "refused", "failed"}) {
      const auto it = outcomes_.find({endpoint, std::string(outcome)});
      out += fmt::format("{}{{outcome=\"{}\"}} {}\n", name, outcome,
                         it == outcomes_.end() ? 0 : it->second);
    }
  }
  Header(out, "certmint_refusals_total", "counter",
         "Requests refused, by endpoint and reason (the API's error code).");
  for (const auto& [key, n] : refusals_) {
    out += fmt::format("certmint_refusals_total{{endpoint=\"{}\",reason=\"{}\"}} {}\n", key.first,
                       EscapeLabelValue(key.second), n);
  }
  Header(out, "certmint_request_duration_seconds", "histogram",
         "Time from a request read to its answer ready, by endpoint.");
  for (const auto& [endpoint, h] : latency_) {
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      out +=
          fmt::format("certmint_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"{}\"}} {}\n",
                      endpoint, kLatencyBuckets[i], h.buckets[i]);
    }
    out += fmt::format(
        "certmint_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"+Inf\"}} {}\n"
        "certmint_request_duration_seconds_sum{{endpoint=\"{}\"}} {}\n"
        "certmint_request_duration_seconds_count{{endpoint=\"{}\"}} {}\n",
        endpoint, h.count, endpoint, h.sum, endpoint, h.count);
  }
  return out;
}

InventoryGauges MeasureInventory(Inventory& inventory, TimePoint now, int window_days) {
  InventoryGauges g;
  g.measured_at = now;
  auto records = inventory.List({}, now);
  auto tokens = inventory.ListTokens();
  if (!records || !tokens) {
    return g;
  }
  g.up = true;
  for (const std::string_view s :
       {"valid", "expiring", "expired", "pending", "revoked", "superseded"}) {
    g.by_status[std::string(s)] = 0;
  }
  for (const auto& r : *records) {
    ++g.by_status[std::string(DisplayStatus(r, now, window_days))];
    if (r.status != CertStatus::kValid) {
      continue;
    }
    if (const auto end = ParseUtc(r.not_after);
        end && (!g.earliest_expiry || *end < *g.earliest_expiry)) {
      g.earliest_expiry = *end;
    }
  }
  for (const auto& t : *tokens) {
    const RedeemOutcome state = TokenState(t, now);
    ++(state == RedeemOutcome::kRedeemed  ? g.tokens.unused
       : state == RedeemOutcome::kUsed    ? g.tokens.used
       : state == RedeemOutcome::kExpired ? g.tokens.expired
                                          : g.tokens.revoked);
  }
  return g;
}

InventoryGaugeCache::~InventoryGaugeCache() {
  if (measurer_.joinable()) {
    measurer_.join();
  }
}

InventoryGauges InventoryGaugeCache::Get(TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!last_) {
    last_ = MeasureInventory(*inventory_, now, kDefaultReportWindowDays);
  } else if ((now - last_->measured_at >= ttl_ || now < last_->measured_at) && !measuring_) {
    measuring_ = true;
    if (measurer_.joinable()) {
      measurer_.join();  // the previous one, done: it cleared measuring_
    }
    measurer_ = std::thread([this, now] {
      InventoryGauges measured = MeasureInventory(*inventory_, now, kDefaultReportWindowDays);
      std::lock_guard<std::mutex> done(mu_);
      last_ = std::move(measured);
      measuring_ = false;
    });
  }
  return *last_;
}

std::string RenderInventoryGauges(const InventoryGauges& g, const Certificate& ca, bool rotation,
                                  TimePoint now) {
  std::string out;
  Header(out, "certmint_inventory_up", "gauge",
         "1 when the inventory answered the last measurement's queries, else 0.");
  out += fmt::format("certmint_inventory_up {}\n", g.up ? 1 : 0);
  Header(out, "certmint_ca_expiry_seconds", "gauge", "Seconds until the issuing CA expires.");
  out += fmt::format("certmint_ca_expiry_seconds {:.0f}\n", Seconds(ca.NotAfter(), now));
  Header(out, "certmint_ca_rotation_in_progress", "gauge",
         "1 while a CA rotation is in progress (docs/ca-rotation.md).");
  out += fmt::format("certmint_ca_rotation_in_progress {}\n", rotation ? 1 : 0);
  if (!g.up) {
    return out;
  }
  Header(out, "certmint_certificates", "gauge",
         "Certificates in the inventory by status (expiring: valid, in the 30-day renewal "
         "window; expired: valid but past its end).");
  for (const auto& [status, n] : g.by_status) {
    out += fmt::format("certmint_certificates{{status=\"{}\"}} {}\n", status, n);
  }
  Header(out, "certmint_certificate_earliest_expiry_seconds", "gauge",
         "Seconds until the earliest end of a valid certificate (negative: one has expired).");
  if (g.earliest_expiry) {
    out += fmt::format("certmint_certificate_earliest_expiry_seconds {:.0f}\n",
                       Seconds(*g.earliest_expiry, now));
  }
  Header(out, "certmint_tokens", "gauge", "Enrollment tokens by state.");
  out += fmt::format(
      "certmint_tokens{{state=\"unused\"}} {}\ncertmint_tokens{{state=\"used\"}} {}\n"
      "certmint_tokens{{state=\"expired\"}} {}\ncertmint_tokens{{state=\"revoked\"}} {}\n",
      g.tokens.unused, g.tokens.used, g.tokens.expired, g.tokens.revoked);
  Header(out, "certmint_inventory_measured_age_seconds", "gauge",
         "Age of the inventory measurement these gauges come from (cached briefly).");
  out +=
      fmt::format("certmint_inventory_measured_age_seconds {:.3f}\n", Seconds(now, g.measured_at));
  return out;
}

}  // namespace certmint
