#include "stores/jks.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <climits>
#include <cstring>
#include <limits>

#include "core/random.h"
#include "keys/pbe_limits.h"
#include "stores/byte_reader.h"

namespace certmint {
namespace {

constexpr uint32_t kJksMagic = 0xFEEDFEED;
constexpr uint32_t kJceksMagic = 0xCECECECE;
constexpr uint32_t kPrivateKeyTag = 1;
constexpr uint32_t kTrustedCertTag = 2;
constexpr uint32_t kSecretKeyTag = 3;
constexpr const char* kKeyProtectorOid = "1.3.6.1.4.1.42.2.17.1.1";
constexpr const char* kJceKeyProtectorOid = "1.3.6.1.4.1.42.2.19.1";
constexpr std::string_view kWhitener = "Mighty Aphrodite";
constexpr size_t kDigestLen = 20;
constexpr size_t kSaltLen = 20;

// A SHA-1 over several parts. Secret: over the password, the digests are the
// KeyProtector's key stream.
SecretBytes Sha1Of(std::initializer_list<std::string_view> parts) {
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  SecretBytes out;
  out.resize(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr);
  for (auto p : parts) {
    EVP_DigestUpdate(ctx.get(), p.data(), p.size());
  }
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  out.resize(len);
  return out;
}

// Sun's KeyProtector keystream: D1 = SHA1(pw || salt), Dn = SHA1(pw || Dn-1).
SecretBytes Keystream(std::string_view pw16, std::string_view salt, size_t len) {
  SecretBytes out;
  out.reserve(len + kDigestLen);
  SecretBytes d(salt);
  while (out.size() < len) {
    d = Sha1Of({pw16, d.reveal()});
    out.append(d.reveal());
  }
  out.resize(len);
  return out;
}

}  // namespace

// The UTF-16BE form of a password, as Java hashes its char[].
Result<SecretBytes> PasswordUtf16Be(std::string_view utf8) {
  SecretBytes out;
  // Two bytes for each UTF-8 byte at most: the bytes are written once.
  out.reserve(2 * utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = 0;
    size_t n = 0;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      n = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      n = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      n = 4;
    } else {
      return MakeError(ErrorCode::kInvalidArgument, "the password is not valid UTF-8");
    }
    if (i + n > utf8.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "the password is not valid UTF-8");
    }
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(utf8[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return MakeError(ErrorCode::kInvalidArgument, "the password is not valid UTF-8");
      }
      cp = cp << 6 | (cc & 0x3F);
    }
    i += n;
    auto put = [&](uint32_t u) {
      out.push_back(static_cast<uint8_t>(u >> 8));
      out.push_back(static_cast<uint8_t>(u & 0xFF));
    };
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

namespace {

Result<std::string> ProtectKey(std::string_view pkcs8, std::string_view pw16) {
  CM_ASSIGN_OR_RETURN(auto salt_bytes, RandomBytes(kSaltLen));
  std::string salt(salt_bytes.begin(), salt_bytes.end());
  const SecretBytes ks = Keystream(pw16, salt, pkcs8.size());
  std::string blob = salt;
  for (size_t i = 0; i < pkcs8.size(); ++i) {
    blob.push_back(static_cast<char>(static_cast<uint8_t>(pkcs8[i]) ^ ks[i]));
  }
  blob += Sha1Of({pw16, pkcs8}).reveal();

  ossl::X509SigPtr sig(X509_SIG_new());
  X509_ALGOR* alg = nullptr;
  ASN1_OCTET_STRING* digest = nullptr;
  X509_SIG_getm(sig.get(), &alg, &digest);
  ossl::Asn1ObjectPtr oid(OBJ_txt2obj(kKeyProtectorOid, 1));
  if (!oid || X509_ALGOR_set0(alg, oid.get(), V_ASN1_NULL, nullptr) != 1) {
    return OpenSslError(ErrorCode::kInternal, "encoding the JKS key protector failed");
  }
  oid.release();  // owned by `alg` now
  if (ASN1_OCTET_STRING_set(digest, reinterpret_cast<const unsigned char*>(blob.data()),
                            static_cast<int>(blob.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "encoding the JKS key failed");
  }
  unsigned char* der = nullptr;
  int len = i2d_X509_SIG(sig.get(), &der);
  if (len <= 0) {
    return OpenSslError(ErrorCode::kInternal, "encoding the JKS key failed");
  }
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(der));
  return std::string(owner.get(), static_cast<size_t>(len));
}

std::string OidText(const ASN1_OBJECT* obj) {
  char buf[128];
  OBJ_obj2txt(buf, sizeof(buf), obj, 1);
  return buf;
}

Result<SecretBytes> RecoverJksKey(std::string_view blob, std::string_view pw16) {
  if (blob.size() < kSaltLen + kDigestLen) {
    return MakeError(ErrorCode::kInvalidData, "protected key too short");
  }
  std::string_view salt = blob.substr(0, kSaltLen);
  std::string_view enc = blob.substr(kSaltLen, blob.size() - kSaltLen - kDigestLen);
  std::string_view check = blob.substr(blob.size() - kDigestLen);
  const SecretBytes ks = Keystream(pw16, salt, enc.size());
  SecretBytes plain;
  plain.resize(enc.size());
  for (size_t i = 0; i < enc.size(); ++i) {
    plain[i] = static_cast<uint8_t>(static_cast<uint8_t>(enc[i]) ^ ks[i]);
  }
  if (Sha1Of({pw16, plain.reveal()}).reveal() != check) {
    return MakeError(ErrorCode::kBadPassword, "cannot recover the key: wrong key password");
  }
  return plain;
}

// PBEParameter (PKCS#5): an 8-byte salt and an iteration count.
struct JcePbeParams {
  std::string salt;
  long iterations = 0;  // NOLINT(runtime/int)
};

Result<JcePbeParams> ReadJcePbeParams(const X509_ALGOR* alg) {
  const void* param = nullptr;
  int ptype = 0;
  X509_ALGOR_get0(nullptr, &ptype, &param, alg);
  if (ptype != V_ASN1_SEQUENCE) {
    return MakeError(ErrorCode::kInvalidData, "JCEKS key without PBE parameters");
  }
  const auto* seq = static_cast<const ASN1_STRING*>(param);
  const unsigned char* p = ASN1_STRING_get0_data(seq);
  std::unique_ptr<PBEPARAM, ossl::Deleter<PBEPARAM_free>> pbe(
      d2i_PBEPARAM(nullptr, &p, ASN1_STRING_length(seq)));
  if (!pbe || ASN1_STRING_length(pbe->salt) != 8) {
    return OpenSslError(ErrorCode::kInvalidData, "malformed JCEKS PBE parameters");
  }
  long iterations = ASN1_INTEGER_get(pbe->iter);  // NOLINT(runtime/int)
  // JCEKS iteration counts are bounded as every KDF's is (keys/pbe_limits.h).
  if (iterations < 1 || iterations > kMaxKdfIterations) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("JCEKS iteration count {} out of range (certmint's limit is {})",
                                 iterations, kMaxKdfIterations));
  }
  return JcePbeParams{
      std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(pbe->salt)), 8), iterations};
}

