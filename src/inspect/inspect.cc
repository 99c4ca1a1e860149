#include "inspect/inspect.h"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <cstring>

#include "x509/general_names.h"

namespace certmint {
namespace {

using Kind = InspectedItem::Kind;

bool IsPem(std::string_view data) { return data.find("-----BEGIN ") != std::string_view::npos; }

// "PBES2 (PBKDF2-HMAC-SHA256, 600000 iterations, AES-256-CBC)" from an
// EncryptedPrivateKeyInfo's algorithm.
std::string DescribeEncryption(const X509_SIG* sig) {
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig, &alg, nullptr);
  const ASN1_OBJECT* oid = nullptr;
  const void* param = nullptr;
  int ptype = 0;
  X509_ALGOR_get0(&oid, &ptype, &param, alg);
  const int nid = OBJ_obj2nid(oid);
  if (nid != NID_pbes2 || ptype != V_ASN1_SEQUENCE) {
    return nid == NID_undef ? "unknown scheme" : OBJ_nid2ln(nid);
  }
  const auto* seq = static_cast<const ASN1_STRING*>(param);
  const unsigned char* p = ASN1_STRING_get0_data(seq);
  std::unique_ptr<PBE2PARAM, ossl::Deleter<PBE2PARAM_free>> pbe2(
      d2i_PBE2PARAM(nullptr, &p, ASN1_STRING_length(seq)));
  if (!pbe2) {
    ClearOpenSslErrors();
    return "PBES2 (unreadable parameters)";
  }
  std::string cipher = OBJ_nid2sn(OBJ_obj2nid(pbe2->encryption->algorithm));
  std::string kdf = OBJ_nid2sn(OBJ_obj2nid(pbe2->keyfunc->algorithm));
  if (OBJ_obj2nid(pbe2->keyfunc->algorithm) == NID_id_pbkdf2 &&
      pbe2->keyfunc->parameter != nullptr && pbe2->keyfunc->parameter->type == V_ASN1_SEQUENCE) {
    const ASN1_STRING* kp = pbe2->keyfunc->parameter->value.sequence;
    const unsigned char* q = ASN1_STRING_get0_data(kp);
    std::unique_ptr<PBKDF2PARAM, ossl::Deleter<PBKDF2PARAM_free>> pbkdf2(
        d2i_PBKDF2PARAM(nullptr, &q, ASN1_STRING_length(kp)));
    if (pbkdf2) {
      std::string prf = pbkdf2->prf != nullptr ? OBJ_nid2sn(OBJ_obj2nid(pbkdf2->prf->algorithm))
                                               : std::string("hmacWithSHA1");
      long iter = ASN1_INTEGER_get(pbkdf2->iter);  // NOLINT(runtime/int)
      return fmt::format("PBES2 (PBKDF2 {}, {} iterations, {})", prf, iter, cipher);
    }
  }
  ClearOpenSslErrors();
  return fmt::format("PBES2 ({}, {})", kdf, cipher);
}

KeyInfo OpenedKey(const EVP_PKEY* pkey, std::string format, bool encrypted, std::string enc) {
  KeyInfo k;
  k.encrypted = encrypted;
  k.opened = true;
  k.format = std::move(format);
  k.encryption = std::move(enc);
  k.key = DescribePublicKey(pkey);
  k.public_key_sha256 = PublicKeyFingerprint(pkey);
  return k;
}

Result<CsrInfo> DescribeCsr(X509_REQ* req) {
  CsrInfo info;
  info.subject = NameToString(X509_REQ_get_subject_name(req));
  EVP_PKEY* pub = X509_REQ_get0_pubkey(req);
  if (pub == nullptr) {
    return OpenSslError(ErrorCode::kInvalidData, "the certificate request has no readable key");
  }
  info.key = DescribePublicKey(pub);
  info.public_key_sha256 = PublicKeyFingerprint(pub);
  info.signature_valid = X509_REQ_verify(req, pub) == 1;
  std::unique_ptr<STACK_OF(X509_EXTENSION), ossl::Deleter<[](STACK_OF(X509_EXTENSION) * s) {
                    sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
                  }>>
      exts(X509_REQ_get_extensions(req));
  for (int i = 0; exts && i < sk_X509_EXTENSION_num(exts.get()); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts.get(), i);
    int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    info.extensions.push_back(nid != NID_undef ? OBJ_nid2sn(nid) : "unknown");
    if (nid == NID_subject_alt_name) {
      ossl::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext)));
      for (int j = 0; names && j < sk_GENERAL_NAME_num(names.get()); ++j) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), j);
        if (gn->type == GEN_DNS) {
          info.dns_names.push_back(PrintableBytes(
              std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                               static_cast<size_t>(ASN1_STRING_length(gn->d.dNSName)))));
        } else if (gn->type == GEN_IPADD && ASN1_STRING_length(gn->d.iPAddress) == 4) {
          const unsigned char* d = ASN1_STRING_get0_data(gn->d.iPAddress);
          info.ip_addresses.push_back(fmt::format("{}.{}.{}.{}", d[0], d[1], d[2], d[3]));
        }
      }
    }
  }
  ClearOpenSslErrors();
  return info;
}

