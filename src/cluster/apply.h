// Carrying out a plan: every identity to create or renew is issued and
// written, in parallel, each one whole or not at all.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ca/issuer.h"
#include "cluster/plan.h"
#include "core/error.h"
#include "core/secret.h"
#include "identity/files.h"
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
  // The CAs every truststore carries (TrustAnchors); empty: the issuing root.
  std::vector<Certificate> trust;
  // The CA's published CRL (PublishedCrlPem), written beside each identity
  // issued, renewed or re-trusted; empty: none.
  std::string crl_pem;
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

// What the manifest asks of an identity, as an issue request at `now`...
IdentityRequest RequestFor(const IdentitySpec& spec, TimePoint now);
// ...and as the way its files are written (truststores carrying `trust`;
// the password file kept when `password_file`).
IdentityOutput OutputFor(const IdentitySpec& spec, const std::vector<Certificate>& trust,
                         TimePoint now, bool password_file);

// Issues every create/renew item of `plan` through `issuer` (which records
// each in its inventory). Failures are collected, not fatal to the others.
ApplySummary ApplyPlan(const Issuer& issuer, const std::vector<PlanItem>& plan,
                       const ApplyOptions& options);

}  // namespace certmint
