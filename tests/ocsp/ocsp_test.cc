// The status side of the CA: the CA's URL in what it issues, OCSP requests
// read at the edge, the responder's answers (verified with libcrypto as a
// client would) and the published CRL.
#include <gtest/gtest.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "ca/ca_settings.h"
#include "ca/identity_name.h"
#include "ca/issuer.h"
#include "cluster/manifest.h"
#include "core/fs.h"
#include "inventory/inventory.h"
#include "ocsp/crl_publisher.h"
#include "ocsp/request.h"
#include "ocsp/responder.h"
#include "ocsp/responder_key.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"
#include "x509/crl.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::system_clock::now();

// ---- the CA's URL ---------------------------------------------------------

TEST(StatusUrlTest, AcceptsHttpHostAndPort) {
  EXPECT_EQ(ParseStatusUrl("http://ca.example.com:8080").value(), "http://ca.example.com:8080");
  EXPECT_EQ(ParseStatusUrl("http://ca.example.com/").value(), "http://ca.example.com");
  EXPECT_EQ(ParseStatusUrl("http://10.0.0.1:80").value(), "http://10.0.0.1:80");
  EXPECT_EQ(ParseStatusUrl("http://[::1]:8080").value(), "http://[::1]:8080");
}

TEST(StatusUrlTest, RefusesWhatIsNotAStatusListener) {
  for (const char* bad :
       {"", "https://ca.example.com", "ca.example.com:8080", "http://", "http://ca/x",
        "http://ca:0", "http://ca:65536", "http://ca:8x", "http://ca?q", "http://u@ca",
        "http://ca,x", "http://*.ca.com", "http://[::1", "http://ca:", "http://ca%2f",
        "http://ca.example.com\n:80", "ftp://ca"}) {
    auto r = ParseStatusUrl(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().message().find("--url"), std::string::npos) << r.error().message();
    }
  }
  EXPECT_FALSE(ParseStatusUrl("http://" + std::string(300, 'a') + ".com"));
}

TEST(StatusUrlTest, LocationsBelowTheUrl) {
  const StatusLocations l = StatusLocationsOf("http://ca:8080");
  EXPECT_EQ(l.ocsp_url, "http://ca:8080/ocsp");
  EXPECT_EQ(l.crl_url, "http://ca:8080/crl.der");
  EXPECT_TRUE(StatusLocationsOf("").empty());
}

std::string OcspUrlOf(const Certificate& c) {
  std::unique_ptr<AUTHORITY_INFO_ACCESS, decltype(&AUTHORITY_INFO_ACCESS_free)> aia(
      static_cast<AUTHORITY_INFO_ACCESS*>(
          X509_get_ext_d2i(c.native(), NID_info_access, nullptr, nullptr)),
      AUTHORITY_INFO_ACCESS_free);
  if (!aia) {
    return "";
  }
  for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
    ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
    if (OBJ_obj2nid(ad->method) == NID_ad_OCSP && ad->location->type == GEN_URI) {
      const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
      return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                         static_cast<size_t>(ASN1_STRING_length(uri)));
    }
  }
  return "?";
}

std::string CrlUrlOf(const Certificate& c) {
  std::unique_ptr<CRL_DIST_POINTS, decltype(&CRL_DIST_POINTS_free)> points(
      static_cast<CRL_DIST_POINTS*>(
          X509_get_ext_d2i(c.native(), NID_crl_distribution_points, nullptr, nullptr)),
      CRL_DIST_POINTS_free);
  if (!points || sk_DIST_POINT_num(points.get()) != 1) {
    return "";
  }
  DIST_POINT* p = sk_DIST_POINT_value(points.get(), 0);
  if (p->distpoint == nullptr || p->distpoint->type != 0 || p->reasons != nullptr ||
      p->CRLissuer != nullptr) {
    return "?";
  }
  GENERAL_NAME* gn = sk_GENERAL_NAME_value(p->distpoint->name.fullname, 0);
  const ASN1_IA5STRING* uri = gn->d.uniformResourceIdentifier;
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                     static_cast<size_t>(ASN1_STRING_length(uri)));
}

class StatusProfileTest : public ::testing::Test {
 protected:
  StatusProfileTest() : ca_(testing::InitTestCa(tmp_ / "pki", "Status CA", kNow)) {}

  Certificate Issue(const CertificateAuthority& ca) {
    auto id = testing::IssueForTest(ca, testing::NodeRequest("node-1", Role::kBoth, {}, kNow));
    return id->certificate;
  }
  CertificateAuthority Reloaded() {
    return CertificateAuthority::Load(tmp_ / "pki", SecretString(testing::kTestCaPassword)).value();
  }

