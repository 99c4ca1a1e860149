// A JSSE mTLS handshake with revocation checking on, as a Kafka broker runs
// it (issue 21): -Dcom.sun.net.ssl.checkRevocation=true and the security
// property ocsp.enable=true (in a file given with
// -Djava.security.properties; as a system property it does nothing). Java
// asks certmint serve's status listener, found in the certificates'
// authorityInfoAccess, about both peers: a good client is accepted, a client
// revoked with `certmint revoke` in another process is refused.
#include <gtest/gtest.h>

#include "e2e/service_fixture.h"

namespace certmint::testing {
namespace {

class StatusJavaTest : public ServiceTest {
 protected:
  ProcessResult JsseWithOcsp() {
    WriteTextFile(dir_ / "ocsp.security", "ocsp.enable=true\n");
    std::vector<std::string> argv{CERTMINT_JAVA,
                                  "-Dcom.sun.net.ssl.checkRevocation=true",
                                  "-Djava.security.properties=ocsp.security",
                                  "-Dcom.sun.security.ocsp.timeout=5",
                                  "-cp",
                                  CERTMINT_JAVA_CLASSES,
                                  "TlsHarness",
                                  "certs/broker-1/keystore.p12",
                                  "PKCS12",
                                  "certs/client-1/keystore.p12",
                                  "PKCS12",
                                  "certs/broker-1/truststore.p12",
                                  "PKCS12",
                                  "store.pass",
                                  "store.pass",
                                  "broker-1"};
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess(argv, o);
  }
};

TEST_F(StatusJavaTest, JsseAcceptsAGoodClientAndRefusesARevokedOneByOcsp) {
  StartServer({"--status-listen", "127.0.0.1:0"});
  const std::string line = server_->WaitForLine("status listener on http://");
  ASSERT_FALSE(line.empty()) << server_->output();
  const std::string base =
      line.substr(line.find("http://"), line.find(" (OCSP") - line.find("http://"));
  ASSERT_EQ(Certmint({"ca", "set-url", "--dir", "pki", base}).exit_code, 0);
  for (const char* n : {"broker-1", "client-1"}) {
    auto r = Certmint({"issue", n, "--dir", "pki", "--out", "certs", "--ca-password-file",
                       "ca.pass", "--password-file", "store.pass", "--format", "p12"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto good = JsseWithOcsp();
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("OK broker-1"), std::string::npos) << good.out;
  // Java asked (for both peers), and was told good.
  EXPECT_NE(server_->WaitForLine("\"ocsp:good\"", 2000).find("ocsp:good"), std::string::npos)
      << server_->output();

  auto revoke =
      Certmint({"revoke", "client-1", "--dir", "pki", "--reason", "key-compromise", "--yes"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  auto refused = JsseWithOcsp();
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.out.find("FAIL broker-1"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("revoked"), std::string::npos) << refused.out;
}

}  // namespace
}  // namespace certmint::testing
