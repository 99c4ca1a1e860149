// Certificate revocation lists (RFC 5280 §5).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ca/authority.h"
#include "core/encoding.h"
#include "core/error.h"
#include "core/ossl.h"
#include "inventory/inventory.h"
#include "x509/crl.h"
#include "x509/issue.h"

namespace certmint {

struct CrlOptions {
  long long number = 1;  // cRLNumber, increasing (§5.2.3)
  int days = 7;          // nextUpdate = thisUpdate + days
  TimePoint now = std::chrono::system_clock::now();
};

// One signed CRL in both encodings (the same bytes under the PEM armour).
struct EncodedCrl {
  std::string der;
  std::string pem;
};

// A v2 CRL signed by the CA: issuer, thisUpdate/nextUpdate, one entry per
// revoked certificate (serial, revocation date, reasonCode unless
// unspecified), authorityKeyIdentifier and cRLNumber.
// Where the CA's directory keeps its published CRL, when the operator
// publishes one there (`certmint crl --dir DIR --out DIR/crl.pem`).
std::string PublishedCrlPath(const std::string& ca_dir);

// The CA's published CRL (PEM) when PublishedCrlPath holds one signed by one
// of `anchors` and current at `now`: what issue and apply put beside each
// identity (crl.pem, librdkafka's ssl.crl.location). Empty when there is
// none, or it is stale or not the CA's: an identity then gets no CRL,
// rather than one that would stop librdkafka from connecting.
std::string PublishedCrlPem(const std::string& ca_dir, const std::vector<Certificate>& anchors,
                            TimePoint now);

Result<EncodedCrl> MakeCrl(const CertificateAuthority& ca,
                           const std::vector<InventoryRecord>& revoked, const CrlOptions& options);

}  // namespace certmint
