#include "stores/pkcs12.h"

#include <fmt/format.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <climits>
#include <map>

#include "keys/pbe_limits.h"

namespace certmint {
namespace {

constexpr const char* kTrustedKeyUsageOid = "2.16.840.1.113894.746875.1.1";
constexpr const char* kAnyExtendedKeyUsageOid = "2.5.29.37.0";

using Pkcs12Ptr = std::unique_ptr<PKCS12, ossl::Deleter<PKCS12_free>>;
using SafeBagsPtr =
    std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), ossl::Deleter<[](STACK_OF(PKCS12_SAFEBAG) * s) {
                      sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
                    }>>;
using Pkcs7StackPtr =
    std::unique_ptr<STACK_OF(PKCS7),
                    ossl::Deleter<[](STACK_OF(PKCS7) * s) { sk_PKCS7_pop_free(s, PKCS7_free); }>>;

// Password arguments as OpenSSL's PKCS#12 functions take them: NULL for
// "no password" (Java's null), distinct from "".
struct Pass {
  const char* ptr = nullptr;
  int len = 0;
};
Pass PassOf(const SecretString* p) {
  return p == nullptr ? Pass{} : Pass{p->c_str(), static_cast<int>(p->size())};
}

Status AddFriendlyName(PKCS12_SAFEBAG* bag, std::string_view alias) {
  if (PKCS12_add_friendlyname_utf8(bag, alias.data(), static_cast<int>(alias.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding friendlyName failed");
  }
  return {};
}

Status AddLocalKeyId(PKCS12_SAFEBAG* bag, std::string_view id) {
  if (PKCS12_add_localkeyid(bag, reinterpret_cast<unsigned char*>(const_cast<char*>(id.data())),
                            static_cast<int>(id.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding localKeyId failed");
  }
  return {};
}

Status AddTrustedKeyUsage(PKCS12_SAFEBAG* bag) {
  ossl::Asn1ObjectPtr any_eku(OBJ_txt2obj(kAnyExtendedKeyUsageOid, 1));
  if (!any_eku ||
      PKCS12_add1_attr_by_txt(bag, kTrustedKeyUsageOid, V_ASN1_OBJECT,
                              reinterpret_cast<const unsigned char*>(any_eku.get()), -1) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding the trusted-key-usage attribute failed");
  }
  return {};
}

bool HasTrustedKeyUsage(const PKCS12_SAFEBAG* bag) {
  const STACK_OF(X509_ATTRIBUTE)* attrs = PKCS12_SAFEBAG_get0_attrs(bag);
  for (int i = 0; i < sk_X509_ATTRIBUTE_num(attrs); ++i) {
    const X509_ATTRIBUTE* a = sk_X509_ATTRIBUTE_value(attrs, i);
    char buf[64];
    OBJ_obj2txt(buf, sizeof(buf), X509_ATTRIBUTE_get0_object(const_cast<X509_ATTRIBUTE*>(a)), 1);
    if (std::string_view(buf) == kTrustedKeyUsageOid) {
      return true;
    }
  }
  return false;
}

std::string FriendlyName(PKCS12_SAFEBAG* bag) {
  ossl::OpenSslStringPtr name(PKCS12_get_friendlyname(bag));
  return name ? std::string(name.get()) : std::string();
}

std::string LocalKeyId(const PKCS12_SAFEBAG* bag) {
  const ASN1_TYPE* t = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID);
  if (t == nullptr || t->type != V_ASN1_OCTET_STRING) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t->value.octet_string)),
                     static_cast<size_t>(ASN1_STRING_length(t->value.octet_string)));
}

// The certificate bags of a store being written: every certificate goes in
// once; CA certificates of the chains become trusted entries only when the
// store also lists them as trusted.
struct CertBagWriter {
  const KeyStore& store;
  STACK_OF(PKCS12_SAFEBAG) * bags;
  std::vector<std::string> written;  // SHA-256 fingerprints
};

std::optional<std::string> TrustedAlias(const KeyStore& store, const Certificate& c) {
  for (const auto& t : store.trusted) {
    if (t.certificate.Sha256Fingerprint() == c.Sha256Fingerprint()) {
      return NormalizeAlias(t.alias);
    }
  }
  return std::nullopt;
}

Status AddCaCert(const Certificate& c, CertBagWriter& certs) {
  if (std::find(certs.written.begin(), certs.written.end(), c.Sha256Fingerprint()) !=
      certs.written.end()) {
    return {};
  }
  PKCS12_SAFEBAG* bag = PKCS12_add_cert(&certs.bags, c.native());
  if (bag == nullptr) {
    return OpenSslError(ErrorCode::kInternal, "adding a certificate failed");
  }
  if (auto alias = TrustedAlias(certs.store, c)) {
    CM_RETURN_IF_ERROR(AddFriendlyName(bag, *alias));
    CM_RETURN_IF_ERROR(AddTrustedKeyUsage(bag));
  }
  certs.written.push_back(c.Sha256Fingerprint());
  return {};
}

// The entry's chain into `certs`, its key, encrypted, into `key_bags`.
Status AddKeyEntry(const KeyEntry& e, int key_nid, const SecretString& password,
                   CertBagWriter& certs, STACK_OF(PKCS12_SAFEBAG) * &key_bags) {
  if (e.chain.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("key entry '{}' has no certificate", e.alias));
  }
  const std::string alias = NormalizeAlias(e.alias);
  const std::string key_id = Sha1(e.chain[0].ToDer());
  PKCS12_SAFEBAG* leaf = PKCS12_add_cert(&certs.bags, e.chain[0].native());
  if (leaf == nullptr) {
    return OpenSslError(ErrorCode::kInternal, "adding a certificate failed");
  }
  // The leaf: friendlyName and localKeyId, never the trust attribute.
  CM_RETURN_IF_ERROR(AddFriendlyName(leaf, alias));
  CM_RETURN_IF_ERROR(AddLocalKeyId(leaf, key_id));
  certs.written.push_back(e.chain[0].Sha256Fingerprint());
  for (size_t i = 1; i < e.chain.size(); ++i) {
    CM_RETURN_IF_ERROR(AddCaCert(e.chain[i], certs));
  }
  PKCS12_SAFEBAG* key = PKCS12_add_key_ex(&key_bags, e.key.native(), 0, kPkcs12Iterations, key_nid,
                                          password.c_str(), nullptr, nullptr);
  if (key == nullptr) {
    return OpenSslError(ErrorCode::kInternal, "encrypting the private key failed");
  }
  CM_RETURN_IF_ERROR(AddFriendlyName(key, alias));
  CM_RETURN_IF_ERROR(AddLocalKeyId(key, key_id));
  return {};
}

