// The files certmint writes for Kafka servers and Kubernetes: a manifest's
// brokers and controllers get a server.properties fragment naming every
// server principal in super.users (escaped as java.util.Properties#store
// writes), clients none; format k8s writes a kubernetes.io/tls Secret and,
// for Strimzi, its CA certificate Secrets, checked with yaml-cpp.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "cluster/apply.h"
#include "cluster/manifest.h"
#include "core/fs.h"
#include "identity/files.h"
#include "identity/kafka_settings.h"
#include "identity/kubernetes.h"
#include "identity/state.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::FileMode;
using testing::TempDir;

constexpr const char* kManifest = R"(defaults:
  install_dir: /etc/kafka/ssl
  subject: 'CN={name},OU=Kafka,O=Acme\, Inc.'
  formats: [p12]
identities:
  - name: controller-{n}
    count: 2
    dns: ["controller-{n}.kafka.test"]
    kafka: {controller: true}
  - name: broker-{n}
    count: 2
    dns: ["broker-{n}.kafka.test"]
    ip: ["10.0.0.{n}"]
  - name: edge
    role: server
    kafka: {listener: external, port: 9443}
  - name: app
    role: client
)";

class KafkaFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { ca_.emplace(testing::InitTestCa(tmp_ / "pki", "Kafka Files CA", now_)); }

  // Issues and writes the identity `name` of `manifest` under OUT.
  IdentityFiles Write(const Manifest& manifest, const std::string& name,
                      const std::string& password = "store-pass=1:x") {
    for (const auto& spec : manifest.identities) {
      if (spec.name == name) {
        auto identity = testing::IssueForTest(*ca_, RequestFor(spec, now_));
        EXPECT_TRUE(identity);
        auto files = WriteIdentity(tmp_ / "out", *identity, SecretString(password),
                                   OutputFor(spec, {}, now_, false));
        EXPECT_TRUE(files) << files.error().ToString();
        return *files;
      }
    }
    ADD_FAILURE() << name << " is not in the manifest";
    return {};
  }

  std::string Read(const std::string& path) { return fs::ReadFile(path).value(); }

  TimePoint now_ = std::chrono::system_clock::now();
  TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
};

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST_F(KafkaFilesTest, ServerPropertiesListEveryServerPrincipal) {
  auto manifest = ParseManifest(kManifest, "m.yaml");
  ASSERT_TRUE(manifest) << manifest.error().ToString();
  // User:PRINCIPAL as Properties#store escapes it (':' '=' '\' get a backslash).
  const auto user = [](const std::string& n) {
    return "User\\:CN\\=" + n + ",OU\\=Kafka,O\\=Acme\\\\, Inc.";
  };
  const std::string super_users = "super.users=" + user("controller-1") + ";" +
                                  user("controller-2") + ";" + user("broker-1") + ";" +
                                  user("broker-2") + ";" + user("edge");

  const std::string broker = Read(*Write(*manifest, "broker-1").server_properties);
  EXPECT_TRUE(Has(broker, super_users)) << broker;
  for (const char* line :
       {"listeners=SSL\\://\\:9093", "advertised.listeners=SSL\\://broker-1.kafka.test\\:9093",
        "inter.broker.listener.name=SSL", "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=SSL\\:SSL,CONTROLLER\\:SSL",
        "controller.quorum.bootstrap.servers=controller-1.kafka.test\\:9094,controller-2.kafka."
        "test\\:9094",
        "listener.name.ssl.ssl.keystore.type=PKCS12",
        "listener.name.ssl.ssl.keystore.location=/etc/kafka/ssl/keystore.p12",
        "listener.name.ssl.ssl.keystore.password=store-pass\\=1\\:x",
        "listener.name.ssl.ssl.key.password=store-pass\\=1\\:x",
        "listener.name.ssl.ssl.truststore.location=/etc/kafka/ssl/truststore.p12",
        "listener.name.ssl.ssl.client.auth=required",
        "listener.name.controller.ssl.keystore.location=/etc/kafka/ssl/keystore.p12",
        "ssl.principal.mapping.rules=DEFAULT"}) {
    EXPECT_TRUE(Has(broker, line)) << line << "\n" << broker;
  }

  const std::string controller = Read(*Write(*manifest, "controller-2").server_properties);
  EXPECT_TRUE(Has(controller, super_users)) << controller;
  for (const char* line :
       {"listeners=CONTROLLER\\://\\:9094", "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=CONTROLLER\\:SSL",
        "listener.name.controller.ssl.client.auth=required"}) {
    EXPECT_TRUE(Has(controller, line)) << line << "\n" << controller;
  }
  EXPECT_EQ(controller.find("advertised.listeners"), std::string::npos) << controller;
  EXPECT_EQ(controller.find("inter.broker.listener.name"), std::string::npos) << controller;

  const std::string edge = Read(*Write(*manifest, "edge").server_properties);
  EXPECT_TRUE(Has(edge, "listeners=EXTERNAL\\://\\:9443")) << edge;
  EXPECT_TRUE(Has(edge, "listener.name.external.ssl.truststore.type=PKCS12")) << edge;
  EXPECT_TRUE(Has(edge, "advertised.listeners=EXTERNAL\\://edge\\:9443")) << edge;

  const IdentityFiles app = Write(*manifest, "app");
  EXPECT_FALSE(app.server_properties);
  EXPECT_FALSE(fs::Exists(tmp_ / "out/app/server.properties"));
  EXPECT_TRUE(fs::Exists(tmp_ / "out/app/kafka.properties"));
  EXPECT_EQ(FileMode(tmp_ / "out/broker-1/server.properties"), 0600);

  // certmint.json keeps the settings: a renewal or the next plan reads them.
  auto state = ReadIdentityState(tmp_ / "out", "broker-1").value();
  ASSERT_TRUE(state && state->kafka);
  EXPECT_EQ(state->kafka->super_users.size(), 5u);
  EXPECT_TRUE(state->complete);
}

