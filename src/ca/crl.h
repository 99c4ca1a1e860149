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
Result<EncodedCrl> MakeCrl(const CertificateAuthority& ca,
                           const std::vector<InventoryRecord>& revoked, const CrlOptions& options);

}  // namespace certmint
