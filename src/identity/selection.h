// Which identity directories under OUT a command acts on: those named (which
// must exist), or those whose certificate expires soon.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "x509/certificate.h"
#include "x509/validity.h"

namespace certmint {

// Where a renewal window of `window` starts for `certificate`: when less than
// `window` is left, or less than a third of its lifetime (notAfter -
// notBefore), whichever comes LATER. A 365-day certificate with a 30-day
// window is renewed 30 days before its end, as always; a 24h one is renewed
// with 8 hours left (two thirds into its lifetime, as the renewal daemon
// does), not at every run because all of it lies inside 30 days.
TimePoint RenewalWindowStart(const Certificate& certificate, std::chrono::hours window);

// IdentitiesExpiringWithin lists the identities under `out_dir`
// (ListIdentities, sorted by name) whose certificate ends within `days` days
// of `now` (renew --expiring: what the operator asked, literally; apply's
// automatic window uses RenewalWindowStart). Directories that cannot be read
// are left out.
std::vector<std::string> IdentitiesExpiringWithin(const std::string& out_dir, int days,
                                                  TimePoint now);

// CheckIdentitiesExist checks each name (ValidateIdentityName) and that
// OUT/NAME exists: kNotFound "OUT/NAME does not exist" for the first missing.
Status CheckIdentitiesExist(const std::string& out_dir, const std::vector<std::string>& names);

// SelectIdentities: with `expiring_days`, IdentitiesExpiringWithin (possibly
// none); else `names`. Either way checked with CheckIdentitiesExist.
Result<std::vector<std::string>> SelectIdentities(const std::string& out_dir,
                                                  const std::vector<std::string>& names,
                                                  std::optional<int> expiring_days, TimePoint now);

// What `certmint renew` is told: which identities, and whether the local CA
// (`dir`) or the CA service (`server`) renews them.
struct RenewFlags {
  std::vector<std::string> names;
  std::string dir;  // the local CA's directory
  std::string out = ".";
  std::optional<int> expiring;   // every identity expiring within DAYS
  std::optional<Validity> days;  // validity (--days 90d|24h); default: as before
  bool keep_key = false;
  std::string server;  // the CA service's URL
  bool if_due = false;
  bool daemon = false;
  bool dry_run = false;            // name what would be renewed; sign nothing
  bool ca_password_given = false;  // --ca-password-file
};

// CheckRenewFlags: kInvalidArgument naming the flags that do not go
// together. --server excludes --dir, --ca-password-file, --days,
// --expiring and --dry-run (the service decides) and needs names; without it --dir is
// needed, --if-due and --daemon are refused, and exactly one of names and
// --expiring is given.
Status CheckRenewFlags(const RenewFlags& flags);

}  // namespace certmint
