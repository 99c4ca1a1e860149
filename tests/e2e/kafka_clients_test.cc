// The configuration files certmint writes next to each identity, used by the
// programs they are for: a broker's kafka.properties by a JSSE broker set up
// as Kafka's DefaultSslEngineFactory sets one up (tests/java/KafkaPeer.java,
// client certificates required), a client's kafka.properties by a JSSE
// client, and a client's librdkafka.properties by librdkafka itself, through
// kcat -F (Debian's kcat, librdkafka 2.0 on OpenSSL 3). A connection counts
// only when the broker saw the client's certificate and the client's first
// Kafka request (ApiVersions) over the finished handshake.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

class KafkaClientsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    InitCa();
  }

  // `issue NAME` into ./certs with a generated store password, plus `extra`.
  void Issue(const std::string& name, std::vector<std::string> extra,
             const std::string& pki = "pki") {
    std::vector<std::string> args{"issue", name, "--dir", pki, "--out", "certs",
                                  "--ca-password-file", "ca.pass"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Certmint(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // A JSSE broker configured from a kafka.properties file; sets `port`.
  std::unique_ptr<BackgroundProcess> LaunchBroker(const std::string& properties,
                                                  std::string* port) {
    auto broker = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "KafkaPeer",
                                 "broker", properties},
        dir_.path(), std::map<std::string, std::string>{{"LC_ALL", "C.UTF-8"}});
    const std::string line = broker->WaitForLine("PORT ");
    EXPECT_FALSE(line.empty()) << broker->output();
    *port = line.empty() ? "0" : line.substr(5);
    return broker;
  }

  // The test's main broker, from certs/NAME/kafka.properties; its port.
  std::string StartBroker(const std::string& name) {
    std::string port;
    broker_ = LaunchBroker("certs/" + name + "/kafka.properties", &port);
    return port;
  }

  // kcat with a librdkafka properties file, asking the broker at HOST:PORT
  // for metadata (which the test broker never gives: kcat gives up after a
  // second); its debug output on stderr says how the TLS handshake went.
  ProcessResult Kcat(const std::string& properties, const std::string& bootstrap) {
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess({CERTMINT_KCAT, "-F", properties, "-b", bootstrap, "-L", "-m", "1", "-d",
                       "security"},
                      o);
  }

  // The JSSE client of KafkaPeer with a kafka.properties file.
  ProcessResult JavaClient(const std::string& properties, const std::string& host,
                           const std::string& port) {
    RunOptions o;
    o.cwd = dir_.path();
    o.env["LC_ALL"] = "C.UTF-8";
    return RunProcess({CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "KafkaPeer", "client",
                       properties, host, port},
                      o);
  }

  // The broker's line for a connection from CN=`client` by `client_id`
  // (among the lines from offset `from` of its output on).
  std::string BrokerSaw(const std::string& client, const std::string& client_id,
                        size_t from = 0) {
    return broker_->WaitForLine("OK client=CN=" + client + " api_key=18 client_id=" + client_id,
                                5000, from);
  }

  // kcat completed its TLS handshake with the broker's certificate verified.
  // Its "Broker SSL certificate verified" debug line cannot say so: librdkafka
  // skips it when SSL_connect completes in one call, as it can on a loaded
  // machine. But librdkafka verifies through OpenSSL (SSL_VERIFY_PEER, with
  // the host name), so a handshake that completed, which the broker's record
  // of the client's first request shows, is one whose verification passed.
  static void ExpectVerifiedHandshake(const ProcessResult& k) {
    EXPECT_EQ(k.err.find("SSL handshake failed"), std::string::npos) << k.err;
    EXPECT_EQ(k.err.find("certificate verify failed"), std::string::npos) << k.err;
    EXPECT_NE(k.err.find("in state APIVERSION_QUERY"), std::string::npos)
        << "past the handshake: " << k.err;
  }

  std::unique_ptr<BackgroundProcess> broker_;
};

