// Keeping a node's copy of its CA's CRL fresh: librdkafka reads a local CRL
// file (ssl.crl.location) and does no online lookup, so something must
// replace that file as the CA revokes certificates. `certmint crl --server`
// (cron) and `renew --daemon` fetch the CRL from the CA service's
// GET /v1/crl, check it, and swap it in atomically.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ca/crl_file.h"
#include "core/encoding.h"
#include "core/error.h"
#include "enroll/client.h"
#include "x509/certificate.h"
#include "x509/crl.h"

namespace certmint {

struct CrlFileUpdate {
  CrlFacts crl;           // what the fetched CRL says (CheckCrl)
  bool replaced = false;  // false: the file already held this CRL number
};

// UpdateCrlFile checks `fetched` (DER or PEM) with CheckCrl and writes it to
// `path` as PEM (0644, atomically: readers see the old or the new file,
// never a part) unless `path` holds a CRL of the same CA with a higher
// cRLNumber (kInvalidData "the CRL number went backwards": a replayed or
// stale answer) or the same one (nothing written, replaced false). A file
// that is missing, unreadable as a CRL or of another CA is replaced.
Result<CrlFileUpdate> UpdateCrlFile(std::string_view fetched,
                                    const std::vector<Certificate>& anchors,
                                    const std::string& path, TimePoint now);

// RefreshCrlFile fetches GET /v1/crl from `url`, trusting only `anchors` for
// the connection, then UpdateCrlFile. Errors name the URL or the file.
Result<CrlFileUpdate> RefreshCrlFile(const ServerUrl& url, const std::vector<Certificate>& anchors,
                                     const std::string& path, TimePoint now);

// The CA certificates in a PEM file (an identity's ca.crt, a CA bundle):
// kInvalidArgument naming `flag` when it holds none.
Result<std::vector<Certificate>> LoadCrlAnchors(const std::string& path, std::string_view flag);

// `certmint crl --server URL --ca-file FILE --out OUT`, as a cron job runs
// it: kInvalidArgument without `ca_file`; else RefreshCrlFile from the
// service at `server` with the CAs in `ca_file` (LoadCrlAnchors), reported
// as CrlFileReport (the service chose its nextUpdate: no next_update_days).
Result<CrlFileReport> FetchCrlFile(const std::string& server, const std::string& ca_file,
                                   const std::string& out, TimePoint now);

// CheckCrlFetchFlags: kInvalidArgument when `crl --server` is also given
// what only signing a CRL uses (--der, --dry-run, --ca-password-file, or
// --days other than kDefaultCrlDays).
Status CheckCrlFetchFlags(bool der, bool dry_run, bool ca_password_file, int days);

}  // namespace certmint
