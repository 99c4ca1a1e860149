// `certmint serve` under hostile, unauthenticated clients (issue 19, items
// 1-4): a real service process on 127.0.0.1 with its default limits, a few
// dozen raw TLS connections from loopback addresses (127.0.0.2 and up are
// other clients to the server), and the service's RSS read from /proc while
// they attack. Sizes are kept to tens of megabytes so the suite stays fast;
// bench/hostile.sh runs the same attacks at the 200 MB.
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "e2e/service_fixture.h"
#include "support/hostile_client.h"

namespace certmint::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr size_t kMiB = 1024 * 1024;
// How much the service may grow while attacked: the attacks below send 32 MiB
// each, which a server that buffers them grows by at least as much. Under
// AddressSanitizer (make test-sanitize) every allocation carries redzones and
// freed memory sits in a quarantine instead of being reused, so 48 held
// connections alone grew the service by 37 MiB there: the bound is the plain
// build's (make test runs it first); the sanitized run only keeps it from
// growing without limit.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kRssGrowthBoundKib = 128 * 1024;
// LeakSanitizer scans the whole heap when the process exits, which alone
// took 2-5 s after SIGTERM there; the plain build holds the 3 s.
constexpr double kSigtermBoundSeconds = 10.0;
#else
constexpr long kRssGrowthBoundKib = 16 * 1024;
constexpr double kSigtermBoundSeconds = 3.0;
#endif

// With the crowds' first bytes in flight, SIGTERM ends the service cleanly
// within kSigtermBoundSeconds.
void ExpectPromptSigterm(std::unique_ptr<BackgroundProcess>& server) {
  std::this_thread::sleep_for(milliseconds(600));  // a few bytes each in flight
  const auto start = Clock::now();
  const int code = server->Stop(SIGTERM, 10000);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(code, 0) << server->output();
  EXPECT_LT(seconds, kSigtermBoundSeconds) << "SIGTERM took " << seconds << " s";
  EXPECT_NE(server->output().find("certmint serve: stopped"), std::string::npos)
      << server->output();
  server.reset();
}

class HostileClientsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    StartServer({"--quiet"});
    rss_before_ = RssKib(server_->pid());
    ASSERT_GT(rss_before_, 0);
  }

  // Fails the test when the service grew past the bound since SetUp.
  void ExpectRssBounded(const RssSampler& sampler, const char* what) {
    EXPECT_LT(sampler.peak_kib() - rss_before_, kRssGrowthBoundKib)
        << what << ": RSS " << rss_before_ << " KiB before, " << sampler.peak_kib()
        << " KiB at the peak";
  }

  long rss_before_ = 0;
};

// Item 1: 413 as soon as the body passes --max-body (64 KiB), however it is
// framed; a POST with no framing at all is refused before its body is read.
TEST_F(HostileClientsTest, OversizedBodiesAreRefusedWhateverTheFraming) {
  RssSampler sampler(server_->pid());
  const FloodResult chunked = FloodBody(port_, Framing::kChunked, 32 * kMiB);
  EXPECT_EQ(chunked.status, 413) << "chunked";
  EXPECT_TRUE(chunked.closed) << "chunked";
  EXPECT_LT(chunked.sent, 4 * kMiB) << "the answer should come once 64 KiB are passed";
  const FloodResult length = FloodBody(port_, Framing::kContentLength, 32 * kMiB);
  EXPECT_EQ(length.status, 413) << "Content-Length";
  EXPECT_TRUE(length.closed) << "Content-Length";
  const FloodResult unframed = FloodBody(port_, Framing::kNone, 32 * kMiB);
  EXPECT_EQ(unframed.status, 411) << "neither Content-Length nor chunked";
  EXPECT_TRUE(unframed.closed) << "unframed";
  EXPECT_LT(unframed.sent, 4 * kMiB);
  ExpectRssBounded(sampler, "oversized bodies");
  EXPECT_EQ(HealthStatus(port_, 2000), 200);
}

// Item 2: header fields past 16 KiB in all, or more than 64 of them: 431 and
// the connection closed.
TEST_F(HostileClientsTest, OversizedHeadersAre431AndClosed) {
  RssSampler sampler(server_->pid());
  const FloodResult many = FloodHeaders(port_, 32 * kMiB, 1024);
  EXPECT_EQ(many.status, 431) << "32 MiB of 1 KiB fields";
  EXPECT_TRUE(many.closed);
  EXPECT_LT(many.sent, 4 * kMiB);
  const FloodResult one = FloodHeaders(port_, 32 * kMiB, 32 * kMiB);
  EXPECT_EQ(one.status, 431) << "one 32 MiB field";
  EXPECT_TRUE(one.closed);
  const FloodResult count = FloodHeaders(port_, 100 * 40, 40);
  EXPECT_EQ(count.status, 431) << "100 small fields (4,000 bytes)";
  EXPECT_TRUE(count.closed);
  ExpectRssBounded(sampler, "oversized headers");
  EXPECT_EQ(HealthStatus(port_, 2000), 200);
}

