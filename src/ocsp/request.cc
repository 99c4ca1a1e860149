#include "ocsp/request.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "core/encoding.h"

namespace certmint {
namespace {

Result<OcspRequest> Malformed(std::string_view why) {
  return MakeError(ErrorCode::kInvalidData, fmt::format("malformed OCSP request: {}", why));
}

// The serial in the inventory's form, or empty for one certmint never issues.
std::string SerialOf(const ASN1_INTEGER* serial) {
  if (serial == nullptr || ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) {
    return {};
  }
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn || BN_is_zero(bn.get())) {
    ERR_clear_error();
    return {};
  }
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return HexColon(bytes);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// The request's extensions: the nonce (kept), others ignored unless critical.
Status ReadExtensions(OCSP_REQUEST* req, OcspRequest& out) {
  const int count = OCSP_REQUEST_get_ext_count(req);
  for (int i = 0; i < count; ++i) {
    X509_EXTENSION* ext = OCSP_REQUEST_get_ext(req, i);
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    if (nid != NID_id_pkix_OCSP_Nonce) {
      if (X509_EXTENSION_get_critical(ext) == 1) {
        return MakeError(ErrorCode::kInvalidData, "malformed OCSP request: a critical extension");
      }
      continue;
    }
    if (out.nonce) {
      return MakeError(ErrorCode::kInvalidData, "malformed OCSP request: two nonces");
    }
    const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
    const auto* data = ASN1_STRING_get0_data(value);
    const int len = ASN1_STRING_length(value);
    // The value is the DER of Nonce ::= OCTET STRING: its tag and length
    // (two octets for up to 32 octets) around 1 to 32 octets.
    if (len < 3 || static_cast<size_t>(len) > kMaxOcspNonceBytes + 2) {
      return MakeError(ErrorCode::kInvalidData,
                       fmt::format("malformed OCSP request: a nonce of {} octets (RFC 8954: 1 "
                                   "to {})",
                                   len > 2 ? len - 2 : 0, kMaxOcspNonceBytes));
    }
    out.nonce.emplace(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  }
  return {};
}

}  // namespace

Result<OcspRequest> ParseOcspRequest(std::string_view der) {
  if (der.empty()) {
    return Malformed("empty");
  }
  if (der.size() > kMaxOcspRequestBytes) {
    return Malformed(fmt::format("more than {} bytes", kMaxOcspRequestBytes));
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto* const end = p + der.size();
  ossl::OcspRequestPtr req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
  if (!req) {
    ERR_clear_error();
    return Malformed("not a DER OCSPRequest");
  }
  if (p != end) {
    return Malformed("bytes after the request");
  }
  const int count = OCSP_request_onereq_count(req.get());
  if (count < 1 || static_cast<size_t>(count) > kMaxOcspCertIds) {
    return Malformed(
        fmt::format("{} certificates asked about (1 to {} are answered)", count, kMaxOcspCertIds));
  }
  OcspRequest out;
  for (int i = 0; i < count; ++i) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
    ASN1_INTEGER* serial = nullptr;
    if (id == nullptr || OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, id) != 1) {
      return Malformed("a CertID without a serial");
    }
    std::shared_ptr<OCSP_CERTID> copy(OCSP_CERTID_dup(id), OCSP_CERTID_free);
    if (!copy) {
      return MakeError(ErrorCode::kInternal, "out of memory");
    }
    out.ids.push_back(OcspCertId{std::move(copy), SerialOf(serial)});
  }
  CM_RETURN_IF_ERROR(ReadExtensions(req.get(), out));
  return out;
}

Result<std::string> DecodeOcspGetRequest(std::string_view encoded) {
  std::string base64;
  base64.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '%') {
      const int hi = i + 2 < encoded.size() ? HexDigit(encoded[i + 1]) : -1;
      const int lo = i + 2 < encoded.size() ? HexDigit(encoded[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return MakeError(ErrorCode::kInvalidData, "malformed OCSP request: a bad %-escape");
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    base64.push_back(c);
  }
  while (!base64.empty() && base64.back() == '=') {
    base64.pop_back();
  }
  if (base64.empty() || base64.size() > (kMaxOcspRequestBytes * 4 + 2) / 3) {
    return MakeError(ErrorCode::kInvalidData,
                     "malformed OCSP request: no request in the path, "
                     "or one too large");
  }
  if (base64.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") !=
          std::string::npos ||
      base64.size() % 4 == 1) {
    return MakeError(ErrorCode::kInvalidData, "malformed OCSP request: not base64");
  }
  base64.append((4 - base64.size() % 4) % 4, '=');
  std::string der(base64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                                reinterpret_cast<const unsigned char*>(base64.data()),
                                static_cast<int>(base64.size()));
  if (n < 0) {
    return MakeError(ErrorCode::kInvalidData, "malformed OCSP request: not base64");
  }
  // EVP_DecodeBlock counts the padding as zero bytes.
  const size_t padding = base64.size() - base64.find_last_not_of('=') - 1;
  der.resize(static_cast<size_t>(n) - padding);
  return der;
}

}  // namespace certmint
