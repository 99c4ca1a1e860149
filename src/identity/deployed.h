// The certificates deployed under an identity directory (ca retire's check
// that every node moved to the new CA).
#pragma once

#include <string>
#include <vector>

#include "ca/rotation.h"

namespace certmint {

// The certificate of every identity under `out_dir` that has a readable one.
std::vector<DeployedCertificate> DeployedCertificates(const std::string& out_dir);

}  // namespace certmint
