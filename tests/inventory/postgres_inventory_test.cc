// The PostgreSQL inventory against a real, throwaway PostgreSQL server:
// several Inventory objects (each its own connections, as separate
// replicas) racing on one database.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/fs.h"
#include "inventory/inventory.h"
#include "inventory/migrate.h"
#include "stores/store_fixture.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"
#include "x509/issue.h"

namespace certmint {
namespace {

using testing::PostgresServer;
using testing::StoreFixture;
using testing::TempDir;

TokenGrant Grant(const std::string& name, TimePoint now) {
  TokenGrant g;
  g.name = name;
  g.sans.AddDns(name + ".example");
  g.expires_at = now + std::chrono::hours(1);
  return g;
}

class PostgresInventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    pg_ = PostgresServer::Start(&why);
    if (!pg_) {
      FAIL() << "no PostgreSQL server (scripts/install-deps.sh installs it): " << why;
    }
    uri_ = pg_->CreateDatabase("certmint");
  }

  // `n` inventories on the database, as `n` replicas have.
  std::vector<std::unique_ptr<Inventory>> Replicas(int n) {
    std::vector<std::unique_ptr<Inventory>> out;
    for (int i = 0; i < n; ++i) {
      auto inv = OpenPostgresInventory(uri_);
      EXPECT_TRUE(inv) << inv.error().ToString();
      out.push_back(std::move(*inv));
    }
    return out;
  }

  std::unique_ptr<PostgresServer> pg_;
  std::string uri_;
};

TEST(PostgresUriTest, RefusesPasswordsAndOtherSchemes) {
  EXPECT_TRUE(CheckPostgresUri("postgresql://certmint@db.example.com:5433/certmint"));
  EXPECT_TRUE(CheckPostgresUri("postgres:///certmint?host=/run/postgresql"));
  for (const char* bad :
       {"postgresql://certmint:s3cret@db/certmint", "postgresql://db/certmint?password=s3cret"}) {
    auto r = CheckPostgresUri(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find("PGPASSFILE"), std::string::npos);
    EXPECT_EQ(r.error().message().find("s3cret"), std::string::npos) << "never echoed";
  }
  EXPECT_FALSE(CheckPostgresUri("mysql://db/certmint"));
  EXPECT_FALSE(CheckPostgresUri("postgresql://db/certmint?nosuchoption=1"));
}

TEST(PostgresUriTest, LocationFromDirectoryAndOverride) {
  TempDir tmp;
  EXPECT_EQ(InventoryLocation(tmp.path()).value(), "") << "SQLite by default";
  EXPECT_FALSE(HasInventory(tmp.path()));
  ASSERT_TRUE(SaveInventoryLocation(tmp.path(), "postgresql://ca@db/certmint"));
  EXPECT_EQ(InventoryLocation(tmp.path()).value(), "postgresql://ca@db/certmint");
  EXPECT_TRUE(HasInventory(tmp.path()));
  EXPECT_FALSE(SaveInventoryLocation(tmp.path(), "postgresql://ca:pw@db/certmint"));
  SetInventoryOverride("postgresql://other@db2/certmint");
  EXPECT_EQ(InventoryLocation(tmp.path()).value(), "postgresql://other@db2/certmint");
  SetInventoryOverride("postgresql://other:pw@db2/certmint");
  EXPECT_FALSE(InventoryLocation(tmp.path()));
  SetInventoryOverride("");
  EXPECT_EQ(InventoryLocation(tmp.path()).value(), "") << "an empty override: each DIR's SQLite";
  ASSERT_TRUE(SaveInventoryLocation(tmp.path(), ""));
  EXPECT_FALSE(fs::Exists(InventorySettingsPath(tmp.path())));
}

