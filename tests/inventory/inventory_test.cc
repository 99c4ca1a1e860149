#include "inventory/inventory.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "ca/crl.h"
#include "core/fs.h"
#include "stores/store_fixture.h"
#include "support/temp_dir.h"
#include "x509/issue.h"

namespace certmint {
namespace {

using testing::StoreFixture;
using testing::TempDir;

TEST(InventoryTest, RecordSupersedeRevoke) {
  TempDir tmp;
  StoreFixture f;
  auto inv = OpenInventory(tmp.path()).value();
  EXPECT_EQ(testing::FileMode(tmp / "inventory.db"), 0600);
  const auto now = std::chrono::system_clock::now();
  auto a1 = f.Leaf("a");
  auto a2 = f.Leaf("a");
  auto b = f.Leaf("b");
  ASSERT_TRUE(inv->RecordIssued("a", a1, f.ca, now));
  ASSERT_TRUE(inv->Activate("a", a1.SerialHex()));
  ASSERT_TRUE(inv->RecordIssued("b", b, f.ca, now));
  ASSERT_TRUE(inv->Activate("b", b.SerialHex()));
  // a2 is recorded but not yet deployed: a1 stays valid until Activate.
  ASSERT_TRUE(inv->RecordIssued("a", a2, f.ca, now + std::chrono::seconds(1)));
  EXPECT_EQ(inv->List({.name = "a"}, now).value()[0].status, CertStatus::kValid);
  EXPECT_EQ(inv->List({.name = "a"}, now).value()[1].status, CertStatus::kPending);
  ASSERT_TRUE(inv->Activate("a", a2.SerialHex()));

  auto current = inv->List({.current_only = true}, now).value();
  ASSERT_EQ(current.size(), 2u);
  EXPECT_EQ(current[0].serial, a2.SerialHex());
  EXPECT_EQ(current[0].sans, "DNS:a.example");
  auto all = inv->List({}, now).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].status, CertStatus::kSuperseded);

