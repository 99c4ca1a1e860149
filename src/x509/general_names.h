// Host names and IP addresses for subjectAltName (RFC 5280 §4.2.1.6).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"

namespace certmint {

// A DNS name as RFC 1123 allows it: labels of letters, digits and hyphens,
// 1-63 characters, not starting or ending with a hyphen, at most 253
// characters in all. With `allow_wildcard`, "*." may lead (one label only, as
// JSSE and OpenSSL match it).
bool IsValidHostName(std::string_view name, bool allow_wildcard);

// Validates a --dns value; kInvalidArgument says why it is not a host name.
Result<std::string> ParseDnsName(std::string_view name);

// Parses an IPv4 or IPv6 address; returns its canonical text form.
Result<std::string> ParseIpAddress(std::string_view text);

// The names a certificate is for.
struct SubjectAltNames {
  std::vector<std::string> dns;  // validated, lower-cased
  std::vector<std::string> ips;  // canonical text

  bool empty() const { return dns.empty() && ips.empty(); }
  // Adds without duplicates (comparing with every name so far: for a few).
  void AddDns(const std::string& name);
  void AddIp(const std::string& ip);
  // Drops repeated names, keeping the first of each, in linear time: for
  // long lists (a manifest's, a certificate's) built with push_back.
  void RemoveDuplicates();
  // "DNS:a, DNS:b, IP:10.0.0.1" (printable), empty when there are none.
  std::string ToString() const;
  friend bool operator==(const SubjectAltNames&, const SubjectAltNames&) = default;
};

}  // namespace certmint
