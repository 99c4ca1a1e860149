// The CA's records of what it issued (DIR/inventory.db, inventory/
// inventory.h) as the lifecycle commands use them: opened only for a
// directory that holds a CA, revoking by name or serial, and publishing the
// CRL of what was revoked.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "ca/authority.h"
#include "ca/crl.h"
#include "core/encoding.h"
#include "core/error.h"
#include "inventory/inventory.h"

namespace certmint {

// OpenCaInventory opens the inventory of the CA in `pki_dir`; the error of
// CertificateAuthority::LoadCertificate when `pki_dir` holds no CA (so that
// a mistyped directory does not get a new, empty inventory).
Result<std::unique_ptr<Inventory>> OpenCaInventory(const std::string& pki_dir);

// FindRevocationTarget finds what `revoke NAME_OR_SERIAL` means, without
// revoking it: a certificate by serial (NormalizeSerialHex), else the name's
// current certificate (the valid one, else the newest not superseded), as
// Inventory::Revoke reads it. kNotFound when there is none.
Result<InventoryRecord> FindRevocationTarget(Inventory& inventory,
                                             const std::string& name_or_serial, TimePoint now);

// The facts an operator checks before revoking `record`: name, serial, issue
// date and age, SANs, expiry and status, one line each.
std::string RenderRevocationTargetText(const InventoryRecord& record, TimePoint now);

// How recently issued a certificate must be for `revoke` to warn that it may
// be the replacement of the one meant (a renewal in between).
inline constexpr std::chrono::hours kFreshCertificateAge{1};

// OpenCaInventoryReadOnly is OpenCaInventory for commands that only read
// (`list`, `token list`): OpenInventoryReadOnly, so it works on a CA
// directory it may not write, and changes nothing there.
Result<std::unique_ptr<Inventory>> OpenCaInventoryReadOnly(const std::string& pki_dir);

struct PublishedCrl {
  EncodedCrl crl;
  long long number = 0;  // its cRLNumber
  size_t revoked = 0;    // how many entries it lists
};

// PublishCrl makes the next CRL of `ca`, whose inventory is in `pki_dir`:
// every certificate `ca` signed that was revoked, the next CRL number (RFC
// 5280 §5.2.3: increasing, so each call takes a new one), thisUpdate `now`
// and nextUpdate `days` later.
Result<PublishedCrl> PublishCrl(const CertificateAuthority& ca, const std::string& pki_dir,
                                int days, TimePoint now);

}  // namespace certmint
