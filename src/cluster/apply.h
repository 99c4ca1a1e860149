// Carrying out a plan: every identity to create or renew is issued and
// written, in parallel, each one whole or not at all.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ca/authority.h"
#include "cluster/plan.h"
#include "core/error.h"
#include "core/secret.h"
#include "identity/identity.h"
#include "inventory/inventory.h"

namespace certmint {

struct ApplyOptions {
  std::string out_dir;
  int jobs = 1;
  TimePoint now = std::chrono::system_clock::now();
  // One password for every store; null: keep each identity's generated
  // password, or generate one.
  const SecretString* store_password = nullptr;
  // Where each issuance is recorded; null: not recorded.
  Inventory* inventory = nullptr;
  // The CAs every truststore carries (TrustAnchors); empty: the issuing root.
  std::vector<Certificate> trust;
  // Called after each identity, from worker threads but never concurrently.
  std::function<void(const PlanItem&, const Status&)> on_done;
};

struct ApplySummary {
  int created = 0;
  int renewed = 0;
  int kept = 0;
  int trust_updated = 0;
  std::vector<std::pair<std::string, Error>> failures;
};

// `apply --prune`: revokes an unlisted identity's certificate in `inventory`
// (cessationOfOperation; skipped when the inventory does not know it or
// `inventory` is null), then removes its directory in one step. Revoked
// first, so that an interrupted prune never leaves a valid certificate
// nobody tracks; the next prune finishes it.
Status PruneIdentity(const UnlistedIdentity& identity, const std::string& out_dir,
                     Inventory* inventory, TimePoint now);

struct RenewOptions {
  bool keep_key = false;
  std::optional<int> days;  // default: the old certificate's validity period
  const SecretString* store_password = nullptr;  // default: the identity's password file
  Inventory* inventory = nullptr;
  std::vector<Certificate> trust;  // as ApplyOptions::trust
  TimePoint now = std::chrono::system_clock::now();
};

// Re-issues OUT/NAME for the same names, role, key type and formats: a new
// key (or the same with keep_key), a new certificate, every file rewritten
// and swapped in atomically; the old certificate becomes superseded in the
// inventory. kNotFound when OUT/NAME does not exist.
Status RenewIdentity(const CertificateAuthority& ca, const std::string& out_dir,
                     const std::string& name, const RenewOptions& options);

// What an identity directory holds now, for a signer that needs it.
struct CurrentIdentity {
  PrivateKey key;
  Certificate certificate;
  std::vector<Certificate> trust;  // the keystore's trusted entries
};

// Who signs a renewal. Given the request (same names, role, key type and
// validity as the current certificate; `key` set when kept) and, when
// `needs_current` (or keep_key) asked for it, the current key and
// certificate, returns the new identity and the trust anchors its
// truststores should carry (empty: RenewOptions::trust).
struct RenewalSigner {
  bool needs_current = false;
  std::function<Result<std::pair<Identity, std::vector<Certificate>>>(
      const IdentityRequest& request, const CurrentIdentity* current)>
      sign;
  // Called once the new files are in place.
  std::function<Status(const Identity&)> committed;
};

// RenewIdentity's steps with any signer: the CA service's client renews
// through this too. The current key is read from the identity's keystore
// only when keep_key or the signer needs it.
Status RenewIdentityWith(const std::string& out_dir, const std::string& name,
                         const RenewOptions& options, const RenewalSigner& signer);

// Issues every create/renew item of `plan`. Failures are collected, not
// fatal to the others.
ApplySummary ApplyPlan(const CertificateAuthority& ca, const std::vector<PlanItem>& plan,
                       const ApplyOptions& options);

}  // namespace certmint