TEST_F(KafkaClientsTest, LibrdkafkaAndJavaClientsReachABrokerFromTheWrittenProperties) {
  Issue("broker-1", {"--dns", "localhost", "--ip", "127.0.0.1"});
  Issue("app-pem", {"--role", "client"});  // every format: librdkafka gets the PEM key
  Issue("app-p12", {"--role", "client", "--format", "p12"});
  Issue("app-legacy", {"--role", "client", "--format", "p12", "--p12-profile", "legacy"});
  Issue("app-jks", {"--role", "client", "--format", "jks", "--key-type", "rsa:2048"});
  Issue("app-open", {"--role", "client", "--format", "p12", "--passwordless-truststore"});
  Issue("app-ed", {"--role", "client", "--key-type", "ed25519"});
  const std::string port = StartBroker("broker-1");

  for (const char* name : {"app-pem", "app-p12", "app-legacy", "app-open", "app-ed"}) {
    SCOPED_TRACE(name);
    const std::string props = std::string("certs/") + name + "/librdkafka.properties";
    auto k = Kcat(props, "localhost:" + port);
    ExpectVerifiedHandshake(k);
    EXPECT_FALSE(BrokerSaw(name, "rdkafka").empty()) << broker_->output() << k.err;
  }
  // By IP: librdkafka checks the bootstrap address against the iPAddress SAN.
  const size_t mark = broker_->output().size();
  auto ip = Kcat("certs/app-pem/librdkafka.properties", "127.0.0.1:" + port);
  ExpectVerifiedHandshake(ip);
  EXPECT_FALSE(BrokerSaw("app-pem", "rdkafka", mark).empty()) << broker_->output() << ip.err;

  for (const char* name : {"app-pem", "app-p12", "app-legacy", "app-jks", "app-open", "app-ed"}) {
    SCOPED_TRACE(name);
    auto j = JavaClient(std::string("certs/") + name + "/kafka.properties", "localhost", port);
    EXPECT_EQ(j.exit_code, 0) << j.out << j.err;
    EXPECT_NE(j.out.find("OK server=CN=broker-1"), std::string::npos) << j.out;
    EXPECT_FALSE(BrokerSaw(name, "java-client").empty()) << broker_->output();
  }
}

TEST_F(KafkaClientsTest, BrokerAndClientsRefuseWhatTheyMust) {
  Issue("broker-1", {"--dns", "localhost", "--ip", "127.0.0.1"});
  Issue("app-1", {"--role", "client"});
  const std::string port = StartBroker("broker-1");

  // The broker's certificate does not name the address the client dials.
  Issue("broker-2", {"--dns", "broker-2.kafka.test"});
  std::string other_port;
  auto other = LaunchBroker("certs/broker-2/kafka.properties", &other_port);
  auto misnamed = Kcat("certs/app-1/librdkafka.properties", "localhost:" + other_port);
  EXPECT_EQ(misnamed.err.find("Broker SSL certificate verified"), std::string::npos)
      << misnamed.err;
  EXPECT_NE(misnamed.err.find("certificate verify failed"), std::string::npos) << misnamed.err;
  auto java = JavaClient("certs/app-1/kafka.properties", "localhost", other_port);
  EXPECT_EQ(java.exit_code, 1) << java.out;
  EXPECT_NE(java.out.find("No subject alternative DNS name matching localhost"),
            std::string::npos)
      << java.out;
  EXPECT_EQ(other->output().find("OK client="), std::string::npos) << other->output();

  // A client of another CA does not trust the broker...
  InitCa("ec:p256", "pki-other");
  Issue("stranger", {"--role", "client"}, "pki-other");
  auto stranger = Kcat("certs/stranger/librdkafka.properties", "localhost:" + port);
  EXPECT_NE(stranger.err.find("certificate verify failed"), std::string::npos) << stranger.err;
  // ...and when it is told to, the broker (ssl.client.auth=required) still
  // refuses its certificate.
  std::string props = ReadTextFile(Path("certs/stranger/librdkafka.properties"));
  const std::string from = "certs/stranger/ca.crt";
  props.replace(props.find(from), from.size(), "certs/app-1/ca.crt");
  WriteTextFile(Path("forged.properties"), props);
  auto forged = Kcat("forged.properties", "localhost:" + port);
  EXPECT_EQ(forged.err.find("certificate verify failed"), std::string::npos) << forged.err;
  EXPECT_FALSE(broker_->WaitForLine("FAIL", 5000).empty()) << broker_->output();
  EXPECT_EQ(broker_->output().find("client=CN=stranger"), std::string::npos)
      << broker_->output();

  // The test can tell: the same broker accepts its own CA's client.
  Kcat("certs/app-1/librdkafka.properties", "localhost:" + port);
  EXPECT_FALSE(BrokerSaw("app-1", "rdkafka").empty()) << broker_->output();
}

