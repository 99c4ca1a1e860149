#include "ocsp/responder.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include <vector>

namespace certmint {

// The key, and what every answer compares the requests with: the CA's
// CertID (issuer name and key hashes, no serial) under SHA-1, which most
// clients send, and SHA-256.
struct OcspResponder::State {
  ResponderKey key;
  std::shared_ptr<const Signer> signer;
  std::string ca_sha256;
  ossl::OcspCertIdPtr sha1_id;
  ossl::OcspCertIdPtr sha256_id;
};

namespace {

std::string Der(OCSP_RESPONSE* resp) {
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_RESPONSE(resp, &der);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(der));
  return std::string(owner.get(), static_cast<size_t>(len));
}

// Whether `id` names the state's CA as its issuer, whatever hash it uses.
bool ForOurCa(const OcspResponder::State& s, OCSP_CERTID* id) {
  ASN1_OBJECT* md_oid = nullptr;
  OCSP_id_get0_info(nullptr, &md_oid, nullptr, nullptr, id);
  const int nid = OBJ_obj2nid(md_oid);
  if (nid == NID_sha1) {
    return OCSP_id_issuer_cmp(s.sha1_id.get(), id) == 0;
  }
  if (nid == NID_sha256) {
    return OCSP_id_issuer_cmp(s.sha256_id.get(), id) == 0;
  }
  const EVP_MD* md = EVP_get_digestbynid(nid);
  if (md == nullptr) {
    return false;  // a hash we do not know names no CA of ours
  }
  ossl::OcspCertIdPtr ours(OCSP_cert_to_id(md, nullptr, s.key.ca.native()));
  const bool same = ours && OCSP_id_issuer_cmp(ours.get(), id) == 0;
  ERR_clear_error();
  return same;
}

struct SingleAnswer {
  OcspCertStatus status = OcspCertStatus::kUnknown;
  TimePoint revoked_at;
  int reason = 0;
};

// The inventory's word on one serial of the state's CA.
Result<SingleAnswer> Lookup(Inventory& inventory, const OcspResponder::State& s,
                            const std::string& serial) {
  SingleAnswer a;
  if (serial.empty()) {
    return a;
  }
  auto record = inventory.FindBySerial(serial);
  if (!record) {
    if (record.error().code() == ErrorCode::kNotFound) {
      return a;
    }
    return tl::unexpected(record.error());
  }
  if (record->issuer_sha256 != s.ca_sha256) {
    return a;  // another CA's (a previous one's) certificate
  }
  if (record->status != CertStatus::kRevoked) {
    a.status = OcspCertStatus::kGood;
    return a;
  }
  a.status = OcspCertStatus::kRevoked;
  a.revoked_at = ParseUtc(record->revoked_at).value_or(TimePoint{});
  a.reason = record->revocation_reason;
  return a;
}

ossl::Asn1TimePtr Asn1Time(TimePoint t) {
  ossl::Asn1TimePtr out(ASN1_TIME_new());
  if (out && ASN1_TIME_set(out.get(), std::chrono::system_clock::to_time_t(t)) == nullptr) {
    out.reset();
  }
  return out;
}

// Adds the SingleResponse for `id` (§4.2.1).
Status AddSingle(OCSP_BASICRESP* bs, OCSP_CERTID* id, const SingleAnswer& a, ASN1_TIME* this_update,
                 ASN1_TIME* next_update) {
  int status = V_OCSP_CERTSTATUS_UNKNOWN;
  int reason = OCSP_REVOKED_STATUS_NOSTATUS;
  ossl::Asn1TimePtr revoked_at;
  if (a.status == OcspCertStatus::kGood) {
    status = V_OCSP_CERTSTATUS_GOOD;
  } else if (a.status == OcspCertStatus::kRevoked) {
    status = V_OCSP_CERTSTATUS_REVOKED;
    revoked_at = Asn1Time(a.revoked_at);
    // As in the CRL (RFC 5280 §5.3.1): no reason rather than unspecified.
    reason = a.reason != 0 ? a.reason : OCSP_REVOKED_STATUS_NOSTATUS;
    if (!revoked_at) {
      return OpenSslError(ErrorCode::kInternal, "encoding a revocation time failed");
    }
  }
  if (OCSP_basic_add1_status(bs, id, status, reason, revoked_at.get(), this_update, next_update) ==
      nullptr) {
    return OpenSslError(ErrorCode::kInternal, "adding a SingleResponse failed");
  }
  return {};
}

// §4.4.1: the nonce, as the request had it.
Status AddNonce(OCSP_BASICRESP* bs, const std::string& nonce) {
  ossl::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  if (!value ||
      ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(nonce.data()),
                            static_cast<int>(nonce.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "encoding the nonce failed");
  }
  ossl::X509ExtensionPtr ext(
      X509_EXTENSION_create_by_NID(nullptr, NID_id_pkix_OCSP_Nonce, 0, value.get()));
  if (!ext || OCSP_BASICRESP_add_ext(bs, ext.get(), -1) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding the nonce failed");
  }
  return {};
}

std::string_view Summary(const std::vector<SingleAnswer>& answers) {
  bool revoked = false;
  bool unknown = false;
  for (const auto& a : answers) {
    revoked = revoked || a.status == OcspCertStatus::kRevoked;
    unknown = unknown || a.status == OcspCertStatus::kUnknown;
  }
  return revoked ? "revoked" : unknown ? "unknown" : "good";
}

// The signed BasicOCSPResponse, in a successful OCSPResponse.
Result<std::string> SignedResponse(const OcspResponder::State& s, const OcspRequest& request,
                                   const std::vector<SingleAnswer>& answers, TimePoint now) {
  ossl::OcspBasicRespPtr bs(OCSP_BASICRESP_new());
  ossl::Asn1TimePtr this_update = Asn1Time(now);
  ossl::Asn1TimePtr next_update = Asn1Time(now + kOcspAnswerLifetime);
  if (!bs || !this_update || !next_update) {
    return OpenSslError(ErrorCode::kInternal, "allocating the OCSP response failed");
  }
  for (size_t i = 0; i < answers.size(); ++i) {
    CM_RETURN_IF_ERROR(AddSingle(bs.get(), request.ids[i].id.get(), answers[i], this_update.get(),
                                 next_update.get()));
  }
  if (request.nonce) {
    CM_RETURN_IF_ERROR(AddNonce(bs.get(), *request.nonce));
  }
  CM_RETURN_IF_ERROR(s.signer->SignOcspResponse(bs.get(), s.key.certificate));
  ossl::OcspResponsePtr resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs.get()));
  if (!resp) {
    return OpenSslError(ErrorCode::kInternal, "building the OCSP response failed");
  }
  std::string der = Der(resp.get());
  if (der.empty()) {
    return MakeError(ErrorCode::kInternal, "encoding the OCSP response failed");
  }
  return der;
}

}  // namespace

