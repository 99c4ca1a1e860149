// What a certificate is asked for, as the command line gives it (text), and
// its one check: issue, csr, sign, token create and enroll say the same thing
// about the same flag.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "keys/key_spec.h"
#include "x509/general_names.h"
#include "x509/name.h"
#include "x509/role.h"
#include "x509/validity.h"

namespace certmint {

struct RequestFlags {
  std::vector<std::string> dns;      // --dns
  std::vector<std::string> ips;      // --ip
  std::string role = "both";         // --role
  std::string key_type = "ec:p256";  // --key-type
  std::string subject;               // --subject; empty: the command's default
  ValidityFlag days = 365;           // --days: 365, 90d or 24h (ParseValidity)
};

struct ParsedRequest {
  SubjectAltNames sans;
  Role role = Role::kBoth;
  KeySpec key_spec;
  std::optional<DistinguishedName> subject;
  Validity days = 365;
};

// ParseRequestFlags checks every field; an error names its flag ("--role:
// ..."), and days is read by ParseValidity.
Result<ParsedRequest> ParseRequestFlags(const RequestFlags& flags);

}  // namespace certmint
