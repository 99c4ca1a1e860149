// The seed's split flow with keytool (-certreq, -importcert) and certmint's
// own csr/sign/keystore install, and an intermediate CA: every result is
// accepted by keytool and a JSSE handshake.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

class CsrFlowTest : public CliTest {};

// Seed steps 1, 4 and 5 with keytool; the signing with certmint sign.
TEST_F(CsrFlowTest, KeytoolCertreqSignedAndImportedBack) {
  InitCa("rsa:2048");
  auto gen = Keytool({"-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-keystore",
                      "node.keystore.jks", "-storetype", "JKS", "-storepass:file", "store.pass",
                      "-keypass:file", "store.pass", "-alias", "broker-5", "-dname",
                      "CN=broker-5.kafka.test", "-validity", "365"});
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  auto req = Keytool({"-certreq", "-keystore", "node.keystore.jks", "-storepass:file", "store.pass",
                      "-alias", "broker-5", "-file", "broker-5.csr", "-ext",
                      "SAN=dns:broker-5.kafka.test,ip:127.0.0.1"});
  ASSERT_EQ(req.exit_code, 0) << req.out << req.err;

  // The request is inspected, then signed for exactly the names allowed.
  auto inspect = Certmint({"inspect", "broker-5.csr"});
  EXPECT_NE(inspect.out.find("DNS:broker-5.kafka.test, IP:127.0.0.1"), std::string::npos)
      << inspect.out;
  auto sign =
      Certmint({"sign", "broker-5.csr", "--dir", "pki", "--out", "broker-5.crt", "--dns",
                "broker-5.kafka.test", "--ip", "127.0.0.1", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(sign.exit_code, 0) << sign.err;

  // keytool -importcert of CARoot, then of the signed reply, as the seed does.
  ASSERT_EQ(Keytool({"-importcert", "-noprompt", "-keystore", "node.keystore.jks",
                     "-storepass:file", "store.pass", "-alias", "CARoot", "-file", "pki/ca.crt"})
                .exit_code,
            0);
  auto imp =
      Keytool({"-importcert", "-noprompt", "-keystore", "node.keystore.jks", "-storepass:file",
               "store.pass", "-alias", "broker-5", "-file", "broker-5.crt"});
  ASSERT_EQ(imp.exit_code, 0) << imp.out << imp.err;
  auto list = Keytool({"-list", "-v", "-keystore", "node.keystore.jks", "-storepass:file",
                       "store.pass", "-alias", "broker-5"});
  EXPECT_NE(list.out.find("Certificate chain length: 2"), std::string::npos) << list.out;

  // That keystore serves a JSSE handshake verified by name and by IP.
  auto client = Certmint({"issue", "client-1", "--role", "client", "--dir", "pki", "--out", "certs",
                          "--ca-password-file", "ca.pass", "--password-file", "store.pass"});
  ASSERT_EQ(client.exit_code, 0) << client.err;
  auto hs = JavaHandshake({"node.keystore.jks", "JKS", "certs/client-1/keystore.p12", "PKCS12",
                           "certs/client-1/truststore.p12", "PKCS12", "store.pass", "store.pass",
                           "broker-5.kafka.test,127.0.0.1"});
  EXPECT_EQ(hs.exit_code, 0) << hs.out << hs.err;
  EXPECT_EQ(Certmint({"list", "--dir", "pki", "--json"}).out.find("broker-5.kafka.test") ==
                std::string::npos,
            false)
      << "recorded in the inventory";
}

TEST_F(CsrFlowTest, SignRefusesWhatTheOperatorDidNotAllow) {
  InitCa();
  // A request for an extra name.
  ASSERT_EQ(Certmint({"csr", "n1", "--dns", "n1.kafka.test", "--dns", "evil.example", "--out",
                      "node", "--password-file", "store.pass"})
                .exit_code,
            0);
  auto extra = Certmint({"sign", "node/n1.csr", "--dir", "pki", "--out", "n1.crt", "--dns",
                         "n1.kafka.test", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(extra.exit_code, 6);
  EXPECT_NE(extra.err.find("asks for DNS:evil.example, which --dns/--ip do not allow"),
            std::string::npos)
      << extra.err;
  EXPECT_FALSE(std::filesystem::exists(Path("n1.crt")));

  // A request for a CA certificate, made with the openssl CLI.
  ASSERT_EQ(Openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", "evil.key", "-subj", "/CN=evil", "-addext",
                     "basicConstraints=critical,CA:TRUE", "-out", "evil.csr"})
                .exit_code,
            0);
  auto ca = Certmint(
      {"sign", "evil.csr", "--dir", "pki", "--out", "evil.crt", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(ca.exit_code, 6);
  EXPECT_NE(ca.err.find("asks for basicConstraints CA:TRUE"), std::string::npos) << ca.err;

  // A request whose signature does not verify: one byte of the subject changed.
  std::string der = Openssl({"req", "-in", "evil.csr", "-outform", "DER"}).out;
  const size_t at = der.find("evil");
  ASSERT_NE(at, std::string::npos);
  der[at] = 'E';
  WriteTextFile(Path("tampered.der"), der);
  auto bad = Certmint(
      {"sign", "tampered.der", "--dir", "pki", "--out", "t.crt", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(bad.exit_code, 6);
  EXPECT_NE(bad.err.find("signature does not verify"), std::string::npos) << bad.err;
  auto junk = Certmint(
      {"sign", "store.pass", "--dir", "pki", "--out", "j.crt", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(junk.exit_code, 6) << junk.err;
}

// certmint csr, sign, keystore install, under an intermediate CA: the keystore
// chain has length 3 and JSSE accepts it.
TEST_F(CsrFlowTest, IntermediateCaAndCertmintCsrFlow) {
  InitCa("ec:p384", "root");
  auto inter = Certmint({"ca", "init", "--dir", "issuing", "--intermediate", "--root-dir", "root",
                         "--root-password-file", "ca.pass", "--ca-password-file", "ca.pass",
                         "--subject", "CN=Issuing CA"});
  ASSERT_EQ(inter.exit_code, 0) << inter.err;
  auto text = Openssl({"x509", "-in", "issuing/ca.crt", "-noout", "-text"});
  EXPECT_NE(text.out.find("CA:TRUE, pathlen:0"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Issuer: CN = certmint CA"), std::string::npos);

  ASSERT_EQ(Certmint({"csr", "broker-1", "--dns", "broker-1.kafka.test", "--ip", "127.0.0.1",
                      "--out", "node"})
                .exit_code,
            0);
  EXPECT_EQ(FileMode(Path("node/broker-1.key")), 0600);
  EXPECT_EQ(FileMode(Path("node/password")), 0600);
  auto verify_req = Openssl({"req", "-in", "node/broker-1.csr", "-noout", "-verify"});
  EXPECT_EQ(verify_req.exit_code, 0) << verify_req.err;
  ASSERT_EQ(
      Certmint({"sign", "node/broker-1.csr", "--dir", "issuing", "--out", "broker-1.crt", "--dns",
                "broker-1.kafka.test", "--ip", "127.0.0.1", "--ca-password-file", "ca.pass"})
          .exit_code,
      0);
  auto install = Certmint({"keystore", "install", "--key", "node/broker-1.key", "--chain",
                           "broker-1.crt", "--out", "installed"});
  ASSERT_EQ(install.exit_code, 0) << install.err;
  EXPECT_NE(install.out.find("chain length 3"), std::string::npos) << install.out;
  auto list = Keytool({"-list", "-v", "-keystore", "installed/broker-1/keystore.p12",
                       "-storepass:file", "installed/broker-1/password", "-alias", "broker-1"});
  EXPECT_NE(list.out.find("Certificate chain length: 3"), std::string::npos) << list.out;
  auto v = Certmint({"verify", "installed/broker-1", "--host", "broker-1.kafka.test"});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find("CN=broker-1 <- CN=Issuing CA <- CN=certmint CA"), std::string::npos)
      << v.out;

  // Clients issued by the intermediate, trusting the root only.
  ASSERT_EQ(
      Certmint({"issue", "client-1", "--role", "client", "--dir", "issuing", "--out", "certs",
                "--ca-password-file", "ca.pass", "--password-file", "installed/broker-1/password"})
          .exit_code,
      0);
  auto hs = JavaHandshake({"installed/broker-1/keystore.jks", "JKS", "certs/client-1/keystore.p12",
                           "PKCS12", "root-truststore.p12-unused", "PKCS12",
                           "installed/broker-1/password", "installed/broker-1/password",
                           "broker-1.kafka.test"});
  EXPECT_NE(hs.exit_code, 0) << "control: a missing truststore fails";
  hs = JavaHandshake({"installed/broker-1/keystore.jks", "JKS", "certs/client-1/keystore.p12",
                      "PKCS12", "certs/client-1/truststore.p12", "PKCS12",
                      "installed/broker-1/password", "installed/broker-1/password",
                      "broker-1.kafka.test,127.0.0.1"});
  EXPECT_EQ(hs.exit_code, 0) << hs.out << hs.err;

  // The intermediate's pathLen 0: a CA under it is refused.
  auto sub = Certmint({"ca", "init", "--dir", "sub", "--intermediate", "--root-dir", "issuing",
                       "--root-password-file", "ca.pass", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(sub.exit_code, 2) << sub.err;
  EXPECT_NE(sub.err.find("pathLenConstraint 0"), std::string::npos) << sub.err;
  EXPECT_FALSE(std::filesystem::exists(Path("sub/ca.crt")));
}

}  // namespace
}  // namespace certmint::testing
