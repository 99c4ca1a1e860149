#include "cluster/plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ca/authority.h"
#include "cluster/apply.h"
#include "core/fs.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "inventory/inventory.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using std::chrono::hours;
using testing::TempDir;

constexpr auto kDay = hours(24);
// 2026-01-01T00:00:00Z: the CA and the first identities are made then.
const TimePoint kStart = std::chrono::system_clock::from_time_t(1767225600);
const SecretString kCaPassword(testing::kTestCaPassword);
const SecretString kStorePassword("store-password");

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = ParseManifest(R"(
ca:
  subject: "CN=Plan CA"
  renewal_window_days: 30
identities:
  - name: broker-{n}
    count: 2
    start: 1
    dns: ["broker-{n}.kafka.test"]
    ip: ["10.0.0.{n}"]
  - name: app
    role: client
    formats: [p12, pem]
)",
                           "plan.yaml");
    ASSERT_TRUE(m) << m.error().ToString();
    manifest_ = std::move(*m);
  }

  // A root CA in tmp_/`dir`, made at kStart.
  static CertificateAuthority MakeCa(const TempDir& tmp, const std::string& dir, int days = 3650) {
    return testing::InitTestCa(tmp / dir, "CA " + dir, kStart, days);
  }

  const IdentitySpec& Spec(const std::string& name) const {
    for (const auto& s : manifest_.identities) {
      if (s.name == name) {
        return s;
      }
    }
    ADD_FAILURE() << "no identity " << name;
    return manifest_.identities[0];
  }

  // Issues and writes OUT/NAME as `apply` does for `spec`: issued by `ca` at
  // `now`, its truststores carrying `trust` (default: that CA).
  Identity Write(const IdentitySpec& spec, const CertificateAuthority& ca, TimePoint now,
                 const std::vector<Certificate>& trust = {}) {
    auto identity = IssueIdentity(ca, RequestFor(spec, now));
    EXPECT_TRUE(identity) << identity.error().ToString();
    RewriteStores(spec, *identity, now, trust);
    return *identity;
  }

  // Writes `identity` again (same key and certificate), as the kTrust step
  // of `apply` does.
  void RewriteStores(const IdentitySpec& spec, const Identity& identity, TimePoint now,
                     const std::vector<Certificate>& trust) {
    IdentityOutput output = OutputFor(spec, trust, now, /*password_file=*/true);
    output.replace = true;
    auto files = WriteIdentity(out_, identity, kStorePassword, output);
    EXPECT_TRUE(files) << files.error().ToString();
  }

  // What `apply` would pass: the CA in `dir`, its trust anchors, and the
  // previous CA during a rotation.
  PlanContext ContextOf(const std::string& dir, TimePoint now) const {
    PlanContext context;
    context.ca = CertificateAuthority::LoadCertificate(dir).value();
    context.trust = TrustAnchors(dir).value();
    if (RotationInProgress(dir)) {
      context.previous_ca = CertificateAuthority::LoadCertificate(PreviousCaDir(dir)).value();
    }
    context.now = now;
    return context;
  }

  // The plan of a manifest holding `spec` alone.
  PlanItem PlanOne(const IdentitySpec& spec, const PlanContext& context, int window_days = 30) {
    Manifest one;
    one.ca.renewal_window_days = window_days;
    one.identities = {spec};
    auto plan = MakePlan(one, out_, context);
    EXPECT_TRUE(plan) << plan.error().ToString();
    EXPECT_EQ(plan->size(), 1u);
    PlanItem item = plan->at(0);
    item.spec = nullptr;  // it pointed into `one`
    return item;
  }

  // name -> "action: reason" for the whole manifest.
  std::map<std::string, std::string> PlanAll(const PlanContext& context) {
    std::map<std::string, std::string> out;
    auto plan = MakePlan(manifest_, out_, context);
    EXPECT_TRUE(plan) << plan.error().ToString();
    for (const auto& item : *plan) {
      out[item.spec->name] = std::string(PlanActionName(item.action)) + ": " + item.reason;
    }
    return out;
  }

  TempDir tmp_;
  const std::string out_ = tmp_ / "out";
  Manifest manifest_;
};

