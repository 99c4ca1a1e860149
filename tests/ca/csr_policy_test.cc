#include "ca/csr_policy.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>

#include "keys/private_key.h"
#include "support/openssl_fixtures.h"
#include "x509/csr.h"

namespace certmint {
namespace {

// Validated as --dns/--ip are (DNS names lower-cased).
SubjectAltNames Names(std::vector<std::string> dns, std::vector<std::string> ips) {
  SubjectAltNames out;
  for (const auto& d : dns) {
    out.AddDns(ParseDnsName(d).value());
  }
  for (const auto& i : ips) {
    out.AddIp(ParseIpAddress(i).value());
  }
  return out;
}

CertificateRequest Request(const KeySpec& spec, const SubjectAltNames& sans) {
  auto key = PrivateKey::Generate(spec);
  EXPECT_TRUE(key) << key.error().ToString();
  auto pem = MakeCsrPem(*key, DistinguishedName::CommonName("node-1").value(), sans);
  EXPECT_TRUE(pem) << pem.error().ToString();
  return CertificateRequest::Parse(*pem).value();
}

// A request made with OpenSSL itself, for what certmint never makes: a
// request for CA:TRUE, or for a key certmint does not certify.
std::string RawRequestDer(EVP_PKEY* key, bool ask_ca) {
  ossl::X509ReqPtr req(X509_REQ_new());
  EXPECT_EQ(X509_REQ_set_pubkey(req.get(), key), 1);
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("node-1"), -1, -1, 0);
  if (ask_ca) {
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    X509_EXTENSION* bc =
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE");
    sk_X509_EXTENSION_push(exts, bc);
    EXPECT_EQ(X509_REQ_add_extensions(req.get(), exts), 1);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  // Ed25519 takes no digest.
  const EVP_MD* md = EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  EXPECT_GT(X509_REQ_sign(req.get(), key, md), 0);
  unsigned char* der = nullptr;
  const int len = i2d_X509_REQ(req.get(), &der);
  std::string data(reinterpret_cast<const char*>(der), len);
  OPENSSL_free(der);
  return data;
}

CertificateRequest RawRequest(EVP_PKEY* key, bool ask_ca) {
  return CertificateRequest::Parse(RawRequestDer(key, ask_ca)).value();
}

const KeySpec kEc = ParseKeySpec("ec:p256").value();

TEST(CsrPolicyTest, AcceptsARequestWithinTheAllowedNames) {
  auto req = Request(kEc, Names({"node-1.example.com"}, {"10.0.0.1"}));
  CsrPolicy policy{Names({"node-1.example.com", "node-1"}, {"10.0.0.1"}), "--dns/--ip",
                   std::nullopt};
  EXPECT_FALSE(FindCsrRefusal(req, policy));
  EXPECT_TRUE(CheckCertificateRequest(req, policy));
}

TEST(CsrPolicyTest, RefusesNamesOutsideTheAllowedSet) {
  auto req = Request(kEc, Names({"node-1.example.com", "evil.example.com"}, {"10.0.0.9"}));
  CsrPolicy policy{Names({"NODE-1.example.com"}, {}), "--dns/--ip", std::nullopt};
  auto refusal = FindCsrRefusal(req, policy);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, CsrRefusalReason::kNamesNotAllowed);
  EXPECT_EQ(refusal->subject, "DNS:evil.example.com, IP:10.0.0.9");
  EXPECT_EQ(refusal->message,
            "the request asks for DNS:evil.example.com, IP:10.0.0.9, which --dns/--ip do not "
            "allow");
  auto st = CheckCertificateRequest(req, policy);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kInvalidData);
  EXPECT_EQ(st.error().message(), refusal->message);
}

TEST(CsrPolicyTest, RefusesARequestForCaTrue) {
  auto key = PrivateKey::Generate(kEc).value();
  auto req = RawRequest(key.native(), /*ask_ca=*/true);
  ASSERT_TRUE(req.SignatureValid());
  auto refusal = FindCsrRefusal(req, {});
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, CsrRefusalReason::kRequestsCa);
  EXPECT_EQ(refusal->message,
            "the request asks for basicConstraints CA:TRUE; certmint signs node certificates "
            "only");
}

TEST(CsrPolicyTest, RefusesASignatureThatDoesNotVerify) {
  auto key = PrivateKey::Generate(ParseKeySpec("ed25519").value()).value();
  std::string der = RawRequestDer(key.native(), /*ask_ca=*/false);
  ASSERT_TRUE(CertificateRequest::Parse(der).value().SignatureValid());
  der.back() ^= 0x01;  // the DER ends with the raw Ed25519 signature
  auto req = CertificateRequest::Parse(der);
  ASSERT_TRUE(req) << req.error().ToString();
  auto refusal = FindCsrRefusal(*req, {});
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, CsrRefusalReason::kBadSignature);
  EXPECT_EQ(refusal->message,
            "the request's signature does not verify (altered, or not made with the key it "
            "carries)");
}

TEST(CsrPolicyTest, RefusesAKeyCertmintDoesNotCertify) {
  ossl::EvpPkeyPtr p521(EVP_EC_gen("P-521"));
  ASSERT_TRUE(p521);
  auto refusal = FindCsrRefusal(RawRequest(p521.get(), /*ask_ca=*/false), {});
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, CsrRefusalReason::kUnacceptableKey);
  EXPECT_NE(refusal->message.find("is not one certmint certifies"), std::string::npos)
      << refusal->message;
}

// RFC 5480 §2.1.1: "specifiedCurve ... MUST NOT be used". OpenSSL still
// finds P-256 behind the explicit parameters, so the key type alone passes.
TEST(CsrPolicyTest, RefusesExplicitCurveParameters) {
  auto named = testing::MakeOpensslEcRequest(false);
  EXPECT_FALSE(FindCsrRefusal(CertificateRequest::Parse(named.csr_pem).value(), {}));

  auto spelled_out = testing::MakeOpensslEcRequest(true);
  auto req = CertificateRequest::Parse(spelled_out.csr_pem);
  ASSERT_TRUE(req) << req.error().ToString();
  ASSERT_TRUE(req->SignatureValid());
  auto refusal = FindCsrRefusal(*req, {});
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, CsrRefusalReason::kUnacceptableKey);
  EXPECT_NE(refusal->message.find("explicit curve parameters"), std::string::npos)
      << refusal->message;
}

TEST(CsrPolicyTest, ChecksTheCommonNameOnlyWhenAsked) {
  auto req = Request(kEc, {});
  EXPECT_FALSE(FindCsrRefusal(req, {}));
  CsrPolicy policy;
  policy.common_name = "node-2";
  auto refusal = FindCsrRefusal(req, policy);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, CsrRefusalReason::kNameMismatch);
  EXPECT_EQ(refusal->subject, "node-1");
  policy.common_name = "node-1";
  EXPECT_FALSE(FindCsrRefusal(req, policy));
}

}  // namespace
}  // namespace certmint
