// EnrollmentService without HTTP: what each request gets, and what the
// inventory holds afterwards.
#include "server/service.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/ossl.h"
#include "enroll/protocol.h"
#include "enroll/token.h"
#include "support/openssl_fixtures.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"
#include "x509/csr.h"
#include "x509/issue.h"

namespace certmint {
namespace {

class EnrollmentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(CertificateAuthority::Init(tmp_ / "pki", testing::FastCaOptions("Service CA"),
                                           SecretString("ca-password"))
                    .value());
    inventory_ = OpenInventory(tmp_ / "pki").value();
    service_.emplace(ServiceCa{*ca_, {}, std::nullopt}, inventory_.get());
  }

  std::string Token(const std::string& name, Role role = Role::kBoth,
                    std::chrono::seconds ttl = std::chrono::hours(1)) {
    auto token = MakeEnrollmentToken().value();
    TokenGrant g;
    g.name = name;
    g.sans.AddDns(name + ".example");
    g.sans.AddIp("10.0.0.1");
    g.role = role;
    g.days = 30;
    g.expires_at = std::chrono::system_clock::now() + ttl;
    EXPECT_TRUE(inventory_->AddToken(HashEnrollmentToken(token.reveal()), g,
                                     std::chrono::system_clock::now()));
    return std::string(token.reveal());
  }

  std::string Body(const std::string& token, const std::string& name, const PrivateKey& key,
                   const SubjectAltNames& sans = {}) {
    return nlohmann::json{
        {"token", token},
        {"name", name},
        {"csr", MakeCsrPem(key, DistinguishedName::CommonName(name).value(), sans).value()}}
        .dump();
  }

  size_t Rows() { return inventory_->List({}, std::chrono::system_clock::now()).value().size(); }

  testing::TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
  std::unique_ptr<Inventory> inventory_;
  std::optional<EnrollmentService> service_;
  PrivateKey key_ = PrivateKey::Generate(DefaultKeySpec()).value();
};

TEST_F(EnrollmentServiceTest, EnrollGrantsTheTokensNamesAndRole) {
  const auto now = std::chrono::system_clock::now();
  auto r = service_->Enroll(Body(Token("node-1", Role::kClient), "node-1", key_), now);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->name, "node-1");
  auto issued = *r;
  EXPECT_EQ(issued.certificate.Sans().ToString(), "DNS:node-1.example, IP:10.0.0.1");
  EXPECT_EQ(RoleOf(issued.certificate), Role::kClient);
  EXPECT_TRUE(issued.certificate.MatchesKey(key_));
  const auto life = issued.certificate.NotAfter() - issued.certificate.NotBefore();
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::hours>(life).count(),
            30 * 24 + 0 + std::chrono::duration_cast<std::chrono::hours>(kBackdate).count());
  ASSERT_EQ(issued.trust.size(), 1u);
  EXPECT_EQ(issued.trust[0].Sha256Fingerprint(), ca_->certificate().Sha256Fingerprint());
  auto rec = inventory_->FindBySerial(issued.certificate.SerialHex()).value();
  EXPECT_EQ(rec.status, CertStatus::kValid);
  EXPECT_EQ(rec.name, "node-1");

  // A subset of the names is fine; the certificate carries just that.
  SubjectAltNames one;
  one.AddIp("10.0.0.1");
  auto sub = service_->Enroll(Body(Token("node-2"), "node-2", key_, one), now);
  ASSERT_TRUE(sub) << sub.error().message;
  EXPECT_EQ(sub->certificate.Sans().ToString(), "IP:10.0.0.1");
}