::testing::AssertionResult Is(const PlanItem& item, PlanAction action,
                              const std::string& reason_part) {
  if (item.action == action && item.reason.find(reason_part) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << PlanActionName(item.action) << " (" << item.reason << "), want "
         << PlanActionName(action) << " (..." << reason_part << "...)";
}

TEST_F(PlanTest, CreatesWhatIsMissingAndKeepsWhatIsCurrent) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  const PlanContext context = ContextOf(ca.dir(), kStart + kDay);
  for (const auto& [name, decision] : PlanAll(context)) {
    EXPECT_EQ(decision, "create: missing") << name;
  }
  Write(Spec("broker-1"), ca, kStart);
  Write(Spec("app"), ca, kStart);
  auto plan = MakePlan(manifest_, out_, context).value();
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_TRUE(Is(plan[0], PlanAction::kKeep, "days left"));
  EXPECT_TRUE(Is(plan[1], PlanAction::kCreate, "missing")) << plan[1].spec->name;
  EXPECT_TRUE(Is(plan[2], PlanAction::kKeep, "days left"));
  // A renewal keeps the generated password (node configurations stay valid).
  ASSERT_TRUE(plan[0].password_file);
  EXPECT_EQ(*plan[0].password_file, out_ + "/broker-1/password");
  EXPECT_FALSE(plan[1].password_file);
}

// Every field of the manifest that shapes the certificate or the files: a
// change re-issues. The unchanged spec is the control: kept.
TEST_F(PlanTest, RenewsWhenTheManifestChanges) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  const IdentitySpec base = Spec("broker-1");
  Write(base, ca, kStart);
  const PlanContext context = ContextOf(ca.dir(), kStart + kDay);
  ASSERT_TRUE(Is(PlanOne(base, context), PlanAction::kKeep, "valid until"));

  struct Change {
    std::string what;
    std::function<void(IdentitySpec&)> apply;
    std::string reason;
  };
  const std::vector<Change> changes = {
      {"DNS added", [](IdentitySpec& s) { s.sans.AddDns("kafka.test"); },
       "SANs changed: +DNS:kafka.test"},
      {"DNS dropped", [](IdentitySpec& s) { s.sans.dns.clear(); },
       "SANs changed: -DNS:broker-1.kafka.test"},
      {"IP replaced",
       [](IdentitySpec& s) {
         s.sans.ips.clear();
         s.sans.AddIp("10.0.0.99");
       },
       "SANs changed: +IP:10.0.0.99 -IP:10.0.0.1"},
      {"role", [](IdentitySpec& s) { s.role = Role::kServer; }, "role changed: both -> server"},
      {"key type", [](IdentitySpec& s) { s.key_type = ParseKeySpec("ec:p384").value(); },
       "key type changed"},
      {"formats", [](IdentitySpec& s) { s.formats = {StoreFormat::kPkcs12}; }, "formats changed"},
      {"install_dir", [](IdentitySpec& s) { s.install_dir = "/etc/kafka/ssl"; },
       "install_dir changed"},
      {"p12 profile", [](IdentitySpec& s) { s.pkcs12.profile = Pkcs12Profile::kLegacy; },
       "p12_profile changed"},
      {"passwordless truststore", [](IdentitySpec& s) { s.pkcs12.passwordless = true; },
       "passwordless_truststore changed"},
      {"subject",
       [](IdentitySpec& s) { s.subject = DistinguishedName::Parse("CN=broker-1,O=Acme").value(); },
       "subject changed: CN=broker-1 -> CN=broker-1,O=Acme"},
      {"alias", [](IdentitySpec& s) { s.alias = "node-1"; }, "alias changed: broker-1 -> node-1"},
      {"kafka port", [](IdentitySpec& s) { s.kafka.port = 9443; },
       "Kafka listener changed: SSL:9093 -> SSL:9443"},
      {"controller", [](IdentitySpec& s) { s.kafka.controller = true; },
       "Kafka listener changed: SSL:9093 -> CONTROLLER:9094 (controller)"},
      {"k8s", [](IdentitySpec& s) { s.kubernetes = true; }, "formats changed"},
  };
  for (const auto& change : changes) {
    SCOPED_TRACE(change.what);
    IdentitySpec spec = base;
    change.apply(spec);
    EXPECT_TRUE(Is(PlanOne(spec, context), PlanAction::kRenew, change.reason));
  }
}

// The same SANs in another order are no change.
TEST_F(PlanTest, SanOrderIsNoChange) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  IdentitySpec spec = Spec("broker-1");
  spec.sans.AddDns("kafka.test");
  Write(spec, ca, kStart);
  std::reverse(spec.sans.dns.begin(), spec.sans.dns.end());
  EXPECT_TRUE(Is(PlanOne(spec, ContextOf(ca.dir(), kStart + kDay)), PlanAction::kKeep, ""));
}

