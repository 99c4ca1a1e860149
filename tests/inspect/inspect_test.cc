#include "inspect/inspect.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "x509/issue.h"

namespace certmint {
namespace {

const TimePoint kNow = std::chrono::system_clock::from_time_t(1767225600);

Certificate MakeCert(const PrivateKey& key) {
  CaProfile p{DistinguishedName::Parse("CN=Inspect CA").value(), 10, kNow, {}};
  return SelfSignCa(*MakeKeySigner(key), p).value();
}

TEST(InspectTest, PemChainAndDer) {
  auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  Certificate cert = MakeCert(key);
  auto items = InspectData(cert.ToPem() + cert.ToPem(), nullptr, kNow);
  ASSERT_TRUE(items) << items.error().ToString();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].kind, InspectedItem::Kind::kCertificate);
  EXPECT_EQ((*items)[0].certificate->subject, "CN=Inspect CA");
  EXPECT_EQ((*items)[0].certificate->days_left, 10);

  auto der = InspectData(cert.ToDer(), nullptr, kNow);
  ASSERT_TRUE(der);
  EXPECT_EQ((*der)[0].certificate->sha256, cert.Sha256Fingerprint());
  EXPECT_EQ((*der)[0].certificate->days_left, 10);

  auto later = InspectData(cert.ToDer(), nullptr, kNow + std::chrono::hours(24 * 12));
  EXPECT_EQ((*later)[0].certificate->days_left, -2);
}

TEST(InspectTest, EncryptedKeyWithAndWithoutPassword) {
  auto key = PrivateKey::Generate(ParseKeySpec("rsa:2048").value()).value();
  SecretString pw("inspect-pass");
  auto pem = key.ToEncryptedPkcs8Pem(pw, Pkcs8Encryption{1234}).value();
  auto closed = InspectData(pem, nullptr, kNow);
  ASSERT_TRUE(closed);
  const KeyInfo& k = *(*closed)[0].key;
  EXPECT_TRUE(k.encrypted);
  EXPECT_FALSE(k.opened);
  EXPECT_NE(k.encryption.find("1234 iterations"), std::string::npos) << k.encryption;
  EXPECT_NE(k.encryption.find("hmacWithSHA256"), std::string::npos) << k.encryption;
  EXPECT_NE(k.encryption.find("AES-256-CBC"), std::string::npos) << k.encryption;

  auto open = InspectData(pem, &pw, kNow);
  ASSERT_TRUE(open);
  EXPECT_EQ((*open)[0].key->key->ToString(), "RSA 2048");
  EXPECT_EQ((*open)[0].key->public_key_sha256, PublicKeyFingerprint(key.native()));

  SecretString wrong("nope-nope");
  auto bad = InspectData(pem, &wrong, kNow);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kBadPassword);
}

TEST(InspectTest, CsrMadeWithOpenSslApi) {
  auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  ossl::X509ReqPtr req(X509_REQ_new());
  auto name = DistinguishedName::Parse("CN=node-7").value();
  X509_REQ_set_subject_name(req.get(), name.native());
  X509_REQ_set_pubkey(req.get(), key.native());
  X509_REQ_sign(req.get(), key.native(), EVP_sha256());
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  auto items = InspectData(ossl::MemBioContents(bio.get()), nullptr, kNow);
  ASSERT_TRUE(items) << items.error().ToString();
  ASSERT_EQ((*items)[0].kind, InspectedItem::Kind::kCertificateRequest);
  EXPECT_EQ((*items)[0].request->subject, "CN=node-7");
  EXPECT_TRUE((*items)[0].request->signature_valid);
}

TEST(InspectTest, RendersTextAndJson) {
  auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  auto items = InspectData(MakeCert(key).ToPem(), nullptr, kNow).value();
  std::string text = RenderText("ca.crt", items);
  EXPECT_NE(text.find("Subject:"), std::string::npos);
  EXPECT_NE(text.find("(10 days left)"), std::string::npos);
  EXPECT_NE(text.find("critical, CA:TRUE"), std::string::npos);
  auto json = RenderJson("ca.crt", items);
  EXPECT_EQ(json["items"][0]["subject"], "CN=Inspect CA");
  EXPECT_EQ(json["items"][0]["basic_constraints"]["ca"], true);
  EXPECT_EQ(json["items"][0]["days_left"], 10);
}

// Found by fuzz/pem_der_fuzz.cc: a name with invalid UTF-8 made the JSON
// output throw. Hostile bytes (terminal escapes, invalid UTF-8) are escaped.
TEST(InspectTest, HostileNamesAreEscaped) {
  auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  Certificate ca = MakeCert(key);
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("x").value();
  p.sans.dns.push_back("\x1b[31mred\xff\xfe");
  p.now = kNow;
  auto leaf = SignLeaf(ca, *MakeKeySigner(key), key.native(), p).value();
  auto items = InspectData(leaf.ToPem(), nullptr, kNow).value();
  const std::string text = RenderText("evil.pem", items);
  EXPECT_NE(text.find("DNS:\\x1b[31mred\\xff\\xfe"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "no raw escape reaches the terminal";
  const std::string json =
      RenderJson("evil.pem", items).dump(2, ' ', false, nlohmann::json::error_handler_t::strict);
  EXPECT_NE(json.find("red"), std::string::npos);
}

TEST(InspectTest, RejectsGarbage) {
  for (std::string bad :
       {std::string(""), std::string("hello world"),
        std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        std::string("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"),
        std::string("\x30\x82\xff\xff", 4)}) {
    auto r = InspectData(bad, nullptr, kNow);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidData) << bad;
  }
}

}  // namespace
}  // namespace certmint
