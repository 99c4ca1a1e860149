#include "ca/authority.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/fs.h"
#include "x509/issue.h"

namespace certmint {

std::string CaCertPath(const std::string& dir) { return dir + "/ca.crt"; }
std::string CaKeyPath(const std::string& dir) { return dir + "/ca.key"; }
std::string CaChainPath(const std::string& dir) { return dir + "/ca-chain.pem"; }

CertificateAuthority CertificateAuthority::WithSettings(CaSettings settings) const {
  CertificateAuthority copy = *this;
  copy.settings_ = std::move(settings);
  return copy;
}

std::vector<Certificate> CertificateAuthority::Chain() const {
  std::vector<Certificate> out{cert_};
  out.insert(out.end(), issuers_.begin(), issuers_.end());
  return out;
}

Result<std::vector<Certificate>> CertificateAuthority::LoadIssuers(const std::string& dir) {
  if (!fs::Exists(CaChainPath(dir))) {
    return std::vector<Certificate>{};
  }
  CM_ASSIGN_OR_RETURN(auto pem, fs::ReadFile(CaChainPath(dir)));
  return WithContext(Certificate::ChainFromPem(pem), CaChainPath(dir));
}

Result<CertificateAuthority> CertificateAuthority::InitIntermediate(
    const std::string& dir, const CaInitOptions& options, const SecretString& password,
    const CertificateAuthority& root) {
  return Create(dir, options, password, &root);
}

Result<CertificateAuthority> CertificateAuthority::Init(const std::string& dir,
                                                        const CaInitOptions& options,
                                                        const SecretString& password) {
  return Create(dir, options, password, nullptr);
}

namespace {

// A new CA's key: its signer, and the file that says where it is (ca.key,
// encrypted, or ca-key.json naming the key in a token).
struct NewCaKey {
  std::shared_ptr<const Signer> signer;
  std::string path;
  std::string contents;
  mode_t mode;
  std::string location;  // key_location()
};

Result<NewCaKey> MakeCaKey(const std::string& dir, const CaInitOptions& options,
                           const SecretString& secret) {
  if (options.token) {
    TokenKeyRef ref = *options.token;
    CM_ASSIGN_OR_RETURN(auto report, PrepareTokenKey(ref, options.key_spec, secret));
    (void)report;  // found or generated: the signer says which type it is
    CM_ASSIGN_OR_RETURN(auto signer, OpenTokenSigner(ref, secret));
    return NewCaKey{std::move(signer), CaTokenKeyPath(dir), CaTokenKeyJson(ref), fs::kPublicFile,
                    FormatPkcs11Uri(ref.uri)};
  }
  if (secret.size() < kMinCaPasswordLength) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("the CA password must have at least {} characters", kMinCaPasswordLength));
  }
  CM_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(options.key_spec));
  CM_ASSIGN_OR_RETURN(auto pem,
                      key.ToEncryptedPkcs8Pem(secret, Pkcs8Encryption{options.kdf_iterations}));
  return NewCaKey{MakeKeySigner(std::move(key)), CaKeyPath(dir), std::move(pem), fs::kPrivateFile,
                  CaKeyPath(dir)};
}

Status RefuseExistingCa(const std::string& dir) {
  for (const auto& p : {CaCertPath(dir), CaKeyPath(dir), CaTokenKeyPath(dir)}) {
    if (fs::Exists(p)) {
      return MakeError(ErrorCode::kAlreadyExists,
                       fmt::format("{} already exists; refusing to overwrite a CA", p));
    }
  }
  if (fs::Exists(dir) && !fs::IsDirectory(dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} exists and is not a directory", dir));
  }
  return {};
}

