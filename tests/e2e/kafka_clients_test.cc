// The configuration files certmint writes next to each identity, used by the
// programs they are for: a broker's kafka.properties by a JSSE broker set up
// as Kafka's DefaultSslEngineFactory sets one up (tests/java/KafkaPeer.java,
// client certificates required), a client's kafka.properties by a JSSE
// client, and a client's librdkafka.properties by librdkafka itself, through
// kcat -F (Debian's kcat, librdkafka 2.0 on OpenSSL 3). A connection counts
// only when the broker saw the client's certificate and the client's first
// Kafka request (ApiVersions) over the finished handshake.
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/cli_helpers.h"
#include "verify/settings.h"

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
    std::vector<std::string> args{
        "issue", name, "--dir", pki, "--out", "certs", "--ca-password-file", "ca.pass"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Certmint(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // A JSSE broker configured from a kafka.properties file; sets `port`.
  std::unique_ptr<BackgroundProcess> LaunchBroker(const std::string& properties,
                                                  std::string* port) {
    auto broker = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "KafkaPeer", "broker",
                                 properties},
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
  // for metadata, which the test broker never gives: it records the first
  // request and hangs up, and librdkafka reconnects until kcat's metadata
  // timeout (-m) ends. So kcat runs in the background until the outcome a
  // test waits for shows, and is stopped then; -m is only an upper bound.
  // (With -m 1 kcat gave up before its handshake with a JVM broker could
  // finish on a loaded machine.) Each run has its own client.id, so that the
  // broker's record of one run cannot be taken for another's. The debug
  // output says how the TLS handshake went.
  std::unique_ptr<BackgroundProcess> StartKcat(const std::string& properties,
                                               const std::string& bootstrap,
                                               std::string* client_id) {
    *client_id = "kcat-" + std::to_string(++kcat_runs_);
    return std::make_unique<BackgroundProcess>(
        std::vector<std::string>{CERTMINT_KCAT, "-F", properties, "-X", "client.id=" + *client_id,
                                 "-b", bootstrap, "-L", "-m", std::to_string(kKcatSeconds), "-d",
                                 "security"},
        dir_.path());
  }

  // kcat reaches the test's broker as CN=`client`: the broker records a
  // handshake with kcat's certificate, which it requires and verifies, and
  // kcat's first request (ApiVersions) over it. librdkafka verifies the
  // broker's certificate and host name through OpenSSL (SSL_VERIFY_PEER)
  // before it sends anything, so the request also proves that kcat accepted
  // the broker. (Its "Broker SSL certificate verified" debug line proves
  // nothing either way: librdkafka skips it when SSL_connect completes in
  // one call.)
  void ExpectKcatReaches(const std::string& properties, const std::string& bootstrap,
                         const std::string& client) {
    std::string id;
    auto kcat = StartKcat(properties, bootstrap, &id);
    const std::string line =
        broker_->WaitForLine("OK client=CN=" + client + " api_key=18 client_id=" + id, kWaitMs);
    kcat->Stop(SIGTERM, 5000);
    EXPECT_FALSE(line.empty()) << "the broker has no record of " << id << ":\n"
                               << broker_->output() << "\nkcat:\n"
                               << kcat->output();
    EXPECT_EQ(kcat->output().find("certificate verify failed"), std::string::npos)
        << kcat->output();
  }

  // kcat's output up to the line holding `needle` (or all of it, when none
  // came within kWaitMs).
  std::string KcatUntil(const std::string& properties, const std::string& bootstrap,
                        const std::string& needle) {
    std::string id;
    auto kcat = StartKcat(properties, bootstrap, &id);
    kcat->WaitForLine(needle, kWaitMs);
    kcat->Stop(SIGTERM, 5000);
    return kcat->output();
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

  // The broker's line for a connection from CN=`client` by `client_id`.
  std::string BrokerSaw(const std::string& client, const std::string& client_id) {
    return broker_->WaitForLine("OK client=CN=" + client + " api_key=18 client_id=" + client_id,
                                kWaitMs);
  }

  // Long enough for a loaded machine; a passing run takes a second or two.
  static constexpr int kKcatSeconds = 60;
  static constexpr int kWaitMs = kKcatSeconds * 1000;
  // The broker's record of a client certificate its truststore does not
  // vouch for (a client that refused the broker leaves other FAIL lines).
  static constexpr const char* kRefusedClient = "FAIL SSLHandshakeException: PKIX path validation";

  std::unique_ptr<BackgroundProcess> broker_;
  int kcat_runs_ = 0;
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
    ExpectKcatReaches(std::string("certs/") + name + "/librdkafka.properties", "localhost:" + port,
                      name);
  }
  // By IP: librdkafka checks the bootstrap address against the iPAddress SAN.
  ExpectKcatReaches("certs/app-pem/librdkafka.properties", "127.0.0.1:" + port, "app-pem");

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
  const std::string misnamed = KcatUntil("certs/app-1/librdkafka.properties",
                                         "localhost:" + other_port, "certificate verify failed");
  EXPECT_NE(misnamed.find("certificate verify failed"), std::string::npos) << misnamed;
  auto java = JavaClient("certs/app-1/kafka.properties", "localhost", other_port);
  EXPECT_EQ(java.exit_code, 1) << java.out;
  EXPECT_NE(java.out.find("No subject alternative DNS name matching localhost"), std::string::npos)
      << java.out;
  EXPECT_EQ(other->WaitForLine("OK client=", 1000), "") << other->output();

  // A client of another CA does not trust the broker...
  InitCa("ec:p256", "pki-other");
  Issue("stranger", {"--role", "client"}, "pki-other");
  const std::string stranger = KcatUntil("certs/stranger/librdkafka.properties",
                                         "localhost:" + port, "certificate verify failed");
  EXPECT_NE(stranger.find("certificate verify failed"), std::string::npos) << stranger;
  // ...and when it is told to, the broker (ssl.client.auth=required) still
  // refuses its certificate.
  std::string props = ReadTextFile(Path("certs/stranger/librdkafka.properties"));
  const std::string from = "certs/stranger/ca.crt";
  props.replace(props.find(from), from.size(), "certs/app-1/ca.crt");
  WriteTextFile(Path("forged.properties"), props);
  {
    std::string id;
    auto forged = StartKcat("forged.properties", "localhost:" + port, &id);
    EXPECT_NE(broker_->WaitForLine(kRefusedClient, kWaitMs), "") << broker_->output();
    forged->Stop(SIGTERM, 5000);
    EXPECT_EQ(forged->output().find("certificate verify failed"), std::string::npos)
        << forged->output();
  }
  EXPECT_EQ(broker_->output().find("client=CN=stranger"), std::string::npos) << broker_->output();

  // The test can tell: the same broker accepts its own CA's client.
  ExpectKcatReaches("certs/app-1/librdkafka.properties", "localhost:" + port, "app-1");
}

// Issue 21, item 3: librdkafka enforces revocation from a local CRL file
// (ssl.crl.location) and does no online lookup. An identity issued on a CA
// host that publishes its CRL (pki/crl.pem) gets crl.pem and the setting;
// the one-shot `crl --server` (cron) fetches the service's CRL; after
// `certmint revoke`, `renew --daemon` fetches the new one, and kcat refuses
// the broker it reached before.
TEST_F(KafkaClientsTest, LibrdkafkaRefusesARevokedBrokerOnceTheCrlIsFetched) {
  Issue("broker-1", {"--dns", "localhost", "--ip", "127.0.0.1"});
  auto published =
      Certmint({"crl", "--dir", "pki", "--out", "pki/crl.pem", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(published.exit_code, 0) << published.err;
  Issue("app-1", {"--role", "client"});
  const std::string props = ReadTextFile(Path("certs/app-1/librdkafka.properties"));
  EXPECT_NE(props.find("ssl.crl.location=" + Path("certs/app-1/crl.pem") + "\n"), std::string::npos)
      << props;
  EXPECT_EQ(FileMode(Path("certs/app-1/crl.pem")), 0644);
  const std::string port = StartBroker("broker-1");
  ExpectKcatReaches("certs/app-1/librdkafka.properties", "localhost:" + port, "app-1");

  auto server = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{CERTMINT_BINARY, "serve", "--dir", "pki", "--listen", "127.0.0.1:0",
                               "--ca-password-file", "ca.pass"},
      dir_.path(),
      std::map<std::string, std::string>{{"CERTMINT_CA_PASSWORD", ""}, {"CERTMINT_PASSWORD", ""}});
  const std::string line = server->WaitForLine("listening on https://");
  ASSERT_FALSE(line.empty()) << server->output();
  const std::string url = line.substr(line.find("https://"));
  const std::vector<std::string> fetch{
      "crl", "--server", url, "--ca-file", "certs/app-1/ca.crt", "--out", "certs/app-1/crl.pem"};

  // Nothing revoked yet: the service's CRL is newer than the published one.
  auto first = Certmint(fetch);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("Wrote certs/app-1/crl.pem"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("0 revoked"), std::string::npos) << first.out;

  auto revoked =
      Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "key-compromise", "--yes"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  // Until the CRL is fetched, kcat knows nothing of it.
  ExpectKcatReaches("certs/app-1/librdkafka.properties", "localhost:" + port, "app-1");

  // The renewal daemon (nothing is due for renewal) refreshes app-1's CRL
  // in its first pass, and every kCrlRefreshInterval after it.
  BackgroundProcess daemon(
      {CERTMINT_BINARY, "renew", "app-1", "--server", url, "--out", "certs", "--daemon"},
      dir_.path());
  const std::string updated = daemon.WaitForLine("written to crl.pem", kWaitMs);
  ASSERT_FALSE(updated.empty()) << daemon.output();
  EXPECT_NE(updated.find("app-1: CRL number"), std::string::npos) << updated;
  auto listed =
      RunProcess({"openssl", "crl", "-in", Path("certs/app-1/crl.pem"), "-noout", "-text"});
  EXPECT_NE(listed.out.find("Key Compromise"), std::string::npos) << listed.out;
  auto crl_text = RunProcess({"openssl", "crl", "-in", Path("certs/app-1/crl.pem"), "-noout",
                              "-CAfile", Path("certs/app-1/ca.crt")});
  EXPECT_EQ(crl_text.exit_code, 0) << crl_text.err;
  EXPECT_NE(crl_text.err.find("verify OK"), std::string::npos) << crl_text.err;

  std::string id;
  auto kcat = StartKcat("certs/app-1/librdkafka.properties", "localhost:" + port, &id);
  kcat->WaitForLine("certificate verify failed", kWaitMs);
  kcat->Stop(SIGTERM, 5000);
  EXPECT_NE(kcat->output().find("certificate verify failed"), std::string::npos) << kcat->output();
  EXPECT_EQ(broker_->output().find("client_id=" + id), std::string::npos) << broker_->output();
  EXPECT_EQ(daemon.Stop(SIGTERM, 10000), 0) << daemon.output();
  server->Stop(SIGTERM);
}

// A broker's server.properties fragment is all a JSSE server needs to run
// the SSL listener as Kafka would (only its listener-prefixed settings,
// ssl.client.auth=required): it accepts a client and another broker (whose
// own fragment configures the client side), refuses a client without a
// certificate, and super.users names the brokers exactly as Java names
// their certificates' subjects (an escaped comma included).
TEST_F(KafkaClientsTest, ServerPropertiesFragmentRunsTheSslListener) {
  WriteTextFile(Path("cluster.yaml"),
                "defaults:\n"
                "  subject: 'CN={name},OU=Kafka,O=Acme\\, Inc.'\n"
                "identities:\n"
                "  - name: broker-{n}\n"
                "    count: 2\n"
                "    dns: [localhost]\n"
                "    ip: [127.0.0.1]\n"
                "  - name: app\n"
                "    role: client\n");
  auto applied = Certmint(
      {"apply", "cluster.yaml", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_FALSE(std::filesystem::exists(Path("certs/app/server.properties")))
      << "a client keeps its kafka.properties alone";
  EXPECT_EQ(FileMode(Path("certs/broker-1/server.properties")), 0600);

  broker_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "KafkaPeer", "server",
                               "certs/broker-1/server.properties"},
      dir_.path(), std::map<std::string, std::string>{{"LC_ALL", "C.UTF-8"}});
  const std::string super_users = broker_->WaitForLine("SUPER_USERS ");
  const std::string port_line = broker_->WaitForLine("PORT ");
  ASSERT_FALSE(port_line.empty()) << broker_->output();
  const std::string port = port_line.substr(5);
  const std::string acme = ",OU=Kafka,O=Acme\\, Inc.";
  EXPECT_EQ(super_users, "SUPER_USERS User:CN=broker-1" + acme + ";User:CN=broker-2" + acme);

  // A client, with its kafka.properties.
  auto client = JavaClient("certs/app/kafka.properties", "localhost", port);
  EXPECT_EQ(client.exit_code, 0) << client.out << client.err;
  EXPECT_FALSE(broker_->WaitForLine("OK client=CN=app" + acme + " api_key=18", kWaitMs).empty())
      << broker_->output();

  // Another broker, with the client side of its own fragment: the principal
  // the JSSE server sees is the one super.users lists.
  RunOptions o;
  o.cwd = dir_.path();
  o.env["LC_ALL"] = "C.UTF-8";
  auto peer = RunProcess({CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "KafkaPeer", "server-client",
                          "certs/broker-2/server.properties", "localhost", port},
                         o);
  EXPECT_EQ(peer.exit_code, 0) << peer.out << peer.err;
  const std::string seen = broker_->WaitForLine("OK client=CN=broker-2", kWaitMs);
  ASSERT_FALSE(seen.empty()) << broker_->output();
  const std::string principal = seen.substr(
      std::string("OK client=").size(), seen.find(" api_key=") - std::string("OK client=").size());
  EXPECT_NE(super_users.find("User:" + principal), std::string::npos) << principal;

  // A client without a certificate: refused by the broker.
  std::string trust_only;
  std::istringstream lines(ReadTextFile(Path("certs/app/kafka.properties")));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("ssl.truststore.", 0) == 0 || line.rfind("security.protocol", 0) == 0) {
      trust_only += line + "\n";
    }
  }
  WriteTextFile(Path("anonymous.properties"), trust_only);
  JavaClient("anonymous.properties", "localhost", port);
  EXPECT_FALSE(broker_->WaitForLine("FAIL ", kWaitMs).empty()) << broker_->output();
  const std::string log = broker_->output();
  size_t accepted = 0;
  for (size_t at = log.find("OK client="); at != std::string::npos;
       at = log.find("OK client=", at + 1)) {
    ++accepted;
  }
  EXPECT_EQ(accepted, 2u) << log;
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
    ExpectKcatReaches(std::string("certs/") + name + "/librdkafka.properties", "localhost:" + port,
                      name);
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
  auto pem_properties = [](const std::string& keystore, const std::string& password, bool broker) {
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
  std::string rdk =
      "security.protocol=ssl\nssl.ca.location=certs/broker-1/ca.crt\n"
      "ssl.key.location=app-1-java.pem\nssl.certificate.location=app-1-java.pem\n"
      "ssl.key.password=" +
      app_pw;
  WriteTextFile(Path("app-java.librdkafka"), rdk);
  ExpectKcatReaches("app-java.librdkafka", "localhost:" + port, "app-1");

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
                      "certs/broker-1/broker-1.key", "-passin", "file:certs/broker-1/password",
                      "-out", "umlaut.p12", "-passout", "pass:p\xC3\xA4sswort"});
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
  EXPECT_NE(props.find("certs-\\u00FC\\u20AC/broker-1/keystore.p12\n"), std::string::npos) << props;
  std::string port;
  broker_ = LaunchBroker(out + "/broker-1/kafka.properties", &port);
  auto j = JavaClient("certs/app-1/kafka.properties", "localhost", port);
  EXPECT_EQ(j.exit_code, 0) << j.out << j.err;
  EXPECT_FALSE(BrokerSaw("app-1", "java-client").empty()) << broker_->output();
}