// The PFX: the certificate safe (encrypted unless passwordless), the key
// safe, and the MAC.
Result<std::string> EncodePkcs12(STACK_OF(PKCS12_SAFEBAG) * cert_bags,
                                 STACK_OF(PKCS12_SAFEBAG) * key_bags, const SecretString& password,
                                 const Pkcs12Options& options) {
  const bool legacy = options.profile == Pkcs12Profile::kLegacy;
  const int cert_nid = options.passwordless
                           ? -1
                           : (legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : NID_aes_256_cbc);
  const int pass_len = static_cast<int>(password.size());
  Pkcs7StackPtr safes(sk_PKCS7_new_null());
  STACK_OF(PKCS7)* sp = safes.get();
  if (sk_PKCS12_SAFEBAG_num(cert_bags) > 0 &&
      PKCS12_add_safe_ex(&sp, cert_bags, cert_nid, kPkcs12Iterations,
                         options.passwordless ? nullptr : password.c_str(), nullptr,
                         nullptr) != 1) {
    return OpenSslError(ErrorCode::kInternal, "encrypting the certificates failed");
  }
  if (sk_PKCS12_SAFEBAG_num(key_bags) > 0 &&
      PKCS12_add_safe_ex(&sp, key_bags, -1, 0, nullptr, nullptr, nullptr) != 1) {
    return OpenSslError(ErrorCode::kInternal, "adding the key safe failed");
  }
  Pkcs12Ptr p12(PKCS12_add_safes_ex(sp, 0, nullptr, nullptr));
  if (!p12) {
    return OpenSslError(ErrorCode::kInternal, "building the PKCS#12 file failed");
  }
  if (!options.passwordless &&
      PKCS12_set_mac(p12.get(), password.c_str(), pass_len, nullptr, 0, kPkcs12Iterations,
                     legacy ? EVP_sha1() : EVP_sha256()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "computing the PKCS#12 MAC failed");
  }
  unsigned char* der = nullptr;
  int len = i2d_PKCS12(p12.get(), &der);
  if (len <= 0) {
    return OpenSslError(ErrorCode::kInternal, "encoding the PKCS#12 file failed");
  }
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(der));
  return std::string(owner.get(), static_cast<size_t>(len));
}

