#include "identity/identity.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "identity/files.h"
#include "identity/state.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::FileMode;
using testing::ListDir;
using testing::TempDir;

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(CertificateAuthority::Init(tmp_ / "pki", testing::FastCaOptions("Unit CA"),
                                           SecretString("ca-password"))
                    .value());
  }
  TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
};

TEST_F(IdentityTest, NameBecomesCnAndDnsSan) {
  IdentityRequest req;
  req.name = "broker-1";
  req.sans.AddDns("broker-1.kafka.example.com");
  req.sans.AddIp("10.0.0.1");
  auto id = IssueIdentity(*ca_, req);
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_EQ(id->certificate.Subject().ToString(), "CN=broker-1");
  SubjectAltNames sans = id->certificate.Sans();
  EXPECT_EQ(sans.dns, (std::vector<std::string>{"broker-1", "broker-1.kafka.example.com"}));
  EXPECT_EQ(sans.ips, std::vector<std::string>{"10.0.0.1"});
}

TEST_F(IdentityTest, NameThatIsNoHostNameIsNoSan) {
  IdentityRequest req;
  req.name = "client_app";
  auto id = IssueIdentity(*ca_, req);
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->certificate.Sans().empty());
  EXPECT_EQ(id->certificate.Subject().ToString(), "CN=client_app");
}

TEST_F(IdentityTest, WritesEveryFileWithItsMode) {
  IdentityRequest req;
  req.name = "broker-2";
  auto id = IssueIdentity(*ca_, req).value();
  SecretString pw("store-password");
  IdentityOutput output;
  output.write_password_file = true;
  auto files = WriteIdentity(tmp_ / "out", id, pw, output);
  ASSERT_TRUE(files) << files.error().ToString();
  std::vector<std::string> visible;
  for (const auto& f : ListDir(tmp_ / "out/broker-2")) {
    if (f.rfind("..", 0) != 0) {
      visible.push_back(f);
    }
  }
  EXPECT_EQ(visible,
            (std::vector<std::string>{"broker-2.crt", "broker-2.key", "ca.crt", "certmint.json",
                                      "chain.pem", "kafka.properties", "keystore.jks",
                                      "keystore.p12", "librdkafka.properties", "password",
                                      "server.properties", "truststore.jks", "truststore.p12"}));
  EXPECT_EQ(FileMode(*files->kafka_properties), 0600) << "it holds the password";
  EXPECT_EQ(FileMode(*files->server_properties), 0600) << "it holds the password";
  EXPECT_EQ(FileMode(*files->librdkafka_properties), 0600);
  const std::string props = testing::ReadTextFile(*files->kafka_properties);
  EXPECT_NE(props.find("ssl.keystore.password=store-password\n"), std::string::npos) << props;
  EXPECT_NE(props.find("ssl.endpoint.identification.algorithm=https\n"), std::string::npos);
  EXPECT_NE(props.find("ssl.client.auth=required\n"), std::string::npos);
  EXPECT_NE(props.find("ssl.keystore.location=" + fs::Absolute(tmp_ / "out/broker-2") +
                       "/keystore.p12\n"),
            std::string::npos)
      << props;
  EXPECT_EQ(FileMode(tmp_ / "out/broker-2"), 0700);
  EXPECT_EQ(FileMode(*files->key), 0600);
  EXPECT_EQ(FileMode(*files->keystore_p12), 0600);
  EXPECT_EQ(FileMode(*files->keystore_jks), 0600);
  EXPECT_EQ(FileMode(*files->password_file), 0600);
  EXPECT_EQ(FileMode(files->certificate), 0644);
  EXPECT_EQ(testing::ReadTextFile(*files->password_file), "store-password\n");

  auto chain = Certificate::ChainFromPem(testing::ReadTextFile(*files->chain)).value();
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0].Sha256Fingerprint(), id.certificate.Sha256Fingerprint());
  EXPECT_EQ(chain[1].Sha256Fingerprint(), ca_->certificate().Sha256Fingerprint());
  auto key = PrivateKey::FromPem(testing::ReadTextFile(*files->key), &pw);
  ASSERT_TRUE(key);
  EXPECT_TRUE(id.certificate.MatchesKey(*key));

  // No second identity of the same name, and the first stays as it was.
  auto again = WriteIdentity(tmp_ / "out", id, pw, output);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(ListDir(tmp_ / "out"), std::vector<std::string>{"broker-2"});
}

