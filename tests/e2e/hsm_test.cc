// The CA key in a PKCS#11 token (issue 23), end to end against a real
// SoftHSM2 token made in the test's scratch directory: a cluster applied
// with a token-held CA passes the checks a file-key cluster passes (openssl,
// keytool, JSSE); the service enrolls and renews with it; rotation moves
// the key into the token and out again; every failure is one clear line
// with its documented exit code and nothing written.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

namespace stdfs = std::filesystem;

constexpr const char* kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";
constexpr const char* kUri = "pkcs11:token=certmint-test;object=certmint-ca";

constexpr const char* kCluster = R"(
identities:
  - name: broker-{n}
    count: 2
    dns: ["broker-{n}.kafka.test"]
    ip: ["127.0.0.1"]
  - name: app
    role: client
)";

class HsmTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    stdfs::create_directories(Path("tokens"));
    WriteTextFile(Path("softhsm2.conf"), "directories.tokendir = " + Path("tokens") +
                                             "\nobjectstore.backend = file\nlog.level = ERROR\n");
    WriteTextFile(Path("pin"), "1234\n");
    WriteTextFile(Path("wrong.pin"), "9999\n");
    auto r = RunProcess({"softhsm2-util", "--init-token", "--free", "--label", "certmint-test",
                         "--pin", "1234", "--so-pin", "5678"},
                        Env());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  RunOptions Env() {
    RunOptions o;
    o.env["SOFTHSM2_CONF"] = Path("softhsm2.conf");
    o.env["CERTMINT_PKCS11_PIN"] = "";
    return o;
  }

  // certmint with the token's configuration in its environment.
  ProcessResult Hsm(std::vector<std::string> args) { return Certmint(std::move(args), Env()); }

  // `ca init` with the key generated in the token.
  void InitTokenCa(const std::string& key_type = "ec:p256") {
    auto r = Hsm({"ca", "init", "--dir", "pki", "--key-type", key_type, "--pkcs11", kUri,
                  "--pkcs11-module", kSoftHsmModule, "--pin-file", "pin"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_NE(r.out.find("in the PKCS#11 token"), std::string::npos) << r.out;
  }

  // What pkcs11-tool lists of the token's objects (after logging in).
  std::string TokenObjects() {
    auto r = RunProcess({"pkcs11-tool", "--module", kSoftHsmModule, "--token-label",
                         "certmint-test", "--login", "--pin", "1234", "-O"},
                        Env());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // The checks a file-key cluster passes: openssl verifies every
  // certificate, keytool lists every store, a JSSE client and broker
  // complete mutual TLS with hostname verification.
  void ExpectClusterWorks() {
    for (const char* n : {"broker-1", "broker-2", "app"}) {
      const std::string d = std::string("certs/") + n + "/";
      auto v = Openssl({"verify", "-x509_strict", "-CAfile", "pki/ca.crt", d + n + ".crt"});
      EXPECT_EQ(v.exit_code, 0) << n << v.out << v.err;
      for (const char* store : {"keystore.p12", "keystore.jks", "truststore.jks"}) {
        auto k = Keytool({"-list", "-keystore", d + store, "-storepass:file", "store.pass"});
        EXPECT_EQ(k.exit_code, 0) << n << "/" << store << k.out << k.err;
      }
    }
    auto h = JavaHandshake({"certs/broker-1/keystore.p12", "PKCS12", "certs/app/keystore.jks",
                            "JKS", "certs/app/truststore.p12", "PKCS12", "store.pass", "store.pass",
                            "broker-1.kafka.test,127.0.0.1"});
    EXPECT_EQ(h.exit_code, 0) << h.out << h.err;
    EXPECT_NE(h.out.find("OK broker-1.kafka.test protocol=TLSv1.3"), std::string::npos) << h.out;
    EXPECT_NE(h.out.find("client=CN=app"), std::string::npos) << h.out;
  }
};

class HsmClusterTest : public HsmTest, public ::testing::WithParamInterface<const char*> {};

// The same manifest, the same checks, with the CA key in a file and in the
// token (EC and RSA keys).
TEST_P(HsmClusterTest, AppliedClusterPassesTheFileKeyChecks) {
  const std::string where = GetParam();
  WriteTextFile(Path("cluster.yaml"), kCluster);
  std::vector<std::string> apply{"apply", "cluster.yaml", "--dir",           "pki",
                                 "--out", "certs",        "--password-file", "store.pass"};
  if (where == "file") {
    InitCa();
    apply.insert(apply.end(), {"--ca-password-file", "ca.pass"});
  } else {
    InitTokenCa(where == "token_rsa" ? "rsa:2048" : "ec:p256");
    apply.insert(apply.end(), {"--pin-file", "pin"});
    EXPECT_FALSE(stdfs::exists(Path("pki/ca.key")));
  }
  auto r = Hsm(apply);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ExpectClusterWorks();
  // Revocation: the CRL is signed by the same key.
  ASSERT_EQ(
      Hsm({"revoke", "broker-2", "--dir", "pki", "--reason", "superseded", "--yes"}).exit_code, 0);
  auto crl = Hsm({"crl", "--dir", "pki", "--out", "crl.pem", "--ca-password-file", "ca.pass",
                  "--pin-file", where == "file" ? "" : "pin"});
  ASSERT_EQ(crl.exit_code, 0) << crl.err;
  auto c = Openssl({"crl", "-in", "crl.pem", "-CAfile", "pki/ca.crt", "-noout"});
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  auto v = Openssl({"verify", "-crl_check", "-CAfile", "pki/ca.crt", "-CRLfile", "crl.pem",
                    "certs/broker-2/broker-2.crt"});
  EXPECT_NE(v.exit_code, 0) << "revoked, yet verified: " << v.out;
  if (where != "file") {
    // The key was made in the token and never left it.
    const std::string objects = TokenObjects();
    EXPECT_NE(objects.find("label:      certmint-ca"), std::string::npos) << objects;
    EXPECT_NE(objects.find("sensitive, always sensitive, never extractable"), std::string::npos)
        << objects;
    const std::string ref = ReadTextFile(Path("pki/ca-key.json"));
    EXPECT_NE(ref.find(kSoftHsmModule), std::string::npos) << ref;
    EXPECT_EQ(ref.find("1234"), std::string::npos) << "the PIN is never stored: " << ref;
  }
}

INSTANTIATE_TEST_SUITE_P(KeyLocations, HsmClusterTest,
                         ::testing::Values("file", "token_ec", "token_rsa"),
                         [](const auto& p) { return std::string(p.param); });

// Each failure: one line, its exit code (docs/hsm.md), nothing written.
TEST_F(HsmTest, ErrorsAreClearAndWriteNothing) {
  InitTokenCa();
  const auto issue = [&](const std::string& pin_file) {
    return Hsm({"issue", "broker-1", "--dir", "pki", "--out", "certs", "--password-file",
                "store.pass", "--pin-file", pin_file});
  };
  auto wrong = issue("wrong.pin");
  EXPECT_EQ(wrong.exit_code, 5) << wrong.err;
  EXPECT_NE(wrong.err.find("wrong PIN"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("9999"), std::string::npos) << wrong.err;
  EXPECT_FALSE(stdfs::exists(Path("certs/broker-1")));

  // The key deleted from the token: a missing object.
  auto del = RunProcess(
      {"pkcs11-tool", "--module", kSoftHsmModule, "--token-label", "certmint-test", "--login",
       "--pin", "1234", "--delete-object", "--type", "privkey", "--label", "certmint-ca"},
      Env());
  ASSERT_EQ(del.exit_code, 0) << del.err;
  auto missing_key = issue("pin");
  EXPECT_EQ(missing_key.exit_code, 3) << missing_key.err;
  EXPECT_NE(missing_key.err.find("holds no private key"), std::string::npos) << missing_key.err;
  EXPECT_FALSE(stdfs::exists(Path("certs/broker-1")));

  // Another token: missing.
  WriteTextFile(Path("pki/ca-key.json"),
                R"({"pkcs11_uri": "pkcs11:token=gone;object=certmint-ca", "module": ")" +
                    std::string(kSoftHsmModule) + "\"}");
  auto missing_token = issue("pin");
  EXPECT_EQ(missing_token.exit_code, 3) << missing_token.err;
  EXPECT_NE(missing_token.err.find("no token labelled 'gone'"), std::string::npos)
      << missing_token.err;
  EXPECT_NE(missing_token.err.find("'certmint-test'"), std::string::npos) << missing_token.err;

  // The module removed (a path with nothing there) or not a module.
  WriteTextFile(Path("pki/ca-key.json"),
                R"({"pkcs11_uri": "pkcs11:token=certmint-test;object=certmint-ca", "module": ")" +
                    Path("removed.so") + "\"}");
  auto no_module = issue("pin");
  EXPECT_EQ(no_module.exit_code, 3) << no_module.err;
  EXPECT_NE(no_module.err.find("PKCS#11 module"), std::string::npos) << no_module.err;
  WriteTextFile(Path("removed.so"), "not a shared library\n");
  auto not_module = issue("pin");
  EXPECT_EQ(not_module.exit_code, 6) << not_module.err;
  EXPECT_NE(not_module.err.find("cannot load PKCS#11 module"), std::string::npos) << not_module.err;
  EXPECT_FALSE(stdfs::exists(Path("certs/broker-1")));
  for (const auto* r : {&wrong, &missing_key, &missing_token, &no_module, &not_module}) {
    EXPECT_EQ(std::count(r->err.begin(), r->err.end(), '\n'), 1) << r->err;
  }

  // ca init: a wrong PIN, an unknown token, a missing module, a PIN in the
  // URI; no directory is left behind.
  const auto init = [&](const std::string& uri, const std::string& module, const char* pin) {
    return Hsm({"ca", "init", "--dir", "pki2", "--pkcs11", uri, "--pkcs11-module", module,
                "--pin-file", pin});
  };
  EXPECT_EQ(init(kUri, kSoftHsmModule, "wrong.pin").exit_code, 5);
  EXPECT_EQ(init("pkcs11:token=nope;object=k", kSoftHsmModule, "pin").exit_code, 3);
  EXPECT_EQ(init(kUri, Path("nothing.so"), "pin").exit_code, 3);
  auto in_uri = init(std::string(kUri) + "?pin-value=1234", kSoftHsmModule, "pin");
  EXPECT_EQ(in_uri.exit_code, 2) << in_uri.err;
  EXPECT_NE(in_uri.err.find("pin-value is not honoured"), std::string::npos) << in_uri.err;
  EXPECT_FALSE(stdfs::exists(Path("pki2")));
}

// A root in the token, an intermediate under it (key in a file): the chain
// verifies; then `ca rotate` moves the root's key out to a file and back
// into the token, and each new CA issues.
TEST_F(HsmTest, IntermediateUnderATokenRootAndRotationBothWays) {
  InitTokenCa();
  auto inter =
      Hsm({"ca", "init", "--dir", "issuing", "--intermediate", "--root-dir", "pki", "--pin-file",
           "pin", "--ca-password-file", "ca.pass", "--subject", "CN=Issuing CA"});
  ASSERT_EQ(inter.exit_code, 0) << inter.err;
  auto leaf = Hsm({"issue", "node-1", "--dir", "issuing", "--out", "certs", "--password-file",
                   "store.pass", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(leaf.exit_code, 0) << leaf.err;
  auto v = Openssl({"verify", "-CAfile", "pki/ca.crt", "-untrusted", "issuing/ca.crt",
                    "certs/node-1/node-1.crt"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // Token -> file.
  auto out = Hsm(
      {"ca", "rotate", "--dir", "pki", "--pin-file", "pin", "--new-ca-password-file", "ca.pass"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_TRUE(stdfs::exists(Path("pki/ca.key")));
  EXPECT_FALSE(stdfs::exists(Path("pki/ca-key.json")));
  EXPECT_TRUE(stdfs::exists(Path("pki/previous/ca-key.json")));
  auto a = Hsm({"issue", "node-2", "--dir", "pki", "--out", "certs", "--password-file",
                "store.pass", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(Openssl({"verify", "-CAfile", "pki/ca.crt", "certs/node-2/node-2.crt"}).exit_code, 0);
  ASSERT_EQ(Hsm({"ca", "retire", "--dir", "pki", "--force"}).exit_code, 0);

  // File -> token (a new key, in the same token).
  auto in = Hsm({"ca", "rotate", "--dir", "pki", "--ca-password-file", "ca.pass", "--pkcs11",
                 "pkcs11:token=certmint-test;object=certmint-ca-2", "--pkcs11-module",
                 kSoftHsmModule, "--pin-file", "pin"});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_FALSE(stdfs::exists(Path("pki/ca.key")));
  EXPECT_TRUE(stdfs::exists(Path("pki/ca-key.json")));
  EXPECT_TRUE(stdfs::exists(Path("pki/previous/ca.key")));
  auto b = Hsm({"issue", "node-3", "--dir", "pki", "--out", "certs", "--password-file",
                "store.pass", "--pin-file", "pin"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(Openssl({"verify", "-CAfile", "pki/ca.crt", "certs/node-3/node-3.crt"}).exit_code, 0);
  EXPECT_NE(TokenObjects().find("label:      certmint-ca-2"), std::string::npos);
}

// certmint serve with the token-held key: enrollment and renewal over mTLS.
TEST_F(HsmTest, ServiceEnrollsAndRenewsWithTheTokenKey) {
  InitTokenCa();
  std::map<std::string, std::string> env = Env().env;
  env["CERTMINT_CA_PASSWORD"] = "";
  BackgroundProcess server(
      {CERTMINT_BINARY, "serve", "--dir", "pki", "--listen", "127.0.0.1:0", "--pin-file", "pin"},
      dir_.path(), env);
  const std::string line = server.WaitForLine("listening on https://");
  ASSERT_FALSE(line.empty()) << server.output();
  const std::string url = line.substr(line.find("https://"));
  const std::string fp_line = server.WaitForLine("CA fingerprint");
  const std::string fp = fp_line.substr(fp_line.rfind(' ') + 1);
  for (const char* n : {"broker-1", "broker-2"}) {
    auto t = Hsm({"token", "create", n, "--dir", "pki", "--out", std::string(n) + ".token", "--ip",
                  "127.0.0.1"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    auto e = Hsm({"enroll", url, "--name", n, "--token-file", std::string(n) + ".token",
                  "--ca-fingerprint", fp, "--out", "nodes", "--password-file", "store.pass"});
    ASSERT_EQ(e.exit_code, 0) << e.err << server.output();
    auto v =
        Openssl({"verify", "-CAfile", "pki/ca.crt", std::string("nodes/") + n + "/" + n + ".crt"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }
  const std::string before = ReadTextFile(Path("nodes/broker-2/broker-2.crt"));
  auto renew = Hsm(
      {"renew", "broker-2", "--server", url, "--out", "nodes", "--password-file", "store.pass"});
  ASSERT_EQ(renew.exit_code, 0) << renew.err;
  EXPECT_NE(ReadTextFile(Path("nodes/broker-2/broker-2.crt")), before);
  EXPECT_EQ(Openssl({"verify", "-CAfile", "pki/ca.crt", "nodes/broker-2/broker-2.crt"}).exit_code,
            0);
  // SIGHUP reloads the token-held CA with the PIN read again from
  // --pin-file (no CA password exists or is set), and it still signs.
  server.Signal(SIGHUP);
  EXPECT_FALSE(server.WaitForLine("\"ca_reloaded\"", 10000).empty()) << server.output();
  auto again = Hsm(
      {"renew", "broker-1", "--server", url, "--out", "nodes", "--password-file", "store.pass"});
  EXPECT_EQ(again.exit_code, 0) << again.err << server.output();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.output();
}

}  // namespace
}  // namespace certmint::testing
