// certmint crl --server: a node's copy of the CA's CRL, fetched from the CA
// service for librdkafka's ssl.crl.location (cron's one-shot; the renewal
// daemon does the same each pass). Kept apart from `crl` itself, which signs.
#pragma once

#include <string>

#include "core/error.h"

namespace certmint::cli {

struct CrlFetchArgs {
  std::string server;   // --server https://HOST[:PORT]
  std::string ca_file;  // --ca-file: the CAs that may sign the CRL (and serve it)
  std::string out;      // --out: the CRL file to replace
  bool json = false;
};

// Fetches GET /v1/crl, checks its signature against --ca-file, refuses a
// CRL number lower than the file's, and replaces --out atomically.
Status RunCrlFetch(const CrlFetchArgs& args);

}  // namespace certmint::cli
