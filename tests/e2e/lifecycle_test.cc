// certmint list, renew, revoke and crl end to end, the CRL checked by the
// openssl CLI.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "ca/authority.h"
#include "e2e/cli_helpers.h"
#include "support/test_ca.h"

namespace certmint::testing {
namespace {

class LifecycleTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    InitCa();
    for (const char* n : {"broker-1", "broker-2", "client-1"}) {
      auto r = Certmint({"issue", n, "--dir", "pki", "--out", "certs", "--ca-password-file",
                         "ca.pass", "--role", std::string(n) == "client-1" ? "client" : "both"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  nlohmann::json List(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"list", "--dir", "pki", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Certmint(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  std::string PublicKey(const std::string& name) {
    return Openssl({"x509", "-in", "certs/" + name + "/" + name + ".crt", "-noout", "-pubkey"}).out;
  }
};

TEST_F(LifecycleTest, InventoryListsWhatWasIssued) {
  auto j = List();
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["name"], "broker-1");
  EXPECT_EQ(j[0]["status"], "valid");
  EXPECT_EQ(j[0]["dns_names"], nlohmann::json({"broker-1"}));
  EXPECT_EQ(j[0]["ip_addresses"], nlohmann::json::array());
  EXPECT_EQ(j[0]["key_type"], "ec:p256");
  EXPECT_GE(j[0]["days_left"].get<int>(), 364);
  auto serial = Openssl({"x509", "-in", "certs/broker-1/broker-1.crt", "-noout", "-serial"}).out;
  std::string hex = j[0]["serial"];
  hex.erase(std::remove(hex.begin(), hex.end(), ':'), hex.end());
  EXPECT_EQ(serial, "serial=" + hex + "\n");
  EXPECT_EQ(List({"--expiring", "30"}).size(), 0u);
  EXPECT_EQ(List({"--expiring", "400"}).size(), 3u);
  auto text = Certmint({"list", "--dir", "pki"});
  EXPECT_NE(text.out.find("client-1"), std::string::npos);
  EXPECT_NE(text.out.find("3 certificates"), std::string::npos) << text.out;
}

TEST_F(LifecycleTest, RevokeAndCrlCheckedByOpenssl) {
  auto r = Certmint({"revoke", "broker-2", "--dir", "pki", "--reason", "key-compromise", "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto c = Certmint({"crl", "--dir", "pki", "--out", "crl.pem", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto check = Openssl({"crl", "-in", "crl.pem", "-CAfile", "pki/ca.crt", "-noout", "-text"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.err.find("verify OK"), std::string::npos) << check.err;
  EXPECT_NE(check.out.find("X509v3 CRL Number: \n                1"), std::string::npos)
      << check.out;
  EXPECT_NE(check.out.find("X509v3 Authority Key Identifier"), std::string::npos);
  EXPECT_NE(check.out.find("Key Compromise"), std::string::npos);

  auto revoked = Openssl({"verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "pki/ca.crt",
                          "certs/broker-2/broker-2.crt"});
  EXPECT_NE(revoked.exit_code, 0);
  EXPECT_NE((revoked.out + revoked.err).find("certificate revoked"), std::string::npos);
  auto fine = Openssl({"verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "pki/ca.crt",
                       "certs/broker-1/broker-1.crt"});
  EXPECT_EQ(fine.exit_code, 0) << fine.out << fine.err;

  // verify and handshake honour the CRL.
  auto v = Certmint({"verify", "certs/broker-2", "--crl", "crl.pem"});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.out.find("not revoked: certificate revoked"), std::string::npos) << v.out;
  auto h = Certmint({"handshake", "--server", "certs/broker-2", "--client", "certs/client-1",
                     "--crl", "crl.pem", "--tls", "1.3"});
  EXPECT_EQ(h.exit_code, 2);
  EXPECT_NE(h.out.find("the client refused the server: certificate revoked"), std::string::npos)
      << h.out;
  auto ok = Certmint({"handshake", "--server", "certs/broker-1", "--client", "certs/client-1",
                      "--crl", "crl.pem"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;

  // A second CRL gets the next number; DER works too.
  ASSERT_EQ(Certmint({"crl", "--dir", "pki", "--out", "crl.der", "--der", "--ca-password-file",
                      "ca.pass"})
                .exit_code,
            0);
  auto der = Openssl({"crl", "-in", "crl.der", "-inform", "DER", "-noout", "-crlnumber"});
  EXPECT_EQ(der.out, "crlNumber=0x02\n") << der.out << der.err;
  EXPECT_EQ(List({"--revoked"}).size(), 1u);
}

TEST_F(LifecycleTest, RevokeErrors) {
  auto none = Certmint({"revoke", "nobody", "--dir", "pki", "--reason", "superseded", "--yes"});
  EXPECT_EQ(none.exit_code, 3) << none.err;
  auto bad = Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "bored"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--reason: unknown revocation reason 'bored'"), std::string::npos)
      << bad.err;
  auto no_reason = Certmint({"revoke", "broker-1", "--dir", "pki", "--yes"});
  EXPECT_EQ(no_reason.exit_code, 2) << "the reason is never a silent 'unspecified'";
  EXPECT_NE(no_reason.err.find("--reason"), std::string::npos) << no_reason.err;
  // No terminal to ask on, no --yes: nothing revoked.
  auto unasked = Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "superseded"});
  EXPECT_EQ(unasked.exit_code, 10) << "refused, as apply --prune is";
  EXPECT_NE(unasked.err.find("run it on a terminal, or give --yes"), std::string::npos)
      << unasked.err;
  EXPECT_EQ(List({"--revoked"}).size(), 0u);
  ASSERT_EQ(
      Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "superseded", "--yes"}).exit_code,
      0);
  auto twice = Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "superseded", "--yes"});
  EXPECT_EQ(twice.exit_code, 4);
  EXPECT_NE(twice.err.find("already revoked"), std::string::npos) << twice.err;
}

// Run again after a renewal, `revoke NAME` would hit the fresh replacement:
// --serial pins the one meant, --dry-run shows without acting, --json reports.
TEST_F(LifecycleTest, RevokePinnedBySerialAcrossARenewal) {
  const std::string old_serial = List()[0]["serial"];
  ASSERT_EQ(Certmint({"renew", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file",
                      "ca.pass"})
                .exit_code,
            0);
  auto pinned = Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "key-compromise",
                          "--serial", old_serial, "--yes"});
  EXPECT_EQ(pinned.exit_code, 2) << pinned.out;
  EXPECT_NE(pinned.err.find("nothing revoked"), std::string::npos) << pinned.err;
  EXPECT_EQ(List({"--revoked"}).size(), 0u);