// Store passwords reach Kafka through java.util.Properties escaping and
// librdkafka through a plain key=value line: every ASCII character that is
// special to either must survive both.
TEST_F(KafkaClientsTest, SpecialCharactersInPasswordsSurviveBothFormats) {
  WriteTextFile(Path("odd.pass"), "a b=c:d#e!f\\g\"h'i$j\n");
  Issue("broker-1", {"--dns", "localhost", "--password-file", "odd.pass"});
  Issue("app-1", {"--role", "client", "--password-file", "odd.pass"});
  Issue("app-2", {"--role", "client", "--format", "p12", "--password-file", "odd.pass"});
  const std::string port = StartBroker("broker-1");
  for (const char* name : {"app-1", "app-2"}) {
    SCOPED_TRACE(name);
    Kcat(std::string("certs/") + name + "/librdkafka.properties", "localhost:" + port);
    EXPECT_FALSE(BrokerSaw(name, "rdkafka").empty()) << broker_->output();
  }
  auto j = JavaClient("certs/app-1/kafka.properties", "localhost", port);
  EXPECT_EQ(j.exit_code, 0) << j.out << j.err;
  EXPECT_FALSE(BrokerSaw("app-1", "java-client").empty()) << broker_->output();
}

// Kafka's PEM stores (ssl.keystore.type=PEM) read a `certmint convert --to
// pem` keystore written with --pem-profile java; with the default PBES2 key
// Java 17 fails, which is why the profile exists.
TEST_F(KafkaClientsTest, KafkaPemStoresReadTheJavaPemProfile) {
  Issue("broker-1", {"--dns", "localhost"});
  Issue("app-1", {"--role", "client", "--key-type", "rsa:2048"});
  const std::string broker_pw = ReadTextFile(Path("certs/broker-1/password"));
  const std::string app_pw = ReadTextFile(Path("certs/app-1/password"));
  for (const char* profile : {"java", "modern"}) {
    for (const char* n : {"broker-1", "app-1"}) {
      auto c = Certmint({"convert", std::string("certs/") + n + "/keystore.p12",
                         std::string(n) + "-" + profile + ".pem", "--to", "pem", "--pem-profile",
                         profile, "--password-file", std::string("certs/") + n + "/password"});
      ASSERT_EQ(c.exit_code, 0) << c.err;
    }
  }
  // Kafka takes ssl.key.password for a PEM keystore and no store passwords.
  auto pem_properties = [](const std::string& keystore, const std::string& password,
                           bool broker) {
    return "ssl.keystore.type=PEM\nssl.keystore.location=" + keystore +
           "\nssl.key.password=" + password +
           "ssl.truststore.type=PEM\nssl.truststore.location=certs/broker-1/ca.crt\n" +
           (broker ? "ssl.client.auth=required\n" : "");
  };
  WriteTextFile(Path("broker-java.properties"),
                pem_properties("broker-1-java.pem", broker_pw, true));
  WriteTextFile(Path("app-java.properties"), pem_properties("app-1-java.pem", app_pw, false));
  std::string port;
  broker_ = LaunchBroker("broker-java.properties", &port);
  auto j = JavaClient("app-java.properties", "localhost", port);
  EXPECT_EQ(j.exit_code, 0) << j.out << j.err;
  EXPECT_FALSE(BrokerSaw("app-1", "java-client").empty()) << broker_->output();
  // librdkafka reads the same file as key and certificate.
  std::string rdk = "security.protocol=ssl\nssl.ca.location=certs/broker-1/ca.crt\n"
                    "ssl.key.location=app-1-java.pem\nssl.certificate.location=app-1-java.pem\n"
                    "ssl.key.password=" + app_pw;
  WriteTextFile(Path("app-java.librdkafka"), rdk);
  Kcat("app-java.librdkafka", "localhost:" + port);
  EXPECT_FALSE(BrokerSaw("app-1", "rdkafka").empty()) << broker_->output();

  WriteTextFile(Path("broker-modern.properties"),
                pem_properties("broker-1-modern.pem", broker_pw, true));
  RunOptions o;
  o.cwd = dir_.path();
  auto modern = RunProcess({CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "KafkaPeer", "broker",
                            "broker-modern.properties"},
                           o);
  EXPECT_NE(modern.exit_code, 0);
  EXPECT_NE(modern.err.find("PBES2 SecretKeyFactory not available"), std::string::npos)
      << modern.err;
}

