#include "cluster/manifest.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace certmint {
namespace {

TEST(ManifestTest, ExpandsGroupsAndAppliesDefaults) {
  auto m = ParseManifest(R"(
ca:
  subject: "CN=Test CA"
  key_type: ec:p384
  renewal_window_days: 10
defaults:
  days: 90
  formats: [p12]
identities:
  - name: broker-{n}
    count: 3
    start: 0
    dns: ["broker-{n}.example.com"]
    ip: ["10.0.0.{n}"]
  - name: client
    role: client
    key_type: rsa:2048
    formats: [pem, jks]
)",
                         "m.yaml");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->ca.subject.ToString(), "CN=Test CA");
  EXPECT_EQ(m->ca.key_type.ToString(), "ec:p384");
  EXPECT_EQ(m->ca.renewal_window_days, 10);
  ASSERT_EQ(m->identities.size(), 4u);
  EXPECT_EQ(m->identities[0].name, "broker-0");
  EXPECT_EQ(m->identities[2].name, "broker-2");
  EXPECT_EQ(m->identities[2].sans.dns, std::vector<std::string>{"broker-2.example.com"});
  EXPECT_EQ(m->identities[2].sans.ips, std::vector<std::string>{"10.0.0.2"});
  EXPECT_EQ(m->identities[2].days, 90);
  EXPECT_EQ(m->identities[2].formats, std::vector<StoreFormat>{StoreFormat::kPkcs12});
  EXPECT_EQ(m->identities[2].role, Role::kBoth);
  EXPECT_EQ(m->identities[3].role, Role::kClient);
  EXPECT_EQ(m->identities[3].key_type.ToString(), "rsa:2048");
  EXPECT_EQ(m->identities[3].formats,
            (std::vector<StoreFormat>{StoreFormat::kPem, StoreFormat::kJks}));
  EXPECT_EQ(m->identities[3].where, "m.yaml:15:5");
}

TEST(ManifestTest, Pkcs12OptionsFromDefaultsAndPerIdentity) {
  auto m = ParseManifest(R"(
defaults:
  p12_profile: legacy
identities:
  - name: a
  - name: b
    p12_profile: modern
    passwordless_truststore: true
)",
                         "m.yaml");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->identities[0].pkcs12.profile, Pkcs12Profile::kLegacy);
  EXPECT_FALSE(m->identities[0].pkcs12.passwordless);
  EXPECT_EQ(m->identities[1].pkcs12.profile, Pkcs12Profile::kModern);
  EXPECT_TRUE(m->identities[1].pkcs12.passwordless);
}

// subject and alias: templates with {name} and (in groups) {n}, from the
// defaults or per identity.
// Issue 19, item 17: an unencrypted key, asked for by its format; not
// together with pem (both are NAME.key).
// Issue 21, item 4: the reload hook, per identity or from the defaults.
TEST(ManifestTest, ExecHooksFromDefaultsAndPerIdentity) {
  auto m = ParseManifest(R"(
defaults:
  exec: /etc/kafka/reload.sh
  exec_timeout: 30
identities:
  - name: broker-1
  - name: broker-2
    exec: "systemctl reload kafka"
    exec_timeout: 5
)",
                         "m.yaml");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->identities[0].exec, "/etc/kafka/reload.sh");
  EXPECT_EQ(m->identities[0].exec_timeout, 30);
  EXPECT_EQ(m->identities[1].exec, "systemctl reload kafka");
  EXPECT_EQ(m->identities[1].exec_timeout, 5);
  auto blank = ParseManifest("identities:\n  - name: x\n    exec: \"  \"\n", "m.yaml");
  ASSERT_FALSE(blank);
  EXPECT_NE(blank.error().message().find("identities[0].exec: give a command"), std::string::npos)
      << blank.error().message();
  auto zero = ParseManifest("identities:\n  - name: x\n    exec_timeout: 0\n", "m.yaml");
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message().find("exec_timeout"), std::string::npos);
}