// SunJCE's PBEWithMD5AndTripleDES key derivation: the 8-byte salt is split
// in halves (the first reversed if both are equal); each half is hashed
// with the password `iterations` times: H0 = half, Hn = MD5(Hn-1 || pw).
// The 32 bytes give the 3DES key (24) and the IV (8).
SecretBytes DeriveJceKey(JcePbeParams params, std::string_view pw) {
  std::string& salt = params.salt;
  if (salt.compare(0, 4, salt, 4, 4) == 0) {
    std::swap(salt[0], salt[3]);
    std::swap(salt[1], salt[2]);
  }
  SecretBytes derived;
  derived.reserve(2 * EVP_MAX_MD_SIZE);
  for (int half = 0; half < 2; ++half) {
    SecretBytes h(std::string_view(salt).substr(static_cast<size_t>(half) * 4, 4));
    h.reserve(EVP_MAX_MD_SIZE);
    for (long i = 0; i < params.iterations; ++i) {  // NOLINT(runtime/int)
      unsigned int len = 0;
      ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
      EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr);
      EVP_DigestUpdate(ctx.get(), h.data(), h.size());
      EVP_DigestUpdate(ctx.get(), pw.data(), pw.size());
      h.resize(EVP_MAX_MD_SIZE);
      EVP_DigestFinal_ex(ctx.get(), h.data(), &len);
      h.resize(len);
    }
    derived.append(h.reveal());
  }
  return derived;
}