// Issue 19, items 12 and 18: `verify` reads librdkafka.properties as kcat -F
// does, checked against kcat itself (-X dump prints the configuration it
// ended with): "\=" and "\:" lose their backslash, other backslashes stay,
// librdkafka skips a value's leading white space, and
// ssl.endpoint.identification.algorithm is skipped (librdkafka 2.0 keeps its
// default, https).
TEST_F(KafkaClientsTest, VerifyReadsLibrdkafkaPropertiesAsKcatDoes) {
  const std::string text =
      "# written by hand\n"
      "  ssl.key.password=abc\\=def\\:g\\\\=h\\i  \n"
      "client.id=a=b#c\\\\d\n"
      "sasl.username= padded\n"
      "ssl.endpoint.identification.algorithm=none\n";
  WriteTextFile(Path("tricky.properties"), text);
  RunOptions o;
  o.cwd = dir_.path();
  auto dump = RunProcess(
      {CERTMINT_KCAT, "-F", "tricky.properties", "-X", "dump", "-b", "127.0.0.1:1", "-L"}, o);
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  auto ours = ParseLibrdkafkaProperties(text);
  ASSERT_TRUE(ours) << ours.error().ToString();
  for (const char* key : {"ssl.key.password", "client.id", "sasl.username"}) {
    SCOPED_TRACE(key);
    const std::string line = std::string(key) + " = " + (*ours)[key] + "\n";
    EXPECT_NE(dump.out.find(line), std::string::npos) << line << dump.out;
  }
  EXPECT_EQ((*ours)["ssl.key.password"], "abc=def:g=h\\i");
  EXPECT_EQ((*ours)["sasl.username"], "padded");
  // kcat skipped the line: librdkafka kept https, which verify says.
  EXPECT_NE(dump.out.find("ssl.endpoint.identification.algorithm = https\n"), std::string::npos)
      << dump.out;

  // So certmint refuses a store password kcat would read otherwise.
  WriteTextFile(Path("odd.pass"), "abc\\=defgh\n");
  auto r = Certmint({"issue", "app-1", "--dir", "pki", "--out", "certs", "--password-file",
                     "odd.pass", "--ca-password-file", "ca.pass"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("backslash before '=' or ':'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("defgh"), std::string::npos) << "never the password";
}

}  // namespace
}  // namespace certmint::testing
