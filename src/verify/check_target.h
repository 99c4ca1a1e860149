// What `certmint verify` checks: an identity directory, or one keystore with
// its truststore.
#pragma once

#include <string>

#include "core/error.h"
#include "verify/identity_check.h"

namespace certmint {

// CheckTargetFor: with `dir`, every keystore and truststore pair certmint
// wrote there (kNotFound when there is none), named after the directory;
// else `keystore` with `truststore`, named after the keystore's file.
// kInvalidArgument unless exactly one of the two forms is given.
Result<IdentityCheckTarget> CheckTargetFor(const std::string& dir, const std::string& keystore,
                                           const std::string& truststore);

}  // namespace certmint