// Sets store.integrity_unchecked when there is no MAC or no password to
// check it with. RFC 7292 §4: MacData's iterations default to 1.
Status CheckMac(PKCS12* p12, const SecretString* password, KdfBudget& budget, KeyStore& store) {
  if (PKCS12_mac_present(p12) != 1) {
    store.integrity_unchecked = true;
    return {};
  }
  const ASN1_INTEGER* iter = nullptr;
  PKCS12_get0_mac(nullptr, nullptr, nullptr, &iter, p12);
  int64_t n = 1;
  if (iter != nullptr && (ASN1_INTEGER_get_int64(&n, iter) != 1 || n < 1)) {
    ClearOpenSslErrors();
    n = 0;  // refused by Spend
  }
  CM_RETURN_IF_ERROR(budget.Spend(n, "the MAC"));
  const Pass pass = PassOf(password);
  if (password == nullptr) {
    store.integrity_unchecked = true;
  } else if (PKCS12_verify_mac(p12, pass.ptr, pass.len) != 1) {
    return OpenSslError(ErrorCode::kBadPassword,
                        "integrity check failed: wrong password or corrupted file");
  }
  return {};
}

// What the safes hold, before keys are matched with their certificates.
struct CertBag {
  Certificate cert;
  std::string alias;
  std::string key_id;
  bool trusted;
};
struct KeyBag {
  PrivateKey key;
  std::string alias;
  std::string key_id;
};
struct Bags {
  std::vector<CertBag> certs;
  std::vector<KeyBag> keys;
};

// The bags of one safe; null for an encrypted safe read without a password,
// which Java skips too.
Result<SafeBagsPtr> UnpackSafe(PKCS7* p7, const SecretString* password, KdfBudget& budget) {
  const int type = OBJ_obj2nid(p7->type);
  if (type == NID_pkcs7_data) {
    SafeBagsPtr bags(PKCS12_unpack_p7data(p7));
    if (!bags) {
      return OpenSslError(ErrorCode::kInvalidData, "malformed PKCS#12 safe");
    }
    return bags;
  }
  if (type != NID_pkcs7_encrypted) {
    return MakeError(ErrorCode::kInvalidData, "unsupported PKCS#12 safe type");
  }
  if (password == nullptr) {
    return SafeBagsPtr();
  }
  if (p7->d.encrypted == nullptr || p7->d.encrypted->enc_data == nullptr) {
    return MakeError(ErrorCode::kInvalidData, "malformed PKCS#12 encrypted safe");
  }
  CM_RETURN_IF_ERROR(budget.SpendFor(p7->d.encrypted->enc_data->algorithm, "an encrypted safe"));
  const Pass pass = PassOf(password);
  SafeBagsPtr bags(PKCS12_unpack_p7encdata(p7, pass.ptr, pass.len));
  if (!bags) {
    return OpenSslError(ErrorCode::kBadPassword,
                        "cannot decrypt the certificates: wrong password or unsupported "
                        "algorithm");
  }
  return bags;
}

