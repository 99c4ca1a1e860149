// Subject alternative names given as lists of text, as the --dns and --ip
// flags of several commands give them.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "x509/general_names.h"

namespace certmint {

// ParseSanLists: each of `dns` parsed by ParseDnsName and each of `ips` by
// ParseIpAddress, in order. The first invalid one fails the whole, its error
// in the context "--dns" or "--ip" (the flags that carry them).
Result<SubjectAltNames> ParseSanLists(const std::vector<std::string>& dns,
                                      const std::vector<std::string>& ips);

}  // namespace certmint
