#include "keys/private_key.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cctype>
#include <climits>
#include <cstring>
#include <optional>

#include "core/encoding.h"
#include "keys/pbe_limits.h"
#include "keys/rsa_keygen.h"

namespace certmint {
namespace {

// PEM password callback: `u` is the SecretString, or null for "no password".
int PasswordCallback(char* buf, int size, int /*rwflag*/, void* u) {
  const auto* password = static_cast<const SecretString*>(u);
  if (password == nullptr || size <= 0) {
    return -1;
  }
  if (password->size() > static_cast<size_t>(size)) {
    return -1;
  }
  std::memcpy(buf, password->c_str(), password->size());
  return static_cast<int>(password->size());
}

// Whether a PEM label names a private key as OpenSSL's PEM key reader takes
// it: "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", ...
bool IsPrivateKeyLabel(std::string_view label) { return label.ends_with("PRIVATE KEY"); }

// One block of a PEM text, split as OpenSSL's PEM reader splits it (a BEGIN
// line at a line start, headers, the base64 body): the same bytes certmint
// checks and then decrypts.
struct PemBlock {
  std::string label;
  std::string headers;
  SecretBytes der;
};

// The first private-key block of `pem` (others, such as certificates, are
// skipped as OpenSSL skips them); nullopt when there is none.
std::optional<PemBlock> ReadPemKeyBlock(std::string_view pem) {
  auto bio = ossl::ReadOnlyMemBio(pem.data(), pem.size());
  while (bio) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;  // NOLINT(runtime/int)
    if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
      break;
    }
    PemBlock block{name, header, SecretBytes(data, static_cast<size_t>(len))};
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_clear_free(data, static_cast<size_t>(len));
    if (IsPrivateKeyLabel(block.label)) {
      return block;
    }
  }
  ClearOpenSslErrors();
  return std::nullopt;
}

// The legacy PEM encryption of a traditional key ("Proc-Type: 4,ENCRYPTED",
// "DEK-Info"): its cipher, or none. Its key is EVP_BytesToKey with one MD5
// round: no count an attacker could raise.
Result<EVP_CIPHER_INFO> LegacyPemCipher(const PemBlock& block) {
  EVP_CIPHER_INFO cipher;
  std::string headers = block.headers;
  if (PEM_get_EVP_CIPHER_INFO(headers.data(), &cipher) != 1) {
    return OpenSslError(ErrorCode::kInvalidData, "malformed PEM encryption headers on the key");
  }
  return cipher;
}

Result<PrivateKey> KeyFromPkcs8Info(const PKCS8_PRIV_KEY_INFO* p8) {
  ossl::EvpPkeyPtr key(EVP_PKCS82PKEY(p8));
  if (!key) {
    return OpenSslError(ErrorCode::kInvalidData, "unsupported PKCS#8 private key");
  }
  return PrivateKey::FromNative(std::move(key));
}

// An "ENCRYPTED PRIVATE KEY" block: its KDF cost checked, then that same
// EncryptedPrivateKeyInfo decrypted.
Result<PrivateKey> DecryptPkcs8Block(const PemBlock& block, const SecretString& password) {
  const unsigned char* p = block.der.data();
  ossl::X509SigPtr sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(block.der.size())));
  if (!sig || p != block.der.data() + block.der.size()) {
    return OpenSslError(ErrorCode::kInvalidData, "malformed encrypted private key");
  }
  CM_RETURN_IF_ERROR(CheckEncryptedPkcs8Cost(sig.get()));
  if (password.size() > INT_MAX) {
    return MakeError(ErrorCode::kBadPassword, "password too long");
  }
  ossl::Pkcs8PrivKeyInfoPtr p8(
      PKCS8_decrypt(sig.get(), password.c_str(), static_cast<int>(password.size())));
  if (!p8) {
    return OpenSslError(ErrorCode::kBadPassword,
                        "cannot decrypt the private key: wrong password or corrupted key");
  }
  return KeyFromPkcs8Info(p8.get());
}

