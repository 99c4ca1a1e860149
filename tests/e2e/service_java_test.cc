// Two nodes enrolled through certmint serve talk to each other over a JSSE
// mTLS handshake, as two Kafka brokers would.
#include "e2e/service_fixture.h"

namespace certmint::testing {
namespace {

TEST_F(ServiceTest, EnrolledNodesHandshakeWithJsse) {
  StartServer();
  for (const char* n : {"broker-1", "broker-2"}) {
    CreateToken(n, {"--ip", "127.0.0.1", "--dns", std::string(n) + ".kafka.test"});
    auto r = Enroll(n);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Renew broker-2 over mTLS first: the renewed identity must work too.
  auto renew = Certmint(
      {"renew", "broker-2", "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
  ASSERT_EQ(renew.exit_code, 0) << renew.err;
  auto r = JavaHandshake({"nodes/broker-1/keystore.p12", "PKCS12", "nodes/broker-2/keystore.jks",
                          "JKS", "nodes/broker-2/truststore.p12", "PKCS12", "store.pass",
                          "store.pass", "broker-1.kafka.test,127.0.0.1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK broker-1.kafka.test"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OK 127.0.0.1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("server=CN=broker-1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("client=CN=broker-2"), std::string::npos) << r.out;
  // The truststore holds CARoot as keytool lists it.
  auto list = Keytool(
      {"-list", "-keystore", "nodes/broker-1/truststore.jks", "-storepass", "store-password"});
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
  EXPECT_NE(list.out.find("caroot"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace certmint::testing
