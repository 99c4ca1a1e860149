#include "identity/install_files.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

class InstallFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = testing::InitTestCa(tmp_ / "pki", "Install CA", kNow);
    auto id = testing::IssueForTest(ca, testing::NodeRequest("broker-7", Role::kBoth, {}, kNow));
    ASSERT_TRUE(id.has_value());
    ASSERT_TRUE(fs::EnsureDir(tmp_ / "node").has_value());
    auto pem = id->key.ToEncryptedPkcs8Pem(SecretString("key-password"), Pkcs8Encryption{1000});
    ASSERT_TRUE(pem.has_value());
    ASSERT_TRUE(fs::WriteFileAtomic(tmp_ / "node/broker-7.key", *pem, fs::kPrivateFile));
    ASSERT_TRUE(
        fs::WriteFileAtomic(tmp_ / "node/broker-7.crt", id->certificate.ToPem(), fs::kPublicFile));
    ASSERT_TRUE(fs::WriteFileAtomic(tmp_ / "ca.crt", ca.certificate().ToPem(), fs::kPublicFile));
  }

  InstallFilesRequest Request(std::optional<std::string> key_pw,
                              std::optional<std::string> store_pw) {
    InstallFilesRequest r;
    r.key_file = tmp_ / "node/broker-7.key";
    r.chain_file = tmp_ / "node/broker-7.crt";
    r.ca_file = tmp_ / "ca.crt";
    r.out_dir = tmp_ / "out";
    r.formats = "pem,p12";
    r.key_password = [key_pw]() -> Result<std::optional<SecretString>> {
      return key_pw ? std::optional<SecretString>(SecretString(*key_pw)) : std::nullopt;
    };
    r.store_password = [store_pw]() -> Result<std::optional<SecretString>> {
      return store_pw ? std::optional<SecretString>(SecretString(*store_pw)) : std::nullopt;
    };
    return r;
  }

  TempDir tmp_;
};

TEST_F(InstallFilesTest, KeyPasswordFileIsTheGivenOneElseTheOneBesideTheKey) {
  EXPECT_EQ(KeyPasswordFileFor(tmp_ / "node/broker-7.key", "given"), "given");
  EXPECT_EQ(KeyPasswordFileFor(tmp_ / "node/broker-7.key", ""), "");
  ASSERT_TRUE(fs::WriteFileAtomic(tmp_ / "node/password", "key-password\n", fs::kPrivateFile));
  EXPECT_EQ(KeyPasswordFileFor(tmp_ / "node/broker-7.key", ""), tmp_ / "node/password");
}

TEST_F(InstallFilesTest, TheKeysPasswordProtectsTheStoresAndIsKept) {
  auto done = InstallFromFiles(Request("key-password", std::nullopt));
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_EQ(done->chain_length, 2u);
  EXPECT_TRUE(done->files.password_file.has_value());
  EXPECT_TRUE(done->files.keystore_p12.has_value());
  EXPECT_FALSE(done->files.keystore_jks.has_value());
}

TEST_F(InstallFilesTest, AGivenStorePasswordIsNotWritten) {
  auto done = InstallFromFiles(Request("key-password", "store-password"));
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_FALSE(done->files.password_file.has_value());
}

TEST_F(InstallFilesTest, NoPasswordAtAllIsRefused) {
  // An unencrypted key, and no store password.
  auto id = InstallFromFiles(Request(std::nullopt, std::nullopt));
  ASSERT_FALSE(id.has_value());
  EXPECT_NE(id.error().ToString().find("--key"), std::string::npos);
}

TEST_F(InstallFilesTest, AMissingChainNamesTheFlag) {
  auto r = Request("key-password", std::nullopt);
  r.chain_file = tmp_ / "missing.crt";
  auto done = InstallFromFiles(r);
  ASSERT_FALSE(done.has_value());
  EXPECT_NE(done.error().ToString().find("--chain"), std::string::npos);
}

}  // namespace
}  // namespace certmint
