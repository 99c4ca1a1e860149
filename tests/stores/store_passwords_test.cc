// Where a store's password comes from: the file, then the environment
// variable; new passwords checked, naming where they came from.
#include "stores/store_passwords.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

class StorePasswordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv(kStorePasswordEnv);
    unsetenv(kNewPasswordEnv);
  }
  void TearDown() override { SetUp(); }
  std::string File(const std::string& name, const std::string& secret) {
    WriteTextFile(tmp_ / name, secret + "\n");
    return tmp_ / name;
  }
  TempDir tmp_;
};

TEST_F(StorePasswordsTest, TheFileThenTheEnvironmentElseNone) {
  EXPECT_FALSE(ExplicitPassword("").value().has_value());
  setenv(kStorePasswordEnv, "from-env", 1);
  EXPECT_EQ(ExplicitPassword("").value()->reveal(), "from-env");
  EXPECT_EQ(ExplicitPassword(File("pw", "from-file")).value()->reveal(), "from-file");
  EXPECT_EQ(ReadStorePassword("").value().reveal(), "from-env");
}

TEST_F(StorePasswordsTest, ANewPasswordThatIsTooWeakIsRefusedNamingItsSource) {
  auto weak = ExplicitNewPassword(File("pw", "abc"));
  ASSERT_FALSE(weak);
  EXPECT_NE(weak.error().ToString().find("--password-file"), std::string::npos);
  auto converted = ReadConvertedStorePassword(File("out", "abc"));
  ASSERT_FALSE(converted);
  EXPECT_NE(converted.error().ToString().find("--out-password-file"), std::string::npos);
  EXPECT_EQ(ExplicitNewPassword(File("good", "good-password")).value()->reveal(), "good-password");
}

TEST_F(StorePasswordsTest, ANewIdentityGetsAGeneratedPasswordWhenNoneIsGiven) {
  auto generated = NewIdentityStorePassword("");
  ASSERT_TRUE(generated) << generated.error().ToString();
  EXPECT_TRUE(generated->generated);
  EXPECT_FALSE(generated->password.reveal().empty());
  setenv(kStorePasswordEnv, "given-password", 1);
  auto given = NewIdentityStorePassword("");
  ASSERT_TRUE(given) << given.error().ToString();
  EXPECT_FALSE(given->generated);
  EXPECT_EQ(given->password.reveal(), "given-password");
}

TEST_F(StorePasswordsTest, AChangedPasswordComesFromItsOwnFileOrVariable) {
  setenv(kStorePasswordEnv, "the-old-password", 1);  // never the new one
  setenv(kNewPasswordEnv, "the-new-password", 1);
  EXPECT_EQ(ReadChangedStorePassword("").value().reveal(), "the-new-password");
  EXPECT_EQ(ReadChangedStorePassword(File("new", "from-the-file")).value().reveal(),
            "from-the-file");
  EXPECT_EQ(ReadConvertedStorePassword("").value()->reveal(), "the-new-password");
}

}  // namespace
}  // namespace certmint
