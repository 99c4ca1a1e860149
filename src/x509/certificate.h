// An X.509 certificate and what certmint reads out of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "core/ossl.h"
#include "keys/private_key.h"
#include "x509/general_names.h"
#include "x509/name.h"
#include "x509/validity.h"

namespace certmint {

class Certificate {
 public:
  // One certificate from PEM (the first CERTIFICATE block) or DER.
  static Result<Certificate> FromPem(std::string_view pem);
  static Result<Certificate> FromDer(std::string_view der);
  // Every CERTIFICATE block of a PEM file, in order. kInvalidData if none.
  static Result<std::vector<Certificate>> ChainFromPem(std::string_view pem);
  // Takes ownership.
  static Certificate Adopt(ossl::X509Ptr x509) { return Certificate(std::move(x509)); }

  // Copies share the certificate (X509_up_ref); certificates are immutable.
  Certificate(const Certificate& other);
  Certificate& operator=(const Certificate& other);
  Certificate(Certificate&&) noexcept = default;
  Certificate& operator=(Certificate&&) noexcept = default;

  std::string ToPem() const;
  std::string ToDer() const;

  DistinguishedName Subject() const;
  DistinguishedName Issuer() const;
  TimePoint NotBefore() const;
  TimePoint NotAfter() const;
  // Serial number as upper-case hex with colons.
  std::string SerialHex() const;
  SubjectAltNames Sans() const;
  // SHA-256 / SHA-1 of the DER, upper-case hex with colons.
  std::string Sha256Fingerprint() const;
  std::string Sha1Fingerprint() const;
  bool IsCa() const;
  // Whether `key` is the private key for this certificate's public key.
  bool MatchesKey(const PrivateKey& key) const;

  X509* native() const { return x509_.get(); }

 private:
  explicit Certificate(ossl::X509Ptr x509) : x509_(std::move(x509)) {}
  ossl::X509Ptr x509_;
};

// Everything `inspect` shows of a certificate.
struct CertificateInfo {
  int version = 0;
  std::string subject;
  std::string issuer;
  std::string serial;
  std::string not_before;
  std::string not_after;
  long long days_left = 0;  // negative once expired
  std::string time_left;    // TimeLeftText: "16 hours left", "expired 2 days ago"
  bool self_signed = false;
  KeyDescription key;
  std::string public_key_sha256;
  std::string signature_algorithm;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::vector<std::string> other_names;  // email, URI, ... as "type:value"
  std::optional<bool> key_usage_critical;
  std::vector<std::string> key_usage;
  std::vector<std::string> extended_key_usage;
  std::optional<bool> basic_constraints_critical;
  bool is_ca = false;
  std::optional<long> path_length;
  std::string subject_key_id;
  std::string authority_key_id;
  std::string sha256;
  std::string sha1;
};

CertificateInfo DescribeCertificate(const Certificate& cert, TimePoint now);

// Converts an ASN1_TIME to a time point.
TimePoint Asn1TimeToTimePoint(const ASN1_TIME* t);

// Whether `cert` was signed by `ca` (issuer name and signature).
bool IssuedBy(const Certificate& cert, const Certificate& ca);

// A certificate's validity in whole days (at least 1).
int ValidityDays(const Certificate& cert);

// A certificate's validity (notAfter - notBefore) to the nearest hour, so
// that the 5-minute backdate of notBefore drops out, and at least
// kMinValidity: what a renewal that keeps the lifetime asks for (a 24h
// certificate is renewed for 24h, not for a whole day rounded).
Validity CertificateValidity(const Certificate& cert);

// How long until `not_after`, for people: "12 days left" from two days on,
// "16 hours left" or "25 minutes left" below, "expired 3 hours ago" after.
// A 24h certificate never reads "0 days left".
std::string TimeLeftText(TimePoint not_after, TimePoint now);

// A serial number as a person types it (hex, colons and leading zero bytes
// optional, any case) in the form SerialHex gives: "01:AB". kInvalidArgument
// unless it is 1 to 20 bytes of hex (RFC 5280 §4.1.2.2).
Result<std::string> NormalizeSerialHex(std::string_view text);

}  // namespace certmint
