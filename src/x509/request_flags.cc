#include "x509/request_flags.h"

#include "x509/issue.h"
#include "x509/san_lists.h"

namespace certmint {

Result<ParsedRequest> ParseRequestFlags(const RequestFlags& flags) {
  ParsedRequest out;
  CM_ASSIGN_OR_RETURN(out.sans, ParseSanLists(flags.dns, flags.ips));
  CM_ASSIGN_OR_RETURN(out.role, WithContext(ParseRole(flags.role), "--role"));
  CM_ASSIGN_OR_RETURN(out.key_spec, WithContext(ParseKeySpec(flags.key_type), "--key-type"));
  if (!flags.subject.empty()) {
    CM_ASSIGN_OR_RETURN(out.subject,
                        WithContext(DistinguishedName::Parse(flags.subject), "--subject"));
  }
  CM_ASSIGN_OR_RETURN(out.days, ParseValidity(flags.days.text, "--days"));
  return out;
}

}  // namespace certmint