// Kafka splits super.users at ';', so a principal holding one cannot be a
// super user: refused rather than written broken.
TEST_F(KafkaFilesTest, PrincipalWithSemicolonIsRefused) {
  auto manifest = ParseManifest(
      "identities:\n  - name: broker-1\n    subject: 'CN=broker-1,O=A\\;B'\n", "m.yaml");
  ASSERT_TRUE(manifest) << manifest.error().ToString();
  const auto& spec = manifest->identities[0];
  auto identity = testing::IssueForTest(*ca_, RequestFor(spec, now_));
  ASSERT_TRUE(identity);
  auto files = WriteIdentity(tmp_ / "out", *identity, SecretString("store-pass"),
                             OutputFor(spec, {}, now_, false));
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().ToString().find("super.users"), std::string::npos)
      << files.error().ToString();
  EXPECT_FALSE(fs::Exists(tmp_ / "out/broker-1"));
}

// X500Principal.getName() (RFC 2253) as Java 17 prints it, for what Kafka's
// default principal builder uses; the JSSE test (java.KafkaClientsTest.
// ServerPropertiesFragmentRunsTheSslListener) checks one against Java itself.
TEST(KafkaPrincipalTest, AsJavaWritesIt) {
  const auto principal = [](const std::string& dn) {
    return KafkaPrincipalName(DistinguishedName::Parse(dn).value());
  };
  EXPECT_EQ(principal("CN=broker-1, OU=Kafka, O=Acme"), "CN=broker-1,OU=Kafka,O=Acme");
  EXPECT_EQ(principal("/O=Acme/CN=b"), "CN=b,O=Acme");
  EXPECT_EQ(principal("CN=a\\+b\\=c\\<d\\>e\\#f\\;g\\\"h\\\\i,O=x\\, y"),
            "CN=a\\+b\\=c\\<d\\>e\\#f\\;g\\\"h\\\\i,O=x\\, y");
  EXPECT_EQ(principal("CN=in side,C=DE,ST=Bayern,L=M\xc3\xbcnchen"),
            "CN=in side,C=DE,ST=Bayern,L=M\xc3\xbcnchen");
  EXPECT_EQ(principal("CN=x,DC=example,DC=com,UID=u1"), "CN=x,DC=example,DC=com,UID=u1");
  // Types Java has no keyword for: the OID and the value's DER in hex.
  EXPECT_EQ(principal("CN=x,emailAddress=a@b.c"), "CN=x,1.2.840.113549.1.9.1=#16056140622e63");
}

std::string Base64Decode(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  EXPECT_GE(n, 0);
  out.resize(static_cast<size_t>(std::max(n, 0)));
  // EVP_DecodeBlock keeps the padding's zero bytes.
  const size_t pad = text.size() - text.find_last_not_of('=') - 1;
  out.resize(out.size() - pad);
  return out;
}