// An unencrypted block ("PRIVATE KEY", "RSA PRIVATE KEY", ...), or a
// traditional one once its legacy encryption is removed: written back as a
// single block without headers and read by OpenSSL's key decoders, which
// then have nothing to decrypt.
Result<PrivateKey> DecodePlainBlock(const PemBlock& block, const SecretBytes& der) {
  ossl::BioPtr one(BIO_new(BIO_s_mem()));
  if (!one || der.size() > INT_MAX ||
      PEM_write_bio(one.get(), block.label.c_str(), "", der.data(),
                    static_cast<long>(der.size())) <= 0) {
    return OpenSslError(ErrorCode::kInternal, "copying the PEM private key failed");
  }
  ossl::EvpPkeyPtr key(
      PEM_read_bio_PrivateKey_ex(one.get(), nullptr, PasswordCallback, nullptr, nullptr, nullptr));
  char* mem = nullptr;
  const long len = BIO_get_mem_data(one.get(), &mem);  // NOLINT(runtime/int)
  if (mem != nullptr && len > 0) {
    OPENSSL_cleanse(mem, static_cast<size_t>(len));
  }
  if (!key) {
    return OpenSslError(ErrorCode::kInvalidData, "no readable PEM private key");
  }
  return PrivateKey::FromNative(std::move(key));
}

// A traditional key ("RSA PRIVATE KEY", ...), decrypted first when its
// headers say so.
Result<PrivateKey> ReadTraditionalBlock(const PemBlock& block, const SecretString* password) {
  CM_ASSIGN_OR_RETURN(auto cipher, LegacyPemCipher(block));
  if (cipher.cipher == nullptr) {
    return DecodePlainBlock(block, block.der);
  }
  if (password == nullptr) {
    return MakeError(ErrorCode::kBadPassword,
                     "the private key is encrypted and no password was given");
  }
  SecretBytes der(block.der.data(), block.der.size());
  long len = static_cast<long>(der.size());  // NOLINT(runtime/int)
  if (PEM_do_header(&cipher, der.data(), &len, PasswordCallback,
                    const_cast<SecretString*>(password)) != 1) {
    return OpenSslError(ErrorCode::kBadPassword,
                        "cannot decrypt the private key: wrong password or corrupted key");
  }
  der.resize(static_cast<size_t>(len));
  return DecodePlainBlock(block, der);
}

}  // namespace

Status CheckEncryptedPkcs8Cost(const X509_SIG* encrypted) {
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(encrypted, &alg, nullptr);
  CM_RETURN_IF_ERROR(WithContext(PbeIterations(alg), "the encrypted private key"));
  return {};
}

std::string KeyDescription::ToString() const {
  if (algorithm == "EC" && !curve.empty()) {
    return "EC " + curve;
  }
  if (algorithm == "Ed25519" || bits == 0) {
    return algorithm;
  }
  return fmt::format("{} {}", algorithm, bits);
}

std::string KeyTypeSpelling(std::string_view description) {
  // "EC P-256" -> "ec:p256", "RSA 2048" -> "rsa:2048", "Ed25519" -> "ed25519".
  std::string out;
  bool first_space = true;
  for (char c : description) {
    if (c == ' ' && first_space) {
      out += ':';
      first_space = false;
    } else if (c != '-' && c != ' ') {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

KeyDescription DescribePublicKey(const EVP_PKEY* key) {
  KeyDescription d;
  d.bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      d.algorithm = "RSA";
      break;
    case EVP_PKEY_EC: {
      d.algorithm = "EC";
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &len) == 1) {
        std::string g(group, len);
        if (g == "prime256v1") {
          g = "P-256";
        } else if (g == "secp384r1") {
          g = "P-384";
        } else if (g == "secp521r1") {
          g = "P-521";
        }
        d.curve = g;
      }
      break;
    }
    case EVP_PKEY_ED25519:
      d.algorithm = "Ed25519";
      break;
    case EVP_PKEY_ED448:
      d.algorithm = "Ed448";
      break;
    default: {
      const char* name = EVP_PKEY_get0_type_name(key);
      d.algorithm = name != nullptr ? name : "unknown";
    }
  }
  return d;
}

std::string PublicKeyFingerprint(const EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) {
    ClearOpenSslErrors();
    return {};
  }
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(der));
  return HexColon(Sha256(std::string_view(owner.get(), static_cast<size_t>(len))));
}

