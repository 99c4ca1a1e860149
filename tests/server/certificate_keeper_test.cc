// The service's own certificate: when the keeper renews it, and that the
// running server presents the new one to the next handshake.
#include "server/certificate_keeper.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "ca/authority.h"
#include "enroll/enroll.h"
#include "identity/identity.h"
#include "inventory/inventory.h"
#include "server/http_server.h"
#include "server/service.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"
#include "tls/probe.h"

namespace certmint {
namespace {

using std::chrono::hours;

class ServerCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CaInitOptions o = testing::FastCaOptions("Service CA");
    o.now = t0_ - hours(24 * 10);  // older than any certificate the tests issue
    ca_.emplace(CertificateAuthority::Init(tmp_ / "pki", o, SecretString("ca-password")).value());
  }

  // A server certificate for 127.0.0.1, valid 3 days from `now`.
  Result<ServerIdentity> Issue(TimePoint now) {
    ++issued_;
    IdentityRequest r;
    r.name = "certmint-serve";
    r.service_identity = true;
    r.sans.AddIp("127.0.0.1");
    r.role = Role::kServer;
    r.days = 3;
    r.now = now;
    CM_ASSIGN_OR_RETURN(auto id, IssueIdentity(*ca_, r));
    return ServerIdentity{id.certificate, id.key, id.ca_chain};
  }

  testing::TempDir tmp_;
  TimePoint t0_ = std::chrono::system_clock::now();
  std::optional<CertificateAuthority> ca_;
  int issued_ = 0;
};

TEST_F(ServerCertificateTest, KeeperRenewsAtTwoThirdsOfTheLifetimeAndNotBefore) {
  const ServerIdentity first = Issue(t0_).value();
  ServerCertificateKeeper keeper(first.certificate, [this](TimePoint now) { return Issue(now); });
  const TimePoint due = ServerCertificateKeeper::Due(first.certificate);
  EXPECT_EQ(keeper.due(), due);
  // Two thirds of 3 days (and the 5-minute backdate) after issuance.
  EXPECT_GT(due, t0_ + hours(47));
  EXPECT_LT(due, t0_ + hours(49));

  auto early = keeper.StepAt(due - std::chrono::seconds(1));
  EXPECT_FALSE(early.renewed.has_value());
  EXPECT_TRUE(early.error.has_value());
  EXPECT_EQ(early.next, due);
  EXPECT_EQ(issued_, 1);

  auto step = keeper.StepAt(due);
  ASSERT_TRUE(step.error.has_value()) << step.error.error().ToString();
  ASSERT_TRUE(step.renewed.has_value());
  EXPECT_EQ(issued_, 2);
  EXPECT_NE(step.renewed->certificate.SerialHex(), first.certificate.SerialHex());
  EXPECT_TRUE(step.renewed->certificate.MatchesKey(step.renewed->key));
  EXPECT_EQ(step.next, ServerCertificateKeeper::Due(step.renewed->certificate));
  EXPECT_EQ(keeper.due(), step.next);
  EXPECT_GT(step.next, due + hours(47));

  // Not again until the new certificate is due.
  EXPECT_FALSE(keeper.StepAt(due + hours(1)).renewed.has_value());
  EXPECT_EQ(issued_, 2);
}

TEST_F(ServerCertificateTest, KeeperRetriesAFailedRenewalLater) {
  const ServerIdentity first = Issue(t0_).value();
  bool fail = true;
  ServerCertificateKeeper keeper(first.certificate, [&](TimePoint now) -> Result<ServerIdentity> {
    if (fail) {
      return MakeError(ErrorCode::kIo, "the inventory is locked");
    }
    return Issue(now);
  });
  const TimePoint due = keeper.due();
  auto failed = keeper.StepAt(due);
  EXPECT_FALSE(failed.renewed.has_value());
  ASSERT_FALSE(failed.error.has_value());
  EXPECT_NE(failed.error.error().ToString().find("the inventory is locked"), std::string::npos);
  EXPECT_EQ(failed.next, due + ServerCertificateKeeper::kRetryInterval);
  EXPECT_EQ(keeper.due(), due);  // still due

  fail = false;
  auto retried = keeper.StepAt(failed.next);
  EXPECT_TRUE(retried.renewed.has_value());
  EXPECT_GT(keeper.due(), failed.next);
}