// A token made with a subject template grants exactly that subject (Kafka's
// principal), whatever the request asks for, and renewals keep it.
TEST_F(EnrollmentServiceTest, EnrollGrantsTheTokensSubjectAndRenewalsKeepIt) {
  const auto now = std::chrono::system_clock::now();
  RequestFlags flags;
  flags.subject = "CN={name},OU=Kafka,O=Acme,L=Rack {n}";
  auto grant = MakeTokenGrant("broker-5", flags, std::chrono::hours(1), now);
  ASSERT_TRUE(grant) << grant.error().ToString();
  EXPECT_EQ(grant->subject, "CN=broker-5,OU=Kafka,O=Acme,L=Rack 5");
  auto token = MakeEnrollmentToken().value();
  ASSERT_TRUE(inventory_->AddToken(HashEnrollmentToken(token.reveal()), *grant, now));
  const std::string body = nlohmann::json{
      {"token", std::string(token.reveal())},
      {"name", "broker-5"},
      {"csr", MakeCsrPem(key_, DistinguishedName::Parse("CN=broker-5,O=Other").value(), {})
                  .value()}}.dump();
  auto r = service_->Enroll(body, now);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->certificate.Subject().ToString(), "CN=broker-5,OU=Kafka,O=Acme,L=Rack 5");
  EXPECT_EQ(TokenJson(inventory_->FindToken(HashEnrollmentToken(token.reveal())).value(), now)
                .at("subject"),
            "CN=broker-5,OU=Kafka,O=Acme,L=Rack 5");

  const std::string renew_body = RenewRequestJson(
      MakeCsrPem(key_, DistinguishedName::CommonName("broker-5").value(), {}).value());
  auto renewed = service_->Renew(renew_body, PeerCertificate{r->certificate, X509_V_OK}, now);
  ASSERT_TRUE(renewed) << renewed.error().message;
  EXPECT_EQ(renewed->certificate.Subject().ToString(), "CN=broker-5,OU=Kafka,O=Acme,L=Rack 5");

  // A token without a subject grants CN=NAME, as before.
  auto plain = service_->Enroll(Body(Token("node-1"), "node-1", key_), now);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->certificate.Subject().ToString(), "CN=node-1");
}

TEST(TokenGrantTest, SubjectTemplatesAreCheckedAndNamed) {
  const auto now = std::chrono::system_clock::now();
  RequestFlags flags;
  flags.subject = "CN={name}-{n}";
  auto no_number = MakeTokenGrant("client", flags, std::chrono::hours(1), now);
  ASSERT_FALSE(no_number);
  EXPECT_NE(no_number.error().ToString().find("--subject"), std::string::npos)
      << no_number.error().ToString();
  flags.subject = "CN={name},XX=1";
  EXPECT_EQ(MakeTokenGrant("a", flags, std::chrono::hours(1), now).error().code(),
            ErrorCode::kInvalidArgument);
  flags.subject.clear();
  auto plain = MakeTokenGrant("a", flags, std::chrono::hours(1), now).value();
  EXPECT_EQ(plain.subject, "");
  EXPECT_EQ(GrantedSubject(plain)->ToString(), "CN=a");
}

TEST_F(EnrollmentServiceTest, OneTokenOneCertificateUnderConcurrency) {
  const std::string token = Token("node-1");
  std::atomic<int> ok{0};
  std::atomic<int> used{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto key = PrivateKey::Generate(DefaultKeySpec()).value();
      auto r = service_->Enroll(Body(token, "node-1", key), std::chrono::system_clock::now());
      if (r) {
        ++ok;
      } else if (r.error().error == ProtocolError::kTokenUsed) {
        ++used;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(used.load(), 7);
  EXPECT_EQ(Rows(), 1u);
}

// A retry whose first attempt was recorded (the answer was lost with a
// replica): the same certificate again for the same key, never a second
// one; another key is refused as before.
TEST_F(EnrollmentServiceTest, RetriedEnrollmentGetsTheSameCertificate) {
  const auto now = std::chrono::system_clock::now();
  const std::string token = Token("node-1");
  const std::string csr =
      MakeCsrPem(key_, DistinguishedName::CommonName("node-1").value(), {}).value();
  auto first = service_->Enroll(EnrollRequestJson(SecretString(token), "node-1", csr), now);
  ASSERT_TRUE(first) << first.error().message;
  // Not marked as a retry: a replay is refused, as always.
  auto replay = service_->Enroll(EnrollRequestJson(SecretString(token), "node-1", csr), now);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().error, ProtocolError::kTokenUsed);
  const std::string body = EnrollRequestJson(SecretString(token), "node-1", csr, /*retry=*/true);
  auto again = service_->Enroll(body, now);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->certificate.SerialHex(), first->certificate.SerialHex());
  auto other_key = PrivateKey::Generate(DefaultKeySpec()).value();
  auto other = service_->Enroll(
      EnrollRequestJson(
          SecretString(token), "node-1",
          MakeCsrPem(other_key, DistinguishedName::CommonName("node-1").value(), {}).value(),
          /*retry=*/true),
      now);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().error, ProtocolError::kTokenUsed);
  EXPECT_EQ(Rows(), 1u);
  // Once the certificate is revoked, a retry gets nothing.
  ASSERT_TRUE(inventory_->Revoke("node-1", 1, now));
  EXPECT_FALSE(service_->Enroll(body, now));
}

