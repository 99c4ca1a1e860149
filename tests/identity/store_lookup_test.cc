#include "identity/store_lookup.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "identity/files.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

TEST(StoreLookupTest, PasswordFileBesideTheStore) {
  TempDir tmp;
  ASSERT_TRUE(fs::EnsureDir(tmp / "id"));
  EXPECT_FALSE(PasswordOfStore(tmp / "id", std::nullopt).value());
  testing::WriteTextFile(tmp / "id/password", "beside-it\n");
  EXPECT_EQ(PasswordOfStore(tmp / "id", std::nullopt).value()->reveal(), "beside-it");
  EXPECT_EQ(PasswordOfStore(tmp / "id/keystore.p12", std::nullopt).value()->reveal(), "beside-it");
  EXPECT_EQ(PasswordOfStore(tmp / "id", SecretString("given")).value()->reveal(), "given");
}

TEST(StoreLookupTest, IdentityDirectoryStores) {
  TempDir tmp;
  auto ca = testing::InitTestCa(tmp / "pki", "Lookup CA", kNow);
  auto id = testing::IssueForTest(ca, testing::NodeRequest("broker-1", Role::kBoth, {}, kNow));
  ASSERT_TRUE(id);
  IdentityOutput output;
  output.formats = {StoreFormat::kJks};
  output.write_password_file = true;
  ASSERT_TRUE(WriteIdentity(tmp / "out", *id, SecretString("store-password"), output));

  auto keystore = LoadKeystoreAt(tmp / "out/broker-1", std::nullopt);
  ASSERT_TRUE(keystore) << keystore.error().ToString();
  EXPECT_EQ(keystore->label, tmp / "out/broker-1/keystore.jks");
  EXPECT_EQ(keystore->store.keys.size(), 1u);
  auto truststore = LoadTruststoreAt(tmp / "out/broker-1", std::nullopt);
  ASSERT_TRUE(truststore) << truststore.error().ToString();
  EXPECT_EQ(truststore->label, tmp / "out/broker-1/truststore.jks");
  EXPECT_TRUE(truststore->store.keys.empty());
}

TEST(StoreLookupTest, DirectoryWithoutStores) {
  TempDir tmp;
  ASSERT_TRUE(fs::EnsureDir(tmp / "bare"));
  auto keystore = LoadKeystoreAt(tmp / "bare", std::nullopt);
  ASSERT_FALSE(keystore);
  EXPECT_EQ(keystore.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(keystore.error().message(),
            tmp / "bare: no keystore (keystore.p12, keystore.jks or NAME.key with chain.pem)");
  EXPECT_EQ(LoadTruststoreAt(tmp / "bare", std::nullopt).error().code(), ErrorCode::kNotFound);
}

TEST(StoreLookupTest, HandshakeStoresTrustEachSidesOwnDirectoryOrTheGivenOne) {
  TempDir tmp;
  auto ca = testing::InitTestCa(tmp / "pki", "Handshake CA", kNow);
  IdentityOutput output;
  output.formats = {StoreFormat::kPkcs12};
  output.write_password_file = true;
  for (const char* name : {"broker-1", "client-1"}) {
    auto id = testing::IssueForTest(ca, testing::NodeRequest(name, Role::kBoth, {}, kNow));
    ASSERT_TRUE(id);
    ASSERT_TRUE(WriteIdentity(tmp / "out", *id, SecretString("store-password"), output));
  }
  auto own = LoadHandshakeStores(tmp / "out/broker-1", tmp / "out/client-1", "", std::nullopt);
  ASSERT_TRUE(own) << own.error().ToString();
  EXPECT_EQ(own->server_trust.label, tmp / "out/broker-1/truststore.p12");
  ASSERT_TRUE(own->client);
  EXPECT_EQ(own->client_trust.label, tmp / "out/client-1/truststore.p12");

  // Without a client keystore the client trusts what the server's directory trusts.
  auto anonymous = LoadHandshakeStores(tmp / "out/broker-1", "", "", std::nullopt);
  ASSERT_TRUE(anonymous) << anonymous.error().ToString();
  EXPECT_FALSE(anonymous->client);
  EXPECT_EQ(anonymous->client_trust.label, tmp / "out/broker-1/truststore.p12");

  auto given = LoadHandshakeStores(tmp / "out/broker-1", tmp / "out/client-1",
                                   tmp / "out/client-1/truststore.p12", std::nullopt);
  ASSERT_TRUE(given) << given.error().ToString();
  EXPECT_EQ(given->server_trust.label, tmp / "out/client-1/truststore.p12");

  ASSERT_TRUE(fs::EnsureDir(tmp / "bare"));
  auto missing = LoadHandshakeStores(tmp / "out/broker-1", tmp / "bare", "", std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().ToString().find("--client"), std::string::npos);
}

}  // namespace
}  // namespace certmint