  // By name: the current certificate. By serial: that one, colons optional.
  auto r = inv->Revoke("a", 1, now).value();
  EXPECT_EQ(r.serial, a2.SerialHex());
  std::string bare = b.SerialHex();
  bare.erase(std::remove(bare.begin(), bare.end(), ':'), bare.end());
  EXPECT_EQ(inv->Revoke(bare, 0, now).value().name, "b");
  EXPECT_EQ(inv->Revoke("a", 1, now).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(inv->Revoke("nobody", 1, now).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(inv->RevokedBy(f.ca.Sha256Fingerprint()).value().size(), 2u);
  EXPECT_EQ(inv->RevokedBy("other").value().size(), 0u);
  EXPECT_EQ(inv->List({.revoked_only = true}, now).value().size(), 2u);

  EXPECT_EQ(inv->NextCrlNumber().value(), 1);
  EXPECT_EQ(inv->NextCrlNumber().value(), 2);
  // Reopened: the state persists.
  auto again = OpenInventory(tmp.path()).value();
  EXPECT_EQ(again->NextCrlNumber().value(), 3);
  EXPECT_EQ(again->List({}, now).value().size(), 3u);
}

// A run killed after recording but before deploying leaves a pending record:
// revoking by name still hits the deployed certificate.
TEST(InventoryTest, PendingNeverShadowsTheDeployedCertificate) {
  TempDir tmp;
  StoreFixture f;
  auto inv = OpenInventory(tmp.path()).value();
  const auto now = std::chrono::system_clock::now();
  auto deployed = f.Leaf("a");
  auto never = f.Leaf("a");
  ASSERT_TRUE(inv->RecordIssued("a", deployed, f.ca, now));
  ASSERT_TRUE(inv->Activate("a", deployed.SerialHex()));
  ASSERT_TRUE(inv->RecordIssued("a", never, f.ca, now + std::chrono::seconds(5)));
  EXPECT_EQ(inv->Revoke("a", 1, now).value().serial, deployed.SerialHex());
  // Activating a revoked certificate changes nothing.
  ASSERT_TRUE(inv->Activate("a", deployed.SerialHex()));
  EXPECT_EQ(inv->List({.revoked_only = true}, now).value().size(), 1u);
}

// A pending certificate whose files never appeared is settled superseded;
// nothing else is touched, and a late Activate still makes it valid.
TEST(InventoryTest, AbandonSupersedesOnlyAPendingCertificate) {
  TempDir tmp;
  StoreFixture f;
  auto inv = OpenInventory(tmp.path()).value();
  const auto now = std::chrono::system_clock::now();
  auto deployed = f.Leaf("a");
  auto never = f.Leaf("a");
  auto late = f.Leaf("a");
  ASSERT_TRUE(inv->RecordIssued("a", deployed, f.ca, now));
  ASSERT_TRUE(inv->Activate("a", deployed.SerialHex()));
  ASSERT_TRUE(inv->RecordIssued("a", never, f.ca, now));
  ASSERT_TRUE(inv->RecordIssued("a", late, f.ca, now));
  ASSERT_TRUE(inv->Abandon("a", never.SerialHex()));
  ASSERT_TRUE(inv->Abandon("a", deployed.SerialHex()));  // valid: left alone
  ASSERT_TRUE(inv->Abandon("b", late.SerialHex()));      // another name: left alone
  auto status = [&](const Certificate& c) {
    return inv->FindBySerial(c.SerialHex()).value().status;
  };
  EXPECT_EQ(status(deployed), CertStatus::kValid);
  EXPECT_EQ(status(never), CertStatus::kSuperseded);
  EXPECT_EQ(status(late), CertStatus::kPending);
  // A writer that was only slow (not killed) still completes.
  ASSERT_TRUE(inv->Abandon("a", late.SerialHex()));
  ASSERT_TRUE(inv->Activate("a", late.SerialHex()));
  EXPECT_EQ(status(late), CertStatus::kValid);
  EXPECT_EQ(status(deployed), CertStatus::kSuperseded);
}

// One certificate recorded valid for "a" in DIR/inventory.db, the
// connection closed (so no -wal or -shm remains).
void RecordOne(const std::string& dir, const StoreFixture& f, const Certificate& cert) {
  auto inv = OpenInventory(dir).value();
  ASSERT_TRUE(inv->RecordIssued("a", cert, f.ca, std::chrono::system_clock::now()));
  ASSERT_TRUE(inv->Activate("a", cert.SerialHex()));
}

TEST(InventoryReadOnlyTest, ReadsAndChangesNothing) {
  TempDir tmp;
  StoreFixture f;
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(OpenInventoryReadOnly(tmp.path()).error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs::Exists(tmp / "inventory.db")) << "a reader creates no inventory";
  auto cert = f.Leaf("a");
  RecordOne(tmp.path(), f, cert);
  ASSERT_EQ(testing::ListDir(tmp.path()), std::vector<std::string>{"inventory.db"});
  ASSERT_EQ(::chmod((tmp / "inventory.db").c_str(), 0400), 0);
  {
    auto inv = OpenInventoryReadOnly(tmp.path());
    ASSERT_TRUE(inv) << inv.error().ToString();
    auto rows = (*inv)->List({}, now);
    ASSERT_TRUE(rows) << rows.error().ToString();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].serial, cert.SerialHex());
    EXPECT_TRUE((*inv)->ListTokens());
    // Every change is refused, even for root, who could write the file.
    auto other = f.Leaf("b");
    EXPECT_EQ((*inv)->RecordIssued("b", other, f.ca, now).error().code(), ErrorCode::kIo);
    EXPECT_FALSE((*inv)->Revoke("a", 1, now));
    EXPECT_FALSE((*inv)->NextCrlNumber());
    EXPECT_EQ(testing::ListDir(tmp.path()), std::vector<std::string>{"inventory.db"})
        << "no -wal, -shm or journal while reading";
  }
  EXPECT_EQ(testing::ListDir(tmp.path()), std::vector<std::string>{"inventory.db"});
  EXPECT_EQ(testing::FileMode(tmp / "inventory.db"), 0400) << "its mode is left alone";
}

