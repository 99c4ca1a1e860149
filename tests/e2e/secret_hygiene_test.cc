// Secrets never leave where they belong: no password or key in any output or
// error of any command, files private under any umask, and passwords refused
// on argv (bad_input_test.cc).
#include <filesystem>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

constexpr const char* kCaPassword = "ca-password-123";
constexpr const char* kStorePassword = "store-password";

class SecretHygieneTest : public CliTest {
 protected:
  // Runs a command and remembers everything it printed.
  ProcessResult Run(std::vector<std::string> args, RunOptions o = {}) {
    auto r = Certmint(std::move(args), std::move(o));
    printed_ += r.out + r.err;
    return r;
  }
  std::string printed_;
};

TEST_F(SecretHygieneTest, NoSecretInAnyOutput) {
  WriteTextFile(Path("wrong.pass"), "wrong-password-9\n");
  WriteTextFile(Path("m.yaml"), "identities:\n  - name: m-{n}\n    count: 2\n");
  Run({"ca", "init", "--dir", "pki", "--ca-password-file", "ca.pass", "--json"});
  Run({"issue", "b1", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass",
       "--password-file", "store.pass", "--json"});
  Run({"issue", "b2", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  Run({"issue", "b3", "--dir", "pki", "--out", "certs", "--ca-password-file", "wrong.pass",
       "--verbose"});
  Run({"apply", "m.yaml", "--dir", "pki", "--out", "certs", "--json"},
      RunOptions{.env = {{"CERTMINT_CA_PASSWORD", kCaPassword}}});
  for (const char* f :
       {"certs/b1/keystore.jks", "certs/b1/keystore.p12", "certs/b1/b1.key", "pki/ca.key"}) {
    Run({"inspect", f, "--password-file", "store.pass", "--json"});
    Run({"inspect", f, "--password-file", "wrong.pass", "--verbose"});
    Run({"inspect", f});
  }
  Run({"verify", "certs/b1", "--password-file", "store.pass", "--json"});
  Run({"verify", "certs/b1", "--password-file", "wrong.pass", "--verbose"});
  Run({"handshake", "--server", "certs/b1", "--client", "certs/b2", "--truststore",
       "certs/b1/truststore.jks", "--password-file", "store.pass", "--json"});
  Run({"convert", "certs/b1/keystore.jks", "out.pem", "--to", "pem", "--password-file",
       "store.pass"});
  Run({"keystore", "passwd", "certs/b1/keystore.p12", "--password-file", "store.pass",
       "--new-password-file", "wrong.pass"});
  Run({"renew", "b2", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  Run({"list", "--dir", "pki", "--json"});
  Run({"crl", "--dir", "pki", "--out", "crl.pem", "--ca-password-file", "ca.pass"});
  Run({"csr", "n1", "--out", "node"});
  Run({"sign", "node/n1.csr", "--dir", "pki", "--out", "n1.crt", "--ca-password-file", "ca.pass"});
  Run({"issue", "b9", "--dir", "pki", "--password", kStorePassword});

  ASSERT_FALSE(printed_.empty());
  EXPECT_EQ(printed_.find(kCaPassword), std::string::npos) << "CA password printed";
  EXPECT_EQ(printed_.find(kStorePassword), std::string::npos) << "store password printed";
  EXPECT_EQ(printed_.find("wrong-password-9"), std::string::npos);
  for (const char* generated : {"certs/b2/password", "certs/m-1/password", "node/password"}) {
    const std::string pw = ReadTextFile(Path(generated)).substr(0, 32);
    ASSERT_EQ(pw.size(), 32u) << generated;
    EXPECT_EQ(printed_.find(pw), std::string::npos) << "generated password printed: " << generated;
  }
  EXPECT_EQ(printed_.find("-----BEGIN"), std::string::npos) << "PEM material printed";
  // Nor any line of an encrypted key's base64 body.
  const std::string key = ReadTextFile(Path("certs/b1/b1.key"));
  const std::string body_line = key.substr(key.find('\n') + 1, 64);
  ASSERT_EQ(body_line.size(), 64u);
  EXPECT_EQ(printed_.find(body_line), std::string::npos);
}

TEST_F(SecretHygieneTest, EverySecretFileIsPrivateUnderAnyUmask) {
  WriteTextFile(Path("m.yaml"), "identities:\n  - name: m-{n}\n    count: 2\n");
  RunOptions open_umask{.umask = 0000};
  ASSERT_EQ(
      Run({"apply", "m.yaml", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"},
          open_umask)
          .exit_code,
      0);
  ASSERT_EQ(Run({"csr", "n1", "--out", "node"}, open_umask).exit_code, 0);
  ASSERT_EQ(
      Run({"crl", "--dir", "pki", "--out", "crl.pem", "--ca-password-file", "ca.pass"}, open_umask)
          .exit_code,
      0);
  for (const char* dir : {"pki", "certs", "certs/m-1"}) {
    EXPECT_EQ(FileMode(Path(dir)), 0700) << dir;
  }
  for (const char* f :
       {"pki/ca.key", "pki/inventory.db", "certs/m-1/m-1.key", "certs/m-1/keystore.p12",
        "certs/m-1/keystore.jks", "certs/m-1/password", "certs/m-1/kafka.properties",
        "certs/m-1/librdkafka.properties", "node/n1.key", "node/password"}) {
    EXPECT_EQ(FileMode(Path(f)), 0600) << f;
  }
  // Public material stays readable, so that it can be distributed.
  for (const char* f : {"pki/ca.crt", "certs/m-1/truststore.p12", "certs/m-1/ca.crt", "crl.pem"}) {
    EXPECT_EQ(FileMode(Path(f)), 0644) << f;
  }
}

TEST_F(SecretHygieneTest, TheCaKeyIsUselessWithoutItsPassword) {
  InitCa();
  const std::string key = ReadTextFile(Path("pki/ca.key"));
  EXPECT_NE(key.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
  auto none = Openssl({"pkey", "-in", "pki/ca.key", "-passin", "pass:", "-noout"});
  EXPECT_NE(none.exit_code, 0);
  WriteTextFile(Path("wrong.pass"), "wrong-password-9\n");
  auto wrong = Certmint({"issue", "x", "--dir", "pki", "--ca-password-file", "wrong.pass"});
  EXPECT_EQ(wrong.exit_code, 5);
  auto no_pw = Certmint({"issue", "x", "--dir", "pki"});
  EXPECT_EQ(no_pw.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(Path("x")));
}

}  // namespace
}  // namespace certmint::testing
