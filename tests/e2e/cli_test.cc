// certmint end to end: what `ca init`, `issue` and `inspect` write is checked
// by the real openssl CLI.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/encoding.h"
#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

TEST_F(CliTest, VersionAndHelpWithExamples) {
  auto v = Certmint({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("certmint ", 0), 0u) << v.out;
  // Every command a user runs has --help with an example.
  const std::vector<std::vector<std::string>> commands{{"ca", "init"},
                                                       {"ca", "rotate"},
                                                       {"ca", "retire"},
                                                       {"issue"},
                                                       {"apply"},
                                                       {"inspect"},
                                                       {"convert"},
                                                       {"keystore", "import-cert"},
                                                       {"keystore", "import-key"},
                                                       {"keystore", "install"},
                                                       {"keystore", "delete"},
                                                       {"keystore", "passwd"},
                                                       {"verify"},
                                                       {"handshake"},
                                                       {"probe"},
                                                       {"list"},
                                                       {"renew"},
                                                       {"revoke"},
                                                       {"crl"},
                                                       {"csr"},
                                                       {"sign"}};
  for (auto cmd : commands) {
    cmd.push_back("--help");
    auto h = Certmint(cmd);
    EXPECT_EQ(h.exit_code, 0) << cmd[0];
    EXPECT_NE(h.out.find("Example"), std::string::npos) << cmd[0] << " " << cmd[1] << "\n" << h.out;
  }
  auto top = Certmint({"--help"});
  EXPECT_NE(top.out.find("Exit codes"), std::string::npos);
}

class KeyTypeCliTest : public CliTest, public ::testing::WithParamInterface<const char*> {};

// The issue's acceptance test: every issued chain verifies strictly for both
// purposes, carries exactly the requested SANs, and its key opens with the
// store password.
TEST_P(KeyTypeCliTest, IssuedChainVerifiesStrictlyWithOpenssl) {
  const std::string key_type = GetParam();
  InitCa(key_type);
  auto r = Certmint({"issue", "broker-1", "--dir", "pki", "--key-type", key_type, "--dns",
                     "broker-1.kafka.example.com", "--ip", "10.0.0.11", "--ip", "::1", "--out",
                     "certs", "--ca-password-file", "ca.pass", "--password-file", "store.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* purpose : {"sslserver", "sslclient"}) {
    auto v = Openssl({"verify", "-x509_strict", "-purpose", purpose, "-CAfile", "pki/ca.crt",
                      "certs/broker-1/broker-1.crt"});
    EXPECT_EQ(v.exit_code, 0) << purpose << ": " << v.out << v.err;
    // chain.pem = leaf + CA: verify the leaf against the CA taken from it.
    auto vc =
        Openssl({"verify", "-x509_strict", "-purpose", purpose, "-CAfile", "certs/broker-1/ca.crt",
                 "-untrusted", "certs/broker-1/chain.pem", "certs/broker-1/broker-1.crt"});
    EXPECT_EQ(vc.exit_code, 0) << vc.out << vc.err;
  }
  auto san =
      Openssl({"x509", "-in", "certs/broker-1/broker-1.crt", "-noout", "-ext", "subjectAltName"});
  ASSERT_EQ(san.exit_code, 0) << san.err;
  EXPECT_NE(san.out.find("DNS:broker-1, DNS:broker-1.kafka.example.com, IP Address:10.0.0.11, "
                         "IP Address:0:0:0:0:0:0:0:1"),
            std::string::npos)
      << san.out;
  EXPECT_EQ(CountLines(san.out), 2) << "exactly the requested SANs:\n" << san.out;

  auto key = Openssl(
      {"pkey", "-in", "certs/broker-1/broker-1.key", "-passin", "file:store.pass", "-pubout"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  auto cert_pub = Openssl({"x509", "-in", "certs/broker-1/broker-1.crt", "-noout", "-pubkey"});
  EXPECT_EQ(key.out, cert_pub.out) << "the key belongs to the certificate";
  auto nopass = Openssl({"pkey", "-in", "certs/broker-1/broker-1.key", "-passin", "pass:wrongpw"});
  EXPECT_NE(nopass.exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, KeyTypeCliTest,
                         ::testing::Values("rsa:2048", "rsa:3072", "rsa:4096", "ec:p256", "ec:p384",
                                           "ed25519"),
                         [](const auto& p) {
                           std::string n = p.param;
                           for (char& c : n) {
                             if (c == ':') c = '_';
                           }
                           return n;
                         });

TEST_F(CliTest, CaKeyIsStronglyEncryptedAndPrivate) {
  auto r = Certmint({"ca", "init", "--dir", "pki", "--subject", "/O=Acme/CN=Kafka CA",
                     "--ca-password-file", "ca.pass"},
                    RunOptions{.umask = 0000});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FileMode(Path("pki")), 0700);
  EXPECT_EQ(FileMode(Path("pki/ca.key")), 0600);

  auto info = Certmint({"inspect", "pki/ca.key", "--json"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  auto j = nlohmann::json::parse(info.out);
  const std::string enc = j[0]["items"][0]["encryption"];
  EXPECT_NE(enc.find("600000 iterations"), std::string::npos) << enc;
  EXPECT_NE(enc.find("hmacWithSHA256"), std::string::npos) << enc;
  EXPECT_NE(enc.find("AES-256-CBC"), std::string::npos) << enc;

  auto open = Openssl({"pkey", "-in", "pki/ca.key", "-passin", "file:ca.pass", "-noout"});
  EXPECT_EQ(open.exit_code, 0) << open.err;
  auto closed = Openssl({"pkey", "-in", "pki/ca.key", "-passin", "pass:", "-noout"});
  EXPECT_NE(closed.exit_code, 0);

  auto text = Openssl({"x509", "-in", "pki/ca.crt", "-noout", "-text"});
  EXPECT_NE(text.out.find("Subject: O = Acme, CN = Kafka CA"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("X509v3 Basic Constraints: critical\n                CA:TRUE"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("X509v3 Subject Key Identifier"), std::string::npos);
}

TEST_F(CliTest, GeneratedPasswordIsWrittenPrivatelyAndOpensTheKey) {
  InitCa();
  auto r = Certmint({"issue", "client-a", "--dir", "pki", "--role", "client", "--out", "certs",
                     "--ca-password-file", "ca.pass"},
                    RunOptions{.umask = 0000});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FileMode(Path("certs/client-a")), 0700);
  EXPECT_EQ(FileMode(Path("certs/client-a/password")), 0600);
  EXPECT_EQ(FileMode(Path("certs/client-a/client-a.key")), 0600);
  EXPECT_EQ(FileMode(Path("certs/client-a/client-a.crt")), 0644);
  const std::string password = ReadTextFile(Path("certs/client-a/password"));
  ASSERT_EQ(password.size(), 33u);  // 32 characters and a newline
  EXPECT_EQ(r.out.find(password.substr(0, 32)), std::string::npos) << "never printed";
  EXPECT_EQ(r.err.find(password.substr(0, 32)), std::string::npos);
  auto key = Openssl({"pkey", "-in", "certs/client-a/client-a.key", "-passin",
                      "file:certs/client-a/password", "-noout"});
  EXPECT_EQ(key.exit_code, 0) << key.err;

  // A client certificate is no server certificate.
  auto server = Openssl(
      {"verify", "-purpose", "sslserver", "-CAfile", "pki/ca.crt", "certs/client-a/client-a.crt"});
  EXPECT_NE(server.exit_code, 0);
  auto client = Openssl(
      {"verify", "-purpose", "sslclient", "-CAfile", "pki/ca.crt", "certs/client-a/client-a.crt"});
  EXPECT_EQ(client.exit_code, 0) << client.out << client.err;
}

TEST_F(CliTest, PasswordsFromEnvironment) {
  auto ca = Certmint({"ca", "init", "--dir", "pki"},
                     RunOptions{.env = {{"CERTMINT_CA_PASSWORD", "env-ca-password"}}});
  ASSERT_EQ(ca.exit_code, 0) << ca.err;
  auto r = Certmint({"issue", "b1", "--dir", "pki", "--out", "certs"},
                    RunOptions{.env = {{"CERTMINT_CA_PASSWORD", "env-ca-password"},
                                       {"CERTMINT_PASSWORD", "env-store-pw"}}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(Path("certs/b1/password")))
      << "no password file when the operator chose the password";
  auto key = Openssl({"pkey", "-in", "certs/b1/b1.key", "-passin", "pass:env-store-pw", "-noout"});
  EXPECT_EQ(key.exit_code, 0) << key.err;
}

TEST_F(CliTest, IssueJsonForScripts) {
  InitCa();
  auto r = Certmint({"issue", "broker-9", "--dir", "pki", "--ip", "192.168.1.9", "--days", "30",
                     "--out", "certs", "--ca-password-file", "ca.pass", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "broker-9");
  EXPECT_EQ(j["role"], "both");
  EXPECT_EQ(j["dns_names"], nlohmann::json::array({"broker-9"}));
  EXPECT_EQ(j["ip_addresses"], nlohmann::json::array({"192.168.1.9"}));
  EXPECT_EQ(j["password_file"], "certs/broker-9/password");
  auto info = Certmint({"inspect", "certs/broker-9/broker-9.crt", "--json"});
  auto ij = nlohmann::json::parse(info.out);
  EXPECT_EQ(ij[0]["items"][0]["sha256_fingerprint"], j["sha256_fingerprint"]);
  EXPECT_EQ(ij[0]["items"][0]["days_left"], 29);  // 30 days minus the seconds since issuance
}

// Short-lived certificates (issue 21, item 6): --days 24h signs 24 hours
// after the 5-minute backdate, as openssl reads the dates; the manifest
// takes the same spelling; a bad spelling names the flag.
TEST_F(CliTest, ShortLivedCertificatesAreSignedForTheHoursAsked) {
  InitCa();
  auto r = Certmint({"issue", "edge-1", "--dir", "pki", "--days", "24h", "--out", "certs",
                     "--ca-password-file", "ca.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto dates = [&](const std::string& crt) {
    auto d =
        Openssl({"x509", "-in", crt, "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601"});
    EXPECT_EQ(d.exit_code, 0) << d.err;
    // notBefore=2026-11-30 13:52:13Z / notAfter=...
    auto field = [&](const std::string& key) {
      const size_t at = d.out.find(key + "=");
      std::string t = d.out.substr(at + key.size() + 1, 20);
      t[10] = 'T';
      return ParseUtc(t);
    };
    return std::make_pair(field("notBefore"), field("notAfter"));
  };
  auto [begin, end] = dates("certs/edge-1/edge-1.crt");
  ASSERT_TRUE(begin && end);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::minutes>(*end - *begin).count(), 24 * 60 + 5);

  WriteTextFile(dir_ / "edge.yaml",
                "identities:\n  - name: edge-2\n    role: client\n    days: 36h\n");
  auto applied = Certmint(
      {"apply", "edge.yaml", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  auto [begin2, end2] = dates("certs/edge-2/edge-2.crt");
  ASSERT_TRUE(begin2 && end2);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::minutes>(*end2 - *begin2).count(), 36 * 60 + 5);

  // A local renewal takes hours too (the store password is beside the store).
  auto renewed = Certmint({"renew", "edge-1", "--dir", "pki", "--out", "certs", "--days", "12h",
                           "--ca-password-file", "ca.pass"});
  ASSERT_EQ(renewed.exit_code, 0) << renewed.err;
  auto [begin3, end3] = dates("certs/edge-1/edge-1.crt");
  ASSERT_TRUE(begin3 && end3);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::minutes>(*end3 - *begin3).count(), 12 * 60 + 5);
  auto bad_renew = Certmint({"renew", "edge-1", "--dir", "pki", "--out", "certs", "--days", "1h",
                             "--ca-password-file", "ca.pass"});
  EXPECT_EQ(bad_renew.exit_code, 2) << bad_renew.err;
  EXPECT_NE(bad_renew.err.find("--days"), std::string::npos) << bad_renew.err;

  auto bad = Certmint({"issue", "edge-3", "--dir", "pki", "--days", "24x", "--out", "certs",
                       "--ca-password-file", "ca.pass"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--days"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "certs/edge-3"));
}

TEST_F(CliTest, SubjectAndValidityNeverBeyondTheCa) {
  auto ca =
      Certmint({"ca", "init", "--dir", "pki", "--days", "10", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(ca.exit_code, 0) << ca.err;
  auto r = Certmint({"issue", "n1", "--dir", "pki", "--subject", "CN=n1.example,O=Acme", "--days",
                     "365", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto leaf_end = Openssl({"x509", "-in", "certs/n1/n1.crt", "-noout", "-enddate", "-subject"});
  auto ca_end = Openssl({"x509", "-in", "pki/ca.crt", "-noout", "-enddate"});
  EXPECT_EQ(leaf_end.out.substr(0, leaf_end.out.find('\n')),
            ca_end.out.substr(0, ca_end.out.find('\n')));
  EXPECT_NE(leaf_end.out.find("subject=O = Acme, CN = n1.example"), std::string::npos)
      << leaf_end.out;
}

TEST_F(CliTest, InspectShowsWhatKeytoolUsersLookFor) {
  InitCa();
  ASSERT_EQ(Certmint({"issue", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file",
                      "ca.pass", "--password-file", "store.pass"})
                .exit_code,
            0);
  auto r = Certmint({"inspect", "certs/broker-1/chain.pem"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* part : {"certificate (1 of 2)", "certificate (2 of 2)",
                           "Subject:", "CN=broker-1", "Issuer:", "Serial:", "days left", "EC P-256",
                           "DNS:broker-1", "serverAuth, clientAuth", "critical, digitalSignature",
                           "SHA-256 fingerprint:", "SHA-1 fingerprint:", "(self-signed)"}) {
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
  }
  // DER input, as `openssl x509 -outform DER` writes it.
  ASSERT_EQ(Openssl({"x509", "-in", "pki/ca.crt", "-outform", "DER", "-out", "ca.der"}).exit_code,
            0);
  auto der = Certmint({"inspect", "ca.der"});
  EXPECT_EQ(der.exit_code, 0) << der.err;
  EXPECT_NE(der.out.find("CN=certmint CA"), std::string::npos);
  // A CSR made by the openssl CLI.
  ASSERT_EQ(Openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", "csr.key", "-subj", "/CN=node-3", "-addext",
                     "subjectAltName=DNS:node-3.example", "-out", "node.csr"})
                .exit_code,
            0);
  auto csr = Certmint({"inspect", "node.csr", "csr.key"});
  EXPECT_EQ(csr.exit_code, 0) << csr.err;
  EXPECT_NE(csr.out.find("certificate request"), std::string::npos);
  EXPECT_NE(csr.out.find("DNS:node-3.example"), std::string::npos) << csr.out;
  EXPECT_TRUE(std::regex_search(csr.out, std::regex("Signature: +valid\n"))) << csr.out;
  EXPECT_NE(csr.out.find("private key"), std::string::npos);
}

// Issue 19, item 17: --format pem-plain (parsed by the library, so the CLI
// needs no flag of its own) writes NAME.key unencrypted, still 0600, for
// peers that take no passphrase (Mosquitto, Redis, HAProxy, Envoy);
// librdkafka.properties then has no ssl.key.password; verify passes with a
// warning; renew keeps the format.
TEST_F(CliTest, PemPlainWritesAnUnencryptedKeyAndVerifyWarns) {
  InitCa();
  auto r = Certmint({"issue", "mqtt-1", "--dir", "pki", "--out", "certs", "--format",
                     "pem-plain,p12", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string key = ReadTextFile(Path("certs/mqtt-1/mqtt-1.key"));
  EXPECT_EQ(key.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u) << "unencrypted PKCS#8";
  EXPECT_EQ(FileMode(Path("certs/mqtt-1/mqtt-1.key")), 0600);
  // What a peer with no passphrase does: openssl reads it with none.
  auto pkey = Openssl({"pkey", "-in", "certs/mqtt-1/mqtt-1.key", "-noout", "-passin", "pass:"});
  EXPECT_EQ(pkey.exit_code, 0) << pkey.err;
  const std::string rdk = ReadTextFile(Path("certs/mqtt-1/librdkafka.properties"));
  EXPECT_EQ(rdk.find("ssl.key.password"), std::string::npos) << rdk;
  EXPECT_NE(ReadTextFile(Path("certs/mqtt-1/certmint.json")).find("\"pem-plain\""),
            std::string::npos);

  auto v = Certmint({"verify", "certs/mqtt-1"});
  EXPECT_EQ(v.exit_code, 1) << "warnings, no failure\n" << v.out << v.err;
  EXPECT_NE(v.out.find("key encryption: the private key is not encrypted (pem-plain)"),
            std::string::npos)
      << v.out;

  auto renewed = Certmint(
      {"renew", "mqtt-1", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(renewed.exit_code, 0) << renewed.err;
  EXPECT_EQ(ReadTextFile(Path("certs/mqtt-1/mqtt-1.key")).rfind("-----BEGIN PRIVATE KEY-----", 0),
            0u);
  EXPECT_NE(ReadTextFile(Path("certs/mqtt-1/mqtt-1.key")), key) << "a new key";

  auto both = Certmint({"issue", "mqtt-2", "--dir", "pki", "--out", "certs", "--format",
                        "pem,pem-plain", "--ca-password-file", "ca.pass"});
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("pem and pem-plain both write NAME.key"), std::string::npos) << both.err;
}

// Issue 19, item 18: the README's row for `issue` names every file `issue`
// writes.
TEST_F(CliTest, ReadmeIssueRowNamesEveryFileIssueWrites) {
  InitCa();
  auto r = Certmint(
      {"issue", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string readme = ReadTextFile(CERTMINT_README);
  const size_t at = readme.find("| `certmint issue NAME");
  ASSERT_NE(at, std::string::npos);
  const std::string row = readme.substr(at, readme.find('\n', at) - at);
  for (std::string file : ListDir(Path("certs/broker-1"))) {
    if (file.rfind("..", 0) == 0) {
      continue;  // ..data and the generation it points to: docs/stores.md's layout
    }
    if (file == "broker-1.crt" || file == "broker-1.key") {
      file = file == "broker-1.crt" ? "NAME.crt" : "NAME.key";
    }
    EXPECT_NE(row.find("`" + file + "`"), std::string::npos) << file << " is not in:\n" << row;
  }
}

// --format k8s through the CLI: secret.yaml is a Secret PyYAML (a parser
// other than the yaml-cpp of the unit tests) reads with the keys Kubernetes
// documents for kubernetes.io/tls, 0600; --install-dir goes into the
// settings files.
TEST_F(CliTest, FormatK8sWritesAKubernetesTlsSecret) {
  InitCa();
  auto r =
      Certmint({"issue", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file",
                "ca.pass", "--format", "p12,k8s", "--install-dir", "/etc/kafka/ssl", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FileMode(Path("certs/broker-1/secret.yaml")), 0600);
  auto py = RunProcess({"python3", "-c",
                        "import sys, yaml, base64\n"
                        "d = yaml.safe_load(open(sys.argv[1]))\n"
                        "print(d['apiVersion'], d['kind'], d['type'], d['metadata']['name'])\n"
                        "print(' '.join(sorted(d['data'])))\n"
                        "print(base64.b64decode(d['data']['tls.key']).decode().splitlines()[0])\n",
                        Path("certs/broker-1/secret.yaml")});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out,
            "v1 Secret kubernetes.io/tls broker-1\n"
            "ca.crt keystore.p12 password tls.crt tls.key truststore.p12\n"
            "-----BEGIN PRIVATE KEY-----\n");
  const std::string server = ReadTextFile(Path("certs/broker-1/server.properties"));
  EXPECT_NE(server.find("listener.name.ssl.ssl.keystore.location=/etc/kafka/ssl/keystore.p12\n"),
            std::string::npos)
      << server;
  EXPECT_NE(server.find("super.users=User\\:CN\\=broker-1\n"), std::string::npos) << server;
  EXPECT_NE(r.out.find("\"kafka_principal\": \"User:CN=broker-1\""), std::string::npos) << r.out;
  auto bad = Certmint({"issue", "broker-2", "--dir", "pki", "--out", "certs", "--ca-password-file",
                       "ca.pass", "--install-dir", "/etc/kafka\nssl"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--install-dir"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace certmint::testing
