#include "core/error.h"

#include <openssl/err.h>

#include "core/encoding.h"

namespace certmint {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kNotFound:
      return "not-found";
    case ErrorCode::kAlreadyExists:
      return "already-exists";
    case ErrorCode::kBadPassword:
      return "bad-password";
    case ErrorCode::kInvalidData:
      return "invalid-data";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kDenied:
      return "denied";
    case ErrorCode::kNotReady:
      return "not-ready";
    case ErrorCode::kRefused:
      return "refused";
  }
  return "unknown";
}

std::string_view ExitCodeTable() {
  return "Exit codes:\n"
         "  0  success\n"
         "  1  internal error (a bug: please report it)\n"
         "  2  invalid argument or usage (bad flag, key type, DN, host name, IP, password source)\n"
         "  3  not found (missing file or CA)\n"
         "  4  already exists (certmint never overwrites a CA or an identity)\n"
         "  5  wrong password, or a file failed its integrity check\n"
         "  6  invalid data (a file is malformed or unsupported)\n"
         "  7  I/O or network error (reading or writing failed, a server unreachable)\n"
         "  8  refused by the CA service (token, certificate or request not accepted; CA pin "
         "mismatch)\n"
         "  9  not safe yet (ca retire while identities still use the previous CA)\n"
         "  10 refused, nothing done: a destructive step not confirmed (give the flag named, or "
         "--yes)";
}

Error& Error::WithOpenSslQueue() {
  const char* file = nullptr;
  int line = 0;
  const char* data = nullptr;
  int flags = 0;
  unsigned long e;  // NOLINT(runtime/int): OpenSSL's type
  while ((e = ERR_get_error_all(&file, &line, nullptr, &data, &flags)) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!openssl_detail_.empty()) {
      openssl_detail_ += "\n";
    }
    openssl_detail_ += buf;
    if (data != nullptr && (flags & ERR_TXT_STRING) != 0 && *data != '\0') {
      openssl_detail_ += " (";
      openssl_detail_ += data;
      openssl_detail_ += ")";
    }
  }
  return *this;
}

std::string Error::ToString() const {
  std::string out;
  for (const auto& c : context_) {
    out += c;
    out += ": ";
  }
  out += message_;
  // One line, whatever a file name, a flag's value or a peer put in it.
  return EscapeControls(out);
}

tl::unexpected<Error> OpenSslError(ErrorCode code, std::string message) {
  Error e(code, std::move(message));
  e.WithOpenSslQueue();
  return tl::unexpected<Error>(std::move(e));
}

void ClearOpenSslErrors() { ERR_clear_error(); }

}  // namespace certmint
