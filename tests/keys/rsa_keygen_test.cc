// GenerateRsaKey against FIPS 186-4 B.3.1, checked on the numbers in the key
// it returns, and against OpenSSL's full key check (which tests p and q for
// primality again).
#include "keys/rsa_keygen.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include <set>
#include <string>

#include "core/ossl.h"

namespace certmint {
namespace {

using ossl::BignumPtr;

BignumPtr Param(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1) << name;
  return BignumPtr(bn);
}

BignumPtr Word(unsigned long w) {
  BignumPtr b(BN_new());
  BN_set_word(b.get(), w);
  return b;
}

BignumPtr PowerOfTwo(int exponent) {
  BignumPtr b(BN_new());
  BN_lshift(b.get(), BN_value_one(), exponent);
  return b;
}

std::string Hex(const BIGNUM* b) {
  ossl::OpenSslStringPtr s(BN_bn2hex(b));
  return s.get();
}

struct Ctx {
  std::unique_ptr<BN_CTX, ossl::Deleter<BN_CTX_free>> ctx{BN_CTX_new()};
  BN_CTX* get() { return ctx.get(); }
};

// a * b mod m, as hex.
std::string ModMul(const BIGNUM* a, const BIGNUM* b, const BIGNUM* m, BN_CTX* ctx) {
  BignumPtr r(BN_new());
  EXPECT_EQ(BN_mod_mul(r.get(), a, b, m, ctx), 1);
  return Hex(r.get());
}

void ExpectFips186B31(const EVP_PKEY* key, int bits) {
  SCOPED_TRACE(bits);
  Ctx ctx;
  const int half = bits / 2;
  auto n = Param(key, OSSL_PKEY_PARAM_RSA_N), e = Param(key, OSSL_PKEY_PARAM_RSA_E),
       d = Param(key, OSSL_PKEY_PARAM_RSA_D), p = Param(key, OSSL_PKEY_PARAM_RSA_FACTOR1),
       q = Param(key, OSSL_PKEY_PARAM_RSA_FACTOR2), dp = Param(key, OSSL_PKEY_PARAM_RSA_EXPONENT1),
       dq = Param(key, OSSL_PKEY_PARAM_RSA_EXPONENT2),
       qinv = Param(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
  ASSERT_TRUE(n && e && d && p && q && dp && dq && qinv);

  EXPECT_EQ(BN_num_bits(n.get()), bits);
  EXPECT_EQ(EVP_PKEY_get_bits(key), bits);
  EXPECT_EQ(Hex(e.get()), "010001");

  // n = p * q, both primes of nlen/2 bits at least sqrt(2) * 2^(nlen/2 - 1).
  BignumPtr pq(BN_new());
  ASSERT_EQ(BN_mul(pq.get(), p.get(), q.get(), ctx.get()), 1);
  EXPECT_EQ(BN_cmp(pq.get(), n.get()), 0);
  BignumPtr low(BN_new());  // floor(sqrt(2) * 2^(half - 1)) from 0xB504F334 = sqrt(2) * 2^31
  ASSERT_EQ(BN_lshift(low.get(), Word(0xB504F334).get(), half - 32), 1);
  for (const BIGNUM* prime : {p.get(), q.get()}) {
    EXPECT_EQ(BN_num_bits(prime), half);
    EXPECT_GT(BN_cmp(prime, low.get()), 0);
    EXPECT_EQ(BN_check_prime(prime, ctx.get(), nullptr), 1);
    BignumPtr prime1(BN_dup(prime)), g(BN_new());
    ASSERT_EQ(BN_sub_word(prime1.get(), 1), 1);
    ASSERT_EQ(BN_gcd(g.get(), prime1.get(), e.get(), ctx.get()), 1);
    EXPECT_TRUE(BN_is_one(g.get()));
  }

  // |p - q| > 2^(nlen/2 - 100).
  BignumPtr diff(BN_new());
  ASSERT_EQ(BN_sub(diff.get(), p.get(), q.get()), 1);
  BN_set_negative(diff.get(), 0);
  EXPECT_GT(BN_cmp(diff.get(), PowerOfTwo(half - 100).get()), 0);

  // 2^(nlen/2) < d < lcm(p - 1, q - 1), d * e = 1 mod lcm.
  BignumPtr p1(BN_dup(p.get())), q1(BN_dup(q.get())), phi(BN_new()), g(BN_new()), lambda(BN_new());
  ASSERT_EQ(BN_sub_word(p1.get(), 1), 1);
  ASSERT_EQ(BN_sub_word(q1.get(), 1), 1);
  ASSERT_EQ(BN_mul(phi.get(), p1.get(), q1.get(), ctx.get()), 1);
  ASSERT_EQ(BN_gcd(g.get(), p1.get(), q1.get(), ctx.get()), 1);
  ASSERT_EQ(BN_div(lambda.get(), nullptr, phi.get(), g.get(), ctx.get()), 1);
  EXPECT_GT(BN_cmp(d.get(), PowerOfTwo(half).get()), 0);
  EXPECT_LT(BN_cmp(d.get(), lambda.get()), 0);
  EXPECT_EQ(ModMul(d.get(), e.get(), lambda.get(), ctx.get()), "01");

  // The CRT values of RFC 8017 section 3.2.
  EXPECT_EQ(ModMul(dp.get(), e.get(), p1.get(), ctx.get()), "01");
  EXPECT_EQ(ModMul(dq.get(), e.get(), q1.get(), ctx.get()), "01");
  EXPECT_EQ(ModMul(qinv.get(), q.get(), p.get(), ctx.get()), "01");
  EXPECT_LT(BN_cmp(dp.get(), p1.get()), 0);
  EXPECT_LT(BN_cmp(dq.get(), q1.get()), 0);
  EXPECT_LT(BN_cmp(qinv.get(), p.get()), 0);

  // OpenSSL's own full check: SP 800-56B key pair checks and primality.
  ossl::EvpPkeyCtxPtr check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(key), nullptr));
  ASSERT_TRUE(check);
  EXPECT_EQ(EVP_PKEY_check(check.get()), 1);
}

