// Interop with real Java: every store certmint writes is listed by keytool
// and completes a JSSE mTLS handshake with hostname verification, loaded the
// way Kafka loads it; stores made by keytool and openssl are read back by
// certmint.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "e2e/cli_helpers.h"

namespace certmint::testing {
namespace {

class JavaInteropTest : public CliTest {
 protected:
  // A CA of `key_type`, a broker (server+client) and a client identity.
  void MakeCluster(const std::string& key_type, std::vector<std::string> extra = {}) {
    InitCa(key_type);
    std::vector<std::string> broker{"issue",
                                    "broker-1",
                                    "--dir",
                                    "pki",
                                    "--key-type",
                                    key_type,
                                    "--dns",
                                    "broker-1.kafka.test",
                                    "--ip",
                                    "127.0.0.1",
                                    "--out",
                                    "certs",
                                    "--ca-password-file",
                                    "ca.pass",
                                    "--password-file",
                                    "store.pass"};
    broker.insert(broker.end(), extra.begin(), extra.end());
    auto b = Certmint(broker);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    std::vector<std::string> client{
        "issue",           "client-1",  "--dir", "pki",   "--key-type",         key_type,
        "--role",          "client",    "--out", "certs", "--ca-password-file", "ca.pass",
        "--password-file", "store.pass"};
    client.insert(client.end(), extra.begin(), extra.end());
    auto c = Certmint(client);
    ASSERT_EQ(c.exit_code, 0) << c.err;
  }

  // What `openssl pkcs12 -info` says of a PKCS#12 file opened with store.pass
  // (its MAC line among it).
  std::string Pkcs12Info(const std::string& store) {
    auto r = Openssl({"pkcs12", "-in", store, "-info", "-noout", "-passin", "file:store.pass"});
    return r.out + r.err;
  }