TEST(ManifestTest, PemPlainFormat) {
  auto m =
      ParseManifest("identities:\n  - name: mqtt-1\n    formats: [pem-plain, p12]\n", "m.yaml");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->identities[0].formats,
            (std::vector<StoreFormat>{StoreFormat::kPemPlain, StoreFormat::kPkcs12}));
  auto both = ParseManifest("identities:\n  - name: x\n    formats: [pem, pem-plain]\n", "m.yaml");
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message().find("m.yaml:3:14: identities[0].formats: pem and pem-plain"),
            std::string::npos)
      << both.error().message();
}

TEST(ManifestTest, SubjectAndAliasTemplates) {
  auto m = ParseManifest(R"(
defaults:
  subject: "CN={name},OU=Kafka,O=Acme"
identities:
  - name: broker-{n}
    count: 2
    start: 7
    alias: "Node-{n}"
  - name: app
    subject: "CN=app,OU=Apps,O=Acme"
  - name: plain
    subject: "CN={name}"
)",
                         "m.yaml");
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_EQ(m->identities.size(), 4u);
  ASSERT_TRUE(m->identities[0].subject.has_value());
  EXPECT_EQ(m->identities[0].subject->ToString(), "CN=broker-7,OU=Kafka,O=Acme");
  EXPECT_EQ(m->identities[1].subject->ToString(), "CN=broker-8,OU=Kafka,O=Acme");
  EXPECT_EQ(m->identities[0].alias, "node-7");  // lower-cased, as Java stores it
  EXPECT_EQ(m->identities[1].alias, "node-8");
  EXPECT_EQ(m->identities[2].subject->ToString(), "CN=app,OU=Apps,O=Acme");
  EXPECT_EQ(m->identities[2].alias, "");
  EXPECT_EQ(m->identities[3].subject->ToString(), "CN=plain");

  auto none = ParseManifest("identities:\n  - name: a\n", "m.yaml");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->identities[0].subject.has_value());
  EXPECT_EQ(none->identities[0].alias, "");
}

TEST(ManifestTest, ThousandNodesFromOneGroup) {
  auto m = ParseManifest("identities:\n  - name: n-{n}\n    count: 1000\n", "big.yaml");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->identities.size(), 1000u);
  EXPECT_EQ(m->identities.back().name, "n-1000");
}