// Why certmint refuses store passwords outside printable ASCII: Java cannot
// open a PKCS#12 store (here made by the openssl CLI) protected by one, even
// when the password reaches it intact (\u escapes in the properties file).
TEST_F(KafkaClientsTest, JavaCannotOpenPkcs12WithANonAsciiPassword) {
  Issue("broker-1", {"--dns", "localhost"});
  auto p12 = Openssl({"pkcs12", "-export", "-in", "certs/broker-1/chain.pem", "-inkey",
                      "certs/broker-1/broker-1.key", "-passin",
                      "file:certs/broker-1/password", "-out", "umlaut.p12", "-passout",
                      "pass:p\xC3\xA4sswort"});
  ASSERT_EQ(p12.exit_code, 0) << p12.err;
  WriteTextFile(Path("umlaut.properties"),
                "ssl.keystore.type=PKCS12\nssl.keystore.location=umlaut.p12\n"
                "ssl.keystore.password=p\\u00E4sswort\n"
                "ssl.truststore.type=PKCS12\nssl.truststore.location=umlaut.p12\n"
                "ssl.truststore.password=p\\u00E4sswort\n");
  auto j = JavaClient("umlaut.properties", "localhost", "1");
  EXPECT_EQ(j.exit_code, 1) << j.out;
  EXPECT_NE(j.out.find("Password is not ASCII"), std::string::npos) << j.out;
}

// Kafka reads kafka.properties as ISO 8859-1: a store directory whose name is
// not ASCII must reach Java as the same characters (\uXXXX escapes).
TEST_F(KafkaClientsTest, NonAsciiStorePathsReachJava) {
  const std::string out = "certs-\xC3\xBC\xE2\x82\xAC";  // certs-ü€
  auto r = Certmint({"issue", "broker-1", "--dir", "pki", "--out", out, "--dns", "localhost",
                     "--ca-password-file", "ca.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Issue("app-1", {"--role", "client"});
  const std::string props = ReadTextFile(Path(out + "/broker-1/kafka.properties"));
  EXPECT_NE(props.find("certs-\\u00FC\\u20AC/broker-1/keystore.p12\n"), std::string::npos)
      << props;
  std::string port;
  broker_ = LaunchBroker(out + "/broker-1/kafka.properties", &port);
  auto j = JavaClient("certs/app-1/kafka.properties", "localhost", port);
  EXPECT_EQ(j.exit_code, 0) << j.out << j.err;
  EXPECT_FALSE(BrokerSaw("app-1", "java-client").empty()) << broker_->output();
}

}  // namespace
}  // namespace certmint::testing
