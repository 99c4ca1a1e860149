#include "stores/new_password.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "stores/keystore.h"
#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

TEST(NewPasswordTest, RefusedPasswordIsAnErrorNamingItsSource) {
  TempDir tmp;
  WriteTextFile(tmp / "short", "abc\n");
  auto pw = ReadNewStorePassword({tmp / "short", nullptr, "", false, "--password-file"});
  ASSERT_FALSE(pw);
  EXPECT_EQ(pw.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_FALSE(pw.error().context().empty());
  EXPECT_EQ(pw.error().context()[0], "--password-file " + (tmp / "short"));
  EXPECT_EQ(pw.error().ToString().find("abc"), std::string::npos) << "the password leaked";

  WriteTextFile(tmp / "spaced", " leading-space\n");
  EXPECT_FALSE(ReadNewStorePassword({tmp / "spaced", nullptr, "", false, "--password-file"}));
}

TEST(NewPasswordTest, AcceptedPasswordIsGivenBack) {
  TempDir tmp;
  WriteTextFile(tmp / "good", "changeit-please\n");
  auto pw = ReadNewStorePassword({tmp / "good", nullptr, "", false, "--password-file"});
  ASSERT_TRUE(pw) << pw.error().ToString();
  ASSERT_TRUE(*pw);
  EXPECT_EQ((*pw)->reveal(), "changeit-please");

  auto store = NewStorePassword({tmp / "good", nullptr, "", false, "--password-file"});
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->generated);
  EXPECT_EQ(store->password.reveal(), "changeit-please");
}

TEST(NewPasswordTest, NoneGivenMeansARandomOne) {
  auto a = NewStorePassword({"", nullptr, "", false, "--password-file"});
  auto b = NewStorePassword({"", nullptr, "", false, "--password-file"});
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->generated);
  EXPECT_TRUE(CheckNewStorePassword(a->password.reveal()));
  EXPECT_NE(a->password.reveal(), b->password.reveal());
}

TEST(NewPasswordTest, RenewalTakesAtMostOneNewPassword) {
  TempDir tmp;
  WriteTextFile(tmp / "good", "changeit-please\n");
  auto two = ReadRenewalPassword({tmp / "good", "", true});
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(two.error().message().find("give one of"), std::string::npos);

  auto from_file = ReadRenewalPassword({tmp / "good", "", false});
  ASSERT_TRUE(from_file && *from_file);
  EXPECT_EQ((*from_file)->reveal(), "changeit-please");

  auto random = ReadRenewalPassword({"", "", true});  // the renewal makes it
  ASSERT_TRUE(random);
  EXPECT_FALSE(*random);
}

// Issue 19, item 13: a password given where the variable's name goes is
// refused without being repeated.
TEST(NewPasswordTest, RenewalPasswordVariableNameIsNeverEchoed) {
  for (const char* value : {"My S3cret!", "9LIVES", "pass=word"}) {
    auto r = ReadRenewalPassword({"", value, false});
    ASSERT_FALSE(r) << value;
    EXPECT_EQ(r.error().ToString().find(value), std::string::npos) << r.error().ToString();
    EXPECT_NE(r.error().message().find("not an environment variable's name"), std::string::npos);
  }
}

TEST(NewPasswordTest, RenewalPasswordVariableMustBeSet) {
  ::unsetenv("CERTMINT_TEST_UNSET_PASSWORD");
  auto unset = ReadRenewalPassword({"", "CERTMINT_TEST_UNSET_PASSWORD", false});
  ASSERT_FALSE(unset);
  EXPECT_EQ(unset.error().message(),
            "--new-password-env: CERTMINT_TEST_UNSET_PASSWORD is not set or empty");
  ::setenv("CERTMINT_TEST_RENEW_PASSWORD", "from-the-env-1", 1);
  auto set = ReadRenewalPassword({"", "CERTMINT_TEST_RENEW_PASSWORD", false});
  ::unsetenv("CERTMINT_TEST_RENEW_PASSWORD");
  ASSERT_TRUE(set && *set);
  EXPECT_EQ((*set)->reveal(), "from-the-env-1");
}

}  // namespace
}  // namespace certmint