// Writes the key file, the chain, the settings and the certificate last; on
// any error removes what it wrote.
Status WriteCaFiles(const std::string& dir, const NewCaKey& key,
                    const std::vector<Certificate>& issuers, const CaSettings& settings,
                    const Certificate& cert) {
  CM_RETURN_IF_ERROR(fs::EnsureDir(dir));
  // The key first: a CA directory with a key and no certificate is refused
  // by the next init and reported by Load, never mistaken for a usable CA.
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(key.path, key.contents, key.mode));
  const auto undo = [&](const Error& e) {
    fs::RemoveAll(key.path);
    fs::RemoveAll(CaChainPath(dir));
    fs::RemoveAll(CaSettingsPath(dir));
    return tl::unexpected(e);
  };
  if (!issuers.empty()) {
    std::string chain;
    for (const auto& c : issuers) {
      chain += c.ToPem();
    }
    if (auto st = fs::WriteFileAtomic(CaChainPath(dir), chain, fs::kPublicFile); !st) {
      return undo(st.error());
    }
  }
  if (auto st = SaveCaSettings(dir, settings); !st) {
    return undo(st.error());
  }
  if (auto st = fs::WriteFileAtomic(CaCertPath(dir), cert.ToPem(), fs::kPublicFile); !st) {
    return undo(st.error());
  }
  return {};
}

}  // namespace

Result<CertificateAuthority> CertificateAuthority::Create(const std::string& dir,
                                                          const CaInitOptions& options,
                                                          const SecretString& password,
                                                          const CertificateAuthority* root) {
  CM_RETURN_IF_ERROR(RefuseExistingCa(dir));
  CaSettings settings;
  if (!options.url.empty()) {
    CM_ASSIGN_OR_RETURN(settings.url, ParseStatusUrl(options.url));
  }
  CM_ASSIGN_OR_RETURN(auto key, MakeCaKey(dir, options, password));
  const Signer& signer = *key.signer;
  std::vector<Certificate> issuers;
  std::optional<Certificate> signed_cert;
  if (root == nullptr) {
    CaProfile profile{options.subject, options.days, options.now, std::nullopt};
    CM_ASSIGN_OR_RETURN(auto c, SelfSignCa(signer, profile));
    signed_cert.emplace(std::move(c));
  } else {
    // RFC 5280 §4.2.1.9: pathLenConstraint 0, this CA signs end entities only.
    // The root's URL, if it has one, says where the intermediate's status is
    // (docs/revocation.md: intermediate CAs).
    CaProfile profile{options.subject, options.days, options.now, 0, root->status_locations()};
    CM_ASSIGN_OR_RETURN(auto c, SignSubordinateCa(root->certificate(), root->signer(),
                                                  signer.PublicKey(), profile));
    signed_cert.emplace(std::move(c));
    issuers = root->Chain();
  }
  Certificate cert = *signed_cert;
  CM_RETURN_IF_ERROR(WriteCaFiles(dir, key, issuers, settings, cert));
  return CertificateAuthority(dir, std::move(cert), std::move(key.signer), std::move(issuers),
                              std::move(settings), std::move(key.location));
}

Result<Certificate> CertificateAuthority::LoadCertificate(const std::string& dir) {
  const std::string cert_path = CaCertPath(dir);
  auto pem = fs::ReadFile(cert_path);
  if (!pem) {
    if (pem.error().code() == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("no CA in {} ({} is missing; run 'certmint ca init --dir {}')",
                                   dir, cert_path, dir));
    }
    return tl::unexpected(pem.error());
  }
  auto cert = Certificate::FromPem(*pem);
  if (!cert) {
    cert.error().AddContext(cert_path);
    return cert;
  }
  if (!cert->IsCa()) {
    return MakeError(
        ErrorCode::kInvalidData,
        fmt::format("{}: not a CA certificate (basicConstraints CA:TRUE missing)", cert_path));
  }
  return cert;
}