TEST_F(IdentityTest, ShortStorePasswordRefusedWithNothingWritten) {
  IdentityRequest req;
  req.name = "n1";
  auto id = IssueIdentity(*ca_, req).value();
  auto r = WriteIdentity(tmp_ / "out", id, SecretString("12345"), IdentityOutput{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::Exists(tmp_ / "out"));
}

// A line break in the install directory once wrote a setting of its own
// into librdkafka.properties, which has no escapes: refused, nothing written.
TEST_F(IdentityTest, InstallDirWithAControlCharacterIsRefused) {
  IdentityRequest req;
  req.name = "client-y";
  auto id = IssueIdentity(*ca_, req).value();
  const std::vector<std::string> dirs = {"/etc/kafka\nenable.ssl.certificate.verification=false",
                                         "/etc/kafka\r", "/etc/\x1b[2Jkafka"};
  for (const std::string& dir : dirs) {
    IdentityOutput output;
    output.install_dir = dir;
    auto r = WriteIdentity(tmp_ / "out", id, SecretString("store-password"), output);
    ASSERT_FALSE(r) << PrintableBytes(dir);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message().find_first_of("\n\r\x1b"), std::string::npos);
    EXPECT_FALSE(fs::Exists(tmp_ / "out/client-y"));
  }
}

TEST_F(IdentityTest, PropertiesEscapeJavaSpecialCharacters) {
  IdentityRequest req;
  req.name = "client-x";
  req.role = Role::kClient;
  auto id = IssueIdentity(*ca_, req).value();
  IdentityOutput output;
  output.install_dir = "/etc/kafka/ssl";
  auto files = WriteIdentity(tmp_ / "out", id, SecretString("p=ss:w#rd\\x"), output).value();
  const std::string props = testing::ReadTextFile(*files.kafka_properties);
  EXPECT_NE(props.find("ssl.keystore.password=p\\=ss\\:w\\#rd\\\\x\n"), std::string::npos) << props;
  EXPECT_NE(props.find("ssl.keystore.location=/etc/kafka/ssl/keystore.p12\n"), std::string::npos);
  EXPECT_EQ(props.find("ssl.client.auth"), std::string::npos) << "clients do not demand mTLS";
  const std::string rdk = testing::ReadTextFile(*files.librdkafka_properties);
  EXPECT_NE(rdk.find("ssl.key.location=/etc/kafka/ssl/client-x.key\n"), std::string::npos) << rdk;
  EXPECT_NE(rdk.find("ssl.ca.location=/etc/kafka/ssl/ca.crt\n"), std::string::npos) << rdk;
}

// Kafka reads kafka.properties as ISO 8859-1: characters outside ASCII in a
// path go in as \uXXXX (a surrogate pair beyond U+FFFF), control characters
// as their escapes; librdkafka.properties keeps the path's bytes.
TEST_F(IdentityTest, PropertiesEscapeNonAsciiPaths) {
  IdentityRequest req;
  req.name = "client-y";
  req.role = Role::kClient;
  auto id = IssueIdentity(*ca_, req).value();
  IdentityOutput output;
  output.install_dir =
      "/etc/k\xC3\xA4"
      "fka/\xF0\x9F\x94\x91\tssl";  // äfka, a key emoji, a tab
  auto files = WriteIdentity(tmp_ / "out", id, SecretString("store-password"), output).value();
  const std::string props = testing::ReadTextFile(*files.kafka_properties);
  EXPECT_NE(
      props.find("ssl.keystore.location=/etc/k\\u00E4fka/\\uD83D\\uDD11\\tssl/keystore.p12\n"),
      std::string::npos)
      << props;
  for (char c : props) {
    EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "kafka.properties is ASCII";
  }
  const std::string rdk = testing::ReadTextFile(*files.librdkafka_properties);
  EXPECT_NE(rdk.find("ssl.ca.location=/etc/k\xC3\xA4"
                     "fka/\xF0\x9F\x94\x91\tssl/ca.crt\n"),
            std::string::npos)
      << rdk;
}