// The same token, presented at once through 8 connections on 3 "replicas":
// exactly one redemption, one certificate carrying it.
TEST_F(PostgresInventoryTest, TokenRedeemedOnceUnderConcurrency) {
  StoreFixture f;
  auto replicas = Replicas(3);
  const auto now = std::chrono::system_clock::now();
  for (int round = 0; round < 5; ++round) {
    const std::string hash = fmt::format("{:064x}", round + 1);
    ASSERT_TRUE(replicas[0]->AddToken(hash, Grant("node-" + std::to_string(round), now), now));
    std::vector<Certificate> certs;
    for (int i = 0; i < 8; ++i) {
      certs.push_back(f.Leaf("node-" + std::to_string(round)));
    }
    std::atomic<int> redeemed{0}, used{0}, failed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i] {
        auto r = replicas[i % 3]->RedeemToken(hash, certs[i], f.ca, now);
        (!r ? failed : *r == RedeemOutcome::kRedeemed ? redeemed : used)++;
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    EXPECT_EQ(redeemed, 1) << "round " << round;
    EXPECT_EQ(used, 7);
    EXPECT_EQ(failed, 0);
    auto rows = replicas[1]->List({.name = "node-" + std::to_string(round)}, now).value();
    EXPECT_EQ(rows.size(), 1u);
    EXPECT_EQ(replicas[2]->FindToken(hash).value().serial, rows.at(0).serial);
  }
  // The database's own backstop: a second certificate for a token is refused.
  EXPECT_NE(pg_->Psql("certmint",
                      "UPDATE certificates SET token_hash = (SELECT token_hash FROM "
                      "certificates WHERE token_hash IS NOT NULL LIMIT 1)")
                .find("duplicate key"),
            std::string::npos);
  EXPECT_EQ(pg_->Psql("certmint", "SELECT count(DISTINCT token_hash) FROM certificates"), "5\n");
}

// CRL numbers strictly increase across replicas; renewals of one identity
// racing on three replicas: one wins.
TEST_F(PostgresInventoryTest, CrlNumbersAndRenewalsAcrossReplicas) {
  StoreFixture f;
  auto replicas = Replicas(3);
  const auto now = std::chrono::system_clock::now();
  std::mutex mu;
  std::vector<long long> numbers;
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 20; ++k) {
        auto n = replicas[i]->NextCrlNumber();
        std::lock_guard<std::mutex> lock(mu);
        numbers.push_back(n ? *n : -1);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::set<long long> distinct(numbers.begin(), numbers.end());
  EXPECT_EQ(distinct.size(), 60u);
  EXPECT_EQ(*distinct.begin(), 1);
  EXPECT_EQ(*distinct.rbegin(), 60);

  auto first = f.Leaf("broker");
  ASSERT_TRUE(replicas[0]->RecordIssued("broker", first, f.ca, now));
  ASSERT_TRUE(replicas[0]->Activate("broker", first.SerialHex()));
  std::vector<Certificate> renewed;
  for (int i = 0; i < 6; ++i) {
    renewed.push_back(f.Leaf("broker"));
  }
  std::atomic<int> recorded{0};
  threads.clear();
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto r = replicas[i % 3]->RecordRenewal("broker", first.SerialHex(), renewed[i], f.ca, now);
      recorded += r && *r == RenewalOutcome::kRecorded ? 1 : 0;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(recorded, 1);
  auto current = replicas[1]->List({.current_only = true, .name = "broker"}, now).value();
  ASSERT_EQ(current.size(), 1u) << "one valid certificate";
  EXPECT_EQ(current[0].status, CertStatus::kValid);
}

// The database restarted under a live inventory: calls fail while it is
// down and work again afterwards, on the same object.
TEST_F(PostgresInventoryTest, RecoversWhenTheDatabaseComesBack) {
  auto inv = std::move(Replicas(1).at(0));
  ASSERT_TRUE(inv->CheckHealth());
  ASSERT_TRUE(inv->NextCrlNumber());
  ASSERT_TRUE(pg_->Stop());
  auto down = inv->CheckHealth();
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code(), ErrorCode::kIo);
  EXPECT_FALSE(inv->NextCrlNumber());
  std::string why;
  ASSERT_TRUE(pg_->StartAgain(&why)) << why;
  EXPECT_TRUE(inv->CheckHealth());
  EXPECT_EQ(inv->NextCrlNumber().value(), 2);
}