OcspResponder::OcspResponder(Inventory* inventory) : inventory_(inventory) {}
OcspResponder::~OcspResponder() = default;

Status OcspResponder::SetKey(ResponderKey key) {
  auto signer = MakeKeySigner(key.key);
  if (!IssuedBy(key.certificate, key.ca) || !CertifiesSigner(key.certificate, *signer)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the OCSP responder certificate is not the CA's or not for its key");
  }
  ossl::OcspCertIdPtr sha1_id(OCSP_cert_to_id(EVP_sha1(), nullptr, key.ca.native()));
  ossl::OcspCertIdPtr sha256_id(OCSP_cert_to_id(EVP_sha256(), nullptr, key.ca.native()));
  if (!sha1_id || !sha256_id) {
    return OpenSslError(ErrorCode::kInternal, "hashing the CA's name and key failed");
  }
  std::string ca_sha256 = key.ca.Sha256Fingerprint();
  auto state =
      std::make_shared<State>(State{std::move(key), std::move(signer), std::move(ca_sha256),
                                    std::move(sha1_id), std::move(sha256_id)});
  std::lock_guard<std::mutex> lock(mu_);
  state_ = std::move(state);
  return {};
}

std::string OcspResponder::StatusOnly(int response_status) {
  ossl::OcspResponsePtr resp(OCSP_response_create(response_status, nullptr));
  return resp ? Der(resp.get()) : std::string();
}

OcspAnswer OcspResponder::Answer(std::string_view der_request, TimePoint now) const {
  auto request = ParseOcspRequest(der_request);
  if (!request) {
    return {StatusOnly(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST), "malformedRequest"};
  }
  return Answer(*request, now);
}

OcspAnswer OcspResponder::Answer(const OcspRequest& request, TimePoint now) const {
  std::shared_ptr<const State> s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s = state_;
  }
  if (!s) {
    return {StatusOnly(OCSP_RESPONSE_STATUS_TRYLATER), "tryLater"};
  }
  // §2.3: unauthorized when the responder cannot answer authoritatively
  // about every certificate asked about. A delegated responder speaks for
  // one CA only: a response naming another issuer could not be verified
  // (RFC 6960 §4.2.2.2; OpenSSL's OCSP_basic_verify refuses it).
  for (const auto& id : request.ids) {
    if (!ForOurCa(*s, id.id.get())) {
      return {StatusOnly(OCSP_RESPONSE_STATUS_UNAUTHORIZED), "unauthorized"};
    }
  }
  std::vector<SingleAnswer> answers;
  for (const auto& id : request.ids) {
    auto a = Lookup(*inventory_, *s, id.serial);
    if (!a) {
      return {StatusOnly(OCSP_RESPONSE_STATUS_INTERNALERROR), "internalError"};
    }
    answers.push_back(*a);
  }
  auto der = SignedResponse(*s, request, answers, now);
  if (!der) {
    return {StatusOnly(OCSP_RESPONSE_STATUS_INTERNALERROR), "internalError"};
  }
  return {std::move(*der), std::string(Summary(answers))};
}

}  // namespace certmint
