// certmint_hostile: the attacks of issue 19 against a running `certmint
// serve`, one Markdown table row each (bench/hostile.sh starts the service
// and runs this against it; docs/security.md records the numbers).
//
//   certmint_hostile --port PORT --pid PID [--mib 200] [--label NAME]
//
// The last attack sends SIGTERM to PID and times its exit.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "support/hostile_client.h"

namespace {

using namespace certmint::testing;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct Args {
  int port = 0;
  int pid = 0;
  size_t mib = 200;
  std::string label = "server";
};

double Mib(long kib) { return static_cast<double>(kib) / 1024.0; }

void Row(const Args& a, const std::string& attack, const std::string& answer, long before,
         long peak, const std::string& health, double seconds) {
  std::printf("| %s | %s | %s | %.0f → %.0f MiB | %s | %.1f s |\n", a.label.c_str(), attack.c_str(),
              answer.c_str(), Mib(before), Mib(peak), health.c_str(), seconds);
  std::fflush(stdout);
}

std::string Answer(const FloodResult& r) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), "%s after %.1f MiB sent",
                r.status ? std::to_string(r.status).c_str() : "none",
                static_cast<double>(r.sent) / 1048576.0);
  return buf;
}

std::string HealthChecks(int port, int n, int timeout_ms) {
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    ok += HealthStatus(port, timeout_ms) == 200 ? 1 : 0;
  }
  return std::to_string(ok) + "/" + std::to_string(n);
}

void Flood(const Args& a, const std::string& attack, const std::function<FloodResult()>& run) {
  const long before = RssKib(a.pid);
  RssSampler sampler(a.pid);
  const FloodResult r = run();
  std::this_thread::sleep_for(milliseconds(200));
  Row(a, attack, Answer(r), before, sampler.peak_kib(), HealthChecks(a.port, 1, 5000), r.seconds);
}

void Hold(const Args& a, const std::string& attack, Crowd::Kind kind, int checks) {
  const long before = RssKib(a.pid);
  RssSampler sampler(a.pid);
  const auto start = Clock::now();
  Crowd crowd(a.port, kind, 24, "127.0.0.2", milliseconds(500));
  crowd.WaitReady(24, 3000);
  std::this_thread::sleep_for(milliseconds(500));
  const std::string health = HealthChecks(a.port, checks, 2000);
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  Row(a, attack, std::to_string(crowd.ready()) + "/24 connected", before, sampler.peak_kib(),
      health, s);
}

bool Exited(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_s, comm, state;
  return !(in >> pid_s >> comm >> state) || state == "Z" || state == "X";
}

void Sigterm(const Args& a) {
  const long before = RssKib(a.pid);
  Crowd body(a.port, Crowd::Kind::kSlowBody, 1, "127.0.0.2", milliseconds(200));
  body.WaitReady(1, 3000);
  std::this_thread::sleep_for(milliseconds(1000));
  const auto start = Clock::now();
  kill(a.pid, SIGTERM);
  while (!Exited(a.pid) && Clock::now() - start < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  Row(a, "SIGTERM, one slow-body client", Exited(a.pid) ? "exited" : "still running after 60 s",
      before, before, "-", s);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--port") {
      a.port = std::atoi(value.c_str());
    } else if (flag == "--pid") {
      a.pid = std::atoi(value.c_str());
    } else if (flag == "--mib") {
      a.mib = static_cast<size_t>(std::atol(value.c_str()));
    } else if (flag == "--label") {
      a.label = value;
    }
  }
  if (a.port <= 0 || a.pid <= 0) {
    std::fprintf(stderr,
                 "usage: certmint_hostile --port PORT --pid PID [--mib 200] [--label NAME]\n");
    return 2;
  }
  const size_t bytes = a.mib * 1024 * 1024;
  const std::string size = std::to_string(a.mib) + " MiB";
  Flood(a, "chunked body, " + size,
        [&] { return FloodBody(a.port, Framing::kChunked, bytes, 15000); });
  Flood(a, "body with no length, " + size,
        [&] { return FloodBody(a.port, Framing::kNone, bytes, 15000); });
  Flood(a, "header fields, " + size, [&] { return FloodHeaders(a.port, bytes, 1024, 15000); });
  Hold(a, "24 slow-header clients + 8 health checks", Crowd::Kind::kSlowHeaders, 8);
  Hold(a, "24 idle TCP connections + 6 health checks", Crowd::Kind::kIdleTcp, 6);
  Sigterm(a);
  return 0;
}