TEST_F(ServerCertificateTest, KeeperDoesNotSpinWhenTheCaCutsTheCertificateShort) {
  const ServerIdentity first = Issue(t0_).value();
  // A certificate already due when it is made (as one cut to a CA that is
  // about to expire would be).
  ServerCertificateKeeper keeper(first.certificate,
                                 [&](TimePoint) -> Result<ServerIdentity> { return first; });
  const TimePoint late = first.certificate.NotAfter() - std::chrono::minutes(1);
  auto step = keeper.StepAt(late);
  ASSERT_TRUE(step.renewed.has_value());
  EXPECT_EQ(step.next, late + ServerCertificateKeeper::kRetryInterval);
}

// Run steps on its own: a certificate already due is replaced at once, the
// new one installed and reported; Stop ends the wait for the next.
TEST_F(ServerCertificateTest, RunRenewsWhatIsDueAndStops) {
  const ServerIdentity old = Issue(t0_ - hours(60)).value();
  ServerCertificateKeeper keeper(old.certificate, [this](TimePoint now) { return Issue(now); });
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> installed;
  int reports = 0;
  std::thread runner([&] {
    keeper.Run(
        [&](const ServerIdentity& id) -> Status {
          std::lock_guard<std::mutex> lock(mu);
          installed.push_back(id.certificate.SerialHex());
          return {};
        },
        [&](const ServerCertificateKeeper::Step& step, TimePoint) {
          std::lock_guard<std::mutex> lock(mu);
          EXPECT_TRUE(step.error.has_value());
          ++reports;
          cv.notify_all();
        });
  });
  bool reported = false;
  {
    std::unique_lock<std::mutex> lock(mu);
    reported = cv.wait_for(lock, std::chrono::seconds(30), [&] { return reports > 0; });
  }
  keeper.Stop();
  runner.join();
  ASSERT_TRUE(reported);
  ASSERT_EQ(installed.size(), 1u);
  EXPECT_NE(installed[0], old.certificate.SerialHex());
  EXPECT_EQ(reports, 1);
  EXPECT_GT(keeper.due(), t0_ + hours(47));
}

// RenewNow (after a CA reload) renews a certificate that is not due, once.
TEST_F(ServerCertificateTest, RenewNowRenewsBeforeTheDueTime) {
  const ServerIdentity current = Issue(t0_).value();
  ServerCertificateKeeper keeper(current.certificate, [this](TimePoint now) { return Issue(now); });
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> installed;
  std::thread runner([&] {
    keeper.Run(
        [&](const ServerIdentity& id) -> Status {
          std::lock_guard<std::mutex> lock(mu);
          installed.push_back(id.certificate.SerialHex());
          cv.notify_all();
          return {};
        },
        [](const ServerCertificateKeeper::Step&, TimePoint) {});
  });
  const auto installed_one = [&](std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, timeout, [&] { return !installed.empty(); });
  };
  // Not due for two days: nothing happens on its own.
  EXPECT_FALSE(installed_one(std::chrono::milliseconds(300)));
  keeper.RenewNow();
  const bool renewed = installed_one(std::chrono::seconds(30));
  keeper.Stop();
  runner.join();
  ASSERT_TRUE(renewed);
  ASSERT_EQ(installed.size(), 1u);
  EXPECT_NE(installed[0], current.certificate.SerialHex());
  EXPECT_GT(keeper.due(), t0_ + hours(47));  // the new certificate's due time
}

// The start-up certificate, then the one SetIdentity installs, as real TLS
// clients see them.
TEST_F(ServerCertificateTest, ServerPresentsTheNewCertificateToNewHandshakes) {
  auto inventory = OpenInventory(tmp_ / "pki").value();
  EnrollmentService service(ServiceCa{*ca_, {}, std::nullopt}, inventory.get());
  const auto now = std::chrono::system_clock::now();
  const ServerIdentity first = Issue(now).value();
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  auto server = HttpServer::Bind(&service, first, o).value();
  std::thread runner([&] { EXPECT_TRUE(server->Run().has_value()); });

  const auto presented = [&] {
    ProbeOptions p;
    p.host = "127.0.0.1";
    p.port = server->port();
    auto report = Probe(p);
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    return report && !report->chain.empty() ? report->chain.front().SerialHex() : std::string();
  };
  EXPECT_EQ(presented(), first.certificate.SerialHex());

  const ServerIdentity second = Issue(now).value();
  ASSERT_TRUE(server->SetIdentity(second).has_value());
  EXPECT_EQ(presented(), second.certificate.SerialHex());
  EXPECT_EQ(presented(), second.certificate.SerialHex());

  // A certificate for another key is refused, and the current one stays.
  ServerIdentity mismatched = Issue(now).value();
  mismatched.key = second.key;
  auto refused = server->SetIdentity(mismatched);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(presented(), second.certificate.SerialHex());

  server->Stop();
  runner.join();
}

}  // namespace
}  // namespace certmint