  auto dry = Certmint(
      {"revoke", old_serial, "--dir", "pki", "--reason", "key-compromise", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  auto j = nlohmann::json::parse(dry.out);
  EXPECT_EQ(j["serial"], old_serial);
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_EQ(List({"--revoked"}).size(), 0u) << "a dry run revokes nothing";

  auto by_serial =
      Certmint({"revoke", old_serial, "--dir", "pki", "--reason", "key-compromise", "--yes"});
  ASSERT_EQ(by_serial.exit_code, 0) << by_serial.err;
  auto revoked = List({"--revoked"});
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0]["serial"], old_serial) << "the old certificate, not the renewed one";
}

TEST_F(LifecycleTest, RenewMakesANewKeyOrKeepsIt) {
  const std::string key_before = PublicKey("broker-1");
  const std::string pw_before = ReadTextFile(Path("certs/broker-1/password"));
  auto r = Certmint(
      {"renew", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(PublicKey("broker-1"), key_before) << "a new key by default";
  EXPECT_EQ(ReadTextFile(Path("certs/broker-1/password")), pw_before) << "same store password";
  auto kept = PublicKey("broker-1");
  auto k = Certmint({"renew", "broker-1", "--keep-key", "--dir", "pki", "--out", "certs",
                     "--ca-password-file", "ca.pass"});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  EXPECT_EQ(PublicKey("broker-1"), kept) << "--keep-key";
  auto v = Certmint({"verify", "certs/broker-1", "--host", "broker-1"});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  auto all = List({"--all"});
  int superseded = 0;
  for (const auto& row : all) {
    superseded += row["status"] == "superseded";
  }
  EXPECT_EQ(superseded, 2);
  EXPECT_EQ(ListDir(Path("certs")), (std::vector<std::string>{"broker-1", "broker-2", "client-1"}));
}

// After a leak the store password changes with the key; the password file
// stays the truth, so verify and the next renew keep working.
TEST_F(LifecycleTest, RenewChangesTheStorePasswordOnlyWhenAsked) {
  const std::string old_pw = ReadTextFile(Path("certs/broker-1/password"));
  auto dry = Certmint(
      {"renew", "broker-1", "broker-2", "--dir", "pki", "--out", "certs", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(nlohmann::json::parse(dry.out)["renew"],
            (std::vector<std::string>{"broker-1", "broker-2"}));
  EXPECT_EQ(List({"--all"}).size(), 3u) << "a dry run signs nothing";

  auto random = Certmint({"renew", "broker-1", "--dir", "pki", "--out", "certs",
                          "--ca-password-file", "ca.pass", "--new-random-password", "--json"});
  ASSERT_EQ(random.exit_code, 0) << random.err;
  auto j = nlohmann::json::parse(random.out);
  EXPECT_EQ(j["renewed"][0]["name"], "broker-1");
  EXPECT_EQ(j["renewed"][0]["new_store_password"], true);
  const std::string new_pw = ReadTextFile(Path("certs/broker-1/password"));
  EXPECT_NE(new_pw, old_pw);
  WriteTextFile(Path("old.pass"), old_pw);
  EXPECT_NE(Openssl({"pkcs12", "-in", "certs/broker-1/keystore.p12", "-passin", "file:old.pass",
                     "-noout"})
                .exit_code,
            0)
      << "the leaked password opens nothing new";
  EXPECT_EQ(Certmint({"verify", "certs/broker-1"}).exit_code, 0);

  WriteTextFile(Path("chosen.pass"), "chosen-password-1\n");
  auto given = Certmint({"renew", "broker-1", "--dir", "pki", "--out", "certs",
                         "--ca-password-file", "ca.pass", "--new-password-file", "chosen.pass"});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_NE(given.out.find("new store password"), std::string::npos) << given.out;
  EXPECT_EQ(ReadTextFile(Path("certs/broker-1/password")), "chosen-password-1\n")
      << "the password file is kept, with the new password";
  EXPECT_EQ(Certmint({"verify", "certs/broker-1"}).exit_code, 0);
  auto again = Certmint(
      {"renew", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReadTextFile(Path("certs/broker-1/password")), "chosen-password-1\n");

  auto both = Certmint({"renew", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file",
                        "ca.pass", "--new-random-password", "--new-password-file", "chosen.pass"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
}

// Kafka's principal for ACLs is the certificate's whole subject DN: a
// renewal keeps an `issue --subject` DN (before, it fell back to CN=NAME and
// every ACL for the old principal stopped matching).
TEST_F(LifecycleTest, RenewKeepsTheSubject) {
  auto i =
      Certmint({"issue", "app-7", "--dir", "pki", "--out", "certs", "--role", "client", "--subject",
                "CN=app-7, OU=Payments, O=Acme", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(i.exit_code, 0) << i.err;
  auto subject = [&] {
    return Openssl({"x509", "-in", "certs/app-7/app-7.crt", "-noout", "-subject", "-nameopt",
                    "RFC2253"})
        .out;
  };
  EXPECT_EQ(subject(), "subject=CN=app-7,OU=Payments,O=Acme\n");
  auto r = Certmint(
      {"renew", "app-7", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(subject(), "subject=CN=app-7,OU=Payments,O=Acme\n");
}

TEST_F(LifecycleTest, RenewExpiring) {
  auto none = Certmint({"renew", "--expiring", "30", "--dir", "pki", "--out", "certs",
                        "--ca-password-file", "ca.pass"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_NE(none.out.find("No identity in certs expires within 30 days"), std::string::npos)
      << none.out;
  auto all = Certmint({"renew", "--expiring", "400", "--days", "90", "--dir", "pki", "--out",
                       "certs", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("Renewed broker-1"), std::string::npos);
  EXPECT_NE(all.out.find("Renewed client-1"), std::string::npos);
  EXPECT_EQ(List({"--expiring", "100"}).size(), 3u) << "now 90-day certificates";
  auto missing = Certmint(
      {"renew", "ghost", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
}

TEST_F(LifecycleTest, ApplyRecordsInTheInventory) {
  WriteTextFile(Path("m.yaml"), "identities:\n  - name: node-{n}\n    count: 3\n");
  ASSERT_EQ(Certmint({"apply", "m.yaml", "--dir", "pki", "--out", "certs", "--ca-password-file",
                      "ca.pass"})
                .exit_code,
            0);
  EXPECT_EQ(List().size(), 6u);
}

TEST_F(LifecycleTest, ConcurrentIssuersLoseNoInventoryRows) {
  for (int p = 0; p < 4; ++p) {
    WriteTextFile(Path("m" + std::to_string(p) + ".yaml"),
                  "identities:\n  - name: p" + std::to_string(p) + "-{n}\n    count: 10\n");
  }
  std::vector<ProcessResult> results(4);
  std::vector<std::thread> threads;
  for (int p = 0; p < 4; ++p) {
    threads.emplace_back([&, p] {
      results[p] = Certmint({"apply", "m" + std::to_string(p) + ".yaml", "--dir", "pki", "--out",
                             "certs-" + std::to_string(p), "--ca-password-file", "ca.pass"});
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& r : results) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(List().size(), 3u + 40u);
}

class RenewIfDueTest : public CliTest {};

// A node whose certificate the CA cut to its last 30 minutes: renewing it
// from that CA cannot extend it, so --if-due (and --daemon) leave it alone
// and say why, instead of renewing in a loop until the CA ends. No service
// runs: nothing is due, so nothing is sent.
TEST_F(RenewIfDueTest, ACertificateCutToTheCasLastHourIsNotRenewedAgain) {
  using std::chrono::hours;
  using std::chrono::minutes;
  CaInitOptions o = FastCaOptions("Ending CA");  // `ca init` takes whole days
  o.days = 1;
  o.now = std::chrono::system_clock::now() - hours(24) + minutes(30);
  ASSERT_TRUE(CertificateAuthority::Init(Path("pki"), o, SecretString("ca-password-123")));
  auto issue = Certmint(
      {"issue", "broker-1", "--dir", "pki", "--out", "certs", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(issue.exit_code, 0) << issue.err;
  auto r = Certmint(
      {"renew", "broker-1", "--server", "https://127.0.0.1:1", "--out", "certs", "--if-due"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("broker-1: valid until"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("certmint ca rotate"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace certmint::testing
