#include "pkcs11/token_key.h"

#include <fmt/format.h>
#include <libp11.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <map>
#include <mutex>

#include "core/encoding.h"
#include "core/fs.h"
#include "core/ossl.h"
#include "core/random.h"
#include "keys/private_key.h"
#include "pkcs11/raw_module.h"

namespace certmint {
namespace {

using ossl::EvpPkeyPtr;

constexpr const char* kP11KitProxy = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";
constexpr const char* kSoftHsm = "/usr/lib/softhsm/libsofthsm2.so";

KeySpec SpecOf(const EVP_PKEY* key) {
  const KeyDescription d = DescribePublicKey(key);
  if (d.algorithm == "RSA") return KeySpec{KeyAlgorithm::kRsa, d.bits, ""};
  if (d.algorithm == "Ed25519") return KeySpec{KeyAlgorithm::kEd25519, 0, ""};
  return KeySpec{KeyAlgorithm::kEc, 0, d.curve};
}

// One libp11 context per module, loaded once and kept for the life of the
// process: PKCS11_CTX_unload finalizes the module (C_Finalize), which would
// end the sessions of every other signer on it (a CA reloaded by serve, the
// old and the new CA of a rotation).
class LoadedModule {
 public:
  static Result<std::unique_ptr<LoadedModule>> Load(const std::string& path) {
    CM_RETURN_IF_ERROR(pkcs11::CheckModuleLoadable(path));
    std::unique_ptr<LoadedModule> m(new LoadedModule(PKCS11_CTX_new()));
    if (m->ctx_ == nullptr) {
      return OpenSslError(ErrorCode::kInternal, "PKCS11_CTX_new failed");
    }
    if (PKCS11_CTX_load(m->ctx_, path.c_str()) != 0) {
      return OpenSslError(ErrorCode::kInvalidData,
                          fmt::format("cannot load PKCS#11 module {}", PrintableBytes(path, 200)));
    }
    m->loaded_ = true;
    if (PKCS11_enumerate_slots(m->ctx_, &m->slots_, &m->nslots_) != 0) {
      m->slots_ = nullptr;
      return OpenSslError(
          ErrorCode::kInvalidData,
          fmt::format("PKCS#11 module {}: listing its slots failed", PrintableBytes(path, 200)));
    }
    return m;
  }
  ~LoadedModule() {
    if (slots_ != nullptr) PKCS11_release_all_slots(ctx_, slots_, nslots_);
    if (loaded_) PKCS11_CTX_unload(ctx_);
    if (ctx_ != nullptr) PKCS11_CTX_free(ctx_);
  }
  LoadedModule(const LoadedModule&) = delete;
  LoadedModule& operator=(const LoadedModule&) = delete;

  // Every libp11 call on this module, signing included, holds it.
  std::mutex mu;

  // The initialized token labelled `label`; the labels seen in `seen`.
  PKCS11_SLOT* FindToken(const std::string& label, std::string* seen) const {
    for (unsigned i = 0; i < nslots_; ++i) {
      const PKCS11_TOKEN* t = slots_[i].token;
      if (t == nullptr || t->label == nullptr) continue;
      std::string l = t->label;
      l.erase(l.find_last_not_of(' ') + 1);
      if (l == label && t->initialized) return &slots_[i];
      *seen += (seen->empty() ? "'" : ", '") + PrintableBytes(l, 64) + "'";
    }
    return nullptr;
  }

 private:
  explicit LoadedModule(PKCS11_CTX* ctx) : ctx_(ctx) {}
  PKCS11_CTX* ctx_ = nullptr;
  bool loaded_ = false;
  PKCS11_SLOT* slots_ = nullptr;
  unsigned nslots_ = 0;
};

// The process's modules, by path. Never destroyed (see LoadedModule): a
// signer may be in use on another thread while the process exits.
Result<LoadedModule*> ModuleFor(const std::string& path) {
  static std::mutex mu;
  static auto* modules = new std::map<std::string, std::unique_ptr<LoadedModule>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = modules->find(path);
  if (it == modules->end()) {
    CM_ASSIGN_OR_RETURN(auto loaded, LoadedModule::Load(path));
    it = modules->emplace(path, std::move(loaded)).first;
  }
  return it->second.get();
}

// The CK_RV libp11 left on the OpenSSL error queue, if any.
CK_RV LastCkr() {
  const unsigned long e = ERR_peek_last_error();
  if (e != 0 && ERR_GET_LIB(e) == ERR_get_CKR_code()) {
    return static_cast<CK_RV>(ERR_GET_REASON(e));
  }
  return CKR_GENERAL_ERROR;
}

class TokenSigner final : public Signer {
 public:
  TokenSigner(LoadedModule* module, EvpPkeyPtr key, EvpPkeyPtr pub)
      : module_(module), key_(std::move(key)), public_(std::move(pub)) {}
  ~TokenSigner() override {
    std::lock_guard<std::mutex> lock(module_->mu);
    key_.reset();
  }

  const EVP_PKEY* PublicKey() const override { return public_.get(); }
  KeySpec Spec() const override { return SpecOf(public_.get()); }

  Status SignCertificate(X509* tbs) const override {
    std::lock_guard<std::mutex> lock(module_->mu);
    if (X509_sign(tbs, key_.get(), SignatureDigest(public_.get())) <= 0) {
      return OpenSslError(ErrorCode::kInternal, "signing the certificate in the token failed");
    }
    return {};
  }

