// Several `certmint serve` replicas on one throwaway PostgreSQL server
// (docs/high-availability.md): one token raced by 8 clients over three
// replicas, a load of enrollments and renewals through a replica's SIGKILL,
// and PostgreSQL restarted under running replicas.
#include <httplib.h>

#include <atomic>
#include <csignal>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "e2e/cli_helpers.h"
#include "inventory/inventory.h"
#include "support/postgres_server.h"
#include "x509/certificate.h"

namespace certmint::testing {
namespace {

struct Replica {
  std::unique_ptr<BackgroundProcess> process;
  std::string url;
  int port = 0;
};

class HaTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    std::string why;
    pg_ = PostgresServer::Start(&why);
    if (!pg_) {
      FAIL() << "no PostgreSQL server (scripts/install-deps.sh installs it): " << why;
    }
    uri_ = pg_->CreateDatabase("certmint");
    InitCa();
    // The CA directory names the shared inventory; every command and
    // replica on it uses PostgreSQL.
    ASSERT_TRUE(SaveInventoryLocation(Path("pki"), uri_));
  }

  void TearDown() override {
    for (auto& r : replicas_) {
      if (r.process) {
        r.process->Stop(SIGTERM);
      }
    }
  }

  void StartReplicas(int n) {
    for (int i = 0; i < n; ++i) {
      Replica r;
      r.process = std::make_unique<BackgroundProcess>(
          std::vector<std::string>{CERTMINT_BINARY, "serve", "--dir", "pki", "--listen",
                                   "127.0.0.1:0", "--ca-password-file", "ca.pass"},
          dir_.path(),
          std::map<std::string, std::string>{{"CERTMINT_CA_PASSWORD", ""},
                                             {"CERTMINT_PASSWORD", ""}});
      const std::string line = r.process->WaitForLine("listening on https://");
      ASSERT_FALSE(line.empty()) << r.process->output();
      r.url = line.substr(line.find("https://"));
      r.port = std::stoi(r.url.substr(r.url.rfind(':') + 1));
      const std::string fp = r.process->WaitForLine("CA fingerprint");
      ASSERT_FALSE(fp.empty()) << r.process->output();
      fingerprint_ = fp.substr(fp.rfind(' ') + 1);
      replicas_.push_back(std::move(r));
    }
  }

  // Every replica's URL, starting with replica `first`.
  std::string Urls(size_t first) const {
    std::string out;
    for (size_t i = 0; i < replicas_.size(); ++i) {
      out += (i == 0 ? "" : ",") + replicas_[(first + i) % replicas_.size()].url;
    }
    return out;
  }