  // keytool -list with no password, as Kafka loads a truststore without
  // ssl.truststore.password (keytool's prompt gets an empty line).
  ProcessResult KeytoolListWithoutPassword(const std::string& store) {
    RunOptions o;
    o.cwd = dir_.path();
    o.stdin_data = "\n";
    return RunProcess({CERTMINT_KEYTOOL, "-list", "-keystore", store}, o);
  }
};

class StoreMatrixTest : public JavaInteropTest,
                        public ::testing::WithParamInterface<const char*> {};

TEST_P(StoreMatrixTest, KeytoolListsEveryStore) {
  MakeCluster(GetParam());
  for (const char* ks : {"keystore.p12", "keystore.jks"}) {
    auto r = Keytool({"-list", "-v", "-keystore", std::string("certs/broker-1/") + ks,
                      "-storepass:file", "store.pass"});
    ASSERT_EQ(r.exit_code, 0) << ks << r.out << r.err;
    EXPECT_NE(r.out.find("Your keystore contains 2 entries"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Alias name: broker-1\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Entry type: PrivateKeyEntry"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Certificate chain length: 2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Alias name: caroot\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Entry type: trustedCertEntry"), std::string::npos) << r.out;
  }
  for (const char* ts : {"truststore.p12", "truststore.jks"}) {
    auto r = Keytool({"-list", "-v", "-keystore", std::string("certs/broker-1/") + ts,
                      "-storepass:file", "store.pass"});
    ASSERT_EQ(r.exit_code, 0) << ts << r.out << r.err;
    EXPECT_NE(r.out.find("Your keystore contains 1 entry"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Alias name: caroot\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Entry type: trustedCertEntry"), std::string::npos) << r.out;
  }
  // A wrong password is caught by Java's integrity check.
  WriteTextFile(Path("wrong.pass"), "wrong-password\n");
  auto bad = Keytool(
      {"-list", "-keystore", "certs/broker-1/keystore.jks", "-storepass:file", "wrong.pass"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("password was incorrect"), std::string::npos) << bad.out;
}

// mTLS between a broker and a client, for each store format, by host name
// and by IP, and across formats.
TEST_P(StoreMatrixTest, JsseMutualTlsWithHostnameVerification) {
  MakeCluster(GetParam());
  struct Case {
    const char* server;
    const char* client;
    const char* trust;
  } cases[] = {{"PKCS12", "PKCS12", "PKCS12"}, {"JKS", "JKS", "JKS"}, {"JKS", "PKCS12", "PKCS12"}};
  for (const auto& c : cases) {
    auto file = [](const char* type, const std::string& base) {
      return base + (std::string(type) == "JKS" ? ".jks" : ".p12");
    };
    auto r = JavaHandshake({file(c.server, "certs/broker-1/keystore"), c.server,
                            file(c.client, "certs/client-1/keystore"), c.client,
                            file(c.trust, "certs/client-1/truststore"), c.trust, "store.pass",
                            "store.pass", "broker-1.kafka.test,127.0.0.1,broker-1"});
    EXPECT_EQ(r.exit_code, 0) << c.server << "/" << c.client << "/" << c.trust << "\n"
                              << r.out << r.err;
    EXPECT_NE(r.out.find("OK broker-1.kafka.test protocol=TLSv1.3"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("OK 127.0.0.1 "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("server=CN=broker-1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("client=CN=client-1"), std::string::npos) << r.out;
  }
  // TLS 1.2 too.
  auto v12 = JavaHandshake({"certs/broker-1/keystore.p12", "PKCS12", "certs/client-1/keystore.jks",
                            "JKS", "certs/client-1/truststore.p12", "PKCS12", "store.pass",
                            "store.pass", "127.0.0.1", "TLSv1.2"});
  EXPECT_EQ(v12.exit_code, 0) << v12.out << v12.err;
  EXPECT_NE(v12.out.find("protocol=TLSv1.2"), std::string::npos) << v12.out;
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, StoreMatrixTest,
                         ::testing::Values("ec:p256", "rsa:2048", "ed25519"), [](const auto& p) {
                           std::string n = p.param;
                           for (char& ch : n) {
                             if (ch == ':') ch = '_';
                           }
                           return n;
                         });

TEST_F(JavaInteropTest, WrongHostAndClientOnlyCertificatesAreRefused) {
  MakeCluster("ec:p256");
  auto wrong_host =
      JavaHandshake({"certs/broker-1/keystore.p12", "PKCS12", "certs/client-1/keystore.p12",
                     "PKCS12", "certs/client-1/truststore.p12", "PKCS12", "store.pass",
                     "store.pass", "broker-2.kafka.test"});
  EXPECT_EQ(wrong_host.exit_code, 1) << wrong_host.out;
  EXPECT_NE(wrong_host.out.find("No subject alternative DNS name matching broker-2.kafka.test"),
            std::string::npos)
      << wrong_host.out;
  auto wrong_ip = JavaHandshake(
      {"certs/broker-1/keystore.p12", "PKCS12", "certs/client-1/keystore.p12", "PKCS12",
       "certs/client-1/truststore.p12", "PKCS12", "store.pass", "store.pass", "127.0.0.2"});
  EXPECT_EQ(wrong_ip.exit_code, 1) << wrong_ip.out;
  // client-1 has EKU clientAuth only: it cannot serve.
  auto as_server = JavaHandshake(
      {"certs/client-1/keystore.p12", "PKCS12", "certs/broker-1/keystore.p12", "PKCS12",
       "certs/client-1/truststore.p12", "PKCS12", "store.pass", "store.pass", "client-1"});
  EXPECT_EQ(as_server.exit_code, 1) << as_server.out;
}

TEST_F(JavaInteropTest, LegacyPkcs12ProfileIsReadByJava) {
  MakeCluster("rsa:2048", {"--p12-profile", "legacy", "--format", "p12"});
  EXPECT_FALSE(std::filesystem::exists(Path("certs/broker-1/keystore.jks")));
  EXPECT_FALSE(std::filesystem::exists(Path("certs/broker-1/broker-1.key")));
  auto dump = Openssl({"pkcs12", "-in", "certs/broker-1/keystore.p12", "-info", "-noout", "-passin",
                       "file:store.pass"});
  EXPECT_NE(dump.err.find("MAC: sha1"), std::string::npos) << dump.err;
  EXPECT_NE(dump.err.find("pbeWithSHA1And3-KeyTripleDES-CBC"), std::string::npos) << dump.err;
  auto r = JavaHandshake({"certs/broker-1/keystore.p12", "PKCS12", "certs/client-1/keystore.p12",
                          "PKCS12", "certs/client-1/truststore.p12", "PKCS12", "store.pass",
                          "store.pass", "127.0.0.1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(JavaInteropTest, ModernPkcs12ProfileAsJava17WritesIt) {
  MakeCluster("ec:p256", {"--format", "p12"});
  auto dump = Openssl({"pkcs12", "-in", "certs/broker-1/keystore.p12", "-info", "-noout", "-passin",
                       "file:store.pass"});
  EXPECT_NE(dump.err.find("MAC: sha256, Iteration 10000"), std::string::npos) << dump.err;
  EXPECT_NE(dump.err.find("PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256"),
            std::string::npos)
      << dump.err;
}

// Kafka loads the truststore with a null password when
// ssl.truststore.password is unset: only a passwordless PKCS#12 truststore
// then has entries.
TEST_F(JavaInteropTest, PasswordlessTruststoreLoadsWithNullPassword) {
  MakeCluster("ec:p256", {"--passwordless-truststore", "--format", "p12"});
  auto r = JavaHandshake({"certs/broker-1/keystore.p12", "PKCS12", "certs/client-1/keystore.p12",
                          "PKCS12", "certs/client-1/truststore.p12", "PKCS12", "store.pass", "-",
                          "127.0.0.1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  // The control: the default (encrypted, MAC'd) truststore is empty to Java
  // without its password.
  TempDir other;
  auto control = Certmint({"issue", "broker-2", "--dir", "pki", "--format", "p12", "--out", "certs",
                           "--ca-password-file", "ca.pass", "--password-file", "store.pass"});
  ASSERT_EQ(control.exit_code, 0) << control.err;
  auto empty = JavaHandshake(
      {"certs/broker-1/keystore.p12", "PKCS12", "certs/client-1/keystore.p12", "PKCS12",
       "certs/broker-2/truststore.p12", "PKCS12", "store.pass", "-", "127.0.0.1"});
  EXPECT_EQ(empty.exit_code, 1) << empty.out;
  EXPECT_NE(empty.out.find("trustAnchors parameter must be non-empty"), std::string::npos)
      << empty.out;
}

// The reverse direction: stores keytool and openssl make, read by certmint.
TEST_F(JavaInteropTest, ReadsStoresMadeByKeytool) {
  MakeCluster("ec:p256", {"--format", "pem"});
  // keytool -genkeypair -storetype T -keystore ks.T -alias Node-1 -dname CN=node-1 ...
  for (const char* type : {"JKS", "PKCS12", "JCEKS"}) {
    const std::string file = std::string("kt.") + type;
    auto gen = Keytool({"-genkeypair",
                        "-storetype",
                        type,
                        "-keystore",
                        file,
                        "-storepass:file",
                        "store.pass",
                        "-keypass:file",
                        "store.pass",
                        "-alias",
                        "Node-1",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=node-1",
                        "-ext",
                        "SAN=dns:node-1.example",
                        "-validity",
                        "30"});
    ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
    auto imp = Keytool({"-importcert", "-noprompt", "-storetype", type, "-keystore", file,
                        "-storepass:file", "store.pass", "-alias", "CARoot", "-file",
                        "certs/broker-1/ca.crt"});
    ASSERT_EQ(imp.exit_code, 0) << imp.out << imp.err;
    auto r = Certmint({"inspect", file, "--password-file", "store.pass", "--json"});
    ASSERT_EQ(r.exit_code, 0) << type << ": " << r.err;
    auto j = nlohmann::json::parse(r.out)[0];
    EXPECT_EQ(j["store_type"], type);
    ASSERT_EQ(j["entries"].size(), 2u) << r.out;
    EXPECT_EQ(j["entries"][0]["alias"], "node-1");
    EXPECT_EQ(j["entries"][0]["type"], "PrivateKeyEntry");
    EXPECT_EQ(j["entries"][0]["key_matches_certificate"], true);
    EXPECT_EQ(j["entries"][0]["chain"][0]["dns_names"], nlohmann::json::array({"node-1.example"}));
    EXPECT_EQ(j["entries"][1]["alias"], "caroot");
    EXPECT_EQ(j["entries"][1]["type"], "trustedCertEntry");
    EXPECT_EQ(j["integrity_checked"], true);

    WriteTextFile(Path("wrong.pass"), "wrong-password\n");
    auto bad = Certmint({"inspect", file, "--password-file", "wrong.pass"});
    EXPECT_EQ(bad.exit_code, 5) << type << bad.err;
    EXPECT_NE(bad.err.find("wrong password"), std::string::npos) << bad.err;
  }
}

TEST_F(JavaInteropTest, ReadsStoresMadeByOpenssl) {
  MakeCluster("ec:p256", {"--format", "pem"});
  // openssl reads -passin and -passout from one file as its first and
  // second lines: give it two files.
  WriteTextFile(Path("out.pass"), ReadTextFile(Path("store.pass")));
  // openssl pkcs12 -export: a keystore Java reads, and a -nokeys truststore
  // that Java sees as empty (no trusted-key-usage attribute).
  auto ks = Openssl({"pkcs12", "-export", "-in", "certs/broker-1/chain.pem", "-inkey",
                     "certs/broker-1/broker-1.key", "-passin", "file:store.pass", "-name",
                     "broker-1", "-out", "ossl-keystore.p12", "-passout", "file:out.pass"});
  ASSERT_EQ(ks.exit_code, 0) << ks.err;
  auto r = Certmint({"inspect", "ossl-keystore.p12", "--password-file", "store.pass", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out)[0];
  ASSERT_EQ(j["entries"].size(), 1u) << r.out;
  EXPECT_EQ(j["entries"][0]["alias"], "broker-1");
  EXPECT_EQ(j["entries"][0]["chain_length"], 2);

  auto ts = Openssl({"pkcs12", "-export", "-nokeys", "-in", "certs/broker-1/ca.crt", "-out",
                     "ossl-truststore.p12", "-passout", "file:store.pass"});
  ASSERT_EQ(ts.exit_code, 0) << ts.err;
  auto t = Certmint({"inspect", "ossl-truststore.p12", "--password-file", "store.pass"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("0 entries"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("Java ignores it"), std::string::npos) << t.out;
  // And Java agrees.
  auto kt = Keytool({"-list", "-keystore", "ossl-truststore.p12", "-storepass:file", "store.pass"});
  EXPECT_NE(kt.out.find("Your keystore contains 0 entries"), std::string::npos) << kt.out;
}

TEST_F(JavaInteropTest, ConvertBetweenEveryFormatPair) {
  MakeCluster("ec:p256");
  const std::map<std::string, std::string> sources{{"jks", "certs/broker-1/keystore.jks"},
                                                   {"p12", "certs/broker-1/keystore.p12"},
                                                   {"pem", "certs/broker-1/chain+key.pem"}};
  WriteTextFile(Path("certs/broker-1/chain+key.pem"),
                ReadTextFile(Path("certs/broker-1/broker-1.key")) +
                    ReadTextFile(Path("certs/broker-1/chain.pem")));
  for (const auto& [from, in] : sources) {
    for (const char* to : {"jks", "p12", "pem"}) {
      const std::string out = "conv-" + from + "." + to;
      auto r = Certmint({"convert", in, out, "--to", to, "--password-file", "store.pass"});
      ASSERT_EQ(r.exit_code, 0) << from << "->" << to << ": " << r.err;
      auto j = nlohmann::json::parse(
          Certmint({"inspect", out, "--password-file", "store.pass", "--json"}).out)[0];
      if (std::string(to) == "pem") {
        EXPECT_EQ(j["items"][0]["type"], "private key") << out;
        EXPECT_EQ(j["items"][0]["format"], "PKCS#8") << "Kafka rejects PKCS#1";
        EXPECT_EQ(j["items"].size(), 3u) << "key, leaf, CA";
        continue;
      }
      EXPECT_EQ(j["entries"][0]["alias"], "broker-1") << out;
      EXPECT_EQ(j["entries"][0]["chain_length"], 2) << out;
      auto kt = Keytool({"-list", "-keystore", out, "-storepass:file", "store.pass"});
      EXPECT_EQ(kt.exit_code, 0) << out << kt.out;
      EXPECT_NE(kt.out.find("broker-1, "), std::string::npos) << out << kt.out;
      EXPECT_NE(kt.out.find("PrivateKeyEntry"), std::string::npos) << out << kt.out;
    }
  }
  // A store converted from PEM serves a JSSE handshake.
  auto hs = JavaHandshake({"conv-pem.jks", "JKS", "certs/client-1/keystore.p12", "PKCS12",
                           "certs/client-1/truststore.jks", "JKS", "store.pass", "store.pass",
                           "broker-1.kafka.test"});
  EXPECT_EQ(hs.exit_code, 0) << hs.out;
  // Truststores convert too; a new password for the output.
  WriteTextFile(Path("new.pass"), "another-password\n");
  auto t = Certmint({"convert", "certs/broker-1/truststore.jks", "ts.p12", "--to", "p12",
                     "--password-file", "store.pass", "--out-password-file", "new.pass"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  auto kt = Keytool({"-list", "-keystore", "ts.p12", "-storepass:file", "new.pass"});
  EXPECT_NE(kt.out.find("caroot, "), std::string::npos) << kt.out;
  EXPECT_NE(kt.out.find("trustedCertEntry"), std::string::npos) << kt.out;
  // Never over an existing file.
  auto exists = Certmint({"convert", "certs/broker-1/truststore.jks", "ts.p12", "--to", "p12",
                          "--password-file", "store.pass"});
  EXPECT_EQ(exists.exit_code, 4) << exists.err;
}

// The seed's keytool steps 3 and 5, with certmint keystore.
TEST_F(JavaInteropTest, KeystoreEditingReplacesTheSeedSteps) {
  MakeCluster("rsa:2048", {"--format", "pem"});
  // keytool -keystore truststore.jks -alias CARoot -import -file ca-cert
  auto ic = Certmint({"keystore", "import-cert", "truststore.jks", "--file", "pki/ca.crt",
                      "--alias", "CARoot", "--password-file", "store.pass"});
  ASSERT_EQ(ic.exit_code, 0) << ic.err;
  // keytool -keystore keystore.jks -alias NODE -import -file cert-signed
  auto ik = Certmint({"keystore", "import-key", "keystore.jks", "--key",
                      "certs/broker-1/broker-1.key", "--chain", "certs/broker-1/chain.pem",
                      "--alias", "broker-1", "--password-file", "store.pass"});
  ASSERT_EQ(ik.exit_code, 0) << ik.err;
  auto ic2 = Certmint({"keystore", "import-cert", "keystore.jks", "--file", "pki/ca.crt", "--alias",
                       "CARoot", "--password-file", "store.pass"});
  ASSERT_EQ(ic2.exit_code, 0) << ic2.err;
  EXPECT_EQ(FileMode(Path("keystore.jks")), 0600);
  auto list =
      Keytool({"-list", "-v", "-keystore", "keystore.jks", "-storepass:file", "store.pass"});
  EXPECT_NE(list.out.find("Your keystore contains 2 entries"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("Certificate chain length: 2"), std::string::npos) << list.out;
  ASSERT_EQ(Certmint({"keystore", "import-key", "client.p12", "--key",
                      "certs/client-1/client-1.key", "--chain", "certs/client-1/chain.pem",
                      "--alias", "client-1", "--password-file", "store.pass"})
                .exit_code,
            0);
  auto hs = JavaHandshake({"keystore.jks", "JKS", "client.p12", "PKCS12", "truststore.jks", "JKS",
                           "store.pass", "store.pass", "127.0.0.1,broker-1.kafka.test"});
  EXPECT_EQ(hs.exit_code, 0) << hs.out;

  // Errors leave the store as it was.
  const std::string before = ReadTextFile(Path("keystore.jks"));
  WriteTextFile(Path("wrong.pass"), "wrong-password\n");
  auto wrong = Certmint(
      {"keystore", "delete", "keystore.jks", "--alias", "caroot", "--password-file", "wrong.pass"});
  EXPECT_EQ(wrong.exit_code, 5) << wrong.err;
  auto dup = Certmint({"keystore", "import-cert", "keystore.jks", "--file", "pki/ca.crt", "--alias",
                       "caroot", "--password-file", "store.pass"});
  EXPECT_EQ(dup.exit_code, 4) << dup.err;
  WriteTextFile(Path("junk.crt"), "not a certificate");
  auto junk = Certmint({"keystore", "import-cert", "keystore.jks", "--file", "junk.crt", "--alias",
                        "x", "--password-file", "store.pass"});
  EXPECT_EQ(junk.exit_code, 6) << junk.err;
  auto mismatch = Certmint({"keystore", "import-key", "keystore.jks", "--key",
                            "certs/client-1/client-1.key", "--chain", "certs/broker-1/chain.pem",
                            "--alias", "y", "--password-file", "store.pass"});
  EXPECT_EQ(mismatch.exit_code, 2) << mismatch.err;
  EXPECT_NE(mismatch.err.find("does not belong to the key"), std::string::npos) << mismatch.err;
  EXPECT_EQ(ReadTextFile(Path("keystore.jks")), before);

  // delete and passwd.
  ASSERT_EQ(Certmint({"keystore", "delete", "keystore.jks", "--alias", "CAROOT", "--password-file",
                      "store.pass"})
                .exit_code,
            0);
  WriteTextFile(Path("new.pass"), "brand-new-password\n");
  ASSERT_EQ(Certmint({"keystore", "passwd", "keystore.jks", "--password-file", "store.pass",
                      "--new-password-file", "new.pass"})
                .exit_code,
            0);
  auto after = Keytool({"-list", "-v", "-keystore", "keystore.jks", "-storepass:file", "new.pass"});
  EXPECT_NE(after.out.find("Your keystore contains 1 entry"), std::string::npos) << after.out;
  auto old = Keytool({"-list", "-keystore", "keystore.jks", "-storepass:file", "store.pass"});
  EXPECT_NE(old.exit_code, 0) << "the old password no longer opens it";
}

// Edits write a store back protected as it was: a legacy PKCS#12 keystore
// stays legacy (old Java reads it), a passwordless truststore stays
// passwordless (Kafka loads it with no password), a Java-profile PEM key
// stays readable by Java; a flag still chooses. The openssl CLI and keytool
// judge.
TEST_F(JavaInteropTest, EditsKeepHowAStoreIsProtected) {
  MakeCluster("ec:p256", {"--p12-profile", "legacy", "--passwordless-truststore"});
  InitCa("ec:p256", "pki-other");
  auto import = [&](const std::string& store, const std::string& alias,
                    std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"keystore", "import-cert",      store,
                                  "--file",   "pki-other/ca.crt", "--alias",
                                  alias,      "--password-file",  "store.pass"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Certmint(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  };
  import("certs/broker-1/truststore.p12", "other");
  EXPECT_NE(Pkcs12Info("certs/broker-1/truststore.p12").find("MAC is absent"), std::string::npos);
  auto list = KeytoolListWithoutPassword("certs/broker-1/truststore.p12");
  EXPECT_NE(list.out.find("Your keystore contains 2 entries"), std::string::npos) << list.out;

  import("certs/broker-1/keystore.p12", "other");
  EXPECT_NE(Pkcs12Info("certs/broker-1/keystore.p12").find("MAC: sha1,"), std::string::npos);
  import("certs/client-1/keystore.p12", "other", {"--p12-profile", "modern"});
  EXPECT_NE(Pkcs12Info("certs/client-1/keystore.p12").find("MAC: sha256,"), std::string::npos);

  auto c = Certmint({"convert", "certs/client-1/keystore.p12", "k.pem", "--to", "pem",
                     "--pem-profile", "java", "--password-file", "store.pass"});
  ASSERT_NE(c.exit_code, 0) << "client-1's keystore now has a trusted entry outside its chain";
  EXPECT_NE(c.err.find("trusted certificate 'other' is not in it"), std::string::npos) << c.err;
  c = Certmint({"convert", "certs/broker-1/keystore.jks", "k.pem", "--to", "pem", "--pem-profile",
                "java", "--password-file", "store.pass"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  WriteTextFile(Path("new.pass"), "new-store-password\n");
  auto pw = Certmint({"keystore", "passwd", "k.pem", "--password-file", "store.pass",
                      "--new-password-file", "new.pass"});
  ASSERT_EQ(pw.exit_code, 0) << pw.err;
  auto asn1 = Openssl({"asn1parse", "-in", "k.pem"});
  EXPECT_NE(asn1.out.find("pbeWithSHA1And3-KeyTripleDES-CBC"), std::string::npos) << asn1.out;
  const std::string before = ReadTextFile(Path("k.pem"));
  auto refused = Certmint({"keystore", "import-cert", "k.pem", "--file", "pki-other/ca.crt",
                           "--alias", "other", "--password-file", "new.pass"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_EQ(ReadTextFile(Path("k.pem")), before) << "before: 'Added', and the certificate lost";
}

// A renewal writes the stores as the identity was issued: a legacy profile,
// a passwordless truststore and a chosen alias survive it (before, a renewal
// wrote modern stores with a MAC'd truststore, which Kafka loading it with no
// password would see as empty).
TEST_F(JavaInteropTest, RenewalKeepsHowTheStoresWereWritten) {
  MakeCluster("ec:p256",
              {"--p12-profile", "legacy", "--passwordless-truststore", "--alias", "kafka-node"});
  const std::string before = ReadTextFile(Path("certs/broker-1/broker-1.crt"));
  auto r = Certmint({"renew", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file",
                     "ca.pass", "--password-file", "store.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(ReadTextFile(Path("certs/broker-1/broker-1.crt")), before) << "renewed";
  const std::string ks = Pkcs12Info("certs/broker-1/keystore.p12");
  EXPECT_NE(ks.find("MAC: sha1,"), std::string::npos) << ks;
  auto ts = KeytoolListWithoutPassword("certs/broker-1/truststore.p12");
  EXPECT_NE(ts.out.find("Your keystore contains 1 entry"), std::string::npos) << ts.out;
  EXPECT_NE(ts.out.find("caroot,"), std::string::npos) << ts.out;
  auto list = Keytool(
      {"-list", "-keystore", "certs/broker-1/keystore.jks", "-storepass:file", "store.pass"});
  EXPECT_NE(list.out.find("kafka-node, "), std::string::npos) << list.out;
}

// certmint probe against a JSSE server (SSLServerSocket) on 127.0.0.1:0.
TEST_F(JavaInteropTest, ProbeAgainstJavaServer) {
  MakeCluster("ec:p256");
  BackgroundProcess server({CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "TlsHarness", "serve",
                            "certs/broker-1/keystore.jks", "JKS", "certs/broker-1/truststore.p12",
                            "PKCS12", "store.pass"},
                           dir_.path());
  const std::string line = server.WaitForLine("PORT ");
  ASSERT_FALSE(line.empty()) << server.output();
  const std::string target = "127.0.0.1:" + line.substr(5);
  auto r = Certmint({"probe", target, "--truststore", "certs/client-1", "--keystore",
                     "certs/client-1", "--password-file", "store.pass", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["protocol"], "TLSv1.3");
  EXPECT_EQ(j["chain"][0]["subject"], "CN=broker-1");
  EXPECT_EQ(j["chain_trusted"], true);
  EXPECT_EQ(j["name_matches"], true) << "127.0.0.1 is an iPAddress SAN of broker-1";
  auto name = Certmint({"probe", target, "--truststore", "certs/client-1", "--servername",
                        "broker-9.kafka.test", "--password-file", "store.pass"});
  EXPECT_EQ(name.exit_code, 2) << name.out;
  EXPECT_NE(name.out.find("fail  name broker-9.kafka.test: not covered"), std::string::npos)
      << name.out;
}

TEST_F(JavaInteropTest, DamagedStoresGiveOneClearLine) {
  MakeCluster("ec:p256", {"--format", "jks,p12"});
  const std::string jks = ReadTextFile(Path("certs/broker-1/keystore.jks"));
  const std::string p12 = ReadTextFile(Path("certs/broker-1/keystore.p12"));
  struct Case {
    std::string name;
    std::string data;
    int code;
    const char* message;
  } cases[] = {
      {"truncated.jks", jks.substr(0, jks.size() / 2), 5, "integrity check failed"},
      {"flipped.jks",
       [&] {
         std::string d = jks;
         d[d.size() / 2] ^= 1;
         return d;
       }(),
       5, "integrity check failed: wrong password or corrupted file"},
      {"magic.jks", "\xFE\xED\xFE\xEE" + jks.substr(4), 6, "not a recognised file"},
      {"flipped.p12",
       [&] {
         std::string d = p12;
         d[d.size() - 30] ^= 1;
         return d;
       }(),
       5, "integrity check failed"},
      {"truncated.p12", p12.substr(0, 100), 6, "not a PKCS#12 file"},
  };
  for (const auto& c : cases) {
    WriteTextFile(Path(c.name), c.data);
    auto r = Certmint({"inspect", c.name, "--password-file", "store.pass"});
    EXPECT_EQ(r.exit_code, c.code) << c.name << ": " << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.name), std::string::npos) << "names the file: " << r.err;
  }
}

}  // namespace
}  // namespace certmint::testing
