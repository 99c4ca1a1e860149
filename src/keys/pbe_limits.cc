#include "keys/pbe_limits.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include <memory>

#include "core/ossl.h"

namespace certmint {
namespace {

using PbeParamPtr = std::unique_ptr<PBEPARAM, ossl::Deleter<PBEPARAM_free>>;
using Pbe2ParamPtr = std::unique_ptr<PBE2PARAM, ossl::Deleter<PBE2PARAM_free>>;
using Pbkdf2ParamPtr = std::unique_ptr<PBKDF2PARAM, ossl::Deleter<PBKDF2PARAM_free>>;
using ScryptParamsPtr = std::unique_ptr<SCRYPT_PARAMS, ossl::Deleter<SCRYPT_PARAMS_free>>;

tl::unexpected<Error> Malformed(std::string_view what) {
  ClearOpenSslErrors();
  return MakeError(ErrorCode::kInvalidData, fmt::format("malformed {} parameters", what));
}

// The parameters of `alg`, a SEQUENCE, decoded as `T` by OpenSSL's template.
template <typename Ptr>
Ptr Unpack(const ASN1_ITEM* item, const X509_ALGOR* alg) {
  if (alg == nullptr || alg->parameter == nullptr || alg->parameter->type != V_ASN1_SEQUENCE) {
    return Ptr();
  }
  return Ptr(static_cast<typename Ptr::pointer>(ASN1_TYPE_unpack_sequence(item, alg->parameter)));
}

// A non-negative INTEGER as int64; -1 when negative or too large.
int64_t Count(const ASN1_INTEGER* n) {
  int64_t v = 0;
  if (n == nullptr || ASN1_INTEGER_get_int64(&v, n) != 1 || v < 0) {
    ClearOpenSslErrors();
    return -1;
  }
  return v;
}

Result<int64_t> Checked(int64_t n, std::string_view kdf) {
  if (n < 1) {
    return MakeError(
        ErrorCode::kInvalidData,
        fmt::format("{} iteration count out of range (negative, zero or too large)", kdf));
  }
  if (n > kMaxKdfIterations) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{} iteration count {} is above certmint's limit of {}; refused "
                                 "before deriving any key",
                                 kdf, n, kMaxKdfIterations));
  }
  return n;
}

// RFC 7914 §7.1 scrypt-params: N, r and p, whose product is the work.
Result<int64_t> ScryptWork(const X509_ALGOR* kdf) {
  auto p = Unpack<ScryptParamsPtr>(ASN1_ITEM_rptr(SCRYPT_PARAMS), kdf);
  if (!p) {
    return Malformed("scrypt");
  }
  const int64_t n = Count(p->costParameter);
  const int64_t r = Count(p->blockSize);
  const int64_t par = Count(p->parallelizationParameter);
  constexpr int64_t kEach = int64_t{1} << 31;  // keeps the product within int64
  if (n < 1 || r < 1 || par < 1 || n > kEach || r > kEach || par > kEach) {
    return Checked(-1, "scrypt");
  }
  // n * r fits in int64; so does n * r * par once n * r is within the limit.
  const int64_t work = n * r > kMaxKdfIterations ? kMaxKdfIterations + 1 : n * r * par;
  return Checked(work, "scrypt (N*r*p)");
}

// RFC 8018 §A.4 PBES2-params: the KDF (PBKDF2 or scrypt) and the cipher.
Result<int64_t> Pbes2Iterations(const X509_ALGOR* alg) {
  auto pbe2 = Unpack<Pbe2ParamPtr>(ASN1_ITEM_rptr(PBE2PARAM), alg);
  if (!pbe2 || pbe2->keyfunc == nullptr) {
    return Malformed("PBES2");
  }
  const int kdf = OBJ_obj2nid(pbe2->keyfunc->algorithm);
  if (kdf == NID_id_scrypt) {
    return ScryptWork(pbe2->keyfunc);
  }
  if (kdf != NID_id_pbkdf2) {
    return MakeError(ErrorCode::kInvalidData, "PBES2 with an unsupported key derivation function");
  }
  // RFC 8018 §A.2 PBKDF2-params: salt, iterationCount, keyLength, prf.
  auto pbkdf2 = Unpack<Pbkdf2ParamPtr>(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc);
  if (!pbkdf2) {
    return Malformed("PBKDF2");
  }
  return Checked(Count(pbkdf2->iter), "PBKDF2");
}

}  // namespace

Result<int64_t> PbeIterations(const X509_ALGOR* algorithm) {
  if (algorithm == nullptr) {
    return MakeError(ErrorCode::kInvalidData, "no encryption algorithm");
  }
  const int nid = OBJ_obj2nid(algorithm->algorithm);
  if (nid == NID_pbes2) {
    return Pbes2Iterations(algorithm);
  }
  // PBES1 (RFC 8018 §A.3) and PKCS#12 PBE (RFC 7292 §C): PBEParameter,
  // a salt and an iteration count.
  if (nid == NID_undef || EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, nullptr, nullptr, nullptr) != 1) {
    return MakeError(ErrorCode::kInvalidData, "unsupported password-based encryption scheme");
  }
  auto pbe = Unpack<PbeParamPtr>(ASN1_ITEM_rptr(PBEPARAM), algorithm);
  if (!pbe) {
    return Malformed("PBE");
  }
  return Checked(Count(pbe->iter), OBJ_nid2sn(nid));
}

Status KdfBudget::Spend(int64_t iterations, std::string_view what) {
  CM_ASSIGN_OR_RETURN(auto n, WithContext(Checked(iterations, "KDF"), std::string(what)));
  if (n > left_) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{}: the file asks for more than {} KDF iterations in all "
                                 "(certmint's limit per file); refused before deriving",
                                 what, limit_));
  }
  left_ -= n;
  return {};
}

Status KdfBudget::SpendFor(const X509_ALGOR* algorithm, std::string_view what) {
  CM_ASSIGN_OR_RETURN(auto n, WithContext(PbeIterations(algorithm), std::string(what)));
  return Spend(n, what);
}

}  // namespace certmint