  void CreateToken(const std::string& name) {
    auto r = Certmint(
        {"token", "create", name, "--dir", "pki", "--ip", "127.0.0.1", "--out", name + ".token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  ProcessResult Enroll(const std::string& name, const std::string& urls, const std::string& out) {
    return Certmint({"enroll", urls, "--name", name, "--token-file", name + ".token",
                     "--ca-fingerprint", fingerprint_, "--out", out, "--password-file",
                     "store.pass"});
  }

  ProcessResult Renew(const std::string& name, const std::string& urls, const std::string& out) {
    return Certmint(
        {"renew", name, "--server", urls, "--out", out, "--password-file", "store.pass"});
  }

  std::string SerialOf(const std::string& out, const std::string& name) {
    auto c = Certificate::FromPem(ReadTextFile(Path(out + "/" + name + "/" + name + ".crt")));
    return c ? c->SerialHex() : "";
  }

  // The inventory's certificates of nodes (the replicas' own left out).
  std::map<std::string, std::string> NodeCertificates() {
    auto r = Certmint({"list", "--dir", "pki", "--all", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::string> out;  // serial -> name
    for (const auto& row : nlohmann::json::parse(r.out)) {
      if (row["name"] != "certmint-serve") {
        out[row["serial"].get<std::string>()] = row["name"].get<std::string>();
      }
    }
    return out;
  }

  int HealthStatus(int port) {
    httplib::SSLClient cli("127.0.0.1", port);
    cli.enable_server_certificate_verification(false);
    cli.set_connection_timeout(5, 0);
    cli.set_read_timeout(15, 0);
    auto res = cli.Get("/v1/health");
    return res ? res->status : -1;
  }

  std::unique_ptr<PostgresServer> pg_;
  std::string uri_;
  std::vector<Replica> replicas_;
  std::string fingerprint_;
};

TEST_F(HaTest, OneTokenEightClientsThreeReplicasOneCertificate) {
  StartReplicas(3);
  for (int round = 0; round < 2; ++round) {
    const std::string name = "broker-" + std::to_string(round);
    CreateToken(name);
    std::atomic<int> ok{0}, used{0};
    std::vector<std::thread> clients;
    std::vector<ProcessResult> results(8);
    for (int i = 0; i < 8; ++i) {
      clients.emplace_back([&, i] {
        results[i] = Enroll(name, replicas_[i % 3].url, "nodes-" + std::to_string(i));
      });
    }
    for (auto& t : clients) {
      t.join();
    }
    for (const auto& r : results) {
      ok += r.exit_code == 0 ? 1 : 0;
      used += r.exit_code == 8 && r.err.find("token_used") != std::string::npos ? 1 : 0;
    }
    EXPECT_EQ(ok, 1) << "round " << round;
    EXPECT_EQ(used, 7);
  }
  auto certs = NodeCertificates();
  EXPECT_EQ(certs.size(), 2u) << "one certificate per token";
}

// Enrollments and renewals over three replicas, each client given all three
// URLs (starting at a different one), while replica 0 is SIGKILLed.
// `certmint report` (issue 24) reads the shared inventory like every other
// command: a node enrolled through a replica is in it.
TEST_F(HaTest, TheReportReadsTheSharedInventory) {
  ASSERT_NO_FATAL_FAILURE(StartReplicas(1));
  ASSERT_NO_FATAL_FAILURE(CreateToken("node-1"));
  auto enrolled = Enroll("node-1", Urls(0), "nodes");
  ASSERT_EQ(enrolled.exit_code, 0) << enrolled.err;
  auto report = Certmint({"report", "--dir", "pki", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto doc = nlohmann::json::parse(report.out);
  std::vector<std::string> names;
  for (const auto& c : doc["certificates"]) {
    names.push_back(c["name"].get<std::string>());
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "node-1"), names.end()) << report.out;
}

TEST_F(HaTest, LoadSurvivesAReplicaKilledMidRun) {
  StartReplicas(3);
  constexpr int kNodes = 9;
  for (int i = 0; i < kNodes; ++i) {
    CreateToken("node-" + std::to_string(i));
  }
  std::atomic<int> done_steps{0};
  std::vector<std::vector<std::string>> returned(kNodes);
  std::vector<std::string> failures(kNodes);
  std::vector<std::thread> clients;
  for (int i = 0; i < kNodes; ++i) {
    clients.emplace_back([&, i] {
      const std::string name = "node-" + std::to_string(i);
      const std::string urls = Urls(i % 3);
      auto e = Enroll(name, urls, "nodes");
      if (e.exit_code != 0) {
        failures[i] = "enroll: " + e.err;
        return;
      }
      returned[i].push_back(SerialOf("nodes", name));
      ++done_steps;
      for (int k = 0; k < 3; ++k) {
        auto r = Renew(name, urls, "nodes");
        if (r.exit_code != 0) {
          failures[i] = "renew: " + r.err;
          return;
        }
        returned[i].push_back(SerialOf("nodes", name));
        ++done_steps;
      }
    });
  }
  while (done_steps < kNodes) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(replicas_[0].process->pid(), SIGKILL);
  for (auto& t : clients) {
    t.join();
  }
  replicas_[0].process->Stop(SIGKILL);
  replicas_[0].process.reset();

  std::set<std::string> all_returned;
  size_t count = 0;
  for (int i = 0; i < kNodes; ++i) {
    EXPECT_EQ(failures[i], "") << "node-" << i;
    for (const auto& s : returned[i]) {
      all_returned.insert(s);
      ++count;
    }
    const std::string name = "node-" + std::to_string(i);
    auto v = Certmint({"verify", "nodes/" + name, "--password-file", "store.pass"});
    EXPECT_EQ(v.exit_code, 0) << name << ": " << v.out << v.err;
  }
  EXPECT_EQ(count, static_cast<size_t>(kNodes * 4));
  EXPECT_EQ(all_returned.size(), count) << "no certificate handed out twice";
  // The inventory holds exactly the certificates that were returned: no
  // duplicate serial, none issued and lost.
  auto inventory = NodeCertificates();
  std::set<std::string> recorded;
  for (const auto& [serial, name] : inventory) {
    recorded.insert(serial);
  }
  EXPECT_EQ(recorded, all_returned);
  // Each token redeemed once, by the certificate its node got first.
  auto tokens = nlohmann::json::parse(Certmint({"token", "list", "--dir", "pki", "--json"}).out);
  ASSERT_EQ(tokens.size(), static_cast<size_t>(kNodes));
  for (const auto& t : tokens) {
    EXPECT_EQ(t["state"], "used") << t.dump();
    const int i = std::stoi(t["name"].get<std::string>().substr(5));
    EXPECT_EQ(t["serial"], returned[i].empty() ? "" : returned[i][0]) << t.dump();
  }
  EXPECT_EQ(pg_->Psql("certmint", "SELECT count(*) FROM tokens WHERE serial IS NOT NULL"),
            std::to_string(kNodes) + "\n");
}

// PostgreSQL stopped under two running replicas: they answer 503 (health
// too) and log it once; started again, they serve without a restart.
TEST_F(HaTest, ReplicasRecoverWhenPostgresRestarts) {
  StartReplicas(2);
  CreateToken("before");
  CreateToken("during");
  ASSERT_EQ(Enroll("before", Urls(0), "nodes").exit_code, 0);
  EXPECT_EQ(HealthStatus(replicas_[0].port), 200);
  ASSERT_TRUE(pg_->Stop());
  EXPECT_EQ(HealthStatus(replicas_[0].port), 503);
  auto refused = Enroll("during", Urls(1), "nodes");
  EXPECT_EQ(refused.exit_code, 7) << refused.err;
  EXPECT_NE(refused.err.find("503"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("none of the 2 replicas answered"), std::string::npos) << refused.err;
  std::string why;
  ASSERT_TRUE(pg_->StartAgain(&why)) << why;
  auto enrolled = Enroll("during", Urls(1), "nodes");
  EXPECT_EQ(enrolled.exit_code, 0) << enrolled.err;
  EXPECT_EQ(Renew("before", Urls(0), "nodes").exit_code, 0);
  EXPECT_EQ(HealthStatus(replicas_[0].port), 200);
  for (auto& r : replicas_) {
    // One line when the database went, one when it came back.
    EXPECT_NE(r.process->WaitForLine("\"event\":\"inventory_unreachable\"", 5000), "")
        << r.process->output();
    EXPECT_NE(r.process->WaitForLine("\"event\":\"inventory_reachable\"", 5000), "")
        << r.process->output();
  }
}

}  // namespace
}  // namespace certmint::testing
