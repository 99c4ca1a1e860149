#include "support/pbe_rewrite.h"

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

#include <memory>
#include <stdexcept>

#include "core/ossl.h"

namespace certmint::testing {
namespace {

template <typename T>
T* Unpack(const ASN1_ITEM* it, const ASN1_TYPE* t) {
  auto* p = static_cast<T*>(ASN1_TYPE_unpack_sequence(it, t));
  if (p == nullptr) {
    throw std::runtime_error("cannot unpack the PBE parameters");
  }
  return p;
}

using Pkcs12Ptr = std::unique_ptr<PKCS12, ossl::Deleter<PKCS12_free>>;
using Pkcs7StackPtr =
    std::unique_ptr<STACK_OF(PKCS7),
                    ossl::Deleter<[](STACK_OF(PKCS7) * s) { sk_PKCS7_pop_free(s, PKCS7_free); }>>;
using SafeBagsPtr =
    std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), ossl::Deleter<[](STACK_OF(PKCS12_SAFEBAG) * s) {
                      sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
                    }>>;

// The shrouded key bags of a plain-data safe rewritten: a new safe.
PKCS7* RewriteDataSafe(PKCS7* p7, int64_t iterations) {
  SafeBagsPtr bags(PKCS12_unpack_p7data(p7));
  for (int j = 0; j < sk_PKCS12_SAFEBAG_num(bags.get()); ++j) {
    PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags.get(), j);
    if (PKCS12_SAFEBAG_get_nid(bag) == NID_pkcs8ShroudedKeyBag) {
      X509_ALGOR* alg = nullptr;
      X509_SIG_getm(const_cast<X509_SIG*>(PKCS12_SAFEBAG_get0_pkcs8(bag)), &alg, nullptr);
      SetPbeIterations(alg, iterations);
    }
  }
  return PKCS12_pack_p7data(bags.get());
}

}  // namespace

void SetPbeIterations(X509_ALGOR* alg, int64_t iterations) {
  if (OBJ_obj2nid(alg->algorithm) != NID_pbes2) {
    std::unique_ptr<PBEPARAM, ossl::Deleter<PBEPARAM_free>> pbe(
        Unpack<PBEPARAM>(ASN1_ITEM_rptr(PBEPARAM), alg->parameter));
    ASN1_INTEGER_set_int64(pbe->iter, iterations);
    ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(PBEPARAM), pbe.get(), &alg->parameter);
    return;
  }
  std::unique_ptr<PBE2PARAM, ossl::Deleter<PBE2PARAM_free>> pbe2(
      Unpack<PBE2PARAM>(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter));
  std::unique_ptr<PBKDF2PARAM, ossl::Deleter<PBKDF2PARAM_free>> kdf(
      Unpack<PBKDF2PARAM>(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter));
  ASN1_INTEGER_set_int64(kdf->iter, iterations);
  ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), kdf.get(), &pbe2->keyfunc->parameter);
  ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(PBE2PARAM), pbe2.get(), &alg->parameter);
}

std::string EncryptedPkcs8WithIterations(const std::string& pem, int64_t iterations) {
  auto in = ossl::ReadOnlyMemBio(pem.data(), pem.size());
  ossl::X509SigPtr sig(PEM_read_bio_PKCS8(in.get(), nullptr, nullptr, nullptr));
  if (!sig) {
    throw std::runtime_error("not an encrypted PKCS#8 PEM");
  }
  X509_ALGOR* alg = nullptr;
  X509_SIG_getm(sig.get(), &alg, nullptr);
  SetPbeIterations(alg, iterations);
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_PKCS8(out.get(), sig.get());
  return ossl::MemBioContents(out.get());
}

std::string Pkcs12WithIterations(const std::string& der, const char* password,
                                 const Pkcs12Counts& counts) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  Pkcs7StackPtr safes(p12 ? PKCS12_unpack_authsafes(p12.get()) : nullptr);
  if (!safes) {
    throw std::runtime_error("not a PKCS#12 file");
  }
  for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
    PKCS7* p7 = sk_PKCS7_value(safes.get(), i);
    if (OBJ_obj2nid(p7->type) == NID_pkcs7_data && counts.shrouded_keys != 0) {
      // sk_PKCS7_set returns the new element; the old one is freed here.
      sk_PKCS7_set(safes.get(), i, RewriteDataSafe(p7, counts.shrouded_keys));
      PKCS7_free(p7);
    } else if (OBJ_obj2nid(p7->type) == NID_pkcs7_encrypted && counts.encrypted_safes != 0) {
      SetPbeIterations(p7->d.encrypted->enc_data->algorithm, counts.encrypted_safes);
    }
  }
  PKCS12_pack_authsafes(p12.get(), safes.get());
  PKCS12_set_mac(p12.get(), password, -1, nullptr, 0, 2048, EVP_sha256());
  if (counts.mac != 0) {
    const ASN1_INTEGER* iter = nullptr;
    PKCS12_get0_mac(nullptr, nullptr, nullptr, &iter, p12.get());
    ASN1_INTEGER_set_int64(const_cast<ASN1_INTEGER*>(iter), counts.mac);
  }
  unsigned char* out = nullptr;
  const int len = i2d_PKCS12(p12.get(), &out);
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(out));
  return std::string(owner.get(), static_cast<size_t>(len));
}

}  // namespace certmint::testing