// A keyBag or pkcs8ShroudedKeyBag (`nid`), decrypted with `password`.
Result<PrivateKey> ReadKeyBag(PKCS12_SAFEBAG* bag, int nid, const SecretString* password,
                              KdfBudget& budget) {
  ossl::Pkcs8PrivKeyInfoPtr decrypted;
  const PKCS8_PRIV_KEY_INFO* p8 = nullptr;
  if (nid == NID_keyBag) {
    p8 = PKCS12_SAFEBAG_get0_p8inf(bag);
  } else {
    if (password == nullptr) {
      return MakeError(ErrorCode::kBadPassword,
                       "the store holds private keys: give its password to read it");
    }
    const X509_SIG* shrouded = PKCS12_SAFEBAG_get0_pkcs8(bag);
    const X509_ALGOR* alg = nullptr;
    if (shrouded != nullptr) {
      X509_SIG_get0(shrouded, &alg, nullptr);
    }
    CM_RETURN_IF_ERROR(budget.SpendFor(alg, "a shrouded key bag"));
    const Pass pass = PassOf(password);
    decrypted.reset(PKCS12_decrypt_skey(bag, pass.ptr, pass.len));
    if (!decrypted) {
      return OpenSslError(ErrorCode::kBadPassword,
                          "cannot decrypt the private key: wrong password or unsupported "
                          "algorithm");
    }
    p8 = decrypted.get();
  }
  ossl::EvpPkeyPtr pkey(p8 != nullptr ? EVP_PKCS82PKEY(p8) : nullptr);
  if (!pkey) {
    return OpenSslError(ErrorCode::kInvalidData, "unsupported private key");
  }
  unsigned char* der = nullptr;
  int len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
  const SecretBytes pkcs8(der, static_cast<size_t>(len > 0 ? len : 0));
  OPENSSL_clear_free(der, static_cast<size_t>(len > 0 ? len : 0));
  return PrivateKey::FromPkcs8Der(pkcs8.reveal());
}

// Certificate and key bags into `out`; other bags are ignored.
Status ReadBag(PKCS12_SAFEBAG* bag, const SecretString* password, KdfBudget& budget, Bags& out) {
  const int nid = PKCS12_SAFEBAG_get_nid(bag);
  if (nid == NID_certBag) {
    if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) {
      return {};
    }
    ossl::X509Ptr x(PKCS12_SAFEBAG_get1_cert(bag));
    if (!x) {
      return OpenSslError(ErrorCode::kInvalidData, "malformed certificate bag");
    }
    out.certs.push_back({Certificate::Adopt(std::move(x)), FriendlyName(bag), LocalKeyId(bag),
                         HasTrustedKeyUsage(bag)});
  } else if (nid == NID_keyBag || nid == NID_pkcs8ShroudedKeyBag) {
    CM_ASSIGN_OR_RETURN(auto key, ReadKeyBag(bag, nid, password, budget));
    out.keys.push_back({std::move(key), FriendlyName(bag), LocalKeyId(bag)});
  }
  return {};
}

Result<Bags> ReadSafes(PKCS12* p12, const SecretString* password, KdfBudget& budget) {
  Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12));
  if (!safes) {
    return OpenSslError(ErrorCode::kInvalidData, "malformed PKCS#12 contents");
  }
  Bags out;
  for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
    CM_ASSIGN_OR_RETURN(auto bags, UnpackSafe(sk_PKCS7_value(safes.get(), i), password, budget));
    for (int j = 0; bags && j < sk_PKCS12_SAFEBAG_num(bags.get()); ++j) {
      CM_RETURN_IF_ERROR(ReadBag(sk_PKCS12_SAFEBAG_value(bags.get(), j), password, budget, out));
    }
  }
  return out;
}

// The key's certificate: the one with its localKeyId, else the one with its
// public key; null if none.
const CertBag* FindLeaf(const KeyBag& k, const std::vector<CertBag>& certs) {
  for (const auto& c : certs) {
    if (!k.key_id.empty() && c.key_id == k.key_id) {
      return &c;
    }
  }
  for (const auto& c : certs) {
    if (c.cert.MatchesKey(k.key)) {
      return &c;
    }
  }
  return nullptr;
}