  Status SignCrl(X509_CRL* tbs) const override {
    std::lock_guard<std::mutex> lock(module_->mu);
    if (X509_CRL_sign(tbs, key_.get(), SignatureDigest(public_.get())) <= 0) {
      return OpenSslError(ErrorCode::kInternal, "signing the CRL in the token failed");
    }
    return {};
  }

  Status SignOcspResponse(OCSP_BASICRESP* tbs, const Certificate& responder) const override {
    std::lock_guard<std::mutex> lock(module_->mu);
    if (OCSP_basic_sign(tbs, responder.native(), key_.get(), SignatureDigest(public_.get()),
                        nullptr, OCSP_RESPID_KEY) != 1) {
      return OpenSslError(ErrorCode::kInternal, "signing the OCSP response in the token failed");
    }
    return {};
  }

 private:
  LoadedModule* module_;
  EvpPkeyPtr key_;     // libp11's handle on the key in the token
  EvpPkeyPtr public_;  // a plain copy of its public half
};

bool KeyMatches(const PKCS11_KEY& k, const Pkcs11Uri& uri) {
  if (!k.isPrivate) return false;
  if (!uri.object.empty() && (k.label == nullptr || uri.object != k.label)) return false;
  if (!uri.id.empty() &&
      std::string_view(reinterpret_cast<const char*>(k.id), k.id_len) != uri.id) {
    return false;
  }
  return true;
}

Error NoSuchKey(const TokenKeyRef& ref) {
  return Error(ErrorCode::kNotFound,
               fmt::format("token '{}' holds no private key {} (was it deleted, or is this "
                           "another token with the same label?)",
                           PrintableBytes(ref.uri.token, 64),
                           PrintableBytes(FormatPkcs11Uri(ref.uri), 200)));
}

// The signer for the key `ref` names, the module's lock held.
Result<std::shared_ptr<const Signer>> OpenLocked(LoadedModule* module, const TokenKeyRef& ref,
                                                 const SecretString& pin) {
  std::string seen;
  PKCS11_SLOT* slot = module->FindToken(ref.uri.token, &seen);
  if (slot == nullptr) {
    return tl::unexpected(pkcs11::NoSuchToken(ref.module, ref.uri.token, seen));
  }
  ClearOpenSslErrors();
  if (PKCS11_login(slot, 0, pin.c_str()) != 0) {
    const CK_RV rv = LastCkr();
    if (rv != CKR_USER_ALREADY_LOGGED_IN) {
      ClearOpenSslErrors();
      return tl::unexpected(pkcs11::LoginError(rv, ref.uri.token));
    }
  }
  PKCS11_KEY* keys = nullptr;
  unsigned n = 0;
  if (PKCS11_enumerate_keys(slot->token, &keys, &n) != 0) {
    return OpenSslError(ErrorCode::kInvalidData, "listing the token's keys failed");
  }
  PKCS11_KEY* key = nullptr;
  for (unsigned i = 0; i < n && key == nullptr; ++i) {
    if (KeyMatches(keys[i], ref.uri)) key = &keys[i];
  }
  if (key == nullptr) {
    return tl::unexpected(NoSuchKey(ref));
  }
  EvpPkeyPtr pkey(PKCS11_get_private_key(key));
  if (!pkey) {
    return OpenSslError(ErrorCode::kInvalidData, "the token's key is of a type libp11 cannot use");
  }
  // A plain copy of the public half: what certificates carry and compare.
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(pkey.get(), &der);
  const unsigned char* p = der;
  EvpPkeyPtr pub(len > 0 ? d2i_PUBKEY(nullptr, &p, len) : nullptr);
  OPENSSL_free(der);
  if (!pub) {
    return OpenSslError(ErrorCode::kInvalidData,
                        "the token has no public key beside its private key (same CKA_ID)");
  }
  return std::make_shared<TokenSigner>(module, std::move(pkey), std::move(pub));
}

}  // namespace

std::string DefaultPkcs11Module() { return fs::Exists(kP11KitProxy) ? kP11KitProxy : kSoftHsm; }

Result<TokenKeyReport> PrepareTokenKey(TokenKeyRef& ref, const KeySpec& spec,
                                       const SecretString& pin) {
  CM_ASSIGN_OR_RETURN(auto module, pkcs11::RawModule::Load(ref.module));
  CM_ASSIGN_OR_RETURN(auto session, pkcs11::RawSession::Open(*module, ref.uri.token, pin));
  CM_ASSIGN_OR_RETURN(auto existing, session->FindPrivateKey(ref.uri));
  if (existing) {
    return TokenKeyReport{false, spec};  // the caller reads its type from the signer
  }
  if (spec.algorithm == KeyAlgorithm::kEd25519) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a token-held CA key is EC (ec:p256, ec:p384) or RSA: PKCS#11 tokens and "
                     "libp11 0.4 do not sign with Ed25519");
  }
  if (ref.uri.id.empty()) {
    CM_ASSIGN_OR_RETURN(auto id, RandomBytes(16));
    ref.uri.id.assign(id.begin(), id.end());
  }
  CM_RETURN_IF_ERROR(session->Generate(ref.uri, spec));
  return TokenKeyReport{true, spec};
}

Result<std::shared_ptr<const Signer>> OpenTokenSigner(const TokenKeyRef& ref,
                                                      const SecretString& pin) {
  CM_ASSIGN_OR_RETURN(LoadedModule * module, ModuleFor(ref.module));
  std::lock_guard<std::mutex> lock(module->mu);
  return OpenLocked(module, ref, pin);
}

}  // namespace certmint
