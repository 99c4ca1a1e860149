#include "x509/general_names.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_set>

#include "core/encoding.h"

namespace certmint {

bool IsValidHostName(std::string_view name, bool allow_wildcard) {
  if (allow_wildcard && name.size() > 2 && name.substr(0, 2) == "*.") {
    name.remove_prefix(2);
  }
  if (name.empty() || name.size() > 253) {
    return false;
  }
  if (name.back() == '.') {  // a fully-qualified trailing dot is not used in certificates
    return false;
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string_view::npos) {
      end = name.size();
    }
    std::string_view label = name.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

Result<std::string> ParseDnsName(std::string_view name) {
  if (!IsValidHostName(name, /*allow_wildcard=*/true)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("'{}' is not a valid host name (letters, digits, '-' and '.'; "
                                 "labels of 1-63 characters; '*.' only as the first label)",
                                 name));
  }
  return AsciiLower(name);
}

Result<std::string> ParseIpAddress(std::string_view text) {
  std::string t(text);
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, t.c_str(), buf) == 1) {
    inet_ntop(AF_INET, buf, out, sizeof(out));
    return std::string(out);
  }
  if (inet_pton(AF_INET6, t.c_str(), buf) == 1) {
    inet_ntop(AF_INET6, buf, out, sizeof(out));
    return std::string(out);
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("'{}' is not an IPv4 or IPv6 address", text));
}

std::string SubjectAltNames::ToString() const {
  std::string out;
  for (const auto& d : dns) {
    out += (out.empty() ? "DNS:" : ", DNS:") + PrintableBytes(d);
  }
  for (const auto& i : ips) {
    out += (out.empty() ? "IP:" : ", IP:") + i;
  }
  return out;
}

void SubjectAltNames::AddDns(const std::string& name) {
  if (std::find(dns.begin(), dns.end(), name) == dns.end()) {
    dns.push_back(name);
  }
}

void SubjectAltNames::AddIp(const std::string& ip) {
  if (std::find(ips.begin(), ips.end(), ip) == ips.end()) {
    ips.push_back(ip);
  }
}

namespace {

// `names` without repeats, the first of each kept in place.
std::vector<std::string> FirstOfEach(const std::vector<std::string>& names) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(names.size());
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& n : names) {
    // The views point into `names`, which is not changed meanwhile.
    if (seen.insert(n).second) {
      out.push_back(n);
    }
  }
  return out;
}

}  // namespace

void SubjectAltNames::RemoveDuplicates() {
  dns = FirstOfEach(dns);
  ips = FirstOfEach(ips);
}

}  // namespace certmint