TEST(ManifestTest, ErrorsNamePositionAndField) {
  struct Case {
    const char* yaml;
    const char* expected;
  } cases[] = {
      {"identities:\n  - name: a\n    colour: red\n",
       "m.yaml:3:5: identities[0].colour: unknown key"},
      {"ca:\n  subjekt: CN=x\nidentities:\n  - name: a\n", "m.yaml:2:3: ca.subjekt: unknown key"},
      {"identities:\n  - name: a\n    key_type: rsa:1\n",
       "m.yaml:3:15: identities[0].key_type: unknown key type 'rsa:1'"},
      {"identities:\n  - name: a\n    ip: [300.1.1.1]\n",
       "identities[0].ip: '300.1.1.1' is not an IPv4 or IPv6 address"},
      {"identities:\n  - name: a\n    dns: [bad_name]\n", "identities[0].dns: 'bad_name'"},
      {"identities:\n  - name: a\n  - name: a\n",
       "m.yaml:3:11: identities[1].name: identity 'a' is defined twice"},
      {"identities:\n  - name: b-{n}\n", "identities[0]: a name with {n} needs a count"},
      {"identities:\n  - name: b\n    count: 2\n", "count needs a name pattern"},
      {"identities:\n  - name: b-{n}\n    count: 0\n", "identities[0].count: must be between 1"},
      {"identities:\n  - name: b\n    days: many\n",
       "identities[0].days: 'many' is not a validity"},
      {"identities:\n  - name: ../b\n", "invalid identity name '../b'"},
      {"identities:\n  - name: a\n    install_dir: \"/etc/kafka\\nenable.ssl.certificate."
       "verification=false\"\n",
       "m.yaml:3:18: identities[0].install_dir: control characters (a line break) are not "
       "allowed"},
      {"identities:\n  - dns: [a]\n", "identities[0].name: missing"},
      {"identities: []\n", "identities: expected a non-empty list"},
      {"ca:\n  subject: 'XX=y'\nidentities:\n  - name: a\n", "ca.subject: unknown attribute"},
      {"identities:\n  - name: a\n    formats: [zip]\n",
       "unknown format 'zip' (expected pem, pem-plain, p12, jks or k8s)"},
      {"identities:\n  - name: a\n    kafka: {port: 70000}\n",
       "m.yaml:3:19: identities[0].kafka.port: must be between 1 and 65535"},
      {"identities:\n  - name: a\n    kafka: {listener: 'SSL://x'}\n",
       "identities[0].kafka.listener: 'SSL://x' is not a listener name"},
      {"defaults:\n  kafka: {controler: true}\nidentities:\n  - name: a\n",
       "m.yaml:2:11: defaults.kafka.controler: unknown key (expected one of: listener, port, "
       "controller)"},
      {"kubernetes: {strimzi_cluster: My_Cluster}\nidentities:\n  - name: a\n",
       "kubernetes.strimzi_cluster: 'My_Cluster' cannot name a Kubernetes Secret"},
      {"identities:\n  - name: [a\n", "m.yaml:"},
      {"- just\n- a list\n", "expected a mapping"},
      {"identities:\n  - name: a\n    p12_profile: ancient\n",
       "m.yaml:3:18: identities[0].p12_profile: unknown PKCS#12 profile 'ancient'"},
      {"defaults:\n  passwordless_truststore: maybe\nidentities:\n  - name: a\n",
       "m.yaml:2:28: defaults.passwordless_truststore: expected true or false"},
      {"identities:\n  - name: a\n    subject: 'CN=a,XX=b'\n",
       "m.yaml:3:14: identities[0].subject: unknown attribute"},
      {"defaults:\n  subject: 'CN=node-{n}'\nidentities:\n  - name: a\n",
       "m.yaml:2:12: defaults.subject: {n} stands for the number in a group, and 'a' is not one"},
      {"identities:\n  - name: a\n    alias: CARoot\n",
       "m.yaml:3:12: identities[0].alias: alias 'caroot' is taken by the CA certificates"},
      {"identities:\n  - name: a-{n}\n    count: 2\n    alias: caroot-{n}\n",
       "identities[0].alias: alias 'caroot-1' is taken"},
      {"identities:\n  - name: caroot\n",
       "m.yaml:2:11: identities[0].name: alias 'caroot' is taken by the CA certificates in the "
       "stores (caroot, caroot-2, ...): give the key entry another one (as the default alias; "
       "give this identity an alias)"},
      {"identities:\n  - name: a\n    alias: [x]\n", "identities[0].alias: expected a string"},
  };
  for (const auto& c : cases) {
    auto m = ParseManifest(c.yaml, "m.yaml");
    ASSERT_FALSE(m) << c.yaml;
    EXPECT_EQ(m.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(m.error().ToString().find(c.expected), std::string::npos)
        << c.yaml << "\n -> " << m.error().ToString();
  }
}

// `count` DNS names in a flow list: [n0.example.com, n1.example.com, ...].
std::string Names(size_t count) {
  std::string out = "[";
  for (size_t i = 0; i < count; ++i) {
    out += fmt::format("{}n{}.example.com", i == 0 ? "" : ", ", i);
  }
  return out + "]";
}

void ExpectRefused(const std::string& yaml, const std::string& expected) {
  auto m = ParseManifest(yaml, "bomb.yaml");
  ASSERT_FALSE(m) << "accepted " << m->identities.size() << " identities";
  EXPECT_EQ(m.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(m.error().ToString().find(expected), std::string::npos) << m.error().ToString();
}

// Issue 19, item 10: 20,000 names, anchored once and named by an alias for
// each of 100,000 identities (2 billion names from about 370 KB).
TEST(ManifestBoundsTest, AnAliasBombIsRefused) {
  const std::string bomb = fmt::format(
      "identities:\n  - name: seed\n    dns: &names {}\n"
      "  - name: node-{{n}}\n    count: 100000\n    dns: *names\n",
      Names(20000));
  ASSERT_GT(bomb.size(), 300000u);
  ExpectRefused(bomb, "bomb.yaml:3:10: identities[0].dns: 20000 entries; at most 1000 are allowed");
}

TEST(ManifestBoundsTest, EachBoundIsRefusedNamingTheEntry) {
  // Just over each bound, so that today's parser (which has none) accepts
  // them in reasonable time.
  ExpectRefused(fmt::format("identities:\n  - name: a\n    dns: {}\n", Names(1001)),
                "bomb.yaml:3:10: identities[0].dns: 1001 entries; at most 1000 are allowed");
  ExpectRefused(
      fmt::format("identities:\n  - name: a\n    dns: {}\n    ip: [10.0.0.1]\n", Names(1000)),
      "bomb.yaml:2:5: identities[0]: 1001 names (dns and ip) for one identity; at most "
      "1000 are allowed");
  ExpectRefused(fmt::format("identities:\n  - name: a\n    dns: &d {}\n"
                            "  - name: b-{{n}}\n    count: 1000\n    dns: *d\n",
                            Names(1000)),
                "bomb.yaml:4:5: identities[1]: 1000 identities with 1000 names (dns and ip) each "
                "take the manifest to 1001000 names in all; at most 1000000 are allowed");
  ExpectRefused(
      "identities:\n  - name: a-{n}\n    count: 60000\n  - name: b-{n}\n    count: 60000\n",
      "bomb.yaml:4:5: identities[1]: 120000 identities in all, with the 60000 before; a manifest "
      "may hold at most 100000");
  ExpectRefused(fmt::format("identities:\n  - name: a-{{n}}\n    count: 2\n    install_dir: /{}\n",
                            std::string(1100, 'x')),
                "bomb.yaml:4:18: identities[0].install_dir: 1101 characters; at most 1024 are "
                "allowed");
  ExpectRefused(fmt::format("identities:\n  - name: a\n    formats: &f [{}pem]\n",
                            [] {
                              std::string s;
                              for (int i = 0; i < 16; ++i) {
                                s += "pem, ";
                              }
                              return s;
                            }()),
                "identities[0].formats: 17 entries; at most 16 are allowed");
}

TEST(ManifestBoundsTest, ALargerFileIsRefused) {
  testing::TempDir tmp;
  std::string text = "identities:\n  - name: a\n";
  text += "#" + std::string(kMaxManifestBytes - text.size() - 2, 'x') + "\n";
  testing::WriteTextFile(tmp / "m.yaml", text);
  ASSERT_TRUE(LoadManifest(tmp / "m.yaml")) << "exactly the bound";
  testing::WriteTextFile(tmp / "m.yaml", text + "\n");
  auto m = LoadManifest(tmp / "m.yaml");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().ToString(), tmp / "m.yaml: larger than the 16777216 bytes allowed");
}

TEST(ManifestBoundsTest, JustUnderTheBoundsIsAccepted) {
  // The most identities, with the most names in all.
  std::string dns;
  for (char c = 'a'; c < 'a' + 10; ++c) {
    dns += fmt::format("{}\"n{{n}}.{}.example\"", dns.empty() ? "" : ", ", c);
  }
  auto m = ParseManifest(fmt::format("identities:\n  - name: node-{{n}}\n    count: {}\n"
                                     "    dns: [{}]\n",
                                     kMaxManifestIdentities, dns),
                         "m.yaml");
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_EQ(m->identities.size(), kMaxManifestIdentities);
  EXPECT_EQ(m->identities.back().sans.dns.size(), 10u);
  EXPECT_EQ(m->identities.back().sans.dns[9], "n100000.j.example");
  static_assert(kMaxManifestIdentities * 10 == kMaxManifestNames);
  // The most names for one identity, repeated names counted once.
  auto one = ParseManifest(
      fmt::format("identities:\n  - name: a\n    dns: {}\n", Names(kMaxNamesPerIdentity)),
      "m.yaml");
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->identities[0].sans.dns.size(), kMaxNamesPerIdentity);
}