TEST_F(KafkaFilesTest, KubernetesSecretAndStrimziCaSecrets) {
  auto manifest = ParseManifest(
      "kubernetes: {namespace: kafka, strimzi_cluster: my-cluster}\n"
      "defaults: {formats: [p12, jks, k8s]}\n"
      "identities:\n  - name: Broker-1\n    dns: [broker-1.kafka.svc]\n",
      "m.yaml");
  ASSERT_TRUE(manifest) << manifest.error().ToString();
  const IdentityFiles files = Write(*manifest, "Broker-1", "store-password");
  ASSERT_TRUE(files.kubernetes_secret && files.strimzi_ca);
  EXPECT_EQ(FileMode(*files.kubernetes_secret), 0600);

  const YAML::Node secret = YAML::LoadFile(*files.kubernetes_secret);
  EXPECT_EQ(secret["apiVersion"].as<std::string>(), "v1");
  EXPECT_EQ(secret["kind"].as<std::string>(), "Secret");
  EXPECT_EQ(secret["type"].as<std::string>(), "kubernetes.io/tls");
  EXPECT_EQ(secret["metadata"]["name"].as<std::string>(), "broker-1");
  EXPECT_EQ(secret["metadata"]["namespace"].as<std::string>(), "kafka");
  std::set<std::string> keys;
  for (const auto& kv : secret["data"]) {
    keys.insert(kv.first.as<std::string>());
  }
  EXPECT_EQ(keys,
            (std::set<std::string>{"tls.crt", "tls.key", "ca.crt", "keystore.p12", "truststore.p12",
                                   "keystore.jks", "truststore.jks", "password"}));
  const auto data = [&](const char* key) {
    return Base64Decode(secret["data"][key].as<std::string>());
  };
  auto chain = Certificate::ChainFromPem(data("tls.crt")).value();
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0].ToPem(), Read(files.certificate));
  auto key = PrivateKey::FromPem(data("tls.key"), nullptr);
  ASSERT_TRUE(key) << "tls.key is an unencrypted PEM key: " << key.error().ToString();
  EXPECT_TRUE(chain[0].MatchesKey(*key));
  EXPECT_EQ(data("ca.crt"), ca_->certificate().ToPem());
  EXPECT_EQ(data("keystore.p12"), Read(*files.keystore_p12));
  EXPECT_EQ(data("truststore.jks"), Read(*files.truststore_jks));
  EXPECT_EQ(data("password"), "store-password");

  const auto docs = YAML::LoadAllFromFile(*files.strimzi_ca);
  ASSERT_EQ(docs.size(), 2u);
  std::set<std::string> names;
  for (const auto& d : docs) {
    names.insert(d["metadata"]["name"].as<std::string>());
    EXPECT_EQ(d["kind"].as<std::string>(), "Secret");
    EXPECT_EQ(d["metadata"]["namespace"].as<std::string>(), "kafka");
    EXPECT_EQ(d["metadata"]["labels"]["strimzi.io/kind"].as<std::string>(), "Kafka");
    EXPECT_EQ(d["metadata"]["labels"]["strimzi.io/cluster"].as<std::string>(), "my-cluster");
    const std::string generation =
        d["metadata"]["annotations"]["strimzi.io/ca-cert-generation"].as<std::string>();
    EXPECT_GT(std::stol(generation), 0);
    EXPECT_EQ(Base64Decode(d["data"]["ca.crt"].as<std::string>()), ca_->certificate().ToPem());
    EXPECT_FALSE(d["data"]["ca.key"]) << "the CA key is never exported";
  }
  EXPECT_EQ(names,
            (std::set<std::string>{"my-cluster-cluster-ca-cert", "my-cluster-clients-ca-cert"}));
  EXPECT_EQ(Read(*files.strimzi_ca).find("PRIVATE KEY"), std::string::npos);

  // The plan sees the format: k8s is recorded in certmint.json.
  auto state = ReadIdentityState(tmp_ / "out", "Broker-1").value();
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->kubernetes);
  EXPECT_EQ(state->strimzi_cluster, "my-cluster");
  EXPECT_TRUE(state->complete);
}

TEST(OutputFormatsTest, K8sIsAFormatButNoStore) {
  auto f = ParseFormatList("k8s,p12,k8s");
  ASSERT_TRUE(f) << f.error().ToString();
  EXPECT_TRUE(f->kubernetes);
  EXPECT_EQ(f->stores, std::vector<StoreFormat>{StoreFormat::kPkcs12});
  EXPECT_EQ(FormatNames(f->stores, f->kubernetes), (std::vector<std::string>{"p12", "k8s"}));
  EXPECT_FALSE(ParseFormatList("k8s,yaml"));
  EXPECT_TRUE(ParseFormatList("k8s"));
  EXPECT_EQ(KubernetesName("Broker_1").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*KubernetesName("Broker-1.Kafka"), "broker-1.kafka");
  EXPECT_FALSE(CheckKubernetesNamespace("Kafka"));
  auto bad = ParseManifest("kubernetes: {namespace: 'a b'}\nidentities:\n  - name: x\n", "m.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().ToString().find("m.yaml:1:25: kubernetes.namespace"), std::string::npos)
      << bad.error().ToString();
}

}  // namespace
}  // namespace certmint
