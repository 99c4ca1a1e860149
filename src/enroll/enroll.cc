#include "enroll/enroll.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/fs.h"
#include "x509/csr.h"
#include "x509/issue.h"

namespace certmint {
namespace {

// The service's answer for `name` and `key`, checked before anything is
// written: our name, our key, and a chain up to one of `anchors`. The
// subject is the service's to decide (the token's subject template: Kafka's
// principal), so its CN need not be the name.
Status CheckIssued(const IssuedChain& issued, const std::string& name, const PrivateKey& key,
                   const std::vector<Certificate>& anchors) {
  if (issued.name != name) {
    return MakeError(
        ErrorCode::kInvalidData,
        fmt::format("the service answered with a certificate for '{}', not '{}'",
                    PrintableField(issued.certificate.Subject().ToString(), 80), name));
  }
  if (!issued.certificate.MatchesKey(key)) {
    return MakeError(ErrorCode::kInvalidData,
                     "the service answered with a certificate for another key");
  }
  const Certificate& top = issued.chain.empty() ? issued.certificate : issued.chain.back();
  for (const auto& a : anchors) {
    if (a.Sha256Fingerprint() == top.Sha256Fingerprint() || IssuedBy(top, a)) {
      return {};
    }
  }
  return MakeError(ErrorCode::kInvalidData,
                   "the service's certificate chain does not lead to the trusted CA");
}

}  // namespace

Result<Enrolled> EnrollIdentity(const EnrollRequestOptions& o, const SecretString& token) {
  CM_RETURN_IF_ERROR(ValidateIdentityName(o.name));
  CM_ASSIGN_OR_RETURN(auto pinned, FetchPinnedCa(o.url, o.ca_fingerprint));
  CM_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(o.key_spec));
  CM_ASSIGN_OR_RETURN(auto subject, DistinguishedName::CommonName(o.name));
  CM_ASSIGN_OR_RETURN(auto csr, MakeCsrPem(key, subject, o.sans));
  const std::vector<Certificate> anchors{pinned};
  CM_ASSIGN_OR_RETURN(auto issued, EnrollWithServer(o.url, anchors, token, o.name, csr));
  CM_RETURN_IF_ERROR(CheckIssued(issued, o.name, key, anchors));
  Enrolled out{
      Identity{o.name, std::move(key), std::move(issued.certificate), std::move(issued.chain)},
      std::move(issued.trust)};
  if (out.trust.empty()) {
    out.trust = anchors;
  }
  return out;
}

TimePoint RenewalDue(const Certificate& certificate, std::chrono::seconds min_interval) {
  const TimePoint two_thirds =
      certificate.NotBefore() + (certificate.NotAfter() - certificate.NotBefore()) * 2 / 3;
  const TimePoint issued = certificate.NotBefore() + kBackdate;
  return std::max(two_thirds, issued + min_interval);
}

Status RenewIdentityWithServer(const ServerUrl& url, const std::string& out_dir,
                               const std::string& name, const RenewOptions& options) {
  RenewalSigner signer;
  signer.needs_current = true;  // it authenticates the renewal
  signer.renew = [&](const IdentityRequest& request, const CurrentIdentity* current,
                     const RenewalDeploy& deploy) -> Status {
    std::vector<Certificate> anchors = current->trust;
    if (anchors.empty()) {
      // A PEM-only identity: its ca.crt.
      const std::string ca_file = out_dir + "/" + name + "/ca.crt";
      CM_ASSIGN_OR_RETURN(auto pem, fs::ReadFile(ca_file));
      CM_ASSIGN_OR_RETURN(anchors, WithContext(Certificate::ChainFromPem(pem), ca_file));
    }
    // request.key is the current key with keep_key; otherwise a new one.
    CM_ASSIGN_OR_RETURN(PrivateKey key, request.key ? Result<PrivateKey>(*request.key)
                                                    : PrivateKey::Generate(request.key_spec));
    CM_ASSIGN_OR_RETURN(auto subject, DistinguishedName::CommonName(name));
    CM_ASSIGN_OR_RETURN(auto csr, MakeCsrPem(key, subject, request.sans));
    CM_ASSIGN_OR_RETURN(auto issued,
                        RenewWithServer(url, anchors, current->certificate, current->key, csr));
    // The channel was authenticated with the current anchors, so the
    // service's trust list counts too: during a CA rotation the new
    // certificate may come from the new CA.
    std::vector<Certificate> accepted = anchors;
    accepted.insert(accepted.end(), issued.trust.begin(), issued.trust.end());
    CM_RETURN_IF_ERROR(CheckIssued(issued, name, key, accepted));
    const std::vector<Certificate> trust = issued.trust.empty() ? anchors : issued.trust;
    return deploy(
        Identity{name, std::move(key), std::move(issued.certificate), std::move(issued.chain)},
        trust);
  };
  return RenewIdentityWith(out_dir, name, options, signer);
}

}  // namespace certmint