namespace {

// The signer for the encrypted DIR/ca.key.
Result<std::shared_ptr<const Signer>> LoadFileSigner(const std::string& dir,
                                                     const Certificate& cert,
                                                     const SecretString& password) {
  const std::string key_path = CaKeyPath(dir);
  auto pem = fs::ReadFile(key_path);
  if (!pem) {
    return tl::unexpected(pem.error());
  }
  // The block FromPem will read, not any line of the text that says so.
  const std::optional<PemKeyInfo> block = FindPemPrivateKey(*pem);
  if (!block || block->label != "ENCRYPTED PRIVATE KEY" || !block->encrypted) {
    Cleanse(*pem);
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{}: the CA key is not an encrypted PKCS#8 key; certmint keeps "
                                 "CA keys encrypted at rest",
                                 key_path));
  }
  auto key = PrivateKey::FromPem(*pem, &password);
  Cleanse(*pem);
  if (!key) {
    if (key.error().code() == ErrorCode::kBadPassword) {
      return MakeError(ErrorCode::kBadPassword,
                       fmt::format("{}: wrong CA password or corrupted key", key_path));
    }
    key.error().AddContext(key_path);
    return tl::unexpected(key.error());
  }
  if (!cert.MatchesKey(*key)) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("{} does not belong to {}", key_path, CaCertPath(dir)));
  }
  return MakeKeySigner(std::move(*key));
}

// The signer for the key in a token that DIR/ca-key.json names.
Result<std::shared_ptr<const Signer>> LoadTokenSigner(const std::string& dir,
                                                      const Certificate& cert,
                                                      const TokenKeyRef& ref,
                                                      const SecretString& pin) {
  CM_ASSIGN_OR_RETURN(
      auto signer,
      WithContext(OpenTokenSigner(ref, pin), fmt::format("the CA key ({})", CaTokenKeyPath(dir))));
  if (!CertifiesSigner(cert, *signer)) {
    return MakeError(ErrorCode::kInvalidData,
                     fmt::format("the key {} names in its token does not belong to {}",
                                 CaTokenKeyPath(dir), CaCertPath(dir)));
  }
  return signer;
}

}  // namespace

Result<CertificateAuthority> CertificateAuthority::Load(const std::string& dir,
                                                        const SecretString& password) {
  CM_ASSIGN_OR_RETURN(auto cert, LoadCertificate(dir));
  CM_ASSIGN_OR_RETURN(auto token, LoadCaTokenKey(dir));
  std::shared_ptr<const Signer> signer;
  if (token) {
    CM_ASSIGN_OR_RETURN(signer, LoadTokenSigner(dir, cert, *token, password));
  } else {
    CM_ASSIGN_OR_RETURN(signer, LoadFileSigner(dir, cert, password));
  }
  CM_ASSIGN_OR_RETURN(auto issuers, LoadIssuers(dir));
  CM_ASSIGN_OR_RETURN(auto settings, LoadCaSettings(dir));
  return CertificateAuthority(dir, std::move(cert), std::move(signer), std::move(issuers),
                              std::move(settings),
                              token ? FormatPkcs11Uri(token->uri) : CaKeyPath(dir));
}

std::string PreviousCaDir(const std::string& dir) { return dir + "/previous"; }

bool RotationInProgress(const std::string& dir) {
  return fs::Exists(CaCertPath(PreviousCaDir(dir)));
}

Result<std::vector<Certificate>> TrustAnchors(const std::string& dir) {
  std::vector<Certificate> out;
  auto root_of = [](const std::string& d) -> Result<Certificate> {
    CM_ASSIGN_OR_RETURN(auto cert, CertificateAuthority::LoadCertificate(d));
    CM_ASSIGN_OR_RETURN(auto issuers, CertificateAuthority::LoadIssuers(d));
    return issuers.empty() ? cert : issuers.back();
  };
  CM_ASSIGN_OR_RETURN(auto current, root_of(dir));
  out.push_back(current);
  if (RotationInProgress(dir)) {
    CM_ASSIGN_OR_RETURN(auto previous, root_of(PreviousCaDir(dir)));
    if (previous.Sha256Fingerprint() != current.Sha256Fingerprint()) {
      out.push_back(previous);
    }
  }
  return out;
}

std::string CrossCertificatePath(const std::string& dir) {
  return PreviousCaDir(dir) + "/cross.crt";
}

