#include "x509/certificate.h"

#include <fmt/format.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>

namespace certmint {
namespace {

std::string Asn1StringBytes(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

}  // namespace

namespace {

std::string IpFromOctets(const ASN1_OCTET_STRING* os) {
  char out[64] = {0};
  const unsigned char* d = ASN1_STRING_get0_data(os);
  int len = ASN1_STRING_length(os);
  if (len == 4) {
    std::snprintf(out, sizeof(out), "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
    return out;
  }
  if (len == 16) {
    auto r = ParseIpAddress(fmt::format("{:x}:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}", d[0] << 8 | d[1],
                                        d[2] << 8 | d[3], d[4] << 8 | d[5], d[6] << 8 | d[7],
                                        d[8] << 8 | d[9], d[10] << 8 | d[11], d[12] << 8 | d[13],
                                        d[14] << 8 | d[15]));
    return r ? *r : std::string("?");
  }
  return "<invalid IP of " + std::to_string(len) + " bytes>";
}

}  // namespace

TimePoint Asn1TimeToTimePoint(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return TimePoint{};
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  auto bio = ossl::ReadOnlyMemBio(pem.data(), pem.size());
  if (!bio) {
    return MakeError(ErrorCode::kInvalidData, "certificate file too large");
  }
  ossl::X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x) {
    return OpenSslError(ErrorCode::kInvalidData, "no PEM certificate found");
  }
  return Certificate(std::move(x));
}

Result<Certificate> Certificate::FromDer(std::string_view der) {
  if (der.size() > INT_MAX) {
    return MakeError(ErrorCode::kInvalidData, "certificate too large");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) {
    return OpenSslError(ErrorCode::kInvalidData, "not a DER certificate");
  }
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return MakeError(ErrorCode::kInvalidData, "trailing bytes after the DER certificate");
  }
  return Certificate(std::move(x));
}

Result<std::vector<Certificate>> Certificate::ChainFromPem(std::string_view pem) {
  auto bio = ossl::ReadOnlyMemBio(pem.data(), pem.size());
  if (!bio) {
    return MakeError(ErrorCode::kInvalidData, "certificate file too large");
  }
  std::vector<Certificate> out;
  for (;;) {
    ossl::X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!x) {
      break;
    }
    out.push_back(Certificate(std::move(x)));
  }
  ClearOpenSslErrors();  // the loop always ends on "no start line"
  if (out.empty()) {
    return MakeError(ErrorCode::kInvalidData, "no PEM certificate found");
  }
  return out;
}

Certificate::Certificate(const Certificate& other) : x509_(other.x509_.get()) {
  X509_up_ref(x509_.get());
}

Certificate& Certificate::operator=(const Certificate& other) {
  if (this != &other) {
    X509_up_ref(other.x509_.get());
    x509_.reset(other.x509_.get());
  }
  return *this;
}

std::string Certificate::ToPem() const {
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), x509_.get()) != 1) {
    ClearOpenSslErrors();
    return {};
  }
  return ossl::MemBioContents(out.get());
}

std::string Certificate::ToDer() const {
  unsigned char* der = nullptr;
  int len = i2d_X509(x509_.get(), &der);
  if (len <= 0) {
    ClearOpenSslErrors();
    return {};
  }
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(der));
  return std::string(owner.get(), static_cast<size_t>(len));
}

DistinguishedName Certificate::Subject() const {
  return DistinguishedName::FromNative(X509_get_subject_name(x509_.get()));
}

DistinguishedName Certificate::Issuer() const {
  return DistinguishedName::FromNative(X509_get_issuer_name(x509_.get()));
}

TimePoint Certificate::NotBefore() const {
  return Asn1TimeToTimePoint(X509_get0_notBefore(x509_.get()));
}
TimePoint Certificate::NotAfter() const {
  return Asn1TimeToTimePoint(X509_get0_notAfter(x509_.get()));
}

std::string Certificate::SerialHex() const {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x509_.get());
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) {
    ClearOpenSslErrors();
    return {};
  }
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  if (bytes.empty()) {
    bytes.push_back('\0');
  }
  return HexColon(bytes);
}

Result<std::string> NormalizeSerialHex(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':') {
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(c)) || hex.size() >= 64) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is not a serial number (hex, colons optional)",
                                   PrintableBytes(text, 80)));
    }
    hex.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (hex.size() % 2 == 1) {
    hex.insert(0, "0");
  }
  while (hex.size() > 2 && hex.compare(0, 2, "00") == 0) {
    hex.erase(0, 2);
  }
  if (hex.empty() || hex.size() > 40) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("'{}' is not a serial number (1 to 20 bytes of hex)",
                                 PrintableBytes(text, 80)));
  }
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    out += (i == 0 ? "" : ":") + hex.substr(i, 2);
  }
  return out;
}

SubjectAltNames Certificate::Sans() const {
  SubjectAltNames out;
  ossl::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(x509_.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (!names) {
    return out;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type == GEN_DNS) {
      out.dns.push_back(Asn1StringBytes(gn->d.dNSName));
    } else if (gn->type == GEN_IPADD) {
      out.ips.push_back(IpFromOctets(gn->d.iPAddress));
    }
  }
  out.RemoveDuplicates();
  return out;
}

std::string Certificate::Sha256Fingerprint() const { return HexColon(Sha256(ToDer())); }
std::string Certificate::Sha1Fingerprint() const { return HexColon(Sha1(ToDer())); }

bool Certificate::IsCa() const { return X509_check_ca(x509_.get()) != 0; }

