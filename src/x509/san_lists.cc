#include "x509/san_lists.h"

namespace certmint {

Result<SubjectAltNames> ParseSanLists(const std::vector<std::string>& dns,
                                      const std::vector<std::string>& ips) {
  SubjectAltNames out;
  for (const auto& d : dns) {
    CM_ASSIGN_OR_RETURN(auto v, WithContext(ParseDnsName(d), "--dns"));
    out.AddDns(v);
  }
  for (const auto& i : ips) {
    CM_ASSIGN_OR_RETURN(auto v, WithContext(ParseIpAddress(i), "--ip"));
    out.AddIp(v);
  }
  return out;
}

}  // namespace certmint