// Issue 19, item 10: 7.9 million one-letter names in one flow list (16 MB,
// under the byte bound) took YAML::Load over 30 s and 3.6 GB before the
// per-identity bound saw them; the streaming count stops at its bound.
TEST(ManifestBoundsTest, AFloodOfNodesIsRefusedBeforeTheTreeIsBuilt) {
  std::string flood = "identities:\n  - name: a0\n    dns: [a";
  flood.reserve(16 * 1000 * 1000);
  for (int i = 1; i < 7900000; ++i) {
    flood += ",a";
  }
  flood += "]\n";
  ASSERT_LT(flood.size(), kMaxManifestBytes);
  ExpectRefused(flood, "bomb.yaml:3:");
  ExpectRefused(flood,
                ": more than 501000 YAML nodes (values, lists and mappings, aliases expanded); a "
                "manifest may hold at most 501000");
}

// Aliases of aliases (a "billion laughs") count as the nodes they name.
TEST(ManifestBoundsTest, NestedAliasesCountAsTheirExpansion) {
  std::string yaml =
      "identities:\n  - name: a\n    dns:\n      - &l0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int level = 1; level < 6; ++level) {
    yaml += fmt::format("      - &l{} [", level);
    for (int i = 0; i < 10; ++i) {
      yaml += fmt::format("{}*l{}", i ? ", " : "", level - 1);
    }
    yaml += "]\n";
  }
  ExpectRefused(yaml, "bomb.yaml:9:");
  ExpectRefused(yaml, "a manifest may hold at most 501000");
}