Status CheckNamedCurve(const EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return {};
  }
  // The parameters as the key encodes them in a SubjectPublicKeyInfo, which
  // is what a certificate carries.
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(der));
  const unsigned char* p = der;
  std::unique_ptr<X509_PUBKEY, ossl::Deleter<X509_PUBKEY_free>> spki(
      len > 0 ? d2i_X509_PUBKEY(nullptr, &p, len) : nullptr);
  X509_ALGOR* alg = nullptr;
  if (!spki || X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, &alg, spki.get()) != 1) {
    return OpenSslError(ErrorCode::kInvalidData, "unreadable EC public key");
  }
  int ptype = 0;
  X509_ALGOR_get0(nullptr, &ptype, nullptr, alg);
  if (ptype != V_ASN1_OBJECT) {
    return MakeError(ErrorCode::kInvalidData,
                     "the EC key has explicit curve parameters instead of a named curve (RFC "
                     "5480 forbids them in certificates; Java cannot read them); make the key "
                     "with a named curve, e.g. openssl ecparam -name prime256v1 -genkey");
  }
  return {};
}

Result<PrivateKey> PrivateKey::Generate(const KeySpec& spec) {
  ossl::EvpPkeyPtr key;
  switch (spec.algorithm) {
    case KeyAlgorithm::kRsa: {
      CM_ASSIGN_OR_RETURN(key, GenerateRsaKey(spec.rsa_bits));
      break;
    }
    case KeyAlgorithm::kEc:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", spec.curve.c_str()));
      break;
    case KeyAlgorithm::kEd25519:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
      break;
  }
  if (!key) {
    return OpenSslError(ErrorCode::kInternal,
                        fmt::format("generating {} key failed", spec.ToString()));
  }
  return PrivateKey(std::move(key));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem, const SecretString* password) {
  if (pem.size() > INT_MAX) {
    return MakeError(ErrorCode::kInvalidData, "key file too large");
  }
  // One read of the key's block, whose bytes are both checked and decrypted.
  auto block = ReadPemKeyBlock(pem);
  if (!block) {
    return MakeError(ErrorCode::kInvalidData, "no readable PEM private key");
  }
  if (block->label != "ENCRYPTED PRIVATE KEY") {
    return ReadTraditionalBlock(*block, password);
  }
  if (password == nullptr) {
    return MakeError(ErrorCode::kBadPassword,
                     "the private key is encrypted and no password was given");
  }
  return DecryptPkcs8Block(*block, *password);
}

std::optional<PemKeyInfo> FindPemPrivateKey(std::string_view pem) {
  auto block = ReadPemKeyBlock(pem);
  if (!block) {
    return std::nullopt;
  }
  PemKeyInfo info;
  info.label = block->label;
  if (block->label == "ENCRYPTED PRIVATE KEY") {
    info.encrypted = true;
    const unsigned char* p = block->der.data();
    ossl::X509SigPtr sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(block->der.size())));
    const X509_ALGOR* alg = nullptr;
    if (sig) {
      X509_SIG_get0(sig.get(), &alg, nullptr);
      info.pbe_nid = OBJ_obj2nid(alg->algorithm);
    }
  } else if (auto cipher = LegacyPemCipher(*block)) {
    info.encrypted = cipher->cipher != nullptr;
  } else {
    info.encrypted = true;  // headers it cannot read: not a plain key either
  }
  ClearOpenSslErrors();
  return info;
}

Result<PrivateKey> PrivateKey::FromPkcs8Der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  if (der.size() > INT_MAX) {
    return MakeError(ErrorCode::kInvalidData, "key too large");
  }
  ossl::Pkcs8PrivKeyInfoPtr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!p8) {
    return OpenSslError(ErrorCode::kInvalidData, "not a DER PKCS#8 private key");
  }
  ossl::EvpPkeyPtr key(EVP_PKCS82PKEY(p8.get()));
  if (!key) {
    return OpenSslError(ErrorCode::kInvalidData, "unsupported PKCS#8 private key");
  }
  return PrivateKey(std::move(key));
}

PrivateKey::PrivateKey(const PrivateKey& other) : key_(other.key_.get()) {
  EVP_PKEY_up_ref(key_.get());
}