// An inventory made before tokens carried a subject: its tokens table as it
// was then, with one unused token.
void MakeInventoryWithoutTokenSubjects(const std::string& dir) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/inventory.db").c_str(), &db), SQLITE_OK);
  const char* sql =
      "CREATE TABLE tokens (hash TEXT PRIMARY KEY, name TEXT NOT NULL, dns TEXT NOT NULL, "
      "ips TEXT NOT NULL, role TEXT NOT NULL, days INTEGER NOT NULL, created_at TEXT NOT NULL, "
      "expires_at INTEGER NOT NULL, used_at TEXT, serial TEXT, revoked_at TEXT);"
      "INSERT INTO tokens (hash, name, dns, ips, role, days, created_at, expires_at) VALUES "
      "('aaaaaaaaaaaaaaaa', 'old-node', 'old-node', '', 'both', 30, '2026-01-01T00:00:00Z', "
      "4102444800);";
  char* msg = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &msg), SQLITE_OK) << (msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(db);
}

TEST(InventoryTest, TokensKeepTheirSubjectAndOldInventoriesStillWork) {
  TempDir tmp;
  MakeInventoryWithoutTokenSubjects(tmp.path());
  {
    // Read as it is (no migration in a read-only open): no subject.
    auto ro = OpenInventoryReadOnly(tmp.path()).value();
    auto tokens = ro->ListTokens();
    ASSERT_TRUE(tokens) << tokens.error().ToString();
    ASSERT_EQ(tokens->size(), 1u);
    EXPECT_EQ((*tokens)[0].grant.name, "old-node");
    EXPECT_EQ((*tokens)[0].grant.subject, "");
  }
  auto inv = OpenInventory(tmp.path());
  ASSERT_TRUE(inv) << inv.error().ToString();
  auto old = (*inv)->FindToken("aaaaaaaaaaaaaaaa");
  ASSERT_TRUE(old) << old.error().ToString();
  EXPECT_EQ(old->grant.subject, "");
  EXPECT_EQ(old->grant.days, 30);
  TokenGrant g;
  g.name = "broker-5";
  g.subject = "CN=broker-5,OU=Kafka,O=Acme";
  g.expires_at = std::chrono::system_clock::now() + std::chrono::hours(1);
  ASSERT_TRUE((*inv)->AddToken("bbbbbbbbbbbbbbbb", g, std::chrono::system_clock::now()));
  EXPECT_EQ((*inv)->FindToken("bbbbbbbbbbbbbbbb")->grant.subject, "CN=broker-5,OU=Kafka,O=Acme");
  inv->reset();
  // Opened again (the column is there now) and read-only: the same.
  ASSERT_TRUE(OpenInventory(tmp.path()));
  auto again = OpenInventoryReadOnly(tmp.path()).value()->ListTokens().value();
  ASSERT_EQ(again.size(), 2u);
  for (const auto& t : again) {
    EXPECT_EQ(t.grant.subject, t.grant.name == "broker-5" ? "CN=broker-5,OU=Kafka,O=Acme" : "");
  }
}

// While a writer (`certmint serve`) has the inventory open, a reader sees
// its commits through the WAL, including those made after it opened.
TEST(InventoryReadOnlyTest, ReadsThroughALiveWritersWal) {
  TempDir tmp;
  StoreFixture f;
  const auto now = std::chrono::system_clock::now();
  auto writer = OpenInventory(tmp.path()).value();
  ASSERT_TRUE(writer->RecordIssued("a", f.Leaf("a"), f.ca, now));
  auto reader = OpenInventoryReadOnly(tmp.path());
  ASSERT_TRUE(reader) << reader.error().ToString();
  EXPECT_EQ((*reader)->List({}, now).value().size(), 1u);
  ASSERT_TRUE(writer->RecordIssued("b", f.Leaf("b"), f.ca, now));
  EXPECT_EQ((*reader)->List({}, now).value().size(), 2u);
}

