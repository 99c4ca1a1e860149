// CAs for unit tests, made quickly.
#pragma once

#include <string_view>

#include "ca/authority.h"

namespace certmint::testing {

// A CA named CN=`cn` whose key is encrypted with 1,000 KDF iterations (the
// real count is covered by the CLI tests); set `now` and the rest as needed.
CaInitOptions FastCaOptions(std::string_view cn);

}  // namespace certmint::testing
