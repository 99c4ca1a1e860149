// Internal to pkcs11/: a PKCS#11 module called directly (C_GenerateKeyPair,
// which libp11 0.4 offers only for RSA and only through a deprecated call).
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "keys/key_spec.h"
#include "pkcs11/uri.h"

namespace certmint::pkcs11 {

// "CKR_PIN_INCORRECT" or "CKR 0x..." for messages.
std::string CkrName(CK_RV rv);

// Checks that `path` names a file: kNotFound otherwise.
Status CheckModuleFile(const std::string& path);

// Checks that `path` loads (dlopen) and is a PKCS#11 module, so that a bad
// one is one clear error (kNotFound, kInvalidData) before libp11, which
// prints dlopen's complaint to stderr, tries it.
Status CheckModuleLoadable(const std::string& path);

// The module, loaded with dlopen and initialized; finalized (only if this
// object initialized it) and closed when destroyed.
class RawModule {
 public:
  static Result<std::unique_ptr<RawModule>> Load(const std::string& path);
  ~RawModule();
  RawModule(const RawModule&) = delete;
  RawModule& operator=(const RawModule&) = delete;

  CK_FUNCTION_LIST* f() const { return f_; }
  const std::string& path() const { return path_; }

 private:
  RawModule(std::string path, void* handle) : path_(std::move(path)), handle_(handle) {}
  std::string path_;
  void* handle_ = nullptr;
  CK_FUNCTION_LIST* f_ = nullptr;
  bool finalize_ = false;
};

// A read-write session on the token labelled `token`, logged in as the user
// with `pin`; closed when destroyed.
class RawSession {
 public:
  static Result<std::unique_ptr<RawSession>> Open(const RawModule& module, const std::string& token,
                                                  const SecretString& pin);
  ~RawSession();
  RawSession(const RawSession&) = delete;
  RawSession& operator=(const RawSession&) = delete;

  // The private key `uri` names (its label and/or id), if any.
  Result<std::optional<CK_OBJECT_HANDLE>> FindPrivateKey(const Pkcs11Uri& uri) const;
  // Generates a key pair (sensitive, never extractable) labelled and
  // identified as `uri` says (`uri.id` must be set).
  Status Generate(const Pkcs11Uri& uri, const KeySpec& spec) const;

 private:
  RawSession(CK_FUNCTION_LIST* f, CK_SESSION_HANDLE h) : f_(f), h_(h) {}
  CK_FUNCTION_LIST* f_;
  CK_SESSION_HANDLE h_;
};

// The error for a failed C_Login: kBadPassword for a refused or locked PIN.
Error LoginError(CK_RV rv, const std::string& token);

// The error for a token label no slot has, naming the labels there are.
Error NoSuchToken(const std::string& module, const std::string& token,
                  const std::string& labels_seen);

}  // namespace certmint::pkcs11