// A snapshot read (no writer when it was opened) that a writer changed
// meanwhile is refused rather than returned torn.
TEST(InventoryReadOnlyTest, ASnapshotChangedMeanwhileIsRefused) {
  TempDir tmp;
  StoreFixture f;
  const auto now = std::chrono::system_clock::now();
  RecordOne(tmp.path(), f, f.Leaf("a"));
  auto reader = OpenInventoryReadOnly(tmp.path()).value();
  EXPECT_TRUE(reader->List({}, now));
  {
    auto writer = OpenInventory(tmp.path()).value();
    ASSERT_TRUE(writer->RecordIssued("b", f.Leaf("b"), f.ca, now));
  }  // closed: checkpointed into inventory.db
  auto rows = reader->List({}, now);
  ASSERT_FALSE(rows);
  EXPECT_NE(rows.error().message().find("changed while it was read"), std::string::npos)
      << rows.error().ToString();
  EXPECT_EQ(OpenInventoryReadOnly(tmp.path()).value()->List({}, now).value().size(), 2u);
}

// Reads DIR/pki/inventory.db in a directory (0500) and file (0400) it may not
// write: 0 when the read-only open lists its one record, and the read-write
// open (the one `list` used) fails; otherwise a code saying which step failed.
int ListReadOnlyDirectory(const std::string& pki) {
  if (OpenInventory(pki)) {
    return 2;
  }
  auto inv = OpenInventoryReadOnly(pki);
  if (!inv) {
    return 3;
  }
  auto rows = (*inv)->List({}, std::chrono::system_clock::now());
  return !rows ? 4 : rows->size() != 1 ? 5 : 0;
}

TEST(InventoryReadOnlyTest, ListsADirectoryItMayNotWrite) {
  TempDir tmp;
  StoreFixture f;
  const std::string pki = tmp / "pki";
  ASSERT_TRUE(fs::EnsureDir(pki));
  RecordOne(pki, f, f.Leaf("a"));
  ASSERT_EQ(::chmod((pki + "/inventory.db").c_str(), 0400), 0);
  ASSERT_EQ(::chmod(pki.c_str(), 0500), 0);
  int code = 0;
  if (::geteuid() != 0) {
    code = ListReadOnlyDirectory(pki);
  } else {
    // Permissions do not bind root: read as nobody, in a child process.
    constexpr uid_t kNobody = 65534;
    for (std::string d = tmp.path(); (d = d.substr(0, d.rfind('/'))).size() > 0;) {
      if ((testing::FileMode(d) & 01) == 0) {
        ::chmod(pki.c_str(), 0700);
        GTEST_SKIP() << d << " is closed to other users, so nobody cannot reach the test's files";
      }
    }
    for (const std::string& p : {tmp.path(), pki, pki + "/inventory.db"}) {
      ASSERT_EQ(::chown(p.c_str(), kNobody, kNobody), 0) << p;
    }
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) {
        ::_exit(1);
      }
      ::_exit(ListReadOnlyDirectory(pki));
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    code = WEXITSTATUS(status);
  }
  ::chmod(pki.c_str(), 0700);
  EXPECT_EQ(code, 0) << "1: could not become nobody; 2: the read-write open worked; 3: the "
                        "read-only open failed; 4: listing failed; 5: wrong rows";
  EXPECT_EQ(testing::ListDir(pki), std::vector<std::string>{"inventory.db"});
}

TEST(InventoryTest, ExpiringFilter) {
  TempDir tmp;
  StoreFixture f;  // its CA lives 30 days; leaves are cut to that
  auto inv = OpenInventory(tmp.path()).value();
  const auto now = std::chrono::system_clock::now();
  auto a = f.Leaf("a");
  ASSERT_TRUE(inv->RecordIssued("a", a, f.ca, now));
  ASSERT_TRUE(inv->Activate("a", a.SerialHex()));
  EXPECT_EQ(inv->List({.expiring_within_days = 10}, now).value().size(), 0u);
  EXPECT_EQ(inv->List({.expiring_within_days = 31}, now).value().size(), 1u);
}

