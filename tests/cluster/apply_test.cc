// Carrying out a plan (ApplyPlan) and one apply run (ApplySession), without
// the CLI: what is issued, recorded, kept, reconciled and pruned.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "ca/issuer.h"
#include "cluster/apply_session.h"
#include "core/fs.h"
#include "identity/files.h"
#include "identity/state.h"
#include "inventory/inventory.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::system_clock::from_time_t(1767225600);  // 2026-01-01
const SecretString kCaPassword(testing::kTestCaPassword);
const SecretString kStorePassword("store-password");

Manifest TwoBrokers(int ca_days = 3650) {
  return ParseManifest(fmt::format(R"(
ca:
  subject: "CN=Apply CA"
  key_type: ec:p256
  days: {}
identities:
  - name: broker-{{n}}
    count: 2
    dns: ["broker-{{n}}.example"]
    formats: [pem]
)",
                                   ca_days),
                       "cluster.yaml")
      .value();
}

class ApplyTest : public ::testing::Test {
 protected:
  ApplySettings Settings(bool dry_run = false) const {
    return ApplySettings{tmp_ / "pki", tmp_ / "out", 2, dry_run, kNow};
  }
  // An existing CA (fast KDF), so that Execute only loads it.
  void MakeCa(int days = 3650) { testing::InitTestCa(tmp_ / "pki", "Apply CA", kNow, days); }

  Result<ApplySummary> Run(ApplySession& session) {
    return session.Execute(kCaPassword, &kStorePassword, nullptr, nullptr);
  }

  std::vector<InventoryRecord> Records() {
    return OpenInventory(tmp_ / "pki").value()->List({}, kNow).value();
  }

  TempDir tmp_;
};

TEST_F(ApplyTest, DryRunWritesNothing) {
  auto session = ApplySession::Open(TwoBrokers(), Settings(/*dry_run=*/true));
  ASSERT_TRUE(session) << session.error().ToString();
  EXPECT_TRUE((*session)->creates_ca());
  EXPECT_EQ((*session)->Count(PlanAction::kCreate), 2);
  EXPECT_EQ((*session)->todo(), 2u);
  EXPECT_FALSE(fs::Exists(tmp_ / "out"));
  EXPECT_FALSE(fs::Exists(tmp_ / "pki"));
}

TEST_F(ApplyTest, IssuesRecordsAndThenKeeps) {
  MakeCa();
  {
    auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
    EXPECT_FALSE(session->creates_ca());
    auto summary = Run(*session);
    ASSERT_TRUE(summary) << summary.error().ToString();
    EXPECT_EQ(summary->created, 2);
    EXPECT_TRUE(summary->failures.empty());
  }
  auto records = Records();
  ASSERT_EQ(records.size(), 2u);
  for (const auto& r : records) {
    EXPECT_EQ(r.status, CertStatus::kValid) << r.name;
    auto state = ReadIdentityState(tmp_ / "out", r.name).value();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->certificate.SerialHex(), r.serial);
  }
  // A second run has nothing to do.
  auto again = ApplySession::Open(TwoBrokers(), Settings()).value();
  EXPECT_EQ(again->todo(), 0u);
  EXPECT_EQ(again->Count(PlanAction::kKeep), 2);
}

TEST_F(ApplyTest, OneRunAtATime) {
  auto first = ApplySession::Open(TwoBrokers(), Settings());
  ASSERT_TRUE(first);
  auto second = ApplySession::Open(TwoBrokers(), Settings());
  ASSERT_FALSE(second);
  // A dry run takes no lock.
  EXPECT_TRUE(ApplySession::Open(TwoBrokers(), Settings(/*dry_run=*/true)));
}

TEST_F(ApplyTest, AFailureIsCollectedAndTheOthersAreIssued) {
  MakeCa();
  ASSERT_TRUE(fs::EnsureDir(tmp_ / "out"));
  auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
  // broker-2's directory appears between plan and execution: its create
  // must fail, not overwrite it.
  ASSERT_TRUE(fs::EnsureDir(tmp_ / "out/broker-2"));
  auto summary = Run(*session);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->created, 1);
  ASSERT_EQ(summary->failures.size(), 1u);
  EXPECT_EQ(summary->failures[0].first, "broker-2");
  EXPECT_EQ(summary->failures[0].second.code(), ErrorCode::kAlreadyExists);
  // Its certificate was recorded, but never became valid.
  for (const auto& r : Records()) {
    EXPECT_EQ(r.status, r.name == "broker-2" ? CertStatus::kPending : CertStatus::kValid);
  }
}

