// The administrators' side of the service (issue 24): who is one, what the
// others get, the metrics' format and cache, the report page's escaping and
// the admin role in certificates.
#include "server/admin_routes.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "report/report_html.h"
#include "server/http_listener.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"
#include "x509/role.h"

namespace certmint {
namespace {

class AdminRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(testing::InitTestCa(tmp_ / "pki", "Admin CA", now_));
    inventory_ = OpenInventory(tmp_ / "pki").value();
    service_.emplace(ServiceCa{*ca_, {ca_->certificate()}, std::nullopt}, inventory_.get());
    routes_.emplace(&service_.value(), inventory_.get(), &metrics_, [this] { return now_; });
  }

  // Issues `name` with `role` and records it as the valid certificate.
  Certificate Record(const std::string& name, Role role) {
    auto id = testing::IssueForTest(*ca_, testing::NodeRequest(name, role, {}, now_)).value();
    EXPECT_TRUE(inventory_->RecordIssued(name, id.certificate, ca_->certificate(), now_));
    EXPECT_TRUE(inventory_->Activate(name, id.certificate.SerialHex()));
    return id.certificate;
  }

  testing::TempDir tmp_;
  TimePoint now_ = std::chrono::system_clock::now();
  std::optional<CertificateAuthority> ca_;
  std::unique_ptr<Inventory> inventory_;
  std::optional<EnrollmentService> service_;
  ServiceMetrics metrics_;
  std::optional<AdminRoutes> routes_;
};

TEST_F(AdminRoutesTest, TheAdminRoleIsClientAuthWithCertmintsPurpose) {
  const Certificate admin = Record("admin-1", Role::kAdmin);
  EXPECT_EQ(RoleOf(admin), Role::kAdmin);
  EXPECT_EQ(RoleOf(Record("app", Role::kClient)), Role::kClient);
  EXPECT_EQ(ParseRole("admin").value(), Role::kAdmin);
  EXPECT_FALSE(HasServerAuth(Role::kAdmin));
  EXPECT_TRUE(HasServerAuth(Role::kBoth));
  const uint32_t xku = X509_get_extended_key_usage(admin.native());
  EXPECT_NE(xku & XKU_SSL_CLIENT, 0u);
  EXPECT_EQ(xku & XKU_SSL_SERVER, 0u);
}

TEST_F(AdminRoutesTest, RoleOfDerReadsTheSameRoleAsRoleOf) {
  for (const Role role : {Role::kServer, Role::kClient, Role::kBoth, Role::kAdmin}) {
    const Certificate cert = Record("node-" + std::string(RoleName(role)), role);
    EXPECT_EQ(RoleOfDer(cert.ToDer()).value(), role) << RoleName(role);
  }
  // The CA certificate has no extendedKeyUsage: every purpose.
  EXPECT_EQ(RoleOfDer(ca_->certificate().ToDer()).value(), Role::kBoth);
  EXPECT_FALSE(RoleOfDer("not DER"));
  EXPECT_FALSE(RoleOfDer(""));
}

TEST_F(AdminRoutesTest, OnlyAValidVerifiedAdminCertificateIsAnAdministrator) {
  const Certificate admin = Record("admin-1", Role::kAdmin);
  const Certificate client = Record("app", Role::kClient);
  EXPECT_TRUE(routes_->IsAdministrator({admin, X509_V_OK}));
  EXPECT_FALSE(routes_->IsAdministrator({std::nullopt, X509_V_OK}));
  EXPECT_FALSE(routes_->IsAdministrator({client, X509_V_OK}));
  EXPECT_FALSE(routes_->IsAdministrator({admin, X509_V_ERR_CERT_UNTRUSTED}));
  ASSERT_TRUE(inventory_->Revoke("admin-1", 1, now_));
  EXPECT_FALSE(routes_->IsAdministrator({admin, X509_V_OK}));
}

TEST_F(AdminRoutesTest, OthersGet403AndNothingOfTheInventory) {
  Record("secret-node", Role::kBoth);
  ServerOptions options;
  options.admin = &routes_.value();
  options.metrics = &metrics_;
  HttpRoutes http(&service_.value(), options);
  for (const char* path : {"/ui/", "/v1/inventory", "/metrics"}) {
    HttpRequest request{
        "GET", path, "", "", "127.0.0.1", [] { return PeerCertificate{std::nullopt, X509_V_OK}; }};
    const HttpResponse r = http.Answer(request);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(r.body.find("secret-node"), std::string::npos) << path;
  }
  const std::string scrape = metrics_.Render();
  EXPECT_NE(scrape.find("certmint_refusals_total{endpoint=\"ui\",reason=\"forbidden\"} 1"),
            std::string::npos)
      << scrape;
}