// What keeps a CA from being retired: only its current, unexpired
// certificates count.
TEST(InventoryTest, InUseCertificatesOfOneIssuer) {
  TempDir tmp;
  StoreFixture f;  // its CA lives 30 days
  StoreFixture other;
  auto inv = OpenInventory(tmp.path()).value();
  const auto now = std::chrono::system_clock::now();
  const auto record = [&](const std::string& name, const Certificate& cert,
                          const Certificate& issuer) {
    ASSERT_TRUE(inv->RecordIssued(name, cert, issuer, now));
    ASSERT_TRUE(inv->Activate(name, cert.SerialHex()));
  };
  record("current", f.Leaf("current"), f.ca);
  record("renewed", f.Leaf("renewed"), f.ca);
  record("renewed", other.Leaf("renewed"), other.ca);  // supersedes f's
  record("revoked", f.Leaf("revoked"), f.ca);
  ASSERT_TRUE(inv->Revoke("revoked", 0, now));
  record("foreign", other.Leaf("foreign"), other.ca);
  ASSERT_TRUE(inv->RecordIssued("pending", f.Leaf("pending"), f.ca, now));

  auto in_use = InUseCertificatesOf(*inv, f.ca, now).value();
  ASSERT_EQ(in_use.size(), 1u);
  EXPECT_EQ(in_use[0].name, "current");
  EXPECT_EQ(InUseCertificatesOf(*inv, other.ca, now).value().size(), 2u);
  // Once expired (the leaves end with their 30-day CA), nothing is in use.
  EXPECT_TRUE(InUseCertificatesOf(*inv, f.ca, now + std::chrono::hours(24 * 31)).value().empty());
}

// Separate connections writing at once, as separate certmint processes do:
// WAL, BEGIN IMMEDIATE and the busy timeout lose nothing.
TEST(InventoryTest, ConcurrentWritersLoseNoRows) {
  TempDir tmp;
  StoreFixture f;
  constexpr int kPerWriter = 40;
  std::vector<std::vector<Certificate>> certs(3);
  for (int w = 0; w < 3; ++w) {
    for (int i = 0; i < kPerWriter; ++i) {
      certs[w].push_back(f.Leaf("n" + std::to_string(w) + "-" + std::to_string(i)));
    }
  }
  ASSERT_TRUE(OpenInventory(tmp.path()));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < 3; ++w) {
    threads.emplace_back([&, w] {
      auto inv = OpenInventory(tmp.path()).value();
      for (int i = 0; i < kPerWriter; ++i) {
        if (!inv->RecordIssued("n" + std::to_string(w) + "-" + std::to_string(i), certs[w][i], f.ca,
                               std::chrono::system_clock::now())) {
          ++failures;
        }
        if (!inv->NextCrlNumber()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(failures, 0);
  auto inv = OpenInventory(tmp.path()).value();
  EXPECT_EQ(inv->List({}, std::chrono::system_clock::now()).value().size(), 3u * kPerWriter);
  EXPECT_EQ(inv->NextCrlNumber().value(), 3 * kPerWriter + 1) << "no CRL number handed out twice";
}

TEST(RevocationReasonTest, Names) {
  EXPECT_EQ(ParseRevocationReason("key-compromise").value(), 1);
  EXPECT_EQ(ParseRevocationReason("keyCompromise").value(), 1);
  EXPECT_EQ(ParseRevocationReason("superseded").value(), 4);
  EXPECT_FALSE(ParseRevocationReason("bored"));
  EXPECT_FALSE(ParseRevocationReason("(unused)"));
  EXPECT_EQ(RevocationReasonName(5), "cessationOfOperation");
}

}  // namespace
}  // namespace certmint
