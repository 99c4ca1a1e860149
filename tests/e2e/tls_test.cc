// certmint verify, handshake and probe, and the C++ SSL_CTX example: the MITM
// story end to end. Forged, expired, misnamed, wrong-usage and missing
// certificates are each refused with a clear reason.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "ca/authority.h"
#include "e2e/cli_helpers.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "identity/state.h"

namespace certmint::testing {
namespace {

class TlsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    InitCa();
    Issue("broker-1", {"--dns", "broker-1.kafka.test", "--ip", "127.0.0.1"});
    Issue("client-1", {"--role", "client"});
  }

  void Issue(const std::string& name, std::vector<std::string> extra,
             const std::string& pki = "pki") {
    std::vector<std::string> args{"issue",
                                  name,
                                  "--dir",
                                  pki,
                                  "--out",
                                  "certs-" + pki,
                                  "--ca-password-file",
                                  "ca.pass",
                                  "--password-file",
                                  "store.pass"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Certmint(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  ProcessResult Handshake(std::vector<std::string> extra) {
    std::vector<std::string> args{"handshake"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Certmint(args);
  }
};

TEST_F(TlsTest, VerifyPassesWarnsAndFailsWithDocumentedExitCodes) {
  auto ok = Certmint({"verify", "certs-pki/broker-1", "--host", "broker-1.kafka.test", "--host",
                      "127.0.0.1", "--role", "both", "--json", "--password-file", "store.pass"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  auto j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["result"], "ok");
  std::set<std::string> scopes;
  for (const auto& c : j["checks"]) {
    scopes.insert(c["scope"]);
    EXPECT_EQ(c["status"], "ok") << c;
  }
  EXPECT_TRUE(scopes.count("keystore.p12") && scopes.count("keystore.jks") &&
              scopes.count("broker-1.key") && scopes.count("truststore.p12") &&
              scopes.count("files") && scopes.count("kafka.properties") &&
              scopes.count("librdkafka.properties"))
      << "every format and both settings files are checked";

  // Expiring inside --warn-days: exit 1.
  auto warn = Certmint(
      {"verify", "certs-pki/broker-1", "--warn-days", "400", "--password-file", "store.pass"});
  EXPECT_EQ(warn.exit_code, 1) << warn.out;
  EXPECT_NE(warn.out.find("warn  keystore.p12: validity of CN=broker-1"), std::string::npos)
      << warn.out;

  // A host the SANs do not cover, and a role the EKU does not allow: exit 2.
  auto bad = Certmint({"verify", "certs-pki/client-1", "--host", "10.9.9.9", "--role", "server",
                       "--password-file", "store.pass"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("fail  keystore.p12: SANs cover 10.9.9.9: no iPAddress SAN matches"),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("extendedKeyUsage lacks serverAuth"), std::string::npos) << bad.out;

  // A keystore readable by others.
  std::filesystem::permissions(Path("certs-pki/broker-1/keystore.jks"),
                               std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto mode = Certmint({"verify", "certs-pki/broker-1", "--password-file", "store.pass"});
  EXPECT_EQ(mode.exit_code, 2);
  EXPECT_NE(mode.out.find("readable by group or others"), std::string::npos) << mode.out;
}

// The settings files are read as Kafka and kcat read them: an edit that
// breaks them fails verify, naming the file, the setting and the cause.
TEST_F(TlsTest, VerifyChecksTheSettingsFiles) {
  const std::string file = Path("certs-pki/client-1/kafka.properties");
  std::string props = ReadTextFile(file);
  const std::string type = "ssl.keystore.type=PKCS12";
  props.replace(props.find(type), type.size(), "ssl.keystore.type=PEM");
  WriteTextFile(file, props);
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto r = Certmint({"verify", "certs-pki/client-1", "--password-file", "store.pass"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("fail  kafka.properties: keystore opens: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ssl.keystore.password must not be set for a PEM store"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ok    librdkafka.properties: key opens: "), std::string::npos) << r.out;
}

TEST_F(TlsTest, VerifyCatchesAnOpensslTruststoreJavaWouldIgnore) {
  WriteTextFile(Path("out.pass"), "store-password\n");
  ASSERT_EQ(Openssl({"pkcs12", "-export", "-nokeys", "-in", "pki/ca.crt", "-out", "ts.p12",
                     "-passout", "file:out.pass"})
                .exit_code,
            0);
  auto r = Certmint({"verify", "--keystore", "certs-pki/broker-1/keystore.p12", "--truststore",
                     "ts.p12", "--password-file", "store.pass"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("trustAnchors parameter must be non-empty"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no trusted-key-usage attribute: Java ignores it"), std::string::npos)
      << r.out;
}

TEST_F(TlsTest, MetricsForNodeExporter) {
  auto r = Certmint({"verify", "certs-pki/broker-1", "--metrics", "broker-1.prom",
                     "--password-file", "store.pass"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string m = ReadTextFile(Path("broker-1.prom"));
  EXPECT_NE(m.find("# TYPE certmint_certificate_expiry_seconds gauge"), std::string::npos) << m;
  EXPECT_TRUE(std::regex_search(
      m,
      std::regex("certmint_certificate_expiry_seconds\\{identity=\"broker-1\",alias=\"broker-1\","
                 "position=\"leaf\",subject=\"CN=broker-1\",serial=\"[0-9A-F:]+\"\\} "
                 "3[0-9]{7}\n")))
      << m;
  EXPECT_NE(m.find("position=\"ca\""), std::string::npos);
}

TEST_F(TlsTest, HandshakeBetweenEveryPairOfFormats) {
  const std::vector<std::string> formats{"keystore.p12", "keystore.jks", "pem"};
  auto store = [&](const std::string& who, const std::string& f) {
    if (f != "pem") {
      return "certs-pki/" + who + "/" + f;
    }
    // A PEM keystore: key + chain in one file, as Kafka's PEM stores take it.
    const std::string file = "certs-pki/" + who + "/" + who + "-keystore.pem";
    WriteTextFile(Path(file), ReadTextFile(Path("certs-pki/" + who + "/" + who + ".key")) +
                                  ReadTextFile(Path("certs-pki/" + who + "/chain.pem")));
    return file;
  };
  for (const auto& sf : formats) {
    for (const auto& cf : formats) {
      auto r = Handshake({"--server", store("broker-1", sf), "--client", store("client-1", cf),
                          "--truststore", "certs-pki/client-1/truststore.jks", "--host",
                          "broker-1.kafka.test", "--host", "127.0.0.1", "--password-file",
                          "store.pass", "--json"});
      ASSERT_EQ(r.exit_code, 0) << sf << " / " << cf << ": " << r.out << r.err;
      auto j = nlohmann::json::parse(r.out);
      ASSERT_EQ(j["handshakes"].size(), 4u) << "TLS 1.3 and 1.2, two hosts";
      for (const auto& h : j["handshakes"]) {
        EXPECT_EQ(h["ok"], true) << h;
        EXPECT_EQ(h["server_subject"], "CN=broker-1");
        EXPECT_EQ(h["client_subject"], "CN=client-1");
      }
      EXPECT_EQ(j["handshakes"][0]["protocol"], "TLSv1.3");
      EXPECT_EQ(j["handshakes"][2]["protocol"], "TLSv1.2");
    }
  }
}

TEST_F(TlsTest, ForgedCertificateWithTheSameSubjectIsRefused) {
  // A second CA with the same name, and a "broker-1" it signs: what a man in
  // the middle would present.
  auto evil = Certmint({"ca", "init", "--dir", "evil", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(evil.exit_code, 0) << evil.err;
  Issue("broker-1", {"--dns", "broker-1.kafka.test"}, "evil");
  EXPECT_EQ(ReadTextFile(Path("certs-evil/broker-1/ca.crt")).empty(), false);
  auto r = Handshake({"--server", "certs-evil/broker-1", "--client", "certs-pki/client-1",
                      "--truststore", "certs-pki/client-1/truststore.p12", "--host",
                      "broker-1.kafka.test", "--password-file", "store.pass"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("fail  TLSv1.3 to broker-1.kafka.test: the client refused the server: "
                       "unable to get local issuer certificate"),
            std::string::npos)
      << r.out;
  // And the other way round: a forged client is refused by the real broker.
  Issue("client-1", {"--role", "client"}, "evil");
  auto c = Handshake({"--server", "certs-pki/broker-1", "--client", "certs-evil/client-1",
                      "--truststore", "certs-pki/broker-1/truststore.p12", "--password-file",
                      "store.pass", "--tls", "1.2"});
  EXPECT_EQ(c.exit_code, 2) << c.out;
  EXPECT_NE(c.out.find("the server refused the client: "), std::string::npos) << c.out;
}

TEST_F(TlsTest, ExpiredCertificateIsRefused) {
  // A CA and a node certificate issued in the past, through the library.
  const auto past = std::chrono::system_clock::now() - std::chrono::hours(24 * 500);
  CaInitOptions o;
  o.subject = DistinguishedName::Parse("CN=Old CA").value();
  o.now = past;
  o.kdf_iterations = 1000;
  auto ca = CertificateAuthority::Init(Path("old-pki"), o, SecretString("ca-password-123"));
  ASSERT_TRUE(ca) << ca.error().ToString();
  IdentityRequest req;
  req.name = "broker-1";
  req.sans.AddIp("127.0.0.1");
  req.days = 30;
  req.now = past + std::chrono::hours(24 * 10);
  auto id = IssueIdentity(*ca, req).value();
  ASSERT_TRUE(WriteIdentity(Path("old"), id, SecretString("store-password"), IdentityOutput{}));
  Issue("client-1", {"--role", "client"}, "old-pki");
  auto r = Handshake({"--server", "old/broker-1", "--client", "certs-old-pki/client-1", "--host",
                      "127.0.0.1", "--password-file", "store.pass", "--tls", "1.3"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("the client refused the server: certificate has expired"), std::string::npos)
      << r.out;
  auto v = Certmint({"verify", "old/broker-1", "--password-file", "store.pass"});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.out.find("fail  keystore.p12: validity of CN=broker-1: expired on"),
            std::string::npos)
      << v.out;
}

TEST_F(TlsTest, WrongNameWrongUsageAndMissingCertificateAreRefused) {
  auto name = Handshake({"--server", "certs-pki/broker-1", "--client", "certs-pki/client-1",
                         "--host", "broker-2.kafka.test", "--password-file", "store.pass"});
  EXPECT_EQ(name.exit_code, 2);
  EXPECT_NE(name.out.find("the client refused the server: hostname mismatch"), std::string::npos)
      << name.out;
  auto ip = Handshake({"--server", "certs-pki/broker-1", "--client", "certs-pki/client-1", "--host",
                       "127.0.0.2", "--password-file", "store.pass"});
  EXPECT_NE(ip.out.find("IP address mismatch"), std::string::npos) << ip.out;

  // A certificate without clientAuth cannot be an mTLS client.
  Issue("server-only", {"--role", "server"});
  auto usage = Handshake({"--server", "certs-pki/broker-1", "--client", "certs-pki/server-only",
                          "--password-file", "store.pass"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.out.find("the server refused the client: unsuitable certificate purpose"),
            std::string::npos)
      << usage.out;
  // Nor can a client-only certificate serve.
  auto serve = Handshake({"--server", "certs-pki/client-1", "--client", "certs-pki/broker-1",
                          "--host", "client-1", "--password-file", "store.pass"});
  EXPECT_NE(serve.out.find("the client refused the server: unsuitable certificate purpose"),
            std::string::npos)
      << serve.out;
  // No client certificate at all.
  auto none = Handshake({"--server", "certs-pki/broker-1", "--password-file", "store.pass"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.out.find("the server refused the client: peer did not return a certificate"),
            std::string::npos)
      << none.out;
}

TEST_F(TlsTest, ProbeAgainstOpensslServer) {
  BackgroundProcess server(
      {"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", "certs-pki/broker-1/chain.pem",
       "-key", "certs-pki/broker-1/broker-1.key", "-pass", "file:store.pass", "-Verify", "1",
       "-CAfile", "pki/ca.crt"},
      dir_.path());
  const std::string line = server.WaitForLine("ACCEPT");
  ASSERT_FALSE(line.empty()) << server.output();
  const std::string port = line.substr(line.rfind(':') + 1);
  auto r = Certmint({"probe", "127.0.0.1:" + port, "--truststore", "certs-pki/client-1",
                     "--keystore", "certs-pki/client-1", "--servername", "broker-1.kafka.test",
                     "--password-file", "store.pass", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["chain"][0]["subject"], "CN=broker-1");
  EXPECT_EQ(j["chain"].size(), 2u);
  EXPECT_EQ(j["chain_trusted"], true);
  EXPECT_EQ(j["name_matches"], true);
  EXPECT_GT(j["chain"][0]["days_left"].get<int>(), 360);

  // Without a client certificate the server (which requires one) refuses.
  auto anon = Certmint({"probe", "127.0.0.1:" + port, "--truststore", "certs-pki/client-1",
                        "--servername", "broker-1.kafka.test", "--password-file", "store.pass"});
  EXPECT_EQ(anon.exit_code, 2) << anon.out << anon.err;
  EXPECT_NE(anon.out.find("the server refused our client certificate"), std::string::npos)
      << anon.out;
  // A truststore from another CA: the chain is shown, and refused.
  ASSERT_EQ(Certmint({"ca", "init", "--dir", "other", "--ca-password-file", "ca.pass"}).exit_code,
            0);
  auto other = Certmint({"probe", "127.0.0.1:" + port, "--truststore", "other/ca.crt", "--keystore",
                         "certs-pki/client-1", "--password-file", "store.pass"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.out.find("[0] CN=broker-1"), std::string::npos) << other.out;
  EXPECT_NE(other.out.find("fail  chain: self-signed certificate in certificate chain"),
            std::string::npos)
      << other.out;
}

// A listener on 127.0.0.1:0 that does `behave` with each connection.
class FakeServer {
 public:
  explicit FakeServer(std::function<void(int)> behave) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    listen(fd_, 4);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, behave] {
      int c = accept(fd_, nullptr, nullptr);
      if (c >= 0) {
        behave(c);
        close(c);
      }
    });
  }
  ~FakeServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(TlsTest, ProbeExplainsNetworkFailures) {
  {
    FakeServer http([](int c) {
      char buf[512];
      (void)read(c, buf, sizeof(buf));
      const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
      (void)write(c, reply, sizeof(reply) - 1);
    });
    auto r = Certmint({"probe", "127.0.0.1:" + std::to_string(http.port()), "--timeout", "5"});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_NE(r.err.find("the peer does not speak TLS"), std::string::npos) << r.err;
  }
  {
    FakeServer silent([](int c) {
      std::this_thread::sleep_for(std::chrono::seconds(3));
      (void)c;
    });
    auto r = Certmint({"probe", "127.0.0.1:" + std::to_string(silent.port()), "--timeout", "1"});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_NE(r.err.find("timed out after 1000 ms"), std::string::npos) << r.err;
  }
  int port;
  {
    FakeServer closed([](int) {});
    port = closed.port();
    // Connect once so the fake server's thread ends.
    auto r = Certmint({"probe", "127.0.0.1:" + std::to_string(port), "--timeout", "2"});
    EXPECT_EQ(r.exit_code, 7);
  }
  auto refused = Certmint({"probe", "127.0.0.1:" + std::to_string(port), "--timeout", "2"});
  EXPECT_EQ(refused.exit_code, 7) << refused.err;
  EXPECT_NE(refused.err.find("connection refused"), std::string::npos) << refused.err;
  auto bad = Certmint({"probe", "no-port-here"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("is not HOST:PORT"), std::string::npos) << bad.err;
}

TEST_F(TlsTest, SslCtxExampleUsesTheJavaStores) {
  auto r = RunProcess({CERTMINT_SSL_CTX_EXAMPLE, Path("certs-pki/broker-1/keystore.jks"),
                       Path("certs-pki/client-1/keystore.p12"),
                       Path("certs-pki/client-1/truststore.jks"), Path("store.pass"),
                       "broker-1.kafka.test"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("handshake ok: TLSv1.3, server /CN=broker-1, client /CN=client-1"),
            std::string::npos)
      << r.out;
  auto wrong = RunProcess({CERTMINT_SSL_CTX_EXAMPLE, Path("certs-pki/broker-1/keystore.jks"),
                           Path("certs-pki/client-1/keystore.p12"),
                           Path("certs-pki/client-1/truststore.jks"), Path("store.pass"),
                           "broker-9.kafka.test"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.out.find("hostname mismatch"), std::string::npos) << wrong.out;
}

}  // namespace
}  // namespace certmint::testing