TEST_F(ApplyTest, APendingRecordOfTheDeployedCertificateIsActivated) {
  MakeCa();
  {
    auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
    ASSERT_TRUE(Run(*session));
  }
  // A run killed after deploying a renewal, before activating it: its
  // files are in place, its record still pending.
  std::string deployed;
  {
    auto ca = CertificateAuthority::Load(tmp_ / "pki", kCaPassword).value();
    auto inv = OpenInventory(tmp_ / "pki").value();
    IdentityRequest request =
        testing::NodeRequest("broker-1", Role::kBoth, {"DNS:broker-1.example"}, kNow);
    auto killed = IssueIdentity(Issuer(ca, inv.get()), request, [&](const Identity& id) -> Status {
      IdentityOutput output;
      output.formats = {StoreFormat::kPem};
      output.replace = true;
      CM_RETURN_IF_ERROR(WriteIdentity(tmp_ / "out", id, kStorePassword, output));
      deployed = id.certificate.SerialHex();
      return MakeError(ErrorCode::kInternal, "killed");
    });
    ASSERT_FALSE(killed);
  }
  ASSERT_FALSE(deployed.empty());
  auto pending = [&] {
    for (const auto& r : Records()) {
      if (r.serial == deployed) {
        return r.status;
      }
    }
    return CertStatus::kRevoked;
  };
  ASSERT_EQ(pending(), CertStatus::kPending);
  auto dry = ApplySession::Open(TwoBrokers(), Settings(/*dry_run=*/true)).value();
  EXPECT_EQ(pending(), CertStatus::kPending) << "a dry run changes nothing";
  auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
  EXPECT_EQ(pending(), CertStatus::kValid);
}

// A run killed after recording a certificate, before deploying it: a
// pending record whose files never appeared. The next apply settles it
// superseded, whether the identity's files hold another certificate (kept)
// or are gone (created anew); a pending record of a name the manifest does
// not list is not apply's to judge.
TEST_F(ApplyTest, APendingRecordWhoseFilesNeverAppearedIsSuperseded) {
  MakeCa();
  {
    auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
    ASSERT_TRUE(Run(*session));
  }
  auto record_pending = [&](const std::string& name) {
    auto ca = CertificateAuthority::Load(tmp_ / "pki", kCaPassword).value();
    auto inv = OpenInventory(tmp_ / "pki").value();
    std::string serial;
    auto killed =
        IssueIdentity(Issuer(ca, inv.get()),
                      testing::NodeRequest(name, Role::kBoth, {"DNS:" + name + ".example"}, kNow),
                      [&](const Identity& id) -> Status {
                        serial = id.certificate.SerialHex();
                        return MakeError(ErrorCode::kInternal, "killed before deploying");
                      });
    EXPECT_FALSE(killed);
    return serial;
  };
  auto status = [&](const std::string& serial) {
    return OpenInventory(tmp_ / "pki").value()->FindBySerial(serial).value().status;
  };
  const std::string kept =
      ReadIdentityState(tmp_ / "out", "broker-1").value()->certificate.SerialHex();
  const std::string over_kept = record_pending("broker-1");
  const std::string over_gone = record_pending("broker-2");
  const std::string unlisted = record_pending("other");
  fs::RemoveAll(tmp_ / "out/broker-2");
  {
    auto dry = ApplySession::Open(TwoBrokers(), Settings(/*dry_run=*/true)).value();
    EXPECT_EQ(status(over_kept), CertStatus::kPending) << "a dry run changes nothing";
  }
  auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
  EXPECT_EQ(status(over_kept), CertStatus::kSuperseded);
  EXPECT_EQ(status(kept), CertStatus::kValid);
  EXPECT_EQ(status(over_gone), CertStatus::kSuperseded);
  EXPECT_EQ(status(unlisted), CertStatus::kPending);
  EXPECT_EQ(session->Count(PlanAction::kKeep), 1);
  EXPECT_EQ(session->Count(PlanAction::kCreate), 1);
  ASSERT_TRUE(Run(*session));
  for (const auto& r : Records()) {
    EXPECT_TRUE(r.status != CertStatus::kPending || r.name == "other") << r.name << " " << r.serial;
  }
}