// Key entries with their chains, trusted entries, and the certificates that
// are neither.
Status AddEntries(const Bags& bags, KeyStore& store) {
  std::vector<Certificate> pool;
  for (const auto& c : bags.certs) {
    pool.push_back(c.cert);
  }
  std::vector<std::string> in_chains;
  for (const auto& k : bags.keys) {
    const CertBag* leaf = FindLeaf(k, bags.certs);
    if (leaf == nullptr) {
      return MakeError(ErrorCode::kInvalidData,
                       fmt::format("private key '{}' has no certificate", k.alias));
    }
    // Java lower-cases PKCS#12 aliases when it loads them; so does certmint.
    std::string alias = NormalizeAlias(!k.alias.empty()       ? k.alias
                                       : !leaf->alias.empty() ? leaf->alias
                                                              : "1");
    auto chain = BuildChain(leaf->cert, pool);
    for (const auto& c : chain) {
      in_chains.push_back(c.Sha256Fingerprint());
    }
    store.keys.push_back({alias, k.key, std::move(chain), TimePoint{}});
  }
  for (const auto& c : bags.certs) {
    if (c.trusted) {
      std::string alias = NormalizeAlias(!c.alias.empty() ? c.alias : c.cert.Subject().ToString());
      store.trusted.push_back({alias, c.cert, TimePoint{}});
    } else if (std::find(in_chains.begin(), in_chains.end(), c.cert.Sha256Fingerprint()) ==
               in_chains.end()) {
      store.loose_certificates.push_back(c.cert);
    }
  }
  return {};
}

}  // namespace

std::string_view Pkcs12ProfileName(Pkcs12Profile profile) {
  return profile == Pkcs12Profile::kLegacy ? "legacy" : "modern";
}

Result<Pkcs12Profile> ParsePkcs12Profile(std::string_view text) {
  if (text == "modern") {
    return Pkcs12Profile::kModern;
  }
  if (text == "legacy") {
    return Pkcs12Profile::kLegacy;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("unknown PKCS#12 profile '{}' (expected modern or legacy)", text));
}

Result<std::string> WritePkcs12(const KeyStore& store, const SecretString& password,
                                const Pkcs12Options& options) {
  if (options.passwordless && !store.keys.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a PKCS#12 store holding private keys cannot be passwordless");
  }
  CM_RETURN_IF_ERROR(CheckAliases(store));
  const bool legacy = options.profile == Pkcs12Profile::kLegacy;
  const int key_nid = legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : NID_aes_256_cbc;

  SafeBagsPtr cert_bags(sk_PKCS12_SAFEBAG_new_null());
  SafeBagsPtr key_bags(sk_PKCS12_SAFEBAG_new_null());
  if (!cert_bags || !key_bags) {
    return OpenSslError(ErrorCode::kInternal, "allocating PKCS#12 bags failed");
  }
  CertBagWriter certs{store, cert_bags.get(), {}};
  STACK_OF(PKCS12_SAFEBAG)* kb = key_bags.get();
  for (const auto& e : store.keys) {
    CM_RETURN_IF_ERROR(AddKeyEntry(e, key_nid, password, certs, kb));
  }
  for (const auto& t : store.trusted) {
    CM_RETURN_IF_ERROR(AddCaCert(t.certificate, certs));
  }
  return EncodePkcs12(certs.bags, kb, password, options);
}

Pkcs12Options Pkcs12FormOf(std::string_view der) {
  Pkcs12Options form;
  if (der.size() > INT_MAX) {
    return form;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (!p12) {
    ClearOpenSslErrors();
    return form;
  }
  if (PKCS12_mac_present(p12.get()) != 1) {
    form.passwordless = true;
    return form;
  }
  const X509_ALGOR* md = nullptr;
  PKCS12_get0_mac(nullptr, &md, nullptr, nullptr, p12.get());
  const ASN1_OBJECT* oid = nullptr;
  if (md != nullptr) {
    X509_ALGOR_get0(&oid, nullptr, nullptr, md);
  }
  if (oid != nullptr && OBJ_obj2nid(oid) == NID_sha1) {
    form.profile = Pkcs12Profile::kLegacy;
  }
  return form;
}

Result<KeyStore> ReadPkcs12(std::string_view data, const SecretString* password) {
  if (data.size() > INT_MAX) {
    return MakeError(ErrorCode::kInvalidData, "file too large");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));  // NOLINT
  if (!p12) {
    return OpenSslError(ErrorCode::kInvalidData, "not a PKCS#12 file");
  }
  KeyStore store;
  KdfBudget budget;
  CM_RETURN_IF_ERROR(CheckMac(p12.get(), password, budget, store));
  CM_ASSIGN_OR_RETURN(auto bags, ReadSafes(p12.get(), password, budget));
  CM_RETURN_IF_ERROR(AddEntries(bags, store));
  ClearOpenSslErrors();
  return store;
}

}  // namespace certmint
