// What `certmint ca init`, `ca set-url` and `ca rotate` do, from their flags
// as given: the checks, the secrets (ca/ca_secrets.h), the CA operation, and
// the text or JSON that reports it. Nothing here prints.
#pragma once

#include <string>

#include "ca/ca_flags.h"
#include "ca/ca_secrets.h"
#include "core/clock.h"
#include "core/error.h"
#include "pkcs11/token_flags.h"

namespace certmint {

struct CaInitRequest {
  std::string dir;
  CaFlags ca;
  TokenFlags token;       // the key in a token; none: an encrypted key file
  CaSecretFiles secrets;  // the new CA's password, or its token's PIN
  bool intermediate = false;
  std::string root_dir;            // with `intermediate`: the root's directory
  std::string root_password_file;  // the root's password or PIN (ReadRootCaSecret)
  TimePoint now;
};

// What a command reports: text, or JSON with --json.
struct CaReport {
  std::string text;
  std::string json;
};

// InitCaFromFlags creates the CA `request` describes, after checking every
// flag (kInvalidArgument: --intermediate without --root-dir or the reverse,
// then ParseCaFlags', then ParseTokenFlags') and unlocking the root of an
// intermediate; RenderCaCreatedText/Json report it.
Result<CaReport> InitCaFromFlags(const CaInitRequest& request);

// SetCaUrlFromFlags sets `url` (or with `clear` removes it) as the status
// URL of the CA in `dir`, and says what certificates carry from now on.
// kInvalidArgument unless exactly one of `url` and `clear` is given.
Result<std::string> SetCaUrlFromFlags(const std::string& dir, const std::string& url, bool clear);

struct CaRotateRequest {
  std::string dir;
  CaFlags ca;                     // empty subject and key type: the current CA's
  TokenFlags token;               // the new key in a token; none: a file key
  CaSecretFiles secrets;          // the current CA's (and a token's PIN)
  std::string new_password_file;  // the new key file's password (ReadRotationSecret)
  TimePoint now;
};

// RotateCaFromFlags proves the operator holds the current CA (its secret),
// then replaces it (RotateCa); RenderRotatedText says what to do next.
Result<std::string> RotateCaFromFlags(const CaRotateRequest& request);

}  // namespace certmint