TEST(RsaKeygenTest, KeysMeetFips186B31) {
  std::set<std::string> moduli;
  for (int i = 0; i < 4; ++i) {
    auto key = GenerateRsaKey(2048);
    ASSERT_TRUE(key) << key.error().ToString();
    ExpectFips186B31(key->get(), 2048);
    moduli.insert(Hex(Param(key->get(), OSSL_PKEY_PARAM_RSA_N).get()));
  }
  EXPECT_EQ(moduli.size(), 4u) << "every key has its own primes";
  auto key3072 = GenerateRsaKey(3072);
  ASSERT_TRUE(key3072) << key3072.error().ToString();
  ExpectFips186B31(key3072->get(), 3072);
}

TEST(RsaKeygenTest, KeysSignAndVerify) {
  auto key = GenerateRsaKey(2048);
  ASSERT_TRUE(key);
  // Through a DER round trip, as another TLS stack would read the key (with
  // the CRT values it stores, not recomputed ones).
  unsigned char* der = nullptr;
  int len = i2d_PrivateKey(key->get(), &der);
  ASSERT_GT(len, 0);
  ossl::OpenSslStringPtr owner(reinterpret_cast<char*>(der));
  const unsigned char* in = der;
  ossl::EvpPkeyPtr read(d2i_AutoPrivateKey(nullptr, &in, len));
  ASSERT_TRUE(read);
  const std::string msg = "message";
  ossl::EvpMdCtxPtr sign(EVP_MD_CTX_new());
  ASSERT_EQ(
      EVP_DigestSignInit_ex(sign.get(), nullptr, "SHA256", nullptr, nullptr, read.get(), nullptr),
      1);
  std::string sig(512, '\0');
  size_t sig_len = sig.size();
  ASSERT_EQ(EVP_DigestSign(sign.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                           reinterpret_cast<const unsigned char*>(msg.data()), msg.size()),
            1);
  ossl::EvpMdCtxPtr verify(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit_ex(verify.get(), nullptr, "SHA256", nullptr, nullptr, key->get(),
                                    nullptr),
            1);
  EXPECT_EQ(EVP_DigestVerify(verify.get(), reinterpret_cast<unsigned char*>(sig.data()), sig_len,
                             reinterpret_cast<const unsigned char*>(msg.data()), msg.size()),
            1);
}

TEST(RsaKeygenTest, RefusesSizesBelow2048AndOddSizes) {
  for (int bits : {0, 1024, 2047, 2049, -2048}) {
    auto key = GenerateRsaKey(bits);
    ASSERT_FALSE(key) << bits;
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument) << bits;
  }
}

}  // namespace
}  // namespace certmint
