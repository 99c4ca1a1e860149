// How a store is written back, as the --type, --p12-profile and
// --pem-profile flags of `certmint keystore` and `certmint convert` give it.
#pragma once

#include <string>

#include "core/error.h"
#include "stores/store_edit.h"

namespace certmint {

struct StoreEditFlags {
  std::string type;         // jks, p12 or pem; empty: from the file name
  std::string p12_profile;  // modern or legacy; empty: as the store is
  std::string pem_profile;  // modern or java; empty: as the store is
};

// ParseStoreEditFlags: StoreEditOptions with `create` and each non-empty
// flag parsed (type only with `create`); the first invalid one fails, in
// the context "--p12-profile", "--pem-profile" or "--type".
Result<StoreEditOptions> ParseStoreEditFlags(const StoreEditFlags& flags, bool create);

}  // namespace certmint
