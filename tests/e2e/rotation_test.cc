// CA rotation without downtime, walked with JSSE: at every step, a client and
// a server holding that step's stores (and the previous step's, as nodes not
// yet restarted would) still complete mTLS.
#include <filesystem>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

namespace stdfs = std::filesystem;

class RotationTest : public CliTest {
 protected:
  ProcessResult Apply() {
    return Certmint({"apply", "m.yaml", "--dir", "pki", "--out", "certs", "--ca-password-file",
                     "ca.pass", "--password-file", "store.pass"});
  }
  // Keeps a copy of the current stores as step `n`.
  void Snapshot(const std::string& n) {
    stdfs::copy(Path("certs"), Path("step" + n), stdfs::copy_options::recursive);
  }
  // mTLS between a broker keystore and a client keystore, each side with its
  // own truststore: the server trusts `server_trust`, the client `client_trust`.
  ProcessResult Mtls(const std::string& broker_step, const std::string& client_step) {
    // The harness gives both sides one truststore; use each side's own by
    // running twice (server-side trust is what judges the client).
    const std::string b = broker_step + "/broker-1/";
    const std::string c = client_step + "/client-1/";
    auto client_view =
        JavaHandshake({b + "keystore.jks", "JKS", c + "keystore.p12", "PKCS12",
                       c + "truststore.p12", "PKCS12", "store.pass", "store.pass", "127.0.0.1"});
    if (client_view.exit_code != 0) {
      return client_view;
    }
    return JavaHandshake({b + "keystore.jks", "JKS", c + "keystore.p12", "PKCS12",
                          b + "truststore.jks", "JKS", "store.pass", "store.pass", "127.0.0.1"});
  }
};

TEST_F(RotationTest, EveryStepKeepsTheClusterTalking) {
  WriteTextFile(Path("m.yaml"),
                "identities:\n  - name: broker-1\n    ip: [127.0.0.1]\n  - name: client-1\n"
                "    role: client\n");
  ASSERT_EQ(Apply().exit_code, 0);
  Snapshot("0");
  auto r0 = Mtls("step0", "step0");
  ASSERT_EQ(r0.exit_code, 0) << r0.out;

  // Rotate: a new CA. Step 1 rewrites truststores only.
  auto rot = Certmint({"ca", "rotate", "--dir", "pki", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(rot.exit_code, 0) << rot.err;
  auto a1 = Apply();
  ASSERT_EQ(a1.exit_code, 0) << a1.err;
  EXPECT_NE(a1.out.find("2 truststores updated"), std::string::npos) << a1.out;
  EXPECT_NE(a1.out.find("CA rotation, step 2 done"), std::string::npos) << a1.out;
  Snapshot("1");
  for (const auto& [b, c] : std::vector<std::pair<std::string, std::string>>{
           {"step1", "step1"}, {"step1", "step0"}, {"step0", "step1"}}) {
    auto r = Mtls(b, c);
    EXPECT_EQ(r.exit_code, 0) << "broker " << b << ", client " << c << ": " << r.out;
  }
  // Retiring now would strand nodes: refused.
  auto early = Certmint({"ca", "retire", "--dir", "pki", "--out", "certs"});
  EXPECT_EQ(early.exit_code, 9) << "not ready: a code of its own, not a usage error";
  EXPECT_NE(early.err.find("still signed by the previous CA"), std::string::npos) << early.err;

  // Step 2: keystores re-issued by the new CA; both CAs still trusted.
  auto a2 = Apply();
  ASSERT_EQ(a2.exit_code, 0) << a2.err;
  EXPECT_NE(a2.out.find("2 renewed"), std::string::npos) << a2.out;
  Snapshot("2");
  auto issuer = Openssl({"x509", "-in", "step2/broker-1/broker-1.crt", "-noout", "-issuer"});
  EXPECT_NE(issuer.out.find("certmint CA 20"), std::string::npos) << issuer.out;
  for (const auto& [b, c] : std::vector<std::pair<std::string, std::string>>{
           {"step2", "step2"}, {"step2", "step1"}, {"step1", "step2"}}) {
    auto r = Mtls(b, c);
    EXPECT_EQ(r.exit_code, 0) << "broker " << b << ", client " << c << ": " << r.out;
  }

  // Step 3: retire the old CA; truststores drop it.
  auto ret = Certmint({"ca", "retire", "--dir", "pki", "--out", "certs"});
  ASSERT_EQ(ret.exit_code, 0) << ret.err;
  auto a3 = Apply();
  ASSERT_EQ(a3.exit_code, 0) << a3.err;
  EXPECT_NE(a3.out.find("2 truststores updated"), std::string::npos) << a3.out;
  Snapshot("3");
  for (const auto& [b, c] : std::vector<std::pair<std::string, std::string>>{
           {"step3", "step3"}, {"step3", "step2"}, {"step2", "step3"}}) {
    auto r = Mtls(b, c);
    EXPECT_EQ(r.exit_code, 0) << "broker " << b << ", client " << c << ": " << r.out;
  }
  // And the old CA is really gone: a step-1 node (old certificate) is refused.
  auto stale = Mtls("step3", "step1");
  EXPECT_NE(stale.exit_code, 0) << stale.out;
  auto list = Keytool(
      {"-list", "-keystore", "step3/broker-1/truststore.p12", "-storepass:file", "store.pass"});
  EXPECT_NE(list.out.find("Your keystore contains 1 entry"), std::string::npos) << list.out;
  auto list1 = Keytool(
      {"-list", "-keystore", "step1/broker-1/truststore.p12", "-storepass:file", "store.pass"});
  EXPECT_NE(list1.out.find("Your keystore contains 2 entries"), std::string::npos) << list1.out;
  EXPECT_EQ(Certmint({"apply", "m.yaml", "--dir", "pki", "--out", "certs"}).exit_code, 0)
      << "and the final state is stable";
}

}  // namespace
}  // namespace certmint::testing
