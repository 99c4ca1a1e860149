// A real mTLS handshake over 127.0.0.1, in process: a server thread and a
// client, each with its own OpenSSL context, as two nodes of the cluster
// would meet.
#pragma once

#include <string>

#include "core/error.h"
#include "core/ossl.h"

namespace certmint {

struct HandshakeReport {
  bool ok = false;
  std::string protocol;        // "TLSv1.3"
  std::string cipher;          // "TLS_AES_256_GCM_SHA384"
  std::string server_subject;  // as the client saw it
  std::string client_subject;  // as the server saw it; empty without a client certificate
  // Why it failed, from the side that refused: "server refused the client
  // certificate: unsupported certificate purpose".
  std::string reason;
};

struct HandshakeOptions {
  // The name the client dials and verifies: a DNS name or an IP address.
  std::string host = "127.0.0.1";
  int timeout_ms = 10000;
};

// Runs one handshake between the two contexts and exchanges a byte each way.
// Infrastructure failures (sockets) are errors; a refused handshake is a
// report with ok == false.
Result<HandshakeReport> RunLocalHandshake(SSL_CTX* server, SSL_CTX* client,
                                          const HandshakeOptions& options);

// The reason for a failed verification, in words ("certificate has expired").
std::string VerifyErrorText(long code);  // NOLINT(runtime/int)

}  // namespace certmint