TEST_F(ApplyTest, WarnsWhenTheCaEndsBeforeItsCertificates) {
  MakeCa(/*days=*/100);
  auto session = ApplySession::Open(TwoBrokers(), Settings(/*dry_run=*/true)).value();
  ASSERT_EQ(session->warnings().size(), 1u);
  EXPECT_NE(session->warnings()[0].find("rotate the CA"), std::string::npos);
  TempDir other;
  testing::InitTestCa(other / "pki", "Long CA", kNow, 3650);
  auto fine =
      ApplySession::Open(TwoBrokers(), ApplySettings{other / "pki", other / "out", 1, true, kNow});
  EXPECT_TRUE(fine.value()->warnings().empty());
}

TEST_F(ApplyTest, PruneRevokesAndRemovesWhatTheManifestDropped) {
  MakeCa();
  {
    auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
    ASSERT_TRUE(Run(*session));
  }
  auto one = ParseManifest(R"(
ca:
  subject: "CN=Apply CA"
identities:
  - name: broker-1
    dns: ["broker-1.example"]
    formats: [pem]
)",
                           "one.yaml")
                 .value();
  auto session = ApplySession::Open(std::move(one), Settings()).value();
  ASSERT_EQ(session->unlisted().size(), 1u);
  EXPECT_EQ(session->unlisted()[0].name, "broker-2");
  std::vector<std::string> removed;
  auto revoked = session->Prune([&](const std::string& n) { removed.push_back(n); });
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(*revoked);
  EXPECT_EQ(removed, std::vector<std::string>{"broker-2"});
  EXPECT_FALSE(fs::Exists(tmp_ / "out/broker-2"));
  for (const auto& r : Records()) {
    EXPECT_EQ(r.status, r.name == "broker-2" ? CertStatus::kRevoked : CertStatus::kValid);
  }
}

TEST_F(ApplyTest, ExecuteCreatesTheCaWhenThereIsNone) {
  auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
  ASSERT_TRUE(session->creates_ca());
  bool told = false;
  auto summary = session->Execute(
      kCaPassword, &kStorePassword, [&] { told = true; }, nullptr);
  ASSERT_TRUE(summary) << summary.error().ToString();
  EXPECT_TRUE(told);
  EXPECT_EQ(summary->created, 2);
  auto ca = CertificateAuthority::LoadCertificate(tmp_ / "pki").value();
  for (const auto& name : {"broker-1", "broker-2"}) {
    auto state = ReadIdentityState(tmp_ / "out", name).value().value();
    EXPECT_TRUE(IssuedBy(state.certificate, ca));
  }
}

// Issue 20, item 1: a --dir without a CA (a typo) over an OUT that holds a
// cluster: no CA is created, nothing is pruned or issued, until --new-ca.
TEST_F(ApplyTest, ACaIsNotCreatedOverAnotherCasIdentities) {
  MakeCa();
  {
    auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
    ASSERT_TRUE(Run(*session));
  }
  ApplySettings typo = Settings();
  typo.pki_dir = tmp_ / "pki-typo";
  auto session = ApplySession::Open(TwoBrokers(), typo).value();
  ASSERT_TRUE(session->creates_ca());
  ASSERT_TRUE(session->refusal());
  EXPECT_EQ(session->refusal()->flag, "--new-ca");
  EXPECT_EQ(session->refusal()->names, (std::vector<std::string>{"broker-1", "broker-2"}));
  EXPECT_EQ(session->refusal()->error.code(), ErrorCode::kRefused);
  EXPECT_TRUE(session->Refused(session->plan()[0]));
  auto run = Run(*session);
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code(), ErrorCode::kRefused);
  EXPECT_NE(run.error().message().find("refusing to create a new CA in"), std::string::npos)
      << run.error().ToString();
  EXPECT_FALSE(session->Prune(nullptr));
  EXPECT_FALSE(fs::Exists(typo.pki_dir)) << "no CA created";
  session.reset();  // its lock on OUT
  // --reissue-foreign alone does not create a CA over them.
  typo.reissue_foreign = true;
  EXPECT_TRUE(ApplySession::Open(TwoBrokers(), typo).value()->refusal());

  typo.new_ca = true;
  auto told = ApplySession::Open(TwoBrokers(), typo).value();
  EXPECT_FALSE(told->refusal());
  auto summary = Run(*told);
  ASSERT_TRUE(summary) << summary.error().ToString();
  EXPECT_EQ(summary->renewed, 2);
  ASSERT_TRUE(told->created_ca());
  EXPECT_EQ(told->ReportJson(false, 0, nullptr)["new_ca"]["created"], true);
}

