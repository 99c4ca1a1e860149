#include "x509/issue.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>

#include <algorithm>

#include "core/random.h"

namespace certmint {
namespace {

Status SetTime(ASN1_TIME* field, TimePoint t) {
  // X509_time_adj_ex picks UTCTime before 2050 and GeneralizedTime after, as
  // RFC 5280 §4.1.2.5 requires.
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  if (X509_time_adj_ex(field, 0, 0, &tt) == nullptr) {
    return OpenSslError(ErrorCode::kInternal, "setting a validity time failed");
  }
  return {};
}

Status SetSerial(X509* x, const std::vector<uint8_t>& explicit_serial) {
  std::vector<uint8_t> bytes = explicit_serial;
  if (bytes.empty()) {
    CM_ASSIGN_OR_RETURN(bytes, RandomBytes(kSerialBytes));
    bytes[0] &= 0x7f;  // positive
    bytes[0] |= 0x40;  // and exactly kSerialBytes long, never zero
  }
  ossl::BignumPtr bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn || BN_is_zero(bn.get())) {
    return MakeError(ErrorCode::kInvalidArgument, "the serial number must be positive");
  }
  ossl::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(x, serial.get()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "setting the serial number failed");
  }
  return {};
}

// Adds an extension from OpenSSL's configuration syntax. Only fixed strings
// of certmint's own go through here, never user input.
Status AddConfExtension(X509* x, X509V3_CTX* ctx, int nid, const char* value) {
  ossl::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(x, ext.get(), -1) != 1) {
    return OpenSslError(ErrorCode::kInternal,
                        fmt::format("adding extension {}={} failed", OBJ_nid2sn(nid), value));
  }
  return {};
}

Status AddSubjectAltNames(X509* x, const SubjectAltNames& sans, bool critical) {
  ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) {
    return OpenSslError(ErrorCode::kInternal, "allocating subjectAltName failed");
  }
  auto push = [&](int type, ASN1_STRING* value) -> Status {
    ossl::GeneralNamePtr gn(GENERAL_NAME_new());
    if (!gn) {
      ASN1_STRING_free(value);
      return OpenSslError(ErrorCode::kInternal, "allocating a general name failed");
    }
    GENERAL_NAME_set0_value(gn.get(), type, value);
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) == 0) {
      return OpenSslError(ErrorCode::kInternal, "adding a general name failed");
    }
    gn.release();
    return {};
  };
  for (const auto& dns : sans.dns) {
    ossl::Asn1IA5StringPtr s(ASN1_IA5STRING_new());
    if (!s || ASN1_STRING_set(s.get(), dns.data(), static_cast<int>(dns.size())) != 1) {
      return OpenSslError(ErrorCode::kInternal, "encoding a DNS name failed");
    }
    CM_RETURN_IF_ERROR(push(GEN_DNS, s.release()));
  }
  for (const auto& ip : sans.ips) {
    unsigned char buf[16];
    int len = 0;
    if (inet_pton(AF_INET, ip.c_str(), buf) == 1) {
      len = 4;
    } else if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
      len = 16;
    } else {
      return MakeError(ErrorCode::kInvalidArgument, fmt::format("'{}' is not an IP address", ip));
    }
    ossl::Asn1OctetStringPtr s(ASN1_OCTET_STRING_new());
    if (!s || ASN1_OCTET_STRING_set(s.get(), buf, len) != 1) {
      return OpenSslError(ErrorCode::kInternal, "encoding an IP address failed");
    }
    CM_RETURN_IF_ERROR(push(GEN_IPADD, s.release()));
  }
  if (X509_add1_ext_i2d(x, NID_subject_alt_name, names.get(), critical ? 1 : 0,
                        X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding subjectAltName failed");
  }
  return {};
}