PrivateKey& PrivateKey::operator=(const PrivateKey& other) {
  if (this != &other) {
    EVP_PKEY_up_ref(other.key_.get());
    key_.reset(other.key_.get());
  }
  return *this;
}

Result<std::string> PrivateKey::ToEncryptedPkcs8Pem(const SecretString& password,
                                                    const Pkcs8Encryption& enc) const {
  if (password.size() > INT_MAX) {
    return MakeError(ErrorCode::kInvalidArgument, "password too long");
  }
  // Never write what certmint itself would refuse to read.
  if (enc.iterations < 1 || enc.iterations > kMaxKdfIterations) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("{} KDF iterations is outside 1..{}",
                                                              enc.iterations, kMaxKdfIterations));
  }
  ossl::Pkcs8PrivKeyInfoPtr p8inf(EVP_PKEY2PKCS8(key_.get()));
  if (!p8inf) {
    return OpenSslError(ErrorCode::kInternal, "encoding the private key as PKCS#8 failed");
  }
  // RFC 8018 §6.2 PBES2: PBKDF2 with HMAC-SHA256 as PRF (not the SHA-1
  // default) and AES-256-CBC; or the PKCS#12 3DES scheme. Random salt (and IV).
  ossl::X509AlgorPtr pbe(
      enc.scheme == Pkcs8Encryption::Scheme::kPbes2Aes256
          ? PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), enc.iterations, nullptr, 0, nullptr,
                              NID_hmacWithSHA256)
          : PKCS5_pbe_set(NID_pbe_WithSHA1And3_Key_TripleDES_CBC, enc.iterations, nullptr, 0));
  if (!pbe) {
    return OpenSslError(ErrorCode::kInternal, "setting up the key encryption failed");
  }
  ossl::X509SigPtr sig(
      PKCS8_set0_pbe(password.c_str(), static_cast<int>(password.size()), p8inf.get(), pbe.get()));
  if (!sig) {
    return OpenSslError(ErrorCode::kInternal, "encrypting the private key failed");
  }
  pbe.release();  // now owned by `sig`
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PKCS8(out.get(), sig.get()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "writing the encrypted private key failed");
  }
  return ossl::MemBioContents(out.get());
}

Result<std::string> PrivateKey::ToPkcs8Pem() const {
  ossl::Pkcs8PrivKeyInfoPtr p8inf(EVP_PKEY2PKCS8(key_.get()));
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (!p8inf || !out || PEM_write_bio_PKCS8_PRIV_KEY_INFO(out.get(), p8inf.get()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "writing the private key as PKCS#8 failed");
  }
  std::string pem = ossl::MemBioContents(out.get());
  // The BIO's copy of the key: wiped before it is freed.
  char* data = nullptr;
  const long len = BIO_get_mem_data(out.get(), &data);  // NOLINT(runtime/int)
  if (data != nullptr && len > 0) {
    OPENSSL_cleanse(data, static_cast<size_t>(len));
  }
  return pem;
}

Result<SecretBytes> PrivateKey::ToPkcs8Der() const {
  ossl::Pkcs8PrivKeyInfoPtr p8inf(EVP_PKEY2PKCS8(key_.get()));
  if (!p8inf) {
    return OpenSslError(ErrorCode::kInternal, "encoding the private key as PKCS#8 failed");
  }
  unsigned char* der = nullptr;
  int len = i2d_PKCS8_PRIV_KEY_INFO(p8inf.get(), &der);
  if (len <= 0) {
    return OpenSslError(ErrorCode::kInternal, "encoding the private key as PKCS#8 failed");
  }
  SecretBytes out(der, static_cast<size_t>(len));
  OPENSSL_clear_free(der, static_cast<size_t>(len));
  return out;
}

KeySpec PrivateKey::Spec() const {
  KeyDescription d = Describe();
  if (d.algorithm == "RSA") {
    return KeySpec{KeyAlgorithm::kRsa, d.bits, ""};
  }
  if (d.algorithm == "Ed25519") {
    return KeySpec{KeyAlgorithm::kEd25519, 0, ""};
  }
  return KeySpec{KeyAlgorithm::kEc, 0, d.curve};
}

}  // namespace certmint