Result<SecretBytes> RecoverJceksKey(const X509_ALGOR* alg, std::string_view enc,
                                    const SecretString& password, KdfBudget& budget) {
  CM_ASSIGN_OR_RETURN(auto params, ReadJcePbeParams(alg));
  CM_RETURN_IF_ERROR(budget.Spend(params.iterations, "JCEKS key"));
  SecretBytes pw;
  pw.reserve(password.size());
  for (char c : password.reveal()) {
    if (static_cast<unsigned char>(c) > 0x7f) {
      return MakeError(ErrorCode::kBadPassword, "JCEKS key passwords must be ASCII");
    }
    pw.push_back(static_cast<uint8_t>(c));
  }
  const SecretBytes derived = DeriveJceKey(std::move(params), pw.reveal());
  std::unique_ptr<EVP_CIPHER_CTX, ossl::Deleter<EVP_CIPHER_CTX_free>> cctx(EVP_CIPHER_CTX_new());
  SecretBytes plain;
  plain.resize(enc.size() + 16);
  int n1 = 0;
  int n2 = 0;
  const uint8_t* key = derived.data();
  bool ok = cctx &&
            EVP_DecryptInit_ex(cctx.get(), EVP_des_ede3_cbc(), nullptr, key, key + 24) == 1 &&
            EVP_DecryptUpdate(cctx.get(), plain.data(), &n1,
                              reinterpret_cast<const unsigned char*>(enc.data()),
                              static_cast<int>(enc.size())) == 1 &&
            EVP_DecryptFinal_ex(cctx.get(), plain.data() + n1, &n2) == 1;
  if (!ok) {
    ClearOpenSslErrors();
    return MakeError(ErrorCode::kBadPassword, "cannot recover the key: wrong key password");
  }
  plain.resize(static_cast<size_t>(n1 + n2));
  return plain;
}

Result<PrivateKey> OpenKey(std::string_view epki, bool jceks, std::string_view pw16,
                           const SecretString& password, KdfBudget& budget) {
  const auto* p = reinterpret_cast<const unsigned char*>(epki.data());
  ossl::X509SigPtr sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(epki.size())));  // NOLINT
  if (!sig) {
    return OpenSslError(ErrorCode::kInvalidData, "malformed protected key");
  }
  const X509_ALGOR* alg = nullptr;
  const ASN1_OCTET_STRING* data = nullptr;
  X509_SIG_get0(sig.get(), &alg, &data);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
  const std::string oid_text = OidText(oid);
  std::string_view blob(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                        static_cast<size_t>(ASN1_STRING_length(data)));
  SecretBytes pkcs8;
  if (oid_text == kKeyProtectorOid) {
    CM_ASSIGN_OR_RETURN(pkcs8, RecoverJksKey(blob, pw16));
  } else if (jceks && oid_text == kJceKeyProtectorOid) {
    CM_ASSIGN_OR_RETURN(pkcs8, RecoverJceksKey(alg, blob, password, budget));
  } else {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("unsupported key protection algorithm {}", oid_text));
  }
  auto key = PrivateKey::FromPkcs8Der(pkcs8.reveal());
  if (!key && jceks) {
    // 3DES with a wrong key passes its padding check one time in 256.
    return MakeError(ErrorCode::kBadPassword, "cannot recover the key: wrong key password");
  }
  return key;
}

