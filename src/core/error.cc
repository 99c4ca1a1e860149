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