// An existing CA that did not issue OUT's identities (another cluster's
// --dir): refused until --reissue-foreign; its own identities are not.
TEST_F(ApplyTest, AnotherCasIdentitiesAreReissuedOnlyWhenTold) {
  MakeCa();
  {
    auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
    ASSERT_TRUE(Run(*session));
  }
  ApplySettings other = Settings();
  other.pki_dir = tmp_ / "other";
  testing::InitTestCa(other.pki_dir, "Other CA", kNow, 3650);
  auto session = ApplySession::Open(TwoBrokers(), other).value();
  ASSERT_TRUE(session->refusal());
  EXPECT_EQ(session->refusal()->flag, "--reissue-foreign");
  EXPECT_NE(session->refusal()->error.message().find("refusing to re-issue 2 identities"),
            std::string::npos)
      << session->refusal()->error.message();
  const auto json = session->ReportJson(false, 0, nullptr);
  EXPECT_EQ(json["refused"]["flag"], "--reissue-foreign");
  EXPECT_EQ(json["plan"][0]["action"], "refused");
  EXPECT_EQ(json["plan"][0]["foreign"], true);
  EXPECT_TRUE(json["new_ca"].is_null());
  ASSERT_FALSE(Run(*session));
  session.reset();  // its lock on OUT

  other.reissue_foreign = true;
  auto told = ApplySession::Open(TwoBrokers(), other).value();
  EXPECT_FALSE(told->refusal());
  auto summary = Run(*told);
  ASSERT_TRUE(summary) << summary.error().ToString();
  EXPECT_EQ(summary->renewed, 2);
  // Now they are this CA's: nothing foreign, nothing refused, nothing to do.
  told.reset();
  other.reissue_foreign = false;
  auto again = ApplySession::Open(TwoBrokers(), other).value();
  EXPECT_FALSE(again->refusal());
  EXPECT_EQ(again->todo(), 0u);
}

// Issue 20, item 2: a revoked identity is re-issued with a new key.
TEST_F(ApplyTest, ARevokedIdentityIsReissuedWithANewKey) {
  MakeCa();
  {
    auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
    ASSERT_TRUE(Run(*session));
  }
  const std::string key_before = fs::ReadFile(tmp_ / "out/broker-1/broker-1.key").value();
  const auto before = ReadIdentityState(tmp_ / "out", "broker-1").value().value();
  ASSERT_TRUE(OpenInventory(tmp_ / "pki").value()->Revoke("broker-1", 1, kNow));

  auto session = ApplySession::Open(TwoBrokers(), Settings()).value();
  EXPECT_FALSE(session->refusal()) << "its own CA's identity is not foreign";
  ASSERT_EQ(session->plan()[0].action, PlanAction::kRenew);
  EXPECT_NE(session->plan()[0].reason.find("revoked on"), std::string::npos)
      << session->plan()[0].reason;
  EXPECT_EQ(session->plan()[1].action, PlanAction::kKeep);
  auto summary = Run(*session);
  ASSERT_TRUE(summary) << summary.error().ToString();
  EXPECT_EQ(summary->renewed, 1);
  const auto after = ReadIdentityState(tmp_ / "out", "broker-1").value().value();
  EXPECT_NE(after.certificate.SerialHex(), before.certificate.SerialHex());
  EXPECT_NE(fs::ReadFile(tmp_ / "out/broker-1/broker-1.key").value(), key_before) << "a new key";
  session.reset();
  EXPECT_EQ(ApplySession::Open(TwoBrokers(), Settings()).value()->todo(), 0u);
}

}  // namespace
}  // namespace certmint