TEST_F(IdentityTest, StateReflectsWhatWasWritten) {
  IdentityRequest req;
  req.name = "node-s";
  req.sans.AddIp("10.1.1.1");
  req.role = Role::kServer;
  req.key_spec = ParseKeySpec("rsa:2048").value();
  auto id = IssueIdentity(*ca_, req).value();
  IdentityOutput output;
  output.formats = {StoreFormat::kPkcs12};
  output.write_password_file = true;
  ASSERT_TRUE(WriteIdentity(tmp_ / "out", id, SecretString("store-password"), output));
  auto state = ReadIdentityState(tmp_ / "out", "node-s").value();
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->complete);
  EXPECT_EQ(state->role, Role::kServer);
  EXPECT_EQ(state->key_type.ToString(), "rsa:2048");
  EXPECT_EQ(state->sans.ips, std::vector<std::string>{"10.1.1.1"});
  EXPECT_EQ(state->formats, std::vector<StoreFormat>{StoreFormat::kPkcs12});
  EXPECT_TRUE(IssuedBy(state->certificate, ca_->certificate()));
  ASSERT_TRUE(state->password_file);

  std::filesystem::remove(tmp_ / "out/node-s/truststore.p12");
  EXPECT_FALSE(ReadIdentityState(tmp_ / "out", "node-s").value()->complete);
  EXPECT_FALSE(ReadIdentityState(tmp_ / "out", "absent").value());
}

// The PKCS#12 profile, a passwordless truststore and the alias are part of
// the identity's state, so that renewals keep them; an identity whose
// certmint.json predates them reads them off its stores.
TEST_F(IdentityTest, StateKeepsHowTheStoresWereWritten) {
  IdentityRequest req;
  req.name = "node-l";
  auto id = IssueIdentity(*ca_, req).value();
  IdentityOutput output;
  output.formats = {StoreFormat::kPkcs12};
  output.pkcs12.profile = Pkcs12Profile::kLegacy;
  output.pkcs12.passwordless = true;
  output.alias = "kafka-node";
  ASSERT_TRUE(WriteIdentity(tmp_ / "out", id, SecretString("store-password"), output));
  auto state = ReadIdentityState(tmp_ / "out", "node-l").value();
  ASSERT_TRUE(state);
  EXPECT_EQ(state->pkcs12.profile, Pkcs12Profile::kLegacy);
  EXPECT_TRUE(state->pkcs12.passwordless);
  EXPECT_EQ(state->alias, "kafka-node");

  const std::string meta_path = tmp_ / "out/node-l/certmint.json";
  auto meta = nlohmann::json::parse(testing::ReadTextFile(meta_path));
  meta.erase("p12_profile");
  meta.erase("passwordless_truststore");
  meta.erase("alias");
  testing::WriteTextFile(meta_path, meta.dump());
  auto old = ReadIdentityState(tmp_ / "out", "node-l").value();
  EXPECT_EQ(old->pkcs12.profile, Pkcs12Profile::kLegacy) << "from keystore.p12's SHA-1 MAC";
  EXPECT_TRUE(old->pkcs12.passwordless) << "from truststore.p12 having no MAC";
  EXPECT_EQ(old->alias, "");
}

TEST_F(IdentityTest, ReplaceSwapsAtomically) {
  IdentityRequest req;
  req.name = "swap";
  IdentityOutput output;
  auto first = IssueIdentity(*ca_, req).value();
  ASSERT_TRUE(WriteIdentity(tmp_ / "out", first, SecretString("store-password"), output));
  auto second = IssueIdentity(*ca_, req).value();
  output.replace = true;
  ASSERT_TRUE(WriteIdentity(tmp_ / "out", second, SecretString("store-password"), output));
  auto state = ReadIdentityState(tmp_ / "out", "swap").value();
  EXPECT_EQ(state->certificate.SerialHex(), second.certificate.SerialHex());
  EXPECT_EQ(ListDir(tmp_ / "out"), std::vector<std::string>{"swap"}) << "old copy removed";
}

TEST(IdentityNameTest, Validation) {
  for (const char* ok : {"broker-1", "kafka.client_1", "A"}) {
    EXPECT_TRUE(ValidateIdentityName(ok)) << ok;
  }
  for (const char* bad : {"", ".hidden", "-flag", "a/b", "../x", "a b", "x;y"}) {
    auto st = ValidateIdentityName(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_NE(st.error().message().find("invalid identity name"), std::string::npos);
  }
  EXPECT_FALSE(ValidateIdentityName(std::string(65, 'a')));
}

}  // namespace
}  // namespace certmint
