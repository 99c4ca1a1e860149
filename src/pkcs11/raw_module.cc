#include "pkcs11/raw_module.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <vector>

#include "core/encoding.h"
#include "core/fs.h"

namespace certmint::pkcs11 {
namespace {

// CKA_EC_PARAMS: the named curve's OID in DER (RFC 5480 §2.1.1.1).
constexpr unsigned char kP256Oid[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
constexpr unsigned char kP384Oid[] = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};

// CK_TOKEN_INFO.label: 32 bytes, blank-padded.
std::string TrimLabel(const CK_UTF8CHAR* label, size_t n) {
  std::string s(reinterpret_cast<const char*>(label), n);
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

CK_ATTRIBUTE Attr(CK_ATTRIBUTE_TYPE type, const void* value, size_t len) {
  return CK_ATTRIBUTE{type, const_cast<void*>(value), static_cast<CK_ULONG>(len)};
}

}  // namespace

std::string CkrName(CK_RV rv) {
  switch (rv) {
    case CKR_PIN_INCORRECT:
      return "CKR_PIN_INCORRECT";
    case CKR_PIN_LOCKED:
      return "CKR_PIN_LOCKED";
    case CKR_PIN_LEN_RANGE:
      return "CKR_PIN_LEN_RANGE";
    case CKR_TOKEN_NOT_PRESENT:
      return "CKR_TOKEN_NOT_PRESENT";
    case CKR_MECHANISM_INVALID:
      return "CKR_MECHANISM_INVALID";
    case CKR_TEMPLATE_INCONSISTENT:
      return "CKR_TEMPLATE_INCONSISTENT";
    case CKR_ATTRIBUTE_VALUE_INVALID:
      return "CKR_ATTRIBUTE_VALUE_INVALID";
    case CKR_TOKEN_WRITE_PROTECTED:
      return "CKR_TOKEN_WRITE_PROTECTED";
    case CKR_DEVICE_MEMORY:
      return "CKR_DEVICE_MEMORY";
    default:
      return fmt::format("CKR 0x{:08X}", static_cast<unsigned long>(rv));
  }
}

Status CheckModuleFile(const std::string& path) {
  if (!fs::Exists(path)) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("PKCS#11 module {} does not exist (install it, or name another "
                                 "with --pkcs11-module)",
                                 PrintableBytes(path, 200)));
  }
  return {};
}

namespace {

Result<void*> OpenModule(const std::string& path) {
  CM_RETURN_IF_ERROR(CheckModuleFile(path));
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("cannot load PKCS#11 module {}: {}", PrintableBytes(path, 200),
                                 PrintableBytes(why ? why : "unknown error", 200)));
  }
  return handle;
}

}  // namespace

Status CheckModuleLoadable(const std::string& path) {
  CM_ASSIGN_OR_RETURN(void* handle, OpenModule(path));
  const bool has_list = ::dlsym(handle, "C_GetFunctionList") != nullptr;
  ::dlclose(handle);
  if (!has_list) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{} is not a PKCS#11 module (no C_GetFunctionList)",
                                 PrintableBytes(path, 200)));
  }
  return {};
}

Result<std::unique_ptr<RawModule>> RawModule::Load(const std::string& path) {
  CM_ASSIGN_OR_RETURN(void* handle, OpenModule(path));
  std::unique_ptr<RawModule> m(new RawModule(path, handle));
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
  if (get_list == nullptr || get_list(&m->f_) != CKR_OK || m->f_ == nullptr) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{} is not a PKCS#11 module (no C_GetFunctionList)",
                                 PrintableBytes(path, 200)));
  }
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  const CK_RV rv = m->f_->C_Initialize(&args);
  // Already initialized: another user in this process (libp11) owns it.
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("PKCS#11 module {}: C_Initialize failed ({})",
                                 PrintableBytes(path, 200), CkrName(rv)));
  }
  m->finalize_ = rv == CKR_OK;
  return m;
}

RawModule::~RawModule() {
  if (finalize_ && f_ != nullptr) {
    f_->C_Finalize(nullptr);
  }
  ::dlclose(handle_);
}

Error LoginError(CK_RV rv, const std::string& token) {
  const std::string what =
      rv == CKR_PIN_LOCKED ? "the user PIN is locked (reset it with the SO PIN)" : "wrong PIN";
  const ErrorCode code = rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED || rv == CKR_PIN_LEN_RANGE
                             ? ErrorCode::kBadPassword
                             : ErrorCode::kInvalidData;
  return Error(code,
               fmt::format("token '{}' refused the login: {} ({})", PrintableBytes(token, 64),
                           code == ErrorCode::kBadPassword ? what : "login failed", CkrName(rv)));
}

Error NoSuchToken(const std::string& module, const std::string& token,
                  const std::string& labels_seen) {
  return Error(ErrorCode::kNotFound,
               fmt::format("no token labelled '{}' in PKCS#11 module {} (tokens present: {})",
                           PrintableBytes(token, 64), PrintableBytes(module, 200),
                           labels_seen.empty() ? "none" : labels_seen));
}

