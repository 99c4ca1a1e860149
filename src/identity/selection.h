// Which identity directories under OUT a command acts on: those named (which
// must exist), or those whose certificate expires soon.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"

namespace certmint {

// IdentitiesExpiringWithin lists the identities under `out_dir`
// (ListIdentities, sorted by name) whose certificate ends less than `days`
// days after `now`. Directories that cannot be read are left out.
std::vector<std::string> IdentitiesExpiringWithin(const std::string& out_dir, int days,
                                                  TimePoint now);

// CheckIdentitiesExist checks each name (ValidateIdentityName) and that
// OUT/NAME exists: kNotFound "OUT/NAME does not exist" for the first missing.
Status CheckIdentitiesExist(const std::string& out_dir, const std::vector<std::string>& names);

// SelectIdentities: with `expiring_days`, IdentitiesExpiringWithin (possibly
// none); else `names`. Either way checked with CheckIdentitiesExist.
Result<std::vector<std::string>> SelectIdentities(const std::string& out_dir,
                                                  const std::vector<std::string>& names,
                                                  std::optional<int> expiring_days, TimePoint now);

}  // namespace certmint
