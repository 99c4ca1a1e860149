// A JSSE mTLS handshake with revocation checking on, as a Kafka broker runs
// it (issue 21): -Dcom.sun.net.ssl.checkRevocation=true and the security
// property ocsp.enable=true (in a file given with
// -Djava.security.properties; as a system property it does nothing), all
// from the kafka-opts.env and revocation.security certmint writes. Java
// asks certmint serve's status listener, found in the certificates'
// authorityInfoAccess, about both peers: a good client is accepted, a client
// revoked with `certmint revoke` in another process is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "e2e/service_fixture.h"

namespace certmint::testing {
namespace {

class StatusJavaTest : public ServiceTest {
 protected:
  // The JVM options exactly as certmint wrote them for the broker
  // (certs/broker-1/kafka-opts.env, KAFKA_OPTS="..."), as Kafka's start
  // script passes them: split at spaces.
  std::vector<std::string> BrokerKafkaOpts() {
    const std::string env = ReadTextFile(dir_ / "certs/broker-1/kafka-opts.env");
    const size_t start = env.find("KAFKA_OPTS=\"");
    EXPECT_NE(start, std::string::npos) << env;
    if (start == std::string::npos) {
      return {};
    }
    const size_t begin = start + std::string("KAFKA_OPTS=\"").size();
    std::istringstream words(env.substr(begin, env.find('"', begin) - begin));
    std::vector<std::string> opts;
    for (std::string w; words >> w;) {
      opts.push_back(w);
    }
    return opts;
  }

  // The service with its status listener, the CA's URL pointing at it, and
  // broker-1 and client-1 issued with the status locations.
  void StartWithBrokerAndClient() {
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
  }

  ProcessResult JsseWithOcsp() {
    std::vector<std::string> argv{CERTMINT_JAVA};
    for (auto& opt : BrokerKafkaOpts()) {
      argv.push_back(opt);
    }
    for (const char* arg :
         {"-cp", CERTMINT_JAVA_CLASSES, "TlsHarness", "certs/broker-1/keystore.p12", "PKCS12",
          "certs/client-1/keystore.p12", "PKCS12", "certs/broker-1/truststore.p12", "PKCS12",
          "store.pass", "store.pass", "broker-1"}) {
      argv.push_back(arg);
    }
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess(argv, o);
  }
};

TEST_F(StatusJavaTest, JsseAcceptsAGoodClientAndRefusesARevokedOneByOcsp) {
  ASSERT_NO_FATAL_FAILURE(StartWithBrokerAndClient());
  // What certmint wrote beside kafka.properties: OCSP on as a security
  // property, revocation checking, CRL distribution points, a short OCSP
  // timeout, stapling for a broker.
  EXPECT_NE(ReadTextFile(dir_ / "certs/broker-1/revocation.security").find("ocsp.enable=true\n"),
            std::string::npos);
  const std::vector<std::string> opts = BrokerKafkaOpts();
  for (const char* want :
       {"-Dcom.sun.net.ssl.checkRevocation=true", "-Dcom.sun.security.enableCRLDP=true",
        "-Dcom.sun.security.ocsp.timeout=2",
        "-Djdk.tls.server.enableStatusRequestExtension=true"}) {
    EXPECT_NE(std::find(opts.begin(), opts.end(), want), opts.end()) << want;
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

// The other direction: a client (Java, the same options) refuses a broker
// whose certificate was revoked; the broker staples its own status
// (jdk.tls.server.enableStatusRequestExtension in kafka-opts.env).
TEST_F(StatusJavaTest, JsseClientRefusesARevokedBroker) {
  ASSERT_NO_FATAL_FAILURE(StartWithBrokerAndClient());
  auto good = JsseWithOcsp();
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  auto revoke =
      Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "key-compromise", "--yes"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  auto refused = JsseWithOcsp();
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.out.find("FAIL broker-1"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("revoked"), std::string::npos) << refused.out;
}

}  // namespace
}  // namespace certmint::testing