Result<CertificateAuthority> RotateCa(const std::string& dir, const CaInitOptions& options,
                                      const SecretString& new_password,
                                      const CertificateAuthority& current) {
  if (RotationInProgress(dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("a rotation is already in progress ({} exists): finish it with "
                                 "'certmint ca retire'",
                                 PreviousCaDir(dir)));
  }
  CM_ASSIGN_OR_RETURN(auto in_dir, CertificateAuthority::LoadCertificate(dir));
  if (fs::Exists(CaChainPath(dir))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "rotating an intermediate CA is not supported: make a new intermediate "
                     "under the root instead");
  }
  if (current.certificate().Sha256Fingerprint() != in_dir.Sha256Fingerprint()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the CA given is not the one in {}", dir));
  }
  // The new CA is made whole beside the old one first; then the old moves
  // aside and the new moves in, file by file (each a rename).
  const std::string next = dir + "/.next-ca";
  fs::RemoveAll(next);
  CM_ASSIGN_OR_RETURN(auto fresh, CertificateAuthority::Init(next, options, new_password));
  CaProfile cross_profile;
  cross_profile.subject = fresh.certificate().Subject();
  cross_profile.days = options.days;
  cross_profile.now = options.now;
  cross_profile.path_length = 0;
  CM_ASSIGN_OR_RETURN(auto cross,
                      WithContext(SignSubordinateCa(current.certificate(), current.signer(),
                                                    fresh.signer().PublicKey(), cross_profile),
                                  "certifying the new CA with the previous one"));
  CM_RETURN_IF_ERROR(fs::WriteFileAtomic(next + "/cross.crt", cross.ToPem(), fs::kPublicFile));
  const std::string prev = PreviousCaDir(dir);
  CM_RETURN_IF_ERROR(fs::EnsureDir(prev));
  // The key is ca.key or ca-key.json (a token's): either may move, in or out.
  for (const char* f : {"ca.key", "ca-key.json", "ca.crt"}) {
    if (!fs::Exists(dir + "/" + f)) continue;
    if (::rename((dir + "/" + f).c_str(), (prev + "/" + f).c_str()) != 0) {
      return MakeError(ErrorCode::kIo,
                       fmt::format("moving {}/{} aside: {}", dir, f, std::strerror(errno)));
    }
  }
  if (::rename((next + "/cross.crt").c_str(), CrossCertificatePath(dir).c_str()) != 0) {
    return MakeError(ErrorCode::kIo, fmt::format("moving the cross-certificate into {}: {}", prev,
                                                 std::strerror(errno)));
  }
  for (const char* f : {"ca.key", "ca-key.json", "ca.crt"}) {
    if (!fs::Exists(next + "/" + f)) continue;
    if (::rename((next + "/" + f).c_str(), (dir + "/" + f).c_str()) != 0) {
      return MakeError(ErrorCode::kIo,
                       fmt::format("moving the new {} into {}: {}", f, dir, std::strerror(errno)));
    }
  }
  fs::RemoveAll(next);
  return CertificateAuthority::Load(dir, new_password);
}

Result<std::string> RetireCa(const std::string& dir, TimePoint now) {
  if (!RotationInProgress(dir)) {
    return MakeError(
        ErrorCode::kNotFound,
        fmt::format("no rotation in progress in {} (nothing in {})", dir, PreviousCaDir(dir)));
  }
  CM_ASSIGN_OR_RETURN(auto old, CertificateAuthority::LoadCertificate(PreviousCaDir(dir)));
  std::string fp = old.Sha256Fingerprint();
  fp.erase(std::remove(fp.begin(), fp.end(), ':'), fp.end());
  const std::string target =
      dir + "/retired/" + FormatUtc(now).substr(0, 10) + "-" + fp.substr(0, 16);
  CM_RETURN_IF_ERROR(fs::EnsureDir(dir + "/retired"));
  if (::rename(PreviousCaDir(dir).c_str(), target.c_str()) != 0) {
    return MakeError(ErrorCode::kIo, fmt::format("moving {} to {}: {}", PreviousCaDir(dir), target,
                                                 std::strerror(errno)));
  }
  return target;
}

}  // namespace certmint
