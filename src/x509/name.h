// Distinguished names (RFC 5280 §4.1.2.4) and their text forms.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ossl.h"

namespace certmint {

class DistinguishedName {
 public:
  // Parses a DN in either common text form:
  //  - RFC 4514, as keytool's -dname takes it: "CN=broker-1, OU=Kafka, O=Acme".
  //    The last RDN is the most significant (it is encoded first).
  //    Backslash escapes ("\,", "\+", "\\", "\2C") are honoured.
  //  - OpenSSL's -subj form, as the seed uses: "/O=Acme/CN=broker-1", encoded
  //    in the order written.
  // Attribute types are short names (CN, O, OU, C, ST, L, DC, ...), long names
  // or dotted OIDs. Multi-valued RDNs ("+") are refused. kInvalidArgument
  // names the offending attribute.
  static Result<DistinguishedName> Parse(std::string_view text);
  // A DN with a single CN.
  static Result<DistinguishedName> CommonName(std::string_view cn);
  static DistinguishedName FromNative(const X509_NAME* name);

  // The empty name.
  DistinguishedName() : name_(X509_NAME_new()) {}
  DistinguishedName(const DistinguishedName& other);
  DistinguishedName& operator=(const DistinguishedName& other);
  DistinguishedName(DistinguishedName&&) noexcept = default;
  DistinguishedName& operator=(DistinguishedName&&) noexcept = default;

  // RFC 2253 order, as keytool prints it: "CN=broker-1,OU=Kafka,O=Acme".
  std::string ToString() const;
  // The first CN, or empty.
  std::string CommonNameValue() const;
  bool empty() const;

  const X509_NAME* native() const { return name_.get(); }

 private:
  explicit DistinguishedName(ossl::X509NamePtr name) : name_(std::move(name)) {}
  ossl::X509NamePtr name_;
};

std::string NameToString(const X509_NAME* name);

}  // namespace certmint
