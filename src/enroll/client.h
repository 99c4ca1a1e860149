// The CA service's client side: what `certmint enroll` and
// `certmint renew --server` say to `certmint serve`. The node's key never
// leaves the node: only a CSR is sent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "enroll/protocol.h"
#include "keys/private_key.h"
#include "x509/certificate.h"

namespace certmint {

struct ServerUrl {
  std::string host;  // a name, or an IP address (IPv6 without brackets)
  int port = 443;
  // More replicas of the same service (docs/high-availability.md), tried in
  // order after this one when it cannot be reached or answers 5xx or 429.
  std::vector<ServerUrl> replicas;
  // Every URL, comma-separated.
  std::string ToString() const;
};

// "https://host[:port][/]"; IPv6 in brackets; several, comma-separated, for
// the replicas of one service. kInvalidArgument otherwise (http:// is
// refused: the API carries tokens).
Result<ServerUrl> ParseServerUrl(std::string_view url);

// The URLs to try, in order, each without replicas.
std::vector<ServerUrl> ServerEndpoints(const ServerUrl& url);

// "AB:CD:..." or "abcd..." (64 hex digits) -> "AB:CD:..."; kInvalidArgument.
Result<std::string> NormalizeFingerprint(std::string_view text);

// First contact: fetches the CA bundle without trusting the server yet and
// returns the CA certificate whose SHA-256 fingerprint is `pin`, or
// kDenied when the server offers none (a man in the middle, or the wrong
// server).
Result<Certificate> FetchPinnedCa(const ServerUrl& url, const std::string& pin);

// POST /v1/enroll, trusting only `anchors` and checking that the server's
// certificate names url.host.
Result<IssuedChain> EnrollWithServer(const ServerUrl& url, const std::vector<Certificate>& anchors,
                                     const SecretString& token, const std::string& name,
                                     const std::string& csr_pem);

// GET /v1/crl: the CA's current CRL (DER) as the service signs it, over a
// connection trusting only `anchors`. The caller checks the CRL itself
// (enroll/crl_refresh.h): its signature, not the connection, vouches for it.
Result<std::string> FetchCrl(const ServerUrl& url, const std::vector<Certificate>& anchors);

// POST /v1/renew with `certificate` and `key` as the TLS client identity
// (the service holds the intermediates, so no chain is sent).
Result<IssuedChain> RenewWithServer(const ServerUrl& url, const std::vector<Certificate>& anchors,
                                    const Certificate& certificate, const PrivateKey& key,
                                    const std::string& csr_pem);

}  // namespace certmint
