#include "core/secret_source.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "support/temp_dir.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

constexpr const char* kEnv = "CERTMINT_SECRET_SOURCE_TEST";

// Sets kEnv for one test and unsets it afterwards.
class ScopedEnv {
 public:
  explicit ScopedEnv(const char* value) { setenv(kEnv, value, 1); }
  ~ScopedEnv() { unsetenv(kEnv); }
};

TEST(SecretSourceTest, FileGivesItsFirstLineWithoutLineEnding) {
  TempDir tmp;
  WriteTextFile(tmp / "pw", "first line\r\nsecond line\n");
  auto secret = ReadSecretFile(tmp / "pw", "--password-file");
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->reveal(), "first line");

  WriteTextFile(tmp / "bare", "no newline");
  EXPECT_EQ(ReadSecretFile(tmp / "bare", "x").value().reveal(), "no newline");
}

TEST(SecretSourceTest, EmptyOrMissingFileIsAnErrorNamingIt) {
  TempDir tmp;
  WriteTextFile(tmp / "empty", "\nsecret on the second line\n");
  auto empty = ReadSecretFile(tmp / "empty", "--password-file");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().ToString(), "--password-file " + (tmp / "empty") + ": the file is empty");

  auto missing = ReadSecret({tmp / "missing", kEnv, "", false, "--ca-password-file"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  ASSERT_FALSE(missing.error().context().empty());
  EXPECT_EQ(missing.error().context()[0], "--ca-password-file");
}

TEST(SecretSourceTest, EnvironmentWhenSetAndNotEmpty) {
  unsetenv(kEnv);
  EXPECT_FALSE(SecretFromEnv(kEnv));
  {
    ScopedEnv env("");
    EXPECT_FALSE(SecretFromEnv(kEnv));
  }
  ScopedEnv env("from-env");
  auto secret = SecretFromEnv(kEnv);
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->reveal(), "from-env");
}

TEST(SecretSourceTest, FileComesBeforeEnvironment) {
  TempDir tmp;
  WriteTextFile(tmp / "pw", "from-file\n");
  ScopedEnv env("from-env");
  const SecretSource with_file{tmp / "pw", kEnv, "", false, "--password-file"};
  EXPECT_EQ(ReadSecret(with_file).value()->reveal(), "from-file");
  EXPECT_EQ(SecretOrigin(with_file), "--password-file " + (tmp / "pw"));

  const SecretSource env_only{"", kEnv, "Store password", false, "--password-file"};
  EXPECT_EQ(ReadSecret(env_only).value()->reveal(), "from-env");
  EXPECT_EQ(SecretOrigin(env_only), kEnv);
}

TEST(SecretSourceTest, NoSourceGivesNothing) {
  unsetenv(kEnv);
  // No file, no variable set, and no prompt (nor a terminal in tests).
  auto none = ReadSecret({"", kEnv, "", false, "--password-file"});
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_FALSE(*none);
  EXPECT_EQ(SecretOrigin({"", kEnv, "New store password", true, "--x"}), "New store password");
}

TEST(SecretSourceTest, RequiredSecretNamesOnlyThePlacesItHas) {
  unsetenv(kEnv);
  const SecretSource all{"", kEnv, "Store password", false, "--password-file"};
  auto missing = ReadRequiredSecret(all, "store password");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.error().message(),
            std::string("no store password: give --password-file FILE, set ") + kEnv +
                ", or run on a terminal to be prompted");
  EXPECT_EQ(MissingSecretMessage({"", kEnv, "", false, "--token-file"}, "enrollment token"),
            std::string("no enrollment token: give --token-file FILE, or set ") + kEnv);

  ScopedEnv env("from-env");
  EXPECT_EQ(ReadRequiredSecret(all, "store password").value().reveal(), "from-env");
}

}  // namespace
}  // namespace certmint
