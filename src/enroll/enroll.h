// A node's side of the CA service, end to end: enrolling with a one-time
// token (key made here, CSR sent, chain received) and renewing over mTLS.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "enroll/client.h"
#include "identity/identity.h"
#include "identity/renew.h"
#include "keys/key_spec.h"

namespace certmint {

struct EnrollRequestOptions {
  ServerUrl url;
  std::string ca_fingerprint;  // normalized (NormalizeFingerprint)
  std::string name;
  // Names to ask for; empty: every name the token grants.
  SubjectAltNames sans;
  KeySpec key_spec = DefaultKeySpec();
};

struct Enrolled {
  Identity identity;
  std::vector<Certificate> trust;  // what the service says to trust (authenticated)
};

// Makes the key, pins the CA, enrolls. The answer is checked: the
// certificate carries our key and name and chains to the pinned CA.
Result<Enrolled> EnrollIdentity(const EnrollRequestOptions& options, const SecretString& token);

// Renewals of one identity come at least this far apart. A certificate the
// CA cut short (it ends with the CA) would otherwise fall due ever sooner as
// the CA's end nears: each renewal ends on the same day, two thirds of an
// ever shorter lifetime, down to renewing in a loop in the CA's last minutes
// (certificates are backdated by kBackdate).
inline constexpr std::chrono::hours kMinRenewalInterval{1};

// When a certificate is due for renewal: two thirds into its lifetime, and
// not sooner than `min_interval` after it was issued (its notBefore plus
// kBackdate). That can be after it ends, for one the CA cut to its own last
// hour: renewing it from the same CA could not extend it. (The service's own
// certificate, renewed in-process, passes a shorter interval: see
// ServerCertificateKeeper.)
TimePoint RenewalDue(const Certificate& certificate,
                     std::chrono::seconds min_interval = kMinRenewalInterval);

// Renews OUT/NAME through the CA service, authenticating with its current
// certificate and key; the files are rewritten as RenewIdentity does, with
// the trust anchors the service sends (so a CA rotation reaches the node).
Status RenewIdentityWithServer(const ServerUrl& url, const std::string& out_dir,
                               const std::string& name, const RenewOptions& options);

}  // namespace certmint
