// Renewing one identity directory in place: same names, role, key type,
// formats, subject and alias; a new key (or the same with keep_key) and a new
// certificate; every file rewritten and swapped in atomically. The signer is
// the local CA (RenewIdentity) or the CA service (enroll/enroll.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ca/issuer.h"
#include "core/error.h"
#include "core/secret.h"
#include "identity/identity.h"
#include "identity/reload_hook.h"

namespace certmint {

struct RenewOptions {
  bool keep_key = false;
  std::optional<Validity> days;  // default: the old certificate's (CertificateValidity)
  const SecretString* store_password = nullptr;  // default: the identity's password file
  // A new store password for the renewed stores (after a key compromise):
  // given, or `new_random_password`. The identity's password file, if it has
  // one, is rewritten with it; a random one is always written there.
  const SecretString* new_store_password = nullptr;
  bool new_random_password = false;
  // The CAs every truststore carries (TrustAnchors); empty: the issuing root.
  std::vector<Certificate> trust;
  TimePoint now = std::chrono::system_clock::now();
  // Run after the renewed files are in place (identity/reload_hook.h), its
  // outcome given to `on_hook`; a failed hook does not fail the renewal.
  ReloadHook hook{};
  HookReport on_hook;
};

// What an identity directory holds now, for a signer that needs it.
struct CurrentIdentity {
  PrivateKey key;
  Certificate certificate;
  std::vector<Certificate> trust;  // the keystore's trusted entries
};

// Writes the renewed identity's files in place of the old ones, its
// truststores carrying `trust` (empty: RenewOptions::trust).
using RenewalDeploy =
    std::function<Status(const Identity& identity, const std::vector<Certificate>& trust)>;

// Who signs a renewal. `renew` is given the request (same names, role, key
// type, subject and validity as the current certificate; `key` set when
// kept), the current key and certificate when `needs_current` (or keep_key)
// asked for them, and the step that deploys the result; it obtains the new
// identity and deploys it.
struct RenewalSigner {
  bool needs_current = false;
  std::function<Status(const IdentityRequest& request, const CurrentIdentity* current,
                       const RenewalDeploy& deploy)>
      renew;
};

// Renews OUT/NAME with the local CA through `issuer`: the new certificate is
// recorded pending, the files are swapped in, then it becomes the name's
// valid certificate and the old one superseded. kNotFound when OUT/NAME does
// not exist.
Status RenewIdentity(const Issuer& issuer, const std::string& out_dir, const std::string& name,
                     const RenewOptions& options);

// RenewIdentity's steps with any signer. The current key is read from the
// identity's keystore only when keep_key or the signer needs it.
Status RenewIdentityWith(const std::string& out_dir, const std::string& name,
                         const RenewOptions& options, const RenewalSigner& signer);

}  // namespace certmint
