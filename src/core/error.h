// certmint errors as values.
//
// No exception crosses the library's API. A fallible function returns
// Result<T>; the Error inside carries a code (which the CLI maps to its exit
// status), the innermost cause, a chain of context added by each caller
// ("issuing broker-3: reading CA key /pki/ca.key: wrong password"), and the
// OpenSSL error queue as it was when the error was made, shown only on
// request (--verbose).
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

namespace certmint {

// What went wrong, coarse enough to pick an exit code from.
enum class ErrorCode {
  kInternal = 1,         // a bug or an unexpected library failure
  kInvalidArgument = 2,  // a flag, a name, a DN, an address the user gave is malformed
  kNotFound = 3,         // a file or CA that should exist does not
  kAlreadyExists = 4,    // refusing to overwrite
  kBadPassword = 5,      // decryption or integrity check failed
  kInvalidData = 6,      // a file's contents are malformed or unsupported
  kIo = 7,               // reading or writing failed
  kDenied = 8,           // the CA service refused (token, certificate or request)
  kNotReady = 9,         // not safe yet: a step that must come first has not happened
  kRefused = 10,         // a destructive step the operator did not confirm: give the flag named
};

std::string_view ErrorCodeName(ErrorCode code);

// What each exit status means, as every command's --help and the manual
// show it: "Exit codes:" and a line per ErrorCode, after 0 for success.
std::string_view ExitCodeTable();

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  // The innermost cause, without context.
  const std::string& message() const { return message_; }
  // Outermost first.
  const std::vector<std::string>& context() const { return context_; }
  // The OpenSSL error queue drained when the error was made; may be empty.
  const std::string& openssl_detail() const { return openssl_detail_; }

  // Adds a context line in front (what the caller was doing).
  Error& AddContext(std::string what) {
    context_.insert(context_.begin(), std::move(what));
    return *this;
  }

  // Drains the thread's OpenSSL error queue into this error.
  Error& WithOpenSslQueue();

  // "context1: context2: message".
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<std::string> context_;
  std::string openssl_detail_;
};

// A value or the Error that kept it from being made. [[nodiscard]]: an
// ignored error does not compile (-Werror builds); discard one on purpose
// with (void) and a comment saying why.
template <typename T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using Base = tl::expected<T, Error>;
  using Base::Base;
  Result(const Base& other) : Base(other) {}        // NOLINT: implicit, as tl::expected's own
  Result(Base&& other) : Base(std::move(other)) {}  // NOLINT
};
using Status = Result<void>;

inline tl::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error(code, std::move(message)));
}

// An error whose detail is the current OpenSSL error queue (which it drains).
tl::unexpected<Error> OpenSslError(ErrorCode code, std::string message);

// Prefixes the error of `r`, if any, with `what`.
template <typename T>
Result<T> WithContext(Result<T>&& r, std::string what) {
  if (!r) {
    r.error().AddContext(std::move(what));
  }
  return std::move(r);
}

// Discards the OpenSSL error queue (after a failure that was expected and handled).
void ClearOpenSslErrors();

}  // namespace certmint

#define CM_CONCAT_INNER(a, b) a##b
#define CM_CONCAT(a, b) CM_CONCAT_INNER(a, b)

// Returns the error of a Result/Status expression from the enclosing function.
#define CM_RETURN_IF_ERROR(expr)                            \
  do {                                                      \
    auto cm_status_ = (expr);                               \
    if (!cm_status_) {                                      \
      return tl::unexpected(std::move(cm_status_).error()); \
    }                                                       \
  } while (false)

// `CM_ASSIGN_OR_RETURN(auto x, Foo());` declares x from Foo()'s value or
// returns its error.
#define CM_ASSIGN_OR_RETURN(lhs, expr) \
  CM_ASSIGN_OR_RETURN_IMPL(CM_CONCAT(cm_result_, __LINE__), lhs, expr)
#define CM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)   \
  auto tmp = (expr);                               \
  if (!tmp) {                                      \
    return tl::unexpected(std::move(tmp).error()); \
  }                                                \
  lhs = std::move(*tmp)
