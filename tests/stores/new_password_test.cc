#include "stores/new_password.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace certmint