// SQLite -> PostgreSQL: certificates (valid, superseded, revoked), tokens
// (unused, used, revoked) and the CRL number; run twice; a revocation made
// in SQLite after the first copy is carried over by the second.
TEST_F(PostgresInventoryTest, MigrationRoundTrip) {
  TempDir tmp;
  StoreFixture f;
  const auto now = std::chrono::system_clock::now();
  {
    auto lite = OpenSqliteInventory(tmp.path()).value();
    auto a1 = f.Leaf("a");
    auto a2 = f.Leaf("a");
    ASSERT_TRUE(lite->RecordIssued("a", a1, f.ca, now));
    ASSERT_TRUE(lite->Activate("a", a1.SerialHex()));
    ASSERT_TRUE(lite->RecordIssued("a", a2, f.ca, now));
    ASSERT_TRUE(lite->Activate("a", a2.SerialHex()));
    ASSERT_TRUE(lite->AddToken(std::string(64, 'a'), Grant("b", now), now));
    ASSERT_TRUE(lite->AddToken(std::string(64, 'c'), Grant("c", now), now));
    ASSERT_TRUE(lite->AddToken(std::string(64, 'd'), Grant("d", now), now));
    ASSERT_TRUE(lite->RedeemToken(std::string(64, 'a'), f.Leaf("b"), f.ca, now));
    ASSERT_TRUE(lite->RevokeToken("cccccccc", now));
    ASSERT_TRUE(lite->Revoke("b", 1, now));
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(lite->NextCrlNumber());
    }
  }
  auto first = MigrateInventory(tmp.path(), uri_, /*switch_dir=*/false).value();
  EXPECT_EQ(first.certificates, 3u);
  EXPECT_EQ(first.tokens, 3u);
  EXPECT_EQ(first.next_crl_number, 5);
  EXPECT_FALSE(fs::Exists(InventorySettingsPath(tmp.path())));
  {
    auto lite = OpenSqliteInventory(tmp.path()).value();
    ASSERT_TRUE(lite->Revoke("a", 4, now));
  }
  auto second = MigrateInventory(tmp.path(), uri_, /*switch_dir=*/true).value();
  EXPECT_EQ(second.target_certificates, 3u) << "no duplicates";
  EXPECT_EQ(second.target_tokens, 3u);
  EXPECT_TRUE(second.switched);

  // The directory now opens PostgreSQL; what SQLite held is there.
  auto inv = OpenInventory(tmp.path()).value();
  EXPECT_EQ(inv->Location(), uri_);
  auto lite = OpenSqliteInventoryReadOnly(tmp.path()).value()->Dump().value();
  auto copied = inv->Dump().value();
  ASSERT_EQ(copied.certificates.size(), lite.certificates.size());
  std::map<std::string, InventoryRecord> by_serial;
  for (const auto& c : copied.certificates) {
    by_serial[c.serial] = c;
  }
  for (const auto& want : lite.certificates) {
    const InventoryRecord& got = by_serial[want.serial];
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.revoked_at, want.revoked_at);
    EXPECT_EQ(got.revocation_reason, want.revocation_reason);
    EXPECT_EQ(got.certificate_pem, want.certificate_pem);
  }
  EXPECT_EQ(inv->RevokedBy(f.ca.Sha256Fingerprint()).value().size(), 2u);
  ASSERT_EQ(copied.tokens.size(), 3u);
  EXPECT_EQ(inv->FindToken(std::string(64, 'a')).value().used_at, lite.tokens[0].record.used_at);
  EXPECT_FALSE(inv->FindToken(std::string(64, 'c')).value().revoked_at.empty());
  EXPECT_EQ(inv->NextCrlNumber().value(), 5) << "continues where SQLite was";
  // The unused token still works, once.
  EXPECT_EQ(inv->RedeemToken(std::string(64, 'd'), f.Leaf("d"), f.ca, now).value(),
            RedeemOutcome::kRedeemed);
  EXPECT_EQ(inv->RedeemToken(std::string(64, 'a'), f.Leaf("b"), f.ca, now).value(),
            RedeemOutcome::kUsed);
}