TEST_F(EnrollmentServiceTest, RetriedRenewalGetsTheSameCertificate) {
  const auto now = std::chrono::system_clock::now();
  auto enrolled = service_->Enroll(Body(Token("node-1"), "node-1", key_), now);
  ASSERT_TRUE(enrolled);
  const auto old = enrolled->certificate;
  auto next_key = PrivateKey::Generate(DefaultKeySpec()).value();
  const std::string csr =
      MakeCsrPem(next_key, DistinguishedName::CommonName("node-1").value(), {}).value();
  auto renewed = service_->Renew(RenewRequestJson(csr), PeerCertificate{old, X509_V_OK}, now);
  ASSERT_TRUE(renewed) << renewed.error().message;
  // Not marked as a retry: a superseded certificate cannot renew.
  auto plain = service_->Renew(RenewRequestJson(csr), PeerCertificate{old, X509_V_OK}, now);
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().error, ProtocolError::kCertificateSuperseded);
  // A retry (the answer was lost): the certificate recorded for that key.
  auto retry =
      service_->Renew(RenewRequestJson(csr, /*retry=*/true), PeerCertificate{old, X509_V_OK}, now);
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_EQ(retry->certificate.SerialHex(), renewed->certificate.SerialHex());
  // A retry with another key gets nothing.
  const std::string other =
      MakeCsrPem(key_, DistinguishedName::CommonName("node-1").value(), {}).value();
  auto foreign = service_->Renew(RenewRequestJson(other, /*retry=*/true),
                                 PeerCertificate{old, X509_V_OK}, now);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().error, ProtocolError::kCertificateSuperseded);
  EXPECT_EQ(Rows(), 2u);
}

TEST_F(EnrollmentServiceTest, ExpiredTokenAndNothingWritten) {
  const std::string token = Token("node-1", Role::kBoth, std::chrono::seconds(1));
  auto r = service_->Enroll(Body(token, "node-1", key_),
                            std::chrono::system_clock::now() + std::chrono::seconds(5));
  ASSERT_FALSE(r);
  EXPECT_EQ(ProtocolErrorCode(r.error().error), "token_expired");
  EXPECT_EQ(Rows(), 0u);
  EXPECT_TRUE(inventory_->FindToken(HashEnrollmentToken(token))->used_at.empty());
}

