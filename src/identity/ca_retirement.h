// `certmint ca retire`: end a CA rotation once every node moved to the new
// CA (ca/rotation.h's checks, with the identities deployed under OUT).
#pragma once

#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace certmint {

struct CaRetireRequest {
  std::string dir;
  std::string out;     // identity directories to check (OUT/NAME/); empty: none
  bool force = false;  // skip the checks (inventory and OUT)
  TimePoint now;
};

// RetireCaChecked refuses (CheckRetirement) while the inventory or an
// identity under `out` still uses the previous CA, unless `force`; then
// retires it (RetireCa) and returns RenderRetiredText.
Result<std::string> RetireCaChecked(const CaRetireRequest& request);

}  // namespace certmint
