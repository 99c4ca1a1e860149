// The cluster's certificate authority: a directory holding ca.crt and the
// encrypted ca.key.
//
//   DIR/         0700
//     ca.crt     0644  the CA certificate (PEM)
//     ca.key     0600  PKCS#8, PBES2 AES-256-CBC + PBKDF2-HMAC-SHA256, 600,000 rounds
//     ca-key.json 0644 instead of ca.key: the key is in a PKCS#11 token (ca/ca_token_key.h)
//     ca-chain.pem 0644  intermediate CAs only: the issuers of ca.crt up to the root
//     settings.json 0644 the status URL, when the CA has one (ca/ca_settings.h)
//     inventory.db 0600  every certificate issued (SQLite)
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/ca_settings.h"
#include "ca/ca_token_key.h"
#include "core/encoding.h"
#include "core/error.h"
#include "core/secret.h"
#include "keys/key_spec.h"
#include "keys/private_key.h"
#include "x509/certificate.h"
#include "x509/name.h"
#include "x509/signer.h"
#include "x509/validity.h"

namespace certmint {

std::string CaCertPath(const std::string& dir);
std::string CaKeyPath(const std::string& dir);
std::string CaChainPath(const std::string& dir);

// A CA password must be at least this long.
inline constexpr size_t kMinCaPasswordLength = 8;

struct CaInitOptions {
  DistinguishedName subject;
  KeySpec key_spec = DefaultKeySpec();
  Validity days = 3650;
  TimePoint now = std::chrono::system_clock::now();
  int kdf_iterations = kCaKeyIterations;
  // The status listener's base URL (ParseStatusUrl); empty: none.
  std::string url = {};
  // The key in a PKCS#11 token: the one the URI names if the token has it,
  // else one of `key_spec` generated there (pkcs11/token_key.h). The
  // `password` given with these options is then the token's PIN.
  std::optional<TokenKeyRef> token = std::nullopt;
};

class CertificateAuthority {
 public:
  // Creates a root CA in `dir` (made 0700 if missing). kAlreadyExists if
  // `dir` already holds a CA (or part of one); nothing is written then. On any
  // error no CA file is left behind.
  static Result<CertificateAuthority> Init(const std::string& dir, const CaInitOptions& options,
                                           const SecretString& password);

  // Creates an intermediate (issuing) CA in `dir`, signed by `root` with
  // pathLenConstraint 0; afterwards the root's key can be kept offline.
  static Result<CertificateAuthority> InitIntermediate(const std::string& dir,
                                                       const CaInitOptions& options,
                                                       const SecretString& password,
                                                       const CertificateAuthority& root);

  // Loads the CA in `dir`, decrypting its key. kNotFound if there is none,
  // kBadPassword on a wrong password. When the key is in a token
  // (DIR/ca-key.json), `password` is the token's PIN and the signer signs
  // there (OpenTokenSigner's errors).
  static Result<CertificateAuthority> Load(const std::string& dir, const SecretString& password);

  // The CA certificate alone (no password needed).
  static Result<Certificate> LoadCertificate(const std::string& dir);

  const std::string& dir() const { return dir_; }
  const Certificate& certificate() const { return cert_; }
  // The CA's key, seen only as what it signs (x509/signer.h). Issuing goes
  // through ca/issuer.h; the signer is for CRLs, OCSP and CA certificates.
  const Signer& signer() const { return *signer_; }
  // Where the key is: DIR/ca.key, or its PKCS#11 URI.
  const std::string& key_location() const { return key_location_; }
  bool key_in_token() const { return key_location_.rfind("pkcs11:", 0) == 0; }
  // The directory's settings as loaded (the status URL, if any).
  const CaSettings& settings() const { return settings_; }
  // Where the certificates this CA signs say their status is; empty
  // without a URL.
  StatusLocations status_locations() const { return StatusLocationsOf(settings_.url); }
  // This CA with `settings` (read again from the directory by a reload).
  CertificateAuthority WithSettings(CaSettings settings) const;
  // This CA's certificate followed by its issuers, ending with the root.
  std::vector<Certificate> Chain() const;

  // The issuers of a CA directory's certificate (empty for a root).
  static Result<std::vector<Certificate>> LoadIssuers(const std::string& dir);

 private:
  CertificateAuthority(std::string dir, Certificate cert, std::shared_ptr<const Signer> signer,
                       std::vector<Certificate> issuers, CaSettings settings,
                       std::string key_location)
      : dir_(std::move(dir)),
        cert_(std::move(cert)),
        signer_(std::move(signer)),
        issuers_(std::move(issuers)),
        settings_(std::move(settings)),
        key_location_(std::move(key_location)) {}
  static Result<CertificateAuthority> Create(const std::string& dir, const CaInitOptions& options,
                                             const SecretString& password,
                                             const CertificateAuthority* root);
  std::string dir_;
  Certificate cert_;
  std::shared_ptr<const Signer> signer_;
  std::vector<Certificate> issuers_;
  CaSettings settings_;
  std::string key_location_;
};

// CA rotation without downtime (docs/ca-rotation.md). During a rotation the
// old CA lives in DIR/previous/ and every truststore carries both roots.
std::string PreviousCaDir(const std::string& dir);
bool RotationInProgress(const std::string& dir);

// The roots truststores must carry: the current CA's root, then (during a
// rotation) the previous CA's root.
Result<std::vector<Certificate>> TrustAnchors(const std::string& dir);

// Starts a rotation: makes a new CA, moves `current` (DIR's CA, loaded with
// its key) to DIR/previous/. kAlreadyExists when a rotation is in progress.
// It also leaves DIR/previous/cross.crt: the new CA's key and name certified
// by the previous CA (pathLenConstraint 0), which the CA service presents
// above its own certificate during the rotation, so that nodes which trust
// only the previous CA still reach it to renew.
Result<CertificateAuthority> RotateCa(const std::string& dir, const CaInitOptions& options,
                                      const SecretString& new_password,
                                      const CertificateAuthority& current);

// DIR/previous/cross.crt (see RotateCa); exists only during a rotation
// started by a certmint that made it.
std::string CrossCertificatePath(const std::string& dir);

// Ends a rotation: moves DIR/previous/ to DIR/retired/<date>-<fingerprint>/
// (kept for the record). Returns that directory. kNotFound when no rotation
// is in progress.
Result<std::string> RetireCa(const std::string& dir, TimePoint now);

}  // namespace certmint