// /v1/enroll: a request whose EC key spells out its curve (RFC 5480 forbids
// it; keytool cannot parse the certificate) is refused and spends nothing.
TEST_F(EnrollmentServiceTest, ExplicitCurveParametersAreRefused) {
  const std::string token = Token("node-1");
  const std::string body =
      nlohmann::json{{"token", token},
                     {"name", "node-1"},
                     {"csr", testing::MakeOpensslEcRequest(true, "node-1").csr_pem}}
          .dump();
  auto r = service_->Enroll(body, std::chrono::system_clock::now());
  ASSERT_FALSE(r);
  EXPECT_EQ(ProtocolErrorCode(r.error().error), "weak_key");
  EXPECT_NE(r.error().message.find("explicit curve parameters"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(Rows(), 0u);
  EXPECT_TRUE(inventory_->FindToken(HashEnrollmentToken(token))->used_at.empty());
}

TEST_F(EnrollmentServiceTest, RevokedTokenDoesNotEnroll) {
  const std::string token = Token("node-1");
  const std::string id = HashEnrollmentToken(token).substr(0, 12);
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(inventory_->RevokeToken("abc", now).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(inventory_->RevokeToken("xyz12345", now).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(inventory_->RevokeToken(id == "000000000000" ? "111111111111" : "000000000000", now)
                .error()
                .code(),
            ErrorCode::kNotFound);
  auto revoked = inventory_->RevokeToken(id, now);
  ASSERT_TRUE(revoked) << revoked.error().message();
  EXPECT_EQ(revoked->grant.name, "node-1");
  EXPECT_EQ(inventory_->RevokeToken(id, now).error().code(), ErrorCode::kAlreadyExists);
  auto r = service_->Enroll(Body(token, "node-1", key_), now);
  ASSERT_FALSE(r);
  EXPECT_EQ(ProtocolErrorCode(r.error().error), "token_revoked");
  EXPECT_EQ(Rows(), 0u);
  // A used token cannot be revoked (there is nothing left to withdraw).
  const std::string other = Token("node-2");
  ASSERT_TRUE(service_->Enroll(Body(other, "node-2", key_), now));
  EXPECT_EQ(inventory_->RevokeToken(HashEnrollmentToken(other).substr(0, 12), now).error().code(),
            ErrorCode::kAlreadyExists);
}

TEST_F(EnrollmentServiceTest, RenewChecksThePeer) {
  const auto now = std::chrono::system_clock::now();
  auto first = service_->Enroll(Body(Token("node-1", Role::kServer), "node-1", key_), now);
  ASSERT_TRUE(first);
  auto current = first->certificate;
  const std::string renew_body = RenewRequestJson(
      MakeCsrPem(key_, DistinguishedName::CommonName("node-1").value(), {}).value());
  EXPECT_EQ(service_->Renew(renew_body, PeerCertificate{}, now).error().error,
            ProtocolError::kClientCertificateRequired);
  EXPECT_EQ(service_->Renew(renew_body, PeerCertificate{current, X509_V_ERR_CERT_HAS_EXPIRED}, now)
                .error()
                .error,
            ProtocolError::kCertificateRejected);
  EXPECT_EQ(Rows(), 1u);
  auto renewed = service_->Renew(renew_body, PeerCertificate{current, X509_V_OK}, now);
  ASSERT_TRUE(renewed) << renewed.error().message;
  auto next = renewed->certificate;
  EXPECT_EQ(RoleOf(next), Role::kServer);
  EXPECT_EQ(next.Sans(), current.Sans());
  EXPECT_EQ(inventory_->FindBySerial(current.SerialHex())->status, CertStatus::kSuperseded);
  EXPECT_EQ(inventory_->FindBySerial(next.SerialHex())->status, CertStatus::kValid);
  // Revoked: refused.
  ASSERT_TRUE(inventory_->Revoke("node-1", 1, now));
  auto revoked = service_->Renew(renew_body, PeerCertificate{next, X509_V_OK}, now);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(ProtocolErrorCode(revoked.error().error), "certificate_revoked");
  EXPECT_EQ(Rows(), 2u);
}

TEST_F(EnrollmentServiceTest, CrlAndHealth) {
  const auto now = std::chrono::system_clock::now();
  auto crl = service_->Crl(now);
  ASSERT_TRUE(crl);
  EXPECT_NE(crl->pem.find("BEGIN X509 CRL"), std::string::npos);
  EXPECT_EQ(service_->Crl(now)->pem, crl->pem);  // cached
  auto r = service_->Enroll(Body(Token("node-1"), "node-1", key_), now);
  ASSERT_TRUE(r);
  ASSERT_TRUE(inventory_->Revoke("node-1", 1, now));
  EXPECT_NE(service_->Crl(now)->pem, crl->pem);  // a revocation: regenerated
  // /v1/crl and /v1/crl.pem serve one CRL (one signature), in two encodings.
  const std::string pem = service_->Crl(now)->pem;
  const std::string der = service_->Crl(now)->der;
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509CrlPtr parsed(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(parsed);
  unsigned char* reencoded = nullptr;
  const int len = i2d_X509_CRL(parsed.get(), &reencoded);
  ASSERT_GT(len, 0);
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(reencoded));
  EXPECT_EQ(std::string(owner.get(), static_cast<size_t>(len)), der);
  EXPECT_TRUE(service_->Health(now).ca_valid);
  EXPECT_FALSE(service_->Health(now + std::chrono::hours(24 * 365 * 20)).ca_valid);
}

// A CA near its end cuts a node's 30-day grant short; renewals must not keep
// the cut length for good: once a rotated CA can issue the full length, the
// node gets its grant back.
TEST_F(EnrollmentServiceTest, RenewalGetsTheGrantBackAfterTheCaCutItShort) {
  const std::string dir = tmp_ / "short";
  CaInitOptions o = testing::FastCaOptions("Short CA");
  o.days = 10;
  ca_.emplace(CertificateAuthority::Init(dir, o, SecretString("ca-password")).value());
  service_.reset();
  inventory_ = OpenInventory(dir).value();
  service_.emplace(ServiceCa{*ca_, {}, std::nullopt}, inventory_.get());
  const auto now = std::chrono::system_clock::now();
  auto enrolled = service_->Enroll(Body(Token("node-1"), "node-1", key_), now);
  ASSERT_TRUE(enrolled) << enrolled.error().message;
  const Certificate cut = enrolled->certificate;
  EXPECT_EQ(cut.NotAfter(), ca_->certificate().NotAfter()) << "cut to the CA's end";

  auto fresh =
      RotateCa(dir, testing::FastCaOptions("Long CA"), SecretString("ca-password-2"), *ca_);
  ASSERT_TRUE(fresh.has_value()) << fresh.error().ToString();
  auto rotated =
      LoadServiceCa(dir, [] { return Result<SecretString>(SecretString("ca-password-2")); });
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  service_->Replace(*rotated);
  const std::string renew_body = RenewRequestJson(
      MakeCsrPem(key_, DistinguishedName::CommonName("node-1").value(), {}).value());
  auto renewed = service_->Renew(renew_body, PeerCertificate{cut, X509_V_OK}, now);
  ASSERT_TRUE(renewed) << renewed.error().message;
  const Certificate next = renewed->certificate;
  EXPECT_EQ(next.NotAfter() - next.NotBefore(), std::chrono::hours(24 * 30) + kBackdate)
      << "the token's 30 days, not the 10 the old CA allowed";
}

// A reload: the directory read again, the key decrypted only when the CA
// changed, and the service answering with the new CA from then on.
TEST_F(EnrollmentServiceTest, ReloadSignsWithTheDirectorysCaFromThenOn) {
  const std::string dir = tmp_ / "pki";
  int asked = 0;
  const auto password = [&](const char* pw) {
    return [&asked, pw]() -> Result<SecretString> {
      ++asked;
      return SecretString(pw);
    };
  };
  auto first = LoadServiceCa(dir, password("ca-password"));
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(asked, 1);
  EXPECT_FALSE(first->cross.has_value());
  // Unchanged: no password asked, the same CA.
  auto same = LoadServiceCa(dir, password("not asked"), &*first);
  ASSERT_TRUE(same.has_value()) << same.error().ToString();
  EXPECT_EQ(asked, 1);
  EXPECT_TRUE(SameServiceCa(*same, *first));

  const auto now = std::chrono::system_clock::now();
  const std::string old_crl = service_->Crl(now)->pem;
  auto fresh =
      RotateCa(dir, testing::FastCaOptions("Service CA 2"), SecretString("new-password"), *ca_);
  ASSERT_TRUE(fresh.has_value()) << fresh.error().ToString();
  auto wrong = LoadServiceCa(dir, password("ca-password"), &*first);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kBadPassword);
  auto rotated = LoadServiceCa(dir, password("new-password"), &*first);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  EXPECT_FALSE(SameServiceCa(*rotated, *first));
  const std::string new_ca = fresh->certificate().Sha256Fingerprint();
  const std::string old_ca = ca_->certificate().Sha256Fingerprint();
  EXPECT_EQ(rotated->authority.certificate().Sha256Fingerprint(), new_ca);
  ASSERT_EQ(rotated->trust.size(), 2u);
  EXPECT_EQ(rotated->trust[1].Sha256Fingerprint(), old_ca);
  ASSERT_TRUE(rotated->cross.has_value());
  EXPECT_TRUE(CertifiesSigner(*rotated->cross, fresh->signer()));

  // A request that started before the reload keeps its CA.
  const auto before = service_->ca();
  service_->Replace(*rotated);
  EXPECT_EQ(before->authority.certificate().Sha256Fingerprint(), old_ca);
  auto r = service_->Enroll(Body(Token("node-1"), "node-1", key_), now);
  ASSERT_TRUE(r) << r.error().message;
  auto issued = *r;
  EXPECT_EQ(issued.certificate.Issuer().ToString(), fresh->certificate().Subject().ToString());
  ASSERT_EQ(issued.trust.size(), 2u);
  EXPECT_EQ(inventory_->FindBySerial(issued.certificate.SerialHex())->issuer_sha256, new_ca);
  EXPECT_EQ(service_->Health(now).ca.Sha256Fingerprint(), new_ca);
  // The cached CRL was the previous CA's: the new CA signs a new one.
  const std::string new_crl = service_->Crl(now)->pem;
  EXPECT_NE(new_crl, old_crl);
  ossl::BioPtr bio(BIO_new_mem_buf(new_crl.data(), static_cast<int>(new_crl.size())));
  ossl::X509CrlPtr parsed(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(X509_CRL_verify(parsed.get(), const_cast<EVP_PKEY*>(fresh->signer().PublicKey())), 1);
}

}  // namespace
}  // namespace certmint