int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Java stores any long; system_clock counts nanoseconds in an int64, so
// creation dates past the year 2262 (from a corrupted or hostile file) are
// read as unknown rather than overflowing.
TimePoint FromMillis(int64_t ms) {
  constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / 1000000;
  if (ms > kLimit || ms < -kLimit) {
    return TimePoint{};
  }
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

// Version 1 stores have no certificate type strings.
Result<Certificate> ReadCert(ByteReader& r, uint32_t version) {
  if (version == 1) {
    CM_ASSIGN_OR_RETURN(auto der, r.Blob());
    return Certificate::FromDer(der);
  }
  CM_ASSIGN_OR_RETURN(auto type, r.Utf());
  if (type != "X.509") {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("unsupported certificate type '{}'", type));
  }
  CM_ASSIGN_OR_RETURN(auto der, r.Blob());
  return Certificate::FromDer(der);
}

struct StoreHeader {
  bool jceks = false;
  uint32_t version = 0;
};

Result<StoreHeader> ReadStoreHeader(ByteReader& r) {
  CM_ASSIGN_OR_RETURN(uint32_t magic, r.U32());
  if (magic != kJksMagic && magic != kJceksMagic) {
    return MakeError(ErrorCode::kInvalidData, "not a JKS or JCEKS store (wrong magic number)");
  }
  CM_ASSIGN_OR_RETURN(uint32_t version, r.U32());
  if (version != 1 && version != 2) {
    return MakeError(ErrorCode::kInvalidData, fmt::format("unsupported store version {}", version));
  }
  return StoreHeader{magic == kJceksMagic, version};
}

// The trailer: SHA-1 of the UTF-16BE password, the whitener and every byte
// before it.
Status CheckIntegrity(std::string_view data, const SecretString& password) {
  CM_ASSIGN_OR_RETURN(auto pw16, PasswordUtf16Be(password.reveal()));
  if (Sha1Of({pw16.reveal(), kWhitener, data.substr(0, data.size() - kDigestLen)}).reveal() !=
      data.substr(data.size() - kDigestLen)) {
    return MakeError(ErrorCode::kBadPassword,
                     "integrity check failed: wrong password or corrupted file");
  }
  return {};
}

// The password that opens the key entries, as JKS (UTF-16BE) and JCEKS
// (the text) use it.
struct KeyPassword {
  const SecretString* text = nullptr;  // null: none was given
  SecretBytes utf16;
};

// Reads the entry at the reader's position into `store`; a JCEKS key's
// derivation is paid from `budget`, the whole file's.
Status ReadEntry(ByteReader& r, const StoreHeader& header, const KeyPassword& kpw,
                 KdfBudget& budget, KeyStore& store) {
  CM_ASSIGN_OR_RETURN(uint32_t tag, r.U32());
  CM_ASSIGN_OR_RETURN(auto alias, r.Utf());
  CM_ASSIGN_OR_RETURN(int64_t ms, r.I64());
  if (tag == kPrivateKeyTag) {
    CM_ASSIGN_OR_RETURN(auto epki, r.Blob());
    CM_ASSIGN_OR_RETURN(uint32_t chain_len, r.U32());
    if (chain_len > r.remaining() / 6) {
      return MakeError(ErrorCode::kInvalidData,
                       fmt::format("chain length {} is impossible", chain_len));
    }
    std::vector<Certificate> chain;
    for (uint32_t k = 0; k < chain_len; ++k) {
      CM_ASSIGN_OR_RETURN(auto c, ReadCert(r, header.version));
      chain.push_back(std::move(c));
    }
    if (kpw.text == nullptr) {
      return MakeError(ErrorCode::kBadPassword,
                       "the store holds private keys: give its password to read it");
    }
    CM_ASSIGN_OR_RETURN(auto key,
                        OpenKey(epki, header.jceks, kpw.utf16.reveal(), *kpw.text, budget));
    store.keys.push_back({alias, std::move(key), std::move(chain), FromMillis(ms)});
  } else if (tag == kTrustedCertTag) {
    CM_ASSIGN_OR_RETURN(auto cert, ReadCert(r, header.version));
    store.trusted.push_back({alias, std::move(cert), FromMillis(ms)});
  } else if (tag == kSecretKeyTag && header.jceks) {
    // A serialized Java object: listed, not read. It is the last part of
    // the entry, so nothing after it can be parsed reliably.
    store.unsupported_entries.push_back(alias + " (secret key)");
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("entry '{}' is a secret key, which certmint cannot read", alias));
  } else {
    return MakeError(ErrorCode::kInvalidData, fmt::format("unknown entry tag {}", tag));
  }
  return {};
}

}  // namespace