// The same formats in another order write the same files: no change.
TEST_F(PlanTest, FormatOrderIsNoChange) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  IdentitySpec spec = Spec("broker-1");
  ASSERT_GE(spec.formats.size(), 2u);
  Write(spec, ca, kStart);
  std::reverse(spec.formats.begin(), spec.formats.end());
  EXPECT_TRUE(Is(PlanOne(spec, ContextOf(ca.dir(), kStart + kDay)), PlanAction::kKeep, ""));
}

TEST_F(PlanTest, RenewsInsideTheWindowAndWhenExpired) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  const IdentitySpec& spec = Spec("broker-1");  // 365 days
  const TimePoint end = Write(spec, ca, kStart).certificate.NotAfter();
  ASSERT_EQ(end, kStart + 365 * kDay);
  EXPECT_TRUE(
      Is(PlanOne(spec, ContextOf(ca.dir(), end - 31 * kDay)), PlanAction::kKeep, "valid until"));
  EXPECT_TRUE(Is(PlanOne(spec, ContextOf(ca.dir(), end - 29 * kDay)), PlanAction::kRenew,
                 "29 days left, inside the 30-day renewal window"));
  // The window is the manifest's.
  EXPECT_TRUE(Is(PlanOne(spec, ContextOf(ca.dir(), end - 29 * kDay), /*window_days=*/10),
                 PlanAction::kKeep, "29 days left"));
  EXPECT_TRUE(
      Is(PlanOne(spec, ContextOf(ca.dir(), end + hours(1))), PlanAction::kRenew, "expired on"));
}

// A certificate cannot outlive its CA: near the CA's end, one that ends
// with the CA is kept (a new one would end no later), while one that ends
// sooner is renewed up to the CA's end.
TEST_F(PlanTest, KeepsACertificateCutShortByTheCa) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki", /*days=*/100);
  const TimePoint ca_end = ca.certificate().NotAfter();
  const IdentitySpec& long_lived = Spec("broker-1");  // 365 days, cut to the CA's 100
  ASSERT_EQ(Write(long_lived, ca, kStart).certificate.NotAfter(), ca_end);
  IdentitySpec short_lived = Spec("broker-2");
  short_lived.days = 85;
  Write(short_lived, ca, kStart);

  const PlanContext context = ContextOf(ca.dir(), ca_end - 20 * kDay);
  EXPECT_TRUE(Is(PlanOne(long_lived, context), PlanAction::kKeep, "only a CA rotation"));
  // 85 days: a third of its lifetime (28 days) is shorter than the 30-day
  // window, so its renewal starts there.
  EXPECT_TRUE(Is(PlanOne(short_lived, context), PlanAction::kRenew, "last third of its lifetime"));
}

// Short-lived certificates (issue 21, item 6): a 24h certificate lies
// wholly inside the 30-day renewal window; it is renewed in the last third
// of its lifetime (8 hours left, two thirds in), not at every apply.
TEST_F(PlanTest, RenewsAShortLivedCertificateAtTwoThirdsOfItsLifetime) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  IdentitySpec spec = Spec("broker-1");
  spec.days = Validity::Hours(24);
  Write(spec, ca, kStart);
  // notBefore is kStart - 5 min: two thirds of 24h05m fall at 15h58m20s.
  const auto keep = PlanOne(spec, ContextOf(ca.dir(), kStart + hours(15)));
  EXPECT_TRUE(Is(keep, PlanAction::kKeep, "9 hours left")) << keep.reason;
  const auto renew = PlanOne(spec, ContextOf(ca.dir(), kStart + hours(16)));
  EXPECT_TRUE(Is(renew, PlanAction::kRenew, "8 hours left, inside the last third of its lifetime"))
      << renew.reason;
  // A long one keeps the 30-day window: not renewed at two thirds.
  const IdentitySpec& long_lived = Spec("broker-2");
  Write(long_lived, ca, kStart);
  EXPECT_TRUE(Is(PlanOne(long_lived, ContextOf(ca.dir(), kStart + 250 * kDay)), PlanAction::kKeep,
                 "115 days left"));
  EXPECT_TRUE(Is(PlanOne(long_lived, ContextOf(ca.dir(), kStart + 336 * kDay)), PlanAction::kRenew,
                 "inside the 30-day renewal window"));
}

TEST_F(PlanTest, RenewsWhatAnotherCaIssued) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  const CertificateAuthority other = MakeCa(tmp_, "other");
  const IdentitySpec& spec = Spec("broker-1");
  Write(spec, other, kStart, {ca.certificate()});
  EXPECT_TRUE(Is(PlanOne(spec, ContextOf(ca.dir(), kStart + kDay)), PlanAction::kRenew,
                 "issued by another CA"));
}

