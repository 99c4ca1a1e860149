// certmint serve, token, enroll and renew --server end to end: a real server
// process on 127.0.0.1, the real CLI as its client, raw HTTPS requests for
// the abuse cases, and the inventory checked after each refusal.
#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "ca/authority.h"
#include "e2e/service_fixture.h"
#include "enroll/enroll.h"
#include "enroll/token.h"
#include "inventory/inventory.h"
#include "server/certificate_keeper.h"
#include "x509/csr.h"
#include "x509/issue.h"

namespace certmint::testing {
namespace {

struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string retry_after;
};

// A raw request, the server not verified: for the abuse cases.
Reply Request(int port, const std::string& method, const std::string& path,
              const std::string& body = "", const std::string& type = "application/json") {
  httplib::SSLClient cli("127.0.0.1", port);
  cli.enable_server_certificate_verification(false);
  auto res = method == "GET" ? cli.Get(path.c_str()) : cli.Post(path.c_str(), body, type.c_str());
  Reply r;
  if (!res) {
    ADD_FAILURE() << "no answer: " << httplib::to_string(res.error());
    return r;
  }
  r.status = res->status;
  r.body = nlohmann::json::parse(res->body, nullptr, false);
  r.retry_after = res->get_header_value("Retry-After");
  return r;
}

std::string Code(const Reply& r) {
  return r.body.is_object() && r.body.contains("error") ? r.body["error"].value("code", "")
                                                        : std::string("(no error)");
}

std::string Csr(const PrivateKey& key, const std::string& cn, const SubjectAltNames& sans = {}) {
  return MakeCsrPem(key, DistinguishedName::CommonName(cn).value(), sans).value();
}

// The same request with one bit of its signature flipped.
std::string TamperSignature(const std::string& pem) {
  ossl::BioPtr in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509_REQ* req = PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr);
  const ASN1_BIT_STRING* sig = nullptr;
  X509_REQ_get0_signature(req, &sig, nullptr);
  const_cast<ASN1_BIT_STRING*>(sig)->data[10] ^= 0x01;
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(out.get(), req);
  X509_REQ_free(req);
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string EnrollBody(const std::string& token, const std::string& name, const std::string& csr) {
  return nlohmann::json{{"token", token}, {"name", name}, {"csr", csr}}.dump();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

TEST_F(ServiceTest, EnrollThreeNodesRenewOneOverMtls) {
  StartServer();
  for (const char* n : {"broker-1", "broker-2", "broker-3"}) {
    CreateToken(n, {"--ip", "127.0.0.1", "--dns", std::string(n) + ".kafka.test"});
    auto r = Enroll(n);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Enrolled CN=" + std::string(n)), std::string::npos) << r.out;
    const std::string dir = std::string("nodes/") + n + "/";
    auto v = Openssl({"verify", "-CAfile", "pki/ca.crt", dir + n + ".crt"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    auto text = Openssl({"x509", "-in", dir + n + ".crt", "-noout", "-ext", "subjectAltName"});
    EXPECT_NE(text.out.find("DNS:" + std::string(n) + ".kafka.test"), std::string::npos);
    EXPECT_NE(text.out.find("IP Address:127.0.0.1"), std::string::npos) << text.out;
    for (const char* f : {"keystore.p12", "truststore.jks", "kafka.properties",
                          "librdkafka.properties", "chain.pem"}) {
      EXPECT_TRUE(std::filesystem::exists(Path(dir + f))) << f;
    }
    EXPECT_EQ(FileMode(Path(dir + "keystore.p12")), 0600);
    auto verify = Certmint({"verify", "nodes/" + std::string(n), "--password-file", "store.pass",
                            "--host", "127.0.0.1"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  }
  auto before = Inventory();
  const std::string old_serial =
      Trim(Openssl({"x509", "-in", "nodes/broker-2/broker-2.crt", "-noout", "-serial"}).out);
  const std::string old_key =
      Openssl({"x509", "-in", "nodes/broker-2/broker-2.crt", "-noout", "-pubkey"}).out;
  auto renew = Certmint(
      {"renew", "broker-2", "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
  ASSERT_EQ(renew.exit_code, 0) << renew.err;
  EXPECT_NE(renew.out.find("Renewed broker-2 through"), std::string::npos) << renew.out;
  EXPECT_NE(Trim(Openssl({"x509", "-in", "nodes/broker-2/broker-2.crt", "-noout", "-serial"}).out),
            old_serial);
  EXPECT_NE(Openssl({"x509", "-in", "nodes/broker-2/broker-2.crt", "-noout", "-pubkey"}).out,
            old_key);  // a new key
  EXPECT_EQ(Openssl({"verify", "-CAfile", "pki/ca.crt", "nodes/broker-2/broker-2.crt"}).exit_code,
            0);
  auto after = Inventory();
  EXPECT_EQ(after.size(), before.size() + 1);
  int valid = 0;
  int superseded = 0;
  for (const auto& row : after) {
    if (row["name"] == "broker-2") {
      valid += row["status"] == "valid";
      superseded += row["status"] == "superseded";
    }
  }
  EXPECT_EQ(valid, 1);
  EXPECT_EQ(superseded, 1);
  // The superseded certificate cannot renew again (a stolen old keystore is
  // no way in): keep a copy of the old files and try.
  // --if-due: a fresh certificate is not due.
  auto cron = Certmint({"renew", "broker-2", "--server", url_, "--out", "nodes", "--if-due",
                        "--password-file", "store.pass"});
  EXPECT_EQ(cron.exit_code, 0) << cron.err;
  EXPECT_NE(cron.out.find("not due until"), std::string::npos) << cron.out;
  EXPECT_EQ(Inventory().size(), after.size());

  // The log names requests, never tokens, keys or requests' contents.
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->output();
  const std::string log = server_->output();
  EXPECT_NE(log.find("certmint serve: stopped"), std::string::npos) << log;
  EXPECT_NE(log.find("\"path\":\"/v1/renew\""), std::string::npos) << log;
  for (const char* n : {"broker-1", "broker-2", "broker-3"}) {
    EXPECT_EQ(log.find(Trim(ReadTextFile(Path(std::string(n) + ".token")))), std::string::npos);
  }
  EXPECT_EQ(log.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(log.find("REQUEST"), std::string::npos);
  server_.reset();
}

// An enrolled broker gets the same kind of Kafka principal as the manifest's
// brokers: the token carries the subject template, expanded for its name,
// and the service grants exactly that; a renewal keeps it.
TEST_F(ServiceTest, EnrolledNodeGetsTheTokensSubject) {
  StartServer();
  CreateToken("broker-5", {"--ip", "127.0.0.1", "--subject", "CN={name},OU=Kafka,O=Acme"});
  auto list = Certmint({"token", "list", "--dir", "pki", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto tokens = nlohmann::json::parse(list.out);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0]["subject"], "CN=broker-5,OU=Kafka,O=Acme") << list.out;
  auto r = Enroll("broker-5", {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["subject"], "CN=broker-5,OU=Kafka,O=Acme") << r.out;
  const auto subject = [&] {
    return Trim(Openssl({"x509", "-in", "nodes/broker-5/broker-5.crt", "-noout", "-subject",
                         "-nameopt", "RFC2253"})
                    .out);
  };
  EXPECT_EQ(subject(), "subject=CN=broker-5,OU=Kafka,O=Acme");
  auto renew = Certmint(
      {"renew", "broker-5", "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
  ASSERT_EQ(renew.exit_code, 0) << renew.err;
  EXPECT_EQ(subject(), "subject=CN=broker-5,OU=Kafka,O=Acme");
  // A template the name cannot fill is refused, naming the flag.
  auto bad = Certmint({"token", "create", "client", "--dir", "pki", "--subject", "CN=c-{n}"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--subject"), std::string::npos) << bad.err;
}

TEST_F(ServiceTest, RefusesAbuseAndWritesNothing) {
  StartServer();
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  const std::string token = Trim(ReadTextFile(Path("broker-1.token")));
  auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  const std::string good_csr = Csr(key, "broker-1");
  const auto rows = Inventory().size();

  struct Case {
    std::string what;
    Reply reply;
    int status;
    std::string code;
  };
  SubjectAltNames extra;
  extra.AddDns("broker-1");
  extra.AddDns("evil.example.com");
  // A request for CA:TRUE, made by the openssl CLI.
  ASSERT_EQ(Openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                     "k.pem"})
                .exit_code,
            0);
  ASSERT_EQ(Openssl({"req", "-new", "-key", "k.pem", "-subj", "/CN=broker-1", "-addext",
                     "basicConstraints=critical,CA:TRUE", "-out", "ca-req.pem"})
                .exit_code,
            0);
  const std::string ca_csr = ReadTextFile(Path("ca-req.pem"));
  const std::string weak = [&] {
    Openssl(
        {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "weak.pem"});
    Openssl({"req", "-new", "-key", "weak.pem", "-subj", "/CN=broker-1", "-out", "weak.csr"});
    return ReadTextFile(Path("weak.csr"));
  }();

  std::vector<Case> cases{
      {"malformed JSON", Request(port_, "POST", "/v1/enroll", "{\"token\": "), 400, "bad_request"},
      {"not an object", Request(port_, "POST", "/v1/enroll", "[1,2]"), 400, "bad_request"},
      {"unknown field",
       Request(
           port_, "POST", "/v1/enroll",
           nlohmann::json{{"token", token}, {"name", "broker-1"}, {"csr", good_csr}, {"role", "ca"}}
               .dump()),
       400, "bad_request"},
      {"oversized body", Request(port_, "POST", "/v1/enroll", std::string(200 * 1024, 'a')), 413,
       "body_too_large"},
      {"wrong content type",
       Request(port_, "POST", "/v1/enroll", EnrollBody(token, "broker-1", good_csr), "text/plain"),
       415, "unsupported_media_type"},
      {"bad signature",
       Request(port_, "POST", "/v1/enroll",
               EnrollBody(token, "broker-1", TamperSignature(good_csr))),
       400, "bad_csr_signature"},
      {"not a CSR", Request(port_, "POST", "/v1/enroll", EnrollBody(token, "broker-1", "hello")),
       400, "bad_csr"},
      {"extra names",
       Request(port_, "POST", "/v1/enroll",
               EnrollBody(token, "broker-1", Csr(key, "broker-1", extra))),
       403, "names_not_allowed"},
      {"CA:TRUE", Request(port_, "POST", "/v1/enroll", EnrollBody(token, "broker-1", ca_csr)), 403,
       "ca_not_allowed"},
      {"weak key", Request(port_, "POST", "/v1/enroll", EnrollBody(token, "broker-1", weak)), 400,
       "weak_key"},
      {"another name",
       Request(port_, "POST", "/v1/enroll", EnrollBody(token, "broker-2", Csr(key, "broker-2"))),
       403, "name_not_allowed"},
      {"another CN",
       Request(port_, "POST", "/v1/enroll", EnrollBody(token, "broker-1", Csr(key, "broker-2"))),
       403, "name_not_allowed"},
      {"unknown token",
       Request(port_, "POST", "/v1/enroll",
               EnrollBody("cmt_" + std::string(64, 'a'), "broker-1", good_csr)),
       401, "invalid_token"},
      {"malformed token",
       Request(port_, "POST", "/v1/enroll", EnrollBody("let-me-in", "broker-1", good_csr)), 401,
       "invalid_token"},
      {"renew without a client certificate",
       Request(port_, "POST", "/v1/renew", nlohmann::json{{"csr", good_csr}}.dump()), 401,
       "client_certificate_required"},
      {"unknown path", Request(port_, "GET", "/v2/enroll"), 404, "not_found"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.reply.status, c.status) << c.what << ": " << c.reply.body.dump();
    EXPECT_EQ(Code(c.reply), c.code) << c.what << ": " << c.reply.body.dump();
    EXPECT_TRUE(c.reply.body["error"]["message"].is_string()) << c.what;
  }
  // Nothing was recorded and the token is still unused...
  EXPECT_EQ(Inventory().size(), rows);
  ASSERT_EQ(Tokens().size(), 1u);
  EXPECT_EQ(Tokens()[0]["state"], "unused");
  // ...and a wrong CA pin sends nothing at all.
  auto pinned = Enroll("broker-1", {}, std::string(95, 'A'));
  EXPECT_EQ(pinned.exit_code, 2) << pinned.err;
  EXPECT_NE(pinned.err.find("--ca-fingerprint: expected"), std::string::npos) << pinned.err;
  std::string wrong = fingerprint_;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  auto mitm = Enroll("broker-1", {}, wrong);
  EXPECT_EQ(mitm.exit_code, 8) << mitm.err;
  EXPECT_NE(mitm.err.find("man in the middle"), std::string::npos) << mitm.err;
  EXPECT_FALSE(std::filesystem::exists(Path("nodes/broker-1")));
  EXPECT_EQ(Tokens()[0]["state"], "unused");

  // So it still works once, and only once.
  auto ok = Request(port_, "POST", "/v1/enroll", EnrollBody(token, "broker-1", good_csr));
  EXPECT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(Inventory().size(), rows + 1);
  auto replay = Request(port_, "POST", "/v1/enroll", EnrollBody(token, "broker-1", good_csr));
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(Code(replay), "token_used");
  auto replay_cli = Enroll("broker-1");
  EXPECT_EQ(replay_cli.exit_code, 8);
  EXPECT_NE(replay_cli.err.find("token_used"), std::string::npos) << replay_cli.err;

  // An expired token.
  CreateToken("broker-9", {"--ttl", "1s"});
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto expired = Enroll("broker-9");
  EXPECT_EQ(expired.exit_code, 8);
  EXPECT_NE(expired.err.find("token_expired"), std::string::npos) << expired.err;
  EXPECT_EQ(Inventory().size(), rows + 1);
}

TEST_F(ServiceTest, RevokedTokenIsRefused) {
  StartServer();
  auto created = Certmint(
      {"token", "create", "broker-1", "--dir", "pki", "--out", "broker-1.token", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string id = nlohmann::json::parse(created.out)["id"];
  auto revoke = Certmint({"token", "revoke", id, "--dir", "pki"});
  EXPECT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_NE(revoke.out.find("Revoked token " + id + " for broker-1"), std::string::npos);
  EXPECT_EQ(Tokens()[0]["state"], "revoked");
  auto again = Certmint({"token", "revoke", id, "--dir", "pki"});
  EXPECT_EQ(again.exit_code, 4) << again.err;
  EXPECT_EQ(Certmint({"token", "revoke", "deadbeef00", "--dir", "pki"}).exit_code, 3);
  auto r = Enroll("broker-1");
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_NE(r.err.find("token_revoked"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(Path("nodes/broker-1")));
}

TEST_F(ServiceTest, RenewalRefusesRevokedExpiredAndForeignCertificates) {
  StartServer();
  for (const char* n : {"broker-1", "broker-2"}) {
    CreateToken(n, {"--ip", "127.0.0.1"});
    ASSERT_EQ(Enroll(n).exit_code, 0);
  }
  // Revoked: refused, nothing rewritten.
  ASSERT_EQ(
      Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "superseded", "--yes"}).exit_code,
      0);
  const std::string before = ReadTextFile(Path("nodes/broker-1/broker-1.crt"));
  const auto rows = Inventory().size();
  auto revoked = Certmint(
      {"renew", "broker-1", "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
  EXPECT_EQ(revoked.exit_code, 8) << revoked.err;
  EXPECT_NE(revoked.err.find("certificate_revoked"), std::string::npos) << revoked.err;
  EXPECT_EQ(ReadTextFile(Path("nodes/broker-1/broker-1.crt")), before);
  // The way back: a new token, and enroll --replace (refused without it).
  std::filesystem::remove(Path("broker-1.token"));
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  auto kept = Enroll("broker-1");
  EXPECT_EQ(kept.exit_code, 4) << kept.err;
  EXPECT_NE(kept.err.find("--replace"), std::string::npos) << kept.err;
  EXPECT_EQ(ReadTextFile(Path("nodes/broker-1/broker-1.crt")), before);
  auto replaced = Enroll("broker-1", {"--replace"});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_NE(ReadTextFile(Path("nodes/broker-1/broker-1.crt")), before);
  EXPECT_EQ(Certmint({"verify", "nodes/broker-1", "--password-file", "store.pass"}).exit_code, 0);
  const auto rows_after_reenroll = Inventory().size();
  EXPECT_EQ(rows_after_reenroll, rows + 1) << "the re-enrolled certificate";

  // Expired, and from a foreign CA: made here with the library.
  auto ca = CertificateAuthority::Load(Path("pki"), SecretString("ca-password-123")).value();
  auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("broker-2").value();
  p.sans.AddIp("127.0.0.1");
  p.days = 1;
  p.now = std::chrono::system_clock::now() - std::chrono::hours(24 * 10);
  auto old = SignLeaf(ca.certificate(), ca.signer(), key.native(), p).value();
  {
    auto inv = OpenInventory(Path("pki")).value();
    ASSERT_TRUE(inv->RecordIssued("broker-2", old, ca.certificate(), p.now));
  }
  auto foreign_key = PrivateKey::Generate(DefaultKeySpec()).value();
  CaProfile fp;
  fp.subject = DistinguishedName::CommonName("Mallory CA").value();
  auto foreign_ca = SelfSignCa(*MakeKeySigner(foreign_key), fp).value();
  LeafProfile lp;
  lp.subject = DistinguishedName::CommonName("broker-2").value();
  auto foreign = SignLeaf(foreign_ca, *MakeKeySigner(foreign_key), key.native(), lp).value();

  const ServerUrl url = ParseServerUrl(url_).value();
  const std::vector<Certificate> anchors{ca.certificate()};
  const std::string csr = Csr(key, "broker-2");
  auto e1 = RenewWithServer(url, anchors, old, key, csr);
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code(), ErrorCode::kDenied);
  EXPECT_NE(e1.error().message().find("certificate has expired"), std::string::npos)
      << e1.error().message();
  auto e2 = RenewWithServer(url, anchors, foreign, key, csr);
  ASSERT_FALSE(e2);
  EXPECT_NE(e2.error().message().find("certificate_rejected"), std::string::npos)
      << e2.error().message();
  EXPECT_EQ(Inventory().size(), rows_after_reenroll + 1);  // only the expired one, by hand
}

TEST_F(ServiceTest, EveryRoleRenews) {
  StartServer();
  for (const char* role : {"server", "client", "both"}) {
    const std::string name = std::string("n-") + role;
    CreateToken(name, {"--ip", "127.0.0.1", "--role", role});
    ASSERT_EQ(Enroll(name).exit_code, 0);
    auto r = Certmint(
        {"renew", name, "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
    EXPECT_EQ(r.exit_code, 0) << role << ": " << r.err;
    auto eku = Openssl({"x509", "-in", "nodes/" + name + "/" + name + ".crt", "-noout", "-ext",
                        "extendedKeyUsage"});
    EXPECT_EQ(eku.out.find("TLS Web Server Authentication") != std::string::npos,
              std::string(role) != "client")
        << eku.out;
    EXPECT_EQ(eku.out.find("TLS Web Client Authentication") != std::string::npos,
              std::string(role) != "server")
        << eku.out;
  }
}

TEST_F(ServiceTest, RenewalAsksOnlyForItsOwnNames) {
  StartServer();
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  ASSERT_EQ(Enroll("broker-1").exit_code, 0);
  // The current identity, read back with the library.
  auto cert = Certificate::FromPem(ReadTextFile(Path("nodes/broker-1/broker-1.crt"))).value();
  const SecretString pw("store-password");
  auto key = PrivateKey::FromPem(ReadTextFile(Path("nodes/broker-1/broker-1.key")), &pw).value();
  auto ca = Certificate::FromPem(ReadTextFile(Path("pki/ca.crt"))).value();
  const ServerUrl url = ParseServerUrl(url_).value();
  SubjectAltNames more;
  more.AddIp("127.0.0.1");
  more.AddDns("admin.example.com");
  auto r = RenewWithServer(url, {ca}, cert, key, Csr(key, "broker-1", more));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("names_not_allowed"), std::string::npos)
      << r.error().message();
  auto r2 = RenewWithServer(url, {ca}, cert, key, Csr(key, "broker-2"));
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.error().message().find("name_not_allowed"), std::string::npos);
  // A superseded certificate cannot renew: renew once, then use the old one.
  auto first = RenewWithServer(url, {ca}, cert, key, Csr(key, "broker-1"));
  ASSERT_TRUE(first) << first.error().message();
  auto again = RenewWithServer(url, {ca}, cert, key, Csr(key, "broker-1"));
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message().find("certificate_superseded"), std::string::npos)
      << again.error().message();
}

TEST_F(ServiceTest, ConcurrentEnrollmentsLoseNothing) {
  StartServer({"--quiet", "--rate-limit", "0"});
  constexpr int kNodes = 24;
  std::vector<std::string> tokens;
  for (int i = 0; i < kNodes; ++i) {
    const std::string n = "node-" + std::to_string(i);
    CreateToken(n);
    tokens.push_back(Trim(ReadTextFile(Path(n + ".token"))));
  }
  const ServerUrl url = ParseServerUrl(url_).value();
  const std::string pin = NormalizeFingerprint(fingerprint_).value();
  std::vector<std::string> serials(kNodes);
  std::vector<std::string> errors(kNodes);
  std::vector<std::thread> threads;
  std::atomic<int> next{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i; (i = next.fetch_add(1)) < kNodes;) {
        EnrollRequestOptions o;
        o.url = url;
        o.ca_fingerprint = pin;
        o.name = "node-" + std::to_string(i);
        auto e = EnrollIdentity(o, SecretString(tokens[static_cast<size_t>(i)]));
        if (e) {
          serials[static_cast<size_t>(i)] = e->identity.certificate.SerialHex();
        } else {
          errors[static_cast<size_t>(i)] = e.error().message();
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (int i = 0; i < kNodes; ++i) {
    EXPECT_EQ(errors[static_cast<size_t>(i)], "") << i;
  }
  EXPECT_EQ(std::set<std::string>(serials.begin(), serials.end()).size(),
            static_cast<size_t>(kNodes));
  std::set<std::string> recorded;
  for (const auto& row : Inventory()) {
    if (row["name"].get<std::string>().rfind("node-", 0) == 0) {
      EXPECT_EQ(row["status"], "valid");
      recorded.insert(row["serial"].get<std::string>());
    }
  }
  EXPECT_EQ(recorded, std::set<std::string>(serials.begin(), serials.end()));
  for (const auto& t : Tokens()) {
    EXPECT_EQ(t["state"], "used");
  }
}

TEST_F(ServiceTest, RateLimitAnswers429) {
  StartServer({"--rate-limit", "1", "--burst", "3"});
  int limited = 0;
  std::string retry;
  for (int i = 0; i < 6; ++i) {
    auto r = Request(port_, "GET", "/v1/health");
    if (r.status == 429) {
      ++limited;
      retry = r.retry_after;
      EXPECT_EQ(Code(r), "rate_limited");
    } else {
      EXPECT_EQ(r.status, 200);
    }
  }
  EXPECT_GE(limited, 2);
  EXPECT_EQ(retry, "1");
}

TEST_F(ServiceTest, CaBundleCrlAndHealth) {
  StartServer();
  auto health = Request(port_, "GET", "/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body["status"], "ok");
  EXPECT_EQ(health.body["ca"]["sha256_fingerprint"], fingerprint_);
  auto bundle = Request(port_, "GET", "/v1/ca");
  ASSERT_EQ(bundle.status, 200);
  EXPECT_EQ(bundle.body["trust"][0], ReadTextFile(Path("pki/ca.crt")));
  // The CRL follows revocations made by another process.
  CreateToken("broker-1");
  ASSERT_EQ(Enroll("broker-1").exit_code, 0);
  ASSERT_EQ(
      Certmint({"revoke", "broker-1", "--dir", "pki", "--reason", "superseded", "--yes"}).exit_code,
      0);
  httplib::SSLClient cli("127.0.0.1", port_);
  cli.enable_server_certificate_verification(false);
  auto crl = cli.Get("/v1/crl.pem");
  ASSERT_TRUE(crl);
  EXPECT_EQ(crl->status, 200);
  WriteTextFile(Path("served.crl"), crl->body);
  auto check = Openssl({"crl", "-in", "served.crl", "-CAfile", "pki/ca.crt", "-noout", "-text"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  const std::string serial =
      Trim(Openssl({"x509", "-in", "nodes/broker-1/broker-1.crt", "-noout", "-serial"}).out)
          .substr(7);
  EXPECT_NE(check.out.find("Serial Number: " + serial), std::string::npos) << check.out;
  auto der = cli.Get("/v1/crl");
  ASSERT_TRUE(der);
  EXPECT_EQ(der->get_header_value("Content-Type"), "application/pkix-crl");
}

TEST_F(ServiceTest, RenewDaemonWaitsAndStopsOnSigterm) {
  StartServer();
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  ASSERT_EQ(Enroll("broker-1").exit_code, 0);
  BackgroundProcess daemon({CERTMINT_BINARY, "renew", "broker-1", "--server", url_, "--out",
                            "nodes", "--daemon", "--password-file", "store.pass"},
                           dir_.path());
  EXPECT_FALSE(daemon.WaitForLine("next renewal due at").empty()) << daemon.output();
  EXPECT_NE(daemon.output().find("not due until"), std::string::npos);
  EXPECT_EQ(daemon.Stop(SIGTERM), 0) << daemon.output();
  EXPECT_NE(daemon.output().find("certmint renew: stopped"), std::string::npos);
}

// A CA rotation through the service (docs/service.md, docs/ca-rotation.md):
// the previous CA cannot be retired while the inventory says an enrolled node
// or the service itself still uses it; after a restart of the service and a
// renewal of every node, it can.
TEST_F(ServiceTest, RotationRetiresOnlyAfterServiceRestartAndRenewals) {
  StartServer();
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  ASSERT_EQ(Enroll("broker-1").exit_code, 0);
  auto rot = Certmint({"ca", "rotate", "--dir", "pki", "--ca-password-file", "ca.pass"});
  ASSERT_EQ(rot.exit_code, 0) << rot.err;
  // The new CA certified by the previous one, for the service to present.
  auto cross = Openssl({"verify", "-CAfile", "pki/previous/ca.crt", "pki/previous/cross.crt"});
  EXPECT_EQ(cross.exit_code, 0) << cross.out << cross.err;
  EXPECT_EQ(Openssl({"x509", "-in", "pki/previous/cross.crt", "-noout", "-pubkey"}).out,
            Openssl({"x509", "-in", "pki/ca.crt", "-noout", "-pubkey"}).out);

  auto early = Certmint({"ca", "retire", "--dir", "pki"});
  EXPECT_EQ(early.exit_code, 9) << early.err;
  EXPECT_NE(early.err.find("current certificates of the previous CA: broker-1, certmint-serve"),
            std::string::npos)
      << early.err;
  EXPECT_NE(early.err.find("reload certmint serve (SIGHUP) or restart it"), std::string::npos)
      << early.err;
  EXPECT_TRUE(std::filesystem::exists(Path("pki/previous"))) << "nothing retired";

  // The restarted service signs with the new CA, hands out both roots and
  // still renews a certificate of the previous one: the node, which trusts
  // only the previous CA, verifies the service through the cross-certificate.
  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->output();
  StartServer();
  // A new node pinning the new CA (what serve now prints) enrolls too.
  CreateToken("broker-2", {"--ip", "127.0.0.1"});
  auto enroll = Enroll("broker-2");
  ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
  EXPECT_EQ(Openssl({"verify", "-CAfile", "pki/ca.crt", "nodes/broker-2/broker-2.crt"}).exit_code,
            0);
  auto renew = Certmint(
      {"renew", "broker-1", "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
  ASSERT_EQ(renew.exit_code, 0) << renew.err;
  auto v = Openssl({"verify", "-CAfile", "pki/ca.crt", "nodes/broker-1/broker-1.crt"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto trust =
      Certmint({"inspect", "nodes/broker-1/truststore.p12", "--password-file", "store.pass"});
  EXPECT_NE(trust.out.find("2 entries"), std::string::npos) << trust.out << trust.err;

  auto retire = Certmint({"ca", "retire", "--dir", "pki"});
  EXPECT_EQ(retire.exit_code, 0) << retire.err;
  EXPECT_FALSE(std::filesystem::exists(Path("pki/previous")));
  // Restarted after the retirement, the service no longer sends the
  // cross-certificate: only nodes that trust the new CA reach it.
  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->output();
  StartServer();
  const auto chain = ServerChain();
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[1].Sha256Fingerprint(), fingerprint_);
}

// The same rotation without a restart: SIGHUP makes the running service
// load the new CA (its key under a new password, read again from
// --ca-password-file), present the cross-certificate, renew a node of the
// previous CA, and let `ca retire` through; a second SIGHUP drops the
// previous CA. A reload that fails changes nothing.
TEST_F(ServiceTest, SighupReloadsTheCaAfterRotationAndRetirement) {
  StartServer();
  const std::string old_ca = fingerprint_;
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  ASSERT_EQ(Enroll("broker-1").exit_code, 0);
  WriteTextFile(Path("new.pass"), "new-ca-password-456\n");
  auto rot = Certmint({"ca", "rotate", "--dir", "pki", "--ca-password-file", "ca.pass",
                       "--new-ca-password-file", "new.pass"});
  ASSERT_EQ(rot.exit_code, 0) << rot.err;
  const std::string new_ca =
      CertificateAuthority::LoadCertificate(Path("pki"))->Sha256Fingerprint();
  ASSERT_NE(new_ca, old_ca);

  // Sends SIGHUP; the JSON line the reload logged.
  const auto reload = [&] {
    const size_t mark = server_->output().size();
    server_->Signal(SIGHUP);
    const std::string line = server_->WaitForLine("\"event\":\"ca_reload", 15000, mark);
    EXPECT_FALSE(line.empty()) << server_->output();
    return line.empty() ? nlohmann::json::object() : nlohmann::json::parse(line);
  };
  // The wrong password (ca.pass still holds the previous CA's): nothing
  // changes, and the service keeps serving with the previous CA.
  auto failed = reload();
  EXPECT_EQ(failed["event"], "ca_reload_failed");
  EXPECT_NE(failed["error"].get<std::string>().find("password"), std::string::npos) << failed;
  auto chain = ServerChain();
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[1].Sha256Fingerprint(), old_ca);

  WriteTextFile(Path("ca.pass"), "new-ca-password-456\n");
  size_t mark = server_->output().size();
  auto loaded = reload();
  EXPECT_EQ(loaded["event"], "ca_reloaded") << loaded;
  EXPECT_EQ(loaded["changed"], true);
  EXPECT_EQ(loaded["rotation"], true);
  EXPECT_EQ(loaded["ca_fingerprint"], new_ca);
  EXPECT_EQ(loaded["trust"], nlohmann::json::array({new_ca, old_ca}));
  ASSERT_FALSE(server_->WaitForLine("server_certificate_renewed", 15000, mark).empty())
      << server_->output();
  // Its new certificate is from the new CA, sent with the cross-certificate.
  chain = ServerChain();
  ASSERT_EQ(chain.size(), 2u);
  auto cross = Certificate::FromPem(ReadTextFile(Path("pki/previous/cross.crt")));
  ASSERT_TRUE(cross.has_value());
  EXPECT_EQ(chain[1].Sha256Fingerprint(), cross->Sha256Fingerprint());
  // The anchors /v1/ca hands out.
  const auto anchors = [&] {
    std::vector<std::string> out;
    const Reply reply = Request(port_, "GET", "/v1/ca");
    for (const auto& pem : reply.body["trust"]) {
      out.push_back(Certificate::FromPem(pem.get<std::string>())->Sha256Fingerprint());
    }
    return out;
  };
  EXPECT_EQ(anchors(), (std::vector<std::string>{new_ca, old_ca}));

  // A node of the previous CA, trusting only it, renews: its mTLS
  // certificate is verified against the reloaded anchors, and it gets a
  // certificate of the new CA.
  auto renew = Certmint(
      {"renew", "broker-1", "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
  ASSERT_EQ(renew.exit_code, 0) << renew.err;
  auto v = Openssl({"verify", "-CAfile", "pki/ca.crt", "nodes/broker-1/broker-1.crt"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  // A new node pinning the new CA enrolls, and renews with a client
  // certificate of the new CA.
  CreateToken("broker-2", {"--ip", "127.0.0.1"});
  auto enroll = Enroll("broker-2", {}, new_ca);
  ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
  auto renew2 = Certmint(
      {"renew", "broker-2", "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
  EXPECT_EQ(renew2.exit_code, 0) << renew2.err;

  // Nothing of the previous CA is current any more, the service's own
  // certificate included.
  auto retire = Certmint({"ca", "retire", "--dir", "pki"});
  ASSERT_EQ(retire.exit_code, 0) << retire.err;
  mark = server_->output().size();
  auto retired = reload();
  EXPECT_EQ(retired["event"], "ca_reloaded") << retired;
  EXPECT_EQ(retired["changed"], true);
  EXPECT_EQ(retired["rotation"], false);
  EXPECT_EQ(retired["trust"], nlohmann::json::array({new_ca}));
  ASSERT_FALSE(server_->WaitForLine("server_certificate_renewed", 15000, mark).empty())
      << server_->output();
  chain = ServerChain();
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[1].Sha256Fingerprint(), new_ca);
  EXPECT_EQ(anchors(), std::vector<std::string>{new_ca});

  // Nothing changed since: the reload says so and keeps the certificate.
  auto again = reload();
  EXPECT_EQ(again["event"], "ca_reloaded") << again;
  EXPECT_EQ(again["changed"], false);
  EXPECT_EQ(ServerChain().front().SerialHex(), chain.front().SerialHex());
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->output();
}

// The service's own certificate lasts --tls-days, and the service says when
// it will replace it.
TEST_F(ServiceTest, ServiceCertificateLastsTlsDays) {
  StartServer({"--tls-days", "7"});
  const auto chain = ServerChain();
  ASSERT_FALSE(chain.empty());
  const Certificate& cert = chain.front();
  EXPECT_EQ(cert.NotAfter() - cert.NotBefore(), std::chrono::hours(24 * 7) + kBackdate);
  EXPECT_NE(server_->output().find("renewed at " + FormatUtc(ServerCertificateKeeper::Due(cert))),
            std::string::npos)
      << server_->output();
  // Recorded in the inventory under certmint-serve.
  bool recorded = false;
  for (const auto& row : Inventory()) {
    recorded = recorded || (row["name"] == "certmint-serve" && row["serial"] == cert.SerialHex());
  }
  EXPECT_TRUE(recorded) << Inventory().dump(2);
}

// A CA that expires in two minutes cuts the service's certificate short, so
// it is due at once: the running service replaces it, logs so, and presents
// the new one.
TEST_F(ServiceTest, ServiceRenewsItsOwnCertificateWhenDue) {
  std::filesystem::remove_all(Path("pki"));
  CaInitOptions o;
  o.subject = DistinguishedName::CommonName("Short CA").value();
  o.days = 1;
  o.now = std::chrono::system_clock::now() - std::chrono::hours(24) + std::chrono::minutes(2);
  o.kdf_iterations = 1000;
  ASSERT_TRUE(CertificateAuthority::Init(Path("pki"), o, SecretString("ca-password-123")));
  StartServer();
  const std::string renewed = server_->WaitForLine("server_certificate_renewed");
  ASSERT_FALSE(renewed.empty()) << server_->output();
  const auto line = nlohmann::json::parse(renewed);
  const auto chain = ServerChain();
  ASSERT_FALSE(chain.empty());
  EXPECT_EQ(chain.front().SerialHex(), line["serial"]);
  // The first certificate is superseded by the new one in the inventory.
  std::vector<std::string> states;
  for (const auto& row : Inventory()) {
    if (row["name"] == "certmint-serve") {
      states.push_back(row["serial"] == line["serial"] ? "current" : "old");
    }
  }
  EXPECT_EQ(states.size(), 2u) << Inventory().dump(2);
  EXPECT_EQ(std::count(states.begin(), states.end(), "current"), 1);
  // Not again at once (ISO 8601 times sort as they follow each other).
  EXPECT_GT(line["renew_at"].get<std::string>(), line["time"].get<std::string>());
  EXPECT_EQ(server_->output().find("server_certificate_renewed",
                                   server_->output().find(renewed) + renewed.size()),
            std::string::npos)
      << server_->output();
}

TEST_F(ServiceTest, ServeRefusesBadSetup) {
  auto taken = Certmint(
      {"serve", "--dir", "pki", "--listen", "127.0.0.1:99999", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(taken.exit_code, 2) << taken.err;
  auto rate =
      Certmint({"serve", "--dir", "pki", "--rate-limit", "-1", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(rate.exit_code, 2) << rate.err;
  for (const char* days : {"0", "398"}) {
    auto tls_days =
        Certmint({"serve", "--dir", "pki", "--tls-days", days, "--ca-password-file", "ca.pass"});
    EXPECT_EQ(tls_days.exit_code, 2) << tls_days.err;
    EXPECT_NE(tls_days.err.find("--tls-days"), std::string::npos) << tls_days.err;
  }
  auto wrong_pw = Certmint(
      {"serve", "--dir", "pki", "--listen", "127.0.0.1:0", "--ca-password-file", "store.pass"});
  EXPECT_EQ(wrong_pw.exit_code, 5) << wrong_pw.err;
  auto no_ca = Certmint({"serve", "--dir", "nowhere", "--ca-password-file", "ca.pass"});
  EXPECT_EQ(no_ca.exit_code, 3) << no_ca.err;
  auto http = Certmint({"enroll", "http://127.0.0.1:1", "--name", "a", "--token-file", "x",
                        "--ca-fingerprint", "AA"});
  EXPECT_EQ(http.exit_code, 2);
  EXPECT_NE(http.err.find("https://"), std::string::npos) << http.err;
  auto token_argv = Certmint({"token", "create", "n", "--dir", "pki", "--ttl", "0s"});
  EXPECT_EQ(token_argv.exit_code, 2) << token_argv.err;
}

TEST_F(ServiceTest, NoSecretInAnyServiceOutput) {
  StartServer();
  std::string printed;
  auto run = [&](std::vector<std::string> args, RunOptions o = {}) {
    auto r = Certmint(std::move(args), std::move(o));
    printed += r.out + r.err;
    return r;
  };
  ASSERT_EQ(run({"token", "create", "broker-1", "--dir", "pki", "--ip", "127.0.0.1", "--out",
                 "broker-1.token"},
                RunOptions{.umask = 0000})
                .exit_code,
            0);
  EXPECT_EQ(FileMode(Path("broker-1.token")), 0600);
  ASSERT_EQ(
      run({"token", "create", "broker-2", "--dir", "pki", "--out", "broker-2.token", "--json"})
          .exit_code,
      0);
  run({"token", "list", "--dir", "pki", "--json"});
  run({"token", "list", "--dir", "pki"});
  ASSERT_EQ(run({"enroll", url_, "--name", "broker-1", "--token-file", "broker-1.token",
                 "--ca-fingerprint", fingerprint_, "--out", "nodes", "--json"})
                .exit_code,
            0);
  run({"enroll", url_, "--name", "broker-1", "--token-file", "broker-1.token", "--ca-fingerprint",
       fingerprint_, "--out", "again", "--verbose"});  // replayed
  run({"enroll", url_, "--name", "broker-2", "--ca-fingerprint", fingerprint_, "--out", "nodes",
       "--password-file", "store.pass"},
      RunOptions{.env = {{"CERTMINT_TOKEN", Trim(ReadTextFile(Path("broker-2.token")))}}});
  run({"renew", "broker-1", "--server", url_, "--out", "nodes", "--verbose"});
  run({"renew", "broker-2", "--server", url_, "--out", "nodes", "--password-file", "store.pass"});
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  printed += server_->output();
  server_.reset();

  for (const char* n : {"broker-1", "broker-2"}) {
    const std::string token = Trim(ReadTextFile(Path(std::string(n) + ".token")));
    ASSERT_EQ(token.size(), kTokenLength);
    EXPECT_EQ(printed.find(token), std::string::npos) << "token printed";
    EXPECT_EQ(printed.find(token.substr(4, 40)), std::string::npos) << "token part printed";
  }
  EXPECT_EQ(printed.find("ca-password-123"), std::string::npos);
  EXPECT_EQ(printed.find("store-password"), std::string::npos);
  const std::string generated = ReadTextFile(Path("nodes/broker-1/password")).substr(0, 32);
  EXPECT_EQ(printed.find(generated), std::string::npos);
  EXPECT_EQ(printed.find("-----BEGIN"), std::string::npos) << printed;
  // The inventory stores the token's hash only.
  const std::string db = ReadTextFile(Path("pki/inventory.db")) +
                         (std::filesystem::exists(Path("pki/inventory.db-wal"))
                              ? ReadTextFile(Path("pki/inventory.db-wal"))
                              : std::string());
  const std::string token = Trim(ReadTextFile(Path("broker-1.token")));
  EXPECT_EQ(db.find(token.substr(4)), std::string::npos);
  EXPECT_NE(db.find(HashEnrollmentToken(token)), std::string::npos);
}

// cpp-httplib adds the system's CA bundle to a client's custom trust store;
// certmint must trust its own anchors only. Here an impostor holds a
// certificate for 127.0.0.1 from a CA the "system" trusts (SSL_CERT_FILE):
// a renewal must refuse it before sending anything.
TEST_F(ServiceTest, PinnedTrustIgnoresTheSystemCaBundle) {
  StartServer();
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  ASSERT_EQ(Enroll("broker-1").exit_code, 0);
  ASSERT_EQ(Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", "public-ca.key", "-out", "public-ca.crt", "-subj",
                     "/CN=Some Public CA", "-days", "2"})
                .exit_code,
            0);
  ASSERT_EQ(Openssl({"req",
                     "-newkey",
                     "ec",
                     "-pkeyopt",
                     "ec_paramgen_curve:P-256",
                     "-nodes",
                     "-keyout",
                     "impostor.key",
                     "-subj",
                     "/CN=impostor",
                     "-addext",
                     "subjectAltName=IP:127.0.0.1",
                     "-x509",
                     "-CA",
                     "public-ca.crt",
                     "-CAkey",
                     "public-ca.key",
                     "-days",
                     "2",
                     "-out",
                     "impostor.crt"})
                .exit_code,
            0);
  BackgroundProcess impostor({"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert",
                              "impostor.crt", "-key", "impostor.key", "-www"},
                             dir_.path());
  const std::string line = impostor.WaitForLine("ACCEPT");
  ASSERT_FALSE(line.empty()) << impostor.output();
  const std::string url = "https://127.0.0.1:" + line.substr(line.rfind(':') + 1);
  // The impostor is trusted by the "system" store: openssl's default paths
  // take SSL_CERT_FILE.
  auto probe = Openssl({"verify", "-CAfile", "public-ca.crt", "impostor.crt"});
  ASSERT_EQ(probe.exit_code, 0) << probe.out << probe.err;
  const std::string before = ReadTextFile(Path("nodes/broker-1/broker-1.crt"));
  auto r = Certmint(
      {"renew", "broker-1", "--server", url, "--out", "nodes", "--password-file", "store.pass"},
      RunOptions{.env = {{"SSL_CERT_FILE", Path("public-ca.crt")}}});
  EXPECT_EQ(r.exit_code, 8) << r.out << r.err;
  EXPECT_NE(r.err.find("not trusted"), std::string::npos) << r.err;
  EXPECT_EQ(ReadTextFile(Path("nodes/broker-1/broker-1.crt")), before);
}

}  // namespace
}  // namespace certmint::testing
