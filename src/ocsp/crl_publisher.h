// The CRL `certmint serve` publishes at its distribution point (the CA's
// URL + kCrlPath): signed again within a second or so of any revocation of
// the CA's certificates, whoever made it (this process, or `certmint revoke`
// in another writing the same inventory), and long before nextUpdate.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "ca/authority.h"
#include "ca/crl.h"
#include "core/encoding.h"
#include "core/error.h"
#include "inventory/inventory.h"

namespace certmint {

// nextUpdate - thisUpdate of a published CRL (RFC 5280 §5.1.2.5)...
inline constexpr int kPublishedCrlDays = 1;
// ...and how old it may get before it is signed again anyway: a client
// never holds one past its nextUpdate while the service runs.
inline constexpr std::chrono::hours kCrlResignInterval{1};

class CrlPublisher {
 public:
  // `inventory` must outlive the publisher.
  explicit CrlPublisher(Inventory* inventory) : inventory_(inventory) {}

  // Signs a new CRL for `ca` when there is none yet, when it was another
  // CA's, when the CA's revocations changed (a cheap count, so that the
  // service may call this every second) or when it is kCrlResignInterval
  // old. Returns whether it signed one. On error the current CRL stays.
  Result<bool> Refresh(const CertificateAuthority& ca, TimePoint now);

  // The current CRL; null until Refresh signed one. From any thread.
  std::shared_ptr<const EncodedCrl> Current() const;

 private:
  struct Published {
    EncodedCrl crl;
    std::string ca_sha256;
    long long revoked = 0;
    TimePoint signed_at;
  };
  Inventory* inventory_;
  std::mutex refresh_mu_;  // one Refresh at a time
  mutable std::mutex mu_;
  std::shared_ptr<const Published> current_;
};

}  // namespace certmint
