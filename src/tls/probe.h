// certmint probe: connect to a live TLS server and report what it presents.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "stores/keystore.h"
#include "x509/certificate.h"

namespace certmint {

struct ProbeOptions {
  std::string host;
  int port = 0;
  // SNI and the name verified; default: host.
  std::string servername;
  const KeyStore* truststore = nullptr;  // null: chain shown, not verified
  const KeyStore* keystore = nullptr;    // null: no client certificate
  int timeout_ms = 5000;
  TimePoint now = std::chrono::system_clock::now();
};

struct ProbeReport {
  std::string protocol;
  std::string cipher;
  std::vector<Certificate> chain;  // as presented, leaf first
  // Set when a truststore was given.
  std::optional<bool> chain_trusted;
  std::string chain_reason;
  std::optional<bool> name_matches;
  // After the handshake: the server's verdict on our certificate (TLS 1.3
  // servers refuse client certificates after the client's handshake is done).
  std::string server_rejected;
  bool ok() const {
    return chain_trusted.value_or(true) && name_matches.value_or(true) && server_rejected.empty();
  }
};

// Network and protocol failures are errors with clear messages ("connection
// refused", "timed out after 2 s", "the peer does not speak TLS"); a chain
// that fails verification is a report with ok() == false.
Result<ProbeReport> Probe(const ProbeOptions& options);

// "host:port", "[v6]:port".
// "host:port", "[v6]:port"; port 0 only with allow_port_zero (listening).
Result<std::pair<std::string, int>> ParseHostPort(std::string_view text,
                                                  bool allow_port_zero = false);

}  // namespace certmint
