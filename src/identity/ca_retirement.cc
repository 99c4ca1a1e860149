#include "identity/ca_retirement.h"

#include "ca/authority.h"
#include "ca/rotation.h"
#include "ca/rotation_text.h"
#include "identity/deployed.h"

namespace certmint {

Result<std::string> RetireCaChecked(const CaRetireRequest& r) {
  RetirementChecks checks;
  checks.inventory = !r.force;
  if (!r.out.empty() && !r.force) {
    checks.deployed = DeployedCertificates(r.out);
  }
  CM_RETURN_IF_ERROR(CheckRetirement(r.dir, checks, r.now));
  CM_ASSIGN_OR_RETURN(auto kept_in, RetireCa(r.dir, r.now));
  return RenderRetiredText(kept_in);
}

}  // namespace certmint
