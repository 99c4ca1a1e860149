#include "keys/rsa_keygen.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <memory>
#include <string_view>

namespace certmint {
namespace {

// Numbers derived from the private key are allocated as secure memory
// (OpenSSL's secure heap if a program sets one up, else the ordinary heap),
// computed in constant time, and wiped when freed.
using SecretBn = std::unique_ptr<BIGNUM, ossl::Deleter<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, ossl::Deleter<BN_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM_free>>;

constexpr unsigned long kPublicExponent = 65537;

// With primes from a prime generator only the gcd, distance and size of d
// checks can send us back, with probabilities of about 2^-16 or far less:
// running out of attempts is a bug, not bad luck.
constexpr int kMaxAttempts = 100;

SecretBn NewSecret() {
  SecretBn b(BN_secure_new());
  if (b) {
    BN_set_flags(b.get(), BN_FLG_CONSTTIME);
  }
  return b;
}

// A random probable prime of `bits` bits with its two top bits set (so that
// it is at least 1.5 * 2^(bits-1) > sqrt(2) * 2^(bits-1)) and gcd(p - 1, e) = 1;
// null when OpenSSL fails or kMaxAttempts primes all share a factor with e.
SecretBn RandomPrime(int bits, const BIGNUM* e, BN_CTX* ctx) {
  SecretBn p = NewSecret();
  SecretBn p1 = NewSecret();
  SecretBn g = NewSecret();
  if (!p || !p1 || !g) {
    return nullptr;
  }
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // BN_generate_prime_ex2 draws from the private DRBG with both top bits
    // set and searches upwards with a sieve and Miller-Rabin (64 rounds
    // for primes of up to 2,048 bits, 128 above).
    if (BN_generate_prime_ex2(p.get(), bits, 0, nullptr, nullptr, nullptr, ctx) != 1 ||
        BN_num_bits(p.get()) != bits || !BN_is_bit_set(p.get(), bits - 2)) {
      return nullptr;
    }
    if (BN_sub(p1.get(), p.get(), BN_value_one()) != 1 || BN_gcd(g.get(), p1.get(), e, ctx) != 1) {
      return nullptr;
    }
    if (BN_is_one(g.get())) {
      return p;
    }
  }
  return nullptr;
}

// Whether a * b = 1 (mod m); `scratch` is overwritten.
bool IsInverse(const BIGNUM* a, const BIGNUM* b, const BIGNUM* m, BIGNUM* scratch, BN_CTX* ctx) {
  return BN_mod_mul(scratch, a, b, m, ctx) == 1 && BN_is_one(scratch);
}

tl::unexpected<Error> Fail(std::string_view step, int bits) {
  return OpenSslError(ErrorCode::kInternal,
                      fmt::format("generating an RSA {} key: {} failed", bits, step));
}

// The FIPS 186-4 pairwise consistency test for a signing key: sign one
// message and verify it with the public half.
Status SignAndVerify(EVP_PKEY* key, int bits) {
  static constexpr std::string_view kMessage = "certmint RSA pairwise consistency test";
  const auto* msg = reinterpret_cast<const unsigned char*>(kMessage.data());
  ossl::EvpMdCtxPtr sign(EVP_MD_CTX_new());
  size_t sig_len = 0;
  if (!sign ||
      EVP_DigestSignInit_ex(sign.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) != 1 ||
      EVP_DigestSign(sign.get(), nullptr, &sig_len, msg, kMessage.size()) != 1) {
    return Fail("the pairwise consistency test", bits);
  }
  std::string sig(sig_len, '\0');
  auto* sig_bytes = reinterpret_cast<unsigned char*>(sig.data());
  if (EVP_DigestSign(sign.get(), sig_bytes, &sig_len, msg, kMessage.size()) != 1) {
    return Fail("the pairwise consistency test", bits);
  }
  ossl::EvpMdCtxPtr verify(EVP_MD_CTX_new());
  if (!verify ||
      EVP_DigestVerifyInit_ex(verify.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) !=
          1 ||
      EVP_DigestVerify(verify.get(), sig_bytes, sig_len, msg, kMessage.size()) != 1) {
    return Fail("the pairwise consistency test", bits);
  }
  return {};
}

// The numbers one attempt at a key computes from its primes p and q.
struct RsaNumbers {
  SecretBn n = NewSecret();
  SecretBn d = NewSecret();
  SecretBn dp = NewSecret();
  SecretBn dq = NewSecret();
  SecretBn qinv = NewSecret();
  SecretBn p1 = NewSecret();  // p - 1
  SecretBn q1 = NewSecret();  // q - 1
  SecretBn phi = NewSecret();
  SecretBn lambda = NewSecret();
  SecretBn g = NewSecret();  // scratch
  bool allocated() const { return n && d && dp && dq && qinv && p1 && q1 && phi && lambda && g; }
};

// n = pq and d = e^-1 mod lcm(p - 1, q - 1), lcm = (p - 1)(q - 1) / gcd(p - 1, q - 1).
Status ComputePrivateExponent(const BIGNUM* e, const BIGNUM* p, const BIGNUM* q, BN_CTX* ctx,
                              int bits, RsaNumbers& k) {
  if (BN_mul(k.n.get(), p, q, ctx) != 1 || BN_sub(k.p1.get(), p, BN_value_one()) != 1 ||
      BN_sub(k.q1.get(), q, BN_value_one()) != 1 ||
      BN_mul(k.phi.get(), k.p1.get(), k.q1.get(), ctx) != 1 ||
      BN_gcd(k.g.get(), k.p1.get(), k.q1.get(), ctx) != 1 ||
      BN_div(k.lambda.get(), nullptr, k.phi.get(), k.g.get(), ctx) != 1 ||
      BN_mod_inverse(k.d.get(), e, k.lambda.get(), ctx) == nullptr) {
    return Fail("computing the private exponent", bits);
  }
  return {};
}

// The CRT values (RFC 8017 section 3.2): dP, dQ, qInv, each checked.
Status ComputeCrtValues(const BIGNUM* e, const BIGNUM* p, const BIGNUM* q, BN_CTX* ctx, int bits,
                        RsaNumbers& k) {
  if (BN_mod(k.dp.get(), k.d.get(), k.p1.get(), ctx) != 1 ||
      BN_mod(k.dq.get(), k.d.get(), k.q1.get(), ctx) != 1 ||
      BN_mod_inverse(k.qinv.get(), q, p, ctx) == nullptr) {
    return Fail("computing the CRT values", bits);
  }
  // Every exponent inverts e and qInv inverts q, checked on the values
  // themselves: OpenSSL's CRT signing falls back to d when a CRT value is
  // wrong, so the signature test below would not notice, but other TLS
  // stacks would sign with it. (EVP_PKEY_pairwise_check would test p and q
  // for primality again, 64 Miller-Rabin rounds each: half the cost of the key.)
  if (!IsInverse(k.d.get(), e, k.lambda.get(), k.g.get(), ctx) ||
      !IsInverse(k.dp.get(), e, k.p1.get(), k.g.get(), ctx) ||
      !IsInverse(k.dq.get(), e, k.q1.get(), k.g.get(), ctx) ||
      !IsInverse(k.qinv.get(), q, p, k.g.get(), ctx)) {
    return Fail("the key pair check", bits);
  }
  return {};
}

// The EVP_PKEY of the computed numbers, after the pairwise consistency test.
Result<ossl::EvpPkeyPtr> MakeKey(const BIGNUM* e, const BIGNUM* p, const BIGNUM* q,
                                 const RsaNumbers& k, int bits) {
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, k.n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, k.d.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, k.dp.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, k.dq.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, k.qinv.get()) != 1) {
    return Fail("building the key parameters", bits);
  }
  // From secure numbers the builder makes a secure block, wiped when freed.
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  ossl::EvpPkeyCtxPtr kctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !kctx || EVP_PKEY_fromdata_init(kctx.get()) != 1 ||
      EVP_PKEY_fromdata(kctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return Fail("making the key", bits);
  }
  ossl::EvpPkeyPtr key(raw);
  CM_RETURN_IF_ERROR(SignAndVerify(key.get(), bits));
  return key;
}

}  // namespace