  TempDir tmp_;
  CertificateAuthority ca_;
};

TEST_F(StatusProfileTest, WithoutAUrlTheProfileIsUnchanged) {
  const Certificate c = Issue(ca_);
  EXPECT_LT(X509_get_ext_by_NID(c.native(), NID_info_access, -1), 0);
  EXPECT_LT(X509_get_ext_by_NID(c.native(), NID_crl_distribution_points, -1), 0);
  EXPECT_FALSE(fs::Exists(CaSettingsPath(tmp_ / "pki")));
}

TEST_F(StatusProfileTest, AUrlPutsOcspAndCrlLocationsInEveryLeaf) {
  ASSERT_TRUE(SetCaUrl(tmp_ / "pki", std::string("http://ca.example.com:8080")));
  const Certificate c = Issue(Reloaded());
  EXPECT_EQ(OcspUrlOf(c), "http://ca.example.com:8080/ocsp");
  EXPECT_EQ(CrlUrlOf(c), "http://ca.example.com:8080/crl.der");
  // Cleared again: today's profile.
  ASSERT_TRUE(SetCaUrl(tmp_ / "pki", std::nullopt));
  const Certificate d = Issue(Reloaded());
  EXPECT_EQ(OcspUrlOf(d), "");
  EXPECT_EQ(CrlUrlOf(d), "");
}