Result<std::string> WriteJks(const KeyStore& store, const SecretString& password, TimePoint now) {
  if (!store.unsupported_entries.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the store holds entries JKS cannot carry");
  }
  CM_RETURN_IF_ERROR(CheckAliases(store));
  CM_ASSIGN_OR_RETURN(auto pw16, PasswordUtf16Be(password.reveal()));
  ByteWriter w;
  w.U32(kJksMagic);
  w.U32(2);
  w.U32(static_cast<uint32_t>(store.size()));
  auto created = [&](TimePoint t) { return ToMillis(t == TimePoint{} ? now : t); };
  for (const auto& e : store.keys) {
    if (e.chain.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("key entry '{}' has no certificate", e.alias));
    }
    w.U32(kPrivateKeyTag);
    w.Utf(NormalizeAlias(e.alias));
    w.I64(created(e.created));
    CM_ASSIGN_OR_RETURN(auto pkcs8, e.key.ToPkcs8Der());
    CM_ASSIGN_OR_RETURN(auto protected_key, ProtectKey(pkcs8.reveal(), pw16.reveal()));
    w.Blob(protected_key);
    w.U32(static_cast<uint32_t>(e.chain.size()));
    for (const auto& c : e.chain) {
      w.Utf("X.509");
      w.Blob(c.ToDer());
    }
  }
  for (const auto& e : store.trusted) {
    w.U32(kTrustedCertTag);
    w.Utf(NormalizeAlias(e.alias));
    w.I64(created(e.created));
    w.Utf("X.509");
    w.Blob(e.certificate.ToDer());
  }
  const SecretBytes digest = Sha1Of({pw16.reveal(), kWhitener, w.str()});
  w.Bytes(digest.reveal());
  return std::move(w.str());
}

Result<KeyStore> ReadJavaKeyStore(std::string_view data, const SecretString* password,
                                  const SecretString* key_password) {
  if (data.size() < 12 + kDigestLen) {
    return MakeError(ErrorCode::kInvalidData, "too short to be a Java key store");
  }
  ByteReader r(data.substr(0, data.size() - kDigestLen));
  CM_ASSIGN_OR_RETURN(auto header, ReadStoreHeader(r));
  KeyStore store;
  if (password != nullptr) {
    CM_RETURN_IF_ERROR(CheckIntegrity(data, *password));
  } else {
    store.integrity_unchecked = true;
  }
  KeyPassword kpw;
  kpw.text = key_password != nullptr ? key_password : password;
  if (kpw.text != nullptr) {
    CM_ASSIGN_OR_RETURN(kpw.utf16, PasswordUtf16Be(kpw.text->reveal()));
  }
  CM_ASSIGN_OR_RETURN(uint32_t count, r.U32());
  // The smallest entry takes 22 bytes: refuse counts the file cannot hold
  // before reserving anything.
  if (count > r.remaining() / 22) {
    return MakeError(
        ErrorCode::kInvalidData,
        fmt::format("entry count {} is impossible for a {}-byte file", count, data.size()));
  }
  KdfBudget budget;
  for (uint32_t i = 0; i < count; ++i) {
    if (auto entry = ReadEntry(r, header, kpw, budget, store); !entry) {
      entry.error().AddContext(fmt::format("entry {}", i + 1));
      return tl::unexpected(entry.error());
    }
  }
  if (r.remaining() != 0) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{} unexpected bytes after the last entry", r.remaining()));
  }
  return store;
}

}  // namespace certmint