Result<std::unique_ptr<RawSession>> RawSession::Open(const RawModule& module,
                                                     const std::string& token,
                                                     const SecretString& pin) {
  CK_FUNCTION_LIST* f = module.f();
  CK_ULONG n = 0;
  if (f->C_GetSlotList(CK_TRUE, nullptr, &n) != CKR_OK) {
    return MakeError(ErrorCode::kInvalidData, "listing the module's slots failed");
  }
  std::vector<CK_SLOT_ID> slots(n);
  if (n > 0 && f->C_GetSlotList(CK_TRUE, slots.data(), &n) != CKR_OK) {
    return MakeError(ErrorCode::kInvalidData, "listing the module's slots failed");
  }
  std::optional<CK_SLOT_ID> slot;
  std::string seen;
  for (CK_ULONG i = 0; i < n && !slot; ++i) {
    CK_TOKEN_INFO info{};
    if (f->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
    const std::string label = TrimLabel(info.label, sizeof(info.label));
    if (label == token && (info.flags & CKF_TOKEN_INITIALIZED) != 0) slot = slots[i];
    if (!label.empty()) seen += (seen.empty() ? "'" : ", '") + PrintableBytes(label, 64) + "'";
  }
  if (!slot) {
    return tl::unexpected(NoSuchToken(module.path(), token, seen));
  }
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  CK_RV rv = f->C_OpenSession(*slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h);
  if (rv != CKR_OK) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("opening a session on token '{}' failed ({})",
                                 PrintableBytes(token, 64), CkrName(rv)));
  }
  std::unique_ptr<RawSession> s(new RawSession(f, h));
  rv = f->C_Login(h, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.c_str())),
                  static_cast<CK_ULONG>(pin.size()));
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    return tl::unexpected(LoginError(rv, token));
  }
  return s;
}

RawSession::~RawSession() { f_->C_CloseSession(h_); }

Result<std::optional<CK_OBJECT_HANDLE>> RawSession::FindPrivateKey(const Pkcs11Uri& uri) const {
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  std::vector<CK_ATTRIBUTE> tmpl{Attr(CKA_CLASS, &cls, sizeof(cls))};
  if (!uri.object.empty()) tmpl.push_back(Attr(CKA_LABEL, uri.object.data(), uri.object.size()));
  if (!uri.id.empty()) tmpl.push_back(Attr(CKA_ID, uri.id.data(), uri.id.size()));
  if (f_->C_FindObjectsInit(h_, tmpl.data(), static_cast<CK_ULONG>(tmpl.size())) != CKR_OK) {
    return MakeError(ErrorCode::kInvalidData, "searching the token for the key failed");
  }
  CK_OBJECT_HANDLE found[2];
  CK_ULONG count = 0;
  const CK_RV rv = f_->C_FindObjects(h_, found, 2, &count);
  f_->C_FindObjectsFinal(h_);
  if (rv != CKR_OK) {
    return MakeError(ErrorCode::kInvalidData, "searching the token for the key failed");
  }
  if (count > 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "more than one private key matches the URI; give both object= and id=");
  }
  return count == 0 ? std::nullopt : std::optional<CK_OBJECT_HANDLE>(found[0]);
}

Status RawSession::Generate(const Pkcs11Uri& uri, const KeySpec& spec) const {
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ULONG bits = static_cast<CK_ULONG>(spec.rsa_bits);
  const unsigned char exponent[] = {0x01, 0x00, 0x01};  // 65537
  const bool ec = spec.algorithm == KeyAlgorithm::kEc;
  CK_MECHANISM mech{ec ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
  std::vector<CK_ATTRIBUTE> pub{Attr(CKA_TOKEN, &yes, 1), Attr(CKA_VERIFY, &yes, 1),
                                Attr(CKA_ID, uri.id.data(), uri.id.size())};
  std::vector<CK_ATTRIBUTE> priv{Attr(CKA_TOKEN, &yes, 1),
                                 Attr(CKA_PRIVATE, &yes, 1),
                                 Attr(CKA_SENSITIVE, &yes, 1),
                                 Attr(CKA_EXTRACTABLE, &no, 1),
                                 Attr(CKA_SIGN, &yes, 1),
                                 Attr(CKA_DECRYPT, &no, 1),
                                 Attr(CKA_ID, uri.id.data(), uri.id.size())};
  if (!uri.object.empty()) {
    pub.push_back(Attr(CKA_LABEL, uri.object.data(), uri.object.size()));
    priv.push_back(Attr(CKA_LABEL, uri.object.data(), uri.object.size()));
  }
  if (ec) {
    const bool p384 = spec.curve == "P-384";
    pub.push_back(p384 ? Attr(CKA_EC_PARAMS, kP384Oid, sizeof(kP384Oid))
                       : Attr(CKA_EC_PARAMS, kP256Oid, sizeof(kP256Oid)));
  } else {
    pub.push_back(Attr(CKA_MODULUS_BITS, &bits, sizeof(bits)));
    pub.push_back(Attr(CKA_PUBLIC_EXPONENT, exponent, sizeof(exponent)));
  }
  CK_OBJECT_HANDLE pub_h = CK_INVALID_HANDLE, priv_h = CK_INVALID_HANDLE;
  const CK_RV rv =
      f_->C_GenerateKeyPair(h_, &mech, pub.data(), static_cast<CK_ULONG>(pub.size()), priv.data(),
                            static_cast<CK_ULONG>(priv.size()), &pub_h, &priv_h);
  if (rv != CKR_OK) {
    return MakeError(
        ErrorCode::kInvalidData,
        fmt::format("generating a {} key in the token failed ({})", spec.ToString(), CkrName(rv)));
  }
  return {};
}

}  // namespace certmint::pkcs11
