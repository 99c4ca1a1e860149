// `certmint handshake`: real mTLS handshakes over 127.0.0.1 between two
// identities' stores, for each protocol version and each name the client
// dials, as two nodes of the cluster would meet.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "stores/keystore.h"
#include "tls/handshake.h"
#include "x509/crl.h"

namespace certmint {

// "1.2", "1.3" or "both": the versions to try, TLS 1.3 first.
// kInvalidArgument "expected 1.2, 1.3 or both" otherwise.
Result<std::vector<int>> ParseTlsVersionChoice(std::string_view text);

// One side: the key entry it presents and the CAs it trusts. Neither is
// owned; both must outlive the call.
struct HandshakeParty {
  std::string label;                   // in errors: the store file it came from
  const KeyStore* keystore = nullptr;  // null: a client without certificate
  const KeyStore* truststore = nullptr;
};

struct IdentityHandshakeOptions {
  // Names or IPs the client dials and verifies; empty: the server
  // certificate's first DNS SAN, else its first IP SAN, else 127.0.0.1.
  std::vector<std::string> hosts;
  std::vector<int> versions = {TLS1_3_VERSION, TLS1_2_VERSION};
  // Both sides check the peer against these.
  std::vector<Crl> crls;
};

struct HandshakeAttempt {
  std::string version;  // "TLSv1.3", "TLSv1.2": what was offered
  std::string host;
  HandshakeReport report;
};

// Runs a handshake per version and host, calling `on_attempt` after each (so
// that results appear as they come). Returns whether every one succeeded. A
// server keystore without a key entry, a context that cannot be built (naming
// the side's label) and socket failures are errors; a refused handshake is an
// attempt whose report says why.
Result<bool> RunIdentityHandshakes(const HandshakeParty& server, const HandshakeParty& client,
                                   const IdentityHandshakeOptions& options,
                                   const std::function<void(const HandshakeAttempt&)>& on_attempt);

// "ok    TLSv1.3 TLS_AES_256_GCM_SHA384 to HOST: server CN=..., client CN=..."
// or "fail  TLSv1.2 to HOST: REASON", with a newline.
std::string RenderHandshakeAttemptText(const HandshakeAttempt& attempt);
// {"ok": all_ok, "handshakes": [{"tls", "host", "ok", "protocol", "cipher",
// "server_subject", "client_subject", "reason"}]}.
std::string RenderHandshakesJson(const std::vector<HandshakeAttempt>& attempts, bool all_ok);

}  // namespace certmint