// A GeneralName uniformResourceIdentifier; `uri` was checked by its owner
// (ca/ca_settings.h).
Result<ossl::GeneralNamePtr> UriName(const std::string& uri) {
  ossl::GeneralNamePtr gn(GENERAL_NAME_new());
  ossl::Asn1IA5StringPtr s(ASN1_IA5STRING_new());
  if (!gn || !s || ASN1_STRING_set(s.get(), uri.data(), static_cast<int>(uri.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "encoding a URI failed");
  }
  GENERAL_NAME_set0_value(gn.get(), GEN_URI, s.release());
  return gn;
}

// RFC 5280 §4.2.2.1: authorityInfoAccess with one id-ad-ocsp URI.
Status AddOcspLocation(X509* x, const std::string& url) {
  ossl::AuthorityInfoAccessPtr aia(AUTHORITY_INFO_ACCESS_new());
  ossl::AccessDescriptionPtr ad(ACCESS_DESCRIPTION_new());
  CM_ASSIGN_OR_RETURN(auto name, UriName(url));
  if (!aia || !ad) {
    return OpenSslError(ErrorCode::kInternal, "allocating authorityInfoAccess failed");
  }
  ASN1_OBJECT_free(ad->method);
  ad->method = OBJ_nid2obj(NID_ad_OCSP);
  GENERAL_NAME_free(ad->location);
  ad->location = name.release();
  if (sk_ACCESS_DESCRIPTION_push(aia.get(), ad.get()) == 0) {
    return OpenSslError(ErrorCode::kInternal, "building authorityInfoAccess failed");
  }
  ad.release();
  if (X509_add1_ext_i2d(x, NID_info_access, aia.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding authorityInfoAccess failed");
  }
  return {};
}

// RFC 5280 §4.2.1.13: one DistributionPoint whose fullName is the URI, no
// reasons and no cRLIssuer (the CA signs its own CRL).
Status AddCrlLocation(X509* x, const std::string& url) {
  ossl::CrlDistPointsPtr points(sk_DIST_POINT_new_null());
  ossl::DistPointPtr point(DIST_POINT_new());
  ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
  CM_ASSIGN_OR_RETURN(auto name, UriName(url));
  if (!points || !point || !names || sk_GENERAL_NAME_push(names.get(), name.get()) == 0) {
    return OpenSslError(ErrorCode::kInternal, "allocating cRLDistributionPoints failed");
  }
  name.release();
  point->distpoint = DIST_POINT_NAME_new();
  if (point->distpoint == nullptr) {
    return OpenSslError(ErrorCode::kInternal, "allocating cRLDistributionPoints failed");
  }
  point->distpoint->type = 0;  // fullName
  point->distpoint->name.fullname = names.release();
  if (sk_DIST_POINT_push(points.get(), point.get()) == 0) {
    return OpenSslError(ErrorCode::kInternal, "building cRLDistributionPoints failed");
  }
  point.release();
  if (X509_add1_ext_i2d(x, NID_crl_distribution_points, points.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding cRLDistributionPoints failed");
  }
  return {};
}

Status AddStatusLocations(X509* x, const StatusLocations& status) {
  if (!status.ocsp_url.empty()) {
    CM_RETURN_IF_ERROR(AddOcspLocation(x, status.ocsp_url));
  }
  if (!status.crl_url.empty()) {
    CM_RETURN_IF_ERROR(AddCrlLocation(x, status.crl_url));
  }
  return {};
}

}  // namespace

namespace {

// A v3 certificate with names, key, validity and serial set.
Result<ossl::X509Ptr> NewCertificate(const DistinguishedName& subject, const X509_NAME* issuer,
                                     const EVP_PKEY* public_key, TimePoint not_before,
                                     TimePoint not_after, const std::vector<uint8_t>& serial) {
  ossl::X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1 ||
      X509_set_subject_name(x.get(), subject.native()) != 1 ||
      X509_set_issuer_name(x.get(), issuer) != 1 ||
      X509_set_pubkey(x.get(), const_cast<EVP_PKEY*>(public_key)) != 1) {
    return OpenSslError(ErrorCode::kInternal, "building the certificate failed");
  }
  CM_RETURN_IF_ERROR(SetTime(X509_getm_notBefore(x.get()), not_before));
  CM_RETURN_IF_ERROR(SetTime(X509_getm_notAfter(x.get()), not_after));
  CM_RETURN_IF_ERROR(SetSerial(x.get(), serial));
  return x;
}

}  // namespace

namespace {

// A CA certificate for `subject_key`, signed by `issuer` (itself when null).
Result<Certificate> MakeCa(const Certificate* issuer, const Signer& signer,
                           const EVP_PKEY* subject_key, const CaProfile& profile) {
  CM_RETURN_IF_ERROR(CheckValidity(profile.days));
  if (profile.subject.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the CA subject is empty");
  }
  TimePoint not_before = profile.now - kBackdate;
  TimePoint not_after = profile.now + profile.days.hours();
  if (issuer != nullptr) {
    if (issuer->NotAfter() <= profile.now) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("the issuing CA expired on {}", FormatUtc(issuer->NotAfter())));
    }
    not_before = std::max(not_before, issuer->NotBefore());
    not_after = std::min(not_after, issuer->NotAfter());
  }
  const X509_NAME* issuer_name =
      issuer != nullptr ? X509_get_subject_name(issuer->native()) : profile.subject.native();
  CM_ASSIGN_OR_RETURN(
      auto x, NewCertificate(profile.subject, issuer_name, subject_key, not_before, not_after, {}));
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer->native() : x.get(), x.get(), nullptr, nullptr,
                 0);
  std::string bc = "critical,CA:TRUE";
  if (profile.path_length) {
    bc += fmt::format(",pathlen:{}", *profile.path_length);
  }
  CM_RETURN_IF_ERROR(AddConfExtension(x.get(), &ctx, NID_basic_constraints, bc.c_str()));
  CM_RETURN_IF_ERROR(
      AddConfExtension(x.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"));
  CM_RETURN_IF_ERROR(AddConfExtension(x.get(), &ctx, NID_subject_key_identifier, "hash"));
  CM_RETURN_IF_ERROR(AddConfExtension(x.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  if (issuer != nullptr) {
    CM_RETURN_IF_ERROR(AddStatusLocations(x.get(), profile.status));
  }
  CM_RETURN_IF_ERROR(signer.SignCertificate(x.get()));
  return Certificate::Adopt(std::move(x));
}

// The node (or delegated OCSP responder) extensions of the profile in
// docs/certificate-profile.md.
Status AddLeafExtensions(X509* x, const Certificate& ca_cert, const EVP_PKEY* subject_key,
                         const LeafProfile& profile) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert.native(), x, nullptr, nullptr, 0);
  CM_RETURN_IF_ERROR(AddConfExtension(x, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
  // JSSE: TLS 1.3 and every ECDHE suite need digitalSignature; RSA key
  // exchange (TLS 1.2 non-ECDHE) needs keyEncipherment. An OCSP responder
  // only signs.
  const bool rsa = DescribePublicKey(subject_key).algorithm == "RSA" && !profile.ocsp_signing;
  CM_RETURN_IF_ERROR(AddConfExtension(
      x, &ctx, NID_key_usage,
      rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature"));
  const std::string admin = "clientAuth," + std::string(kAdminEkuOid);
  const char* eku = profile.ocsp_signing            ? "OCSPSigning"
                    : profile.role == Role::kServer ? "serverAuth"
                    : profile.role == Role::kClient ? "clientAuth"
                    : profile.role == Role::kAdmin  ? admin.c_str()
                                                    : "serverAuth,clientAuth";
  CM_RETURN_IF_ERROR(AddConfExtension(x, &ctx, NID_ext_key_usage, eku));
  if (profile.ocsp_signing) {
    // RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck, NULL.
    CM_RETURN_IF_ERROR(AddConfExtension(x, &ctx, NID_id_pkix_OCSP_noCheck, "ignored"));
  }
  if (!profile.sans.empty()) {
    // RFC 5280 §4.2.1.6: critical when the subject is empty.
    CM_RETURN_IF_ERROR(AddSubjectAltNames(x, profile.sans, profile.subject.empty()));
  }
  CM_RETURN_IF_ERROR(AddConfExtension(x, &ctx, NID_subject_key_identifier, "hash"));
  CM_RETURN_IF_ERROR(AddConfExtension(x, &ctx, NID_authority_key_identifier, "keyid:always"));
  return AddStatusLocations(x, profile.status);
}

}  // namespace

Result<Certificate> SelfSignCa(const Signer& signer, const CaProfile& profile) {
  return MakeCa(nullptr, signer, signer.PublicKey(), profile);
}

Result<Certificate> SignSubordinateCa(const Certificate& issuer, const Signer& issuer_signer,
                                      const EVP_PKEY* subject_key, const CaProfile& profile) {
  if (!issuer.IsCa()) {
    return MakeError(ErrorCode::kInvalidData, "the issuing certificate is not a CA");
  }
  // RFC 5280 §4.2.1.9: pathLenConstraint 0 forbids CAs below.
  if (X509_get_pathlen(issuer.native()) == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the issuing CA has pathLenConstraint 0: it may sign node certificates only");
  }
  return MakeCa(&issuer, issuer_signer, subject_key, profile);
}

Result<Certificate> SignLeaf(const Certificate& ca_cert, const Signer& ca_signer,
                             const EVP_PKEY* subject_key, const LeafProfile& profile) {
  CM_RETURN_IF_ERROR(CheckValidity(profile.days));
  // Every path that certifies a key from outside (sign, enroll, renew,
  // install) ends here: never certify explicit curve parameters.
  CM_RETURN_IF_ERROR(WithContext(CheckNamedCurve(subject_key), "the subject's key"));
  if (profile.sans.empty() && profile.subject.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the certificate has neither a subject nor SANs");
  }
  if (!ca_cert.IsCa()) {
    return MakeError(ErrorCode::kInvalidData, "the issuing certificate is not a CA");
  }
  const TimePoint ca_not_after = ca_cert.NotAfter();
  if (ca_not_after <= profile.now) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the CA certificate expired on {}", FormatUtc(ca_not_after)));
  }
  // Never outlive the issuer: a chain is only as valid as its shortest link.
  const TimePoint not_before = std::max(profile.now - kBackdate, ca_cert.NotBefore());
  const TimePoint not_after = std::min(profile.now + profile.days.hours(), ca_not_after);

  CM_ASSIGN_OR_RETURN(
      auto x, NewCertificate(profile.subject, X509_get_subject_name(ca_cert.native()), subject_key,
                             not_before, not_after, profile.serial));
  CM_RETURN_IF_ERROR(AddLeafExtensions(x.get(), ca_cert, subject_key, profile));
  CM_RETURN_IF_ERROR(ca_signer.SignCertificate(x.get()));
  return Certificate::Adopt(std::move(x));
}

}  // namespace certmint