// The largest manifest the node bound is sized for: every identity written
// out, with a name and a DNS name.
TEST(ManifestBoundsTest, TheMostIdentitiesWrittenOutAreAccepted) {
  std::string yaml = "ca:\n  subject: CN=Test CA\nidentities:\n";
  yaml.reserve(6 * 1000 * 1000);
  for (size_t i = 0; i < kMaxManifestIdentities; ++i) {
    yaml += fmt::format("  - name: n{}\n    dns: n{}.example\n", i, i);
  }
  auto m = ParseManifest(yaml, "m.yaml");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->identities.size(), kMaxManifestIdentities);
  EXPECT_EQ(m->identities.back().sans.dns[0], "n99999.example");
}

// Issue 19, item 15: yaml-cpp keeps both entries of a key given twice, and a
// lookup sees only the first, so the second was silently dropped.
TEST(ManifestTest, DuplicateKeysAreRefusedWithTheirLine) {
  const struct {
    const char* yaml;
    const char* expected;
  } cases[] = {
      {"identities:\n  - name: a\nca:\n  days: 10\nidentities:\n  - name: b\n",
       "m.yaml:5:1: identities: duplicate key (first at line 1)"},
      {"identities:\n  - name: a\n    dns: [a.example]\n    role: client\n    dns: "
       "[b.example]\n",
       "m.yaml:5:5: identities[0].dns: duplicate key (first at line 3)"},
      {"ca:\n  days: 10\n  days: 20\nidentities:\n  - name: a\n",
       "m.yaml:3:3: ca.days: duplicate key (first at line 2)"},
      {"defaults:\n  role: client\n  role: server\nidentities:\n  - name: a\n",
       "m.yaml:3:3: defaults.role: duplicate key (first at line 2)"},
      {"identities:\n  - {name: a, name: b}\n",
       "m.yaml:2:15: identities[0].name: duplicate key (first at line 2)"},
  };
  for (const auto& c : cases) {
    auto m = ParseManifest(c.yaml, "m.yaml");
    ASSERT_FALSE(m) << c.yaml;
    EXPECT_EQ(m.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(m.error().ToString().find(c.expected), std::string::npos)
        << c.yaml << "\n -> " << m.error().ToString();
  }
}

TEST(ManifestTest, MissingFile) {
  auto m = LoadManifest("/nonexistent/manifest.yaml");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace certmint
