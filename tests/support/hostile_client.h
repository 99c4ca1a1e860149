// Hostile HTTPS clients for the attack tests (tests/e2e/hostile_clients_test.cc,
// tests/server/http_limits_test.cc) and the attack tool (certmint_hostile,
// bench/hostile.sh): raw TLS connections to a port on loopback, from any
// loopback source address (127.0.0.2 is another client as far as the server
// can tell), sending what an attacker would. The server is not verified.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/ossl.h"

namespace certmint::testing {

// One blocking TLS connection with deadlines.
class TlsClient {
 public:
  // Connects from `source` and, when `handshake`, completes TLS; null when
  // either fails within `timeout_ms`.
  static std::unique_ptr<TlsClient> Connect(int port, const std::string& source = "127.0.0.1",
                                            bool handshake = true, int timeout_ms = 5000);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Sends all of `bytes`; false once the server closed, or stopped reading
  // for `timeout_ms`.
  bool Send(std::string_view bytes, int timeout_ms = 2000);
  // Whether the server sent something or closed within `timeout_ms`.
  bool Readable(int timeout_ms);
  // The status of the answer that begins within `timeout_ms`; 0 when none
  // came (nothing, or the connection closed first). Reads the head only.
  int ReadStatus(int timeout_ms);
  // Whether the server closed the connection within `timeout_ms` (what it
  // still sends is read and dropped).
  bool WaitClosed(int timeout_ms);
  int fd() const { return fd_; }

 private:
  TlsClient() = default;
  // Reads what arrives within `timeout_ms` into received_ (or notes that
  // the connection closed); false when nothing did. TLS records that carry
  // no data (session tickets) do not count.
  bool ReadSome(int timeout_ms);

  int fd_ = -1;
  bool closed_ = false;
  ossl::SslCtxPtr ctx_;
  ossl::SslPtr ssl_;
  std::string received_;
};

enum class Framing { kContentLength, kChunked, kNone };

struct FloodResult {
  int status = 0;       // the answer's status; 0: none
  size_t sent = 0;      // bytes sent before the server answered or stopped reading
  bool closed = false;  // the server closed the connection after answering
  double seconds = 0;   // from the first byte to the answer (or giving up)
};

// Where bodies go: the HTTPS API by default; with `tls` false a plain-HTTP
// listener (--status-listen, --admin-listen).
struct Target {
  bool tls = true;
  std::string path = "/v1/enroll";
  std::string content_type = "application/json";
  size_t slow_body_bytes = 60000;  // the Content-Length a slow-body client announces
};

// POST /v1/enroll with a body of `bytes` in `framing`, sent in 16 KiB
// pieces and stopped as soon as the server answers or stops reading; waits
// up to `wait_ms` for the answer after that.
FloodResult FloodBody(int port, Framing framing, size_t bytes, int wait_ms = 3000);
// The same to `target`'s path, over TLS or not.
FloodResult FloodBody(int port, Framing framing, size_t bytes, int wait_ms, const Target& target);
// GET /v1/health with `bytes` of header fields of `field_bytes` each (one
// field when field_bytes >= bytes).
FloodResult FloodHeaders(int port, size_t bytes, size_t field_bytes = 1024, int wait_ms = 3000);
// The status of GET /v1/health on a new connection within `timeout_ms`
// (handshake included); 0: no answer in time.
int HealthStatus(int port, int timeout_ms, const std::string& source = "127.0.0.1");

// Clients that hold connections open: each connects from `source`, then
// slow-header ones send a request head one byte every `interval` (never
// finishing), slow-body ones send a head for a 60,000-byte body at once and
// the body one byte every `interval`, idle ones send nothing (kIdleTcp never
// starts TLS). Handshakes and bytes go out from one thread, without blocking,
// so that a server which leaves some connections waiting delays no other.
// With a `target` whose `tls` is false, no member starts TLS (a plain-HTTP
// listener) and slow bodies go to its path.
class Crowd {
 public:
  enum class Kind { kSlowHeaders, kSlowBody, kIdleTcp, kIdleTls };
  Crowd(int port, Kind kind, int count, const std::string& source = "127.0.0.1",
        std::chrono::milliseconds interval = std::chrono::milliseconds(500),
        const Target& target = {});
  ~Crowd();
  // Connections the server accepted (and for TLS kinds completed the
  // handshake of) so far.
  int ready() const { return ready_; }
  // Connections the server has not closed.
  int open() const { return open_; }
  // Waits until `n` are ready or `timeout_ms` passed; whether they are.
  bool WaitReady(int n, int timeout_ms);

 private:
  struct Member;
  void Loop();
  void Step(Member& m);
  std::string SlowBodyHead() const;

  Kind kind_;
  std::chrono::milliseconds interval_;
  Target target_;
  ossl::SslCtxPtr ctx_;
  std::vector<std::unique_ptr<Member>> members_;
  std::atomic<int> ready_{0};
  std::atomic<int> open_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The resident set size of process `pid` in KiB (VmRSS); -1 when unknown.
long RssKib(int pid);

// The largest RSS of `pid` seen while it lives: sampled every 20 ms.
class RssSampler {
 public:
  explicit RssSampler(int pid);
  ~RssSampler();
  long peak_kib() const { return peak_; }

 private:
  std::atomic<long> peak_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace certmint::testing