Result<InspectedItem> InspectEncryptedPkcs8(X509_SIG* sig, const SecretString* password) {
  InspectedItem item{Kind::kPrivateKey, {}, {}, {}};
  const std::string enc = DescribeEncryption(sig);
  if (password == nullptr) {
    KeyInfo k;
    k.encrypted = true;
    k.format = "PKCS#8";
    k.encryption = enc;
    item.key = k;
    return item;
  }
  CM_RETURN_IF_ERROR(CheckEncryptedPkcs8Cost(sig));
  ossl::Pkcs8PrivKeyInfoPtr p8(
      PKCS8_decrypt(sig, password->c_str(), static_cast<int>(password->size())));
  if (!p8) {
    return OpenSslError(ErrorCode::kBadPassword,
                        "cannot decrypt the private key: wrong password or corrupted key");
  }
  ossl::EvpPkeyPtr pkey(EVP_PKCS82PKEY(p8.get()));
  if (!pkey) {
    return OpenSslError(ErrorCode::kInvalidData, "unsupported private key algorithm");
  }
  item.key = OpenedKey(pkey.get(), "PKCS#8", true, enc);
  return item;
}

// A traditional ("RSA PRIVATE KEY", "EC PRIVATE KEY") key, perhaps with
// legacy PEM encryption named in its headers.
Result<InspectedItem> InspectTraditionalKey(const std::string& label, char* header,
                                            unsigned char* der, long len,  // NOLINT(runtime/int)
                                            const SecretString* password) {
  const bool encrypted = std::string_view(header).find("ENCRYPTED") != std::string_view::npos;
  if (encrypted && password == nullptr) {
    KeyInfo k;
    k.encrypted = true;
    k.format = "traditional (" + label + ")";
    k.encryption = "legacy PEM encryption";
    return InspectedItem{Kind::kPrivateKey, {}, {}, k};
  }
  // Re-read this one block through the full PEM machinery, which handles
  // the legacy encryption headers.
  ossl::BioPtr b64(BIO_new(BIO_s_mem()));
  PEM_write_bio(b64.get(), label.c_str(), header, der, len);
  ossl::EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(
      b64.get(), nullptr,
      [](char* buf, int size, int, void* u) -> int {
        const auto* pw = static_cast<const SecretString*>(u);
        if (pw == nullptr || pw->size() > static_cast<size_t>(size)) {
          return -1;
        }
        std::memcpy(buf, pw->c_str(), pw->size());
        return static_cast<int>(pw->size());
      },
      const_cast<SecretString*>(password)));
  if (!pkey) {
    return OpenSslError(
        encrypted ? ErrorCode::kBadPassword : ErrorCode::kInvalidData,
        encrypted ? "cannot decrypt the private key: wrong password" : "malformed private key");
  }
  return InspectedItem{Kind::kPrivateKey,
                       {},
                       {},
                       OpenedKey(pkey.get(), "traditional (" + label + ")", encrypted,
                                 encrypted ? "legacy PEM encryption" : "")};
}

// One PEM block, by its label.
Result<InspectedItem> InspectPemBlock(const std::string& label, char* header, unsigned char* der,
                                      long len,  // NOLINT(runtime/int)
                                      const SecretString* password, TimePoint now) {
  const unsigned char* p = der;
  if (label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE") {
    ossl::X509Ptr x(label == "TRUSTED CERTIFICATE" ? d2i_X509_AUX(nullptr, &p, len)
                                                   : d2i_X509(nullptr, &p, len));
    if (!x) {
      return OpenSslError(ErrorCode::kInvalidData, "malformed certificate");
    }
    return InspectedItem{
        Kind::kCertificate, DescribeCertificate(Certificate::Adopt(std::move(x)), now), {}, {}};
  }
  if (label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST") {
    ossl::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, len));
    if (!req) {
      return OpenSslError(ErrorCode::kInvalidData, "malformed certificate request");
    }
    CM_ASSIGN_OR_RETURN(auto info, DescribeCsr(req.get()));
    return InspectedItem{Kind::kCertificateRequest, {}, info, {}};
  }
  if (label == "ENCRYPTED PRIVATE KEY") {
    ossl::X509SigPtr sig(d2i_X509_SIG(nullptr, &p, len));
    if (!sig) {
      return OpenSslError(ErrorCode::kInvalidData, "malformed encrypted key");
    }
    return InspectEncryptedPkcs8(sig.get(), password);
  }
  if (label == "PRIVATE KEY") {
    ossl::Pkcs8PrivKeyInfoPtr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, len));
    ossl::EvpPkeyPtr pkey(p8 ? EVP_PKCS82PKEY(p8.get()) : nullptr);
    if (!pkey) {
      return OpenSslError(ErrorCode::kInvalidData, "malformed PKCS#8 key");
    }
    return InspectedItem{Kind::kPrivateKey, {}, {}, OpenedKey(pkey.get(), "PKCS#8", false, "")};
  }
  if (label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY") {
    return InspectTraditionalKey(label, header, der, len, password);
  }
  if (label == "PUBLIC KEY") {
    ossl::EvpPkeyPtr pkey(d2i_PUBKEY(nullptr, &p, len));
    if (!pkey) {
      return OpenSslError(ErrorCode::kInvalidData, "malformed public key");
    }
    KeyInfo k = OpenedKey(pkey.get(), "SubjectPublicKeyInfo", false, "");
    k.is_private = false;
    return InspectedItem{Kind::kPublicKey, {}, {}, k};
  }
  return MakeError(ErrorCode::kInvalidData, "unsupported PEM block type");
}

