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
    status_port_ = base.substr(base.rfind(':') + 1);
    ASSERT_EQ(Certmint({"ca", "set-url", "--dir", "pki", base}).exit_code, 0);
    for (const char* n : {"broker-1", "client-1", "client-2"}) {
      auto r = Certmint({"issue", n, "--dir", "pki", "--out", "certs", "--ca-password-file",
                         "ca.pass", "--password-file", "store.pass", "--format", "p12"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }

  // One JSSE mTLS handshake (TlsHarness: broker-1 serving, `client`
  // connecting, both in one JVM) with the broker's options, less `drop`.
  ProcessResult JsseWithOcsp(const std::string& client = "client-1", const std::string& drop = "") {
    std::vector<std::string> argv{CERTMINT_JAVA};
    for (auto& opt : BrokerKafkaOpts()) {
      if (opt != drop) {
        argv.push_back(opt);
      }
    }
    const std::string client_store = "certs/" + client + "/keystore.p12";
    for (const char* arg :
         {"-cp", CERTMINT_JAVA_CLASSES, "TlsHarness", "certs/broker-1/keystore.p12", "PKCS12",
          client_store.c_str(), "PKCS12", "certs/broker-1/truststore.p12", "PKCS12", "store.pass",
          "store.pass", "broker-1"}) {
      argv.push_back(arg);
    }
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess(argv, o);
  }

  // What `openssl s_client -status` is told about the certificate of the
  // TLS server on `port`: its stapled OCSP response, as text.
  std::string StapledStatus(const std::string& port) {
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess({"sh", "-c",
                       "openssl s_client -connect 127.0.0.1:" + port +
                           " -status -CAfile pki/ca.crt </dev/null 2>/dev/null"},
                      o)
        .out;
  }

  std::string status_port_;
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

// The proof that brokers staple: a JSSE server with the broker's options
// (KAFKA_OPTS from kafka-opts.env) sends its own revoked status in the
// handshake, and keeps sending it, from its cache, when the responder is
// down: clients learn the broker's status without contacting the CA.
TEST_F(StatusJavaTest, ABrokerStaplesItsStatusAndClientsNeedNoResponder) {
  ASSERT_NO_FATAL_FAILURE(StartWithBrokerAndClient());
  auto revoke = Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "superseded", "--yes"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  std::vector<std::string> argv{CERTMINT_JAVA};
  for (auto& opt : BrokerKafkaOpts()) {
    argv.push_back(opt);
  }
  for (const char* arg : {"-cp", CERTMINT_JAVA_CLASSES, "ReloadingTlsServer",
                          "certs/broker-1/keystore.p12", "PKCS12", "store.pass"}) {
    argv.push_back(arg);
  }
  BackgroundProcess broker(argv, dir_.path());
  const std::string line = broker.WaitForLine("TLS PORT");
  ASSERT_FALSE(line.empty()) << broker.output();
  const std::string port = line.substr(line.rfind(' ') + 1);

  const std::string first = StapledStatus(port);
  EXPECT_NE(first.find("OCSP Response Status: successful"), std::string::npos) << first;
  EXPECT_NE(first.find("Cert Status: revoked"), std::string::npos) << first;
  EXPECT_NE(first.find("Revocation Reason: superseded"), std::string::npos) << first;

  server_->Stop(SIGTERM);
  server_.reset();
  const std::string second = StapledStatus(port);
  EXPECT_NE(second.find("Cert Status: revoked"), std::string::npos)
      << "stapled with the responder down:\n"
      << second;
  broker.Stop(SIGTERM);
}

// Java falls back to the CRL when OCSP cannot answer: the responder is
// stopped and only the CRL is still published (a static mirror of
// `certmint crl --der` at the distribution point's URL, as a web server or
// CDN would keep it). A good client is still accepted and the revoked one is
// refused, by the CRL; without CRLDP (the control) the good client fails
// with Java's network error, so the acceptance above came from the CRL.
TEST_F(StatusJavaTest, JsseFallsBackToTheCrlWhenTheResponderIsDown) {
  ASSERT_NO_FATAL_FAILURE(StartWithBrokerAndClient());
  auto revoke =
      Certmint({"revoke", "client-1", "--dir", "pki", "--reason", "key-compromise", "--yes"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  std::filesystem::create_directories(dir_ / "mirror");
  auto crl = Certmint(
      {"crl", "--dir", "pki", "--out", "mirror/crl.der", "--der", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(crl.exit_code, 0) << crl.err;
  server_->Stop(SIGTERM);
  server_.reset();
  BackgroundProcess mirror({"/usr/bin/python3", "-u", "-m", "http.server", "--bind", "127.0.0.1",
                            status_port_, "--directory", "mirror"},
                           dir_.path());
  ASSERT_FALSE(mirror.WaitForLine("Serving HTTP").empty()) << mirror.output();

  auto good = JsseWithOcsp("client-2");
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("OK broker-1"), std::string::npos) << good.out;

  auto refused = JsseWithOcsp("client-1");
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.out.find("revoked"), std::string::npos) << refused.out;

  auto without_crldp = JsseWithOcsp("client-2", "-Dcom.sun.security.enableCRLDP=true");
  EXPECT_NE(without_crldp.exit_code, 0) << without_crldp.out;
  EXPECT_NE(without_crldp.out.find("network error"), std::string::npos) << without_crldp.out;
  mirror.Stop(SIGTERM);
  EXPECT_NE(mirror.output().find("GET /crl.der"), std::string::npos) << mirror.output();
}

}  // namespace
}  // namespace certmint::testing