// Item 3: two dozen clients sending headers a byte at a time and two dozen
// idle connections, from two other addresses, leave health checks answered.
TEST_F(HostileClientsTest, HealthIsAnsweredWhileClientsHoldConnections) {
  RssSampler sampler(server_->pid());
  Crowd slow(port_, Crowd::Kind::kSlowHeaders, 24, "127.0.0.2", milliseconds(300));
  Crowd idle(port_, Crowd::Kind::kIdleTcp, 24, "127.0.0.3");
  Crowd idle_tls(port_, Crowd::Kind::kIdleTls, 24, "127.0.0.4");
  slow.WaitReady(24, 3000);
  idle.WaitReady(24, 3000);
  idle_tls.WaitReady(24, 3000);
  std::this_thread::sleep_for(milliseconds(500));
  int answered = 0;
  for (int i = 0; i < 8; ++i) {
    answered += HealthStatus(port_, 2000) == 200 ? 1 : 0;
  }
  EXPECT_EQ(answered, 8) << "health checks answered within 2 s while 72 connections are held";
  EXPECT_EQ(slow.ready(), 24) << "an asynchronous server completes every handshake";
  ExpectRssBounded(sampler, "slow and idle clients");
}

// Item 3: one address holds at most 32 connections; the rest are closed at
// once, and other addresses are still served.
TEST_F(HostileClientsTest, ConnectionsPerAddressAreCapped) {
  Crowd crowd(port_, Crowd::Kind::kIdleTcp, 40, "127.0.0.2");
  crowd.WaitReady(40, 3000);
  const auto deadline = Clock::now() + milliseconds(3000);
  while (crowd.open() > 32 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(crowd.open(), 32) << "connections from 127.0.0.2 still open";
  EXPECT_EQ(HealthStatus(port_, 2000, "127.0.0.3"), 200);
}

// Item 3: SIGTERM ends the service within seconds whatever its clients are
// doing (the service closes what waits for a client; nothing was in flight).
TEST_F(HostileClientsTest, SigtermStopsTheServiceWithinSecondsDespiteSlowClients) {
  Crowd headers(port_, Crowd::Kind::kSlowHeaders, 4, "127.0.0.2", milliseconds(200));
  Crowd body(port_, Crowd::Kind::kSlowBody, 4, "127.0.0.3", milliseconds(200));
  Crowd idle(port_, Crowd::Kind::kIdleTcp, 4, "127.0.0.4");
  Crowd idle_tls(port_, Crowd::Kind::kIdleTls, 4, "127.0.0.5");
  ASSERT_TRUE(body.WaitReady(4, 3000));
  headers.WaitReady(4, 3000);
  ExpectPromptSigterm(server_);
}

// Item 4: a second service on an address where one listens is refused, exit 7
// (ErrorCode::kIo), instead of sharing the port with the first.
TEST_F(HostileClientsTest, SecondServiceOnTheSameAddressExits7) {
  BackgroundProcess second({CERTMINT_BINARY, "serve", "--dir", "pki", "--listen",
                            "127.0.0.1:" + std::to_string(port_), "--ca-password-file", "ca.pass"},
                           dir_.path(), {{"CERTMINT_CA_PASSWORD", ""}, {"CERTMINT_PASSWORD", ""}});
  second.WaitForLine("listen", 15000);
  const int code = second.Stop(SIGTERM, 5000);
  EXPECT_EQ(code, 7) << second.output();
  EXPECT_NE(second.output().find("address in use"), std::string::npos) << second.output();
  EXPECT_EQ(HealthStatus(port_, 2000), 200) << "the first service still answers";
}

// The plain-HTTP listeners (--status-listen: OCSP and the CRL; --admin-listen:
// /metrics and the inventory) run the same front as the API, so they meet the
// same attacks: both are started on one service and attacked side by side.
class PlainListenersTest : public HostileClientsTest {
 protected:
  struct Listener {
    const char* flag;
    int port;
    Target target;        // where bodies go (plain HTTP)
    std::string request;  // a GET that must be answered 200
  };

  void SetUp() override {
    ServiceTest::SetUp();
    StartServer({"--status-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"});
    listeners_ = {{"--status-listen", PortOf("status listener on http://127.0.0.1:"),
                   Target{false, "/ocsp", "application/ocsp-request", 1000},
                   "GET /crl.der HTTP/1.1\r\nHost: x\r\n\r\n"},
                  {"--admin-listen", PortOf("Admin listener on http://127.0.0.1:"),
                   Target{false, "/metrics", "text/plain", 1000},
                   "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"}};
    rss_before_ = RssKib(server_->pid());
    ASSERT_GT(rss_before_, 0);
  }

  int PortOf(const std::string& prefix) {
    const std::string line = server_->WaitForLine(prefix);
    EXPECT_FALSE(line.empty()) << server_->output();
    return line.empty() ? 0 : std::stoi(line.substr(line.find(prefix) + prefix.size()));
  }

  // The status of `l.request` on a new connection within 2 s.
  static int Answer(const Listener& l) {
    auto c = TlsClient::Connect(l.port, "127.0.0.1", /*handshake=*/false, 2000);
    return c && c->Send(l.request) ? c->ReadStatus(2000) : 0;
  }

  std::vector<Listener> listeners_;
};

// Item 1 on both listeners: a chunked body is refused (413) once it passes
// the listener's body limit, and the service does not grow with it.
TEST_F(PlainListenersTest, ChunkedFloodsAre413WithinBoundedMemory) {
  RssSampler sampler(server_->pid());
  for (const Listener& l : listeners_) {
    const FloodResult chunked = FloodBody(l.port, Framing::kChunked, 32 * kMiB, 3000, l.target);
    EXPECT_EQ(chunked.status, 413) << l.flag;
    EXPECT_TRUE(chunked.closed) << l.flag;
    // Plain TCP on loopback: the kernel's socket buffers (several MiB with
    // autotuning) take bytes before the client reads the 413, so this bounds
    // the answer coming long before the 32 MiB end; memory is bounded below.
    EXPECT_LT(chunked.sent, 16 * kMiB)
        << l.flag << ": the answer should come once the limit passed";
    EXPECT_EQ(Answer(l), 200) << l.flag;
  }
  ExpectRssBounded(sampler, "chunked floods on the plain listeners");
}

// Item 3 on both listeners: a body sent a byte at a time is closed at the
// body deadline (10 s for the whole body), not before and not never.
TEST_F(PlainListenersTest, SlowBodiesAreClosedAtTheBodyDeadline) {
  Crowd status(listeners_[0].port, Crowd::Kind::kSlowBody, 4, "127.0.0.2", milliseconds(200),
               listeners_[0].target);
  Crowd admin(listeners_[1].port, Crowd::Kind::kSlowBody, 4, "127.0.0.3", milliseconds(200),
              listeners_[1].target);
  ASSERT_TRUE(status.WaitReady(4, 3000));
  ASSERT_TRUE(admin.WaitReady(4, 3000));
  const auto start = Clock::now();
  std::this_thread::sleep_for(milliseconds(3000));
  EXPECT_EQ(status.open(), 4) << "a trickling body is not closed before its deadline";
  EXPECT_EQ(admin.open(), 4) << "a trickling body is not closed before its deadline";
  for (const Listener& l : listeners_) {
    EXPECT_EQ(Answer(l), 200) << l.flag << " answers while bodies trickle";
  }
  // 1,000 bytes at 5 a second would take 200 s.
  while ((status.open() > 0 || admin.open() > 0) && Clock::now() - start < milliseconds(16000)) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(status.open(), 0) << "--status-listen: closed at the body deadline";
  EXPECT_EQ(admin.open(), 0) << "--admin-listen: closed at the body deadline";
}

// Item 3 on both listeners: SIGTERM ends the service within seconds while
// slow and idle clients hold connections to each of them.
TEST_F(PlainListenersTest, SigtermIsPromptWhileSlowClientsHoldBothListeners) {
  std::vector<std::unique_ptr<Crowd>> crowds;
  int source = 2;
  for (const Listener& l : listeners_) {
    for (auto kind : {Crowd::Kind::kSlowHeaders, Crowd::Kind::kSlowBody, Crowd::Kind::kIdleTcp}) {
      crowds.push_back(std::make_unique<Crowd>(
          l.port, kind, 4, "127.0.0." + std::to_string(source++), milliseconds(200), l.target));
    }
  }
  for (auto& c : crowds) {
    ASSERT_TRUE(c->WaitReady(4, 3000));
  }
  ExpectPromptSigterm(server_);
}

// Item 4 on both listeners: a second service (another CA) whose status or
// admin port is taken exits 7 with "address in use".
TEST_F(PlainListenersTest, ASecondServiceOnATakenListenerPortExits7) {
  InitCa("ec:p256", "pki2");
  for (const Listener& l : listeners_) {
    BackgroundProcess second(
        {CERTMINT_BINARY, "serve", "--dir", "pki2", "--listen", "127.0.0.1:0", l.flag,
         "127.0.0.1:" + std::to_string(l.port), "--ca-password-file", "ca.pass"},
        dir_.path(), {{"CERTMINT_CA_PASSWORD", ""}, {"CERTMINT_PASSWORD", ""}});
    second.WaitForLine("address in use", 15000);
    const int code = second.Stop(SIGTERM, 5000);
    EXPECT_EQ(code, 7) << l.flag << ": " << second.output();
    EXPECT_NE(second.output().find("address in use"), std::string::npos) << second.output();
    EXPECT_EQ(Answer(l), 200) << l.flag << ": the first service still answers";
  }
}

}  // namespace
}  // namespace certmint::testing