Result<std::vector<InspectedItem>> InspectPem(std::string_view data, const SecretString* password,
                                              TimePoint now) {
  auto bio = ossl::ReadOnlyMemBio(data.data(), data.size());
  if (!bio) {
    return MakeError(ErrorCode::kInvalidData, "file too large");
  }
  std::vector<InspectedItem> items;
  for (int index = 1;; ++index) {
    char* name_raw = nullptr;
    char* header_raw = nullptr;
    unsigned char* der_raw = nullptr;
    long len = 0;  // NOLINT(runtime/int)
    if (PEM_read_bio(bio.get(), &name_raw, &header_raw, &der_raw, &len) != 1) {
      break;
    }
    ossl::OpenSslStringPtr name(name_raw);
    ossl::OpenSslStringPtr header(header_raw);
    // The DER may be a private key: wiped when freed, on every path.
    struct WipedDer {
      unsigned char* p;
      long n;  // NOLINT(runtime/int)
      ~WipedDer() { OPENSSL_clear_free(p, n > 0 ? static_cast<size_t>(n) : 0); }
      unsigned char* get() const { return p; }
    } der{der_raw, len};
    const std::string label = name.get();
    auto item = InspectPemBlock(label, header.get(), der.get(), len, password, now);
    if (!item) {
      item.error().AddContext(fmt::format("PEM block {} ({})", index, label));
      return tl::unexpected(std::move(item).error());
    }
    items.push_back(std::move(*item));
  }
  ClearOpenSslErrors();
  if (items.empty()) {
    return MakeError(ErrorCode::kInvalidData, "no PEM object found");
  }
  return items;
}

Result<std::vector<InspectedItem>> InspectDer(std::string_view data, const SecretString* password,
                                              TimePoint now) {
  if (data.size() > INT_MAX) {
    return MakeError(ErrorCode::kInvalidData, "file too large");
  }
  const auto* begin = reinterpret_cast<const unsigned char*>(data.data());
  const long len = static_cast<long>(data.size());  // NOLINT(runtime/int)
  const unsigned char* p = begin;
  if (ossl::X509Ptr x(d2i_X509(nullptr, &p, len)); x && p == begin + len) {
    return std::vector<InspectedItem>{
        {Kind::kCertificate, DescribeCertificate(Certificate::Adopt(std::move(x)), now), {}, {}}};
  }
  p = begin;
  if (ossl::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, len)); req && p == begin + len) {
    CM_ASSIGN_OR_RETURN(auto info, DescribeCsr(req.get()));
    return std::vector<InspectedItem>{{Kind::kCertificateRequest, {}, info, {}}};
  }
  p = begin;
  if (ossl::X509SigPtr sig(d2i_X509_SIG(nullptr, &p, len)); sig && p == begin + len) {
    CM_ASSIGN_OR_RETURN(auto item, InspectEncryptedPkcs8(sig.get(), password));
    return std::vector<InspectedItem>{item};
  }
  p = begin;
  if (ossl::Pkcs8PrivKeyInfoPtr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, len));
      p8 && p == begin + len) {
    if (ossl::EvpPkeyPtr pkey(EVP_PKCS82PKEY(p8.get())); pkey) {
      return std::vector<InspectedItem>{
          {Kind::kPrivateKey, {}, {}, OpenedKey(pkey.get(), "PKCS#8", false, "")}};
    }
  }
  ClearOpenSslErrors();
  return MakeError(ErrorCode::kInvalidData,
                   "not a recognised file (expected a JKS, JCEKS or PKCS#12 store, PEM, or a "
                   "DER certificate, certificate request or PKCS#8 key)");
}

}  // namespace

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kCertificate:
      return "certificate";
    case Kind::kCertificateRequest:
      return "certificate request";
    case Kind::kPrivateKey:
      return "private key";
    case Kind::kPublicKey:
      return "public key";
  }
  return "?";
}

Result<std::vector<InspectedItem>> InspectData(std::string_view data, const SecretString* password,
                                               TimePoint now) {
  if (data.empty()) {
    return MakeError(ErrorCode::kInvalidData, "the file is empty");
  }
  if (IsPem(data)) {
    return InspectPem(data, password, now);
  }
  return InspectDer(data, password, now);
}

}  // namespace certmint