TEST_F(StatusProfileTest, SetUrlRefusesABadUrlAndAMissingCa) {
  EXPECT_FALSE(SetCaUrl(tmp_ / "pki", std::string("https://ca")));
  EXPECT_FALSE(fs::Exists(CaSettingsPath(tmp_ / "pki")));
  auto missing = SetCaUrl(tmp_ / "nothing", std::string("http://ca"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(StatusProfileTest, ABrokenSettingsFileIsAnErrorNamingIt) {
  ASSERT_TRUE(fs::WriteFileAtomic(CaSettingsPath(tmp_ / "pki"), "{\"url\": \"https://x\"}", 0644));
  auto r = CertificateAuthority::Load(tmp_ / "pki", SecretString(testing::kTestCaPassword));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().ToString().find("settings.json"), std::string::npos);
}

TEST_F(StatusProfileTest, IntermediatesUnderARootWithAUrlPointAtTheRoot) {
  ASSERT_TRUE(SetCaUrl(tmp_ / "pki", std::string("http://root.example.com")));
  CaInitOptions o = testing::FastCaOptions("Issuing CA");
  o.url = "http://issuing.example.com:8080";
  auto sub = CertificateAuthority::InitIntermediate(tmp_ / "issuing", o,
                                                    SecretString("issuing-password"), Reloaded());
  ASSERT_TRUE(sub) << sub.error().ToString();
  EXPECT_EQ(CrlUrlOf(sub->certificate()), "http://root.example.com/crl.der");
  EXPECT_EQ(OcspUrlOf(sub->certificate()), "http://root.example.com/ocsp");
  EXPECT_EQ(OcspUrlOf(Issue(*sub)), "http://issuing.example.com:8080/ocsp");
  // The root itself, a trust anchor, carries none.
  EXPECT_EQ(OcspUrlOf(Reloaded().certificate()), "");
}

TEST_F(StatusProfileTest, TheResponderCertificateIsADelegatedOcspSigner) {
  ASSERT_TRUE(SetCaUrl(tmp_ / "pki", std::string("http://ca.example.com")));
  const CertificateAuthority ca = Reloaded();
  auto inventory = OpenInventory(tmp_ / "pki").value();
  auto key = IssueResponderKey(Issuer(ca, inventory.get()), kNow);
  ASSERT_TRUE(key) << key.error().ToString();
  X509* x = key->certificate.native();
  EXPECT_EQ(X509_get_extended_key_usage(x), static_cast<uint32_t>(XKU_OCSP_SIGN));
  EXPECT_GE(X509_get_ext_by_NID(x, NID_id_pkix_OCSP_noCheck, -1), 0);
  EXPECT_EQ(OcspUrlOf(key->certificate), "");
  EXPECT_LE(key->certificate.NotAfter() - kNow, std::chrono::hours(24 * 2));
  EXPECT_EQ(inventory->FindBySerial(key->certificate.SerialHex()).value().name,
            kOcspResponderIdentityName);
  // Nobody else issues under its name.
  EXPECT_FALSE(ValidateNodeName(kOcspResponderIdentityName));
}

TEST(ManifestUrlTest, TheCaSectionTakesAUrl) {
  auto m = ParseManifest(
      "ca:\n  subject: CN=M\n  url: http://ca.example.com:8080\nidentities:\n  - name: a\n",
      "m.yaml");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->ca.url, "http://ca.example.com:8080");
  auto bad = ParseManifest("ca:\n  url: https://ca\nidentities:\n  - name: a\n", "m.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().ToString().find("ca.url"), std::string::npos) << bad.error().ToString();
}

// ---- requests -------------------------------------------------------------

struct Request {
  std::string der;
  ossl::OcspRequestPtr req;
};

// A request about `serials`-or-certificates of `issuer`, as OpenSSL's client makes it.
Request MakeRequest(const std::vector<const Certificate*>& certs, const Certificate& issuer,
                    bool nonce = true, const EVP_MD* md = EVP_sha1()) {
  Request r;
  r.req.reset(OCSP_REQUEST_new());
  for (const Certificate* c : certs) {
    OCSP_CERTID* id = OCSP_cert_to_id(md, c->native(), issuer.native());
    OCSP_request_add0_id(r.req.get(), id);
  }
  if (nonce) {
    OCSP_request_add1_nonce(r.req.get(), nullptr, 16);
  }
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_REQUEST(r.req.get(), &der);
  r.der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return r;
}

TEST(OcspRequestTest, RefusesWhatIsNotOneRequest) {
  EXPECT_FALSE(ParseOcspRequest(""));
  EXPECT_FALSE(ParseOcspRequest("garbage"));
  EXPECT_FALSE(ParseOcspRequest(std::string(kMaxOcspRequestBytes + 1, '\x30')));
  TempDir tmp;
  auto ca = testing::InitTestCa(tmp / "pki", "Req CA", kNow);
  Request ok = MakeRequest({&ca.certificate()}, ca.certificate());
  auto parsed = ParseOcspRequest(ok.der);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->ids.size(), 1u);
  EXPECT_EQ(parsed->ids[0].serial, ca.certificate().SerialHex());
  ASSERT_TRUE(parsed->nonce.has_value());
  EXPECT_EQ(parsed->nonce->size(), 18u);         // OCTET STRING of 16
  EXPECT_FALSE(ParseOcspRequest(ok.der + "x"));  // trailing bytes
  EXPECT_FALSE(ParseOcspRequest(ok.der.substr(0, ok.der.size() - 1)));
  std::vector<const Certificate*> many(kMaxOcspCertIds + 1, &ca.certificate());
  EXPECT_FALSE(ParseOcspRequest(MakeRequest(many, ca.certificate()).der));
  // RFC 8954: a nonce longer than 32 octets.
  ossl::OcspRequestPtr long_nonce(OCSP_REQUEST_new());
  OCSP_request_add0_id(long_nonce.get(), OCSP_cert_to_id(EVP_sha1(), ca.certificate().native(),
                                                         ca.certificate().native()));
  OCSP_request_add1_nonce(long_nonce.get(), nullptr, 64);
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_REQUEST(long_nonce.get(), &der);
  const std::string long_der(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  auto refused = ParseOcspRequest(long_der);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("nonce"), std::string::npos);
}

TEST(OcspRequestTest, DecodesAGetPath) {
  EXPECT_EQ(DecodeOcspGetRequest("MAo%3D").value(), std::string("0\n"));
  EXPECT_EQ(DecodeOcspGetRequest("MAo=").value(), std::string("0\n"));
  EXPECT_EQ(DecodeOcspGetRequest("MAo").value(), std::string("0\n"));
  EXPECT_EQ(DecodeOcspGetRequest("%2F%2B8%3d").value(), std::string("\xff\xef", 2));
  EXPECT_EQ(DecodeOcspGetRequest("/+8=").value(), std::string("\xff\xef", 2));
  for (const char* bad : {"", "%", "%2", "%zz", "M", "MA!o", "====", "MAo%00"}) {
    EXPECT_FALSE(DecodeOcspGetRequest(bad)) << bad;
  }
  EXPECT_FALSE(DecodeOcspGetRequest(std::string(kMaxOcspRequestBytes * 2, 'A')));
}

// ---- the responder --------------------------------------------------------

class ResponderTest : public ::testing::Test {
 protected:
  ResponderTest()
      : ca_(testing::InitTestCa(tmp_ / "pki", "OCSP CA", kNow)),
        inventory_(OpenInventory(tmp_ / "pki").value()),
        responder_(inventory_.get()) {}

  void SetUp() override {
    auto key = IssueResponderKey(Issuer(ca_, inventory_.get()), kNow);
    ASSERT_TRUE(key) << key.error().ToString();
    ASSERT_TRUE(responder_.SetKey(*key));
  }

  Certificate Node(const std::string& name) {
    auto id = testing::IssueForTest(ca_, testing::NodeRequest(name, Role::kBoth, {}, kNow));
    // IssueForTest records nothing: record it as the CA would.
    EXPECT_TRUE(inventory_->RecordIssued(name, id->certificate, ca_.certificate(), kNow));
    EXPECT_TRUE(inventory_->Activate(name, id->certificate.SerialHex()));
    return id->certificate;
  }

  // The response's status, verified as a client verifies it: signed by a
  // responder the CA delegated to, nonce echoed.
  ossl::OcspBasicRespPtr Verified(const OcspAnswer& answer, const Request& request) {
    const auto* p = reinterpret_cast<const unsigned char*>(answer.der.data());
    ossl::OcspResponsePtr resp(
        d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(answer.der.size())));
    EXPECT_TRUE(resp);
    if (!resp) {
      return nullptr;
    }
    EXPECT_EQ(OCSP_response_status(resp.get()), OCSP_RESPONSE_STATUS_SUCCESSFUL);
    ossl::OcspBasicRespPtr bs(OCSP_response_get1_basic(resp.get()));
    EXPECT_TRUE(bs);
    if (!bs) {
      return nullptr;
    }
    ossl::X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca_.certificate().native());
    EXPECT_EQ(OCSP_basic_verify(bs.get(), nullptr, store.get(), 0), 1);
    EXPECT_EQ(
        OCSP_check_nonce(request.req.get(), bs.get()),
        OCSP_request_onereq_count(request.req.get()) > 0 &&
                OCSP_REQUEST_get_ext_by_NID(request.req.get(), NID_id_pkix_OCSP_Nonce, -1) >= 0
            ? 1
            : 2);
    return bs;
  }

  int StatusOf(OCSP_BASICRESP* bs, const Certificate& cert, int* reason = nullptr,
               const EVP_MD* md = EVP_sha1()) {
    ossl::OcspCertIdPtr id(OCSP_cert_to_id(md, cert.native(), ca_.certificate().native()));
    int status = -1;
    int r = -1;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    if (OCSP_resp_find_status(bs, id.get(), &status, &r, nullptr, &this_update, &next_update) !=
        1) {
      return -1;
    }
    EXPECT_EQ(OCSP_check_validity(this_update, next_update, 300, -1), 1);
    if (reason != nullptr) {
      *reason = r;
    }
    return status;
  }

  TempDir tmp_;
  CertificateAuthority ca_;
  std::unique_ptr<Inventory> inventory_;
  OcspResponder responder_;
};