TEST_F(AdminRoutesTest, InventoryAndPageForAnAdministrator) {
  Record("node-1", Role::kBoth);
  const HttpResponse json = routes_->Answer({"GET", "/v1/inventory", "", "", "127.0.0.1", {}});
  ASSERT_EQ(json.status, 200) << json.body;
  const auto doc = nlohmann::json::parse(json.body);
  EXPECT_EQ(doc["certificates"].size(), 1u);
  EXPECT_EQ(doc["certificates"][0]["name"], "node-1");
  const HttpResponse page = routes_->Answer({"GET", "/ui/", "", "", "127.0.0.1", {}});
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("node-1"), std::string::npos);
  const HttpResponse post = routes_->Answer({"POST", "/ui/", "", "", "127.0.0.1", {}});
  EXPECT_EQ(post.status, 405);  // read-only
}

TEST_F(AdminRoutesTest, GaugesAreCachedForTheirTtl) {
  InventoryGaugeCache cache(inventory_.get(), std::chrono::seconds(5));
  Record("a", Role::kBoth);
  EXPECT_EQ(cache.Get(now_).by_status["valid"], 1);
  Record("b", Role::kBoth);
  EXPECT_EQ(cache.Get(now_ + std::chrono::seconds(1)).by_status["valid"], 1);
  // Past the TTL: the last measurement still, while a new one runs.
  EXPECT_EQ(cache.Get(now_ + std::chrono::seconds(6)).by_status["valid"], 1);
  InventoryGauges later;
  for (int i = 0; i < 500 && later.by_status["valid"] != 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    later = cache.Get(now_ + std::chrono::seconds(6));
  }
  EXPECT_EQ(later.by_status.at("valid"), 2);
  EXPECT_TRUE(later.up);
  const std::string text = RenderInventoryGauges(later, ca_->certificate(), false, now_);
  EXPECT_NE(text.find("certmint_inventory_up 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("certmint_certificates{status=\"valid\"} 2\n"), std::string::npos);
}

TEST(ServiceMetricsTest, CountsOutcomesRefusalsAndLatency) {
  ServiceMetrics m;
  m.Observe("/v1/enroll", 200, "", 0.003);
  m.Observe("/v1/enroll", 401, "token_used", 0.02);
  m.Observe("/v1/renew", 503, "inventory_unavailable", 7);
  m.Observe("/no/such/path\"{", 404, "not_found", 0.001);
  const std::string text = m.Render();
  for (const char* line :
       {"certmint_enrollments_total{outcome=\"issued\"} 1\n",
        "certmint_enrollments_total{outcome=\"refused\"} 1\n",
        "certmint_renewals_total{outcome=\"failed\"} 1\n",
        "certmint_refusals_total{endpoint=\"enroll\",reason=\"token_used\"} 1\n",
        "certmint_request_duration_seconds_bucket{endpoint=\"enroll\",le=\"0.005\"} 1\n",
        "certmint_request_duration_seconds_bucket{endpoint=\"renew\",le=\"+Inf\"} 1\n",
        "certmint_request_duration_seconds_count{endpoint=\"other\"} 1\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("no/such"), std::string::npos);  // a client's path is never a label
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(ReportPageTest, DataCannotLeaveTheirScriptBlock) {
  const nlohmann::json j{{"cn", "</script><script>alert(1)</script>&amp;\"'"}};
  const std::string safe = ScriptSafeJson(j);
  EXPECT_EQ(safe.find('<'), std::string::npos);
  EXPECT_EQ(safe.find('>'), std::string::npos);
  EXPECT_EQ(safe.find('&'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(safe), j);
  const std::string page = ReportPageHtml({{"certificates", nlohmann::json::array({j})}});
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find(ReportContentSecurityPolicy()), std::string::npos);
}

// A plain-HTTP handler that answers at once (as /metrics from its cache).
class QuickHandler final : public HttpHandler {
 public:
  HttpResponse Answer(const HttpRequest&) override {
    HttpResponse r;
    r.body = "ok\n";
    r.content_type = "text/plain";
    return r;
  }
  void Log(std::string_view, std::string_view, std::string_view,
           const HttpResponse&) const override {}
};

// One GET with Connection: close on 127.0.0.1:`port`; the status line, or
// "" after 5 s without an answer.
std::string QuickGet(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval five{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof(five));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string got;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    (void)!write(fd, request.data(), request.size());
    char buf[512];
    for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) {
      got.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return got.substr(0, got.find('\r'));
}

// A connection answered and closed before the accepting thread left
// HttpFront::Serve used to be destroyed there, under the lock its
// destructor takes: the listener deadlocked (seen under load on the admin
// listener). Many quick connections make that interleaving likely.
TEST(PlainListenerTest, QuickAnswersNeverDeadlockTheAcceptingThread) {
  QuickHandler handler;
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  auto listener = HttpListener::Bind(options, &handler, nullptr).value();
  std::thread serving([&] { (void)listener->Run(); });
  int answered = 0;
  for (; answered < 3000; ++answered) {
    if (QuickGet(listener->port()) != "HTTP/1.1 200 OK") {
      break;
    }
  }
  EXPECT_EQ(answered, 3000) << "the listener stopped answering";
  if (answered == 3000) {
    listener->Stop();
    serving.join();
  } else {  // deadlocked: leave it, so that the test ends
    serving.detach();
    (void)listener.release();
  }
}

TEST(AdminListenTest, LoopbackOnly) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "127.example.com", "128.0.0.1", ""}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace certmint
