// `certmint serve --status-listen`, end to end with real clients: the
// openssl CLI as an OCSP client verifies the answers against the CA (POST
// and GET), curl fetches the CRL, `certmint revoke` in another process shows
// in both within seconds, and hostile clients meet the HTTPS front's limits
// on the plain listener too.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "e2e/service_fixture.h"
#include "support/hostile_client.h"

namespace certmint::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class StatusTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    auto r = Certmint({"ca", "set-url", "--dir", "pki", "http://127.0.0.1:9"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* n : {"node-1", "node-2"}) {
      Issue(n);
    }
  }

  void Issue(const std::string& name) {
    auto r = Certmint({"issue", name, "--dir", "pki", "--out", "certs", "--ca-password-file",
                       "ca.pass", "--format", "pem", "--password-file", "store.pass"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void StartWithStatus(std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--status-listen", "127.0.0.1:0"});
    StartServer(extra);
    const std::string line = server_->WaitForLine("status listener on http://");
    ASSERT_FALSE(line.empty()) << server_->output();
    const size_t at = line.find("http://127.0.0.1:") + std::string("http://127.0.0.1:").size();
    status_port_ = std::stoi(line.substr(at));
    status_url_ = "http://127.0.0.1:" + std::to_string(status_port_);
  }

  // The plain-HTTP front's limits on `port` (the status and the admin
  // listener): headers past the limit get 431 (GET `get_path`), a body
  // announced past it 413 at once (POST `post_path`); then, while 40 idle
  // clients from one address and 8 slow ones hold connections, the
  // per-address cap closes those past 32 and `answer` (a request that must
  // succeed) takes under 3 s.
  void ExpectTheFrontsLimits(int port, const std::string& get_path, const std::string& post_path,
                             const std::function<void()>& answer) {
    auto flood = TlsClient::Connect(port, "127.0.0.1", /*handshake=*/false);
    ASSERT_TRUE(flood);
    flood->Send("GET " + get_path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                "\r\n\r\n");
    EXPECT_EQ(flood->ReadStatus(3000), 431);
    auto big = TlsClient::Connect(port, "127.0.0.1", false);
    ASSERT_TRUE(big);
    big->Send("POST " + post_path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
    EXPECT_EQ(big->ReadStatus(3000), 413);
    Crowd idle(port, Crowd::Kind::kIdleTcp, 40, "127.0.0.2");
    // Plain HTTP: heads a byte every 500 ms (a TLS hello would be refused).
    Crowd slow(port, Crowd::Kind::kSlowHeaders, 8, "127.0.0.3", milliseconds(500),
               Target{/*tls=*/false, post_path, "application/octet-stream"});
    idle.WaitReady(32, 5000);
    EXPECT_TRUE(slow.WaitReady(8, 5000)) << "slow heads connected";
    // The service closes the 8 past the cap as it accepts them; a client
    // sees that only when it reads (under load, after WaitReady returned).
    const auto deadline = steady_clock::now() + milliseconds(5000);
    while (idle.open() > 32 && steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(20));
    }
    EXPECT_LE(idle.open(), 32) << "the per-address cap";
    const auto start = steady_clock::now();
    answer();
    EXPECT_LT(steady_clock::now() - start, milliseconds(3000));
  }

  std::string Cert(const std::string& name) { return "certs/" + name + "/" + name + ".crt"; }

  // `openssl ocsp` as a client: asks about `name`'s certificate (or
  // -serial), verifies the answer against the CA; its stdout and stderr.
  ProcessResult Ask(const std::vector<std::string>& what, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"ocsp",       "-issuer", "pki/ca.crt",          "-CAfile",
                                  "pki/ca.crt", "-url",    status_url_ + "/ocsp", "-timeout",
                                  "5"};
    args.insert(args.end(), what.begin(), what.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return Openssl(args);
  }

  // Polls until `done` or `limit` passed; the time it took.
  template <typename F>
  milliseconds Until(F done, milliseconds limit) {
    const auto start = steady_clock::now();
    while (!done() && steady_clock::now() - start < limit) {
      std::this_thread::sleep_for(milliseconds(100));
    }
    return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
  }

  ProcessResult Curl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"curl", "-s", "--max-time", "5"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions o;
    o.cwd = dir_.path();
    return RunProcess(argv, o);
  }

  int status_port_ = 0;
  std::string status_url_;
};

TEST_F(StatusTest, CertificatesOfACaWithAUrlSayWhereTheirStatusIs) {
  auto text = Openssl({"x509", "-in", Cert("node-1"), "-noout", "-text"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("OCSP - URI:http://127.0.0.1:9/ocsp"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("X509v3 CRL Distribution Points"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("URI:http://127.0.0.1:9/crl.der"), std::string::npos) << text.out;
  // Cleared: today's profile again.
  auto r = Certmint({"ca", "set-url", "--dir", "pki", "--clear"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Issue("node-3");
  auto plain = Openssl({"x509", "-in", Cert("node-3"), "-noout", "-text"});
  EXPECT_EQ(plain.out.find("Authority Information Access"), std::string::npos) << plain.out;
  EXPECT_EQ(plain.out.find("CRL Distribution"), std::string::npos) << plain.out;
  // A bad URL is refused with the flag named; nothing changes.
  auto bad = Certmint({"ca", "set-url", "--dir", "pki", "https://ca.example.com"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--url"), std::string::npos) << bad.err;
  auto init = Certmint({"ca", "init", "--dir", "pki2", "--url", "http://ca.example.com:8080",
                        "--ca-password-file", "ca.pass"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(ReadTextFile(dir_ / "pki2/settings.json").find("http://ca.example.com:8080"),
            std::string::npos);
}

TEST_F(StatusTest, OpensslVerifiesGoodRevokedAndUnknown) {
  ASSERT_EQ(Certmint({"revoke", "node-2", "--dir", "pki", "--reason", "key-compromise", "--yes"})
                .exit_code,
            0);
  StartWithStatus();
  auto good = Ask({"-cert", Cert("node-1")});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_NE(good.out.find(Cert("node-1") + ": good"), std::string::npos) << good.out;
  EXPECT_NE(good.err.find("Response verify OK"), std::string::npos) << good.err;
  // A nonce is sent by default and must come back (no "WARNING: no nonce").
  EXPECT_EQ(good.err.find("nonce"), std::string::npos) << good.err;
  EXPECT_EQ(good.out.find("nonce"), std::string::npos) << good.out;

  auto revoked = Ask({"-cert", Cert("node-2")});
  EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_NE(revoked.out.find(Cert("node-2") + ": revoked"), std::string::npos) << revoked.out;
  EXPECT_NE(revoked.out.find("Reason: keyCompromise"), std::string::npos) << revoked.out;
  EXPECT_NE(revoked.out.find("Revocation Time"), std::string::npos) << revoked.out;

  auto unknown = Ask({"-serial", "0x1234567890"});
  EXPECT_EQ(unknown.exit_code, 0) << unknown.err;
  EXPECT_NE(unknown.out.find(": unknown"), std::string::npos) << unknown.out;

  // The answer text: a delegated responder, thisUpdate/nextUpdate, the
  // nonce echoed.
  auto text = Ask({"-cert", Cert("node-1")}, {"-resp_text"});
  EXPECT_NE(text.out.find("Responder Id"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("OCSP Signing"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("OCSP No Check"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("OCSP Nonce"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Next Update"), std::string::npos) << text.out;
}

TEST_F(StatusTest, GetAndPostBothWork) {
  StartWithStatus();
  auto req = Openssl({"ocsp", "-issuer", "pki/ca.crt", "-cert", Cert("node-1"), "-reqout",
                      "req.der", "-no_nonce"});
  ASSERT_EQ(req.exit_code, 0) << req.err;
  // GET: the request base64-encoded (and URL-encoded) after /ocsp/.
  auto b64 = Openssl({"base64", "-A", "-in", "req.der"});
  ASSERT_EQ(b64.exit_code, 0);
  std::string encoded;
  for (char c : b64.out) {
    encoded += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
  }
  auto get = Curl(
      {"-o", "get.der", "-w", "%{http_code} %{content_type}", status_url_ + "/ocsp/" + encoded});
  EXPECT_EQ(get.out, "200 application/ocsp-response") << get.err;
  auto get_check = Openssl({"ocsp", "-respin", "get.der", "-issuer", "pki/ca.crt", "-cert",
                            Cert("node-1"), "-CAfile", "pki/ca.crt"});
  EXPECT_EQ(get_check.exit_code, 0) << get_check.err;
  EXPECT_NE(get_check.out.find(": good"), std::string::npos) << get_check.out;
  // Unencoded base64 works too (some clients leave '/' and '+' as they are).
  auto raw = Curl({"-o", "raw.der", "-w", "%{http_code}", status_url_ + "/ocsp/" + b64.out});
  EXPECT_EQ(raw.out, "200");
  // POST.
  auto post =
      Curl({"-o", "post.der", "-w", "%{http_code}", "-H", "Content-Type: application/ocsp-request",
            "--data-binary", "@req.der", status_url_ + "/ocsp"});
  EXPECT_EQ(post.out, "200");
  auto post_check = Openssl({"ocsp", "-respin", "post.der", "-issuer", "pki/ca.crt", "-cert",
                             Cert("node-1"), "-CAfile", "pki/ca.crt"});
  EXPECT_NE(post_check.out.find(": good"), std::string::npos) << post_check.out;
}

TEST_F(StatusTest, RevokeInAnotherProcessShowsInOcspAndTheCrlWithinSeconds) {
  StartWithStatus();
  auto before =
      Curl({"-o", "before.der", "-w", "%{http_code} %{content_type}", status_url_ + "/crl.der"});
  ASSERT_EQ(before.out, "200 application/pkix-crl");
  auto listed = Openssl(
      {"crl", "-inform", "DER", "-in", "before.der", "-CAfile", "pki/ca.crt", "-noout", "-text"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.err.find("verify OK"), std::string::npos) << listed.err;
  EXPECT_NE(listed.out.find("No Revoked Certificates"), std::string::npos) << listed.out;
  ASSERT_NE(Ask({"-cert", Cert("node-1")}).out.find(": good"), std::string::npos);

  ASSERT_EQ(
      Certmint({"revoke", "node-1", "--dir", "pki", "--reason", "superseded", "--yes"}).exit_code,
      0);
  const auto revoked_at = steady_clock::now();
  const milliseconds ocsp = Until(
      [&] {
        return Ask({"-cert", Cert("node-1")}).out.find(": revoked") != std::string::npos;
      },
      milliseconds(5000));
  EXPECT_LT(ocsp, milliseconds(2000)) << "OCSP still says good";
  auto serial = Openssl({"x509", "-in", Cert("node-1"), "-noout", "-serial"}).out;
  serial = serial.substr(serial.find('=') + 1);
  serial.erase(serial.find_last_not_of('\n') + 1);
  Until(
      [&] {
        Curl({"-o", "after.der", status_url_ + "/crl.der"});
        auto text = Openssl({"crl", "-inform", "DER", "-in", "after.der", "-noout", "-text"});
        return text.out.find(serial) != std::string::npos;
      },
      milliseconds(10000));
  const auto crl = std::chrono::duration_cast<milliseconds>(steady_clock::now() - revoked_at);
  EXPECT_LT(crl, milliseconds(5000)) << "the CRL does not list the revoked serial";
  auto after = Openssl(
      {"crl", "-inform", "DER", "-in", "after.der", "-CAfile", "pki/ca.crt", "-noout", "-text"});
  EXPECT_NE(after.out.find("Superseded"), std::string::npos) << after.out;
  EXPECT_NE(server_->WaitForLine("\"crl_signed\"", 1000).find("crl_signed"), std::string::npos);
  std::cerr << "revocation visible: OCSP " << ocsp.count() << " ms, CRL " << crl.count() << " ms\n";
}

TEST_F(StatusTest, BadRequestsGetOcspErrorsOrHttpErrorsNeverACrash) {
  StartWithStatus();
  auto code = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"-o", "out.der", "-w", "%{http_code}"});
    return Curl(args).out;
  };
  // Malformed: an OCSP malformedRequest (status 1) in a 200.
  EXPECT_EQ(code({"--data-binary", "garbage", "-H", "Content-Type: application/ocsp-request",
                  status_url_ + "/ocsp"}),
            "200");
  EXPECT_EQ(ReadTextFile(dir_ / "out.der"), std::string("\x30\x03\x0a\x01\x01", 5));
  EXPECT_EQ(code({status_url_ + "/ocsp/%%%"}), "200");
  EXPECT_EQ(ReadTextFile(dir_ / "out.der"), std::string("\x30\x03\x0a\x01\x01", 5));
  // Another CA's certificate: unauthorized (6).
  ASSERT_EQ(Certmint({"ca", "init", "--dir", "other", "--ca-password-file", "ca.pass"}).exit_code,
            0);
  ASSERT_EQ(Certmint({"issue", "x", "--dir", "other", "--out", "othercerts", "--ca-password-file",
                      "ca.pass", "--format", "pem"})
                .exit_code,
            0);
  auto foreign = Openssl({"ocsp", "-issuer", "other/ca.crt", "-cert", "othercerts/x/x.crt", "-url",
                          status_url_ + "/ocsp", "-CAfile", "other/ca.crt"});
  EXPECT_NE((foreign.out + foreign.err).find("Responder Error: unauthorized"), std::string::npos)
      << foreign.err << foreign.out;
  // Wrong media type, method, path.
  EXPECT_EQ(code({"--data-binary", "x", "-H", "Content-Type: text/plain", status_url_ + "/ocsp"}),
            "415");
  EXPECT_EQ(code({status_url_ + "/ocsp"}), "405");
  EXPECT_EQ(code({"-X", "POST", "--data-binary", "x", status_url_ + "/crl.der"}), "405");
  EXPECT_EQ(code({status_url_ + "/v1/enroll"}), "404");
  // Too large: the front's 413, before the body is read.
  WriteTextFile(dir_ / "big.bin", std::string(64 * 1024, 'x'));
  EXPECT_EQ(code({"--data-binary", "@big.bin", "-H", "Content-Type: application/ocsp-request",
                  status_url_ + "/ocsp"}),
            "413");
  // Still answering.
  EXPECT_NE(Ask({"-cert", Cert("node-1")}).out.find(": good"), std::string::npos);
  EXPECT_EQ(server_->output().find("AddressSanitizer"), std::string::npos);
}

TEST_F(StatusTest, HostileClientsMeetTheFrontsLimits) {
  StartWithStatus();
  // A POST without a length: 411.
  auto nolen = TlsClient::Connect(status_port_, "127.0.0.1", false);
  ASSERT_TRUE(nolen);
  nolen->Send("POST /ocsp HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(nolen->ReadStatus(3000), 411);
  ExpectTheFrontsLimits(status_port_, "/crl.der", "/ocsp", [&] {
    EXPECT_NE(Ask({"-cert", Cert("node-1")}).out.find(": good"), std::string::npos);
  });
}

// The admin listener (--admin-listen, issue 24) is the same plain-HTTP front
// with the same limits, and /metrics is answered while clients wait.
TEST_F(StatusTest, HostileClientsMeetTheAdminListenersLimits) {
  StartServer({"--admin-listen", "127.0.0.1:0"});
  const std::string line = server_->WaitForLine("Admin listener on http://127.0.0.1:");
  ASSERT_FALSE(line.empty()) << server_->output();
  const size_t at = line.find("127.0.0.1:") + std::string("127.0.0.1:").size();
  const int port = std::stoi(line.substr(at));
  ExpectTheFrontsLimits(port, "/metrics", "/metrics", [&] {
    auto scrape = TlsClient::Connect(port, "127.0.0.1", false);
    ASSERT_TRUE(scrape);
    scrape->Send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(scrape->ReadStatus(3000), 200);
  });
}

}  // namespace
}  // namespace certmint::testing