bool Certificate::MatchesKey(const PrivateKey& key) const {
  bool ok = X509_check_private_key(x509_.get(), key.native()) == 1;
  ClearOpenSslErrors();
  return ok;
}

namespace {

void DescribeSubjectAltNames(X509* x, CertificateInfo& info) {
  ossl::GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    switch (gn->type) {
      case GEN_DNS:
        info.dns_names.push_back(PrintableBytes(Asn1StringBytes(gn->d.dNSName)));
        break;
      case GEN_IPADD:
        info.ip_addresses.push_back(IpFromOctets(gn->d.iPAddress));
        break;
      case GEN_EMAIL:
        info.other_names.push_back("email:" + PrintableBytes(Asn1StringBytes(gn->d.rfc822Name)));
        break;
      case GEN_URI:
        info.other_names.push_back(
            "URI:" + PrintableBytes(Asn1StringBytes(gn->d.uniformResourceIdentifier)));
        break;
      default:
        info.other_names.push_back("other");
    }
  }
}

void DescribeKeyUsage(X509* x, CertificateInfo& info) {
  int crit = 0;
  ossl::Asn1BitStringPtr ku(
      static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(x, NID_key_usage, &crit, nullptr)));
  if (ku) {
    info.key_usage_critical = crit == 1;
    static constexpr const char* kNames[] = {
        "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
        "keyCertSign",      "cRLSign",        "encipherOnly",    "decipherOnly"};
    for (int bit = 0; bit < 9; ++bit) {
      if (ASN1_BIT_STRING_get_bit(ku.get(), bit)) {
        info.key_usage.push_back(kNames[bit]);
      }
    }
  }
  ossl::ExtendedKeyUsagePtr eku(
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(x, NID_ext_key_usage, nullptr, nullptr)));
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    const ASN1_OBJECT* obj = sk_ASN1_OBJECT_value(eku.get(), i);
    int nid = OBJ_obj2nid(obj);
    if (nid != NID_undef) {
      info.extended_key_usage.push_back(OBJ_nid2sn(nid));
    } else {
      char buf[128];
      OBJ_obj2txt(buf, sizeof(buf), obj, 1);
      info.extended_key_usage.push_back(buf);
    }
  }
}

void DescribeCaExtensions(X509* x, CertificateInfo& info) {
  int crit = 0;
  ossl::BasicConstraintsPtr bc(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x, NID_basic_constraints, &crit, nullptr)));
  if (bc) {
    info.basic_constraints_critical = crit == 1;
    info.is_ca = bc->ca != 0;
    if (bc->pathlen != nullptr) {
      info.path_length = ASN1_INTEGER_get(bc->pathlen);
    }
  }
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x); ski != nullptr) {
    info.subject_key_id = HexColon(Asn1StringBytes(ski));
  }
  if (const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(x); aki != nullptr) {
    info.authority_key_id = HexColon(Asn1StringBytes(aki));
  }
}

}  // namespace

CertificateInfo DescribeCertificate(const Certificate& cert, TimePoint now) {
  X509* x = cert.native();
  CertificateInfo info;
  info.version = static_cast<int>(X509_get_version(x)) + 1;
  info.subject = cert.Subject().ToString();
  info.issuer = cert.Issuer().ToString();
  info.serial = cert.SerialHex();
  info.not_before = FormatUtc(cert.NotBefore());
  info.not_after = FormatUtc(cert.NotAfter());
  info.days_left = DaysLeft(cert.NotAfter(), now);
  info.time_left = TimeLeftText(cert.NotAfter(), now);
  info.self_signed = X509_check_issued(x, x) == X509_V_OK;
  if (EVP_PKEY* pub = X509_get0_pubkey(x); pub != nullptr) {
    info.key = DescribePublicKey(pub);
    info.public_key_sha256 = PublicKeyFingerprint(pub);
  }
  info.signature_algorithm = OBJ_nid2ln(X509_get_signature_nid(x));
  DescribeSubjectAltNames(x, info);
  DescribeKeyUsage(x, info);
  DescribeCaExtensions(x, info);
  info.sha256 = cert.Sha256Fingerprint();
  info.sha1 = cert.Sha1Fingerprint();
  ClearOpenSslErrors();
  return info;
}

bool IssuedBy(const Certificate& cert, const Certificate& ca) {
  bool ok = X509_check_issued(ca.native(), cert.native()) == X509_V_OK &&
            X509_verify(cert.native(), X509_get0_pubkey(ca.native())) == 1;
  ClearOpenSslErrors();
  return ok;
}

Validity CertificateValidity(const Certificate& cert) {
  const auto rounded =
      std::chrono::round<std::chrono::hours>(cert.NotAfter() - cert.NotBefore()).count();
  return std::max(kMinValidity, Validity::Hours(rounded));
}

std::string TimeLeftText(TimePoint not_after, TimePoint now) {
  using std::chrono::duration_cast;
  const bool expired = not_after <= now;
  const auto left = expired ? now - not_after : not_after - now;
  const auto hours = duration_cast<std::chrono::hours>(left).count();
  const auto minutes = duration_cast<std::chrono::minutes>(left).count();
  const std::string amount = hours >= 48 ? fmt::format("{} days", hours / 24)
                             : hours >= 2
                                 ? fmt::format("{} hours", hours)
                                 : fmt::format("{} minute{}", minutes, minutes == 1 ? "" : "s");
  return expired ? fmt::format("expired {} ago", amount) : amount + " left";
}

int ValidityDays(const Certificate& cert) {
  const auto validity = cert.NotAfter() - cert.NotBefore();
  return std::max<int>(
      1, static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(validity).count() / 24));
}

}  // namespace certmint
