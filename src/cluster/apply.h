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

namespace certmint {

struct ApplyOptions {
  std::string out_dir;
  int jobs = 1;
  TimePoint now = std::chrono::system_clock::now();
  // One password for every store; null: keep each identity's generated
  // password, or generate one.
  const SecretString* store_password = nullptr;
  // Called after each identity, from worker threads but never concurrently.
  std::function<void(const PlanItem&, const Status&)> on_done;
};

struct ApplySummary {
  int created = 0;
  int renewed = 0;
  int kept = 0;
  std::vector<std::pair<std::string, Error>> failures;
};

// Issues every create/renew item of `plan`. Failures are collected, not
// fatal to the others.
ApplySummary ApplyPlan(const CertificateAuthority& ca, const std::vector<PlanItem>& plan,
                       const ApplyOptions& options);

}  // namespace certmint
