// certmint apply end to end: idempotence, incremental changes, renewal,
// crash safety under SIGKILL.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/encoding.h"
#include "e2e/cli_helpers.h"
#include "inventory/inventory.h"

namespace certmint::testing {
namespace {

namespace stdfs = std::filesystem;

class ApplyTest : public CliTest {
 protected:
  void WriteManifest(const std::string& body) { WriteTextFile(Path("cluster.yaml"), body); }

  ProcessResult Apply(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"apply", "cluster.yaml",       "--dir",  "pki", "--out",
                                  "certs", "--ca-password-file", "ca.pass"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Certmint(args);
  }

  nlohmann::json ApplyJson(std::vector<std::string> extra = {}) {
    extra.push_back("--json");
    auto r = Apply(extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  // Every file of every identity directory, with its bytes.
  std::map<std::string, std::string> Snapshot() {
    std::map<std::string, std::string> out;
    for (const auto& e : stdfs::recursive_directory_iterator(Path("certs"))) {
      if (e.is_regular_file() && e.path().filename() != ".certmint.lock") {
        out[e.path().string()] = ReadTextFile(e.path().string());
      }
    }
    return out;
  }

  // An identity directory is complete and valid: openssl verifies its
  // chain, its key opens with its password, its stores parse.
  void ExpectValidIdentity(const std::string& name) {
    const std::string d = "certs/" + name + "/";
    auto v = Openssl({"verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "pki/ca.crt",
                      d + name + ".crt"});
    EXPECT_EQ(v.exit_code, 0) << name << v.out << v.err;
    auto k =
        Openssl({"pkey", "-in", d + name + ".key", "-passin", "file:" + d + "password", "-noout"});
    EXPECT_EQ(k.exit_code, 0) << name << k.err;
    for (const char* store : {"keystore.p12", "keystore.jks", "truststore.p12", "truststore.jks"}) {
      auto i = Certmint({"inspect", d + store, "--password-file", d + "password"});
      EXPECT_EQ(i.exit_code, 0) << name << "/" << store << ": " << i.err;
    }
  }
};

constexpr const char* kThreeBrokers = R"(
ca:
  subject: "CN=Apply Test CA"
identities:
  - name: broker-{n}
    count: 3
    dns: ["broker-{n}.kafka.test"]
    ip: ["10.0.0.{n}"]
  - name: app
    role: client
)";

TEST_F(ApplyTest, CreatesEverythingThenIsANoOp) {
  WriteManifest(kThreeBrokers);
  auto first = ApplyJson();
  EXPECT_EQ(first["create_ca"], true);
  EXPECT_EQ(first["summary"]["created"], 4);
  for (const char* n : {"broker-1", "broker-2", "broker-3"}) {
    ExpectValidIdentity(n);
  }
  auto props = ReadTextFile(Path("certs/broker-2/kafka.properties"));
  EXPECT_NE(props.find("ssl.client.auth=required"), std::string::npos);
  auto san =
      Openssl({"x509", "-in", "certs/broker-2/broker-2.crt", "-noout", "-ext", "subjectAltName"});
  EXPECT_NE(san.out.find("DNS:broker-2, DNS:broker-2.kafka.test, IP Address:10.0.0.2"),
            std::string::npos)
      << san.out;

  const auto before = Snapshot();
  // The second run changes nothing and needs no password.
  auto again = Certmint({"apply", "cluster.yaml", "--dir", "pki", "--out", "certs", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto j = nlohmann::json::parse(again.out);
  EXPECT_EQ(j["summary"]["kept"], 4);
  EXPECT_EQ(j["summary"]["created"], 0);
  for (const auto& item : j["plan"]) {
    EXPECT_EQ(item["action"], "keep") << item;
  }
  EXPECT_EQ(Snapshot(), before) << "same files, same bytes";
}

// p12_profile and passwordless_truststore in the manifest: the stores are
// written so (openssl judges), a re-apply keeps them, and a change re-issues.
TEST_F(ApplyTest, Pkcs12OptionsFromTheManifest) {
  const std::string manifest = R"(
defaults:
  p12_profile: legacy
identities:
  - name: broker-1
  - name: app
    role: client
    p12_profile: modern
    passwordless_truststore: true
)";
  WriteManifest(manifest);
  ASSERT_EQ(ApplyJson()["summary"]["created"], 2);
  auto info = [&](const std::string& store, const std::string& id) {
    auto r = Openssl({"pkcs12", "-in", "certs/" + id + "/" + store, "-info", "-noout", "-passin",
                      "file:certs/" + id + "/password"});
    return r.out + r.err;
  };
  EXPECT_NE(info("keystore.p12", "broker-1").find("MAC: sha1,"), std::string::npos);
  EXPECT_NE(info("keystore.p12", "app").find("MAC: sha256,"), std::string::npos);
  EXPECT_NE(info("truststore.p12", "app").find("MAC is absent"), std::string::npos);
  EXPECT_NE(info("truststore.p12", "broker-1").find("MAC: sha1,"), std::string::npos);
  EXPECT_EQ(ApplyJson()["summary"]["kept"], 2) << "a re-apply is a no-op";

  std::string changed = manifest;
  changed.replace(changed.find("p12_profile: legacy"), 19, "p12_profile: modern");
  WriteManifest(changed);
  auto dry = Apply({"--dry-run"});
  EXPECT_NE(dry.out.find("renew   broker-1  (p12_profile changed: legacy -> modern)"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("keep    app"), std::string::npos) << dry.out;
}

// subject (Kafka's principal, which ACLs name) and the key entry's alias
// from the manifest; a change re-issues with the reason; an identity issued
// by hand with the same subject and alias is adopted as it is.
TEST_F(ApplyTest, SubjectAndAliasFromTheManifest) {
  InitCa();
  auto by_hand =
      Certmint({"issue", "app", "--dir", "pki", "--subject", "CN=app,OU=Apps,O=Acme", "--alias",
                "app-key", "--role", "client", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(by_hand.exit_code, 0) << by_hand.err;
  const std::string manifest = R"(
defaults:
  subject: "CN={name},OU=Kafka,O=Acme"
identities:
  - name: broker-{n}
    count: 2
    alias: "Broker-{n}"
  - name: app
    role: client
    subject: "CN=app,OU=Apps,O=Acme"
    alias: app-key
)";
  WriteManifest(manifest);
  auto first = ApplyJson();
  EXPECT_EQ(first["summary"]["created"], 2);
  EXPECT_EQ(first["summary"]["kept"], 1) << "the identity made by hand matches";
  const auto subject = [&](const std::string& id) {
    return TrimAsciiSpace(Openssl({"x509", "-in", "certs/" + id + "/" + id + ".crt", "-noout",
                                   "-subject", "-nameopt", "RFC2253"})
                              .out);
  };
  EXPECT_EQ(subject("broker-2"), "subject=CN=broker-2,OU=Kafka,O=Acme");
  EXPECT_EQ(subject("app"), "subject=CN=app,OU=Apps,O=Acme");
  // The stores hold the key under the manifest's alias, beside caroot.
  const auto aliases = [&](const std::string& id, const std::string& store) {
    auto r = Certmint({"inspect", "certs/" + id + "/" + store, "--password-file",
                       "certs/" + id + "/password", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    const auto listed = nlohmann::json::parse(r.out);
    for (const auto& e : listed[0]["entries"]) {
      out.push_back(e["alias"].get<std::string>() + ":" + e["type"].get<std::string>());
    }
    return out;
  };
  for (const char* store : {"keystore.jks", "keystore.p12"}) {
    EXPECT_EQ(aliases("broker-1", store),
              (std::vector<std::string>{"broker-1:PrivateKeyEntry", "caroot:trustedCertEntry"}))
        << store;
  }
  EXPECT_EQ(ApplyJson()["summary"]["kept"], 3) << "a re-apply is a no-op";

  std::string changed = manifest;
  changed.replace(changed.find("OU=Kafka"), 8, "OU=Brokers");
  changed.replace(changed.find("alias: app-key"), 14, "alias: app-2");
  WriteManifest(changed);
  auto dry = Apply({"--dry-run"});
  EXPECT_NE(dry.out.find("renew   broker-1  (subject changed: CN=broker-1,OU=Kafka,O=Acme -> "
                         "CN=broker-1,OU=Brokers,O=Acme)"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("renew   app  (alias changed: app-key -> app-2)"), std::string::npos)
      << dry.out;
  EXPECT_EQ(ApplyJson()["summary"]["renewed"], 3);
  EXPECT_EQ(subject("broker-1"), "subject=CN=broker-1,OU=Brokers,O=Acme");
  EXPECT_EQ(aliases("app", "keystore.jks").front(), "app-2:PrivateKeyEntry");
  // `renew` keeps what apply wrote.
  auto renew =
      Certmint({"renew", "app", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(renew.exit_code, 0) << renew.err;
  EXPECT_EQ(ApplyJson()["summary"]["kept"], 3);
}

// A node taken out of the manifest: listed (its certificate still works),
// and with --prune revoked in the inventory and its directory removed; the
// other identities are left as they were.
TEST_F(ApplyTest, UnlistedIdentitiesAreListedAndPrunedOnRequest) {
  WriteManifest(kThreeBrokers);
  ASSERT_EQ(Apply().exit_code, 0);
  const std::string serial =
      TrimAsciiSpace(
          Openssl({"x509", "-in", "certs/broker-3/broker-3.crt", "-noout", "-serial"}).out)
          .substr(7);
  std::string shrunk = kThreeBrokers;
  shrunk.replace(shrunk.find("count: 3"), 8, "count: 2");
  WriteManifest(shrunk);
  const auto before = Snapshot();

  auto listed = Apply();
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("unlisted  broker-3  (not in the manifest (serial "), std::string::npos)
      << listed.out;
  EXPECT_NE(listed.out.find("--prune revokes and removes it"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(", 1 not in the manifest"), std::string::npos) << listed.out;
  EXPECT_EQ(Snapshot(), before) << "without --prune nothing changes";

  auto dry = ApplyJson({"--prune", "--dry-run"});
  bool planned = false;
  for (const auto& item : dry["plan"]) {
    if (item["name"] == "broker-3" && item["action"] == "remove") {
      planned = true;
      // What is about to be revoked: serial, issue date, names.
      std::string hex = item["certificate"]["serial"].get<std::string>();
      hex.erase(std::remove(hex.begin(), hex.end(), ':'), hex.end());
      EXPECT_EQ(hex, serial);
      EXPECT_EQ(item["certificate"]["dns_names"],
                nlohmann::json({"broker-3", "broker-3.kafka.test"}));
      EXPECT_EQ(item["certificate"]["ip_addresses"], nlohmann::json({"10.0.0.3"}));
      EXPECT_TRUE(item["certificate"]["not_before"].is_string());
      EXPECT_TRUE(item["days_left"].is_number_integer());
    }
  }
  EXPECT_TRUE(planned) << dry.dump(2);
  auto dry_text = Apply({"--prune", "--dry-run"});
  EXPECT_NE(dry_text.out.find("--prune revokes (cessationOfOperation) and removes 1 identity "
                              "under certs:\n  broker-3  serial "),
            std::string::npos)
      << dry_text.out;
  EXPECT_NE(dry_text.out.find("DNS:broker-3.kafka.test, IP:10.0.0.3"), std::string::npos)
      << dry_text.out;
  EXPECT_EQ(Snapshot(), before) << "a dry run writes nothing";

  // No terminal to ask on (tests/e2e/tty_test.cc asks on one): refused
  // unless --yes, with nothing removed or revoked.
  auto unasked = Apply({"--prune"});
  EXPECT_EQ(unasked.exit_code, 10) << unasked.err;
  EXPECT_NE(unasked.err.find("no terminal to confirm on: give --yes"), std::string::npos)
      << unasked.err;
  EXPECT_EQ(Snapshot(), before);

  auto pruned = ApplyJson({"--prune", "--yes"});
  EXPECT_EQ(pruned["summary"]["removed"], 1) << pruned.dump(2);
  EXPECT_FALSE(stdfs::exists(Path("certs/broker-3")));
  auto after = Snapshot();
  for (const auto& [path, bytes] : before) {
    if (path.find("/broker-3/") == std::string::npos) {
      EXPECT_EQ(after[path], bytes) << path << " changed";
    }
  }
  for (const auto& e : stdfs::directory_iterator(Path("certs"))) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  // Revoked (cessationOfOperation), so the next CRL lists it.
  bool revoked = false;
  auto list = Certmint({"list", "--dir", "pki", "--all", "--json"});
  for (const auto& row : nlohmann::json::parse(list.out)) {
    std::string hex = row["serial"].get<std::string>();  // with colons; openssl's has none
    hex.erase(std::remove(hex.begin(), hex.end(), ':'), hex.end());
    revoked = revoked || (hex == serial && row["status"] == "revoked");
  }
  EXPECT_TRUE(revoked) << list.out;
  auto crl = Certmint({"crl", "--dir", "pki", "--out", "now.crl", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(crl.exit_code, 0) << crl.err;
  auto text = Openssl({"crl", "-in", "now.crl", "-noout", "-text"});
  EXPECT_NE(text.out.find("Serial Number: " + serial), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Cessation Of Operation"), std::string::npos) << text.out;
  // Nothing left to prune.
  EXPECT_EQ(ApplyJson({"--prune"})["summary"]["removed"], 0);
}

// A CA closer to its end than the renewal window: certificates end with it,
// so re-issuing them would gain nothing. apply keeps them (a re-apply stays
// a no-op instead of re-issuing everything every time) and says to rotate.
TEST_F(ApplyTest, CertificatesCutShortByTheCaAreNotReissuedAgainAndAgain) {
  WriteManifest(R"(
ca:
  days: 20
  renewal_window_days: 30
identities:
  - name: broker-{n}
    count: 2
)");
  auto first = ApplyJson();
  EXPECT_EQ(first["summary"]["created"], 2);
  const auto before = Snapshot();
  auto second = ApplyJson();
  EXPECT_EQ(second["summary"]["kept"], 2) << second.dump(2);
  EXPECT_EQ(Snapshot(), before);
  ASSERT_EQ(second["warnings"].size(), 1u) << second.dump(2);
  EXPECT_NE(second["warnings"][0].get<std::string>().find("rotate the CA: certmint ca rotate"),
            std::string::npos)
      << second.dump(2);
  // 20 days, cut to the CA's end: not yet in the last third of that life.
  EXPECT_NE(second["plan"][0]["reason"].get<std::string>().find("days left"), std::string::npos)
      << second.dump(2);
  // After a rotation the new CA can give them their full validity.
  auto rot = Certmint({"ca", "rotate", "--dir", "pki", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(rot.exit_code, 0) << rot.err;
  EXPECT_EQ(ApplyJson()["summary"]["trust_updated"], 2);
  auto reissued = ApplyJson();
  EXPECT_EQ(reissued["summary"]["renewed"], 2) << reissued.dump(2);
  EXPECT_TRUE(reissued["warnings"].empty()) << reissued.dump(2);
}

TEST_F(ApplyTest, AddingANodeIssuesOnlyThatNode) {
  WriteManifest(kThreeBrokers);
  ASSERT_EQ(Apply().exit_code, 0);
  const auto before = Snapshot();
  std::string grown = kThreeBrokers;
  grown.replace(grown.find("count: 3"), 8, "count: 4");
  WriteManifest(grown);
  auto j = ApplyJson();
  EXPECT_EQ(j["summary"]["created"], 1);
  EXPECT_EQ(j["summary"]["kept"], 4);
  ExpectValidIdentity("broker-4");
  auto after = Snapshot();
  for (const auto& [path, bytes] : before) {
    EXPECT_EQ(after[path], bytes) << path << " changed";
  }
}

TEST_F(ApplyTest, ChangedSansRoleOrKeyTypeRenewOnlyThatNode) {
  WriteManifest(kThreeBrokers);
  ASSERT_EQ(Apply().exit_code, 0);
  const std::string pw_before = ReadTextFile(Path("certs/broker-1/password"));
  const std::string b2 = ReadTextFile(Path("certs/broker-2/broker-2.crt"));
  WriteManifest(R"(
ca:
  subject: "CN=Apply Test CA"
identities:
  - name: broker-1
    dns: ["broker-1.kafka.test", "kafka.test"]
    ip: ["10.0.0.1"]
  - name: broker-2
    dns: ["broker-2.kafka.test"]
    ip: ["10.0.0.2"]
  - name: broker-3
    dns: ["broker-3.kafka.test"]
    ip: ["10.0.0.3"]
    key_type: rsa:2048
  - name: app
    role: both
)");
  auto dry = Apply({"--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("renew   broker-1  (SANs changed: +DNS:kafka.test)"), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("renew   broker-3  (key type changed: ec:p256 -> rsa:2048)"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("renew   app  (role changed: client -> both)"), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("keep    broker-2"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("Dry run: nothing written."), std::string::npos);

  auto j = ApplyJson();
  EXPECT_EQ(j["summary"]["renewed"], 3);
  EXPECT_EQ(j["summary"]["kept"], 1);
  EXPECT_EQ(ReadTextFile(Path("certs/broker-2/broker-2.crt")), b2);
  EXPECT_EQ(ReadTextFile(Path("certs/broker-1/password")), pw_before)
      << "renewal keeps the generated password, so node configs stay valid";
  ExpectValidIdentity("broker-1");
  auto key = Openssl({"x509", "-in", "certs/broker-3/broker-3.crt", "-noout", "-text"});
  EXPECT_NE(key.out.find("rsaEncryption"), std::string::npos);
  EXPECT_EQ(ListDir(Path("certs")),
            (std::vector<std::string>{".certmint.lock", "app", "broker-1", "broker-2", "broker-3"}))
      << "no staging leftovers";
}

TEST_F(ApplyTest, RenewalWindowAndDamagedIdentities) {
  WriteManifest(R"(
ca:
  renewal_window_days: 40
identities:
  - name: short-lived
    days: 30
  - name: long-lived
    days: 365
)");
  ASSERT_EQ(Apply().exit_code, 0);
  // A file deleted by accident: the identity is re-issued whole.
  stdfs::remove(Path("certs/long-lived/keystore.jks"));
  auto dry = Apply({"--dry-run"});
  // A 40-day window would hold all of a 30-day certificate's life (and
  // re-issue it at every apply): its renewal starts in the last third of its
  // lifetime instead (issue 21, item 6).
  EXPECT_NE(dry.out.find("keep    short-lived  (valid until"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("renew   long-lived  (incomplete: files missing)"), std::string::npos)
      << dry.out;
  ASSERT_EQ(Apply().exit_code, 0);
  EXPECT_TRUE(stdfs::exists(Path("certs/long-lived/keystore.jks")));
}

TEST_F(ApplyTest, ManifestErrorsWriteNothing) {
  WriteManifest("identities:\n  - name: a\n    sans: [x]\n");
  auto r = Apply();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cluster.yaml:3:5: identities[0].sans: unknown key"), std::string::npos)
      << r.err;
  EXPECT_FALSE(stdfs::exists(Path("pki")));
  EXPECT_FALSE(stdfs::exists(Path("certs")));
}

TEST_F(ApplyTest, ConcurrentApplyIsRefused) {
  WriteManifest(kThreeBrokers);
  ASSERT_EQ(Apply().exit_code, 0);
  // flock(1) holds the lock, as a running apply would, while a second apply
  // starts under it.
  auto r = RunProcess({"flock", "-n", Path("certs/.certmint.lock"), CERTMINT_BINARY, "apply",
                       Path("cluster.yaml"), "--dir", Path("pki"), "--out", Path("certs"),
                       "--ca-password-file", Path("ca.pass")});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("is locked: another certmint is working here"), std::string::npos) << r.err;
}

// kill -9 at random moments: every identity on disk is old or new, never
// half; the next apply finishes the job.
TEST_F(ApplyTest, SurvivesSigkillAtAnyMoment) {
  WriteManifest(R"(
identities:
  - name: node-{n}
    count: 40
    key_type: rsa:2048
)");
  std::mt19937 rng(12345);
  int killed = 0;
  for (int round = 0; round < 6; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (chdir(dir_.path().c_str()) != 0) {
        _exit(126);
      }
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl(CERTMINT_BINARY, CERTMINT_BINARY, "apply", "cluster.yaml", "--dir", "pki", "--out",
            "certs", "--ca-password-file", "ca.pass", "--jobs", "2", nullptr);
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 1200));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    killed += WIFSIGNALED(status) ? 1 : 0;
    // Whatever is on disk is whole.
    if (!stdfs::exists(Path("certs"))) {
      continue;
    }
    for (const auto& e : stdfs::directory_iterator(Path("certs"))) {
      const std::string name = e.path().filename().string();
      if (name[0] == '.') {
        continue;  // staging leftovers and the lock: cleaned by the next apply
      }
      auto state = Certmint({"inspect", "certs/" + name + "/" + name + ".crt"});
      ASSERT_EQ(state.exit_code, 0) << "round " << round << " " << name << ": " << state.err;
      auto meta = Path("certs/" + name + "/certmint.json");
      ASSERT_TRUE(stdfs::exists(meta)) << "round " << round << ": " << name << " is half-written";
    }
  }
  EXPECT_GT(killed, 0) << "at least one apply was killed mid-way";
  auto j = ApplyJson();
  EXPECT_EQ(j["summary"]["failed"], 0);
  EXPECT_EQ(static_cast<int>(j["summary"]["created"]) + static_cast<int>(j["summary"]["kept"]) +
                static_cast<int>(j["summary"]["renewed"]),
            40);
  for (int i = 1; i <= 40; ++i) {
    ExpectValidIdentity("node-" + std::to_string(i));
  }
  for (const auto& e : stdfs::directory_iterator(Path("certs"))) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name == ".certmint.lock" || name[0] != '.') << "leftover " << name;
  }
  auto again = ApplyJson();
  EXPECT_EQ(again["summary"]["kept"], 40);
  // The inventory is consistent with the disk: each identity's certificate
  // is the valid record of its name (killed runs may have left superseded
  // or never-deployed records, never a deployed certificate without one).
  auto list = Certmint({"list", "--dir", "pki", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::map<std::string, std::string> valid;
  for (const auto& row : nlohmann::json::parse(list.out)) {
    if (row["status"] == "valid") {
      EXPECT_TRUE(valid.emplace(row["name"], row["serial"]).second)
          << "two valid certificates for " << row["name"];
    }
  }
  for (int i = 1; i <= 40; ++i) {
    const std::string name = "node-" + std::to_string(i);
    auto info = nlohmann::json::parse(
        Certmint({"inspect", "certs/" + name + "/" + name + ".crt", "--json"}).out);
    EXPECT_EQ(valid[name], info[0]["items"][0]["serial"]) << name;
  }
}

// Issue 21, item 4: apply runs an identity's reload hook (its own `exec`,
// else the defaults', else --exec) after renewing it, not after creating
// it; a failed hook leaves the run's exit code alone, is reported in --json
// and runs again at the next apply, although nothing is to be done.
TEST_F(ApplyTest, ReloadHooksRunAfterRenewalsAndFailedOnesAgain) {
  const std::string hook = "echo \"$CERTMINT_EVENT $CERTMINT_IDENTITY\" >> " + Path("hooks.log");
  auto manifest = [&](const std::string& broker_2_dns, const std::string& broker_2_exec) {
    WriteManifest("defaults:\n  exec: '" + hook +
                  "'\nidentities:\n  - name: broker-1\n    dns: [b1.test]\n"
                  "  - name: broker-2\n    dns: [" +
                  broker_2_dns + "]\n    exec: '" + broker_2_exec + "'\n  - name: app\n");
  };
  manifest("b2.test", hook);
  ASSERT_EQ(Apply({"--exec", "exit 9"}).exit_code, 0);
  EXPECT_FALSE(stdfs::exists(Path("hooks.log"))) << "no hook after a first issuance";
  // broker-2's SANs change: it is renewed, its own hook fails.
  manifest("b2-new.test", "echo failing >&2; exit 4");
  auto r = Apply({"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["hooks"].size(), 1u) << r.out;
  EXPECT_EQ(j["hooks"][0]["name"], "broker-2");
  EXPECT_EQ(j["hooks"][0]["event"], "renewed");
  EXPECT_EQ(j["hooks"][0]["exit_code"], 4);
  EXPECT_NE(r.err.find("reload hook for broker-2 (renewed): exited with status 4; pending"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(stdfs::exists(Path("certs/broker-2/.certmint-hook-pending")));
  // Nothing to do, but broker-2's pending hook (now working) runs again.
  manifest("b2-new.test", hook);
  auto again = Apply();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("reload hook for broker-2 (retry): succeeded"), std::string::npos)
      << again.out;
  EXPECT_EQ(ReadTextFile(Path("hooks.log")), "retry broker-2\n");
  EXPECT_FALSE(stdfs::exists(Path("certs/broker-2/.certmint-hook-pending")));
}

// Issue 21, item 5: renewals in place (a new generation, `..data` switched
// in one rename) killed with SIGKILL at random moments leave every identity
// whole, its key and certificate from one generation; the next renewal
// removes what the killed ones left.
TEST_F(ApplyTest, RenewalsInPlaceSurviveSigkill) {
  WriteManifest("identities:\n  - name: node-{n}\n    count: 6\n    key_type: ec:p256\n");
  ASSERT_EQ(Apply().exit_code, 0);
  std::vector<std::string> renew{"renew"};
  for (int i = 1; i <= 6; ++i) {
    renew.push_back("node-" + std::to_string(i));
  }
  for (const char* a : {"--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"}) {
    renew.emplace_back(a);
  }
  std::mt19937 rng(2121);
  int killed = 0;
  for (int round = 0; round < 6; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (chdir(dir_.path().c_str()) != 0) {
        _exit(126);
      }
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      std::vector<char*> argv{const_cast<char*>(CERTMINT_BINARY)};
      for (auto& a : renew) {
        argv.push_back(a.data());
      }
      argv.push_back(nullptr);
      execv(CERTMINT_BINARY, argv.data());
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 400));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    killed += WIFSIGNALED(status) ? 1 : 0;
    for (int i = 1; i <= 6; ++i) {
      const std::string name = "node-" + std::to_string(i);
      const std::string d = "certs/" + name + "/";
      ASSERT_TRUE(stdfs::is_symlink(Path(d + "..data"))) << "round " << round << " " << name;
      auto key_pub = Openssl(
          {"pkey", "-in", d + name + ".key", "-passin", "file:" + d + "password", "-pubout"});
      auto cert_pub = Openssl({"x509", "-in", d + name + ".crt", "-noout", "-pubkey"});
      ASSERT_EQ(key_pub.exit_code, 0) << "round " << round << " " << name << key_pub.err;
      EXPECT_EQ(key_pub.out, cert_pub.out)
          << "round " << round << ": " << name << "'s key and certificate are of two generations";
      auto ks = Certmint({"inspect", d + "keystore.p12", "--password-file", d + "password"});
      EXPECT_EQ(ks.exit_code, 0) << "round " << round << " " << name << ": " << ks.err;
    }
  }
  EXPECT_GT(killed, 0) << "at least one renew was killed mid-way";
  auto last = Certmint(renew);
  ASSERT_EQ(last.exit_code, 0) << last.err;
  for (int i = 1; i <= 6; ++i) {
    const std::string name = "node-" + std::to_string(i);
    ExpectValidIdentity(name);
    int generations = 0;
    for (const auto& e : stdfs::directory_iterator(Path("certs/" + name))) {
      const std::string f = e.path().filename().string();
      generations += f.rfind("..", 0) == 0 && f != "..data";
      EXPECT_EQ(f.find(".tmp-"), std::string::npos) << "leftover " << f;
    }
    EXPECT_EQ(generations, 1) << name;
  }
}

// Issue 20, item 1: a mistyped --dir holds no CA. apply must not create one
// and re-issue the cluster under it: every identity stays byte for byte,
// no CA directory appears, and the error names the identities and the flag.
TEST_F(ApplyTest, AWrongDirLeavesEveryIdentityUntouched) {
  WriteManifest(kThreeBrokers);
  ASSERT_EQ(Apply().exit_code, 0);
  const auto before = Snapshot();
  auto with_dir = [&](const std::string& dir, std::vector<std::string> extra) {
    std::vector<std::string> args{"apply", "cluster.yaml",       "--dir",  dir, "--out",
                                  "certs", "--ca-password-file", "ca.pass"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Certmint(args);
  };

  auto typo = with_dir("pki-typo", {});
  EXPECT_EQ(typo.exit_code, 10) << typo.out << typo.err;
  EXPECT_NE(typo.err.find("refusing to create a new CA in pki-typo: certs already holds 4 "
                          "identities issued by another CA (broker-1, broker-2, broker-3, app)"),
            std::string::npos)
      << typo.err;
  EXPECT_NE(typo.err.find("give --new-ca"), std::string::npos) << typo.err;
  EXPECT_EQ(CountLines(typo.err), 1) << "one clear error: " << typo.err;
  EXPECT_EQ(typo.out.find("Created"), std::string::npos) << typo.out;
  EXPECT_EQ(with_dir("pki-typo", {"--prune", "--yes"}).exit_code, 10);
  EXPECT_EQ(with_dir("pki-typo", {"--reissue-foreign"}).exit_code, 10)
      << "creating a CA over them takes --new-ca";

  // A dry run shows the CA it would create and what it refuses, and exits
  // as the run would.
  auto dry = with_dir("pki-typo", {"--dry-run"});
  EXPECT_EQ(dry.exit_code, 10);
  EXPECT_NE(dry.out.find("NEW CA: pki-typo holds no CA; apply creates one there"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("  refuse  broker-1  (issued by another CA: CN=Apply Test CA; not "
                         "replaced without --new-ca)"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("REFUSED: 4 identities not replaced without --new-ca"), std::string::npos)
      << dry.out;
  auto json = with_dir("pki-typo", {"--dry-run", "--json"});
  EXPECT_EQ(json.exit_code, 10);
  const auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["new_ca"]["dir"], "pki-typo");
  EXPECT_EQ(report["new_ca"]["created"], false);
  EXPECT_EQ(report["refused"]["flag"], "--new-ca");
  EXPECT_EQ(report["refused"]["names"].size(), 4u);

  EXPECT_FALSE(stdfs::exists(Path("pki-typo"))) << "no CA created";
  EXPECT_EQ(Snapshot(), before) << "no identity touched";

  // Another cluster's CA: its --dir is refused too, and names its flag.
  InitCa("ec:p256", "other");
  auto other = with_dir("other", {});
  EXPECT_EQ(other.exit_code, 10);
  EXPECT_NE(other.err.find("refusing to re-issue 4 identities under certs that another CA "
                           "issued, not the CA in other"),
            std::string::npos)
      << other.err;
  EXPECT_NE(other.err.find("give --reissue-foreign"), std::string::npos) << other.err;
  EXPECT_EQ(Snapshot(), before);

  // Said explicitly: a new CA, loudly, and the cluster re-issued under it.
  auto told = with_dir("pki-typo", {"--new-ca"});
  ASSERT_EQ(told.exit_code, 0) << told.out << told.err;
  EXPECT_NE(told.out.find("NEW CA created in pki-typo: CN=Apply Test CA, SHA-256 "),
            std::string::npos)
      << told.out;
  EXPECT_NE(told.out.find("4 renewed"), std::string::npos) << told.out;
  auto v = Openssl({"verify", "-CAfile", "pki-typo/ca.crt", "certs/broker-1/broker-1.crt"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(with_dir("pki-typo", {}).exit_code, 0) << "now they are its own";
}

// Issue 20, item 2: a revoked identity is not "kept": apply re-issues it
// with a new key, and verify fails on it when it sees the inventory (--dir)
// or a CRL (--crl).
TEST_F(ApplyTest, ARevokedIdentityIsReissuedAndFailsVerify) {
  WriteManifest(kThreeBrokers);
  ASSERT_EQ(Apply().exit_code, 0);
  auto healthy = Certmint({"verify", "certs/app", "--dir", "pki"});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;
  EXPECT_NE(healthy.out.find("not revoked: serial "), std::string::npos) << healthy.out;
  // What `certmint revoke app --reason key-compromise` records, without the
  // revoke command's own flags (confirmation), which are not under test.
  constexpr int kKeyCompromise = 1;
  ASSERT_TRUE(OpenInventory(Path("pki"))
                  .value()
                  ->Revoke("app", kKeyCompromise, std::chrono::system_clock::now()));
  const std::string key_before = ReadTextFile(Path("certs/app/app.key"));

  auto inv = Certmint({"verify", "certs/app", "--dir", "pki"});
  EXPECT_EQ(inv.exit_code, 2) << inv.out << inv.err;
  EXPECT_NE(inv.out.find("not revoked: serial "), std::string::npos) << inv.out;
  EXPECT_NE(inv.out.find("(keyCompromise) in the inventory of pki"), std::string::npos) << inv.out;
  auto inv_json = Certmint({"verify", "certs/app", "--dir", "pki", "--json"});
  EXPECT_EQ(inv_json.exit_code, 2);
  EXPECT_EQ(nlohmann::json::parse(inv_json.out)["result"], "fail") << inv_json.out;
  EXPECT_EQ(Certmint({"verify", "certs/broker-1", "--dir", "pki"}).exit_code, 0);
  auto no_pki = Certmint({"verify", "certs/app", "--dir", "nowhere"});
  EXPECT_EQ(no_pki.exit_code, 3) << no_pki.err;
  EXPECT_NE(no_pki.err.find("--dir nowhere: no inventory"), std::string::npos) << no_pki.err;

  ASSERT_EQ(Certmint({"crl", "--dir", "pki", "--out", "now.crl", "--ca-password-file", "ca.pass"})
                .exit_code,
            0);
  auto crl = Certmint({"verify", "certs/app", "--crl", "now.crl"});
  EXPECT_EQ(crl.exit_code, 2) << crl.out;
  EXPECT_NE(crl.out.find("certificate revoked"), std::string::npos) << crl.out;

  auto dry = Apply({"--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("  renew   app  (revoked on "), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("(keyCompromise): re-issue with a new key)"), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("  keep    broker-1"), std::string::npos) << dry.out;

  auto run = Apply();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("1 renewed"), std::string::npos) << run.out;
  EXPECT_NE(ReadTextFile(Path("certs/app/app.key")), key_before) << "a new key";
  auto fixed = Certmint({"verify", "certs/app", "--dir", "pki", "--crl", "now.crl"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out;
  EXPECT_EQ(ApplyJson()["summary"]["renewed"], 0) << "and then kept";
}

}  // namespace
}  // namespace certmint::testing
