// Where a CA's secret comes from: the password or, for a key in a token,
// the PIN; which of the two each command reads.
#include "ca/ca_secrets.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "ca/ca_token_key.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

// No CA password or PIN in the environment, unless a test sets one.
class CaSecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv(kCaPasswordEnv);
    unsetenv(kPkcs11PinEnv);
    unsetenv(kRootCaPasswordEnv);
  }
  void TearDown() override { SetUp(); }
  // A directory that says its CA key is in a token.
  std::string TokenCaDir() {
    WriteTextFile(CaTokenKeyPath(tmp_.path()), "{}");
    return tmp_.path();
  }
  std::string File(const std::string& name, const std::string& secret) {
    WriteTextFile(tmp_ / name, secret + "\n");
    return tmp_ / name;
  }
  TempDir tmp_;
};

TEST_F(CaSecretsTest, WithoutADirectoryThePinFileOrAPinAloneInTheEnvironmentMeanAToken) {
  EXPECT_FALSE(OpensWithTokenPin({}, ""));
  EXPECT_TRUE(OpensWithTokenPin({"", "pin.txt"}, ""));
  setenv(kPkcs11PinEnv, "1234", 1);
  EXPECT_TRUE(OpensWithTokenPin({}, ""));
  EXPECT_FALSE(OpensWithTokenPin({"ca-password.txt", ""}, ""));  // a password file wins
  setenv(kCaPasswordEnv, "secret-password", 1);
  EXPECT_FALSE(OpensWithTokenPin({}, ""));  // so does the password variable
}

TEST_F(CaSecretsTest, WithADirectoryItsKeyDecides) {
  TempDir file_ca;
  EXPECT_FALSE(OpensWithTokenPin({"", "pin.txt"}, file_ca.path()));
  EXPECT_TRUE(OpensWithTokenPin({"ca-password.txt", ""}, TokenCaDir()));
}

TEST_F(CaSecretsTest, AnExistingTokenCaReadsThePinANewCaThePassword) {
  const CaSecretFiles files{File("pw", "the-password"), File("pin", "4321")};
  EXPECT_EQ(ReadCaSecret(files, TokenCaDir(), false).value().reveal(), "4321");
  EXPECT_EQ(ReadCaSecret(files, TokenCaDir(), true).value().reveal(), "the-password");
  TempDir file_ca;
  EXPECT_EQ(ReadCaSecret(files, file_ca.path(), false).value().reveal(), "the-password");
  setenv(kCaPasswordEnv, "from-the-environment", 1);
  EXPECT_EQ(ReadCaSecret({}, file_ca.path(), false).value().reveal(), "from-the-environment");
}

TEST_F(CaSecretsTest, ReloadNeverPromptsAndSaysSo) {
  TempDir file_ca;
  auto none = ReadCaReloadSecret(file_ca.path(), {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(none.error().ToString().find("CA password to reload with"), std::string::npos);
  EXPECT_NE(none.error().ToString().find(kCaPasswordEnv), std::string::npos);
  setenv(kPkcs11PinEnv, "9876", 1);
  EXPECT_EQ(ReadCaReloadSecret(TokenCaDir(), {}).value().reveal(), "9876");
}

TEST_F(CaSecretsTest, ATokenRootTakesThePinUnlessItsPasswordFileIsGiven) {
  const std::string root = TokenCaDir();
  const std::string pin = File("pin", "1111");
  EXPECT_EQ(ReadRootCaSecret(root, "", pin).value().reveal(), "1111");
  EXPECT_EQ(ReadRootCaSecret(root, File("root", "root-pin"), pin).value().reveal(), "root-pin");
  TempDir file_root;
  setenv(kRootCaPasswordEnv, "root-password", 1);
  EXPECT_EQ(ReadRootCaSecret(file_root.path(), "", pin).value().reveal(), "root-password");
}

TEST_F(CaSecretsTest, ANewCaInATokenTakesThePin) {
  const CaSecretFiles files{File("pw", "new-password"), File("pin", "2222")};
  EXPECT_EQ(ReadNewCaSecret(files, true).value().reveal(), "2222");
  EXPECT_EQ(ReadNewCaSecret(files, false).value().reveal(), "new-password");
}

TEST_F(CaSecretsTest, TheCurrentCaOfARotationIsOpenedWithWhatItsKeyNeeds) {
  const CaSecretFiles files{File("pw", "current-password"), File("pin", "3333")};
  EXPECT_EQ(ReadCurrentCaSecret(TokenCaDir(), files).value().reveal(), "3333");
  TempDir file_ca;
  EXPECT_EQ(ReadCurrentCaSecret(file_ca.path(), files).value().reveal(), "current-password");
}

TEST_F(CaSecretsTest, ARotatedFileKeyKeepsTheCurrentPasswordUnlessANewOneIsGiven) {
  TempDir dir;
  const auto current = testing::InitTestCa(dir / "pki", "Rotation secrets CA", kNow);
  const SecretString current_pw(testing::kTestCaPassword);
  const CaSecretFiles files{"", File("pin", "5555")};
  EXPECT_EQ(ReadRotationSecret(files, "", current, current_pw, false).value().reveal(),
            testing::kTestCaPassword);
  EXPECT_EQ(ReadRotationSecret(files, File("new", "next-password"), current, current_pw, false)
                .value()
                .reveal(),
            "next-password");
  EXPECT_EQ(ReadRotationSecret(files, "", current, current_pw, true).value().reveal(), "5555");
}

}  // namespace
}  // namespace certmint
