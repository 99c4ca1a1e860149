#include "core/error.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>

namespace certmint {
namespace {

Result<int> Fails() { return MakeError(ErrorCode::kNotFound, "ca.crt: No such file"); }

Result<int> Propagates() {
  CM_ASSIGN_OR_RETURN(int v, WithContext(Fails(), "loading CA"));
  return v + 1;
}

Status Outer() {
  CM_RETURN_IF_ERROR(WithContext(Propagates(), "issuing broker-1"));
  return {};
}

TEST(ErrorTest, ContextChainsOutermostFirst) {
  Status st = Outer();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(st.error().message(), "ca.crt: No such file");
  EXPECT_EQ(st.error().ToString(), "issuing broker-1: loading CA: ca.crt: No such file");
}

TEST(ErrorTest, CapturesAndDrainsOpenSslQueue) {
  // Provoke a real OpenSSL error: an unknown digest name.
  EXPECT_EQ(EVP_MD_fetch(nullptr, "NO-SUCH-DIGEST", nullptr), nullptr);
  ASSERT_NE(ERR_peek_error(), 0u);
  auto e = OpenSslError(ErrorCode::kInternal, "fetching digest");
  EXPECT_FALSE(e.value().openssl_detail().empty());
  EXPECT_EQ(ERR_peek_error(), 0u) << "queue must be drained";
  EXPECT_EQ(e.value().ToString(), "fetching digest") << "detail is not part of the message";
}

TEST(ErrorTest, CodesHaveNames) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kBadPassword), "bad-password");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kAlreadyExists), "already-exists");
}

TEST(ErrorTest, ToStringIsOneLineWhateverTheMessageQuotes) {
  // A flag's value or a peer's string inside a message must not start a
  // second line or reach the terminal as an escape sequence.
  Error e(ErrorCode::kInvalidArgument, "--ip 1.2\n3: not an IP address");
  e.AddContext("issue \x1b]0;owned\x07");
  EXPECT_EQ(e.ToString(), "issue \\x1b]0;owned\\x07: --ip 1.2\\x0a3: not an IP address");
}

}  // namespace
}  // namespace certmint