TEST_F(PlanTest, RenewsAnIncompleteOrUnreadableIdentity) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  const PlanContext context = ContextOf(ca.dir(), kStart + kDay);
  Write(Spec("broker-1"), ca, kStart);
  Write(Spec("app"), ca, kStart);
  ASSERT_TRUE(std::filesystem::remove(out_ + "/broker-1/keystore.jks"));
  EXPECT_TRUE(Is(PlanOne(Spec("broker-1"), context), PlanAction::kRenew, "incomplete"));
  // app has no JKS format: its absence is complete.
  ASSERT_FALSE(fs::Exists(out_ + "/app/keystore.jks"));
  EXPECT_TRUE(Is(PlanOne(Spec("app"), context), PlanAction::kKeep, ""));

  testing::WriteTextFile(out_ + "/app/app.crt", "not a certificate\n");
  EXPECT_TRUE(Is(PlanOne(Spec("app"), context), PlanAction::kRenew, "unreadable: "));
}

// docs/ca-rotation.md: truststores first, re-issue once every truststore
// trusts the new CA, drop the old CA after retiring it.
TEST_F(PlanTest, CaRotationInItsSafeOrder) {
  const std::string dir = tmp_ / "pki";
  const CertificateAuthority old_ca = MakeCa(tmp_, "pki");
  Identity b1 = Write(Spec("broker-1"), old_ca, kStart);
  Identity b2 = Write(Spec("broker-2"), old_ca, kStart);

  CaInitOptions o = testing::FastCaOptions("CA new");
  const TimePoint t1 = kStart + 100 * kDay;
  o.now = t1;
  const CertificateAuthority new_ca =
      RotateCa(dir, o, kCaPassword, CertificateAuthority::Load(dir, kCaPassword).value()).value();
  const std::vector<Certificate> both = TrustAnchors(dir).value();
  ASSERT_EQ(both.size(), 2u);

  // Step 1: no certificate of the new CA may reach a node that does not
  // trust it yet; only the truststores change. A new identity (app) is
  // made at once: nothing depends on it yet.
  auto step = PlanAll(ContextOf(dir, t1));
  EXPECT_EQ(step["broker-1"],
            "trust: CA rotation, step 2: trust the new CA (re-issue waits for step 3)");
  EXPECT_EQ(step["broker-2"],
            "trust: CA rotation, step 2: trust the new CA (re-issue waits for step 3)");
  EXPECT_EQ(step["app"], "create: missing");

  // Halfway through step 2 nothing is re-issued yet.
  RewriteStores(Spec("broker-1"), b1, t1, both);
  step = PlanAll(ContextOf(dir, t1));
  EXPECT_TRUE(step["broker-1"].starts_with("keep: CA rotation: re-issue waits"))
      << step["broker-1"];
  EXPECT_EQ(step["broker-2"],
            "trust: CA rotation, step 2: trust the new CA (re-issue waits for step 3)");

  // Step 2: all trust the new CA; what the old one issued is re-issued.
  RewriteStores(Spec("broker-2"), b2, t1, both);
  step = PlanAll(ContextOf(dir, t1));
  EXPECT_EQ(step["broker-1"], "renew: issued by the previous CA (rotation)");
  EXPECT_EQ(step["broker-2"], "renew: issued by the previous CA (rotation)");

  Write(Spec("broker-1"), new_ca, t1, both);
  Write(Spec("broker-2"), new_ca, t1, both);
  Write(Spec("app"), new_ca, t1, both);
  for (const auto& [name, decision] : PlanAll(ContextOf(dir, t1))) {
    EXPECT_TRUE(decision.starts_with("keep: valid until")) << name << ": " << decision;
  }

  // Step 3: the old CA is retired; truststores drop it.
  ASSERT_TRUE(RetireCa(dir, t1 + kDay));
  for (const auto& [name, decision] : PlanAll(ContextOf(dir, t1 + kDay))) {
    EXPECT_EQ(decision, "trust: truststores: trust 1 CA instead of 2") << name;
  }
}

TEST_F(PlanTest, FindUnlistedNamesWhatTheManifestDropped) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  Write(Spec("broker-1"), ca, kStart);
  IdentitySpec gone = Spec("broker-2");
  gone.name = "broker-9";
  const Identity nine = Write(gone, ca, kStart);
  gone.name = "broken";
  Write(gone, ca, kStart);
  testing::WriteTextFile(out_ + "/broken/broken.crt", "garbage\n");
  // Not certmint's: no certmint.json.
  ASSERT_TRUE(fs::EnsureDir(out_ + "/notes"));

  auto unlisted = FindUnlisted(manifest_, out_);
  ASSERT_EQ(unlisted.size(), 2u);
  EXPECT_EQ(unlisted[0].name, "broken");
  EXPECT_FALSE(unlisted[0].certificate);
  EXPECT_EQ(unlisted[1].name, "broker-9");
  ASSERT_TRUE(unlisted[1].certificate);
  EXPECT_EQ(unlisted[1].certificate->Sha256Fingerprint(), nine.certificate.Sha256Fingerprint());
}