// Issue 19, item 16: `list` and `token list` (OpenInventoryReadOnly) on a CA
// directory nobody may write, whose inventory.json names the database with a
// role that may only SELECT: they read everything and change nothing, in the
// database or in the directory.
TEST_F(PostgresInventoryTest, ReadOnlyOpenWorksWithASelectOnlyRoleAndWritesNothing) {
  StoreFixture f;
  const auto now = std::chrono::system_clock::now();
  const auto leaf = f.Leaf("a");
  {
    auto writer = OpenPostgresInventory(uri_).value();
    ASSERT_TRUE(writer->RecordIssued("a", leaf, f.ca, now));
    ASSERT_TRUE(writer->Activate("a", leaf.SerialHex()));
    ASSERT_TRUE(writer->AddToken(std::string(64, 'b'), Grant("b", now), now));
    ASSERT_TRUE(writer->Revoke("a", 1, now));
  }
  ASSERT_EQ(pg_->Psql("certmint",
                      "CREATE ROLE reader LOGIN; GRANT CONNECT ON DATABASE certmint TO reader; "
                      "GRANT USAGE ON SCHEMA public TO reader; "
                      "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader; "
                      "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO reader"),
            "");
  // The role really is SELECT-only: a write as it is refused by PostgreSQL.
  EXPECT_NE(pg_->Psql("certmint", "SET ROLE reader; DELETE FROM tokens").find("permission denied"),
            std::string::npos);
  std::string reader_uri = uri_;
  const size_t user = reader_uri.find("user=certmint");
  ASSERT_NE(user, std::string::npos) << uri_;
  reader_uri.replace(user, std::string("user=certmint").size(), "user=reader");
  // Everything the database holds, as text: compared after the reads.
  const std::string everything =
      "SELECT (SELECT string_agg(c::text, '|' ORDER BY c::text) FROM certificates c) || "
      "(SELECT string_agg(t::text, '|' ORDER BY t::text) FROM tokens t) || "
      "(SELECT last_value::text FROM crl_number)";
  const std::string before = pg_->Psql("certmint", everything);
  ASSERT_EQ(before.find("psql failed"), std::string::npos) << before;

  TempDir tmp;
  ASSERT_TRUE(SaveInventoryLocation(tmp.path(), reader_uri));
  ASSERT_EQ(chmod(tmp.path().c_str(), 0555), 0);
  const auto listing = [&] {
    std::string out;
    for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
      out += e.path().filename().string() + " " +
             std::to_string(std::filesystem::last_write_time(e).time_since_epoch().count()) + "\n";
    }
    return out;
  };
  const std::string files_before = listing();

  // What every other command opens needs more than SELECT (it migrates the
  // schema), so what follows shows the read-only path at work.
  auto writable = OpenPostgresInventory(reader_uri);
  EXPECT_FALSE(writable) << "the role is meant to be able to read only";
  auto opened = OpenInventoryReadOnly(tmp.path());
  ASSERT_TRUE(opened) << opened.error().ToString();
  Inventory& inv = **opened;
  EXPECT_EQ(inv.Location(), reader_uri);
  auto rows = inv.List({}, now);
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].status, CertStatus::kRevoked);
  auto tokens = inv.ListTokens();
  ASSERT_TRUE(tokens) << tokens.error().ToString();
  EXPECT_EQ(tokens->size(), 1u);
  EXPECT_TRUE(inv.FindBySerial(leaf.SerialHex()));
  EXPECT_EQ(inv.RevokedBy(f.ca.Sha256Fingerprint()).value().size(), 1u);
  EXPECT_TRUE(inv.Dump());
  // What would change something fails, and nothing changed.
  EXPECT_FALSE(inv.AddToken(std::string(64, 'c'), Grant("c", now), now));
  EXPECT_FALSE(inv.NextCrlNumber());
  ASSERT_EQ(chmod(tmp.path().c_str(), 0755), 0);
  EXPECT_EQ(pg_->Psql("certmint", everything), before);
  EXPECT_EQ(listing(), files_before) << "the CA directory is untouched";
}

}  // namespace
}  // namespace certmint