Result<ossl::EvpPkeyPtr> GenerateRsaKey(int bits) {
  if (bits < 2048 || bits % 2 != 0 || bits > 16384) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("RSA keys of {} bits are not supported", bits));
  }
  const int half = bits / 2;
  BnCtxPtr ctx(BN_CTX_secure_new());
  ossl::BignumPtr e(BN_new());
  RsaNumbers k;
  SecretBn diff = NewSecret();
  ossl::BignumPtr min_diff(BN_new()), min_d(BN_new());
  if (!ctx || !e || !k.allocated() || !diff || !min_diff || !min_d ||
      BN_set_word(e.get(), kPublicExponent) != 1 ||
      BN_lshift(min_diff.get(), BN_value_one(), half - 100) != 1 ||
      BN_lshift(min_d.get(), BN_value_one(), half) != 1) {
    return Fail("allocating", bits);
  }

  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    SecretBn p = RandomPrime(half, e.get(), ctx.get());
    SecretBn q = RandomPrime(half, e.get(), ctx.get());
    if (!p || !q) {
      return Fail("prime generation", bits);
    }
    // |p - q| > 2^(nlen/2 - 100): neither equal nor close enough for Fermat.
    if (BN_sub(diff.get(), p.get(), q.get()) != 1) {
      return Fail("computing |p - q|", bits);
    }
    BN_set_negative(diff.get(), 0);
    if (BN_cmp(diff.get(), min_diff.get()) <= 0) {
      continue;
    }
    CM_RETURN_IF_ERROR(ComputePrivateExponent(e.get(), p.get(), q.get(), ctx.get(), bits, k));
    if (BN_num_bits(k.n.get()) != bits) {
      return Fail("the modulus size check", bits);
    }
    // d > 2^(nlen/2), or start again with new primes (B.3.1 criterion 3).
    if (BN_cmp(k.d.get(), min_d.get()) <= 0) {
      continue;
    }
    CM_RETURN_IF_ERROR(ComputeCrtValues(e.get(), p.get(), q.get(), ctx.get(), bits, k));
    return MakeKey(e.get(), p.get(), q.get(), k, bits);
  }
  return Fail("finding primes that meet FIPS 186-4 B.3.1", bits);
}

}  // namespace certmint
