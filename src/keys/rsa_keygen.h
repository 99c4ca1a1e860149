// RSA key generation from OpenSSL's prime generator.
//
// OpenSSL 3.0 makes every 2-prime RSA key of 2048 bits and more with
// e = 65537 by FIPS 186-4 B.3.6 (primes with conditions based on auxiliary
// probable primes); nothing selects another method. On Debian 12's 3.0 that
// takes about three times as long as drawing the two primes directly with
// OpenSSL's own random-prime search (BN_generate_prime_ex2, 64 Miller-Rabin
// rounds), which is the method OpenSSL 1.1.1 used for every RSA key and 3.0
// still uses for multi-prime keys. Auxiliary primes only defend against
// p-1/p+1 factoring, which random primes of 1,024 bits and more already
// defeat (Rivest and Silverman, "Are 'Strong' Primes Needed for RSA?").
//
// GenerateRsaKey draws random probable primes and checks every criterion of
// FIPS 186-4 appendix B.3.1 for the key it assembles:
//   e = 65537; p and q >= sqrt(2) * 2^(nlen/2 - 1) (both top bits set);
//   gcd(p - 1, e) = gcd(q - 1, e) = 1; |p - q| > 2^(nlen/2 - 100);
//   d = e^-1 mod lcm(p - 1, q - 1) with 2^(nlen/2) < d;
// then checks that the exponents and the CRT coefficient invert what they
// should, and signs and verifies one message with the key before handing it out.
#pragma once

#include "core/error.h"
#include "core/ossl.h"

namespace certmint {

// A new RSA key of `bits` bits (an even number, 2048 or more) with public
// exponent 65537. kInvalidArgument for other sizes; kInternal when OpenSSL
// fails or the key fails its checks (a bug, never expected).
Result<ossl::EvpPkeyPtr> GenerateRsaKey(int bits);

}  // namespace certmint