// Issue 20, item 1: what neither the current CA nor (during a rotation) the
// previous one issued is foreign, whatever else the plan says of it; apply
// replaces foreign identities only when the operator says so.
TEST_F(PlanTest, MarksWhatNeitherTheCaNorItsPredecessorIssuedAsForeign) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  const CertificateAuthority other = MakeCa(tmp_, "other");
  Write(Spec("broker-1"), other, kStart, {ca.certificate()});
  Write(Spec("broker-2"), ca, kStart);
  const PlanContext context = ContextOf(ca.dir(), kStart + kDay);
  const PlanItem foreign = PlanOne(Spec("broker-1"), context);
  EXPECT_TRUE(foreign.foreign);
  EXPECT_TRUE(Is(foreign, PlanAction::kRenew, "issued by another CA: CN=CA other"));
  EXPECT_FALSE(PlanOne(Spec("broker-2"), context).foreign);
  EXPECT_FALSE(PlanOne(Spec("app"), context).foreign) << "a missing identity is nobody's";
  // A --dir without a CA: every identity already under OUT is foreign.
  PlanContext no_ca;
  no_ca.now = kStart + kDay;
  EXPECT_TRUE(PlanOne(Spec("broker-2"), no_ca).foreign);
}

TEST_F(PlanTest, IdentitiesOfThePreviousCaAreNotForeignDuringARotation) {
  const std::string dir = tmp_ / "pki";
  const CertificateAuthority old_ca = MakeCa(tmp_, "pki");
  const Identity b1 = Write(Spec("broker-1"), old_ca, kStart);
  CaInitOptions o = testing::FastCaOptions("CA new");
  o.now = kStart + 100 * kDay;
  ASSERT_TRUE(RotateCa(dir, o, kCaPassword, CertificateAuthority::Load(dir, kCaPassword).value()));
  const PlanItem trust = PlanOne(Spec("broker-1"), ContextOf(dir, o.now));
  EXPECT_EQ(trust.action, PlanAction::kTrust);
  EXPECT_FALSE(trust.foreign);
  RewriteStores(Spec("broker-1"), b1, o.now, TrustAnchors(dir).value());
  const PlanItem renew = PlanOne(Spec("broker-1"), ContextOf(dir, o.now));
  EXPECT_TRUE(Is(renew, PlanAction::kRenew, "issued by the previous CA (rotation)"));
  EXPECT_FALSE(renew.foreign);
}

// Issue 20, item 2: a certificate the inventory records as revoked is
// re-issued, not kept for the days it has left.
TEST_F(PlanTest, RenewsARevokedCertificate) {
  const CertificateAuthority ca = MakeCa(tmp_, "pki");
  const Identity b1 = Write(Spec("broker-1"), ca, kStart);
  const Identity b2 = Write(Spec("broker-2"), ca, kStart);
  auto inventory = OpenInventory(ca.dir()).value();
  for (const Identity* id : {&b1, &b2}) {
    ASSERT_TRUE(inventory->RecordIssued(id->name, id->certificate, ca.certificate(), kStart));
    ASSERT_TRUE(inventory->Activate(id->name, id->certificate.SerialHex()));
  }
  PlanContext context = ContextOf(ca.dir(), kStart + kDay);
  InventoryFilter revoked_only;
  revoked_only.revoked_only = true;
  context.revoked = inventory->List(revoked_only, context.now).value();
  EXPECT_TRUE(Is(PlanOne(Spec("broker-1"), context), PlanAction::kKeep, "valid until"));

  constexpr int kKeyCompromise = 1;
  ASSERT_TRUE(inventory->Revoke("broker-1", kKeyCompromise, kStart + kDay));
  context.revoked = inventory->List(revoked_only, context.now).value();
  EXPECT_TRUE(Is(PlanOne(Spec("broker-1"), context), PlanAction::kRenew,
                 "revoked on 2026-01-02T00:00:00Z (keyCompromise): re-issue with a new key"));
  EXPECT_TRUE(Is(PlanOne(Spec("broker-2"), context), PlanAction::kKeep, "valid until"));
}

}  // namespace
}  // namespace certmint
