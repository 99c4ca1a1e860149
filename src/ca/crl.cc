#include "ca/crl.h"

#include <fmt/format.h>
#include <openssl/pem.h>

#include <cctype>
#include <climits>
#include <ctime>

#include "core/fs.h"

namespace certmint {
namespace {

Result<std::string> HexSerialToBytes(const std::string& serial) {
  std::string bytes;
  int nibbles = 0;
  unsigned v = 0;
  for (char c : serial) {
    if (c == ':') {
      continue;
    }
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
            : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                                                        : -1;
    if (d < 0) {
      return MakeError(ErrorCode::kInvalidData, fmt::format("bad serial '{}'", serial));
    }
    v = v << 4 | static_cast<unsigned>(d);
    if (++nibbles % 2 == 0) {
      bytes.push_back(static_cast<char>(v));
      v = 0;
    }
  }
  return bytes;
}

}  // namespace

Result<EncodedCrl> MakeCrl(const CertificateAuthority& ca,
                           const std::vector<InventoryRecord>& revoked, const CrlOptions& options) {
  if (options.days < 1) {
    return MakeError(ErrorCode::kInvalidArgument, "--days must be at least 1");
  }
  ossl::X509CrlPtr crl(X509_CRL_new());
  X509* ca_cert = ca.certificate().native();
  ossl::Asn1TimePtr this_update(ASN1_TIME_new());
  ossl::Asn1TimePtr next_update(ASN1_TIME_new());
  const std::time_t now = std::chrono::system_clock::to_time_t(options.now);
  const std::time_t next = now + static_cast<std::time_t>(options.days) * 86400;
  if (!crl || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca_cert)) != 1 ||
      ASN1_TIME_set(this_update.get(), now) == nullptr ||
      ASN1_TIME_set(next_update.get(), next) == nullptr ||
      X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "building the CRL failed");
  }
  for (const auto& r : revoked) {
    CM_ASSIGN_OR_RETURN(auto bytes, HexSerialToBytes(r.serial));
    ossl::BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                 static_cast<int>(bytes.size()), nullptr));
    ossl::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    ossl::Asn1TimePtr when(ASN1_TIME_new());
    ASN1_TIME_set(when.get(), std::chrono::system_clock::to_time_t(
                                  ParseUtc(r.revoked_at).value_or(TimePoint{})));
    ossl::X509RevokedPtr entry(X509_REVOKED_new());
    if (!entry || X509_REVOKED_set_serialNumber(entry.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), when.get()) != 1) {
      return OpenSslError(ErrorCode::kInternal, "adding a CRL entry failed");
    }
    // §5.3.1: reasonCode SHOULD be absent rather than unspecified (0).
    if (r.revocation_reason != 0) {
      ossl::Asn1EnumeratedPtr reason(ASN1_ENUMERATED_new());
      ASN1_ENUMERATED_set(reason.get(), r.revocation_reason);
      if (X509_REVOKED_add1_ext_i2d(entry.get(), NID_crl_reason, reason.get(), 0, 0) != 1) {
        return OpenSslError(ErrorCode::kInternal, "adding a reason code failed");
      }
    }
    if (X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) {
      return OpenSslError(ErrorCode::kInternal, "adding a CRL entry failed");
    }
    entry.release();
  }
  X509_CRL_sort(crl.get());
  // §5.2.1 authorityKeyIdentifier and §5.2.3 cRLNumber, both MUST.
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert, nullptr, nullptr, crl.get(), 0);
  ossl::X509ExtensionPtr aki(
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  ossl::Asn1IntegerPtr number(ASN1_INTEGER_new());
  ASN1_INTEGER_set_int64(number.get(), options.number);
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding CRL extensions failed");
  }
  CM_RETURN_IF_ERROR(ca.signer().SignCrl(crl.get()));
  EncodedCrl encoded;
  unsigned char* der = nullptr;
  int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) {
    return OpenSslError(ErrorCode::kInternal, "encoding the CRL failed");
  }
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(der));
  encoded.der.assign(owner.get(), static_cast<size_t>(len));
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509_CRL(out.get(), crl.get()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "encoding the CRL failed");
  }
  encoded.pem = ossl::MemBioContents(out.get());
  return encoded;
}

std::string PublishedCrlPath(const std::string& ca_dir) { return ca_dir + "/crl.pem"; }

std::string PublishedCrlPem(const std::string& ca_dir, const std::vector<Certificate>& anchors,
                            TimePoint now) {
  auto pem = fs::ReadFile(PublishedCrlPath(ca_dir));
  if (!pem) {
    return "";
  }
  auto crl = Crl::Parse(*pem);
  if (!crl || !CheckCrl(*crl, anchors, now)) {
    return "";
  }
  return std::move(*pem);
}

}  // namespace certmint