TEST_F(ResponderTest, GoodThenRevokedWithReasonAtOnce) {
  const Certificate node = Node("node-1");
  Request req = MakeRequest({&node}, ca_.certificate());
  auto bs = Verified(responder_.Answer(req.der, kNow), req);
  ASSERT_TRUE(bs);
  EXPECT_EQ(StatusOf(bs.get(), node), V_OCSP_CERTSTATUS_GOOD);
  // Revoked through another connection to the inventory (as `certmint
  // revoke` in another process): the very next answer says so.
  auto other = OpenInventory(tmp_ / "pki").value();
  ASSERT_TRUE(other->Revoke("node-1", 1, kNow));  // keyCompromise
  OcspAnswer answer = responder_.Answer(req.der, kNow);
  EXPECT_EQ(answer.summary, "revoked");
  bs = Verified(answer, req);
  ASSERT_TRUE(bs);
  int reason = -1;
  EXPECT_EQ(StatusOf(bs.get(), node, &reason), V_OCSP_CERTSTATUS_REVOKED);
  EXPECT_EQ(reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
}

TEST_F(ResponderTest, SupersededIsGoodAndSha256IdsWork) {
  const Certificate first = Node("node-2");
  const Certificate second = Node("node-2");  // supersedes the first
  Request req = MakeRequest({&first, &second}, ca_.certificate(), false, EVP_sha256());
  auto bs = Verified(responder_.Answer(req.der, kNow), req);
  ASSERT_TRUE(bs);
  EXPECT_EQ(StatusOf(bs.get(), first, nullptr, EVP_sha256()), V_OCSP_CERTSTATUS_GOOD);
  EXPECT_EQ(StatusOf(bs.get(), second, nullptr, EVP_sha256()), V_OCSP_CERTSTATUS_GOOD);
}

TEST_F(ResponderTest, ASerialNeverIssuedIsUnknown) {
  // Signed by the CA but never recorded.
  auto id = testing::IssueForTest(ca_, testing::NodeRequest("ghost", Role::kBoth, {}, kNow));
  Request req = MakeRequest({&id->certificate}, ca_.certificate());
  OcspAnswer answer = responder_.Answer(req.der, kNow);
  EXPECT_EQ(answer.summary, "unknown");
  auto bs = Verified(answer, req);
  ASSERT_TRUE(bs);
  EXPECT_EQ(StatusOf(bs.get(), id->certificate), V_OCSP_CERTSTATUS_UNKNOWN);
}

TEST_F(ResponderTest, AnotherCasCertificatesAreUnauthorized) {
  TempDir other_dir;
  auto other = testing::InitTestCa(other_dir / "pki", "Other CA", kNow);
  auto foreign = testing::IssueForTest(other, testing::NodeRequest("x", Role::kBoth, {}, kNow));
  Request only_foreign = MakeRequest({&foreign->certificate}, other.certificate());
  OcspAnswer answer = responder_.Answer(only_foreign.der, kNow);
  EXPECT_EQ(answer.summary, "unauthorized");
  EXPECT_EQ(answer.der, OcspResponder::StatusOnly(OCSP_RESPONSE_STATUS_UNAUTHORIZED));
  // Mixed with one of ours: unauthorized too (a delegated responder
  // speaks for one CA; a response naming two could not be verified).
  const Certificate ours = Node("node-3");
  ossl::OcspRequestPtr req(OCSP_REQUEST_new());
  OCSP_request_add0_id(req.get(),
                       OCSP_cert_to_id(EVP_sha1(), ours.native(), ca_.certificate().native()));
  OCSP_request_add0_id(req.get(), OCSP_cert_to_id(EVP_sha1(), foreign->certificate.native(),
                                                  other.certificate().native()));
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_REQUEST(req.get(), &der);
  const std::string mixed(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  EXPECT_EQ(responder_.Answer(mixed, kNow).summary, "unauthorized");
  // Ours alone: answered.
  Request ours_only = MakeRequest({&ours}, ca_.certificate());
  EXPECT_EQ(responder_.Answer(ours_only.der, kNow).summary, "good");
}

TEST_F(ResponderTest, MalformedAndNotReady) {
  EXPECT_EQ(responder_.Answer("not DER", kNow).der,
            OcspResponder::StatusOnly(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST));
  OcspResponder fresh(inventory_.get());
  Request req = MakeRequest({&ca_.certificate()}, ca_.certificate());
  EXPECT_EQ(fresh.Answer(req.der, kNow).summary, "tryLater");
  // A responder certificate from another CA is refused.
  TempDir other_dir;
  auto other = testing::InitTestCa(other_dir / "pki", "Other CA", kNow);
  auto other_inventory = OpenInventory(other_dir / "pki").value();
  auto key = IssueResponderKey(Issuer(other, other_inventory.get()), kNow).value();
  key.ca = ca_.certificate();
  EXPECT_FALSE(fresh.SetKey(key));
}

// ---- the published CRL ----------------------------------------------------

TEST(CrlPublisherTest, SignsAgainWhenAnotherProcessRevokes) {
  TempDir tmp;
  auto ca = testing::InitTestCa(tmp / "pki", "CRL CA", kNow);
  auto inventory = OpenInventory(tmp / "pki").value();
  auto id = testing::IssueForTest(ca, testing::NodeRequest("n", Role::kBoth, {}, kNow));
  ASSERT_TRUE(inventory->RecordIssued("n", id->certificate, ca.certificate(), kNow));
  CrlPublisher publisher(inventory.get());
  EXPECT_EQ(publisher.Current(), nullptr);
  ASSERT_TRUE(publisher.Refresh(ca, kNow).value());
  EXPECT_FALSE(publisher.Refresh(ca, kNow + std::chrono::seconds(1)).value());
  auto other = OpenInventory(tmp / "pki").value();
  ASSERT_TRUE(other->Revoke(id->certificate.SerialHex(), 0, kNow));
  ASSERT_TRUE(publisher.Refresh(ca, kNow + std::chrono::seconds(2)).value());
  auto crl = Crl::Parse(publisher.Current()->der);
  ASSERT_TRUE(crl) << crl.error().ToString();
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_cert(crl->native(), &entry, id->certificate.native()), 1);
  // nextUpdate a day on; signed again an hour on whatever happened.
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_CRL_get0_lastUpdate(crl->native()),
                           X509_CRL_get0_nextUpdate(crl->native())),
            1);
  EXPECT_EQ(days, kPublishedCrlDays);
  EXPECT_TRUE(publisher.Refresh(ca, kNow + kCrlResignInterval + std::chrono::seconds(3)).value());
}

}  // namespace
}  // namespace certmint
